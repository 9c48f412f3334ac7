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
