import rule from '../../../src/review/rules/conventions-recommended-labels.js';
import { ruleTable, testLab } from '../../helpers/review.js';

const deploy = (name: string, labels: string, ns = 'apps') => `apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: ${name}, namespace: ${ns}, labels: ${labels} }\nspec: { template: { spec: { containers: [{ name: main, image: "nginx:1.29" }] } } }\n`;
const full = (app: string) => `{ app.kubernetes.io/name: ${app}, app.kubernetes.io/instance: ${app} }`;

ruleTable(rule, {
  valid: [
    { name: 'hearth objects (always labelled)', lab: testLab([{ name: 'vaultwarden', namespace: 'apps' }, { name: 'homepage', namespace: 'apps' }, { name: 'ollama', namespace: 'ai' }]) },
    { name: 'every workload labelled', repo: { 'a.yaml': deploy('web', full('web')), 'b.yaml': deploy('api', full('api')) } },
    { name: 'labels on the pod template only', repo: { 'a.yaml': `apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: web, namespace: apps }\nspec: { template: { metadata: { labels: ${full('web')} }, spec: { containers: [{ name: main, image: "nginx:1.29" }] } } }\n` } },
    { name: 'kube-system is not the lab\'s', repo: { 'a.yaml': deploy('web', full('web')), 'b.yaml': deploy('coredns', '{ k8s-app: kube-dns }', 'kube-system') } },
  ],
  invalid: [
    { name: 'one workload escaped the convention', repo: { 'a.yaml': deploy('web', full('web')), 'b.yaml': deploy('api', '{ app: api }') }, risk: 'low', message: /^1 of 2 workloads lack app.kubernetes.io\/name or app.kubernetes.io\/instance while the other 1 carry both \(apps\/api\)/, count: 1, subjects: ['api'] },
    { name: 'only one of the two labels', repo: { 'a.yaml': deploy('web', full('web')), 'b.yaml': deploy('api', '{ app.kubernetes.io/name: api }') }, risk: 'low', subjects: ['api'] },
    { name: 'no workload labelled (convention not adopted)', repo: { 'a.yaml': deploy('web', '{ app: web }') }, risk: 'info', message: /^none of the 1 workload carries the recommended labels/, count: 1 },
  ],
});
