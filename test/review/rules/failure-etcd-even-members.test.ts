import rule from '../../../src/review/rules/failure-etcd-even-members.js';
import { ruleTable, testLab } from '../../helpers/review.js';

const vm = (name: string, i: number) => ({ name, kind: 'vm' as const, host: 'pve', cpu: 2, memory: '4Gi', ip: `192.168.1.${30 + i}` });
const nodes = (n: number) => Array.from({ length: n }, (_, i) => vm(`cp-${i + 1}`, i + 1));
const names = (n: number) => nodes(n).map((x) => x.name);
const vaultwarden = { name: 'vaultwarden', namespace: 'apps' };

ruleTable(rule, {
  valid: [
    { name: 'three etcd members', lab: testLab([vaultwarden], { nodes: nodes(3), cluster: { name: 'test', distribution: 'k3s', controlPlane: names(3) } }) },
    { name: 'one server (the test lab)', lab: testLab([vaultwarden]) },
    {
      name: 'two servers on external PostgreSQL (no etcd quorum)',
      lab: testLab([vaultwarden], { nodes: nodes(2), cluster: { name: 'test', distribution: 'k3s', controlPlane: names(2), datastore: { type: 'external-postgres', endpoint: '192.168.1.40:5432' } } }),
    },
    { name: 'a repository (members unknown)', repo: { 'ns.yaml': 'apiVersion: v1\nkind: Namespace\nmetadata: { name: apps }\n' } },
  ],
  invalid: [
    {
      name: 'two etcd members',
      lab: testLab([vaultwarden], { nodes: nodes(2), cluster: { name: 'test', distribution: 'k3s', controlPlane: names(2) } }),
      message: /embedded etcd runs on 2 control-plane nodes \(cp-1, cp-2\): quorum needs 2 of them, and losing either one stops the Kubernetes API/,
      subjects: ['cp-1', 'cp-2'],
      count: 1,
    },
    {
      name: 'four etcd members on Talos',
      lab: testLab([vaultwarden], { nodes: nodes(4), cluster: { name: 'test', distribution: 'talos', controlPlane: names(4) } }),
      message: /on 4 control-plane nodes .*quorum needs 3 of them, and it tolerates 1 failure, no more than 3 members would/,
    },
  ],
});
