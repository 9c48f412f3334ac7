import { defineModule } from '../types.js';
import { CHARTS } from '../charts.js';
import { loadBalancerAnnotations, metricsOn } from './_shared.js';

/** Traefik as the ingress controller (chart v41: `service.spec`, `ports.*.http`). */
export default defineModule({
  name: 'traefik',
  kind: 'platform',
  summary: 'Traefik ingress controller',
  layer: 'ingress',
  dir: 'traefik',
  namespace: 'traefik',
  chart: CHARTS.traefik,
  instances: (lab) => (lab.ingress?.controller === 'traefik' && !lab.ingress.bundled ? [{}] : []),
  render: ({ lab }) => {
    const ing = lab.ingress!;
    const values: Record<string, unknown> = {
      deployment: { replicas: lab.cluster && lab.cluster.nodes.length > 1 ? 2 : 1 },
      ingressClass: { enabled: true, isDefaultClass: true, name: ing.className },
      providers: { kubernetesIngress: { publishedService: { enabled: true } } },
      service: { annotations: loadBalancerAnnotations(ing.ip), spec: { type: 'LoadBalancer' } },
      resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '256Mi' } },
    };
    if (lab.issuers.length > 0) {
      values.ports = { web: { http: { redirections: { entryPoint: { to: 'websecure', scheme: 'https', permanent: true } } } } };
    }
    if (metricsOn(lab)) values.metrics = { prometheus: { service: { enabled: true }, serviceMonitor: { enabled: true } } };
    return { values, manifests: [] };
  },
});
