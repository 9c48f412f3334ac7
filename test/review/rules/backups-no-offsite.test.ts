import rule from '../../../src/review/rules/backups-no-offsite.js';
import { ruleTable, testLab } from '../../helpers/review.js';

const vaultwarden = { name: 'vaultwarden', namespace: 'apps' };
const velero = (config: Record<string, unknown>) => ({ name: 'velero', namespace: 'apps', config: { bucket: 'lab-backups', schedules: [{ name: 'nightly', schedule: '0 3 * * *' }], ...config } });
const schedule = (name: string) => `apiVersion: velero.io/v1\nkind: Schedule\nmetadata: { name: ${name}, namespace: velero }\nspec: { schedule: "0 3 * * *", template: { ttl: 720h } }\n`;

ruleTable(rule, {
  valid: [
    { name: 'Velero to Backblaze B2', lab: testLab([vaultwarden, velero({ s3Url: 'https://s3.us-west-004.backblazeb2.com' })]) },
    { name: 'no backups at all (backups-missing reports it)', lab: testLab([vaultwarden]) },
    {
      name: 'an on-site backup and an off-site copy',
      lab: testLab([vaultwarden, velero({ s3Url: 'http://192.168.1.30:9000' })]),
      edit: (f) => {
        f.backups.push({ kind: 'cronjob', name: 'rclone-offsite', namespaces: ['apps'], offsite: true, where: { specPath: ['apps', 0] } });
      },
    },
    { name: 'a repository schedule whose target is not known', repo: { 's.yaml': schedule('nightly') } },
  ],
  invalid: [
    {
      name: 'the only backup goes to MinIO on the LAN',
      lab: testLab([vaultwarden, velero({ s3Url: 'http://192.168.1.30:9000' })]),
      message: /^the only backup \(Velero schedule velero\/nightly\) stays on the site: it goes to 192\.168\.1\.30, a private address/,
      subjects: ['velero/nightly'],
      count: 1,
    },
    {
      name: 'two schedules, both to the NAS',
      lab: testLab([vaultwarden, velero({ s3Url: 'http://192.168.1.5:9000', schedules: [{ name: 'nightly', schedule: '0 3 * * *' }, { name: 'weekly', schedule: '0 4 * * 0' }] })]),
      message: /^none of the 2 backups .* leaves the site/,
      count: 1,
    },
    {
      name: 'repository schedules to a local name',
      repo: { 'a.yaml': schedule('nightly'), 'b.yaml': schedule('weekly') },
      edit: (f) => {
        for (const b of f.backups) b.target = 'http://nas.lan:9000/velero';
      },
      message: /they go to nas\.lan, a local network name/,
    },
  ],
});
