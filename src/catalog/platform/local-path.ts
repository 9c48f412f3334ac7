import { defineModule, type Manifest } from '../types.js';
import { CHARTS } from '../charts.js';
import { meta } from '../meta.js';

/** Default host directory per distribution: Talos only allows writes under /var. */
const DEFAULT_PATH = { k3s: '/var/lib/rancher/k3s/storage', talos: '/var/mnt/local-path-provisioner', other: '/opt/local-path-provisioner' };

/**
 * local-path-provisioner. K3s bundles it (class `local-path`), so on K3s
 * hearth deploys nothing and only renders extra classes for the bundled
 * provisioner; elsewhere it deploys the chart.
 */
export default defineModule({
  name: 'local-path',
  kind: 'platform',
  summary: 'local-path-provisioner: node-local PVCs (bundled with K3s)',
  layer: 'storage',
  dir: 'local-path',
  namespace: 'local-path-storage',
  chart: CHARTS.localPath,
  instances: (lab) =>
    lab.storageClasses.some((c) => c.type === 'local-path' && !c.bundled)
      ? // On K3s the bundled provisioner serves extra classes: no chart to deploy.
        [{ chart: lab.cluster?.distribution !== 'k3s' }]
      : [],
  render: (ctx) => {
    const { lab } = ctx;
    const classes = lab.storageClasses.filter((c) => c.type === 'local-path' && !c.bundled);
    const k3s = lab.cluster?.distribution === 'k3s';
    const first = classes[0];
    const path = (first.spec.type === 'local-path' && first.spec.path) || DEFAULT_PATH[lab.cluster?.distribution ?? 'other'];
    const extra: Manifest[] = classes.slice(k3s ? 0 : 1).map((c) => ({
      file: 'storageclass',
      object: {
        apiVersion: 'storage.k8s.io/v1',
        kind: 'StorageClass',
        metadata: meta(ctx, c.name, 'storageclass', {
          namespaced: false,
          annotations: c.isDefault ? { 'storageclass.kubernetes.io/is-default-class': 'true' } : {},
        }),
        provisioner: 'rancher.io/local-path',
        reclaimPolicy: c.spec.reclaimPolicy,
        volumeBindingMode: 'WaitForFirstConsumer',
      },
    }));
    if (k3s) return { manifests: extra };
    return {
      values: {
        storageClass: { create: true, name: first.name, defaultClass: first.isDefault, reclaimPolicy: first.spec.reclaimPolicy },
        nodePathMap: [{ node: 'DEFAULT_PATH_FOR_NON_LISTED_NODES', paths: [path] }],
        resources: { requests: { cpu: '10m', memory: '32Mi' }, limits: { memory: '128Mi' } },
      },
      manifests: extra,
    };
  },
});
