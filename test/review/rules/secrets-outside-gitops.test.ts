import rule from '../../../src/review/rules/secrets-outside-gitops.js';
import { ruleTable, testLab } from '../../helpers/review.js';

const apps = [{ name: 'vaultwarden', namespace: 'apps' }];

ruleTable(rule, {
  valid: [
    { name: 'sealed secrets render every Secret', lab: testLab(apps, { secrets: { mechanism: 'sealed-secrets', sealedSecrets: { certificate: 'sealed.pem' } } } as never) },
    {
      name: 'Vault holds every value',
      lab: testLab(apps, { secrets: { mechanism: 'vault', vault: { server: 'http://vault.security.svc.cluster.local:8200', auth: { method: 'kubernetes', role: 'eso' } } } } as never),
    },
    { name: 'a lab with no apps', lab: testLab([]) },
    { name: 'a repository (not a spec)', repo: { 'ns.yaml': 'apiVersion: v1\nkind: Namespace\nmetadata: { name: apps }\n' } },
  ],
  invalid: [{ name: 'apps and no secrets mechanism', lab: testLab(apps), message: /created by hand, not GitOps-safe/, count: 1 }],
});
