import { readFileSync } from 'node:fs';
import path from 'node:path';
import { review } from '../../review/index.js';
import { formatJson, formatMarkdown, formatSarif, formatTerminal } from '../../review/format/index.js';
import { riskAtLeast } from '../../review/run.js';
import { RISKS, type Risk } from '../../review/types.js';
import { packageRoot } from '../../lib/package-root.js';
import { ExitError, printIssues, type ExitCode } from '../output.js';

export interface ReviewOptions {
  format?: string;
  failOn?: string;
  date?: string;
  color?: boolean;
}

const FORMATS = ['terminal', 'markdown', 'json', 'sarif'];

export async function reviewCommand(target: string, opts: ReviewOptions): Promise<ExitCode> {
  const format = opts.format ?? 'terminal';
  if (!FORMATS.includes(format)) throw new ExitError(`unknown format "${format}": one of ${FORMATS.join(', ')}`);
  if (opts.failOn && !RISKS.includes(opts.failOn as Risk)) throw new ExitError(`unknown --fail-on "${opts.failOn}": one of high, medium, low, info`);
  if (opts.date && !/^\d{4}-\d{2}-\d{2}$/.test(opts.date)) throw new ExitError(`--date takes YYYY-MM-DD, not "${opts.date}"`);
  const date = opts.date ?? new Date().toISOString().slice(0, 10);
  const out = await review(target, { today: date });
  if (!out.result) {
    printIssues(out.issues);
    return 2;
  }
  printIssues(out.issues.filter((i) => i.severity === 'warning'));
  const r = out.result;
  const version = (JSON.parse(readFileSync(path.join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version;
  const text =
    format === 'markdown'
      ? formatMarkdown(r, { date, locate: out.locate })
      : format === 'json'
        ? formatJson(r, { locate: out.locate })
        : format === 'sarif'
          ? formatSarif(r, { locate: out.locate, version, rulesBaseUri: 'https://github.com/hearth-lab/hearth/blob/main/docs/rules/' })
          : formatTerminal(r, { color: opts.color !== false && !!process.stdout.isTTY && !process.env.NO_COLOR, locate: out.locate });
  process.stdout.write(text);
  if (opts.failOn && r.findings.some((f) => riskAtLeast(f.risk, opts.failOn as Risk))) return 1;
  return 0;
}
