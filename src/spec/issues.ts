/**
 * Problems found in a spec are data, not exceptions: every stage pushes
 * `Issue`s with a code, the spec path and a hint, and the CLI prints them all
 * at once. Codes form a closed union so tests and tools can match on them.
 */

export type IssueCode =
  | 'file-not-found'
  | 'file-too-large'
  | 'file-unsupported'
  | 'config-load-failed'
  | 'yaml-syntax'
  | 'yaml-duplicate-key'
  | 'yaml-alias-limit'
  | 'yaml-multiple-documents'
  | 'invalid-type'
  | 'unknown-key'
  | 'invalid-value'
  | 'missing-key'
  | 'invalid-format'
  | 'too-small'
  | 'too-big'
  | 'unresolved-reference'
  | 'duplicate-name'
  | 'invalid-name'
  | 'ip-outside-network'
  | 'ip-conflict'
  | 'pool-outside-network'
  | 'pool-overlaps-node'
  | 'missing-dependency'
  | 'invalid-combination'
  | 'capacity'
  | 'module-config';

export type PathSegment = string | number;
export type SpecPath = readonly PathSegment[];

export interface Issue {
  code: IssueCode;
  severity: 'error' | 'warning';
  /** Where in the spec, as segments: `['apps', 3, 'storage']`. */
  path: SpecPath;
  /** What is wrong, in one sentence. */
  message: string;
  /** What was expected there. */
  expected?: string;
  /** How to fix it: the defined names, the closest match, the command to run. */
  hint?: string;
  /** Source location, filled in by the loader from the YAML node at `path`. */
  file?: string;
  line?: number;
  col?: number;
}

/** `apps[3].storage`, as people read paths. */
export function formatPath(path: SpecPath): string {
  let s = '';
  for (const seg of path) {
    if (typeof seg === 'number') s += `[${seg}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(seg)) s += s === '' ? seg : `.${seg}`;
    else s += `[${JSON.stringify(seg)}]`;
  }
  return s === '' ? '(root)' : s;
}

export function issue(
  code: IssueCode,
  path: SpecPath,
  message: string,
  extra: { expected?: string; hint?: string; severity?: 'error' | 'warning' } = {},
): Issue {
  return { code, severity: extra.severity ?? 'error', path, message, expected: extra.expected, hint: extra.hint };
}

/** One issue as the CLI prints it: location, path, message, then expected and hint. */
export function formatIssue(i: Issue): string {
  const where = i.file ? `${i.file}${i.line ? `:${i.line}:${i.col ?? 1}` : ''}` : '';
  const head = `${where ? where + ': ' : ''}${i.severity} ${formatPath(i.path)}: ${i.message} [${i.code}]`;
  const lines = [head];
  if (i.expected) lines.push(`    expected: ${i.expected}`);
  if (i.hint) lines.push(`    hint: ${i.hint}`);
  return lines.join('\n');
}

/** Stable order: by file position, then path, then code. */
export function sortIssues(issues: Issue[]): Issue[] {
  return [...issues].sort(
    (a, b) =>
      (a.line ?? 0) - (b.line ?? 0) ||
      (a.col ?? 0) - (b.col ?? 0) ||
      formatPath(a.path).localeCompare(formatPath(b.path)) ||
      a.code.localeCompare(b.code) ||
      a.message.localeCompare(b.message),
  );
}

export function hasErrors(issues: readonly Issue[]): boolean {
  return issues.some((i) => i.severity === 'error');
}
