import rule from '../../../src/review/rules/exposure-api-public.js';
import { ruleTable, testLab } from '../../helpers/review.js';

const cluster = (exposure: 'lan' | 'vpn' | 'public') => ({ cluster: { name: 'test', distribution: 'k3s' as const, controlPlane: ['k3s-1'], workers: ['gpu-1'], apiServer: { exposure } } });

ruleTable(rule, {
  valid: [
    { name: 'the API on the LAN (default)', lab: testLab([]) },
    { name: 'the API over a VPN', lab: testLab([], { ...cluster('vpn'), remoteAccess: { type: 'tailscale', mode: 'operator', advertiseRoutes: [] } }) },
    { name: 'a repository (says nothing about the API server)', repo: { 'ns.yaml': 'apiVersion: v1\nkind: Namespace\nmetadata: { name: apps }\n' } },
  ],
  invalid: [
    { name: 'a public API server', lab: testLab([], cluster('public')), message: /^the Kubernetes API of test-lab \(k3s\) is exposed to the internet/, count: 1, subjects: ['kubernetes-api'] },
    {
      name: 'a public API server with apps',
      lab: testLab([{ name: 'vaultwarden', namespace: 'apps' }], cluster('public')),
      edit: (f) => (f.cluster!.distribution = undefined),
      message: /^the Kubernetes API of test-lab is exposed/,
      count: 1,
    },
  ],
});
