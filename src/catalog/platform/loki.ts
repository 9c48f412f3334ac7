import { defineModule } from '../types.js';
import { CHARTS } from '../charts.js';

/** Retention in hours for Loki's limits_config (accepts h, d and w). */
function hours(d: string): string {
  const n = Number(d.slice(0, -1));
  const unit = d.slice(-1);
  return `${unit === 'h' ? n : unit === 'd' ? n * 24 : n * 24 * 7}h`;
}

/** Loki in monolithic mode on a filesystem volume (grafana-community chart). */
export default defineModule({
  name: 'loki',
  kind: 'platform',
  summary: 'Grafana Loki log store, monolithic on a PVC',
  layer: 'observability',
  dir: 'loki',
  namespace: 'monitoring',
  chart: CHARTS.loki,
  instances: (lab) => (lab.spec.observability.logs.enabled && lab.cluster ? [{}] : []),
  render: ({ lab }) => {
    const logs = lab.spec.observability.logs;
    const storageClass = logs.storage.class ?? lab.defaultStorageClass;
    const size = logs.storage.size ?? '10Gi';
    return {
      values: {
        deploymentMode: 'Monolithic',
        loki: {
          auth_enabled: false,
          commonConfig: { replication_factor: 1 },
          storage: { type: 'filesystem' },
          schemaConfig: {
            configs: [{ from: '2024-04-01', store: 'tsdb', object_store: 'filesystem', schema: 'v13', index: { prefix: 'index_', period: '24h' } }],
          },
          limits_config: { retention_period: hours(logs.retention) },
          compactor: { retention_enabled: true, delete_request_store: 'filesystem' },
        },
        singleBinary: {
          replicas: 1,
          persistence: { enabled: true, size, ...(storageClass ? { storageClass } : {}) },
          resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { memory: '1Gi' } },
        },
        read: { replicas: 0 },
        write: { replicas: 0 },
        backend: { replicas: 0 },
        chunksCache: { enabled: false },
        resultsCache: { enabled: false },
        lokiCanary: { enabled: false },
        test: { enabled: false },
        gateway: { enabled: false },
      },
      manifests: [],
    };
  },
});
