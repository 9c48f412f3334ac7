/**
 * What the docs are written from, for a lab on disk: the model, the files
 * `hearth build` renders, the backup plan, the decision records beside the
 * spec and the review. The Markdown pages and the site read only this.
 */
import fs from 'node:fs';
import path from 'node:path';
import { loadLab } from '../pipeline.js';
import { renderLab } from '../render/index.js';
import { backupPlan } from '../backup/plan.js';
import { readDecisions, DECISIONS_DIR } from '../adr/store.js';
import { review } from '../review/index.js';
import type { Issue } from '../spec/issues.js';
import type { DocsInput } from './types.js';

export interface DocsInputResult {
  input?: DocsInput;
  /** Spec errors (nothing is documented then) and warnings. */
  issues: Issue[];
  /** The spec file read, and the lab directory (decisions are relative to it). */
  file?: string;
  labDir?: string;
}

export async function loadDocsInput(target: string, opts: { today?: string } = {}): Promise<DocsInputResult> {
  const loaded = await loadLab(target);
  if (!loaded.model) return { issues: loaded.issues, file: loaded.file };
  const labDir = path.dirname(loaded.file);
  const model = loaded.model;
  const files = renderLab(model);
  const read = readDecisions(path.join(labDir, DECISIONS_DIR));
  const decisions = read.records.map((r) => ({
    record: r.record,
    file: path.relative(labDir, r.file).split(path.sep).join('/'),
    markdown: fs.readFileSync(r.file, 'utf8'),
  }));
  const reviewed = await review(loaded.file, opts);
  return {
    input: { model, files, plan: backupPlan(model), decisions, review: reviewed.result },
    issues: loaded.issues,
    file: loaded.file,
    labDir,
  };
}
