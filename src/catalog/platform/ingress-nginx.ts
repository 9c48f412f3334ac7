import { defineModule } from '../types.js';
import { CHARTS } from '../charts.js';
import { loadBalancerAnnotations, metricsOn } from './_shared.js';

/**
 * ingress-nginx. Upstream retired the project in March 2026 (final chart
 * 4.15.1); hearth keeps it for labs that run it and `hearth validate` warns.
 */
export default defineModule({
  name: 'ingress-nginx',
  kind: 'platform',
  summary: 'ingress-nginx controller (retired upstream in 2026; prefer traefik)',
  layer: 'ingress',
  dir: 'ingress-nginx',
  namespace: 'ingress-nginx',
  chart: CHARTS.ingressNginx,
  instances: (lab) => (lab.ingress?.controller === 'ingress-nginx' ? [{}] : []),
  render: ({ lab }) => {
    const ing = lab.ingress!;
    const metrics = metricsOn(lab);
    return {
      values: {
        controller: {
          replicaCount: lab.cluster && lab.cluster.nodes.length > 1 ? 2 : 1,
          ingressClass: ing.className,
          ingressClassResource: { name: ing.className, default: true },
          service: { type: 'LoadBalancer', annotations: loadBalancerAnnotations(ing.ip) },
          metrics: { enabled: metrics, serviceMonitor: { enabled: metrics } },
          resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '256Mi' } },
        },
      },
      manifests: [],
    };
  },
});
