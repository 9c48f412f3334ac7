import { defineRule, type BackupFact } from '../types.js';
import { databaseVolumes, type DatabaseVolume } from './storage-database-on-nfs.js';
import { backupLabel } from './backups-same-failure-domain.js';
import { coveringBackups } from './backups-database-file-copy.js';

// ---------------------------------------------------------------------------
// The longest gap between two runs of a cron schedule

const MACROS: Record<string, string> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};
const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
const FIELDS = [
  { min: 0, max: 59 },
  { min: 0, max: 23 },
  { min: 1, max: 31 },
  { min: 1, max: 12, names: MONTHS, offset: 1 },
  { min: 0, max: 7, names: DAYS, offset: 0 },
];
const UNIT_MINUTES: Record<string, number> = { h: 60, m: 1, s: 1 / 60, ms: 1 / 60000, us: 1 / 6e7, µs: 1 / 6e7, ns: 1 / 6e10 };
/** Eight years from a leap year: every gap of a schedule that runs at least once in four years shows. */
const WINDOW_DAYS = 8 * 365 + 2;
const START = Date.UTC(2024, 0, 1);

/** One field: the values it allows, and whether it starts with * or ? (robfig's star bit for the day fields). */
function field(expr: string, i: number): { values: Set<number>; star: boolean } | undefined {
  const f = FIELDS[i];
  const values = new Set<number>();
  let star = false;
  const num = (v: string): number | undefined => {
    const n = f.names?.indexOf(v.toLowerCase()) ?? -1;
    if (n >= 0) return n + (f.offset ?? 0);
    return /^\d+$/.test(v) ? Number(v) : undefined;
  };
  for (const raw of expr.split(',')) {
    // Jenkins-style H (kopiur): one value the tool picks in the range; the gaps are those of the first.
    const item = raw.replace(/^H(?:\((\d+)-\d+\))?/, (_, a: string | undefined) => a ?? String(f.min));
    const m = /^([^/]+)(?:\/(\d+))?$/.exec(item);
    if (!m) return undefined;
    const step = m[2] === undefined ? 1 : Number(m[2]);
    if (step < 1) return undefined;
    let lo: number | undefined;
    let hi: number | undefined;
    if (m[1] === '*' || m[1] === '?') {
      star = true;
      lo = f.min;
      hi = i === 4 ? 6 : f.max;
    } else {
      const [a, b, ...rest] = m[1].split('-');
      if (rest.length) return undefined;
      lo = num(a);
      // "a/n" runs from a to the end of the field.
      hi = b !== undefined ? num(b) : m[2] !== undefined ? f.max : lo;
    }
    if (lo === undefined || hi === undefined || lo < f.min || hi > f.max || lo > hi) return undefined;
    for (let v = lo; v <= hi; v += step) values.add(i === 4 && v === 7 ? 0 : v);
  }
  return { values, star };
}

/** `@every 6h`, `@every 1h30m` (Velero) in minutes. */
function everyMinutes(s: string): number | undefined {
  const m = /^@every\s+(.+)$/.exec(s);
  if (!m) return undefined;
  let total = 0;
  const rest = m[1].replace(/([0-9]+(?:\.[0-9]+)?)(ns|us|µs|ms|s|m|h)/g, (_, n: string, u: string) => {
    total += Number(n) * UNIT_MINUTES[u];
    return '';
  });
  return rest.trim() === '' && total > 0 ? total : undefined;
}

/**
 * The longest time between two consecutive runs of a schedule, in minutes
 * (standard 5-field cron as Kubernetes, K3s and Velero read it, the @-macros,
 * `@every` and Jenkins-style H); Infinity when it runs at most once in eight years;
 * undefined when the schedule cannot be read. Day of month and day of week
 * combine as in robfig/cron: both restricted means either matches.
 */
export function cronMaxGapMinutes(schedule: string): number | undefined {
  const s = schedule.trim().replace(/^(CRON_)?TZ=\S+\s+/, '');
  const every = everyMinutes(s);
  if (every !== undefined) return every;
  const expr = s.startsWith('@') ? MACROS[s.toLowerCase()] : s;
  if (!expr) return undefined;
  const parts = expr.split(/\s+/);
  if (parts.length !== 5) return undefined;
  const f = parts.map((p, i) => field(p, i));
  if (f.some((x) => !x)) return undefined;
  const [min, hour, dom, month, dow] = f as NonNullable<(typeof f)[number]>[];
  const times = [...hour.values].flatMap((h) => [...min.values].map((m) => h * 60 + m)).sort((a, b) => a - b);
  if (times.length === 0) return undefined;
  let gap = 0;
  for (let k = 1; k < times.length; k++) gap = Math.max(gap, times[k] - times[k - 1]);
  const first = times[0];
  const last = times[times.length - 1];
  let prevDay: number | undefined;
  let days = 0;
  for (let d = 0; d < WINDOW_DAYS; d++) {
    const date = new Date(START + d * 86_400_000);
    if (!month.values.has(date.getUTCMonth() + 1)) continue;
    const domOk = dom.values.has(date.getUTCDate());
    const dowOk = dow.values.has(date.getUTCDay());
    if (!(dom.star || dow.star ? domOk && dowOk : domOk || dowOk)) continue;
    if (prevDay !== undefined) gap = Math.max(gap, (d - prevDay) * 1440 + first - last);
    prevDay = d;
    days++;
  }
  if (days <= 1) return Infinity;
  return gap;
}

/** A gap in words: 26 hours, 7 days. */
export function gapWords(minutes: number): string {
  if (!Number.isFinite(minutes)) return 'never in practice';
  if (minutes % 1440 === 0) return `${minutes / 1440} day${minutes === 1440 ? '' : 's'}`;
  if (minutes >= 120) return `${Math.round((minutes / 60) * 10) / 10} hours`;
  return `${Math.round(minutes)} minutes`;
}

/** The most a database may lose: one day of writes. */
const MAX_GAP_MINUTES = 24 * 60;

/** Database volumes whose most frequent covering backup runs less than daily. */
export default defineRule({
  id: 'backups-rpo-schedule',
  category: 'backups',
  risk: 'medium',
  title: 'Databases backed up less than daily',
  why: 'The schedule sets the recovery point: a restore brings back the data as of the last run, and everything written since is lost. Databases change all day; a weekly schedule can lose a week of entries, passwords or documents. No recovery point objective is recorded, so the review holds databases to at least one backup a day.',
  fix: 'back the databases up at least daily (a cron such as 0 3 * * *, or a dump job of their own), or more often where a day of writes matters',
  check({ facts, report }) {
    const groups = new Map<string, { gap: number; backup: BackupFact; vols: DatabaseVolume[] }>();
    for (const v of databaseVolumes(facts)) {
      const covering = coveringBackups(facts, v.pvc);
      if (covering.length === 0) continue;
      const gaps = covering.map((b) => ({ b, gap: b.schedule ? cronMaxGapMinutes(b.schedule) : undefined }));
      // A schedule the review cannot read (or a backup without one) might be frequent enough.
      if (gaps.some((g) => g.gap === undefined)) continue;
      const best = gaps.reduce((a, c) => (c.gap! < a.gap! ? c : a));
      if (best.gap! <= MAX_GAP_MINUTES) continue;
      const key = best.b.name + '|' + best.b.kind;
      const g = groups.get(key) ?? { gap: best.gap!, backup: best.b, vols: [] };
      g.vols.push(v);
      groups.set(key, g);
    }
    for (const g of groups.values()) {
      const apps = [...new Set(g.vols.map((v) => v.owner))].sort();
      const runs = Number.isFinite(g.gap) ? `leaves up to ${gapWords(g.gap)} between runs` : 'runs at most once in eight years';
      report({
        message: `the databases of ${apps.join(', ')} are backed up at best by ${backupLabel(g.backup)} (${g.backup.schedule}), which ${runs}: a restore can lose that much of their writes`,
        where: [g.backup.where, ...g.vols.map((v) => v.pvc.where)],
        subjects: apps,
      });
    }
  },
});
