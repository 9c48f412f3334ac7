import rule from '../../../src/review/rules/reliability-pdb-blocks-drain.js';
import { ruleTable, testLab } from '../../helpers/review.js';

const deploy = (kind: string, replicas: number | undefined) =>
  `apiVersion: apps/v1\nkind: ${kind}\nmetadata: { name: vaultwarden, namespace: apps }\nspec:\n${replicas === undefined ? '' : `  replicas: ${replicas}\n`}  selector: { matchLabels: { app: vaultwarden } }\n  template:\n    metadata: { labels: { app: vaultwarden } }\n    spec: { containers: [{ name: app, image: "vaultwarden/server:1.37.0" }] }\n`;
const pdb = (budget: string, selector = '{ app: vaultwarden }') => `apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: { name: vaultwarden, namespace: apps }\nspec: { ${budget}, selector: { matchLabels: ${selector} } }\n`;
const tunnel = (replicas: number) =>
  testLab([{ name: 'tunnel', module: 'cloudflared', namespace: 'apps', replicas }], { remoteAccess: { type: 'cloudflare-tunnel', tunnel: 'home', credentials: { secret: 'tunnel-creds', key: 'home.json' } } });

ruleTable(rule, {
  valid: [
    { name: 'hearth: two tunnel replicas with minAvailable 1', lab: tunnel(2) },
    { name: 'three replicas with minAvailable 1', repo: { 'd.yaml': deploy('Deployment', 3), 'pdb.yaml': pdb('minAvailable: 1') } },
    { name: 'one replica with maxUnavailable 1', repo: { 'd.yaml': deploy('Deployment', 1), 'pdb.yaml': pdb('maxUnavailable: 1') } },
    { name: 'a budget selecting pods the review cannot see (a chart)', repo: { 'd.yaml': deploy('Deployment', 1), 'pdb.yaml': pdb('minAvailable: 1', '{ app: other }') } },
    { name: 'an overlay that scales the base to two replicas', repo: { 'base/d.yaml': deploy('Deployment', 1), 'prod/patch.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: vaultwarden, namespace: apps }\nspec: { replicas: 2 }\n', 'pdb.yaml': pdb('minAvailable: 1') } },
  ],
  invalid: [
    {
      name: 'one replica (the default) with minAvailable 1 (seed 003 advice)',
      repo: { 'd.yaml': deploy('Deployment', undefined), 'pdb.yaml': pdb('minAvailable: 1') },
      message: /^PodDisruptionBudget apps\/vaultwarden \(minAvailable: 1\) allows no eviction of the single replica of Deployment apps\/vaultwarden: kubectl drain/,
      count: 1,
      subjects: ['vaultwarden'],
    },
    { name: 'maxUnavailable 0', repo: { 'd.yaml': deploy('StatefulSet', 2), 'pdb.yaml': pdb('maxUnavailable: 0') }, message: /any of the 2 replicas of StatefulSet apps\/vaultwarden/, count: 1 },
    { name: 'minAvailable 100%', repo: { 'd.yaml': deploy('Deployment', 2), 'pdb.yaml': pdb('minAvailable: "100%"') }, message: /\(minAvailable: 100%\)/, count: 1 },
    { name: 'minAvailable 50% of one replica rounds up to 1', repo: { 'd.yaml': deploy('Deployment', 1), 'pdb.yaml': pdb('minAvailable: "50%"') }, count: 1 },
    {
      name: 'hearth: the tunnel scaled down to one replica under its budget',
      lab: tunnel(2),
      edit: (f) => {
        for (const w of f.workloads) if (w.app === 'tunnel') w.replicas = 1;
      },
      message: /PodDisruptionBudget apps\/tunnel-tunnel \(minAvailable: 1\) allows no eviction of the single replica of Deployment apps\/tunnel-tunnel/,
      subjects: ['tunnel'],
    },
  ],
});
