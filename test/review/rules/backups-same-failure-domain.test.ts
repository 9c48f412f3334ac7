import rule from '../../../src/review/rules/backups-same-failure-domain.js';
import { ruleTable, testLab } from '../../helpers/review.js';

const vaultwarden = { name: 'vaultwarden', namespace: 'apps' };
const velero = (config: Record<string, unknown>) => ({ name: 'velero', namespace: 'apps', config: { bucket: 'lab-backups', schedules: [{ name: 'nightly', schedule: '0 3 * * *' }], ...config } });
const k3s = (etcdSnapshots: Record<string, unknown>, controlPlane = ['k3s-1']) => ({
  cluster: { name: 'test', distribution: 'k3s' as const, controlPlane, workers: ['k3s-1', 'gpu-1'].filter((n) => !controlPlane.includes(n)), k3s: { etcdSnapshots } },
});
const schedule = 'apiVersion: velero.io/v1\nkind: Schedule\nmetadata: { name: nightly, namespace: velero }\nspec: { schedule: "0 3 * * *", template: { ttl: 720h } }\n';

ruleTable(rule, {
  valid: [
    { name: 'Velero to AWS S3', lab: testLab([vaultwarden, velero({})]) },
    { name: 'Velero to Backblaze B2', lab: testLab([vaultwarden, velero({ s3Url: 'https://s3.us-west-004.backblazeb2.com' })]) },
    { name: 'Velero to another machine on the LAN (the on-site copy; off-site is backups-no-offsite)', lab: testLab([vaultwarden, velero({ s3Url: 'http://192.168.1.30:9000' })]) },
    { name: 'etcd snapshots to a mounted directory (not known to be local)', lab: testLab([vaultwarden], k3s({ schedule: '0 */12 * * *', retention: 14, dir: '/mnt/k3s-snapshots' })) },
    { name: 'etcd snapshots on each of two servers', lab: testLab([vaultwarden], k3s({ schedule: '0 */12 * * *', retention: 14 }, ['k3s-1', 'gpu-1'])) },
    { name: 'a repository schedule whose target is not known', repo: { 's.yaml': schedule } },
  ],
  invalid: [
    { name: 'Velero to the NAS that serves the volumes', lab: testLab([vaultwarden, velero({ s3Url: 'http://192.168.1.5:9000' })]), message: /^Velero schedule velero\/nightly writes to 192\.168\.1\.5, the NFS server that holds the volumes themselves \(nfs\): one NAS failure/, subjects: ['velero/nightly'], count: 1 },
    { name: 'Velero to the hypervisor the nodes run on', lab: testLab([vaultwarden, velero({ s3Url: 'http://192.168.1.2:9000' })]), message: /192\.168\.1\.2, the host pve that runs k3s-1, gpu-1: one machine failure/ },
    { name: 'Velero to a bucket inside the cluster', lab: testLab([vaultwarden, velero({ s3Url: 'http://minio.storage.svc.cluster.local:9000' })]), message: /a Service inside the cluster \(minio\.storage\.svc\.cluster\.local\): losing the cluster/ },
    { name: 'etcd snapshots in the K3s data directory of the one server', lab: testLab([vaultwarden], k3s({ schedule: '0 */12 * * *', retention: 14 })), message: /^K3s etcd snapshots are written to each server's own disk \(\/var\/lib\/rancher\/k3s\/server\/db\/snapshots\): a failed control-plane disk/ },
    {
      name: 'a repository schedule to MinIO in the cluster',
      repo: { 's.yaml': schedule },
      edit: (f) => {
        f.backups[0].target = 'http://minio.minio.svc:9000/velero';
      },
      message: /^Velero schedule nightly writes to a Service inside the cluster \(minio\.minio\.svc\)/,
    },
  ],
});
