import { z } from 'zod';
import { defineModule, type ChartRef, type Manifest, type RenderContext } from '../types.js';
import { meta } from '../meta.js';
import { NAME_RE } from '../../spec/schema.js';

/**
 * kubernetes-sigs/external-dns chart 1.22.0 (ExternalDNS v0.22.0). Evidence:
 * docs/research/app-charts.md §1 and §2.18 (kubernetes-sigs/external-dns PR
 * #6650 "release 1.22 for extdns v0.22.0", tag external-dns-helm-chart-1.22.0).
 * The chart's default image is registry.k8s.io/external-dns/external-dns:v<appVersion>.
 */
export const EXTERNAL_DNS_CHART: ChartRef = {
  repo: 'https://kubernetes-sigs.github.io/external-dns/',
  repoName: 'external-dns',
  chart: 'external-dns',
  version: '1.22.0',
  evidence: 'docs/research/app-charts.md',
};

const domain = z
  .string()
  .max(253)
  .regex(/^([a-z0-9]([-a-z0-9]*[a-z0-9])?)(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)+$/)
  .describe('A DNS zone such as example.com.');

const Config = z.strictObject({
  provider: z.enum(['cloudflare']).default('cloudflare').describe('DNS provider. Others: set values.provider and values.env yourself.'),
  apiToken: z
    .strictObject({
      secret: z.string().max(63).regex(NAME_RE).describe('Secret in the app namespace.'),
      key: z.string().min(1).max(253).regex(/^[-._a-zA-Z0-9]+$/),
    })
    .default({ secret: 'cloudflare-api-token', key: 'api-token' })
    .describe('Where the Cloudflare API token (Zone:Read, DNS:Edit) lives; passed as CF_API_TOKEN from the Secret.'),
  domainFilters: z.array(domain).min(1).optional().describe('Zones external-dns may touch. Default: the lab domain.'),
  sources: z
    .array(z.enum(['ingress', 'service', 'crd', 'gateway-httproute']))
    .min(1)
    .default(['ingress', 'service'])
    .describe('Objects whose hostnames become records.'),
  policy: z.enum(['upsert-only', 'sync']).default('upsert-only').describe('upsert-only never deletes records; sync deletes records it owns when their source goes.'),
  interval: z.string().regex(/^[0-9]+(s|m|h)$/).default('1m').describe('Reconcile interval.'),
});

export type ExternalDnsConfig = z.output<typeof Config>;

/**
 * Under default-deny: egress to the Kubernetes API (control-plane nodes and
 * the VIP on 6443; policies see the endpoint after the Service DNAT) and, for
 * admission webhooks, the API server's calls on the webhook ports.
 */
function controlPlanePolicy(ctx: RenderContext<unknown>, webhookPorts: number[] = []): Manifest[] {
  const app = ctx.component.app!;
  const { lab } = ctx;
  if (lab.namespaces.find((n) => n.name === app.namespace)?.networkPolicy !== 'default-deny') return [];
  const ips = [...new Set([...(lab.cluster?.controlPlane.map((n) => n.ip) ?? []), ...(lab.cluster?.vip ? [lab.cluster.vip] : [])])].sort();
  const spec: Record<string, unknown> = {
    podSelector: { matchLabels: { 'app.kubernetes.io/instance': app.name } },
    policyTypes: webhookPorts.length ? ['Ingress', 'Egress'] : ['Egress'],
  };
  if (webhookPorts.length) spec.ingress = [{ ports: webhookPorts.map((port) => ({ protocol: 'TCP', port })) }];
  spec.egress = [{ ...(ips.length ? { to: ips.map((ip) => ({ ipBlock: { cidr: `${ip}/32` } })) } : {}), ports: [{ protocol: 'TCP', port: 6443 }] }];
  return [{ file: 'network-policy', object: { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: meta(ctx, `${app.name}-control-plane`, 'network-policy'), spec } }];
}

/** ExternalDNS publishing the lab's ingress and LoadBalancer hostnames to Cloudflare. */
export default defineModule({
  name: 'external-dns',
  kind: 'app',
  summary: 'ExternalDNS: DNS records for ingresses and LoadBalancer services (Cloudflare, token from a Secret)',
  layer: 'apps',
  dir: 'external-dns',
  chart: EXTERNAL_DNS_CHART,
  config: Config,
  app: () => ({
    expose: 'internal',
    volumes: [],
    resources: { requests: { cpu: '10m', memory: '64Mi' }, limits: { memory: '128Mi' } },
    replicas: 1,
    egressInternet: true,
  }),
  render: (ctx) => {
    const app = ctx.component.app!;
    const c = ctx.config as ExternalDnsConfig;
    const { lab } = ctx;
    const metrics = lab.monitoringNamespace !== undefined;
    const values: Record<string, unknown> = {
      provider: { name: c.provider },
      env: [{ name: 'CF_API_TOKEN', valueFrom: { secretKeyRef: { name: c.apiToken.secret, key: c.apiToken.key } } }],
      domainFilters: c.domainFilters ?? [lab.domain],
      sources: c.sources,
      policy: c.policy,
      registry: 'txt',
      txtOwnerId: lab.name,
      interval: c.interval,
      serviceMonitor: { enabled: metrics },
      resources: { requests: app.resources.requests, limits: app.resources.limits },
      podSecurityContext: { runAsNonRoot: true, fsGroup: 65534, seccompProfile: { type: 'RuntimeDefault' } },
      securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true, capabilities: { drop: ['ALL'] } },
      ...(Object.keys(app.nodeSelector).length ? { nodeSelector: app.nodeSelector } : {}),
    };
    return { values, manifests: controlPlanePolicy(ctx) };
  },
});
