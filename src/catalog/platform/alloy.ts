import { defineModule } from '../types.js';
import { CHARTS } from '../charts.js';
import { metricsOn, namespaceOf } from './_shared.js';

/** Alloy configuration: tail every pod's logs through the API server and push them to Loki. */
export function alloyConfig(lokiUrl: string): string {
  return `discovery.kubernetes "pods" {
  role = "pod"
}

discovery.relabel "pods" {
  targets = discovery.kubernetes.pods.targets

  rule {
    source_labels = ["__meta_kubernetes_namespace"]
    target_label  = "namespace"
  }

  rule {
    source_labels = ["__meta_kubernetes_pod_name"]
    target_label  = "pod"
  }

  rule {
    source_labels = ["__meta_kubernetes_pod_container_name"]
    target_label  = "container"
  }

  rule {
    source_labels = ["__meta_kubernetes_pod_label_app_kubernetes_io_name"]
    target_label  = "app"
  }
}

loki.source.kubernetes "pods" {
  targets    = discovery.relabel.pods.output
  forward_to = [loki.write.default.receiver]
}

loki.write "default" {
  endpoint {
    url = "${lokiUrl}"
  }
}
`;
}

/** Grafana Alloy as the log collector for Loki (Promtail reached end of life in 2026). */
export default defineModule({
  name: 'alloy',
  kind: 'platform',
  summary: 'Grafana Alloy log collector shipping pod logs to Loki',
  layer: 'observability',
  dir: 'alloy',
  namespace: 'monitoring',
  chart: CHARTS.alloy,
  instances: (lab) => (lab.spec.observability.logs.enabled && lab.cluster ? [{ dependsOn: ['loki'] }] : []),
  render: ({ lab }) => {
    const lokiNs = namespaceOf(lab, 'loki') ?? 'monitoring';
    return {
      values: {
        // One replica tails all pods through the API server; a DaemonSet would ship every line N times.
        controller: { type: 'deployment', replicas: 1 },
        alloy: {
          configMap: { create: true, content: alloyConfig(`http://loki.${lokiNs}.svc.cluster.local:3100/loki/api/v1/push`) },
          resources: { requests: { cpu: '50m', memory: '128Mi' }, limits: { memory: '256Mi' } },
        },
        serviceMonitor: { enabled: metricsOn(lab) },
      },
      manifests: [],
    };
  },
});
