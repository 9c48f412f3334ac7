import { defineModule, type Manifest } from '../types.js';
import { CHARTS } from '../charts.js';
import { meta } from '../meta.js';
import { metricsOn } from './_shared.js';
import type { LabModel } from '../../model/types.js';

/** The Longhorn recurring-job group of a backup tier; PVCs join it by label. */
export function recurringGroup(tier: string): string {
  return `hearth-${tier}`;
}

/** PVC labels that put a claim's volume in its tier's recurring snapshot group. */
export function recurringLabels(tier: string): Record<string, string> {
  return { 'recurring-job.longhorn.io/source': 'enabled', [`recurring-job-group.longhorn.io/${recurringGroup(tier)}`]: 'enabled' };
}

/** Tiers that hold volumes of Longhorn classes: schedule, and how many snapshots to keep (the tier's largest keep count, at most 100). */
function longhornTiers(lab: LabModel): { name: string; schedule: string; retain: number }[] {
  const longhorn = new Set(lab.storageClasses.filter((c) => c.type === 'longhorn').map((c) => c.name));
  const names = new Set(lab.backupSets.filter((s) => s.tier && s.storageClass && longhorn.has(s.storageClass) && s.kind !== 'guest').map((s) => s.tier!));
  return (lab.spec.backups?.tiers ?? [])
    .filter((t) => names.has(t.name))
    .map((t) => ({ name: t.name, schedule: t.schedule, retain: Math.min(100, Math.max(...Object.values(t.retention).filter((n): n is number => typeof n === 'number'), 1)) }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

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
    // Per backup tier holding Longhorn volumes: local snapshots on the tier's schedule (fast
    // restore points beside the replicas; the backup jobs carry the copies off the cluster).
    for (const t of longhornTiers(lab)) {
      manifests.push({
        file: 'recurring-jobs',
        needsCrds: true,
        object: {
          apiVersion: 'longhorn.io/v1beta2',
          kind: 'RecurringJob',
          metadata: meta(ctx, recurringGroup(t.name), 'recurring-job'),
          spec: { name: recurringGroup(t.name), task: 'snapshot', cron: t.schedule, groups: [recurringGroup(t.name)], retain: t.retain, concurrency: 2, labels: { 'hearth.dev/backup-tier': t.name } },
        },
      });
    }
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
