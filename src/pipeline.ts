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
import { writeOutput, type WriteOptions, type WriteReport } from './write/index.js';

export interface LoadResult {
  /** The spec file that was read (as given, for messages). */
  file: string;
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
  return { file, spec: schema.spec, model: hasErrors(located) ? undefined : model, issues: located };
}

/** Render a checked lab to files (pure). */
export function renderFiles(model: LabModel): RenderedFile[] {
  return renderLab(model);
}

export interface BuildResult extends LoadResult {
  files?: RenderedFile[];
  report?: WriteReport;
}

/** Load, render and write. Nothing is written when the spec has errors or the output has conflicts. */
export async function buildLab(target: string, outDir: string | undefined, opts: WriteOptions = {}): Promise<BuildResult> {
  const loaded = await loadLab(target);
  if (!loaded.model) return loaded;
  const files = renderLab(loaded.model);
  const out = outDir ?? path.join(path.dirname(loaded.file), 'out');
  const report = writeOutput(out, files, opts);
  return { ...loaded, files, report };
}
