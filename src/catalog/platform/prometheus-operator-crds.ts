import { defineModule } from '../types.js';
import { CHARTS } from '../charts.js';

/**
 * The Prometheus Operator CRDs, installed before everything else so that
 * charts in earlier layers (Traefik, cert-manager, MetalLB, Longhorn) can
 * create ServiceMonitors before kube-prometheus-stack itself is deployed.
 */
export default defineModule({
  name: 'prometheus-operator-crds',
  kind: 'platform',
  summary: 'Prometheus Operator CRDs (ServiceMonitor, PrometheusRule, ...), installed first',
  layer: 'crds',
  dir: 'prometheus-operator-crds',
  namespace: 'monitoring',
  chart: CHARTS.prometheusOperatorCrds,
  instances: (lab) => (lab.spec.observability.metrics.enabled && lab.cluster ? [{}] : []),
  render: () => ({ values: {}, manifests: [] }),
});
