/**
 * Kubernetes parses CronJob schedules with robfig/cron's standard parser:
 * five fields, names for months and weekdays, `?` in the day fields, and the
 * @-macros below. Weekdays run 0-6 (no 7). Time zones go in `timeZone`, never
 * as a `TZ=` prefix (the API server rejects it).
 */
const CRON_MACROS = ['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly'];
const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
const CRON_FIELDS: { name: string; min: number; max: number; names?: string[]; question?: boolean }[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31, question: true },
  { name: 'month', min: 1, max: 12, names: MONTHS },
  { name: 'day of week', min: 0, max: 6, names: DAYS, question: true },
];

/**
 * Why a schedule is not one Kubernetes accepts, or undefined when it is.
 * `every` also accepts robfig's `@every <duration>` (Velero schedules take it;
 * CronJobs do not).
 */
export function cronScheduleError(schedule: string, opts: { every?: boolean } = {}): string | undefined {
  const s = schedule.trim();
  if (/^(CRON_)?TZ=/i.test(s)) return 'put the time zone in the timeZone setting, not in the schedule';
  if (opts.every && /^@every\s+([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$/.test(s)) return undefined;
  if (s.startsWith('@')) return CRON_MACROS.includes(s.toLowerCase()) ? undefined : `unknown macro ${s} (one of ${CRON_MACROS.join(', ')})`;
  const parts = s.split(/\s+/);
  if (parts.length !== 5) return `a cron schedule has 5 fields (minute hour day-of-month month day-of-week), this one has ${parts.length}`;
  for (let i = 0; i < 5; i++) {
    const f = CRON_FIELDS[i];
    const value = (v: string): number | undefined => {
      const n = f.names?.indexOf(v.toLowerCase()) ?? -1;
      if (n >= 0) return n + (f.name === 'month' ? 1 : 0);
      return /^\d+$/.test(v) ? Number(v) : undefined;
    };
    for (const item of parts[i].split(',')) {
      const m = /^([^/]+)(?:\/(\d+))?$/.exec(item);
      if (!m) return `${f.name}: "${item}" is not a value, range or step`;
      const [, range, step] = m;
      if (step !== undefined && Number(step) < 1) return `${f.name}: a step must be at least 1`;
      if (range === '*' || (range === '?' && f.question)) {
        if (range === '?' && step !== undefined) return `${f.name}: "?" takes no step`;
        continue;
      }
      const [a, b, ...rest] = range.split('-');
      const lo = value(a);
      const hi = b === undefined ? lo : value(b);
      if (rest.length > 0 || lo === undefined || hi === undefined) return `${f.name}: "${item}" is not a number${f.names ? ' or name' : ''}`;
      if (lo < f.min || hi > f.max) return `${f.name}: values run ${f.min}-${f.max}${f.name === 'day of week' ? ' (0 = Sunday; 7 is not accepted)' : ''}`;
      if (lo > hi) return `${f.name}: the range ${range} runs backwards`;
    }
  }
  return undefined;
}

// ---------------------------------------------------------------------------
// The longest gap (used by the review's RPO rule and the backup plan) between two runs of a cron schedule

const MACROS: Record<string, string> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};
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
