import rule from '../../../src/review/rules/backups-etcd-snapshots-missing.js';
import { ruleTable, testLab } from '../../helpers/review.js';

const vaultwarden = { name: 'vaultwarden', namespace: 'apps' };
const cluster = { name: 'test', distribution: 'k3s' as const, controlPlane: ['k3s-1'], workers: ['gpu-1'] };

ruleTable(rule, {
  valid: [
    { name: 'snapshots configured', lab: testLab([vaultwarden], { cluster: { ...cluster, k3s: { etcdSnapshots: { schedule: '0 */12 * * *', retention: 14, dir: '/mnt/k3s-snapshots' } } } }) },
    { name: 'Talos (no K3s snapshots)', lab: testLab([vaultwarden], { cluster: { ...cluster, distribution: 'talos' } }) },
    { name: 'K3s on SQLite (no etcd)', lab: testLab([vaultwarden], { cluster: { ...cluster, datastore: { type: 'sqlite' } } }) },
    { name: 'a repository (the cluster is not described)', repo: {} },
  ],
  invalid: [
    { name: 'one server, GitOps', lab: testLab([vaultwarden]), message: /^no etcd snapshot settings: K3s keeps its default snapshots on k3s-1's own disk/, subjects: ['etcd'], count: 1 },
    { name: 'one server, no GitOps', lab: testLab([vaultwarden], { gitops: { engine: 'none' } }), risk: 'medium' },
    { name: 'two servers', lab: testLab([vaultwarden], { cluster: { ...cluster, controlPlane: ['k3s-1', 'gpu-1'], workers: [] }, gitops: { engine: 'none' } }), message: /on the 2 servers' own disks/ },
  ],
});
