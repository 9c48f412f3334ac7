import rule from '../../../src/review/rules/secrets-outside-gitops.js';
import { ruleTable, testLab } from '../../helpers/review.js';

const CERT = 'sealed.pem';
const apps = [{ name: 'vaultwarden', namespace: 'apps' }];

ruleTable(rule, {
  valid: [
    {
      name: 'sealed secrets render every Secret',
      lab: testLab(apps),
      edit: (f) => f.secrets.push({ name: 'vaultwarden-admin', namespace: 'apps', kind: 'sealed', keys: ['token'], where: { file: 'apps/vaultwarden/secrets.yaml' } }),
    },
    { name: 'a lab with no apps', lab: testLab([]) },
    { name: 'a repository (not a spec)', repo: { 'ns.yaml': 'apiVersion: v1\nkind: Namespace\nmetadata: { name: apps }\n' } },
  ],
  invalid: [{ name: 'apps and no secrets mechanism', lab: testLab(apps), message: /created by hand, not GitOps-safe/, count: 1 }],
});
void CERT;
