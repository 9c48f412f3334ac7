import rule from '../../../src/review/rules/network-no-default-deny.js';
import { ruleTable, testLab } from '../../helpers/review.js';

const np = (name: string, ns: string, selector: string) => `apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: { name: ${name}, namespace: ${ns} }\nspec: { podSelector: ${selector}, policyTypes: [Ingress] }\n`;
const allowDb = (ns: string) => np('allow-db', ns, '{ matchLabels: { app: postgres } }');

ruleTable(rule, {
  valid: [
    { name: 'default-deny namespaces (hearth)', lab: testLab([{ name: 'vaultwarden', namespace: 'apps' }]) },
    { name: 'an allow rule beside a default deny', repo: { 'a.yaml': allowDb('data'), 'b.yaml': np('default-deny', 'data', '{}') } },
    { name: 'no policies at all (network-no-policy reports it)', repo: { 'ns.yaml': 'apiVersion: v1\nkind: Namespace\nmetadata: { name: data }\n' } },
    { name: 'allow rules in kube-system', repo: { 'a.yaml': allowDb('kube-system') } },
  ],
  invalid: [
    { name: 'an allow rule alone', repo: { 'a.yaml': allowDb('data') }, message: /^1 namespace has NetworkPolicies but none selecting every pod: data \(1\); pods no policy selects accept traffic/, count: 1, subjects: ['data'] },
    {
      name: 'two namespaces with allow rules only',
      repo: { 'a.yaml': allowDb('data'), 'b.yaml': np('allow-web', 'apps', '{ matchExpressions: [{ key: app, operator: In, values: [web] }] }'), 'c.yaml': np('web-2', 'apps', '{ matchLabels: { app: web } }') },
      message: /2 namespaces have NetworkPolicies but none selecting every pod: apps \(2\), data \(1\)/,
      count: 1,
      subjects: ['apps', 'data'],
    },
    {
      name: 'a lab namespace whose default deny was removed',
      lab: testLab([{ name: 'vaultwarden', namespace: 'apps' }]),
      edit: (f) => (f.namespaces.find((n) => n.name === 'apps')!.defaultDeny = false),
      message: /apps \(\d+\)/,
      subjects: ['apps'],
    },
  ],
});
