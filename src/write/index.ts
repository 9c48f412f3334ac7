/**
 * The only module that writes output to disk.
 *
 * - Owned files are recorded in `.hearth/manifest.json` with content hashes.
 * - Every problem (a file hearth did not generate, a hand edit, a file or
 *   link where a directory is needed) is found before anything is written;
 *   with any conflict nothing is written at all.
 * - A pending manifest listing every file about to be written is recorded
 *   first. A replaced file is written beside its target and renamed over it
 *   (atomic on one filesystem); a new file is created exclusively. The final
 *   manifest is renamed into place last, so an interrupted run is recognised
 *   (and completed) by the next one.
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
  reason: 'not-generated' | 'modified' | 'not-a-file' | 'not-a-directory';
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

/** A manifest's entries; paths that could leave the output directory are ignored. */
function readManifest(file: string): Record<string, string> {
  try {
    const m = JSON.parse(fs.readFileSync(file, 'utf8')) as ManifestData;
    if (!m || m.generator !== 'hearth' || !m.files || typeof m.files !== 'object') return {};
    return Object.fromEntries(Object.entries(m.files).filter(([p, h]) => typeof h === 'string' && checkOutputPath(p) === undefined));
  } catch {
    return {};
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
  const stateDir = path.join(out, STATE_DIR);
  const old = readManifest(path.join(out, MANIFEST_FILE));
  const pending = readManifest(path.join(out, PENDING_FILE));
  const owned = new Map<string, Set<string>>();
  for (const [p, h] of Object.entries(old)) owned.set(p, new Set([h]));
  // Files an interrupted run was writing are hearth's, whatever they hold now.
  const interrupted = new Set(Object.keys(pending));

  // Every directory on the way to a rendered file must be a real directory (not a file, not a link).
  const dirState = new Map<string, 'dir' | 'missing' | 'blocked'>();
  const checkDir = (rel: string): 'dir' | 'missing' | 'blocked' => {
    const known = dirState.get(rel);
    if (known) return known;
    let state: 'dir' | 'missing' | 'blocked';
    const parent = path.posix.dirname(rel);
    const up = parent === '.' ? 'dir' : checkDir(parent);
    if (up !== 'dir') state = up === 'blocked' ? 'blocked' : 'missing';
    else {
      try {
        const st = fs.lstatSync(path.join(out, rel));
        state = st.isDirectory() ? 'dir' : 'blocked';
        if (state === 'blocked') report.conflicts.push({ path: rel, reason: 'not-a-directory' });
      } catch {
        state = 'missing';
      }
    }
    dirState.set(rel, state);
    return state;
  };

  const next: Record<string, string> = {};
  const toWrite: { file: RenderedFile; exists: boolean }[] = [];
  const fixModes: string[] = [];
  for (const f of files) {
    const h = sha256(f.contents);
    next[f.path] = h;
    const dir = path.posix.dirname(f.path);
    const ds = dir === '.' ? 'dir' : checkDir(dir);
    if (ds === 'blocked') continue;
    const onDisk = ds === 'missing' ? undefined : diskHash(path.join(out, f.path));
    if (onDisk === 'not-a-file') {
      report.conflicts.push({ path: f.path, reason: 'not-a-file' });
      continue;
    }
    if (onDisk === h) {
      report.unchanged.push(f.path);
      if (f.executable) fixModes.push(f.path);
      continue;
    }
    if (onDisk !== undefined && !interrupted.has(f.path)) {
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
    toWrite.push({ file: f, exists: onDisk !== undefined });
  }
  const stale: string[] = [];
  for (const p of new Set([...owned.keys(), ...interrupted])) {
    if (p in next) continue;
    const onDisk = diskHash(path.join(out, p));
    if (onDisk === undefined || onDisk === 'not-a-file') continue;
    if (interrupted.has(p) || owned.get(p)!.has(onDisk) || opts.force) stale.push(p);
    else report.keptModified.push(p);
  }
  // Files hearth did not generate, in the directories it writes: reported, never touched.
  for (const [d, state] of [['.', 'dir'] as const, ...dirState]) {
    if (state !== 'dir') continue;
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(path.join(out, d), { withFileTypes: true });
    } catch {
      continue;
    }
    for (const e of entries) {
      const p = d === '.' ? e.name : `${d}/${e.name}`;
      if (e.isFile() && !(p in next) && !owned.has(p) && !interrupted.has(p)) report.leftAlone.push(p);
    }
  }
  report.leftAlone.sort();
  report.conflicts.sort((a, b) => a.path.localeCompare(b.path));
  if (report.conflicts.length > 0) return report;
  if (opts.dryRun) {
    report.written = toWrite.map((w) => w.file.path);
    report.removed = stale;
    return report;
  }

  fs.mkdirSync(stateDir, { recursive: true });
  // Staging directories of runs that died before this one are ours to clear.
  for (const e of fs.readdirSync(stateDir)) if (e.startsWith('staging-')) fs.rmSync(path.join(stateDir, e), { recursive: true, force: true });
  fs.writeFileSync(path.join(out, PENDING_FILE), manifestText({ ...old, ...Object.fromEntries(toWrite.map((w) => [w.file.path, next[w.file.path]])) }));
  const made = new Set<string>();
  for (const { file: f, exists } of toWrite) {
    const dest = path.join(out, f.path);
    const parent = path.dirname(dest);
    if (!made.has(parent)) {
      fs.mkdirSync(parent, { recursive: true });
      made.add(parent);
    }
    const mode = f.executable ? 0o755 : 0o644;
    if (exists) {
      const tmp = `${dest}.hearth-tmp-${process.pid}`;
      fs.writeFileSync(tmp, f.contents, { mode });
      fs.renameSync(tmp, dest);
    } else {
      fs.writeFileSync(dest, f.contents, { mode, flag: 'wx' });
    }
    if (f.executable) fs.chmodSync(dest, 0o755); // the umask may have narrowed the mode
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

/** Replace one file atomically (write beside it, then rename); for state files such as the secrets lock. */
export function writeFileAtomic(file: string, contents: string): void {
  const tmp = `${file}.hearth-tmp-${process.pid}`;
  fs.writeFileSync(tmp, contents);
  fs.renameSync(tmp, file);
}
