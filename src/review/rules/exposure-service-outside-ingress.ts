import { defineRule, type Facts, type ServiceFact } from '../types.js';

/** Ingress controllers, gateways and tunnels: their Services are the front door, not a way around it. */
const PROXY = /(^|-)(ingress|traefik|ingress-nginx|nginx-ingress|haproxy|contour|envoy|envoy-gateway|istio-ingressgateway|gateway|kong|caddy|tailscale|cloudflared|nginx-proxy)(-|$)/;
/**
 * Catalog modules whose LoadBalancer Services are proxies or protocols an HTTP
 * ingress cannot carry, by design: nginx-proxy (the dev containers' SSH stream
 * proxy), qbittorrent (the BitTorrent peer port, with exposePeers).
 */
const PROXY_MODULES = new Set(['nginx-proxy', 'cloudflared', 'tailscale-operator', 'qbittorrent']);
/**
 * Ports of protocols that bring their own encryption and authentication, or
 * that an HTTP ingress cannot carry: SSH, DNS, DNS over TLS, the Kubernetes
 * and Talos APIs, WireGuard, Tailscale, BitTorrent peers (qBittorrent,
 * Transmission).
 */
const OWN_PROTOCOL_PORTS = new Set([22, 53, 853, 6443, 50000, 50001, 51820, 41641, 6881, 51413]);

function isProxy(s: ServiceFact, facts: Facts): boolean {
  const app = facts.apps.find((a) => a.name === s.app && a.namespace === s.namespace);
  if (app?.module && PROXY_MODULES.has(app.module)) return true;
  return [s.name, s.namespace, s.app].some((t) => t !== undefined && PROXY.test(t.toLowerCase()));
}

/** LoadBalancer and NodePort Services that reach an app without passing the ingress. */
export default defineRule({
  id: 'exposure-service-outside-ingress',
  category: 'exposure',
  risk: 'medium',
  title: 'Service exposed beside the ingress',
  why: 'A LoadBalancer or NodePort Service opens the app on the network directly: TLS, forward-auth, rate limits and access logs configured on the ingress do not apply, and the open port is easy to forget when the ingress is hardened.',
  fix: 'make the Service ClusterIP and route the app through the ingress; for protocols an HTTP ingress cannot carry, restrict the Service (loadBalancerSourceRanges, a NetworkPolicy) and make sure the app encrypts and authenticates itself',
  check({ facts, report }) {
    for (const s of facts.services) {
      if (s.type !== 'LoadBalancer' && s.type !== 'NodePort') continue;
      if (isProxy(s, facts)) continue;
      const ports = [...new Set(s.ports.filter((p) => !OWN_PROTOCOL_PORTS.has(p)))];
      // Only SSH, DNS or API ports: nothing an ingress would protect.
      if (s.ports.length > 0 && ports.length === 0) continue;
      const list = ports.length ? `port${ports.length === 1 ? '' : 's'} ${ports.join(', ')}` : 'its ports';
      report({
        message: `Service ${s.namespace}/${s.name} (${s.type}) opens ${list} of ${s.app ?? s.name} directly on the ${s.type === 'NodePort' ? 'nodes' : 'network'}: the ingress's TLS and authentication do not apply`,
        where: s.where,
        subjects: [s.app ?? s.name],
      });
    }
  },
});
