/**
 * Checks of decision records, as data: the matrix's arithmetic (weights that
 * do not sum to their total, stated figures that differ from the computed
 * ones, a chosen option that is not the top scorer, a ranking that flips
 * under a small change of one weight), lifecycle integrity (supersedes both
 * ways, superseded records that still govern, accepted records that govern
 * nothing, dangling references), and `governs` against the spec.
 */
import type { LabSpec } from '../spec/schema.js';
import type { DecisionRecord } from './model.js';
import { computeMatrix, round2 } from './matrix.js';

export type AdrRisk = 'high' | 'medium' | 'low' | 'info';

export interface AdrFinding {
  rule: string;
  risk: AdrRisk;
  record: string;
  message: string;
  fix: string;
}

/** Stated totals are usually rounded to one decimal: a difference under this is rounding. */
const TOTAL_TOLERANCE = 0.051;
/** A winner that changes when one weight moves by this share of the total or less is fragile. */
const SENSITIVE_SHARE = 0.05;

export function lintMatrix(r: DecisionRecord): AdrFinding[] {
  const m = r.matrix;
  if (!m) return [];
  const out: AdrFinding[] = [];
  const f = (rule: string, risk: AdrRisk, message: string, fix: string) => out.push({ rule, risk, record: r.id, message, fix });
  const res = computeMatrix(m);
  if (Math.abs(res.weightsSum - m.weightsTotal) > 1e-9) {
    f('adr-matrix-weights-sum', 'medium', `the weights sum to ${round2(res.weightsSum)}, not ${m.weightsTotal}`, 'correct the weights, or state the total they are meant to have (matrix.weightsTotal)');
  }
  if (m.stated?.weightsSum !== undefined && Math.abs(m.stated.weightsSum - res.weightsSum) > 1e-9) {
    f('adr-matrix-stated-figure', 'medium', `the document states the weights sum to ${m.stated.weightsSum}; they sum to ${round2(res.weightsSum)}`, 'correct the stated figure or the weights');
  }
  for (const [o, stated] of Object.entries(m.stated?.totals ?? {})) {
    const computed = res.totals[o];
    if (computed === undefined) {
      f('adr-matrix-stated-figure', 'medium', `the document states a total for "${o}", which the matrix does not score`, 'score the option in the matrix or remove the stated total');
    } else if (Math.abs(computed - stated) > TOTAL_TOLERANCE) {
      f('adr-matrix-stated-figure', 'medium', `the document states ${o} scores ${stated}; its weights and scores give ${round2(computed)}`, 'correct the stated total (hearth computes Σ weight × score / total weight) or the scores behind it');
    }
  }
  if (m.stated?.ranking && m.stated.ranking.join('|') !== res.ranking.slice(0, m.stated.ranking.length).join('|')) {
    f('adr-matrix-stated-figure', 'medium', `the document ranks ${m.stated.ranking.join(' > ')}; the computed ranking is ${res.ranking.join(' > ')}`, 'correct the stated ranking or the scores');
  }
  const top = res.ranking[0];
  if (r.chosen && Object.keys(m.scores).includes(r.chosen) && r.chosen !== top && res.totals[top] > res.totals[r.chosen]) {
    f('adr-matrix-chosen-not-top', 'high', `the chosen option "${r.chosen}" (${round2(res.totals[r.chosen])}) is not the top scorer: "${top}" scores ${round2(res.totals[top])}`, 'explain in the rationale what the matrix leaves out, or revisit the choice');
  } else if (r.chosen && Object.keys(m.scores).length && !Object.keys(m.scores).includes(r.chosen)) {
    f('adr-matrix-chosen-not-top', 'medium', `the chosen option "${r.chosen}" is not scored in the matrix`, 'score the chosen option or correct chosen');
  }
  const fragile = res.sensitivity.filter((s) => s.flipAt !== undefined && Math.abs(s.flipAt - s.weight) <= SENSITIVE_SHARE * m.weightsTotal);
  for (const s of fragile) {
    f(
      'adr-matrix-sensitive',
      'low',
      `moving the weight of "${s.criterion}" from ${s.weight} to ${s.flipAt} makes "${s.newWinner}" the winner: the ranking rests on a close call`,
      'check that weight, or say in the rationale why the choice holds anyway',
    );
  }
  return out;
}

export function lintLifecycle(records: readonly DecisionRecord[]): AdrFinding[] {
  const out: AdrFinding[] = [];
  const byId = new Map(records.map((r) => [r.id, r]));
  const seen = new Set<string>();
  for (const r of records) {
    const f = (rule: string, risk: AdrRisk, message: string, fix: string) => out.push({ rule, risk, record: r.id, message, fix });
    if (seen.has(r.id)) f('adr-duplicate-id', 'high', `${r.id} is used by more than one record`, 'renumber one of them');
    seen.add(r.id);
    if (r.status === 'superseded' && !r.supersededBy) f('adr-superseded-without-successor', 'medium', `${r.id} is superseded but names no successor`, 'set supersededBy: ADR-NNN (hearth adr supersede OLD NEW does both sides)');
    if (r.supersededBy) {
      const next = byId.get(r.supersededBy);
      if (!next) f('adr-dangling-reference', 'medium', `${r.id} is superseded by ${r.supersededBy}, which does not exist`, 'correct supersededBy or add the record');
      else if (!next.supersedes.includes(r.id)) f('adr-supersedes-one-way', 'low', `${r.id} says ${next.id} supersedes it, but ${next.id} does not list it in supersedes`, `add ${r.id} to ${next.id}'s supersedes (hearth adr supersede ${r.id} ${next.id})`);
      if (r.status !== 'superseded') f('adr-supersedes-one-way', 'low', `${r.id} names a successor but its status is ${r.status}`, 'set status: superseded');
    }
    for (const old of r.supersedes) {
      const prev = byId.get(old);
      if (!prev) f('adr-dangling-reference', 'medium', `${r.id} supersedes ${old}, which does not exist`, 'correct supersedes or add the record');
      else if (prev.supersededBy !== r.id) f('adr-supersedes-one-way', 'low', `${r.id} supersedes ${old}, but ${old} does not name ${r.id} as its successor`, `set ${old}'s status: superseded and supersededBy: ${r.id}`);
    }
    for (const l of r.links) if (/^ADR-\d{3,}$/.test(l.target) && !byId.has(l.target)) f('adr-dangling-reference', 'low', `${r.id} links to ${l.target}, which does not exist`, 'correct the link');
    if ((r.status === 'superseded' || r.status === 'deprecated' || r.status === 'rejected') && r.governs.length) {
      f('adr-inactive-governs', 'medium', `${r.id} is ${r.status} and still governs ${r.governs.map((g) => g.path).join(', ')}`, 'move governs to the record that replaced it, or remove them');
    }

    if (r.options.length && r.chosen && !r.options.some((o) => o.name === r.chosen)) f('adr-chosen-unknown', 'medium', `${r.id} chose "${r.chosen}", which is not one of its options`, 'correct chosen or add the option');
  }
  // One finding for all accepted records that govern nothing: a list, not a wall of repeats.
  const ungoverned = records.filter((r) => r.status === 'accepted' && r.governs.length === 0).map((r) => r.id);
  if (ungoverned.length) {
    out.push({
      rule: 'adr-governs-nothing',
      risk: 'info',
      record: ungoverned[0],
      message: `${ungoverned.length === 1 ? `${ungoverned[0]} is` : `${ungoverned.length} accepted records (${ungoverned.join(', ')}) are`} accepted but govern${ungoverned.length === 1 ? 's' : ''} no spec path: nothing checks that the lab still follows ${ungoverned.length === 1 ? 'it' : 'them'}`,
      fix: 'add governs: [{ path: ..., value: ... }] for what each decided, where the spec holds it',
    });
  }
  for (const r of records) out.push(...lintMatrix(r));
  return out;
}

/** The value at a spec path: `storage.default`, `apps[0].module`, `apps[name=vault].namespace`. */
export function valueAt(spec: unknown, path: string): { found: boolean; value?: unknown } {
  const segs = path.match(/[^.[\]]+|\[[^\]]*\]/g) ?? [];
  let cur: unknown = spec;
  for (const raw of segs) {
    const seg = raw.startsWith('[') ? raw.slice(1, -1) : raw;
    if (cur === undefined || cur === null) return { found: false };
    if (Array.isArray(cur)) {
      const sel = /^([A-Za-z_][\w-]*)=(.*)$/.exec(seg);
      if (sel) cur = cur.find((x) => x && typeof x === 'object' && String((x as Record<string, unknown>)[sel[1]]) === sel[2]);
      else if (/^\d+$/.test(seg)) cur = cur[Number(seg)];
      else return { found: false };
    } else if (typeof cur === 'object') cur = (cur as Record<string, unknown>)[seg];
    else return { found: false };
  }
  return cur === undefined ? { found: false } : { found: true, value: cur };
}

export interface GovernsViolation {
  record: DecisionRecord;
  path: string;
  decided: string | number | boolean;
  actual?: unknown;
  found: boolean;
}

/** Accepted decisions the spec no longer follows. */
export function governsViolations(records: readonly DecisionRecord[], spec: LabSpec): GovernsViolation[] {
  const out: GovernsViolation[] = [];
  // Read the spec as it means itself: an app's module defaults to its name.
  spec = { ...spec, apps: spec.apps.map((a) => ({ ...a, module: a.module ?? a.name })) };
  for (const r of records) {
    if (r.status !== 'accepted') continue;
    for (const g of r.governs) {
      const v = valueAt(spec, g.path);
      const same = v.found && (Array.isArray(v.value) ? v.value.map(String).includes(String(g.value)) : String(v.value) === String(g.value));
      if (!same) out.push({ record: r, path: g.path, decided: g.value, actual: v.value, found: v.found });
    }
  }
  return out;
}

/** A governs path as spec path segments (selectors resolved to indexes), for locating it in the spec file. */
export function specPathOf(spec: unknown, path: string): (string | number)[] | undefined {
  const segs = path.match(/[^.[\]]+|\[[^\]]*\]/g) ?? [];
  const out: (string | number)[] = [];
  let cur: unknown = spec;
  for (const raw of segs) {
    const seg = raw.startsWith('[') ? raw.slice(1, -1) : raw;
    if (Array.isArray(cur)) {
      const sel = /^([A-Za-z_][\w-]*)=(.*)$/.exec(seg);
      const i = sel ? cur.findIndex((x) => x && typeof x === 'object' && String((x as Record<string, unknown>)[sel[1]]) === sel[2]) : /^\d+$/.test(seg) ? Number(seg) : -1;
      if (i < 0) return out.length ? out : undefined;
      out.push(i);
      cur = cur[i];
    } else if (cur && typeof cur === 'object') {
      out.push(seg);
      cur = (cur as Record<string, unknown>)[seg];
    } else return out.length ? out : undefined;
  }
  return out;
}
