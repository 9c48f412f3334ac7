/**
 * Backup data sets: every piece of persistent data of the lab (app volumes,
 * each database of a shared PostgreSQL, guests, the cluster state) with the
 * tier it belongs to. Resolved once here; the backup plan, the backup jobs
 * the cluster runs and the docs all read this list.
 */
import { issue, type Issue } from '../spec/issues.js';
import type { LabSpec } from '../spec/schema.js';
import type { BackupSet, LabModel } from './types.js';

type Tier = NonNullable<LabSpec['backups']>['tiers'][number];

/** Object-name safe slug of a data set: `vaultwarden-data`, `postgresql-paperless`. */
function slug(s: string): string {
  return s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

export function resolveBackupSets(lab: LabModel): { sets: BackupSet[]; issues: Issue[] } {
  const spec = lab.spec;
  const b = spec.backups;
  const tiers = new Map((b?.tiers ?? []).map((t) => [t.name, t]));
  const issues: Issue[] = [];
  const sets: BackupSet[] = [];

  const tierFor = (q: { app?: string; volume?: string; node?: string }): Tier | undefined => {
    const a =
      b?.assign.find((x) => q.app && x.app === q.app && x.volume === q.volume) ??
      b?.assign.find((x) => q.app && x.app === q.app && !x.volume) ??
      b?.assign.find((x) => q.node && x.node === q.node);
    const name = a?.tier ?? b?.default;
    return name ? tiers.get(name) : undefined;
  };

  for (const app of lab.apps) {
    // A PostgreSQL's databases: one per client app and extra database; without any, the default database `postgres` (what is made there by hand).
    const listed =
      app.module === 'postgresql'
        ? [...lab.apps.filter((a) => a.links.postgresql === app.name).map((a) => a.name), ...(((app.config as { extraDatabases?: string[] }).extraDatabases ?? []) as string[])].sort()
        : [];
    const tenants = app.module === 'postgresql' && listed.length === 0 ? ['postgres'] : listed;
    for (const v of app.volumes) {
      if (v.content === 'cache') continue;
      const base = { app: app.name, namespace: app.namespace, volume: v.name, claim: v.claim, storageClass: v.storageClass, accessMode: v.accessMode };
      if (app.module === 'postgresql' && v.content === 'database' && tenants.length) {
        for (const db of tenants) {
          const tier = tierFor({ app: db }) ?? tierFor({ app: app.name, volume: v.name });
          sets.push({ id: `${app.name}/${db}`, slug: slug(`${app.name}-${db}`), kind: 'database', content: 'database', database: db, tier: tier?.name, ...base });
        }
        continue;
      }
      const tier = tierFor({ app: app.name, volume: v.name });
      sets.push({ id: `${app.name}/${v.name}`, slug: slug(`${app.name}-${v.name}`), kind: 'volume', content: v.content, tier: tier?.name, ...base });
    }
    for (const v of app.traits.chartVolumes ?? []) {
      const storageClass = spec.apps[app.index]?.storage ?? lab.defaultStorageClass;
      const tier = tierFor({ app: app.name, volume: v.name });
      sets.push({
        id: `${app.name}/${v.name}`,
        slug: slug(`${app.name}-${v.name}`),
        kind: 'volume',
        content: v.content,
        tier: tier?.name,
        app: app.name,
        namespace: app.namespace,
        volume: v.name,
        claim: v.claim(app.name),
        storageClass,
        accessMode: v.accessMode,
      });
    }
  }
  for (const n of spec.nodes) {
    if (n.kind === 'bare-metal') continue;
    const assigned = b?.assign.some((x) => x.node === n.name) || n.kind === 'lxc' || (lab.cluster && !lab.cluster.nodes.some((x) => x.name === n.name));
    if (!assigned) continue;
    sets.push({ id: `node ${n.name}`, slug: slug(`node-${n.name}`), kind: 'guest', content: n.kind, node: n.name, tier: tierFor({ node: n.name })?.name });
  }
  if (lab.cluster?.datastore.type === 'embedded-etcd' && lab.cluster.distribution === 'k3s') {
    sets.push({ id: 'cluster state (etcd)', slug: 'cluster-state', kind: 'cluster-state', content: 'database' });
  }

  // What a tier's targets can hold: PBS backs up guests, restic and S3 repositories hold files and dumps.
  if (b) {
    b.assign.forEach((a, i) => {
      const tier = tiers.get(a.tier);
      if (!tier) return;
      const types = new Set(tier.targets.map((t) => b.targets.find((x) => x.name === t)?.type));
      if (a.app && types.size === 1 && types.has('pbs')) {
        issues.push(
          issue('invalid-combination', ['backups', 'assign', i, 'tier'], `tier ${tier.name} writes only to Proxmox Backup Server, which backs up whole guests, not the data of app ${a.app}`, {
            hint: 'give the tier a restic or s3 target, or assign the app to a tier that has one',
          }),
        );
      }
    });
    if (lab.cluster) {
      const declared = (n: string) => spec.secrets.values.some((v) => v.name === n);
      b.targets.forEach((t, i) => {
        // The data sets the cluster's backup jobs write to this target.
        const used = sets.filter((s) => (s.kind === 'volume' || s.kind === 'database') && s.tier && tiers.get(s.tier)?.targets.includes(t.name));
        if (!used.length) return;
        // A restic repository must be reachable over the network: a bare path is a directory of whichever node the pod lands on.
        if (t.type === 'restic' && !/^[a-z0-9]+:/.test(t.repository)) {
          issues.push(
            issue('invalid-value', ['backups', 'targets', i, 'repository'], `restic repository ${t.repository} is a path, and the cluster's backup jobs run on any node`, {
              hint: 'use a network repository: sftp:user@host:/path, rest:http://host:8000/, s3:https://host/bucket',
            }),
          );
        }
        if (t.type === 'restic' && t.repository.startsWith('sftp:') && !t.ssh) {
          issues.push(
            issue('missing-dependency', ['backups', 'targets', i, 'ssh'], `the backup jobs reach ${t.repository} over SSH, and the target names no SSH key`, {
              hint: 'set ssh: <Secret name>, a Secret with keys id_ed25519 and known_hosts (declare it in secrets.values)',
            }),
          );
        }
        // Keys hearth cannot generate: S3 credentials and SSH keys come from secrets.values, or by hand.
        const secret = t.type === 's3' ? t.credentials : t.type === 'restic' ? t.ssh : undefined;
        if (!secret || declared(secret)) return;
        const where = [...new Set(used.map((s) => s.namespace))].sort().join(', ');
        issues.push(
          issue('missing-dependency', ['backups', 'targets', i, t.type === 's3' ? 'credentials' : 'ssh'], `the backup jobs read Secret ${secret} in ${where}, and secrets.values does not declare it`, {
            severity: 'warning',
            hint: `declare ${secret} in secrets.values (${t.type === 's3' ? 'keys AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY' : 'keys id_ed25519 and known_hosts'}) so hearth renders it for ${where}, or create it there by hand`,
          }),
        );
      });
    }
  }
  return { sets, issues };
}
