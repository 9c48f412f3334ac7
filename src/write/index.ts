/**
 * The only module that writes output to disk.
 *
 * - Owned files are recorded in `.hearth/manifest.json` with content hashes.
 * - A build writes changed files into a staging directory beside the output,
 *   then renames each into place (atomic per file on one filesystem) and
 *   records the new manifest last. A pending manifest written before the
 *   renames lets the next run recognise files of an interrupted one.
 * - Stale files hearth generated are removed; files it did not generate are
 *   never overwritten or deleted: they are reported as conflicts or left alone.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { RenderedFile } from '../render/files.js';

export const STATE_DIR = '.hearth';
export const MANIFEST_FILE = `${STATE_DIR}/manifest.json`;
const PENDING_FILE = `${STATE_DIR}/manifest.pending.json`;

export interface Conflict {
  path: string;
  reason: 'not-generated' | 'modified' | 'not-a-file';
}

export interface WriteReport {
  outDir: string;
  written: string[];
  unchanged: string[];
  removed: string[];
  /** Files in directories hearth writes that it did not generate (never touched). */
  leftAlone: string[];
  /** Stale generated files kept because they were edited by hand. */
  keptModified: string[];
  conflicts: Conflict[];
}

export interface WriteOptions {
  /** Overwrite generated files edited by hand (never files hearth did not generate). */
  force?: boolean;
  /** Compute the report without changing anything. */
  dryRun?: boolean;
}

interface ManifestData {
  generator: 'hearth';
  version: 1;
  files: Record<string, string>;
}

export function sha256(s: string | Buffer): string {
  return createHash('sha256').update(s).digest('hex');
}

function readManifest(file: string): ManifestData | undefined {
  try {
    const m = JSON.parse(fs.readFileSync(file, 'utf8')) as ManifestData;
    return m && m.generator === 'hearth' && m.files && typeof m.files === 'object' ? m : undefined;
  } catch {
    return undefined;
  }
}

function manifestText(files: Record<string, string>): string {
  const sorted = Object.fromEntries(Object.keys(files).sort().map((k) => [k, files[k]]));
  return JSON.stringify({ generator: 'hearth', version: 1, files: sorted }, null, 2) + '\n';
}

/** Reject paths that could escape the output directory. */
export function checkOutputPath(p: string): string | undefined {
  if (p === '' || p.startsWith('/') || p.includes('\\') || p.includes('\0')) return 'must be a relative POSIX path';
  const parts = p.split('/');
  if (parts.some((s) => s === '' || s === '.' || s === '..')) return 'must not contain empty, "." or ".." segments';
  if (parts[0] === STATE_DIR) return `must not write into ${STATE_DIR}/`;
  return undefined;
}

function diskHash(abs: string): string | undefined | 'not-a-file' {
  let st: fs.Stats;
  try {
    st = fs.lstatSync(abs);
  } catch {
    return undefined;
  }
  if (!st.isFile()) return 'not-a-file';
  return sha256(fs.readFileSync(abs));
}

export function writeOutput(outDir: string, files: readonly RenderedFile[], opts: WriteOptions = {}): WriteReport {
  const out = path.resolve(outDir);
  const report: WriteReport = { outDir: out, written: [], unchanged: [], removed: [], leftAlone: [], keptModified: [], conflicts: [] };
  for (const f of files) {
    const bad = checkOutputPath(f.path);
    if (bad) throw new Error(`internal: rendered path "${f.path}" ${bad}`);
  }
  const old = readManifest(path.join(out, MANIFEST_FILE));
  const pending = readManifest(path.join(out, PENDING_FILE));
  const owned = new Map<string, Set<string>>();
  for (const m of [old, pending]) for (const [p, h] of Object.entries(m?.files ?? {})) (owned.get(p) ?? owned.set(p, new Set()).get(p)!).add(h);

  const next: Record<string, string> = {};
  const toWrite: RenderedFile[] = [];
  const fixModes: string[] = [];
  for (const f of files) {
    const h = sha256(f.contents);
    next[f.path] = h;
    const onDisk = diskHash(path.join(out, f.path));
    if (onDisk === 'not-a-file') {
      report.conflicts.push({ path: f.path, reason: 'not-a-file' });
      continue;
    }
    if (onDisk === h) {
      report.unchanged.push(f.path);
      if (f.executable) fixModes.push(f.path);
      continue;
    }
    if (onDisk !== undefined) {
      const hashes = owned.get(f.path);
      if (!hashes) {
        report.conflicts.push({ path: f.path, reason: 'not-generated' });
        continue;
      }
      if (!hashes.has(onDisk) && !opts.force) {
        report.conflicts.push({ path: f.path, reason: 'modified' });
        continue;
      }
    }
    toWrite.push(f);
  }
  const stale: string[] = [];
  for (const [p, hashes] of owned) {
    if (p in next) continue;
    const onDisk = diskHash(path.join(out, p));
    if (onDisk === undefined || onDisk === 'not-a-file') continue;
    if (hashes.has(onDisk) || opts.force) stale.push(p);
    else report.keptModified.push(p);
  }
  // Files hearth did not generate, in the directories it writes: reported, never touched.
  const dirs = new Set(files.map((f) => path.posix.dirname(f.path)));
  for (const d of dirs) {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(path.join(out, d), { withFileTypes: true });
    } catch {
      continue;
    }
    for (const e of entries) {
      const p = d === '.' ? e.name : `${d}/${e.name}`;
      if (e.isFile() && !(p in next) && !owned.has(p)) report.leftAlone.push(p);
    }
  }
  report.leftAlone.sort();
  if (report.conflicts.length > 0 || opts.dryRun) {
    report.written = toWrite.map((f) => f.path);
    report.removed = stale;
    return report;
  }

  const stateDir = path.join(out, STATE_DIR);
  const staging = path.join(stateDir, `staging-${process.pid}`);
  fs.mkdirSync(staging, { recursive: true });
  try {
    for (const f of toWrite) {
      const dest = path.join(staging, f.path);
      fs.mkdirSync(path.dirname(dest), { recursive: true });
      fs.writeFileSync(dest, f.contents, { mode: f.executable ? 0o755 : 0o644 });
    }
    const union = { ...Object.fromEntries([...owned].map(([p, hs]) => [p, [...hs][0]])), ...next };
    fs.writeFileSync(path.join(out, PENDING_FILE), manifestText(union));
    const made = new Set<string>();
    for (const f of toWrite) {
      const dest = path.join(out, f.path);
      const parent = path.dirname(dest);
      if (!made.has(parent)) {
        fs.mkdirSync(parent, { recursive: true });
        made.add(parent);
      }
      fs.renameSync(path.join(staging, f.path), dest);
      if (f.executable) fs.chmodSync(dest, 0o755);
      report.written.push(f.path);
    }
    for (const p of fixModes) {
      const abs = path.join(out, p);
      if ((fs.statSync(abs).mode & 0o111) === 0) fs.chmodSync(abs, 0o755);
    }
    for (const p of stale) {
      fs.rmSync(path.join(out, p), { force: true });
      report.removed.push(p);
      removeEmptyParents(out, path.dirname(path.join(out, p)));
    }
    fs.writeFileSync(path.join(stateDir, 'manifest.json.tmp'), manifestText(next));
    fs.renameSync(path.join(stateDir, 'manifest.json.tmp'), path.join(out, MANIFEST_FILE));
    fs.rmSync(path.join(out, PENDING_FILE), { force: true });
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
  return report;
}

function removeEmptyParents(root: string, dir: string): void {
  let d = dir;
  while (d.startsWith(root + path.sep) && d !== root) {
    try {
      if (fs.readdirSync(d).length > 0) return;
      fs.rmdirSync(d);
    } catch {
      return;
    }
    d = path.dirname(d);
  }
}
