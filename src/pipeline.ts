/**
 * The stages composed: read → schema → semantic checks → model → render →
 * write. The CLI and the library call these same functions.
 */
import path from 'node:path';
import { readSpec, resolveSpecFile, parseYamlSpec, type SourceLocator, type RawSpec } from './spec/load.js';
import { checkSchema } from './spec/check.js';
import { validateSpec } from './spec/validate.js';
import { issue, hasErrors, sortIssues, type Issue } from './spec/issues.js';
import type { LabSpec } from './spec/schema.js';
import { resolveLab } from './model/resolve.js';
import type { LabModel } from './model/types.js';
import { renderLab, type RenderedFile } from './render/index.js';
import { writeOutput, writeFileAtomic, type WriteOptions, type WriteReport } from './write/index.js';
import { renderComponents } from './render/components.js';
import { materializeSecrets, withSecrets, emptyLock, LOCK_FILE, type SecretsIo, type SecretsLock } from './secrets/stage.js';
import { toYaml, type JsonValue } from './lib/yaml-emit.js';
import { parse } from 'yaml';
import fs from 'node:fs';
import os from 'node:os';

export interface LoadResult {
  /** The spec file that was read (as given, for messages). */
  file: string;
  /** Source positions for issues found by later stages. */
  source?: SourceLocator;
  spec?: LabSpec;
  /** Present only when there are no errors. */
  model?: LabModel;
  /** Errors and warnings, each with file:line:col where known, sorted. */
  issues: Issue[];
}

function locateAll(issues: Issue[], source: SourceLocator): Issue[] {
  // A YAML problem without a node to point at (an empty file, a root that is not a mapping) is at 1:1.
  const fallback = source.kind === 'yaml' ? { line: 1, col: 1 } : {};
  return issues.map((i) => (i.file ? i : { ...i, file: source.file, ...(source.locate(i.path) ?? fallback) }));
}

/** Load and check a lab: a spec file or a directory holding hearth.yaml / hearth.config.ts. */
export async function loadLab(target: string): Promise<LoadResult> {
  const file = resolveSpecFile(target);
  if (!file) {
    return {
      file: target,
      issues: [{ ...issue('file-not-found', [], `no lab spec at ${target}`, { hint: 'pass a hearth.yaml / hearth.config.ts or a directory holding one; `hearth init` writes one' }), file: target }],
    };
  }
  return checkRawSpec(await readSpec(file), file);
}

/** Check YAML text as a lab spec (no file needed): the same passes as loadLab. */
export function checkLabText(text: string, file = 'hearth.yaml'): LoadResult {
  return checkRawSpec(parseYamlSpec(text, file), file);
}

/** schema → semantic checks → model, on read data; every issue located and sorted. */
export function checkRawSpec(raw: RawSpec, file: string): LoadResult {
  if (raw.data === undefined || hasErrors(raw.issues)) return { file, issues: sortIssues(locateAll(raw.issues, raw.source)) };
  const schema = checkSchema(raw.data);
  const issues = [...raw.issues, ...schema.issues];
  if (!schema.spec) return { file, issues: sortIssues(locateAll(issues, raw.source)) };
  issues.push(...validateSpec(schema.spec));
  let model: LabModel | undefined;
  try {
    const r = resolveLab(schema.spec);
    issues.push(...r.issues);
    model = r.model;
  } catch (e) {
    // Resolution of a spec that already has errors may trip over them; those errors are what to report.
    if (!hasErrors(issues)) throw e;
  }
  const located = sortIssues(locateAll(issues, raw.source));
  return { file, source: raw.source, spec: schema.spec, model: hasErrors(located) ? undefined : model, issues: located };
}

/** Render a checked lab to files (pure). */
export function renderFiles(model: LabModel): RenderedFile[] {
  return renderLab(model);
}

export interface BuildResult extends LoadResult {
  files?: RenderedFile[];
  report?: WriteReport;
}

/** Load, render (with the secrets stage) and write. Nothing is written when the spec has errors or the output has conflicts. */
export async function buildLab(target: string, outDir: string | undefined, opts: WriteOptions & { io?: SecretsIo } = {}): Promise<BuildResult> {
  const loaded = await loadLab(target);
  if (!loaded.model) return loaded;
  const specDir = path.dirname(loaded.file);
  const lockPath = path.join(specDir, LOCK_FILE);
  const components = renderComponents(loaded.model);
  const secrets = await materializeSecrets(loaded.model, components, readLock(lockPath), opts.io ?? defaultSecretsIo(specDir));
  const issues = sortIssues([...loaded.issues, ...(loaded.source ? locateAll(secrets.issues, loaded.source) : secrets.issues)]);
  if (hasErrors(issues)) return { ...loaded, model: undefined, issues };
  const files = renderLab(loaded.model, withSecrets(components, secrets.byComponent), secrets.files);
  const out = outDir ?? path.join(specDir, 'out');
  const report = writeOutput(out, files, opts);
  if (!opts.dryRun && report.conflicts.length === 0) writeLock(lockPath, secrets.lock);
  return { ...loaded, issues, files, report };
}

/** The real world for the secrets stage: the environment, files beside the spec, the keeper identity file. */
export function defaultSecretsIo(specDir: string): SecretsIo {
  const expand = (p: string) => (p.startsWith('~/') ? path.join(os.homedir(), p.slice(2)) : path.resolve(specDir, p));
  return {
    env: process.env,
    readFile: (p) => {
      try {
        return fs.readFileSync(expand(p), 'utf8');
      } catch {
        return undefined;
      }
    },
    keeper: async () => {
      const file = process.env.HEARTH_KEEPER_IDENTITY ?? path.join(os.homedir(), '.config', 'hearth', 'keeper.key');
      const { generateIdentity, identityToRecipient } = await import('age-encryption');
      let identity = fs.existsSync(file) ? fs.readFileSync(file, 'utf8').split('\n').find((l) => l.startsWith('AGE-SECRET-KEY-')) : undefined;
      if (!identity) {
        identity = await generateIdentity();
        fs.mkdirSync(path.dirname(file), { recursive: true });
        fs.writeFileSync(file, `# hearth keeper identity: decrypts the generated values in hearth.secrets.lock. Back it up; never commit it.\n${identity}\n`, { mode: 0o600 });
      }
      return { identity, recipient: await identityToRecipient(identity) };
    },
  };
}

function readLock(file: string): SecretsLock {
  try {
    const data = parse(fs.readFileSync(file, 'utf8')) as SecretsLock | null;
    if (data && data.version === 1) return { ...emptyLock(), ...data, generated: data.generated ?? {}, sealed: data.sealed ?? {}, sops: data.sops ?? {} };
  } catch {
    // No lock yet (or unreadable): start empty; values are generated or sealed afresh.
  }
  return emptyLock();
}

function writeLock(file: string, lock: SecretsLock): void {
  const empty = !lock.keeper && Object.keys(lock.generated).length + Object.keys(lock.sealed).length + Object.keys(lock.sops).length === 0;
  if (empty && !fs.existsSync(file)) return;
  const text =
    '# Generated by hearth: keeps secret ciphertexts stable between builds and generated values\n' +
    '# (encrypted to your keeper identity). Commit it; it holds no plaintext.\n' +
    toYaml(lock as unknown as JsonValue);
  if (fs.existsSync(file) && fs.readFileSync(file, 'utf8') === text) return;
  writeFileAtomic(file, text);
}
