import rule from '../../../src/review/rules/network-no-policy.js';
import { ruleTable, testLab } from '../../helpers/review.js';

const deploy = (ns: string) => `apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: web, namespace: ${ns} }\nspec: { template: { spec: { containers: [{ name: web, image: nginx:1.29 }] } } }\n`;

ruleTable(rule, {
  valid: [
    { name: 'default-deny namespaces (hearth)', lab: testLab([{ name: 'vaultwarden', namespace: 'apps' }]) },
    { name: 'a policy in the namespace', repo: { 'd.yaml': deploy('apps'), 'np.yaml': 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: { name: deny, namespace: apps }\nspec: { podSelector: {} }\n' } },
    { name: 'workloads only in kube-system', repo: { 'd.yaml': deploy('kube-system') } },
  ],
  invalid: [
    { name: 'allow-all namespaces', lab: testLab([{ name: 'vaultwarden', namespace: 'apps' }], { network: { cidr: '192.168.1.0/24', gateway: '192.168.1.1', loadBalancer: { pool: '192.168.1.200-192.168.1.220' }, policy: 'allow-all' } }), message: /apps/ },
    { name: 'a repository namespace without policies', repo: { 'd.yaml': deploy('media') }, message: /1 namespace without any NetworkPolicy: media/, count: 1 },
  ],
});
