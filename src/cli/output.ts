/** How the CLI prints: issues to stderr, data to stdout, exit codes as values. */
import { formatIssue, type Issue } from '../spec/issues.js';

/** 0 = clean, 1 = findings, 2 = invalid input or fatal. */
export type ExitCode = 0 | 1 | 2;

export class ExitError extends Error {
  constructor(
    message: string,
    readonly code: ExitCode = 2,
  ) {
    super(message);
  }
}

export function printIssues(issues: readonly Issue[]): void {
  if (issues.length === 0) return;
  const errors = issues.filter((i) => i.severity === 'error').length;
  const warnings = issues.length - errors;
  process.stderr.write(issues.map(formatIssue).join('\n') + '\n');
  const parts = [errors ? `${errors} error${errors === 1 ? '' : 's'}` : '', warnings ? `${warnings} warning${warnings === 1 ? '' : 's'}` : ''].filter(Boolean);
  process.stderr.write(`\n${parts.join(', ')}\n`);
}

export function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value, null, 2) + '\n');
}
