import rule from '../../../src/review/rules/exposure-admin-ui-public.js';
import { ruleTable, testLab } from '../../helpers/review.js';

const ingress = (name: string, host: string) =>
  `apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: { name: ${name}, namespace: ops }\nspec:\n  rules: [{ host: ${host}, http: { paths: [{ path: /, pathType: Prefix, backend: { service: { name: ${name}, port: { number: 80 } } } }] } }]\n`;
const grafanaBox = { name: 'grafana', module: 'container', namespace: 'apps', host: 'dash', expose: 'public' as const, config: { image: 'grafana/grafana:12.3.0', ports: [{ name: 'http', port: 3000 }] } };

ruleTable(rule, {
  valid: [
    { name: 'Vault on the LAN', lab: testLab([{ name: 'vault', namespace: 'apps', expose: 'lan' }]) },
    { name: 'Vaultwarden in public (not Vault)', lab: testLab([{ name: 'vaultwarden', namespace: 'apps', expose: 'public' }]) },
    { name: 'public Vault behind forward-auth', lab: testLab([{ name: 'vault', namespace: 'apps', expose: 'public' }]), edit: (f) => (f.ingresses.find((i) => i.app === 'vault')!.auth = true) },
    { name: 'a repository Grafana ingress: whether it is public is not known', repo: { 'i.yaml': ingress('grafana', 'grafana.example.com') } },
  ],
  invalid: [
    {
      name: 'Vault published to the internet',
      lab: testLab([{ name: 'vault', namespace: 'apps', expose: 'public' }]),
      message: /^Ingress apps\/vault-ingress publishes Vault \(vault\.lab\.example\.com\) to the internet with no authentication in front: Vault's own login is all that stands/,
      count: 1,
      subjects: ['vault'],
    },
    { name: 'Grafana run as a plain container, public', lab: testLab([grafanaBox]), message: /publishes Grafana .* anyone who finds it can use it/, subjects: ['grafana'] },
    {
      name: 'a repository Argo CD ingress known to be public',
      repo: { 'i.yaml': ingress('argocd-server', 'cd.example.com') },
      edit: (f) => (f.ingresses[0].exposure = 'public'),
      message: /ops\/argocd-server publishes Argo CD \(cd\.example\.com\)/,
      count: 1,
    },
  ],
});
