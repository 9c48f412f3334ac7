import { defineRule, type Where } from '../types.js';

const LIST = 8;

function listed(names: string[]): string {
  return names.length > LIST ? `${names.slice(0, LIST).join(', ')} and ${names.length - LIST} more` : names.join(', ');
}

/** Secrets that exist only while a secret store answers (External Secrets), or that need a key restored first (Sealed Secrets, SOPS). */
export default defineRule({
  id: 'secrets-store-on-startup-path',
  category: 'secrets',
  risk: 'low',
  title: 'Secrets depend on a secret store at run time',
  why: 'An ExternalSecret becomes a Secret only while its store (Vault, 1Password Connect, a cloud secret manager) answers: Secrets already synced survive an outage, but a rebuilt cluster, a new app or a rotated value waits for the store, and a store running in the same cluster (Vault comes back sealed after a restart) must be up first. Encrypted Secrets (Sealed Secrets, SOPS) need no store, only their decryption key restored before a rebuild.',
  fix: 'make the store\'s recovery part of the runbook: where it runs, how it is unsealed or re-authenticated, and in which order a rebuilt cluster comes up; keep a copy of what the store holds outside the cluster',
  check({ facts, report }) {
    const external = facts.secrets.filter((s) => s.kind === 'external');
    // Spec input: secrets.mechanism external-secrets or vault implies the controller component; hearth renders every Secret as an ExternalSecret.
    const controller = facts.source === 'spec' ? facts.charts.find((c) => c.name === 'external-secrets-controller') : undefined;
    if (external.length > 0) {
      // Namespaces a Flux Kustomization or kustomize sets are not in the file: counted only when every one is written.
      const namespaces = [...new Set(external.map((s) => s.namespace).filter((n): n is string => !!n))].sort();
      const inNs = external.some((s) => !s.namespace) ? '' : namespaces.length === 1 ? ` in namespace ${namespaces[0]}` : ` in ${namespaces.length} namespaces`;
      // Names with a Flux substitution (${APP}-key) are counted, not listed.
      const names = [...new Set(external.map((s) => s.name).filter((n) => n && !n.includes('${')))].sort();
      report({
        message: `${external.length} ExternalSecret${external.length === 1 ? '' : 's'}${inNs}${names.length ? ` (${listed(names)})` : ''} take${external.length === 1 ? 's' : ''} ${external.length === 1 ? 'its values' : 'their values'} from the secret store: while it is down, no missing Secret (after a rebuild, for a new app) can be created or updated, and pods that read one do not start`,
        where: [...(controller ? [{ specPath: ['secrets', 'mechanism'] } as Where] : []), ...external.map((s) => s.where)],
        subjects: ['external-secrets', ...names],
      });
      return;
    }
    if (controller) {
      report({
        message: 'every Secret hearth renders for the apps is an ExternalSecret (secrets.mechanism uses the External Secrets Operator): while the store is down, no missing Secret (after a rebuild, for a new app) can be created or updated, and pods that read one do not start',
        where: { specPath: ['secrets', 'mechanism'] },
        subjects: ['external-secrets'],
      });
      return;
    }
    // No store: state what a rebuild needs instead.
    const sealed = facts.secrets.filter((s) => s.kind === 'sealed');
    const sops = facts.secrets.filter((s) => s.kind === 'sops');
    // Spec input: secrets.mechanism sealed-secrets implies the controller component.
    const sealedController = facts.source === 'spec' && facts.charts.some((c) => c.name === 'sealed-secrets-controller');
    if (sealed.length > 0 || sealedController) {
      const where: Where[] = sealed.length ? sealed.map((s) => s.where) : [{ specPath: ['secrets', 'mechanism'] }];
      report({
        risk: 'info',
        message: `Secrets reach the cluster as SealedSecrets${sealed.length ? ` (${sealed.length})` : ''}, decrypted by the in-cluster controller: no pod waits on an external store, but a rebuilt cluster can decrypt them only with the controller's private key restored`,
        where,
        subjects: ['sealed-secrets'],
        fix: 'back up the controller\'s sealing key (kubectl get secret -n kube-system -l sealedsecrets.bitnami.com/sealed-secrets-key -o yaml) outside the cluster, encrypted',
      });
    }
    if (sops.length > 0) {
      report({
        risk: 'info',
        message: `Secrets reach the cluster SOPS-encrypted (${sops.length}), decrypted when applied: no pod waits on an external store, but a rebuilt cluster can apply them only with the age or PGP key restored first`,
        where: sops.map((s) => s.where),
        subjects: ['sops'],
        fix: 'keep the SOPS private key (age identity) outside the cluster, backed up, and restore it (the sops-age Secret for Flux) before the first reconciliation',
      });
    }
  },
});
