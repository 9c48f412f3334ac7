import { defineModule, type Manifest } from '../types.js';
import { CHARTS } from '../charts.js';
import { meta } from '../meta.js';
import { metricsOn } from './_shared.js';

/**
 * Longhorn replicated block storage. The chart owns the StorageClass named
 * `longhorn`; further Longhorn classes (other replica counts) are rendered as
 * StorageClass objects for the same driver.
 */
export default defineModule({
  name: 'longhorn',
  kind: 'platform',
  summary: 'Longhorn replicated block storage',
  layer: 'storage',
  dir: 'longhorn',
  namespace: 'longhorn-system',
  chart: CHARTS.longhorn,
  instances: (lab) => (lab.storageClasses.some((c) => c.type === 'longhorn') ? [{}] : []),
  render: (ctx) => {
    const { lab } = ctx;
    const classes = lab.storageClasses.filter((c) => c.type === 'longhorn');
    const main = classes.find((c) => c.name === 'longhorn');
    const replicas = (c: (typeof classes)[number]) => (c.spec.type === 'longhorn' ? c.spec.replicas : 1);
    const first = main ?? classes[0];
    const dataPath = first.spec.type === 'longhorn' ? first.spec.dataPath : undefined;
    const manifests: Manifest[] = classes
      .filter((c) => c !== main)
      .map((c) => ({
        file: 'storageclass',
        object: {
          apiVersion: 'storage.k8s.io/v1',
          kind: 'StorageClass',
          metadata: meta(ctx, c.name, 'storageclass', {
            namespaced: false,
            annotations: c.isDefault ? { 'storageclass.kubernetes.io/is-default-class': 'true' } : {},
          }),
          provisioner: 'driver.longhorn.io',
          allowVolumeExpansion: true,
          reclaimPolicy: c.spec.reclaimPolicy,
          volumeBindingMode: 'Immediate',
          parameters: { numberOfReplicas: String(replicas(c)), staleReplicaTimeout: '30', fsType: 'ext4' },
        },
      }));
    return {
      values: {
        persistence: {
          defaultClass: main?.isDefault ?? false,
          defaultClassReplicaCount: replicas(first),
          reclaimPolicy: first.spec.reclaimPolicy,
        },
        defaultSettings: {
          defaultReplicaCount: replicas(first),
          ...(dataPath ? { defaultDataPath: dataPath } : {}),
        },
        ...(metricsOn(lab) ? { metrics: { serviceMonitor: { enabled: true } } } : {}),
      },
      manifests,
    };
  },
});
