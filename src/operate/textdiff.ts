/**
 * A line diff in unified format (`@@ -a,b +c,d @@` hunks with context), for
 * showing one object's live YAML against its rendered YAML. Longest common
 * subsequence over the lines between the common prefix and suffix.
 */

type Op = { t: ' ' | '-' | '+'; line: string };

function ops(a: readonly string[], b: readonly string[]): Op[] {
  let pre = 0;
  while (pre < a.length && pre < b.length && a[pre] === b[pre]) pre++;
  let suf = 0;
  while (suf < a.length - pre && suf < b.length - pre && a[a.length - 1 - suf] === b[b.length - 1 - suf]) suf++;
  const A = a.slice(pre, a.length - suf);
  const B = b.slice(pre, b.length - suf);
  const out: Op[] = a.slice(0, pre).map((line) => ({ t: ' ', line }));
  const n = A.length;
  const m = B.length;
  if (n * m > 16_000_000) {
    // Too large to align: show the middle as replaced.
    out.push(...A.map((line) => ({ t: '-' as const, line })), ...B.map((line) => ({ t: '+' as const, line })));
  } else {
    // lcs[i][j]: length of the LCS of A[i..] and B[j..].
    const w = m + 1;
    const lcs = new Uint32Array((n + 1) * w);
    for (let i = n - 1; i >= 0; i--) {
      for (let j = m - 1; j >= 0; j--) {
        lcs[i * w + j] = A[i] === B[j] ? lcs[(i + 1) * w + j + 1] + 1 : Math.max(lcs[(i + 1) * w + j], lcs[i * w + j + 1]);
      }
    }
    let i = 0;
    let j = 0;
    while (i < n && j < m) {
      if (A[i] === B[j]) {
        out.push({ t: ' ', line: A[i] });
        i++;
        j++;
      } else if (lcs[(i + 1) * w + j] >= lcs[i * w + j + 1]) {
        out.push({ t: '-', line: A[i++] });
      } else {
        out.push({ t: '+', line: B[j++] });
      }
    }
    while (i < n) out.push({ t: '-', line: A[i++] });
    while (j < m) out.push({ t: '+', line: B[j++] });
  }
  out.push(...a.slice(a.length - suf).map((line) => ({ t: ' ' as const, line })));
  return out;
}

/** Unified diff hunks of `a` → `b` (no file header); empty when they are equal. */
export function unifiedDiff(a: readonly string[], b: readonly string[], context = 3): string[] {
  const all = ops(a, b);
  const changed = all.map((o, k) => (o.t !== ' ' ? k : -1)).filter((k) => k >= 0);
  if (changed.length === 0) return [];
  // Group changes whose context windows touch.
  const groups: [number, number][] = [];
  for (const k of changed) {
    const last = groups[groups.length - 1];
    if (last && k - last[1] <= 2 * context) last[1] = k;
    else groups.push([k, k]);
  }
  // Line numbers (1-based) in a and b at each op index.
  const aAt: number[] = [];
  const bAt: number[] = [];
  let ai = 1;
  let bi = 1;
  for (const o of all) {
    aAt.push(ai);
    bAt.push(bi);
    if (o.t !== '+') ai++;
    if (o.t !== '-') bi++;
  }
  const lines: string[] = [];
  for (const [first, last] of groups) {
    const start = Math.max(0, first - context);
    const end = Math.min(all.length - 1, last + context);
    const slice = all.slice(start, end + 1);
    const aLen = slice.filter((o) => o.t !== '+').length;
    const bLen = slice.filter((o) => o.t !== '-').length;
    const aStart = aLen ? aAt[start] : aAt[start] - 1;
    const bStart = bLen ? bAt[start] : bAt[start] - 1;
    lines.push(`@@ -${aStart},${aLen} +${bStart},${bLen} @@`);
    for (const o of slice) lines.push(`${o.t}${o.line}`);
  }
  return lines;
}
