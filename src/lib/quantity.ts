/** Kubernetes resource quantities (`512Mi`, `8Gi`, `1.5`, `500m`). Pure. */

const BINARY: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
const DECIMAL: Record<string, number> = { k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18 };

export const BYTES_RE = /^[0-9]+(\.[0-9]+)?(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)?$/;
export const CPU_RE = /^[0-9]+(\.[0-9]+)?m?$/;

/** Bytes in a memory/storage quantity, or undefined when it does not parse. */
export function parseBytes(q: string): number | undefined {
  const m = /^([0-9]+(?:\.[0-9]+)?)([A-Za-z]*)$/.exec(q);
  if (!m) return undefined;
  const n = Number(m[1]);
  if (m[2] === '') return n;
  const f = BINARY[m[2]] ?? DECIMAL[m[2]];
  return f === undefined ? undefined : n * f;
}

/** Cores in a CPU quantity (`2`, `0.5`, `500m`). */
export function parseCpu(q: string | number): number | undefined {
  if (typeof q === 'number') return q;
  if (!CPU_RE.test(q)) return undefined;
  return q.endsWith('m') ? Number(q.slice(0, -1)) / 1000 : Number(q);
}

/** A readable size in binary units, for messages (`53 GiB`). */
export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) {
    n /= 1024;
    i++;
  }
  return `${Number.isInteger(n) ? n : n.toFixed(1)} ${units[i]}`;
}
