import { defineRule } from '../types.js';

/** Ingresses asking cert-manager for an issuer nobody defined: the certificate is never issued. */
export default defineRule({
  id: 'exposure-issuer-undefined',
  category: 'exposure',
  risk: 'high',
  title: 'Ingress names an issuer that is not defined',
  why: 'cert-manager cannot issue a certificate from an issuer that does not exist: the Certificate stays not ready, the TLS Secret is never created, and the controller serves its default self-signed certificate (or nothing), so browsers and API clients refuse the apps.',
  fix: 'correct the issuer annotation to an issuer that exists (ClusterIssuer for cert-manager.io/cluster-issuer, an Issuer in the same namespace for cert-manager.io/issuer), or define the missing issuer',
  check({ facts, report }) {
    // A repository that defines no issuer may get them from a chart or another repository: nothing is claimed.
    if (facts.source !== 'spec' && facts.issuers.length === 0) return;
    const missing = new Map<string, typeof facts.ingresses>();
    for (const ing of facts.ingresses) {
      const name = ing.issuer;
      // ${VAR}: substituted by Flux at apply time, not known here.
      if (!name || name.includes('${')) continue;
      // Without a tls section cert-manager requests no certificate (exposure-ingress-without-tls reports the ingress).
      if (!ing.tls) continue;
      const defined = facts.issuers.some((i) => i.name === name && (i.kind === 'ClusterIssuer' || i.namespace === undefined || i.namespace === ing.namespace));
      if (defined) continue;
      missing.set(name, [...(missing.get(name) ?? []), ing]);
    }
    const known = [...new Set(facts.issuers.map((i) => (i.kind === 'Issuer' && i.namespace ? `${i.namespace}/${i.name}` : i.name)))].sort();
    for (const [name, ings] of [...missing].sort(([a], [b]) => a.localeCompare(b))) {
      const apps = [...new Set(ings.map((i) => i.app ?? i.name))].sort();
      report({
        message: `issuer ${name}, named by ${ings.length === 1 ? 'Ingress' : `${ings.length} Ingresses`} ${ings.map((i) => `${i.namespace}/${i.name}`).sort().join(', ')}, is not defined (${known.length ? `defined: ${known.join(', ')}` : 'no issuer is defined'}): ${ings.length === 1 ? 'its certificate is' : 'their certificates are'} never issued and clients refuse ${apps.join(', ')}`,
        where: ings.map((i) => i.where),
        subjects: [name, ...apps],
      });
    }
  },
});
