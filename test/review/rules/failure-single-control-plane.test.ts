import rule from '../../../src/review/rules/failure-single-control-plane.js';
import { ruleTable, testLab } from '../../helpers/review.js';

const vm = (name: string, ip: string) => ({ name, kind: 'vm' as const, host: 'pve', cpu: 2, memory: '4Gi', ip });
const vaultwarden = { name: 'vaultwarden', namespace: 'apps' };

ruleTable(rule, {
  valid: [
    {
      name: 'three control-plane nodes',
      lab: testLab([vaultwarden], {
        nodes: [vm('cp-1', '192.168.1.31'), vm('cp-2', '192.168.1.32'), vm('cp-3', '192.168.1.33')],
        cluster: { name: 'test', distribution: 'k3s', controlPlane: ['cp-1', 'cp-2', 'cp-3'] },
      }),
    },
    {
      name: 'two servers on an external datastore',
      lab: testLab([vaultwarden], {
        nodes: [vm('cp-1', '192.168.1.31'), vm('cp-2', '192.168.1.32')],
        cluster: { name: 'test', distribution: 'k3s', controlPlane: ['cp-1', 'cp-2'], datastore: { type: 'external-postgres', endpoint: '192.168.1.40:5432' } },
      }),
    },
    {
      name: 'a repository (nodes unknown)',
      repo: { 'd.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: web, namespace: apps }\nspec: { template: { spec: { containers: [{ name: web, image: nginx:1.29 }] } } }\n' },
    },
  ],
  invalid: [
    {
      name: 'one control-plane node and a worker (the test lab)',
      lab: testLab([vaultwarden]),
      message: /single control-plane node, k3s-1 \(a VM on host pve\): .*the worker keeps running its pods/,
      subjects: ['k3s-1'],
      count: 1,
    },
    {
      name: 'a one-node cluster',
      lab: testLab([vaultwarden], { nodes: [vm('solo', '192.168.1.31')], cluster: { name: 'test', distribution: 'k3s', controlPlane: ['solo'] } }),
      message: /single control-plane node, solo .*also the only node, so every app stops with it/,
      subjects: ['solo'],
    },
  ],
});
