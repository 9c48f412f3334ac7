/**
 * Review test helpers: review a lab spec (as LabInput) or a repository (as
 * files) with chosen rules, and `ruleTable` to write a rule's valid/invalid
 * table: every valid case must produce no finding of the rule, every invalid
 * case at least one, with the risk and text the case names.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Lab, type LabInput } from '../../src/spec/schema.js';
import { validateSpec } from '../../src/spec/validate.js';
import { resolveLab } from '../../src/model/resolve.js';
import { renderLab } from '../../src/render/index.js';
import { factsFromLab } from '../../src/review/facts-lab.js';
import { factsFromRepo } from '../../src/review/facts-repo.js';
import { runReview, type ReviewResult } from '../../src/review/run.js';
import type { Facts, Finding, Risk, Rule } from '../../src/review/types.js';

export { testLab } from './module-harness.js';

/** Facts of a spec given as data (must be valid). */
export function labFacts(input: LabInput): Facts {
  const parsed = Lab.safeParse(input);
  assert.ok(parsed.success, `lab must match the schema: ${parsed.success ? '' : JSON.stringify(parsed.error.issues, null, 2)}`);
  const issues = validateSpec(parsed.data);
  const r = resolveLab(parsed.data);
  const errors = [...issues, ...r.issues].filter((i) => i.severity === 'error');
  assert.deepEqual(errors, [], 'lab must be valid');
  return factsFromLab(r.model!, renderLab(r.model!));
}

/** Facts of a repository given as { path: YAML text }. */
export function repoFacts(files: Record<string, string>, opts: { renovate?: boolean; name?: string } = {}): Facts {
  return factsFromRepo(opts.name ?? 'repo', { files: Object.entries(files).map(([path, text]) => ({ path, text })), renovate: opts.renovate ?? false });
}

export function review(facts: Facts, rules: Rule[], today = '2026-11-22'): ReviewResult {
  return runReview(facts, rules, { today });
}

export interface RuleCase {
  name: string;
  /** A spec (LabInput) or a repository ({ path: text }). */
  lab?: LabInput;
  repo?: Record<string, string>;
  /** Extra facts edits, for inputs the spec cannot express. */
  edit?: (f: Facts) => void;
}

export interface InvalidCase extends RuleCase {
  /** Expected risk of the findings (default: the rule's). */
  risk?: Risk;
  /** Text every finding of the rule must match (at least one finding must exist). */
  message?: RegExp;
  /** How many findings of the rule (default: at least one). */
  count?: number;
  /** Subjects one of the findings must name. */
  subjects?: string[];
}

function factsOf(c: RuleCase): Facts {
  const f = c.lab ? labFacts(c.lab) : repoFacts(c.repo ?? {});
  c.edit?.(f);
  return f;
}

export function findingsOf(rule: Rule, c: RuleCase): Finding[] {
  return review(factsOf(c), [rule]).findings.filter((f) => f.rule === rule.id);
}

/** A rule's valid/invalid table as node:test cases. */
export function ruleTable(rule: Rule, table: { valid: RuleCase[]; invalid: InvalidCase[] }): void {
  assert.ok(table.valid.length > 0 && table.invalid.length > 0, `${rule.id}: the table has valid and invalid cases`);
  for (const c of table.valid) {
    test(`${rule.id} valid: ${c.name}`, () => {
      assert.deepEqual(findingsOf(rule, c).map((f) => f.message), []);
    });
  }
  for (const c of table.invalid) {
    test(`${rule.id} invalid: ${c.name}`, () => {
      const fs = findingsOf(rule, c);
      if (c.count !== undefined) assert.equal(fs.length, c.count, fs.map((f) => f.message).join('\n'));
      else assert.ok(fs.length > 0, 'at least one finding');
      for (const f of fs) {
        assert.equal(f.risk, c.risk ?? rule.risk);
        if (c.message) assert.match(f.message, c.message);
        assert.ok(f.where.length > 0, 'a finding says where');
        assert.ok(f.fix.length > 0 && f.why.length > 0);
      }
      if (c.subjects) assert.ok(fs.some((f) => c.subjects!.every((s) => f.subjects.includes(s))), `a finding names ${c.subjects.join(', ')}: ${fs.map((f) => f.subjects.join(',')).join(' | ')}`);
    });
  }
}
