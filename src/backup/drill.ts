/**
 * `hearth backup drill`: a real restore drill on this machine.
 *
 * It starts a throwaway PostgreSQL cluster, loads deterministic data, runs the
 * very backup script hearth renders (src/backup/scripts.ts) into two local
 * restic repositories, drops the database, runs the very restore script, and
 * compares everything table by table; then the same for a directory of files.
 * What it proves: the scripts' text, restic and pg_dump/pg_restore round-trip
 * the data. What it cannot prove: a lab's credentials, its network to the
 * repositories, or that a volume attaches (docs/backup-drill.md).
 */
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { accessSync, constants as fsc, existsSync, promises as fs, readFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { filesBackupScript, filesRestoreScript, postgresBackupScript, postgresRestoreScript } from '../lib/backup-scripts.js';

// ---------------------------------------------------------------- report types

export interface DrillStep {
  name: string;
  ok: boolean;
  detail: string;
  ms: number;
}

/** A relation compared by row count and checksum (tables, views, materialized views). */
export interface DrillTable {
  name: string;
  kind: 'table' | 'view' | 'materialized view';
  rowsBefore: number | null;
  rowsAfter: number | null;
  checksumBefore: string | null;
  checksumAfter: string | null;
  ok: boolean;
}

/** A schema object compared by its definition: sequence (with last value), constraint, index, view, function, columns, comment. */
export interface DrillObject {
  kind: string;
  name: string;
  before: string | null;
  after: string | null;
  ok: boolean;
}

export interface DrillFile {
  path: string;
  type: 'file' | 'dir' | 'symlink' | 'other';
  ok: boolean;
  detail?: string;
}

export interface MissingTool {
  tool: string;
  install: string;
}

export interface DrillReport {
  ok: boolean;
  /** The drill's temporary directory (removed at the end unless `keep`). */
  dir: string;
  kept: boolean;
  /** Prerequisites that are missing, with the command that installs each; the drill did not run when non-empty. */
  missing: MissingTool[];
  steps: DrillStep[];
  tables: DrillTable[];
  objects: DrillObject[];
  files: DrillFile[];
  ms: number;
}

export type DrillPart = 'postgres' | 'files';
export type DrillScript = 'postgres-backup.sh' | 'postgres-restore.sh' | 'files-backup.sh' | 'files-restore.sh';

/** What a hook sees: for tests that tamper with a repository or the restored data. */
export interface DrillContext {
  dir: string;
  /** The restic repositories, in RESTIC_REPOSITORIES order. */
  repositories: string[];
  /** The environment the scripts run with (a hook may change it for the restore). */
  env: Record<string, string>;
  /** The directory the files scripts back up and restore. */
  filesPath: string;
  /** Run SQL in the drill database (psql, unaligned, tab-separated). */
  psql(sql: string): Promise<string>;
}

export interface DrillOptions {
  /** Parent of the drill's temporary directory (default: the OS temp dir). */
  workDir?: string;
  /** Leave the temporary directory (repositories, data dir, scripts) in place; PostgreSQL is stopped anyway. */
  keep?: boolean;
  /** Progress lines. */
  log?: (line: string) => void;
  /** Stop early (Ctrl-C): running commands are killed, then everything is cleaned up. */
  signal?: AbortSignal;
  /** Which parts to run (default both). */
  parts?: DrillPart[];
  /** Seed of the generated data (default 7). */
  seed?: number;
  /**
   * Replace a rendered script's text (keyed by file name: postgres-backup.sh,
   * postgres-restore.sh, files-backup.sh, files-restore.sh), to try a change
   * before it ships. By default the drill runs exactly what hearth renders.
   */
  scripts?: Partial<Record<DrillScript, string>>;
  /** For tests: tamper between backup and restore, or after the restore. */
  hooks?: {
    beforeRestore?: (part: DrillPart, ctx: DrillContext) => void | Promise<void>;
    afterRestore?: (part: DrillPart, ctx: DrillContext) => void | Promise<void>;
  };
}

// ---------------------------------------------------------------- prerequisites

export const PG_VERSION = 15;
const PG_BIN = `/usr/lib/postgresql/${PG_VERSION}/bin`;

export interface Prerequisites {
  restic?: string;
  bash?: string;
  runuser?: string;
  /** initdb, pg_ctl, psql, pg_dump, pg_restore → absolute paths. */
  pg: Partial<Record<'initdb' | 'pg_ctl' | 'psql' | 'pg_dump' | 'pg_restore', string>>;
  /** The directory holding pg_dump and pg_restore: put first on the scripts' PATH. */
  pgBin?: string;
  root: boolean;
  missing: MissingTool[];
}

function executable(file: string): boolean {
  try {
    accessSync(file, fsc.X_OK);
    return true;
  } catch {
    return false;
  }
}

function onPath(cmd: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (dir && executable(path.join(dir, cmd))) return path.join(dir, cmd);
  }
  return undefined;
}

function userExists(name: string): boolean {
  try {
    return readFileSync('/etc/passwd', 'utf8').split('\n').some((l) => l.split(':')[0] === name);
  } catch {
    return false;
  }
}

/** What the drill needs on this machine, and how to install what is missing. */
export function checkPrerequisites(): Prerequisites {
  const root = process.getuid?.() === 0;
  const missing: MissingTool[] = [];
  const restic = onPath('restic');
  if (!restic) missing.push({ tool: 'restic', install: 'apt-get install -y restic' });
  const bash = onPath('dash') ?? onPath('bash');
  if (!bash) missing.push({ tool: 'bash', install: 'apt-get install -y bash' });
  const pg: Prerequisites['pg'] = {};
  for (const tool of ['initdb', 'pg_ctl', 'psql', 'pg_dump', 'pg_restore'] as const) {
    const found = executable(path.join(PG_BIN, tool)) ? path.join(PG_BIN, tool) : onPath(tool);
    if (found) pg[tool] = found;
    else
      missing.push({
        tool: `${tool} (PostgreSQL ${PG_VERSION})`,
        install: tool === 'initdb' || tool === 'pg_ctl' ? `apt-get install -y postgresql-${PG_VERSION}` : `apt-get install -y postgresql-client-${PG_VERSION}`,
      });
  }
  let runuser: string | undefined;
  if (root) {
    runuser = onPath('runuser') ?? (executable('/usr/sbin/runuser') ? '/usr/sbin/runuser' : undefined);
    if (!runuser) missing.push({ tool: 'runuser (initdb refuses root)', install: 'apt-get install -y util-linux' });
    if (!userExists('postgres')) missing.push({ tool: 'the postgres user (initdb refuses root)', install: `apt-get install -y postgresql-${PG_VERSION}` });
  }
  return { restic, bash, runuser, pg, pgBin: pg.pg_dump ? path.dirname(pg.pg_dump) : undefined, root, missing };
}

// ---------------------------------------------------------------- processes

interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

interface RunOptions {
  env: Record<string, string>;
  input?: string;
  cwd?: string;
  timeoutMs?: number;
  /** Each output line, as it comes (stdout and stderr). */
  onLine?: (line: string) => void;
  signal?: AbortSignal;
}

/** Run a command in its own process group (so a timeout or an abort kills what it started too). */
function run(cmd: string, args: string[], o: RunOptions): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    if (o.signal?.aborted) return reject(new Error('aborted'));
    const child = spawn(cmd, args, { env: o.env, cwd: o.cwd, detached: true, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let killedFor = '';
    const kill = (why: string) => {
      killedFor = why;
      try {
        if (child.pid) process.kill(-child.pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    };
    const timer = setTimeout(() => kill(`timed out after ${o.timeoutMs} ms`), o.timeoutMs ?? 120_000);
    const onAbort = () => kill('aborted');
    o.signal?.addEventListener('abort', onAbort, { once: true });
    const lines = (push: (s: string) => void) => {
      let partial = '';
      return (d: string) => {
        push(d);
        if (!o.onLine) return;
        partial += d;
        const parts = partial.split('\n');
        partial = parts.pop() ?? '';
        for (const p of parts) o.onLine(p);
      };
    };
    child.stdout.setEncoding('utf8').on('data', lines((d) => (stdout += d)));
    child.stderr.setEncoding('utf8').on('data', lines((d) => (stderr += d)));
    child.stdin.on('error', () => undefined); // the command may exit before reading its input
    child.stdin.end(o.input ?? '');
    child.on('error', (e) => {
      clearTimeout(timer);
      o.signal?.removeEventListener('abort', onAbort);
      reject(e);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      o.signal?.removeEventListener('abort', onAbort);
      if (killedFor) return reject(new Error(`${path.basename(cmd)} ${killedFor}`));
      resolve({ code, stdout, stderr });
    });
  });
}

function tail(text: string, n = 8): string {
  return text.trim().split('\n').slice(-n).join('\n');
}

async function runOk(cmd: string, args: string[], o: RunOptions): Promise<RunResult> {
  const r = await run(cmd, args, o);
  if (r.code !== 0) throw new Error(`${path.basename(cmd)} ${args.slice(0, 2).join(' ')} exited ${r.code}: ${tail(r.stderr || r.stdout)}`);
  return r;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

// ---------------------------------------------------------------- PostgreSQL

const DB = 'drill';

class Cluster {
  readonly data: string;
  readonly socketDir: string;
  readonly logFile: string;
  port = 0;
  started = false;
  pid: number | undefined;

  constructor(
    readonly root: string,
    readonly pre: Prerequisites,
    readonly baseEnv: Record<string, string>,
    readonly signal?: AbortSignal,
  ) {
    this.data = path.join(root, 'data');
    this.socketDir = root;
    this.logFile = path.join(root, 'postgres.log');
  }

  /** As the postgres user when we are root (initdb and the server refuse root). */
  private asOwner(cmd: string, args: string[]): [string, string[]] {
    return this.pre.root ? [this.pre.runuser!, ['-u', 'postgres', '--', cmd, ...args]] : [cmd, args];
  }

  get env(): Record<string, string> {
    return { ...this.baseEnv, PGHOST: '127.0.0.1', PGPORT: String(this.port), PGUSER: 'postgres', PGTZ: 'UTC', PGCLIENTENCODING: 'UTF8', PGCONNECT_TIMEOUT: '10' };
  }

  async init(): Promise<string> {
    await fs.mkdir(this.root, { recursive: true, mode: 0o700 });
    if (this.pre.root) {
      const { uid, gid } = postgresIds();
      await fs.chown(this.root, uid, gid);
    }
    const [cmd, args] = this.asOwner(this.pre.pg.initdb!, ['-D', this.data, '--auth=trust', '--username=postgres', '--encoding=UTF8', '--no-locale', '--no-sync']);
    await runOk(cmd, args, { env: this.baseEnv, cwd: this.root, timeoutMs: 120_000, signal: this.signal });
    // Trust only the socket and 127.0.0.1: nothing else may connect.
    const hba = path.join(this.data, 'pg_hba.conf');
    await fs.writeFile(hba, '# hearth backup drill: trust on the socket and 127.0.0.1 only\nlocal all all trust\nhost all all 127.0.0.1/32 trust\n');
    if (this.pre.root) {
      const { uid, gid } = postgresIds();
      await fs.chown(hba, uid, gid);
    }
    return `initdb ${this.data} (owner ${this.pre.root ? 'postgres' : os.userInfo().username}, UTF8, C locale)`;
  }

  async start(): Promise<string> {
    let lastError: unknown;
    for (let attempt = 0; attempt < 3; attempt++) {
      this.port = await freePort();
      const opts = `-c listen_addresses=127.0.0.1 -p ${this.port} -k '${this.socketDir}' -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=20`;
      const [cmd, args] = this.asOwner(this.pre.pg.pg_ctl!, ['-D', this.data, '-l', this.logFile, '-w', '-t', '60', '-o', opts, 'start']);
      this.started = true; // from here on, stop() must run (a start that timed out may still come up)
      const r = await run(cmd, args, { env: this.baseEnv, cwd: this.root, timeoutMs: 90_000, signal: this.signal });
      this.pid = await this.postmasterPid();
      if (r.code === 0) return `PostgreSQL ${PG_VERSION} on 127.0.0.1:${this.port} (pid ${this.pid ?? '?'})`;
      const log = await fs.readFile(this.logFile, 'utf8').catch(() => '');
      lastError = new Error(`pg_ctl start exited ${r.code}: ${tail(log || r.stderr || r.stdout)}`);
      if (!/could not bind|already in use/i.test(log)) break; // only a port race is worth another try
    }
    throw lastError;
  }

  private async postmasterPid(): Promise<number | undefined> {
    const text = await fs.readFile(path.join(this.data, 'postmaster.pid'), 'utf8').catch(() => '');
    const pid = Number(text.split('\n')[0]);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  }

  /** Stop the server by its data dir; if pg_ctl cannot, kill the postmaster we started. */
  async stop(): Promise<string> {
    if (!this.started) return 'not started';
    this.pid = (await this.postmasterPid()) ?? this.pid;
    const [cmd, args] = this.asOwner(this.pre.pg.pg_ctl!, ['-D', this.data, '-m', 'fast', '-w', '-t', '30', 'stop']);
    const r = await run(cmd, args, { env: this.baseEnv, timeoutMs: 45_000 }).catch((e: Error) => ({ code: -1, stdout: '', stderr: e.message }));
    // The postmaster removes its pid file just before it exits: give it a moment.
    for (let i = 0; i < 100 && this.pid && alive(this.pid); i++) await sleep(50);
    if (this.pid && alive(this.pid)) {
      process.kill(this.pid, 'SIGQUIT');
      for (let i = 0; i < 50 && alive(this.pid); i++) await sleep(100);
      if (alive(this.pid)) process.kill(this.pid, 'SIGKILL');
      for (let i = 0; i < 50 && alive(this.pid); i++) await sleep(100);
      if (alive(this.pid)) throw new Error(`postmaster ${this.pid} is still running`);
      this.started = false;
      return `pg_ctl stop ${r.code === 0 ? 'returned but the postmaster lingered' : `failed (${tail(r.stderr || r.stdout, 2)})`}; killed postmaster ${this.pid}`;
    }
    this.started = false;
    return `stopped${this.pid ? ` (pid ${this.pid})` : ''}`;
  }

  async psql(db: string, sql: string, timeoutMs = 120_000): Promise<string> {
    const r = await runOk(this.pre.pg.psql!, ['-X', '-q', '-A', '-t', '-F', '\t', '-v', 'ON_ERROR_STOP=1', '-d', db, '-f', '-'], {
      env: this.env,
      input: sql,
      timeoutMs,
      signal: this.signal,
    });
    return r.stdout;
  }
}

let pgIds: { uid: number; gid: number } | undefined;
function postgresIds(): { uid: number; gid: number } {
  if (pgIds) return pgIds;
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.split(':')[0] === 'postgres');
  if (!line) throw new Error('no postgres user');
  const f = line.split(':');
  pgIds = { uid: Number(f[2]), gid: Number(f[3]) };
  return pgIds;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Quote an SQL identifier. */
const ident = (s: string) => `"${s.replace(/"/g, '""')}"`;

/**
 * The drill's data: several tables and ≥ 10,000 rows exercising what a dump
 * must carry — identity and serial columns, text with unicode, newlines, tabs,
 * backslashes and quotes, bytea with NUL bytes, numeric (and NaN), float8
 * (NaN, ±Infinity), timestamptz with microseconds, jsonb, arrays, an enum, a
 * generated column, foreign keys, check and unique constraints, indexes
 * (partial too), a view, a materialized view, a function, a second schema, a
 * comment, gaps in an identity column and a sequence advanced past its start.
 * Every value is a function of the row number and the seed: deterministic.
 */
export function drillDataSql(seed: number): string {
  const s = Math.trunc(seed);
  return String.raw`
SET client_min_messages = warning;
CREATE FUNCTION drill_h(salt text, i bigint) RETURNS bigint LANGUAGE sql IMMUTABLE STRICT
  AS $$ SELECT ('x' || substr(md5('${s}:' || salt || ':' || i), 1, 15))::bit(60)::bigint $$;
CREATE TYPE event_kind AS ENUM ('login', 'logout', 'purchase', 'error');

CREATE TABLE customers (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name text NOT NULL,
  email text NOT NULL UNIQUE,
  bio text,
  balance numeric(14,4) NOT NULL,
  joined_at timestamptz NOT NULL,
  prefs jsonb NOT NULL DEFAULT '{}'::jsonb
);
COMMENT ON TABLE customers IS 'Kunden — clients — 顧客';
INSERT INTO customers (name, email, bio, balance, joined_at, prefs)
SELECT
  (ARRAY['Zoë', 'Łukasz', 'José', 'Søren', 'Ærin', '李雷', 'Дмитрий', 'O''Brien', 'Renée', '🦊 Fox'])[1 + drill_h('name', i) % 10] || ' #' || i,
  'user' || i || '@example.test',
  CASE WHEN i % 11 = 0 THEN NULL
       WHEN i % 13 = 0 THEN ''
       ELSE 'Line one of ' || i || E'\nLine two:\ttab, backslash \\ and "quotes" — ' || md5('${s}' || i) || E'\r\nend ✓' END,
  (drill_h('balance', i) % 100000000)::numeric / 10000 - 5000,
  timestamptz '2019-03-31 01:30:00+00' + (drill_h('joined', i) % 157680000) * interval '1 second' + (i % 1000) * interval '1 microsecond',
  jsonb_build_object('lang', (ARRAY['de', 'en', 'fr', 'ja', 'uk'])[1 + i % 5], 'n', i, 'ratio', (drill_h('r', i) % 1000) / 7.0,
                     'tags', jsonb_build_array('a' || i % 3, 'b' || i % 4), 'note', CASE WHEN i % 3 = 0 THEN 'ünïcødé ✓' END)
FROM generate_series(1, 2000) AS g(i);
-- Gaps: the identity's last value (2000) is past max(id) after these.
DELETE FROM customers WHERE id % 97 = 0 OR id = 2000;

CREATE TABLE orders (
  id bigserial PRIMARY KEY,
  customer_id integer NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
  placed_at timestamptz NOT NULL,
  amount numeric(12,2) NOT NULL CHECK (amount >= 0 OR amount = 'NaN'),
  status text NOT NULL CHECK (status IN ('new', 'paid', 'shipped', 'cancelled')),
  note text
);
CREATE INDEX orders_customer_placed_idx ON orders (customer_id, placed_at DESC);
CREATE INDEX orders_open_idx ON orders (placed_at) WHERE status IN ('new', 'paid');
INSERT INTO orders (customer_id, placed_at, amount, status, note)
SELECT CASE WHEN x % 97 = 0 THEN x + 1 ELSE x END,
  timestamptz '2021-01-01 00:00:00+01' + (drill_h('placed', i) % 94608000) * interval '1 second',
  (drill_h('amount', i) % 1000000) / 100.0,
  (ARRAY['new', 'paid', 'shipped', 'cancelled'])[1 + drill_h('status', i) % 4],
  CASE WHEN i % 4 = 0 THEN NULL ELSE repeat('ж', i % 5) || E' note\n' || i END
FROM (SELECT i, 1 + drill_h('customer', i) % 1999 AS x FROM generate_series(1, 6000) AS g(i)) AS q;
UPDATE orders SET amount = 'NaN' WHERE id = 4242;

CREATE TABLE attachments (
  id serial PRIMARY KEY,
  order_id bigint NOT NULL REFERENCES orders (id),
  filename text NOT NULL,
  content bytea NOT NULL,
  sha256 text GENERATED ALWAYS AS (encode(sha256(content), 'hex')) STORED,
  created_at timestamptz NOT NULL DEFAULT '2024-02-29 12:00:00.123456+00'
);
CREATE INDEX attachments_order_idx ON attachments (order_id);
INSERT INTO attachments (order_id, filename, content)
SELECT 1 + drill_h('order', i) % 6000,
  'scan-' || i || CASE i % 3 WHEN 0 THEN '.pdf' WHEN 1 THEN '.jpg' ELSE ' (copy) ü.png' END,
  '\x00ff'::bytea || decode(repeat(md5('${s}:blob:' || i), 1 + i % 16), 'hex') || '\x0d0a00'::bytea
FROM generate_series(1, 1000) AS g(i);

CREATE TABLE events (
  id uuid PRIMARY KEY,
  kind event_kind NOT NULL,
  at timestamptz NOT NULL,
  score double precision,
  payload jsonb NOT NULL,
  tags text[] NOT NULL DEFAULT '{}'
);
INSERT INTO events
SELECT md5('${s}:event:' || i)::uuid,
  (ARRAY['login', 'logout', 'purchase', 'error']::event_kind[])[1 + i % 4],
  timestamptz '2023-06-01 00:00:00+02' + i * interval '17 minutes 0.5 seconds',
  CASE WHEN i % 9 = 0 THEN NULL ELSE (drill_h('score', i) % 100000) / 1000.0::float8 END,
  jsonb_build_object('seq', i, 'path', '/a/"b"/c\\d', 'nested', jsonb_build_object('list', jsonb_build_array(i, i * 2, NULL, true), 'empty', '{}'::jsonb)),
  ARRAY['x' || i % 5, 'ü', 'with,comma']
FROM generate_series(1, 1500) AS g(i);
UPDATE events SET score = 'NaN' WHERE kind = 'error' AND at < '2023-06-02';
UPDATE events SET score = '-Infinity' WHERE kind = 'logout' AND at < '2023-06-02';

CREATE SCHEMA audit;
CREATE TABLE audit.changes (
  id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  customer_id integer REFERENCES customers (id),
  changed_at timestamptz NOT NULL,
  diff jsonb
);
INSERT INTO audit.changes (customer_id, changed_at, diff)
SELECT 1 + i * 7, timestamptz '2024-01-01 00:00:00+00' + i * interval '1 hour', jsonb_build_object('field', 'balance', 'from', i, 'to', i + 1)
FROM generate_series(1, 200) AS g(i) WHERE (1 + i * 7) % 97 <> 0;

-- A sequence advanced past its default, and one never used.
CREATE SEQUENCE invoice_number_seq START 1000 INCREMENT 7;
SELECT setval('invoice_number_seq', 424242);
CREATE SEQUENCE unused_seq;

CREATE VIEW customer_totals AS
  SELECT c.id, c.name, count(o.id) AS orders, coalesce(sum(o.amount) FILTER (WHERE o.amount <> 'NaN'), 0) AS total
  FROM customers c LEFT JOIN orders o ON o.customer_id = c.id
  GROUP BY c.id, c.name;
CREATE MATERIALIZED VIEW order_status_counts AS
  SELECT status, count(*) AS n, sum(amount) FILTER (WHERE amount <> 'NaN') AS total FROM orders GROUP BY status;
`;
}

export interface DbState {
  relations: Map<string, { kind: DrillTable['kind']; rows: number; checksum: string }>;
  objects: Map<string, string>;
}

const USER_SCHEMAS = `n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast') AND n.nspname NOT LIKE 'pg\\_%'`;

/** Row counts and checksums of every relation, and the definitions of every schema object. */
async function dbState(cluster: Cluster): Promise<DbState> {
  const rels = (
    await cluster.psql(
      DB,
      `SELECT n.nspname, c.relname, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE ${USER_SCHEMAS} AND c.relkind IN ('r', 'p', 'v', 'm') ORDER BY 1, 2;`,
    )
  )
    .split('\n')
    .filter(Boolean)
    .map((l) => l.split('\t'));
  const relations: DbState['relations'] = new Map();
  if (rels.length > 0) {
    // Whole-row text, sorted in the C collation: deterministic whatever the keys.
    const q = rels
      .map(
        ([nsp, rel]) =>
          `SELECT ${sqlString(`${nsp}.${rel}`)}, count(*), md5(coalesce(string_agg(t::text, E'\\n' ORDER BY (t::text) COLLATE "C"), '')) FROM ${ident(nsp)}.${ident(rel)} AS t`,
      )
      .join('\nUNION ALL\n');
    const kinds = new Map<string, DrillTable['kind']>(rels.map(([nsp, rel, k]) => [`${nsp}.${rel}`, k === 'v' ? 'view' : k === 'm' ? 'materialized view' : 'table']));
    for (const line of (await cluster.psql(DB, q + ';')).split('\n').filter(Boolean)) {
      const [name, rows, checksum] = line.split('\t');
      relations.set(name, { kind: kinds.get(name) ?? 'table', rows: Number(rows), checksum });
    }
  }
  const oneLine = (e: string) => `regexp_replace(${e}, '\\s+', ' ', 'g')`;
  const objectsSql = `
SELECT 'sequence', schemaname || '.' || sequencename, coalesce(last_value::text, 'never used') || ' (start ' || start_value || ', increment ' || increment_by || ')'
  FROM pg_sequences WHERE schemaname NOT IN ('pg_catalog', 'information_schema')
UNION ALL
SELECT 'constraint', conrelid::regclass::text || '.' || conname, contype::text || ': ' || ${oneLine('pg_get_constraintdef(c.oid)')}
  FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace WHERE ${USER_SCHEMAS}
UNION ALL
SELECT 'index', schemaname || '.' || indexname, indexdef FROM pg_indexes WHERE schemaname NOT IN ('pg_catalog', 'information_schema')
UNION ALL
SELECT CASE c.relkind WHEN 'v' THEN 'view' ELSE 'materialized view' END, n.nspname || '.' || c.relname, ${oneLine('pg_get_viewdef(c.oid)')}
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE ${USER_SCHEMAS} AND c.relkind IN ('v', 'm')
UNION ALL
SELECT 'function', p.oid::regprocedure::text, md5(pg_get_functiondef(p.oid))
  FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE ${USER_SCHEMAS}
UNION ALL
SELECT 'type', t.typname, string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder)
  FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid JOIN pg_namespace n ON n.oid = t.typnamespace WHERE ${USER_SCHEMAS} GROUP BY t.typname
UNION ALL
SELECT 'columns', table_schema || '.' || table_name,
  string_agg(column_name || ' ' || data_type || coalesce(' default ' || column_default, '') || coalesce(' generated ' || generation_expression, '')
    || CASE is_nullable WHEN 'NO' THEN ' not null' ELSE '' END || CASE is_identity WHEN 'YES' THEN ' identity ' || identity_generation ELSE '' END, ', ' ORDER BY ordinal_position)
  FROM information_schema.columns WHERE table_schema NOT IN ('pg_catalog', 'information_schema') GROUP BY 1, 2
UNION ALL
SELECT 'comment', n.nspname || '.' || c.relname, obj_description(c.oid, 'pg_class')
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE ${USER_SCHEMAS} AND obj_description(c.oid, 'pg_class') IS NOT NULL
ORDER BY 1, 2;`;
  const objects = new Map<string, string>();
  for (const line of (await cluster.psql(DB, objectsSql)).split('\n').filter(Boolean)) {
    const [kind, name, ...rest] = line.split('\t');
    objects.set(`${kind}\t${name}`, rest.join('\t'));
  }
  return { relations, objects };
}

function sqlString(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

/** Compare two database states: one row per relation and per object, before or after. */
export function compareDb(before: DbState, after: DbState | undefined): { tables: DrillTable[]; objects: DrillObject[] } {
  const tables: DrillTable[] = [];
  const relNames = [...new Set([...before.relations.keys(), ...(after?.relations.keys() ?? [])])].sort();
  for (const name of relNames) {
    const b = before.relations.get(name);
    const a = after?.relations.get(name);
    tables.push({
      name,
      kind: (b ?? a)!.kind,
      rowsBefore: b?.rows ?? null,
      rowsAfter: a?.rows ?? null,
      checksumBefore: b?.checksum ?? null,
      checksumAfter: a?.checksum ?? null,
      ok: !!a && !!b && a.rows === b.rows && a.checksum === b.checksum,
    });
  }
  const objects: DrillObject[] = [];
  const keys = [...new Set([...before.objects.keys(), ...(after?.objects.keys() ?? [])])].sort();
  for (const key of keys) {
    const [kind, name] = key.split('\t');
    const b = before.objects.get(key);
    const a = after?.objects.get(key);
    objects.push({ kind, name, before: b ?? null, after: a ?? null, ok: b !== undefined && a !== undefined && a === b });
  }
  return { tables, objects };
}

// ---------------------------------------------------------------- files

/** A small deterministic PRNG (mulberry32). */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomBuffer(rand: () => number, size: number): Buffer {
  const b = Buffer.alloc(size);
  for (let i = 0; i < size; i += 4) b.writeUInt32LE(Math.floor(rand() * 4294967296), Math.min(i, size - 4));
  return b;
}

/**
 * A directory exercising what a file restore must carry: nested directories,
 * binary files (one spanning several restic chunks), an empty file and an
 * empty directory, unicode names and names with spaces, quotes and a newline,
 * modes (0600, 0700, 0755, 0444, 0750 on the root), and symlinks (relative,
 * to a directory, dangling, absolute).
 */
export async function makeFiles(root: string, seed: number): Promise<void> {
  const rand = prng(seed);
  const file = async (rel: string, content: string | Buffer, mode = 0o644) => {
    const p = path.join(root, rel);
    await fs.mkdir(path.dirname(p), { recursive: true });
    await fs.writeFile(p, content);
    await fs.chmod(p, mode);
  };
  await fs.mkdir(root, { recursive: true });
  await file('README.md', '# Drill data\n\nÜmlaute, 日本語, emoji 🔥 and a tab\there.\n');
  await file('empty.txt', '');
  await file('bin/large.bin', randomBuffer(rand, 3 * 1024 * 1024 + 17)); // several restic chunks
  await file('bin/small.bin', Buffer.concat([Buffer.from([0, 0, 255, 10, 13, 0]), randomBuffer(rand, 1021)]));
  await file('bin/run.sh', '#!/bin/sh\necho drill\n', 0o755);
  await file('secret/key.pem', '-----BEGIN DRILL KEY-----\nnot a real key\n-----END DRILL KEY-----\n', 0o600);
  await fs.chmod(path.join(root, 'secret'), 0o700);
  await file('readonly.txt', 'read only\n', 0o444);
  await file('unicode/café — naïve résumé.txt', 'unicode name\n');
  await file('unicode/日本語のファイル.txt', 'ファイル\n');
  await file('unicode/emoji 🔥 file.bin', randomBuffer(rand, 4096));
  await file(`odd/with space and 'single' "double" quotes.txt`, 'quotes\n');
  await file('odd/line\nbreak.txt', 'a newline in the name\n');
  await file('odd/-leading-dash.txt', 'dash\n');
  await file('deep/a/b/c/d/e/leaf.json', JSON.stringify({ deep: true, seed }) + '\n');
  for (let i = 0; i < 30; i++) await file(`many/file-${String(i).padStart(2, '0')}.txt`, `file ${i} ${rand()}\n`.repeat(1 + (i % 7)));
  await fs.mkdir(path.join(root, 'empty-dir'), { recursive: true });
  await fs.mkdir(path.join(root, 'links'), { recursive: true });
  await fs.symlink('../README.md', path.join(root, 'links/to-readme'));
  await fs.symlink('../deep/a', path.join(root, 'links/to-dir'));
  await fs.symlink('../does-not-exist', path.join(root, 'links/dangling'));
  await fs.symlink('/etc/hostname', path.join(root, 'links/absolute'));
  await fs.chmod(root, 0o750);
}

export interface FileState {
  type: DrillFile['type'];
  mode: number;
  uid: number;
  gid: number;
  size: bigint;
  mtimeNs: bigint;
  sha256?: string;
  target?: string;
}

/** Every entry under root ('.' is root itself), with what a restore must bring back. */
export async function fileTree(root: string): Promise<Map<string, FileState>> {
  const out = new Map<string, FileState>();
  const visit = async (rel: string) => {
    const p = rel === '.' ? root : path.join(root, rel);
    const st = await fs.lstat(p, { bigint: true });
    const type: FileState['type'] = st.isFile() ? 'file' : st.isDirectory() ? 'dir' : st.isSymbolicLink() ? 'symlink' : 'other';
    const e: FileState = { type, mode: Number(st.mode & 0o7777n), uid: Number(st.uid), gid: Number(st.gid), size: st.size, mtimeNs: st.mtimeNs };
    if (type === 'file') e.sha256 = createHash('sha256').update(await fs.readFile(p)).digest('hex');
    if (type === 'symlink') e.target = await fs.readlink(p);
    out.set(rel, e);
    if (type === 'dir') for (const name of (await fs.readdir(p)).sort()) await visit(rel === '.' ? name : path.join(rel, name));
  };
  await visit('.');
  return out;
}

const octal = (m: number) => '0' + m.toString(8).padStart(3, '0');

/** Compare two trees file by file: type, sha256 and size, mode, owner, link target, and mtime (files). */
export function compareFiles(before: Map<string, FileState>, after: Map<string, FileState> | undefined): DrillFile[] {
  const out: DrillFile[] = [];
  const all = [...new Set([...before.keys(), ...(after?.keys() ?? [])])].sort();
  for (const p of all) {
    const b = before.get(p);
    const a = after?.get(p);
    if (!b) {
      out.push({ path: p, type: a!.type, ok: false, detail: 'not in the original' });
      continue;
    }
    if (!a) {
      out.push({ path: p, type: b.type, ok: false, detail: 'missing after restore' });
      continue;
    }
    const diffs: string[] = [];
    if (a.type !== b.type) diffs.push(`type ${b.type} → ${a.type}`);
    else {
      if (b.type === 'file' && a.sha256 !== b.sha256) diffs.push(`sha256 ${b.sha256!.slice(0, 12)} → ${a.sha256!.slice(0, 12)} (size ${b.size} → ${a.size})`);
      if (b.type === 'symlink' && a.target !== b.target) diffs.push(`target ${b.target} → ${a.target}`);
      if (b.type !== 'symlink' && a.mode !== b.mode) diffs.push(`mode ${octal(b.mode)} → ${octal(a.mode)}`);
      if (a.uid !== b.uid || a.gid !== b.gid) diffs.push(`owner ${b.uid}:${b.gid} → ${a.uid}:${a.gid}`);
      if (b.type === 'file' && a.mtimeNs !== b.mtimeNs) diffs.push(`mtime ${new Date(Number(b.mtimeNs / 1000000n)).toISOString()} → ${new Date(Number(a.mtimeNs / 1000000n)).toISOString()}`);
    }
    out.push(diffs.length ? { path: p, type: b.type, ok: false, detail: diffs.join('; ') } : { path: p, type: b.type, ok: true });
  }
  return out;
}

// ---------------------------------------------------------------- restic

async function resticSnapshots(pre: Prerequisites, repo: string, env: Record<string, string>, signal?: AbortSignal): Promise<{ id: string; tags?: string[]; paths: string[] }[]> {
  const r = await runOk(pre.restic!, ['--repo', repo, 'snapshots', '--json'], { env, timeoutMs: 60_000, signal });
  return JSON.parse(r.stdout) as { id: string; tags?: string[]; paths: string[] }[];
}

// ---------------------------------------------------------------- the drill

const SCRIPT_TIMEOUT_MS = 300_000;

export async function runDrill(opts: DrillOptions = {}): Promise<DrillReport> {
  const started = Date.now();
  const log = opts.log ?? (() => undefined);
  const seed = opts.seed ?? 7;
  const parts = new Set<DrillPart>(opts.parts ?? ['postgres', 'files']);
  const signal = opts.signal;
  const report: DrillReport = { ok: false, dir: '', kept: !!opts.keep, missing: [], steps: [], tables: [], objects: [], files: [], ms: 0 };

  /** Run one step: time it, record it, never throw. */
  const step = async (name: string, fn: () => Promise<string | void>, cleanup = false): Promise<boolean> => {
    if (signal?.aborted && !cleanup) return false; // after Ctrl-C only the clean-up runs
    const t0 = Date.now();
    log(`==> ${name}`);
    let ok = true;
    let detail = '';
    try {
      detail = (await fn()) ?? '';
    } catch (e) {
      ok = false;
      detail = (e as Error).message ?? String(e);
    }
    const ms = Date.now() - t0;
    report.steps.push({ name, ok, detail, ms });
    log(`${ok ? '    ok' : '    FAILED'} (${ms} ms)${detail ? ': ' + detail.split('\n')[0] : ''}`);
    if (!ok && detail.includes('\n')) for (const l of detail.split('\n').slice(1)) log(`      ${l}`);
    return ok;
  };

  const pre = checkPrerequisites();
  const preOk = await step('prerequisites', async () => {
    if (pre.missing.length) {
      report.missing = pre.missing;
      const cmds = [...new Set(pre.missing.map((m) => m.install))];
      throw new Error(`missing ${pre.missing.map((m) => m.tool).join(', ')}; install with: ${cmds.join(' && ')}`);
    }
    return `restic ${pre.restic}, PostgreSQL tools in ${pre.pgBin}${pre.root ? ', running as root: PostgreSQL runs as postgres via runuser' : ''}`;
  });
  if (!preOk) {
    report.ms = Date.now() - started;
    return report;
  }

  const parent = path.resolve(opts.workDir ?? os.tmpdir());
  await fs.mkdir(parent, { recursive: true });
  const dir = await fs.mkdtemp(path.join(parent, 'hearth-drill-'));
  report.dir = dir;
  const cluster = new Cluster(path.join(dir, 'pg'), pre, { PATH: process.env.PATH ?? '/usr/bin:/bin', LANG: 'C.UTF-8', HOME: process.env.HOME ?? dir }, signal);
  try {
    await step('work directory', async () => {
      if (/\s/.test(dir)) throw new Error(`${dir} holds whitespace: RESTIC_REPOSITORIES is space-separated, so repository paths cannot`);
      // The postgres user must reach its directory inside ours.
      if (pre.root) await fs.chmod(dir, 0o711);
      for (const d of ['scripts', 'tmp', 'cache', 'files']) await fs.mkdir(path.join(dir, d), { mode: 0o700 });
      const scripts: Record<DrillScript, string> = {
        'postgres-backup.sh': postgresBackupScript(),
        'postgres-restore.sh': postgresRestoreScript(),
        'files-backup.sh': filesBackupScript(),
        'files-restore.sh': filesRestoreScript(),
        ...opts.scripts,
      };
      for (const [name, text] of Object.entries(scripts)) await fs.writeFile(path.join(dir, 'scripts', name), text, { mode: 0o755 });
      const replaced = Object.keys(opts.scripts ?? {});
      return `${dir}: the four rendered scripts in scripts/${replaced.length ? ` (replaced: ${replaced.join(', ')})` : ''}`;
    });

    const repositories = [path.join(dir, 'repo-a'), path.join(dir, 'repo-b')];
    const baseScriptEnv: Record<string, string> = {
      // pg_dump/pg_restore of the drill's PostgreSQL first on PATH (Debian's /usr/bin ones are wrappers).
      PATH: `${pre.pgBin}${path.delimiter}${process.env.PATH ?? '/usr/bin:/bin'}`,
      HOME: process.env.HOME ?? dir,
      LANG: 'C.UTF-8',
      TMPDIR: path.join(dir, 'tmp'),
      RESTIC_CACHE_DIR: path.join(dir, 'cache'),
      RESTIC_REPOSITORIES: repositories.join(' '),
      RESTIC_PASSWORD: randomBytes(24).toString('base64url'),
      BACKUP_TAGS: 'lab:drill tier:drill',
      KEEP_ARGS: '--keep-last 3',
    };
    const script = async (name: string, env: Record<string, string>): Promise<string> => {
      const r = await run(pre.bash!, [path.join(dir, 'scripts', name)], { env, cwd: dir, timeoutMs: SCRIPT_TIMEOUT_MS, signal, onLine: (l) => log(`    | ${l}`) });
      if (r.code !== 0) throw new Error(`${name} exited ${r.code}:\n${tail(r.stderr || r.stdout, 6)}`);
      const done = r.stdout.split('\n').filter((l) => l.startsWith('==> ')).length;
      return `${name} exited 0 (${done} progress lines)`;
    };
    const everyRepository = async (tag: string): Promise<string> => {
      const found = await Promise.all(repositories.map((repo) => resticSnapshots(pre, repo, baseScriptEnv, signal)));
      const counts = found.map((snaps, i) => {
        const mine = snaps.filter((s) => s.tags?.includes(tag));
        if (mine.length === 0) throw new Error(`no snapshot tagged ${tag} in ${repositories[i]}`);
        for (const t of baseScriptEnv.BACKUP_TAGS.split(' ')) if (!mine.every((s) => s.tags?.includes(t))) throw new Error(`a snapshot in ${repositories[i]} lacks the tag ${t}`);
        return `${path.basename(repositories[i])}: ${mine.length}`;
      });
      return `snapshots tagged ${tag} and ${baseScriptEnv.BACKUP_TAGS} in every repository (${counts.join(', ')})`;
    };
    const context = (env: Record<string, string>, filesPath: string): DrillContext => ({ dir, repositories, env, filesPath, psql: (sql) => cluster.psql(DB, sql) });

    // The two containers of a CronJob pod each see only their half of the environment.
    const withoutRestic = (env: Record<string, string>) => Object.fromEntries(Object.entries(env).filter(([k]) => !/^(RESTIC_|KEEP_ARGS|BACKUP_TAGS|AWS_)/.test(k)));
    const withoutPg = (env: Record<string, string>) => Object.fromEntries(Object.entries(env).filter(([k]) => !k.startsWith('PG') || k === 'PGDATABASE'));
    const dumpFile = path.join(dir, 'tmp', 'shared.dump');

    // ------------------------------------------------------------ postgres
    if (parts.has('postgres')) {
      const pgEnv = () => ({ ...baseScriptEnv, PGHOST: '127.0.0.1', PGPORT: String(cluster.port), PGUSER: 'postgres', PGDATABASE: DB });
      let before: DbState | undefined;
      let after: DbState | undefined;
      let restoreEnv: Record<string, string> | undefined;
      const ready =
        (await step('initdb', () => cluster.init())) &&
        (await step('start PostgreSQL', () => cluster.start())) &&
        (await step('load data', async () => {
          await cluster.psql('postgres', `CREATE DATABASE ${DB};`);
          await cluster.psql(DB, drillDataSql(seed));
          return `seed ${seed}`;
        })) &&
        (await step('checksum database', async () => {
          before = await dbState(cluster);
          const tables = [...before.relations.values()].filter((r) => r.kind === 'table');
          const rows = tables.reduce((n, r) => n + r.rows, 0);
          return `${tables.length} tables, ${rows} rows, ${before.relations.size - tables.length} views, ${before.objects.size} schema objects`;
        })) &&
        // As the CronJob runs it: the dump half (postgres image, no restic secrets), then the upload half (restic image).
        (await step('postgres backup script, dump phase', () => script('postgres-backup.sh', { ...withoutRestic(pgEnv()), BACKUP_PHASE: 'dump', DUMP_FILE: dumpFile }))) &&
        (await step('postgres backup script, upload phase', () => script('postgres-backup.sh', { ...withoutPg(pgEnv()), BACKUP_PHASE: 'upload', DUMP_FILE: dumpFile }))) &&
        (await step('postgres snapshots in every repository', () => everyRepository(`pg:${DB}`))) &&
        (await step('drop and recreate the database', async () => {
          await cluster.psql('postgres', `DROP DATABASE ${DB} WITH (FORCE);\nCREATE DATABASE ${DB};`);
          const left = (await cluster.psql(DB, `SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE ${USER_SCHEMAS};`)).trim();
          if (left !== '0') throw new Error(`the recreated database holds ${left} relations`);
          return `${DB} dropped and recreated empty`;
        }));
      if (ready && before) {
        restoreEnv = pgEnv();
        if (opts.hooks?.beforeRestore) await opts.hooks.beforeRestore('postgres', context(restoreEnv, ''));
        // As the restore CronJob runs it: fetch (restic image), then pg_restore (postgres image).
        (await step('postgres restore script, fetch phase', () => script('postgres-restore.sh', { ...withoutPg(restoreEnv!), BACKUP_PHASE: 'fetch', DUMP_FILE: dumpFile }))) &&
          (await step('postgres restore script, restore phase', () => script('postgres-restore.sh', { ...withoutRestic(restoreEnv!), BACKUP_PHASE: 'restore', DUMP_FILE: dumpFile })));
        if (opts.hooks?.afterRestore) await opts.hooks.afterRestore('postgres', context(restoreEnv, ''));
        // Compare even after a failed restore: the report shows what came back.
        await step('compare database', async () => {
          after = await dbState(cluster);
          const { tables, objects } = compareDb(before!, after);
          report.tables = tables;
          report.objects = objects;
          const badT = tables.filter((t) => !t.ok);
          const badO = objects.filter((o) => !o.ok);
          if (badT.length || badO.length)
            throw new Error(
              `${badT.length} of ${tables.length} relations and ${badO.length} of ${objects.length} schema objects differ: ` +
                [...badT.map((t) => t.name), ...badO.map((o) => `${o.kind} ${o.name}`)].slice(0, 8).join(', '),
            );
          const rows = tables.filter((t) => t.kind === 'table').reduce((n, t) => n + (t.rowsAfter ?? 0), 0);
          return `${tables.length} relations (${rows} table rows) and ${objects.length} schema objects identical`;
        });
      } else if (before) {
        report.tables = compareDb(before, undefined).tables;
      }
    }

    // ------------------------------------------------------------ files
    if (parts.has('files')) {
      const filesPath = path.join(dir, 'files', 'data');
      const filesEnv = { ...baseScriptEnv, BACKUP_PATH: filesPath, BACKUP_NAME: 'drill-files' };
      let before: Map<string, FileState> | undefined;
      const ready =
        (await step('create files', async () => {
          await makeFiles(filesPath, seed);
          before = await fileTree(filesPath);
          const count = (t: string) => [...before!.values()].filter((e) => e.type === t).length;
          return `${count('file')} files, ${count('dir')} directories, ${count('symlink')} symlinks in ${filesPath}`;
        })) &&
        (await step('files backup script', () => script('files-backup.sh', filesEnv))) &&
        (await step('files snapshots in every repository', () => everyRepository('files:drill-files'))) &&
        (await step('delete the files', async () => {
          await fs.rm(filesPath, { recursive: true, force: true });
          if (existsSync(filesPath)) throw new Error(`${filesPath} is still there`);
          return `${filesPath} removed`;
        }));
      if (ready && before) {
        const restoreEnv = { ...filesEnv };
        if (opts.hooks?.beforeRestore) await opts.hooks.beforeRestore('files', context(restoreEnv, filesPath));
        await step('files restore script', () => script('files-restore.sh', restoreEnv));
        if (opts.hooks?.afterRestore) await opts.hooks.afterRestore('files', context(restoreEnv, filesPath));
        await step('compare files', async () => {
          const after = existsSync(filesPath) ? await fileTree(filesPath) : undefined;
          report.files = compareFiles(before!, after);
          const bad = report.files.filter((f) => !f.ok);
          if (bad.length) throw new Error(`${bad.length} of ${report.files.length} entries differ: ${bad.slice(0, 5).map((f) => `${JSON.stringify(f.path)} (${f.detail})`).join(', ')}`);
          return `${report.files.length} entries identical (sha256, mode, owner, mtime, symlink target)`;
        });
      } else if (before) {
        report.files = compareFiles(before, undefined);
      }
    }
  } finally {
    if (cluster.started) await step('stop PostgreSQL', () => cluster.stop(), true);
    if (!opts.keep) {
      await step(
        'remove the work directory',
        async () => {
          await fs.rm(dir, { recursive: true, force: true });
          return `${dir} removed`;
        },
        true,
      );
    } else log(`kept ${dir}`);
  }

  // A part that compared nothing did not pass, whatever its steps say.
  const nothingCompared = (parts.has('postgres') && report.tables.length === 0) || (parts.has('files') && report.files.length === 0);
  report.ok =
    !nothingCompared &&
    report.steps.every((s) => s.ok) &&
    report.tables.every((t) => t.ok) &&
    report.objects.every((o) => o.ok) &&
    report.files.every((f) => f.ok);
  if (signal?.aborted) {
    report.ok = false;
    report.steps.push({ name: 'interrupted', ok: false, detail: 'the drill was interrupted; what ran is above', ms: 0 });
  }
  report.ms = Date.now() - started;
  return report;
}

// ---------------------------------------------------------------- formatting

function table(head: string[], rows: string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => [...(r[i] ?? '')].length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c + ' '.repeat(widths[i] - [...c].length))
      .join('  ')
      .trimEnd();
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** A readable report: the steps, the relations compared, the objects and files that differ. */
export function formatDrillReport(report: DrillReport): string {
  const out: string[] = [];
  out.push(`Backup drill: ${report.ok ? 'PASSED' : report.missing.length ? 'NOT RUN (missing prerequisites)' : 'FAILED'} in ${secs(report.ms)}`);
  if (report.missing.length) {
    out.push('', 'Missing:');
    for (const m of report.missing) out.push(`  ${m.tool}: ${m.install}`);
  }
  out.push('', table(['', 'step', 'time', 'detail'], report.steps.map((s) => [s.ok ? 'ok' : 'FAIL', s.name, secs(s.ms), s.detail.split('\n')[0]])));
  if (report.tables.length) {
    out.push(
      '',
      table(
        ['', 'relation', 'kind', 'rows before', 'rows after', 'checksum before', 'checksum after'],
        report.tables.map((t) => [t.ok ? 'ok' : 'DIFF', t.name, t.kind, String(t.rowsBefore ?? '-'), String(t.rowsAfter ?? '-'), t.checksumBefore?.slice(0, 12) ?? '-', t.checksumAfter?.slice(0, 12) ?? '-']),
      ),
    );
  }
  if (report.objects.length) {
    const bad = report.objects.filter((o) => !o.ok);
    const kinds = [...new Set(report.objects.map((o) => o.kind))].map((k) => `${report.objects.filter((o) => o.kind === k).length} ${k}`).join(', ');
    out.push('', `Schema objects: ${report.objects.length - bad.length} of ${report.objects.length} identical (${kinds})`);
    const seqs = report.objects.filter((o) => o.kind === 'sequence');
    for (const s of seqs) out.push(`  ${s.ok ? 'ok  ' : 'DIFF'} sequence ${s.name}: ${s.before ?? '-'}${s.ok ? '' : ` → ${s.after ?? 'missing'}`}`);
    for (const o of bad.filter((o) => o.kind !== 'sequence')) out.push(`  DIFF ${o.kind} ${o.name}: ${o.before ?? 'missing'} → ${o.after ?? 'missing'}`);
  }
  if (report.files.length) {
    const bad = report.files.filter((f) => !f.ok);
    const kinds = ['file', 'dir', 'symlink', 'other'].map((k) => [k, report.files.filter((f) => f.type === k).length] as const).filter(([, n]) => n > 0);
    out.push('', `Files: ${report.files.length - bad.length} of ${report.files.length} identical (${kinds.map(([k, n]) => `${n} ${k === 'dir' ? 'directories' : k + 's'}`).join(', ')}; sha256, mode, owner, mtime, symlink target)`);
    for (const f of bad.slice(0, 20)) out.push(`  DIFF ${JSON.stringify(f.path)}: ${f.detail}`);
    if (bad.length > 20) out.push(`  ... and ${bad.length - 20} more`);
  }
  if (report.dir) out.push('', report.kept ? `Kept ${report.dir} (repositories, data dir, scripts).` : `Removed ${report.dir}.`);
  return out.join('\n') + '\n';
}
