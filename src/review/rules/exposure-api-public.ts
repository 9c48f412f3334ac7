import { defineRule } from '../types.js';

/** The Kubernetes API reachable from the internet. */
export default defineRule({
  id: 'exposure-api-public',
  category: 'exposure',
  risk: 'high',
  title: 'Kubernetes API reachable from the internet',
  inputs: ['spec'],
  why: 'The API server is the cluster: a leaked kubeconfig or service-account token, a weak authentication setup or an API server vulnerability becomes full control of every workload and Secret from anywhere, and public API servers are scanned and probed continuously.',
  fix: 'set cluster.apiServer.exposure to lan, or to vpn and reach the API over Tailscale (the operator\'s API server proxy) or WireGuard',
  check({ facts, report }) {
    if (facts.cluster?.apiExposure !== 'public') return;
    report({
      message: `the Kubernetes API of ${facts.name}${facts.cluster.distribution ? ` (${facts.cluster.distribution})` : ''} is exposed to the internet: a leaked kubeconfig or token, or an API server flaw, gives anyone control of the cluster`,
      where: { specPath: ['cluster', 'apiServer', 'exposure'] },
      subjects: ['kubernetes-api'],
    });
  },
  strength: (facts) => (facts.cluster?.apiExposure === 'lan' || facts.cluster?.apiExposure === 'vpn' ? `The Kubernetes API is reachable only from the ${facts.cluster.apiExposure === 'vpn' ? 'VPN' : 'LAN'}.` : undefined),
});
