import rule from '../../../src/review/rules/storage-replicas-exceed-nodes.js';
import { ruleTable, testLab } from '../../helpers/review.js';

const vaultwarden = { name: 'vaultwarden', namespace: 'apps' };
const longhorn = (replicas: number) => ({ default: 'longhorn', classes: [{ name: 'longhorn', type: 'longhorn' as const, replicas }, { name: 'local-path', type: 'local-path' as const }] });
/** testLab's machines: k3s-1 (control plane) and gpu-1 (worker). */
const talos = { name: 'test', distribution: 'talos' as const, controlPlane: ['k3s-1'], workers: ['gpu-1'] };

ruleTable(rule, {
  valid: [
    { name: 'K3s: two schedulable nodes, two replicas', lab: testLab([vaultwarden], { storage: longhorn(2) }) },
    { name: 'Talos without workers: control planes take workloads', lab: testLab([vaultwarden], { storage: longhorn(2), cluster: { ...talos, controlPlane: ['k3s-1', 'gpu-1'], workers: [] } }) },
    { name: 'no replicated class (NFS)', lab: testLab([vaultwarden]) },
    {
      name: 'a repository (nodes unknown)',
      repo: { 'sc.yaml': 'apiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata: { name: longhorn-3 }\nprovisioner: driver.longhorn.io\nparameters: { numberOfReplicas: "3" }\n' },
    },
  ],
  invalid: [
    {
      name: 'seed 004: Talos with one worker, two replicas',
      lab: testLab([vaultwarden], { storage: longhorn(2), cluster: talos }),
      message: /longhorn keeps 2 replicas of each volume but only 1 node \(gpu-1\) can hold them; k3s-1 is a Talos control plane, tainted NoSchedule: 1 volume stays Degraded with a single copy/,
      subjects: ['longhorn'],
      count: 1,
    },
    {
      name: 'three replicas on two nodes',
      lab: testLab([vaultwarden], { storage: longhorn(3) }),
      risk: 'medium',
      message: /only 2 nodes \(k3s-1, gpu-1\) can hold them: 1 volume stays Degraded with 2 copies instead of 3/,
    },
    {
      name: 'a tainted GPU node does not hold replicas',
      lab: testLab([vaultwarden], {
        storage: longhorn(2),
        nodes: [
          { name: 'k3s-1', kind: 'vm', host: 'pve', cpu: 4, memory: '16Gi', ip: '192.168.1.20' },
          { name: 'gpu-1', kind: 'vm', host: 'pve', cpu: 8, memory: '32Gi', ip: '192.168.1.21', gpu: { vendor: 'nvidia' }, taints: ['nvidia.com/gpu=true:NoSchedule'] },
        ],
      }),
      message: /only 1 node \(k3s-1\) can hold them; gpu-1 is tainted nvidia\.com\/gpu=true:NoSchedule/,
    },
  ],
});
