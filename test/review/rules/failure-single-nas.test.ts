import rule from '../../../src/review/rules/failure-single-nas.js';
import { ruleTable, testLab } from '../../helpers/review.js';
import type { LabInput } from '../../../src/spec/schema.js';

const vaultwarden = { name: 'vaultwarden', namespace: 'apps' };
const paperless = { name: 'paperless', namespace: 'apps' };
const redis = { name: 'redis', namespace: 'apps' };
const withNas: Partial<LabInput> = {
  hosts: [
    { name: 'pve', role: 'hypervisor', cpu: 16, memory: '64Gi', ip: '192.168.1.2' },
    { name: 'nas', role: 'nas', cpu: 4, memory: '8Gi', ip: '192.168.1.5' },
  ],
};
const nfsClass = (name: string, server: string) =>
  `apiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata: { name: ${name} }\nprovisioner: nfs.csi.k8s.io\nparameters: { server: ${server}, share: /export }\n`;
const pvc = (name: string, cls: string, app: string) =>
  `apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: { name: ${name}, namespace: apps, labels: { app.kubernetes.io/instance: ${app} } }\nspec: { storageClassName: ${cls}, resources: { requests: { storage: 1Gi } } }\n`;

ruleTable(rule, {
  valid: [
    {
      name: 'volumes on Longhorn only',
      lab: testLab([vaultwarden], { storage: { default: 'longhorn', classes: [{ name: 'longhorn', type: 'longhorn', replicas: 2 }] } }),
    },
    { name: 'an NFS class nothing uses', repo: { 'sc.yaml': nfsClass('nfs', '192.168.1.5'), 'pvc.yaml': pvc('data', 'local-path', 'wiki') } },
  ],
  invalid: [
    {
      name: 'every volume on the NAS of the lab',
      lab: testLab([vaultwarden, paperless, redis], withNas),
      message: /all \d+ NFS volumes \(of paperless, redis, vaultwarden\) are served by one NFS server, host nas \(192\.168\.1\.5\): when it is down, these 3 apps stop or hang on I\/O/,
      subjects: ['nas', 'paperless', 'redis', 'vaultwarden'],
      count: 1,
    },
    {
      name: 'an NFS server outside the hosts the spec lists',
      lab: testLab([vaultwarden]),
      message: /the only NFS volume \(of vaultwarden\) is served by one NFS server, 192\.168\.1\.5: when it is down, this app stops/,
    },
    {
      name: 'a repository with two NFS servers',
      repo: {
        'sc.yaml': `${nfsClass('nas-a', '10.0.0.5')}---\n${nfsClass('nas-b', '10.0.0.6')}`,
        'pvc.yaml': `${pvc('wiki-data', 'nas-a', 'wiki')}---\n${pvc('photos', 'nas-b', 'immich')}`,
      },
      message: /^1 NFS volume \(of (wiki|immich)\) is served by one NFS server, 10\.0\.0\.[56]/,
      count: 2,
    },
  ],
});
