import { defineRule, type Facts, type PvcFact, type StorageClassFact } from '../types.js';

/**
 * What kind of storage a class name stands for: the class the input defines,
 * else (repositories whose classes come from charts) what its name says.
 */
export function classKindOf(facts: Facts, name: string | undefined): StorageClassFact['kind'] | undefined {
  if (!name) return undefined;
  const sc = facts.storageClasses.find((s) => s.name === name);
  if (sc) return sc.kind;
  if (/nfs/i.test(name)) return 'nfs';
  if (/longhorn|ceph|rbd|rook|linstor|mayastor|portworx/i.test(name)) return 'replicated';
  if (/^(local-path|local-storage|openebs-hostpath|openebs-lvmpv|topolvm.*)$/i.test(name)) return 'local';
  return undefined;
}

/** A database server's image (not its exporters, operators, admin UIs or backup tools). */
const DB_IMAGE = /^(postgres|postgresql|postgresql-repmgr|postgis|timescaledb(-ha)?|pgvecto-rs|vectorchord|mysql|mysql-server|mariadb|mongo|mongodb|percona-server.*)$/;
const NOT_SERVER = /exporter|operator|backup|dump|client|proxy|pgadmin|adminer|pgbouncer/;
/** Apps that keep their state in SQLite by default (their config/data volume). */
const SQLITE_APP_IMAGE = /^(server|vaultwarden|home-assistant|pms-docker|plex|sonarr|radarr|lidarr|prowlarr|readarr|bazarr|jellyfin|uptime-kuma|n8n|open-webui|filebrowser|audiobookshelf|overseerr|jellyseerr|tautulli)$/;
/** Environment variables that point such an app at a database server instead. */
const EXTERNAL_DB_ENV = /^(DATABASE_URL|DB_TYPE|DB_HOST|DB_POSTGRESDB_HOST|POSTGRES_.*|MYSQL_.*|.*_DB_HOST|RECORDER_DB_URL)$/;
/** Claim name tokens of an app's state (not its media or downloads). */
const STATE_TOKENS = new Set(['config', 'data', 'db', 'state', 'appdata']);
/** Name tokens of a volume that holds dumps or copies, not a live database. */
const COPY_TOKENS = new Set(['backup', 'backups', 'dump', 'dumps', 'export', 'exports', 'snapshot', 'snapshots', 'archive']);
const DB_TOKENS = new Set(['postgres', 'postgresql', 'pg', 'pgdata', 'mysql', 'mariadb', 'mongo', 'mongodb', 'db', 'database']);

function imageName(image: string): string {
  const last = image.split('/').pop() ?? image;
  return last.split('@')[0].split(':')[0].toLowerCase();
}

export interface DatabaseVolume {
  pvc: PvcFact;
  /** database: a database server's files; sqlite: an app's embedded database. */
  db: 'database' | 'sqlite';
  /** How the review knows: the lab says so (content), a database image mounts it, or its name suggests it. */
  evidence: 'content' | 'image' | 'name';
  /** Whose data it is, for messages and subjects: the claim's app, else the workload mounting it, else the claim. */
  owner: string;
}

/**
 * Volumes holding a live database. Spec input: the volume's declared content
 * (hearth modules say what each volume holds). Repository input: a database
 * server image mounts the claim; an app known to keep its state in SQLite
 * (Vaultwarden, Home Assistant, Plex, the *arr apps, Jellyfin...) mounts it,
 * the claim is named for state (config, data, db) and no environment variable
 * points the app at a database server; or the name of the claim, its app or the
 * workload mounting it looks like a database (postgres, mysql, mariadb,
 * mongo, sqlite, db), unless the claim's name says it holds copies (backup,
 * dump).
 */
export function databaseVolumes(facts: Facts): DatabaseVolume[] {
  const out: DatabaseVolume[] = [];
  for (const pvc of facts.pvcs) {
    if (facts.source === 'spec') {
      if (pvc.content === 'database' || pvc.content === 'sqlite') out.push({ pvc, db: pvc.content, evidence: 'content', owner: pvc.app ?? pvc.name });
      continue;
    }
    if (pvc.content === 'cache' || pvc.content === 'files') continue;
    const mounters = facts.workloads.filter((w) => w.namespace === pvc.namespace && w.claims.includes(pvc.name));
    const words = (names: string[]) => names.flatMap((n) => n.toLowerCase().split(/[^a-z0-9]+/)).filter(Boolean);
    // The claim's own names say whether it holds copies; the servers mounting it may name the database too.
    if (words([pvc.name, pvc.app ?? '']).some((t) => COPY_TOKENS.has(t))) continue;
    const servers = mounters.filter((w) => w.kind !== 'CronJob' && w.kind !== 'Job');
    const tokens = words([pvc.name, pvc.app ?? '', ...servers.map((w) => w.app ?? w.name)]);
    // Jobs that mount it with a database image are dump jobs, not the server.
    const byImage = servers.some((w) => w.containers.some((c) => c.image && DB_IMAGE.test(imageName(c.image)) && !NOT_SERVER.test(imageName(c.image))));
    // A SQLite app's state volume: the image is known for it (vaultwarden/server, not any "server"), the claim is named for state, no database server is configured.
    const sqliteApp = servers.some((w) =>
      w.containers.some((c) => {
        if (!c.image) return false;
        const n = imageName(c.image);
        if (!SQLITE_APP_IMAGE.test(n) || (n === 'server' && !/vaultwarden/.test(c.image))) return false;
        return !c.env.some((e) => EXTERNAL_DB_ENV.test(e.name));
      }),
    );
    const ownWords = words([pvc.name]);
    const stateClaim = ownWords.some((t) => STATE_TOKENS.has(t)) || servers.some((w) => pvc.name === (w.app ?? w.name));
    const owner = pvc.app ?? (servers[0] ? (servers[0].app ?? servers[0].name) : pvc.name);
    if (byImage) out.push({ pvc, db: 'database', evidence: 'image', owner });
    else if (sqliteApp && stateClaim) out.push({ pvc, db: 'sqlite', evidence: 'image', owner });
    else if (tokens.some((t) => t === 'sqlite' || t === 'sqlite3')) out.push({ pvc, db: 'sqlite', evidence: 'name', owner });
    else if (tokens.some((t) => DB_TOKENS.has(t))) out.push({ pvc, db: 'database', evidence: 'name', owner });
  }
  return out;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** Databases (server files or SQLite) on NFS. */
export default defineRule({
  id: 'storage-database-on-nfs',
  category: 'storage',
  risk: 'high',
  title: 'Database files on NFS',
  why: 'Databases rely on POSIX file locks and on fsync reaching the disk. Over NFS, locks are advisory and often broken (SQLite documents corruption from it), and a soft mount, an async export or a NAS restart can lose writes the database believed durable: PostgreSQL then starts on damaged files.',
  fix: 'put database volumes on block storage (Longhorn, or local storage with a dump job to the NAS), or switch the app from SQLite to PostgreSQL; keep NFS for files and for the dumps',
  check({ facts, report }) {
    const onNfs = databaseVolumes(facts).filter((d) => classKindOf(facts, d.pvc.storageClass) === 'nfs');
    for (const db of ['database', 'sqlite'] as const) {
      const vols = onNfs.filter((d) => d.db === db);
      if (vols.length === 0) continue;
      const apps = [...new Set(vols.map((d) => d.owner))].sort();
      const classes = [...new Set(vols.map((d) => d.pvc.storageClass!))].sort();
      const classWheres = facts.storageClasses.filter((s) => classes.includes(s.name)).map((s) => s.where);
      const guessed = vols.every((d) => d.evidence === 'name') ? ' (judged by name)' : '';
      report({
        message:
          db === 'database'
            ? `${plural(vols.length, 'database volume')} of ${apps.join(', ')}${guessed} on NFS (${classes.join(', ')}): lost or corrupted writes when locking or fsync misbehave`
            : `${plural(vols.length, 'volume')} of ${apps.join(', ')} holding SQLite databases${guessed} on NFS (${classes.join(', ')}): broken file locking corrupts them`,
        where: [...vols.map((d) => d.pvc.where), ...classWheres],
        subjects: apps,
      });
    }
  },
  strength: (facts) => {
    const dbs = databaseVolumes(facts);
    return dbs.length && facts.storageClasses.some((s) => s.kind === 'nfs') ? 'Databases stay off the NFS share, on storage with working locks and fsync.' : undefined;
  },
});
