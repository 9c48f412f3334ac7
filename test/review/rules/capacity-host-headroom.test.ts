import rule from '../../../src/review/rules/capacity-host-headroom.js';
import { ruleTable, testLab } from '../../helpers/review.js';

/** The test lab's host pve: 16 threads, 64Gi. */
const vaultwarden = { name: 'vaultwarden', namespace: 'apps' };
const nodes = (a: { cpu: number; memory: string }, b: { cpu: number; memory: string }) => ({
  nodes: [
    { name: 'k3s-1', kind: 'vm' as const, host: 'pve', ip: '192.168.1.20', ...a },
    { name: 'k3s-2', kind: 'vm' as const, host: 'pve', ip: '192.168.1.21', ...b },
  ],
  cluster: { name: 'test', distribution: 'k3s' as const, controlPlane: ['k3s-1'], workers: ['k3s-2'] },
});

ruleTable(rule, {
  valid: [
    { name: '12 of 16 threads and 48 of 64Gi (the test lab)', lab: testLab([vaultwarden]) },
    { name: 'exactly 90% of the memory', lab: testLab([vaultwarden], nodes({ cpu: 4, memory: '28.8Gi' }, { cpu: 4, memory: '28.8Gi' })) },
    {
      name: 'a bare-metal node is the host, not a guest',
      lab: testLab([vaultwarden], {
        hosts: [{ name: 'nuc', role: 'bare-metal', cpu: 8, memory: '32Gi', ip: '192.168.1.2' }],
        nodes: [{ name: 'nuc', kind: 'bare-metal', host: 'nuc', cpu: 8, memory: '32Gi', ip: '192.168.1.2' }],
        cluster: { name: 'test', distribution: 'k3s', controlPlane: ['nuc'] },
      }),
    },
    { name: 'a repository (hosts unknown)', repo: { 'ns.yaml': 'apiVersion: v1\nkind: Namespace\nmetadata: { name: apps }\n' } },
  ],
  invalid: [
    {
      name: 'guests take 94% of the memory',
      lab: testLab([vaultwarden], nodes({ cpu: 4, memory: '30Gi' }, { cpu: 4, memory: '30Gi' })),
      message: /^the guests on host pve \(k3s-1, k3s-2\) are given 60 GiB of its 64 GiB of memory \(94%\): no headroom is left/,
      subjects: ['pve'],
      count: 1,
    },
    {
      name: 'guests take every thread',
      lab: testLab([vaultwarden], nodes({ cpu: 8, memory: '8Gi' }, { cpu: 8, memory: '8Gi' })),
      message: /are given 16 vCPUs for its 16 threads: no headroom/,
      count: 1,
    },
  ],
});
