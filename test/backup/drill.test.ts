/**
 * `hearth backup drill`: the rendered backup and restore scripts, run for real
 * against a throwaway PostgreSQL and local restic repositories. Skipped only
 * when restic or PostgreSQL is missing (scripts/test.sh installs restic).
 */
import assert from 'node:assert/strict';
import { existsSync, promises as fs, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import {
  checkPrerequisites,
  compareDb,
  compareFiles,
  fileTree,
  formatDrillReport,
  makeFiles,
  runDrill,
  type DbState,
  type DrillReport,
} from '../../src/backup/drill.js';
import { drill } from '../../src/cli/commands/backup.js';

const pre = checkPrerequisites();
const skip = pre.missing.length
  ? `the backup drill needs ${pre.missing.map((m) => m.tool).join(', ')}; install with: ${[...new Set(pre.missing.map((m) => m.install))].join(' && ')}`
  : false;

/** Processes whose command line names the drill's directory (the postmaster does: -D DIR/pg/data). */
function processesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid) || Number(pid) === process.pid) continue;
    let cmd = '';
    try {
      cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
    } catch {
      continue;
    }
    if (cmd.includes(dir)) out.push(`${pid}: ${cmd}`);
  }
  return out;
}

function assertCleanedUp(report: DrillReport): void {
  assert.ok(report.dir, 'the drill made a work directory');
  assert.deepEqual(processesUnder(report.dir), [], 'nothing the drill started is still running');
  assert.equal(existsSync(report.dir), false, `${report.dir} is removed`);
}

/** Flip bytes all over every pack file of a repository: every blob fails its MAC. */
async function corruptPacks(repo: string): Promise<number> {
  let n = 0;
  const data = path.join(repo, 'data');
  for (const sub of await fs.readdir(data)) {
    for (const f of await fs.readdir(path.join(data, sub))) {
      const p = path.join(data, sub, f);
      await fs.chmod(p, 0o600); // restic writes packs read-only
      const buf = await fs.readFile(p);
      for (let i = 0; i < buf.length; i += 64) buf[i] ^= 0xff;
      await fs.writeFile(p, buf);
      n++;
    }
  }
  return n;
}

async function withPath<T>(value: string, fn: () => Promise<T>): Promise<T> {
  const saved = process.env.PATH;
  process.env.PATH = value;
  try {
    return await fn();
  } finally {
    process.env.PATH = saved;
  }
}

describe('backup drill: comparisons catch drift (no restic needed)', () => {
  it('compareFiles reports changed content, mode, mtime, link target, missing and extra entries', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'hearth-drill-cmp-'));
    try {
      const root = path.join(dir, 'data');
      await makeFiles(root, 7);
      const before = await fileTree(root);
      assert.deepEqual(compareFiles(before, await fileTree(root)).filter((f) => !f.ok), [], 'a tree equals itself');

      const small = path.join(root, 'bin/small.bin');
      const buf = await fs.readFile(small);
      buf[100] ^= 1; // same size, one bit
      const { mtime } = await fs.stat(small);
      await fs.writeFile(small, buf);
      await fs.utimes(small, mtime, mtime); // and the same mtime: only the content tells
      await fs.chmod(path.join(root, 'bin/run.sh'), 0o644);
      await fs.utimes(path.join(root, 'README.md'), new Date('2001-01-01'), new Date('2001-01-01'));
      await fs.rm(path.join(root, 'links/to-readme'));
      await fs.symlink('../empty.txt', path.join(root, 'links/to-readme'));
      await fs.rm(path.join(root, 'odd/line\nbreak.txt'));
      await fs.writeFile(path.join(root, 'extra.txt'), 'not in the backup\n');

      const bad = Object.fromEntries(compareFiles(before, await fileTree(root)).filter((f) => !f.ok).map((f) => [f.path, f.detail]));
      assert.deepEqual(Object.keys(bad).sort(), ['README.md', 'bin/run.sh', 'bin/small.bin', 'extra.txt', 'links/to-readme', 'odd/line\nbreak.txt'].sort(), JSON.stringify(bad, null, 2));
      assert.match(bad['bin/small.bin']!, /sha256/);
      assert.match(bad['bin/run.sh']!, /mode 0755 → 0644/);
      assert.match(bad['README.md']!, /mtime/);
      assert.match(bad['links/to-readme']!, /target \.\.\/README\.md → \.\.\/empty\.txt/);
      assert.match(bad['odd/line\nbreak.txt']!, /missing after restore/);
      assert.match(bad['extra.txt']!, /not in the original/);
      assert.ok(compareFiles(before, undefined).every((f) => !f.ok && f.detail === 'missing after restore'), 'nothing restored: every entry missing');
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  it('compareDb reports a changed checksum, a missing relation and a sequence that went back', () => {
    const before: DbState = {
      relations: new Map([
        ['public.a', { kind: 'table', rows: 3, checksum: 'x' }],
        ['public.b', { kind: 'table', rows: 2, checksum: 'y' }],
        ['public.v', { kind: 'view', rows: 1, checksum: 'z' }],
      ]),
      objects: new Map([
        ['sequence\tpublic.s', '424242 (start 1000, increment 7)'],
        ['index\tpublic.a_idx', 'CREATE INDEX a_idx ON public.a USING btree (x)'],
      ]),
    };
    const after: DbState = {
      relations: new Map([
        ['public.a', { kind: 'table', rows: 3, checksum: 'x2' }],
        ['public.v', { kind: 'view', rows: 1, checksum: 'z' }],
      ]),
      objects: new Map([
        ['sequence\tpublic.s', '3 (start 1000, increment 7)'],
        ['index\tpublic.a_idx', 'CREATE INDEX a_idx ON public.a USING btree (x)'],
      ]),
    };
    const { tables, objects } = compareDb(before, after);
    assert.deepEqual(
      tables.map((t) => [t.name, t.ok, t.rowsAfter]),
      [
        ['public.a', false, 3],
        ['public.b', false, null],
        ['public.v', true, 1],
      ],
    );
    assert.deepEqual(
      objects.map((o) => [o.kind, o.name, o.ok]),
      [
        ['index', 'public.a_idx', true],
        ['sequence', 'public.s', false],
      ],
    );
  });

  it('stops with the install command when a prerequisite is missing (CLI exit 2)', async () => {
    const report = await withPath('/nonexistent', () => runDrill({}));
    assert.equal(report.ok, false);
    assert.equal(report.dir, '', 'no work directory made');
    assert.ok(
      report.missing.some((m) => m.tool === 'restic' && m.install === 'apt-get install -y restic'),
      JSON.stringify(report.missing),
    );
    assert.match(formatDrillReport(report), /restic: apt-get install -y restic/);
    const write = process.stdout.write;
    let printed = '';
    process.stdout.write = ((chunk: string) => ((printed += chunk), true)) as typeof process.stdout.write;
    let code: number;
    try {
      code = await withPath('/nonexistent', () => drill({ quiet: true }));
    } finally {
      process.stdout.write = write;
    }
    assert.equal(code, 2);
    assert.match(printed, /NOT RUN \(missing prerequisites\)/);
  });
});

// The two drills run side by side: each mostly waits on restic's key derivation (one core each).
describe('backup drill: the rendered scripts for real', { skip, concurrency: 2 }, () => {
  it('backs up, drops, restores and compares a database and a directory: everything identical, nothing left behind', async () => {
    const lines: string[] = [];
    const report = await runDrill({ log: (l) => lines.push(l) });
    const text = formatDrillReport(report);
    assert.ok(report.ok, `${text}\n${lines.slice(-40).join('\n')}`);
    assert.deepEqual(report.missing, []);

    const steps = new Map(report.steps.map((s) => [s.name, s]));
    for (const name of ['postgres backup script, dump phase', 'postgres backup script, upload phase', 'postgres snapshots in every repository', 'postgres restore script, fetch phase', 'postgres restore script, restore phase', 'files backup script', 'files snapshots in every repository', 'files restore script', 'stop PostgreSQL', 'remove the work directory']) {
      assert.equal(steps.get(name)?.ok, true, `step ${name}`);
    }
    // Both repositories got the snapshots: the every-repository loop ran.
    assert.match(steps.get('postgres snapshots in every repository')!.detail, /repo-a: 1, repo-b: 1/);
    assert.match(steps.get('files snapshots in every repository')!.detail, /repo-a: 1, repo-b: 1/);

    const tables = new Map(report.tables.map((t) => [t.name, t]));
    for (const name of ['public.customers', 'public.orders', 'public.attachments', 'public.events', 'audit.changes']) {
      const t = tables.get(name);
      assert.ok(t && t.kind === 'table' && t.ok && t.rowsBefore! > 0 && t.rowsAfter === t.rowsBefore && t.checksumAfter === t.checksumBefore, `${name}: ${JSON.stringify(t)}`);
    }
    assert.equal(tables.get('public.customer_totals')?.kind, 'view');
    assert.equal(tables.get('public.order_status_counts')?.kind, 'materialized view');
    assert.ok(report.tables.every((t) => t.ok && /^[0-9a-f]{32}$/.test(t.checksumBefore ?? '')));
    const rows = report.tables.filter((t) => t.kind === 'table').reduce((n, t) => n + (t.rowsAfter ?? 0), 0);
    assert.ok(rows >= 10_000, `${rows} rows`);

    const objects = new Map(report.objects.map((o) => [`${o.kind} ${o.name}`, o]));
    assert.match(objects.get('sequence public.invoice_number_seq')?.after ?? '', /^424242 /, 'the advanced sequence came back at its value');
    assert.match(objects.get('sequence public.customers_id_seq')?.after ?? '', /^2000 /, 'the identity kept its last value past max(id)');
    assert.match(objects.get('constraint orders.orders_customer_id_fkey')?.after ?? '', /^f: FOREIGN KEY \(customer_id\) REFERENCES customers\(id\)/);
    assert.match(objects.get('index public.orders_open_idx')?.after ?? '', /WHERE/);
    assert.ok(objects.has('view public.customer_totals'));
    assert.ok(report.objects.every((o) => o.ok));

    const files = new Map(report.files.map((f) => [f.path, f]));
    for (const p of ['.', 'empty.txt', 'bin/large.bin', 'secret/key.pem', 'unicode/日本語のファイル.txt', 'odd/line\nbreak.txt', 'links/dangling', 'links/absolute', 'empty-dir']) {
      assert.equal(files.get(p)?.ok, true, `${JSON.stringify(p)}: ${JSON.stringify(files.get(p))}`);
    }
    assert.ok(report.files.length >= 60 && report.files.every((f) => f.ok));
    assert.match(text, /PASSED/);

    assertCleanedUp(report);
  });

  it('fails, and still cleans up, when the repository is corrupted between backup and restore', async () => {
    let corrupted = 0;
    const lines: string[] = [];
    const report = await runDrill({
      parts: ['postgres'],
      log: (l) => lines.push(l),
      hooks: {
        beforeRestore: async (_part, ctx) => {
          // The restore reads the first repository holding a snapshot: break that one.
          corrupted = await corruptPacks(ctx.repositories[0]!);
        },
      },
    });
    assert.ok(corrupted > 0, 'pack files were corrupted');
    assert.equal(report.ok, false, formatDrillReport(report));
    const fetch = report.steps.find((s) => s.name === 'postgres restore script, fetch phase');
    assert.equal(fetch?.ok, false, `the fetch phase fails: ${JSON.stringify(fetch)}`);
    assert.equal(report.steps.some((s) => s.name === 'postgres restore script, restore phase'), false, 'pg_restore does not run after a failed fetch');
    assert.ok(report.tables.length > 0 && report.tables.some((t) => !t.ok), 'the comparison shows what did not come back');
    assert.match(formatDrillReport(report), /FAILED/);
    assertCleanedUp(report);
  });
});
