import rule from '../../../src/review/rules/failure-control-plane-one-host.js';
import { ruleTable, testLab } from '../../helpers/review.js';
import type { LabInput } from '../../../src/spec/schema.js';

const vm = (name: string, host: string, i: number) => ({ name, kind: 'vm' as const, host, cpu: 2, memory: '4Gi', ip: `192.168.1.${30 + i}` });
const hv = (name: string, i: number) => ({ name, role: 'hypervisor' as const, cpu: 16, memory: '64Gi', ip: `192.168.1.${2 + i}` });
const vaultwarden = { name: 'vaultwarden', namespace: 'apps' };
const three = (hosts: string[]): Partial<LabInput> => ({
  hosts: [...new Set(hosts)].map(hv),
  nodes: hosts.map((h, i) => vm(`cp-${i + 1}`, h, i + 1)),
  cluster: { name: 'test', distribution: 'k3s', controlPlane: hosts.map((_, i) => `cp-${i + 1}`) },
});

ruleTable(rule, {
  valid: [
    { name: 'one control-plane node per host', lab: testLab([vaultwarden], three(['pve1', 'pve2', 'pve3'])) },
    { name: 'a single control-plane node (failure-single-control-plane says it)', lab: testLab([vaultwarden]) },
    { name: 'two members on two hosts (failure-etcd-even-members says it)', lab: testLab([vaultwarden], three(['pve1', 'pve2'])) },
    { name: 'a repository (hosts unknown)', repo: { 'ns.yaml': 'apiVersion: v1\nkind: Namespace\nmetadata: { name: apps }\n' } },
  ],
  invalid: [
    {
      name: 'three control-plane VMs on one hypervisor',
      lab: testLab([vaultwarden], three(['pve', 'pve', 'pve'])),
      message: /all 3 control-plane nodes \(cp-1, cp-2, cp-3\) run on host pve: when pve is down, the whole control plane goes with it/,
      subjects: ['pve', 'cp-1', 'cp-2', 'cp-3'],
      count: 1,
    },
    {
      name: 'two of three etcd members on one of two hosts',
      lab: testLab([vaultwarden], three(['pve1', 'pve1', 'pve2'])),
      risk: 'low',
      message: /host pve1 carries 2 of the 3 etcd members \(cp-1, cp-2\): when it is down, the others cannot reach quorum \(2\)/,
      subjects: ['pve1'],
      count: 1,
    },
  ],
});
