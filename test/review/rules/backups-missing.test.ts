import rule from '../../../src/review/rules/backups-missing.js';
import { ruleTable, testLab } from '../../helpers/review.js';

const pvc = (name: string, ns: string) => `apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: { name: ${name}, namespace: ${ns} }\nspec: { storageClassName: nfs }\n`;

ruleTable(rule, {
  valid: [
    { name: 'a Velero schedule of every namespace', repo: { 'pvc.yaml': pvc('data', 'apps'), 'schedule.yaml': 'apiVersion: velero.io/v1\nkind: Schedule\nmetadata: { name: nightly, namespace: velero }\nspec: { schedule: "0 3 * * *", template: { ttl: 720h } }\n' } },
    { name: 'a Velero schedule of the namespace', repo: { 'pvc.yaml': pvc('data', 'apps'), 'schedule.yaml': 'apiVersion: velero.io/v1\nkind: Schedule\nmetadata: { name: apps, namespace: velero }\nspec: { schedule: "0 3 * * *", template: { includedNamespaces: [apps] } }\n' } },
    { name: 'a VolSync ReplicationSource of the claim', repo: { 'pvc.yaml': pvc('data', 'apps'), 'rs.yaml': 'apiVersion: volsync.backube/v1alpha1\nkind: ReplicationSource\nmetadata: { name: data, namespace: apps }\nspec: { sourcePVC: data, trigger: { schedule: "0 * * * *" } }\n' } },
    { name: 'a kopiur schedule shipped beside the claim in a component', repo: { 'c/pvc.yaml': pvc('data', 'apps'), 'c/schedule.yaml': 'apiVersion: kopiur.home-operations.com/v1alpha1\nkind: SnapshotSchedule\nmetadata: { name: app }\nspec: { schedule: { cron: "0 * * * *" } }\n' } },
    { name: 'only caches', lab: testLab([{ name: 'ollama', namespace: 'ai' }]) },
    { name: 'a lab with Velero', lab: testLab([{ name: 'vaultwarden', namespace: 'apps' }, { name: 'velero', namespace: 'apps', config: { bucket: 'lab-backups', schedules: [{ name: 'nightly', schedule: '0 3 * * *' }] } }]) },
  ],
  invalid: [
    { name: 'an app volume with no backup', lab: testLab([{ name: 'vaultwarden', namespace: 'apps' }]), message: /vaultwarden has no scheduled backup/, subjects: ['vaultwarden'] },
    { name: 'a schedule of another namespace', repo: { 'pvc.yaml': pvc('data', 'apps'), 'schedule.yaml': 'apiVersion: velero.io/v1\nkind: Schedule\nmetadata: { name: media, namespace: velero }\nspec: { schedule: "0 3 * * *", template: { includedNamespaces: [media] } }\n' }, count: 1 },
  ],
});

ruleTable(rule, {
  valid: [
    {
      name: 'a backup tier of the spec covers the app (backups.assign)',
      lab: testLab([{ name: 'vaultwarden', namespace: 'apps' }], {
        backups: {
          targets: [{ name: 'b2', type: 's3', endpoint: 'https://s3.us-west-004.backblazeb2.com', bucket: 'lab', credentials: 'b2', password: { secret: 'restic', key: 'password' } }],
          tiers: [{ name: 'daily', schedule: '0 2 * * *', targets: ['b2'] }],
          assign: [{ app: 'vaultwarden', tier: 'daily' }],
        },
      } as never),
    },
  ],
  invalid: [
    {
      name: 'a tier covers another app only',
      lab: testLab([{ name: 'vaultwarden', namespace: 'apps' }, { name: 'n8n', namespace: 'data' }], {
        backups: {
          targets: [{ name: 'b2', type: 's3', endpoint: 'https://s3.us-west-004.backblazeb2.com', bucket: 'lab', credentials: 'b2', password: { secret: 'restic', key: 'password' } }],
          tiers: [{ name: 'daily', schedule: '0 2 * * *', targets: ['b2'] }],
          assign: [{ app: 'vaultwarden', tier: 'daily' }],
        },
      } as never),
      message: /n8n/,
      count: 1,
    },
  ],
});
