/**
 * The writer alone, on temporary directories: manifest of owned files,
 * unchanged detection, stale removal, conflicts (nothing written), --force,
 * dry runs, file modes, path checks and recovery from an interrupted run.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { writeOutput, checkOutputPath, sha256, MANIFEST_FILE, STATE_DIR } from '../../src/write/index.js';
import type { RenderedFile } from '../../src/render/files.js';

function tmp(t: { after: (fn: () => void) => void }): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-write-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Every entry under a directory (files with their mode and bytes, directories marked), in code-unit order. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const visit = (rel: string) => {
    for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const p = rel ? `${rel}/${e.name}` : e.name;
      const abs = path.join(dir, p);
      if (e.isDirectory()) {
        out[`${p}/`] = 'dir';
        visit(p);
      } else {
        out[p] = `${(fs.statSync(abs).mode & 0o777).toString(8)} ${fs.readFileSync(abs, 'base64')}`;
      }
    }
  };
  visit('');
  return Object.fromEntries(Object.keys(out).sort().map((k) => [k, out[k]]));
}

/** Relative paths of the regular files under a directory, sorted. */
function files(dir: string): string[] {
  return Object.keys(snapshot(dir)).filter((p) => !p.endsWith('/'));
}

function read(dir: string, p: string): string {
  return fs.readFileSync(path.join(dir, p), 'utf8');
}

function manifest(dir: string): { generator: string; version: number; files: Record<string, string> } {
  return JSON.parse(read(dir, MANIFEST_FILE));
}

const LAB: RenderedFile[] = [
  { path: 'README.md', contents: '# lab\n' },
  { path: 'apps/n8n/deployment.yaml', contents: 'kind: Deployment\n' },
  { path: 'apps/n8n/service.yaml', contents: 'kind: Service\n' },
  { path: 'apps/paperless/deployment.yaml', contents: 'kind: Deployment\nname: paperless\n' },
  { path: 'scripts/deploy-all.sh', contents: '#!/usr/bin/env bash\necho deploy\n', executable: true },
];
const PATHS = LAB.map((f) => f.path).sort();

test('a first write creates every file and a manifest of their hashes', (t) => {
  const out = tmp(t);
  const r = writeOutput(out, LAB);
  assert.equal(r.outDir, path.resolve(out));
  assert.deepEqual([...r.written].sort(), PATHS);
  assert.deepEqual(r.unchanged, []);
  assert.deepEqual(r.removed, []);
  assert.deepEqual(r.conflicts, []);
  assert.deepEqual(r.leftAlone, []);
  assert.deepEqual(r.keptModified, []);
  for (const f of LAB) assert.equal(read(out, f.path), f.contents);
  assert.deepEqual(files(out), [MANIFEST_FILE, ...PATHS].sort());
  const m = manifest(out);
  assert.equal(m.generator, 'hearth');
  assert.equal(m.version, 1);
  assert.deepEqual(m.files, Object.fromEntries(PATHS.map((p) => [p, sha256(LAB.find((f) => f.path === p)!.contents)])));
  assert.deepEqual(Object.keys(m.files), PATHS, 'manifest keys are sorted');
});

test('a second identical write reports everything unchanged and changes no bytes', (t) => {
  const out = tmp(t);
  writeOutput(out, LAB);
  const before = snapshot(out);
  const mtimes = PATHS.map((p) => fs.statSync(path.join(out, p)).mtimeMs);
  const r = writeOutput(out, LAB);
  assert.deepEqual(r.written, []);
  assert.deepEqual([...r.unchanged].sort(), PATHS);
  assert.deepEqual(r.removed, []);
  assert.deepEqual(r.conflicts, []);
  assert.deepEqual(snapshot(out), before);
  assert.deepEqual(
    PATHS.map((p) => fs.statSync(path.join(out, p)).mtimeMs),
    mtimes,
    'unchanged files are not rewritten',
  );
});

test('two runs into fresh directories give byte-identical trees, in any input order', (t) => {
  const a = tmp(t);
  const b = tmp(t);
  writeOutput(a, LAB);
  writeOutput(b, [...LAB].reverse());
  const sa = snapshot(a);
  assert.deepEqual(snapshot(b), sa);
  assert.ok(`${MANIFEST_FILE}` in sa);
});

test('a rebuild without a file removes it and its now-empty directory, and leaves user files alone', (t) => {
  const out = tmp(t);
  writeOutput(out, LAB);
  fs.writeFileSync(path.join(out, 'apps/n8n/NOTES.md'), 'my notes\n');
  const next = LAB.filter((f) => f.path !== 'apps/n8n/service.yaml' && f.path !== 'apps/paperless/deployment.yaml');
  const r = writeOutput(out, next);
  assert.deepEqual([...r.removed].sort(), ['apps/n8n/service.yaml', 'apps/paperless/deployment.yaml']);
  assert.deepEqual(r.written, []);
  assert.deepEqual(r.conflicts, []);
  assert.deepEqual(r.leftAlone, ['apps/n8n/NOTES.md']);
  assert.equal(fs.existsSync(path.join(out, 'apps/n8n/service.yaml')), false);
  assert.equal(fs.existsSync(path.join(out, 'apps/paperless')), false, 'the emptied directory is removed');
  assert.equal(read(out, 'apps/n8n/NOTES.md'), 'my notes\n', 'the user file is untouched');
  assert.deepEqual(files(out), [MANIFEST_FILE, 'README.md', 'apps/n8n/NOTES.md', 'apps/n8n/deployment.yaml', 'scripts/deploy-all.sh']);
  assert.deepEqual(Object.keys(manifest(out).files), ['README.md', 'apps/n8n/deployment.yaml', 'scripts/deploy-all.sh']);
});

test('a stale file in a directory that also holds a user file: the file goes, the directory and user file stay', (t) => {
  const out = tmp(t);
  writeOutput(out, LAB);
  fs.writeFileSync(path.join(out, 'apps/paperless/keep.txt'), 'mine');
  const r = writeOutput(out, LAB.filter((f) => !f.path.startsWith('apps/paperless/')));
  assert.deepEqual(r.removed, ['apps/paperless/deployment.yaml']);
  assert.equal(read(out, 'apps/paperless/keep.txt'), 'mine');
  assert.deepEqual(fs.readdirSync(path.join(out, 'apps/paperless')), ['keep.txt']);
});

test('a file hearth did not generate at a rendered path is a conflict and nothing is written', (t) => {
  const out = tmp(t);
  writeOutput(out, LAB);
  fs.writeFileSync(path.join(out, 'apps/new.yaml'), 'user content\n');
  const before = snapshot(out);
  const next: RenderedFile[] = [
    ...LAB.filter((f) => f.path !== 'apps/n8n/service.yaml').map((f) => (f.path === 'README.md' ? { ...f, contents: '# lab v2\n' } : f)),
    { path: 'apps/new.yaml', contents: 'kind: ConfigMap\n' },
    { path: 'brand/new/file.yaml', contents: 'x: 1\n' },
  ];
  const r = writeOutput(out, next);
  assert.deepEqual(r.conflicts, [{ path: 'apps/new.yaml', reason: 'not-generated' }]);
  assert.deepEqual(snapshot(out), before, 'no file written, removed or created, manifest unchanged');
  assert.equal(fs.existsSync(path.join(out, 'brand')), false);
});

test('a directory where hearth writes a file is a not-a-file conflict', (t) => {
  const out = tmp(t);
  fs.mkdirSync(path.join(out, 'README.md'));
  const r = writeOutput(out, LAB);
  assert.deepEqual(r.conflicts, [{ path: 'README.md', reason: 'not-a-file' }]);
  assert.deepEqual(snapshot(out), { 'README.md/': 'dir' });
});

test('a generated file edited by hand is a modified conflict unless force', (t) => {
  const out = tmp(t);
  writeOutput(out, LAB);
  fs.writeFileSync(path.join(out, 'apps/n8n/deployment.yaml'), 'kind: Deployment\nreplicas: 3 # my edit\n');
  const next = LAB.map((f) => (f.path === 'apps/n8n/deployment.yaml' || f.path === 'README.md' ? { ...f, contents: f.contents + '# v2\n' } : f));
  const before = snapshot(out);
  const r = writeOutput(out, next);
  assert.deepEqual(r.conflicts, [{ path: 'apps/n8n/deployment.yaml', reason: 'modified' }]);
  assert.deepEqual(snapshot(out), before, 'nothing written on conflict, not even the other changed file');

  const forced = writeOutput(out, next, { force: true });
  assert.deepEqual(forced.conflicts, []);
  assert.deepEqual([...forced.written].sort(), ['README.md', 'apps/n8n/deployment.yaml']);
  assert.equal(read(out, 'apps/n8n/deployment.yaml'), 'kind: Deployment\n# v2\n');
  assert.equal(manifest(out).files['apps/n8n/deployment.yaml'], sha256('kind: Deployment\n# v2\n'));
});

test('a generated file edited by hand that is no longer rendered is kept', (t) => {
  const out = tmp(t);
  writeOutput(out, LAB);
  fs.writeFileSync(path.join(out, 'apps/n8n/service.yaml'), 'kind: Service\n# edited\n');
  const r = writeOutput(out, LAB.filter((f) => f.path !== 'apps/n8n/service.yaml' && f.path !== 'README.md'));
  assert.deepEqual(r.keptModified, ['apps/n8n/service.yaml']);
  assert.deepEqual(r.removed, ['README.md']);
  assert.deepEqual(r.conflicts, []);
  assert.equal(read(out, 'apps/n8n/service.yaml'), 'kind: Service\n# edited\n');
  assert.equal(fs.existsSync(path.join(out, 'README.md')), false);
});

test('dryRun reports what would change and writes nothing', (t) => {
  const out = tmp(t);
  const first = writeOutput(out, LAB, { dryRun: true });
  assert.deepEqual([...first.written].sort(), PATHS);
  assert.deepEqual(snapshot(out), {}, 'not even .hearth/ is created');

  writeOutput(out, LAB);
  const before = snapshot(out);
  const next = [...LAB.filter((f) => f.path !== 'apps/n8n/service.yaml'), { path: 'extra/x.yaml', contents: 'x\n' }];
  const r = writeOutput(out, next, { dryRun: true });
  assert.deepEqual(r.written, ['extra/x.yaml']);
  assert.deepEqual(r.removed, ['apps/n8n/service.yaml']);
  assert.deepEqual(r.conflicts, []);
  assert.deepEqual(snapshot(out), before);
});

test('executable files get mode 0755, others no execute bits; a lost mode is restored', (t) => {
  const out = tmp(t);
  writeOutput(out, LAB);
  const mode = (p: string) => fs.statSync(path.join(out, p)).mode & 0o777;
  assert.equal(mode('scripts/deploy-all.sh'), 0o755);
  for (const p of PATHS.filter((x) => x !== 'scripts/deploy-all.sh')) assert.equal(mode(p) & 0o111, 0, `${p} must not be executable`);
  fs.chmodSync(path.join(out, 'scripts/deploy-all.sh'), 0o644);
  const r = writeOutput(out, LAB);
  assert.ok(r.unchanged.includes('scripts/deploy-all.sh'));
  assert.equal(mode('scripts/deploy-all.sh'), 0o755);
});

test('checkOutputPath rejects paths that could escape the output directory', () => {
  for (const bad of ['', '/etc/passwd', '../x.yaml', 'a/../../x.yaml', 'a/./b', 'a//b', 'a/', 'a\\b', 'a\0b', '.hearth/manifest.json', '.hearth/x', '..']) {
    assert.equal(typeof checkOutputPath(bad), 'string', `${JSON.stringify(bad)} must be rejected`);
  }
  for (const good of ['a.yaml', 'apps/n8n/deployment.yaml', '.github/workflows/ci.yaml', 'x/.hearth/y', 'a..b/c']) {
    assert.equal(checkOutputPath(good), undefined, `${JSON.stringify(good)} must be accepted`);
  }
});

test('writeOutput throws on a bad path before touching the disk', (t) => {
  const out = tmp(t);
  const outside = path.join(path.dirname(out), `${path.basename(out)}-escaped.yaml`);
  for (const bad of ['../' + path.basename(outside), outside, `${STATE_DIR}/manifest.json`]) {
    assert.throws(() => writeOutput(out, [{ path: 'ok.yaml', contents: 'ok\n' }, { path: bad, contents: 'evil\n' }]), /rendered path/);
    assert.deepEqual(snapshot(out), {}, `nothing written for ${bad}`);
  }
  assert.equal(fs.existsSync(outside), false);
});

test('a pending manifest left by an interrupted run makes its files count as generated', (t) => {
  const out = tmp(t);
  // The interrupted run renamed a.yaml into place and recorded it in the pending manifest only.
  fs.mkdirSync(path.join(out, STATE_DIR));
  fs.mkdirSync(path.join(out, 'apps'));
  fs.writeFileSync(path.join(out, 'apps/a.yaml'), 'old a\n');
  fs.writeFileSync(path.join(out, 'apps/gone.yaml'), 'old gone\n');
  fs.writeFileSync(
    path.join(out, STATE_DIR, 'manifest.pending.json'),
    JSON.stringify({ generator: 'hearth', version: 1, files: { 'apps/a.yaml': sha256('old a\n'), 'apps/gone.yaml': sha256('old gone\n') } }),
  );
  const r = writeOutput(out, [{ path: 'apps/a.yaml', contents: 'new a\n' }]);
  assert.deepEqual(r.conflicts, []);
  assert.deepEqual(r.written, ['apps/a.yaml']);
  assert.deepEqual(r.removed, ['apps/gone.yaml']);
  assert.equal(read(out, 'apps/a.yaml'), 'new a\n');
  assert.equal(fs.existsSync(path.join(out, STATE_DIR, 'manifest.pending.json')), false, 'the pending manifest is cleared');
  assert.deepEqual(manifest(out).files, { 'apps/a.yaml': sha256('new a\n') });
});

test('without a manifest the same file is a conflict (control for the pending-manifest test)', (t) => {
  const out = tmp(t);
  fs.mkdirSync(path.join(out, 'apps'));
  fs.writeFileSync(path.join(out, 'apps/a.yaml'), 'old a\n');
  const r = writeOutput(out, [{ path: 'apps/a.yaml', contents: 'new a\n' }]);
  assert.deepEqual(r.conflicts, [{ path: 'apps/a.yaml', reason: 'not-generated' }]);
  assert.equal(read(out, 'apps/a.yaml'), 'old a\n');
});

test('no staging directory or temporary file is left behind', (t) => {
  const out = tmp(t);
  writeOutput(out, LAB);
  writeOutput(out, LAB.map((f) => ({ ...f, contents: f.contents + '# v2\n' })));
  writeOutput(out, LAB.slice(0, 2));
  assert.deepEqual(fs.readdirSync(path.join(out, STATE_DIR)), ['manifest.json']);
});

test('a file where hearth needs a directory is a conflict and nothing is written', (t) => {
  const dir = tmp(t);
  const first = LAB.find((f) => f.path.includes('/'))!;
  const blocker = first.path.split('/')[0];
  fs.writeFileSync(path.join(dir, blocker), 'user file');
  const r = writeOutput(dir, LAB);
  assert.deepEqual(r.conflicts, [{ path: blocker, reason: 'not-a-directory' }]);
  assert.deepEqual(r.written, []);
  assert.deepEqual(files(dir), [blocker]);
});

test('a symlinked directory is a conflict: hearth never writes through links', (t) => {
  const dir = tmp(t);
  const elsewhere = tmp(t);
  const first = LAB.find((f) => f.path.includes('/'))!;
  const top = first.path.split('/')[0];
  fs.symlinkSync(elsewhere, path.join(dir, top));
  const r = writeOutput(dir, LAB);
  assert.deepEqual(r.conflicts, [{ path: top, reason: 'not-a-directory' }]);
  assert.deepEqual(fs.readdirSync(elsewhere), []);
});

test('a tampered manifest cannot make hearth delete files outside the output directory', (t) => {
  const root = tmp(t);
  const dir = path.join(root, 'out');
  fs.mkdirSync(path.join(dir, STATE_DIR), { recursive: true });
  fs.writeFileSync(path.join(root, 'victim.txt'), 'precious');
  fs.writeFileSync(path.join(dir, MANIFEST_FILE), JSON.stringify({ generator: 'hearth', version: 1, files: { '../victim.txt': sha256('precious') } }));
  const r = writeOutput(dir, LAB);
  assert.deepEqual(r.removed, []);
  assert.equal(fs.readFileSync(path.join(root, 'victim.txt'), 'utf8'), 'precious');
});

test('leftover staging directories of dead runs are cleared', (t) => {
  const dir = tmp(t);
  fs.mkdirSync(path.join(dir, STATE_DIR, 'staging-999999', 'x'), { recursive: true });
  writeOutput(dir, LAB);
  assert.deepEqual(fs.readdirSync(path.join(dir, STATE_DIR)), ['manifest.json']);
});
