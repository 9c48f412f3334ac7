import { defineRule, type Facts, type IngressFact } from '../types.js';

/** Admin UIs: whoever uses them controls the lab (deployments, secrets, storage, metrics of everything). */
const ADMIN_UIS: readonly [string, RegExp][] = [
  ['Argo CD', /argo-?cd/],
  ['Grafana', /grafana/],
  ['Longhorn UI', /longhorn(-frontend|-ui)?/],
  ['Vault', /vault(-ui)?/],
  ['Alertmanager', /alertmanager/],
  ['Prometheus', /prometheus/],
  ['Traefik dashboard', /traefik(-dashboard)?/],
  ['Proxmox', /proxmox|pve/],
  ['Kubernetes Dashboard', /kubernetes-dashboard/],
  ['Headlamp', /headlamp/],
  ['Portainer', /portainer/],
  ['Rancher', /rancher/],
];

/** Catalog modules serving an admin UI. */
const ADMIN_MODULES: Record<string, string> = { vault: 'Vault' };

function match(text: string | undefined): string | undefined {
  if (!text) return undefined;
  const t = text.toLowerCase().replace(/[^a-z0-9]+/g, '-');
  return ADMIN_UIS.find(([, re]) => new RegExp(`(^|-)(${re.source})(-|$)`).test(t))?.[0];
}

/**
 * The admin UI an Ingress serves, if any: from the app's catalog module, then
 * the first label of its hosts, then its app and object names (vaultwarden is
 * not Vault: names match on whole words).
 */
export function adminUi(ing: IngressFact, facts: Facts): string | undefined {
  const app = facts.apps.find((a) => a.name === ing.app && a.namespace === ing.namespace);
  if (app?.module && ADMIN_MODULES[app.module]) return ADMIN_MODULES[app.module];
  // A catalog app other than the generic container is known not to be an admin UI, whatever its name.
  if (app?.module && app.module !== 'container') return undefined;
  for (const h of ing.hosts) {
    const m = match(h.split('.')[0]);
    if (m) return m;
  }
  return match(ing.app) ?? match(ing.name);
}

/** Admin UIs published to the internet without authentication in front. */
export default defineRule({
  id: 'exposure-admin-ui-public',
  category: 'exposure',
  risk: 'high',
  title: 'Admin UI reachable from the internet',
  why: 'Admin UIs (Argo CD, Grafana, Vault, Longhorn, Prometheus, the Traefik dashboard, Proxmox) control or reveal the whole lab: one weak password, leaked session or unpatched flaw hands an attacker the cluster, its secrets or its data, and these UIs are what scanners look for first.',
  fix: 'keep admin UIs on the LAN or a VPN (expose: lan, Tailscale); if one must be public, put single sign-on with a second factor in front (forward-auth with Authelia, Authentik or oauth2-proxy)',
  check({ facts, report }) {
    for (const ing of facts.ingresses) {
      if (ing.exposure !== 'public' || ing.auth) continue;
      const ui = adminUi(ing, facts);
      if (!ui) continue;
      const app = facts.apps.find((a) => a.name === ing.app && a.namespace === ing.namespace);
      const hosts = ing.hosts.length ? ` (${ing.hosts.join(', ')})` : '';
      report({
        message: `Ingress ${ing.namespace}/${ing.name} publishes ${ui}${hosts} to the internet with no authentication in front: ${app?.login === true ? `${ui}'s own login is all that stands between the internet and the lab` : `anyone who finds it can use it`}`,
        where: ing.where,
        subjects: [ing.app ?? ing.name],
      });
    }
  },
});
