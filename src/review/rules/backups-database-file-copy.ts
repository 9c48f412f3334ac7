import { defineRule, type BackupFact, type Facts, type PvcFact } from '../types.js';
import { databaseVolumes, type DatabaseVolume } from './storage-database-on-nfs.js';
import { backupLabel } from './backups-same-failure-domain.js';

/** A dump or a database-aware backup: by name, or a job running a database image (pg_dump, mysqldump ship with them). */
const DUMP_NAME = /dump|pg_?dump|mysqldump|mariadb-?dump|sqlite|pgbackrest|barman|wal-?g|(^|[-_])sql([-_]|$)/i;
const DB_TOOL_IMAGE = /(^|\/)(postgres|postgresql|mysql|mariadb|mongo|sqlite|pgbackrest|wal-g|barman)[^/]*$/i;

const dir = (f?: string) => (f ? f.slice(0, f.lastIndexOf('/') + 1) : undefined);

/**
 * The backups of a volume's data (not etcd snapshots), as backups-missing
 * counts them: all namespaces or the claim's, the claim by name (VolSync), or
 * a backup shipped beside the claim in a kustomize component.
 */
export function coveringBackups(facts: Facts, pvc: PvcFact): BackupFact[] {
  return facts.backups.filter(
    (b) =>
      b.kind !== 'k3s-etcd' &&
      (b.namespaces.includes('*') ||
        b.namespaces.includes(pvc.namespace) ||
        !!b.claims?.includes(pvc.name) ||
        (b.namespaces.length === 0 && !b.claims?.length && !!b.where.file && dir(b.where.file) === dir(pvc.where.file))),
  );
}

/** A backup that understands the database: CloudNativePG's (base backup + WAL), or a dump job. */
export function isDump(facts: Facts, b: BackupFact): boolean {
  if (/cnpg/.test(b.kind)) return true;
  // A hearth backup tier dumps PostgreSQL databases with pg_dump (src/backup/scripts.ts).
  if (b.kind === 'tier') return true;
  if (b.kind !== 'cronjob') return false;
  if (DUMP_NAME.test(b.name)) return true;
  const job = facts.workloads.find((w) => w.kind === 'CronJob' && w.name === b.name && b.namespaces.includes(w.namespace));
  return !!job && job.containers.some((c) => !!c.image && DB_TOOL_IMAGE.test(c.image.split('@')[0].split(':')[0]));
}

/** What a copy of live files is, for messages. */
function copyKind(b: BackupFact): 'snapshot' | 'files' {
  return b.kind === 'longhorn' ? 'snapshot' : 'files';
}

/** Live database volumes backed up only as copies of their files or blocks, never dumped. */
export default defineRule({
  id: 'backups-database-file-copy',
  category: 'backups',
  risk: 'medium',
  title: 'Databases backed up only as copies of their live files',
  why: 'A database writes several files at once and keeps part of its state in memory. A file-by-file copy of the live directory (Velero file-system backup, restic, Kopia) catches each file at a different moment: the restored database may refuse to start or start with silent damage. A volume snapshot is crash-consistent at best (like pulling the power). A dump (pg_dump, mysqldump, sqlite3 .backup) is consistent by construction.',
  fix: 'add a dump job for each database (pg_dump / mysqldump / sqlite3 .backup on a schedule, to a volume the backups copy, or straight to the backup store), or quiesce it with backup hooks',
  check({ facts, report }) {
    const groups = new Map<string, { vols: DatabaseVolume[]; backups: Set<BackupFact>; snapshotOnly: boolean }>();
    for (const v of databaseVolumes(facts)) {
      if (v.pvc.content === 'cache') continue;
      const covering = coveringBackups(facts, v.pvc);
      if (covering.length === 0 || covering.some((b) => isDump(facts, b))) continue;
      const snapshotOnly = covering.every((b) => copyKind(b) === 'snapshot');
      // Server databases copied as files: medium; SQLite files, or a crash-consistent snapshot: low.
      const key = `${v.db}|${snapshotOnly}`;
      const g = groups.get(key) ?? { vols: [], backups: new Set(), snapshotOnly };
      g.vols.push(v);
      for (const b of covering) g.backups.add(b);
      groups.set(key, g);
    }
    for (const [key, g] of groups) {
      const db = key.split('|')[0] as DatabaseVolume['db'];
      const apps = [...new Set(g.vols.map((v) => v.owner))].sort();
      const backups = [...g.backups];
      const by = backups.map(backupLabel).join(', ');
      const what = db === 'database' ? `database volume${g.vols.length === 1 ? '' : 's'}` : `SQLite volume${g.vols.length === 1 ? '' : 's'}`;
      const guessed = g.vols.every((v) => v.evidence === 'name') ? ' (judged by name)' : '';
      const are = g.vols.length === 1 ? 'is' : 'are';
      const its = g.vols.length === 1 ? 'its' : 'their';
      report({
        message: g.snapshotOnly
          ? `the ${what} of ${apps.join(', ')}${guessed} ${are} backed up only as volume snapshots (${by}), never dumped: a restore is crash-consistent at best`
          : `the ${what} of ${apps.join(', ')}${guessed} ${are} backed up only as copies of ${its} files (${by}), never dumped: a copy taken while the database writes may not restore`,
        where: [...g.vols.map((v) => v.pvc.where), ...backups.map((b) => b.where)],
        subjects: apps,
        risk: db === 'database' && !g.snapshotOnly ? 'medium' : 'low',
      });
    }
  },
});
