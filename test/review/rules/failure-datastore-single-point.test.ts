import rule from '../../../src/review/rules/failure-datastore-single-point.js';
import { ruleTable, testLab } from '../../helpers/review.js';
import type { LabInput } from '../../../src/spec/schema.js';

const vm = (name: string, host: string, ip: string) => ({ name, kind: 'vm' as const, host, cpu: 2, memory: '4Gi', ip });
const vaultwarden = { name: 'vaultwarden', namespace: 'apps' };
const hosts: LabInput['hosts'] = [
  { name: 'pve1', role: 'hypervisor', cpu: 16, memory: '64Gi', ip: '192.168.1.2' },
  { name: 'pve2', role: 'hypervisor', cpu: 16, memory: '64Gi', ip: '192.168.1.3' },
  { name: 'nas', role: 'nas', cpu: 4, memory: '8Gi', ip: '192.168.1.5' },
];
const cluster = (controlPlane: string[], datastore?: { type: 'embedded-etcd' | 'sqlite' | 'external-postgres'; endpoint?: string }, workers: string[] = []) => ({
  name: 'test',
  distribution: 'k3s' as const,
  controlPlane,
  workers,
  ...(datastore ? { datastore } : {}),
});

ruleTable(rule, {
  valid: [
    {
      name: 'embedded etcd on three servers',
      lab: testLab([vaultwarden], { hosts, nodes: [vm('cp-1', 'pve1', '192.168.1.31'), vm('cp-2', 'pve2', '192.168.1.32'), vm('cp-3', 'pve2', '192.168.1.33')], cluster: cluster(['cp-1', 'cp-2', 'cp-3']) }),
    },
    {
      name: 'a repository (the datastore is not described)',
      repo: { 'd.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: web, namespace: apps }\nspec: { template: { spec: { containers: [{ name: web, image: nginx:1.29 }] } } }\n' },
    },
  ],
  invalid: [
    {
      name: 'sqlite under a cluster with workers',
      lab: testLab([vaultwarden], { hosts, nodes: [vm('k3s-1', 'pve1', '192.168.1.31'), vm('k3s-2', 'pve2', '192.168.1.32')], cluster: cluster(['k3s-1'], { type: 'sqlite' }, ['k3s-2']) }),
      risk: 'high',
      message: /state of all 2 nodes lives in one SQLite file on k3s-1.*the 1 worker lose their cluster/,
      subjects: ['k3s-1'],
      count: 1,
    },
    {
      name: 'sqlite on a one-node cluster',
      lab: testLab([vaultwarden], { hosts, nodes: [vm('k3s-1', 'pve1', '192.168.1.31')], cluster: cluster(['k3s-1'], { type: 'sqlite' }) }),
      risk: 'medium',
      message: /one SQLite file on k3s-1/,
    },
    {
      name: 'external PostgreSQL on an LXC of the lab, by name',
      lab: testLab([vaultwarden], {
        hosts,
        nodes: [vm('k3s-1', 'pve1', '192.168.1.31'), { name: 'pgdb', kind: 'lxc', host: 'pve2', cpu: 2, memory: '4Gi', ip: '192.168.1.40' }],
        cluster: cluster(['k3s-1'], { type: 'external-postgres', endpoint: 'pgdb:5432' }),
      }),
      message: /one PostgreSQL server at pgdb:5432 \(node pgdb, an LXC container on host pve2\): when it is down, the Kubernetes API on k3s-1 stops/,
      subjects: ['pgdb', 'pve2'],
    },
    {
      name: 'external PostgreSQL on the NAS, by address',
      lab: testLab([vaultwarden], {
        hosts,
        nodes: [vm('cp-1', 'pve1', '192.168.1.31'), vm('cp-2', 'pve2', '192.168.1.32')],
        cluster: cluster(['cp-1', 'cp-2'], { type: 'external-postgres', endpoint: '192.168.1.5:5432' }),
      }),
      message: /at 192\.168\.1\.5:5432 \(host nas \(nas\)\): when it is down, the Kubernetes API on all of cp-1, cp-2 stops/,
      subjects: ['nas'],
    },
    {
      name: 'one etcd member with snapshots',
      lab: testLab([vaultwarden], { cluster: { ...cluster(['k3s-1'], undefined, ['gpu-1']), k3s: { etcdSnapshots: { schedule: '0 */6 * * *', retention: 10, dir: '/mnt/nas/etcd' } } } }),
      risk: 'low',
      message: /single copy, in etcd on k3s-1: a lost disk rolls the cluster back to the last snapshot \(schedule 0 \*\/6 \* \* \*, kept in \/mnt\/nas\/etcd\)/,
    },
    {
      name: 'Talos with one control-plane node',
      lab: testLab([vaultwarden], { hosts, nodes: [vm('cp-1', 'pve1', '192.168.1.31'), vm('w-1', 'pve2', '192.168.1.32')], cluster: { name: 'test', distribution: 'talos', controlPlane: ['cp-1'], workers: ['w-1'] } }),
      risk: 'medium',
      message: /single copy, in etcd on cp-1: the spec schedules no snapshot of it/,
    },
  ],
});
