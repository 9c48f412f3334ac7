/**
 * Weighted decision matrices: totals, ranking, and how fragile the ranking
 * is. A total is Σ weight × score / weightsTotal (seed 000: weights in
 * percent, scores out of 5 → totals out of 5). Sensitivity: for each
 * criterion, the smallest change of its weight (others rescaled to keep the
 * sum) that changes the winner.
 */
import type { Matrix } from './model.js';

export interface MatrixResult {
  weightsSum: number;
  totals: Record<string, number>;
  /** Options best first; ties keep the document's order. */
  ranking: string[];
  /** Per criterion: the weight change (in weight units) that flips the winner, or undefined when none within ±weightsTotal. */
  sensitivity: { criterion: string; weight: number; flipAt?: number; newWinner?: string }[];
}

export function optionNames(m: Matrix): string[] {
  return Object.keys(m.scores);
}

/** Totals for given weights (normalised by the stated total so scores stay on their scale). */
function totalsFor(m: Matrix, weights: number[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const o of optionNames(m)) {
    let t = 0;
    m.criteria.forEach((c, i) => (t += weights[i] * (m.scores[o]?.[c.name] ?? 0)));
    out[o] = t / m.weightsTotal;
  }
  return out;
}

function rank(totals: Record<string, number>, order: string[]): string[] {
  return [...order].sort((a, b) => totals[b] - totals[a] || order.indexOf(a) - order.indexOf(b));
}

/** Round for display and comparison with stated figures (two decimals). */
export function round2(n: number): number {
  return Math.round(n * 100) / 100;
}

export function computeMatrix(m: Matrix): MatrixResult {
  const weights = m.criteria.map((c) => c.weight);
  const order = optionNames(m);
  const totals = totalsFor(m, weights);
  const ranking = rank(totals, order);
  const winner = ranking[0];
  const sum = weights.reduce((a, b) => a + b, 0);
  const sensitivity = m.criteria.map((c, i) => {
    // Move weight i by ±delta and rescale the others so the sum stays; find the smallest |delta| that changes the winner.
    const step = m.weightsTotal / 200; // half a percent of the total
    for (let k = 1; k <= 200; k++) {
      for (const sign of [-1, 1]) {
        const w = weights[i] + sign * k * step;
        if (w < 0) continue;
        const rest = sum - weights[i];
        const scale = rest > 0 ? (sum - w) / rest : 0;
        if (scale < 0) continue;
        const ws = weights.map((x, j) => (j === i ? w : x * scale));
        const t = totalsFor(m, ws);
        const r = rank(t, order);
        // A tie is not a flip: another option must score strictly higher.
        if (r[0] !== winner && t[r[0]] > t[winner] + 1e-9) return { criterion: c.name, weight: c.weight, flipAt: round2(w), newWinner: r[0] };
      }
    }
    return { criterion: c.name, weight: c.weight };
  });
  return { weightsSum: sum, totals, ranking, sensitivity };
}
