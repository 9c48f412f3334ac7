/**
 * `hearth review` as a library call: a lab spec (reviewed with everything it
 * renders) or any repository of Kubernetes YAML (reviewed as found).
 */
import fs from 'node:fs';
import path from 'node:path';
import jsyaml from 'js-yaml';
import { z } from 'zod';
import { loadLab } from '../pipeline.js';
import { resolveSpecFile } from '../spec/load.js';
import { ReviewSuppression } from '../spec/schema.js';
import { issue, type Issue } from '../spec/issues.js';
import { renderLab } from '../render/index.js';
import { factsFromLab } from './facts-lab.js';
import { factsFromRepo, readRepo } from './facts-repo.js';
import { runReview, type ReviewResult, type Suppression } from './run.js';
import { RULES } from './rules/index.js';
import type { Locate } from './format/index.js';
import type { Facts } from './types.js';
import type { LabSpec } from '../spec/schema.js';
import { readDecisions, DECISIONS_DIR } from '../adr/store.js';
import { governsViolations, lintLifecycle, specPathOf } from '../adr/lint.js';

export const SUPPRESSIONS_FILE = '.hearth-review.yaml';

export interface ReviewOutcome {
  result?: ReviewResult;
  /** Spec errors (a spec that does not load is not reviewed). */
  issues: Issue[];
  locate?: Locate;
}

const SuppressionsFile = z.strictObject({ suppress: z.array(ReviewSuppression).default([]) });

/** Suppressions of a plain repository, from .hearth-review.yaml at its root. */
function repoSuppressions(dir: string): { suppressions: Suppression[]; issues: Issue[] } {
  const file = path.join(dir, SUPPRESSIONS_FILE);
  if (!fs.existsSync(file)) return { suppressions: [], issues: [] };
  let data: unknown;
  try {
    data = jsyaml.load(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    return { suppressions: [], issues: [{ ...issue('yaml-syntax', [], `${SUPPRESSIONS_FILE} is not valid YAML: ${(e as Error).message.split('\n')[0]}`), file }] };
  }
  const r = SuppressionsFile.safeParse(data ?? {});
  if (!r.success) {
    return {
      suppressions: [],
      issues: r.error.issues.map((i) => ({ ...issue('invalid-value', i.path as (string | number)[], i.message, { hint: 'each entry needs rule and reason (and may have subject, expires: YYYY-MM-DD)' }), file })),
    };
  }
  return { suppressions: r.data.suppress.map((s, i) => ({ ...s, where: { file: SUPPRESSIONS_FILE, line: undefined, specPath: ['suppress', i] } })), issues: [] };
}

/** Decision records beside the spec, linted and held against it. */
function decisionFacts(dir: string, spec: LabSpec): Facts['decisions'] {
  const read = readDecisions(dir);
  if (read.records.length === 0 && read.problems.length === 0) return undefined;
  const fileOf = new Map(read.records.map((r) => [r.record.id, r.file]));
  const records = read.records.map((r) => r.record);
  return {
    records: read.records.map((r) => ({ id: r.record.id, title: r.record.title, status: r.record.status, file: r.file })),
    findings: [
      ...read.problems.map((p) => ({ rule: 'adr-unreadable', risk: 'medium' as const, record: path.basename(p.file), message: p.message, fix: 'fix the record file (hearth adr lint shows the same)', file: p.file })),
      ...lintLifecycle(records).map((f) => ({ ...f, file: fileOf.get(f.record) ?? dir })),
    ],
    violations: governsViolations(records, spec).map((v) => ({
      record: v.record.id,
      title: v.record.title,
      path: v.path,
      decided: String(v.decided),
      actual: v.found ? JSON.stringify(v.actual) : undefined,
      file: fileOf.get(v.record.id)!,
      specPath: specPathOf(spec, v.path),
    })),
  };
}

export async function review(target: string, opts: { today?: string } = {}): Promise<ReviewOutcome> {
  const specFile = resolveSpecFile(target);
  if (specFile && /hearth(\.config)?\.[a-z]+$/.test(path.basename(specFile))) {
    const loaded = await loadLab(specFile);
    if (!loaded.model) return { issues: loaded.issues };
    const facts = factsFromLab(loaded.model, renderLab(loaded.model));
    facts.decisions = decisionFacts(path.join(path.dirname(specFile), DECISIONS_DIR), loaded.spec!);
    const suppressions: Suppression[] = (loaded.spec?.review?.suppress ?? []).map((s, i) => ({ ...s, where: { specPath: ['review', 'suppress', i] } }));
    const result = runReview(facts, RULES, { suppressions, today: opts.today });
    const locate: Locate = (w) => {
      if (w.specPath) {
        const l = loaded.source?.locate(w.specPath);
        return { file: loaded.file, line: l?.line };
      }
      return { file: w.file, line: w.line };
    };
    return { result, issues: loaded.issues, locate };
  }
  if (!fs.existsSync(target) || !fs.statSync(target).isDirectory()) {
    return { issues: [{ ...issue('file-not-found', [], `nothing to review at ${target}`, { hint: 'pass a directory holding hearth.yaml, or a repository of Kubernetes YAML' }), file: target }] };
  }
  const sup = repoSuppressions(target);
  if (sup.issues.length) return { issues: sup.issues };
  const facts = factsFromRepo(path.basename(path.resolve(target)), readRepo(target));
  const result = runReview(facts, RULES, { suppressions: sup.suppressions, today: opts.today });
  // Repository paths stay relative to its root: what SARIF uploads and readers expect.
  const locate: Locate = (w) => ({ file: w.file, line: w.line });
  return { result, issues: [], locate };
}
