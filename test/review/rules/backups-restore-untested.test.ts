import rule from '../../../src/review/rules/backups-restore-untested.js';
import { ruleTable, testLab } from '../../helpers/review.js';

const vaultwarden = { name: 'vaultwarden', namespace: 'apps' };
const velero = { name: 'velero', namespace: 'apps', config: { bucket: 'lab-backups', schedules: [{ name: 'nightly', schedule: '0 3 * * *' }] } };
const schedule = (name: string) => `apiVersion: velero.io/v1\nkind: Schedule\nmetadata: { name: ${name}, namespace: velero }\nspec: { schedule: "0 3 * * *", template: { ttl: 720h } }\n`;

ruleTable(rule, {
  valid: [
    { name: 'no backups', lab: testLab([vaultwarden]) },
    {
      name: 'a scheduled restore drill',
      repo: {
        's.yaml': schedule('nightly'),
        'cj.yaml': 'apiVersion: batch/v1\nkind: CronJob\nmetadata: { name: restore-drill, namespace: velero }\nspec:\n  schedule: "0 5 * * 0"\n  jobTemplate: { spec: { template: { spec: { containers: [{ name: drill, image: "velero/velero:v1.18.1" }] } } } }\n',
      },
    },
  ],
  invalid: [
    { name: 'a Velero schedule in a lab', lab: testLab([vaultwarden, velero]), message: /^the Velero schedule velero\/nightly is set, and the lab records no restore test/, subjects: ['velero/nightly'], count: 1 },
    { name: 'two repository schedules', repo: { 'a.yaml': schedule('nightly'), 'b.yaml': schedule('weekly') }, message: /^2 backups are scheduled \(Velero schedule nightly, Velero schedule weekly\)/, count: 1 },
  ],
});
