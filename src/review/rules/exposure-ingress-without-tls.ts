import { defineRule } from '../types.js';

/** Ingresses that route hosts without a TLS section: plain HTTP unless the controller adds TLS on its own. */
export default defineRule({
  id: 'exposure-ingress-without-tls',
  category: 'exposure',
  risk: 'medium',
  title: 'Ingress without TLS',
  why: 'Without TLS, passwords, session cookies and API tokens cross the network in cleartext: anyone on the same Wi-Fi, a compromised device on the LAN or any hop on the way can read them and log in as the user.',
  fix: 'add a tls section with the hosts and a secretName, and a cert-manager issuer annotation (in a hearth lab: tls.issuers, with the app\'s issuer or tls.default)',
  check({ facts, report }) {
    for (const ing of facts.ingresses) {
      if (ing.tls || ing.hosts.length === 0) continue;
      report({
        message: `Ingress ${ing.namespace}/${ing.name} serves ${ing.hosts.join(', ')} with no tls section: ${facts.source === 'spec' ? 'logins and cookies travel in cleartext' : 'unless the controller terminates TLS for it by default, logins and cookies travel in cleartext'}`,
        where: ing.where,
        subjects: [ing.app ?? ing.name],
      });
    }
  },
  strength: (facts) => (facts.ingresses.some((i) => i.hosts.length > 0) ? 'Every ingress serves its hosts over TLS.' : undefined),
});
