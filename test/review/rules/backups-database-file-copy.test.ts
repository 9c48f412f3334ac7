import rule from '../../../src/review/rules/backups-database-file-copy.js';
import { ruleTable, testLab } from '../../helpers/review.js';

const postgresql = { name: 'postgresql', namespace: 'data' };
const velero = { name: 'velero', namespace: 'apps', config: { bucket: 'lab-backups', schedules: [{ name: 'nightly', schedule: '0 3 * * *' }] } };
const longhorn = { storage: { default: 'longhorn', classes: [{ name: 'longhorn', type: 'longhorn' as const, replicas: 2 }] } };
const db = {
  'pvc.yaml': 'apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: { name: pgdata, namespace: data }\nspec: { storageClassName: longhorn }\n',
  'd.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: wiki-db, namespace: data }\nspec:\n  template:\n    spec:\n      containers: [{ name: pg, image: postgres:17 }]\n      volumes: [{ name: d, persistentVolumeClaim: { claimName: pgdata } }]\n',
};
const schedule = 'apiVersion: velero.io/v1\nkind: Schedule\nmetadata: { name: nightly, namespace: velero }\nspec: { schedule: "0 3 * * *", template: { ttl: 720h } }\n';

ruleTable(rule, {
  valid: [
    { name: 'no backup at all (backups-missing reports it)', lab: testLab([postgresql], longhorn) },
    {
      name: 'a dump job beside the file backup',
      lab: testLab([postgresql, velero], longhorn),
      edit: (f) => {
        f.backups.push({ kind: 'cronjob', name: 'postgresql-dump', schedule: '0 2 * * *', namespaces: ['data'], where: { specPath: ['apps', 0] } });
      },
    },
    { name: 'only a cache volume', lab: testLab([{ name: 'ollama', namespace: 'ai' }, velero]) },
    {
      name: 'a repository dump CronJob running the database image',
      repo: {
        ...db,
        's.yaml': schedule,
        'cj.yaml': 'apiVersion: batch/v1\nkind: CronJob\nmetadata: { name: wiki-backup, namespace: data }\nspec:\n  schedule: "0 2 * * *"\n  jobTemplate: { spec: { template: { spec: { containers: [{ name: dump, image: "postgres:17" }] } } } }\n',
      },
    },
  ],
  invalid: [
    {
      name: 'PostgreSQL under Velero file-system backup only',
      lab: testLab([postgresql, velero], longhorn),
      message: /^the database volume of postgresql is backed up only as copies of its files \(Velero schedule velero\/nightly\), never dumped: a copy taken while the database writes may not restore/,
      subjects: ['postgresql'],
      count: 1,
    },
    { name: 'Vaultwarden (SQLite) under Velero', lab: testLab([{ name: 'vaultwarden', namespace: 'apps' }, velero], longhorn), risk: 'low', message: /SQLite volume of vaultwarden/ },
    {
      name: 'a repository database copied by VolSync (the claim by name)',
      repo: { ...db, 'rs.yaml': 'apiVersion: volsync.backube/v1alpha1\nkind: ReplicationSource\nmetadata: { name: wiki-db, namespace: data }\nspec: { sourcePVC: pgdata, trigger: { schedule: "0 * * * *" }, restic: { copyMethod: Direct } }\n' },
      message: /database volume of wiki-db is backed up only as copies of its files \(VolSync source wiki-db\)/,
      count: 1,
    },
    {
      name: 'a repository database under Longhorn recurring backups',
      repo: { ...db, 'rj.yaml': 'apiVersion: longhorn.io/v1beta2\nkind: RecurringJob\nmetadata: { name: daily, namespace: longhorn-system }\nspec: { task: backup, cron: "0 3 * * *", retain: 7 }\n' },
      risk: 'low',
      message: /database volume of wiki-db is backed up only as volume snapshots \(Longhorn recurring backup daily\), never dumped: a restore is crash-consistent at best/,
    },
  ],
});
