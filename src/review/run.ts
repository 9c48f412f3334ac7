/**
 * Running the rules over facts: findings in a stable order, suppressions
 * applied (each needs a reason; expired and unused ones are findings of
 * their own), strengths collected from rules that found nothing, and a
 * verdict derived from what remains.
 */
import type { Facts, Finding, Risk, Rule, Where } from './types.js';
import { RISKS } from './types.js';

export interface Suppression {
  rule: string;
  /** Limit to findings about this subject (an app, a resource name); default: every finding of the rule. */
  subject?: string;
  reason: string;
  /** YYYY-MM-DD: after this day the suppression no longer applies and is reported. */
  expires?: string;
  where: Where;
}

export interface ReviewResult {
  facts: Facts;
  findings: Finding[];
  suppressed: { finding: Finding; suppression: Suppression }[];
  strengths: string[];
  counts: Record<Risk, number>;
  verdict: string;
  /** Rules that ran (applicable to the input). */
  rules: Rule[];
}

const RANK: Record<Risk, number> = { high: 0, medium: 1, low: 2, info: 3 };

export function riskAtLeast(r: Risk, threshold: Risk): boolean {
  return RANK[r] <= RANK[threshold];
}

function whereKey(w: Where[]): string {
  const p = w[0];
  if (!p) return '';
  return p.specPath ? p.specPath.join('.') : `${p.file ?? ''}:${String(p.line ?? 0).padStart(8, '0')}`;
}

export function runReview(facts: Facts, rules: readonly Rule[], opts: { suppressions?: Suppression[]; today?: string } = {}): ReviewResult {
  const applicable = rules.filter((r) => !r.inputs || r.inputs.includes(facts.source));
  const raw: Finding[] = [];
  const strengths: string[] = [];
  for (const rule of applicable) {
    const before = raw.length;
    rule.check({
      facts,
      report: (f) => {
        raw.push({
          rule: rule.id,
          risk: f.risk ?? rule.risk,
          category: rule.category,
          message: f.message,
          where: f.where === undefined ? [] : Array.isArray(f.where) ? f.where : [f.where],
          subjects: f.subjects ?? [],
          why: rule.why,
          fix: f.fix ?? rule.fix,
        });
      },
    });
    if (raw.length === before && rule.strength) {
      const s = rule.strength(facts);
      if (s) strengths.push(s);
    }
  }

  // Suppressions.
  const today = opts.today ?? new Date().toISOString().slice(0, 10);
  const suppressed: ReviewResult['suppressed'] = [];
  const used = new Set<Suppression>();
  const findings: Finding[] = [];
  for (const f of raw) {
    const s = (opts.suppressions ?? []).find((x) => x.rule === f.rule && (!x.subject || f.subjects.includes(x.subject)) && !(x.expires && x.expires < today));
    if (s) {
      used.add(s);
      suppressed.push({ finding: f, suppression: s });
    } else findings.push(f);
  }
  for (const s of opts.suppressions ?? []) {
    if (s.expires && s.expires < today) {
      findings.push({
        rule: 'review-suppression-expired',
        risk: 'low',
        category: 'input',
        message: `the suppression of ${s.rule}${s.subject ? ` for ${s.subject}` : ''} expired on ${s.expires} ("${s.reason}")`,
        where: [s.where],
        subjects: [s.rule],
        why: 'An expired suppression no longer hides its findings; it was meant to be revisited.',
        fix: 'fix what it suppressed, or renew the expiry with a reason that still holds',
      });
    } else if (!used.has(s)) {
      findings.push({
        rule: 'review-suppression-unused',
        risk: 'info',
        category: 'input',
        message: `the suppression of ${s.rule}${s.subject ? ` for ${s.subject}` : ''} matches no finding`,
        where: [s.where],
        subjects: [s.rule],
        why: 'A suppression that matches nothing hides nothing; it may name a rule or subject that changed.',
        fix: 'remove it, or correct its rule or subject',
      });
    }
  }

  findings.sort((a, b) => RANK[a.risk] - RANK[b.risk] || a.category.localeCompare(b.category) || a.rule.localeCompare(b.rule) || whereKey(a.where).localeCompare(whereKey(b.where)) || a.message.localeCompare(b.message));
  const counts = Object.fromEntries(RISKS.map((r) => [r, findings.filter((f) => f.risk === r).length])) as Record<Risk, number>;
  return { facts, findings, suppressed, strengths, counts, verdict: verdict(counts), rules: applicable };
}

function verdict(c: Record<Risk, number>): string {
  if (c.high > 0) return `Not ready: ${c.high} high-risk gap${c.high === 1 ? '' : 's'} can lose data or take the lab down. Fix ${c.high === 1 ? 'it' : 'them'} first.`;
  if (c.medium > 0) return `Fit for personal homelab use, with ${c.medium} medium-risk gap${c.medium === 1 ? '' : 's'} to close before anyone else depends on it.`;
  if (c.low > 0) return 'Production-ready for personal homelab use; the remaining gaps are defence in depth.';
  return 'Production-ready for personal homelab use: no gaps found.';
}
