/**
 * The external-secrets and vault mechanisms: every value lives in a secret
 * store (1Password Connect or Vault) and never passes through hearth. Each
 * Secret the apps read becomes an ExternalSecret that the External Secrets
 * Operator resolves against the lab's ClusterSecretStore; the build also
 * writes `secret-store.md`, the checklist of items and fields the store must
 * hold (names only, never values).
 *
 * Where a value lives: a key with `remote: { key, property }` names its item;
 * every other key is field `<key>` of item `remoteKey` ({namespace}-{name} for
 * 1Password, {namespace}/{name} for Vault). A key that shares another's value
 * (`sameAs`: a database password both PostgreSQL and its client read) points
 * at the same item and field, so the two Secrets cannot disagree.
 */
import { mdCell } from '../lib/text.js';
import { issue } from '../spec/issues.js';
import type { LabModel } from '../model/types.js';
import { standardLabels } from '../lib/k8s.js';
import { ESO_API_VERSION } from '../catalog/apps/external-secrets.js';
import { labSecretStore } from '../catalog/platform/external-secrets-controller.js';
import type { Plan, SecretsResult, Source } from './stage.js';

interface RemoteRef {
  key: string;
  property: string;
}

interface Row {
  ref: RemoteRef;
  secret: string;
  how: string;
}

/** A Go-template-safe literal for ESO's template engine. */
function literal(v: string): string {
  return v.includes('{{') ? `{{ ${JSON.stringify(v)} }}` : v;
}

function describe(src: Source): string {
  if ('generate' in src) return `random, ${src.generate.length} ${src.generate.charset === 'hex' ? 'hex' : 'alphanumeric'} characters`;
  if ('env' in src) return `the value you keep in $${src.env}`;
  if ('file' in src) return `the value you keep in ${src.file}`;
  return 'set by you';
}

export function externalSecrets(model: LabModel, all: Plan[], result: SecretsResult): void {
  const conf = model.spec.secrets;
  const store = labSecretStore(conf);
  if (!store) return; // validate reports the missing block
  const settings = conf.mechanism === 'vault' ? conf.vault! : conf.externalSecrets!;
  const itemOf = (namespace: string, name: string) => settings.remoteKey.replaceAll('{namespace}', namespace).replaceAll('{name}', name);
  const byId = new Map(all.map((p) => [`${p.namespace}/${p.name}`, p]));

  const refOf = (p: Plan, key: string, depth = 0): RemoteRef => {
    const src = p.keys[key];
    if (src && 'remote' in src) return { key: src.remote.key, property: src.remote.property ?? key };
    if (src && 'sameAs' in src && depth < 8) {
      const other = byId.get(`${src.sameAs.namespace}/${src.sameAs.name}`);
      if (other && other.keys[src.sameAs.key]) return refOf(other, src.sameAs.key, depth + 1);
    }
    return { key: itemOf(p.namespace, p.name), property: key };
  };

  const rows = new Map<string, Row>();
  for (const p of all) {
    const data: { secretKey: string; remoteRef: RemoteRef }[] = [];
    const plain: Record<string, string> = {};
    for (const key of Object.keys(p.keys).sort()) {
      const src = p.keys[key];
      if ('plain' in src) {
        plain[key] = literal(src.plain);
        continue;
      }
      if ('env' in src || 'file' in src) {
        result.issues.push(
          issue('invalid-value', p.paths[key], `with secrets.mechanism ${conf.mechanism} hearth never reads ${'env' in src ? `$${src.env}` : src.file}: the value is read from the ${store.type === 'vault' ? 'Vault' : '1Password'} store`, {
            severity: 'warning',
            hint: `put the value in the store (see secret-store.md), and write { remote: { key, property } } or leave the default item`,
          }),
        );
      }
      const ref = refOf(p, key);
      data.push({ secretKey: key, remoteRef: ref });
      const rowId = `${ref.key}\u0000${ref.property}`;
      const secret = `${p.namespace}/${p.name}: ${key}`;
      const prev = rows.get(rowId);
      if (prev) {
        prev.secret += `, ${secret}`;
        if (prev.how.startsWith('shared') && !('sameAs' in src)) prev.how = describe(src);
      } else rows.set(rowId, { ref, secret, how: 'sameAs' in src ? 'shared (see the other Secret)' : describe(src) });
    }
    const labels = standardLabels(model.name, 'secret', p.owner, 'secret');
    const hasPlain = Object.keys(plain).length > 0;
    const template = p.type || hasPlain ? { ...(p.type ? { type: p.type } : {}), ...(hasPlain ? { mergePolicy: 'Merge', data: plain } : {}) } : undefined;
    const object = {
      apiVersion: ESO_API_VERSION,
      kind: 'ExternalSecret',
      metadata: { name: p.name, namespace: p.namespace, labels },
      spec: {
        refreshInterval: settings.refreshInterval,
        secretStoreRef: { kind: 'ClusterSecretStore', name: store.name },
        target: { name: p.name, creationPolicy: 'Owner', ...(template ? { template } : {}) },
        ...(data.length ? { data } : {}),
      },
    };
    const list = result.byComponent.get(p.owner) ?? result.byComponent.set(p.owner, []).get(p.owner)!;
    list.push({ file: 'secrets', object });
  }
  result.files.push({ path: 'secret-store.md', contents: checklist(model, store, [...rows.values()]) });
}


function checklist(model: LabModel, store: NonNullable<ReturnType<typeof labSecretStore>>, rows: Row[]): string {
  const where =
    store.type === 'vault'
      ? `Vault at ${store.server}, KV ${store.version} engine mounted at \`${store.path}\` (ClusterSecretStore \`${store.name}\`). Each item is a path under the mount; each field a key of it: \`vault kv put -mount=${store.path} <item> <field>=...\`.`
      : `1Password Connect at ${store.connectHost}, vaults ${store.vaults.map((v) => `\`${v}\``).join(', ')} (ClusterSecretStore \`${store.name}\`). Each item is a 1Password item title; each field a field label of it.`;
  const sorted = [...rows].sort((a, b) => a.ref.key.localeCompare(b.ref.key) || a.ref.property.localeCompare(b.ref.property));
  const lines = [
    '<!-- Generated by hearth. Do not edit: change the lab spec and run `hearth build`. -->',
    `# Secret store checklist: ${model.name}`,
    '',
    `The External Secrets Operator reads every Secret of this lab from ${where}`,
    '',
    'Create these items and fields before the first sync. hearth never sees their values.',
    '',
    '| Item | Field | Kubernetes Secret: key | Value |',
    '| --- | --- | --- | --- |',
    ...sorted.map((r) => `| \`${mdCell(r.ref.key)}\` | \`${mdCell(r.ref.property)}\` | ${mdCell(r.secret)} | ${mdCell(r.how)} |`),
    '',
  ];
  return lines.join('\n');
}
