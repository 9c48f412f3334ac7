import rule from '../../../src/review/rules/reliability-replicas-unspread.js';
import { ruleTable, testLab } from '../../helpers/review.js';

const homepage = (replicas: number, extra: Record<string, unknown> = {}) => ({ name: 'homepage', namespace: 'apps', replicas, ...extra });
const tunnelLab = testLab([{ name: 'tunnel', module: 'cloudflared', namespace: 'apps', replicas: 2 }], { remoteAccess: { type: 'cloudflare-tunnel', tunnel: 'home', credentials: { secret: 'tunnel-creds', key: 'home.json' } } });
const oneNode = testLab([homepage(2)], { nodes: [{ name: 'k3s-1', kind: 'vm', host: 'pve', cpu: 4, memory: '16Gi', ip: '192.168.1.20' }], cluster: { name: 'test', distribution: 'k3s', controlPlane: ['k3s-1'] } });

ruleTable(rule, {
  valid: [
    { name: 'one replica', lab: testLab([homepage(1)]) },
    { name: 'hearth tunnel replicas with anti-affinity', lab: tunnelLab },
    { name: 'a one-node cluster (nowhere to spread)', lab: oneNode },
    { name: 'pinned to one node by its nodeSelector', lab: testLab([homepage(2, { nodeSelector: { 'hearth.dev/gpu': 'true' } })]) },
    { name: 'a repository (node count unknown)', repo: { 'd.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: web, namespace: apps }\nspec: { replicas: 3, template: { spec: { containers: [{ name: web, image: "nginx:1.29" }] } } }\n' } },
  ],
  invalid: [
    { name: 'two replicas, two nodes, no spread', lab: testLab([homepage(2)]), message: /^Deployment apps\/homepage-server runs 2 replicas with no anti-affinity or topology spread: they may all land on one of the 2 nodes/, count: 1, subjects: ['homepage'] },
    {
      name: 'anti-affinity removed from a replicated workload',
      lab: tunnelLab,
      edit: (f) => {
        for (const w of f.workloads) w.spread = false;
      },
      subjects: ['tunnel'],
    },
  ],
});
