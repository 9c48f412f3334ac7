import { defineRule } from '../types.js';
import { adminUi } from './exposure-admin-ui-public.js';

/** Apps published to the internet with nothing asking who is there. */
export default defineRule({
  id: 'exposure-public-without-auth',
  category: 'exposure',
  risk: 'high',
  title: 'Public app without authentication',
  why: 'An app reachable from the internet with no login in front is used by whoever finds it: scanners index new hostnames within hours (certificate transparency logs publish them), and the app then serves its data, its upload form or its compute to anyone.',
  fix: 'put authentication in front (forward-auth with Authelia, Authentik or oauth2-proxy on the ingress, Cloudflare Access on the tunnel), or keep the app on the LAN or a VPN (expose: lan)',
  check({ facts, report }) {
    for (const ing of facts.ingresses) {
      // Repository input: exposure is unknown and nothing is claimed.
      if (ing.exposure !== 'public' || ing.auth) continue;
      // Admin UIs have their own rule (exposure-admin-ui-public).
      if (adminUi(ing, facts)) continue;
      const app = facts.apps.find((a) => a.name === ing.app && a.namespace === ing.namespace);
      const what = `Ingress ${ing.namespace}/${ing.name} publishes ${ing.app ?? ing.name}${ing.hosts.length ? ` (${ing.hosts.join(', ')})` : ''} to the internet with no authentication in front`;
      if (app?.login === true) {
        report({
          risk: 'info',
          message: `${what}: it relies on the app's own login`,
          where: ing.where,
          subjects: [ing.app ?? ing.name],
          fix: 'keep the app updated and its accounts on strong passwords with a second factor; forward-auth or Cloudflare Access in front would add a second barrier',
        });
        continue;
      }
      report({
        message: `${what}, and ${app?.login === false ? 'the app has no login of its own' : 'the app is not known to ask for a login'}: anyone who finds the address can use it`,
        where: ing.where,
        subjects: [ing.app ?? ing.name],
      });
    }
  },
});
