/**
 * `hearth adr ...`: decision records in decisions/ (or --dir). Thin over
 * src/adr: the store, the matrix, lint and import.
 */
import fs from 'node:fs';
import path from 'node:path';
import { readDecisions, writeRecord, indexMarkdown, DECISIONS_DIR, INDEX_FILE, type StoredRecord } from '../../adr/store.js';
import { RecordSchema, nextId, recordFileName, type DecisionRecord } from '../../adr/model.js';
import { formatRecord, matrixTable } from '../../adr/format.js';
import { computeMatrix, round2 } from '../../adr/matrix.js';
import { governsViolations, lintLifecycle, type AdrFinding } from '../../adr/lint.js';
import { loadLab } from '../../pipeline.js';
import { resolveSpecFile } from '../../spec/load.js';
import { writeFileAtomic } from '../../write/index.js';
import { ExitError, printIssues, printJson, type ExitCode } from '../output.js';

export interface AdrOptions {
  dir?: string;
  json?: boolean;
  status?: string;
  spec?: string;
  out?: string;
  date?: string;
}

function load(opts: AdrOptions): { dir: string; stored: StoredRecord[] } {
  const dir = opts.dir ?? DECISIONS_DIR;
  const r = readDecisions(dir);
  if (r.problems.length) {
    process.stderr.write(r.problems.map((p) => `${p.file}${p.line ? `:${p.line}` : ''}: error ${p.message}`).join('\n') + '\n');
    throw new ExitError(`${r.problems.length} record${r.problems.length === 1 ? '' : 's'} in ${dir} cannot be read`, 2);
  }
  return { dir, stored: r.records };
}

function find(stored: StoredRecord[], id: string): StoredRecord {
  const s = stored.find((x) => x.record.id === id.toUpperCase());
  if (!s) throw new ExitError(`no record ${id} (records: ${stored.map((x) => x.record.id).join(', ') || 'none'})`, 2);
  return s;
}

const today = (opts: AdrOptions) => opts.date ?? new Date().toISOString().slice(0, 10);

export async function adrNew(title: string, opts: AdrOptions): Promise<ExitCode> {
  const { dir, stored } = load(opts);
  const parsed = RecordSchema.safeParse({ id: nextId(stored.map((s) => s.record)), title, status: opts.status ?? 'proposed', date: today(opts) });
  if (!parsed.success) throw new ExitError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '), 2);
  const file = writeRecord(dir, parsed.data);
  process.stdout.write(`wrote ${file}\n`);
  return 0;
}

export async function adrList(opts: AdrOptions): Promise<ExitCode> {
  const { stored } = load(opts);
  if (opts.json) printJson(stored.map((s) => ({ id: s.record.id, title: s.record.title, status: s.record.status, date: s.record.date, chosen: s.record.chosen, file: s.file })));
  else {
    for (const { record: r } of stored) process.stdout.write(`${r.id}  ${r.status.padEnd(10)}  ${r.date ?? '          '}  ${r.title}${r.supersededBy ? ` (superseded by ${r.supersededBy})` : ''}\n`);
    if (stored.length === 0) process.stdout.write('no decision records (hearth adr new "title" writes one)\n');
  }
  return 0;
}

export async function adrShow(id: string, opts: AdrOptions): Promise<ExitCode> {
  const { stored } = load(opts);
  const s = find(stored, id);
  if (opts.json) printJson(s.record);
  else process.stdout.write(formatRecord(s.record));
  return 0;
}

export async function adrSupersede(oldId: string, newId: string, opts: AdrOptions): Promise<ExitCode> {
  const { dir, stored } = load(opts);
  const a = find(stored, oldId);
  const b = find(stored, newId);
  if (a.record.id === b.record.id) throw new ExitError('a record cannot supersede itself', 2);
  const olds: DecisionRecord = { ...a.record, status: 'superseded', supersededBy: b.record.id };
  const news: DecisionRecord = { ...b.record, supersedes: [...new Set([...b.record.supersedes, a.record.id])].sort() };
  writeRecord(dir, olds, a.file);
  writeRecord(dir, news, b.file);
  process.stdout.write(`${olds.id} is superseded by ${news.id}\n`);
  if (olds.governs.length) process.stdout.write(`note: ${olds.id} still governs ${olds.governs.map((g) => g.path).join(', ')}; move what still holds to ${news.id} (hearth adr lint reports it)\n`);
  return 0;
}

function specFindings(records: DecisionRecord[], specTarget: string | undefined): Promise<AdrFinding[]> {
  const file = specTarget ? resolveSpecFile(specTarget) : resolveSpecFile('.');
  if (!file) return Promise.resolve([]);
  return loadLab(file).then((l) => {
    if (!l.spec) {
      printIssues(l.issues);
      throw new ExitError(`the spec ${file} has errors; fix them to check governs`, 2);
    }
    return governsViolations(records, l.spec).map((v) => ({
      rule: 'adr-governs-violated',
      risk: 'high' as const,
      record: v.record.id,
      message: `${v.record.id} (${v.record.title}) decided ${v.path}: ${String(v.decided)}, and ${file} has ${v.found ? `${v.path}: ${JSON.stringify(v.actual)}` : `no ${v.path}`}`,
      fix: `change the spec back to ${String(v.decided)}, or supersede ${v.record.id} with a decision that says why`,
    }));
  });
}

export async function adrLint(opts: AdrOptions): Promise<ExitCode> {
  const { stored } = load(opts);
  const records = stored.map((s) => s.record);
  const findings = [...lintLifecycle(records), ...(await specFindings(records, opts.spec))];
  if (opts.json) printJson(findings);
  else {
    for (const f of findings) process.stdout.write(`${f.risk.padEnd(6)} ${f.record}: ${f.message} [${f.rule}]\n       fix: ${f.fix}\n`);
    process.stdout.write(`${records.length} record${records.length === 1 ? '' : 's'}, ${findings.length} finding${findings.length === 1 ? '' : 's'}\n`);
  }
  return findings.some((f) => f.risk === 'high' || f.risk === 'medium') ? 1 : 0;
}

export async function adrScore(id: string, opts: AdrOptions): Promise<ExitCode> {
  const { stored } = load(opts);
  const { record: r } = find(stored, id);
  if (!r.matrix) throw new ExitError(`${r.id} has no decision matrix (add matrix: to its front matter)`, 2);
  const res = computeMatrix(r.matrix);
  if (opts.json) {
    printJson({ id: r.id, chosen: r.chosen, weightsSum: res.weightsSum, totals: Object.fromEntries(Object.entries(res.totals).map(([k, v]) => [k, round2(v)])), ranking: res.ranking, sensitivity: res.sensitivity, findings: lintLifecycle([r]).filter((f) => f.rule.startsWith('adr-matrix')) });
    return 0;
  }
  const out = [`${r.id}: ${r.title}`, '', ...matrixTable(r), '', 'Sensitivity (the weight at which another option wins, others rescaled):'];
  for (const s of res.sensitivity) out.push(`  ${s.criterion} (weight ${s.weight}): ${s.flipAt === undefined ? 'no single-weight change flips the winner' : `at ${s.flipAt}, ${s.newWinner} wins`}`);
  const matrixFindings = lintLifecycle([r]).filter((f) => f.rule.startsWith('adr-matrix'));
  if (matrixFindings.length) out.push('', ...matrixFindings.map((f) => `${f.risk}: ${f.message} [${f.rule}]`));
  process.stdout.write(out.join('\n') + '\n');
  return matrixFindings.some((f) => f.risk === 'high' || f.risk === 'medium') ? 1 : 0;
}

export async function adrExport(opts: AdrOptions): Promise<ExitCode> {
  const { dir, stored } = load(opts);
  const out = opts.out ?? dir;
  fs.mkdirSync(out, { recursive: true });
  for (const s of stored) writeFileAtomic(path.join(out, recordFileName(s.record.id, s.record.title)), formatRecord(s.record));
  writeFileAtomic(path.join(out, INDEX_FILE), indexMarkdown(stored.map((s) => s.record)));
  process.stdout.write(`wrote ${stored.length} record${stored.length === 1 ? '' : 's'} and ${path.join(out, INDEX_FILE)}\n`);
  return 0;
}

/** A hearth record file (front matter with an ADR id and a title) is read exactly; anything else is imported. */
function isHearthRecord(text: string): boolean {
  const m = /^---\r?\n([\s\S]*?)\r?\n---/.exec(text);
  return !!m && /^id:\s*ADR-\d{3,}\s*$/m.test(m[1]) && /^title:/m.test(m[1]);
}

export async function adrImport(source: string, opts: AdrOptions): Promise<ExitCode> {
  const { importDecisions } = await import('../../adr/import.js');
  const { dir, stored } = load(opts);
  if (!fs.existsSync(source)) throw new ExitError(`nothing to import at ${source}`, 2);
  const files = fs.statSync(source).isDirectory()
    ? fs
        .readdirSync(source)
        .filter((f) => /\.(md|markdown|txt)$/i.test(f) && f !== INDEX_FILE)
        .sort()
        .map((f) => path.join(source, f))
    : [source];
  const taken = new Set(stored.map((s) => s.record.id));
  const imported: { record: DecisionRecord; file: string }[] = [];
  const unmapped: { file: string; line: number; what: string }[] = [];
  const problems: string[] = [];
  for (const file of files) {
    const text = fs.readFileSync(file, 'utf8');
    if (isHearthRecord(text)) {
      try {
        const { parseRecord } = await import('../../adr/format.js');
        imported.push({ record: parseRecord(text, file), file });
      } catch (e) {
        problems.push((e as Error).message);
      }
      continue;
    }
    // Into a directory that already has records, number the new ones after them.
    const next = Math.max(0, ...[...taken, ...imported.map((i) => i.record.id)].map((id) => Number(id.slice(4)))) + 1;
    const r = importDecisions(text, file, taken.size ? { firstId: next } : {});
    for (const rec of r.records) imported.push({ record: rec, file });
    for (const u of r.unmapped) unmapped.push({ file, ...u });
  }
  const ids = new Set<string>();
  for (const i of imported) {
    if (taken.has(i.record.id) || ids.has(i.record.id)) problems.push(`${i.file}: ${i.record.id} is already taken in ${dir}; import into another --dir, or renumber`);
    ids.add(i.record.id);
  }
  if (problems.length) {
    process.stderr.write(problems.map((p) => `error ${p}`).join('\n') + '\n');
    return 2;
  }
  const written = imported.map((i) => writeRecord(dir, i.record));
  if (opts.json) printJson({ written, unmapped });
  else {
    for (const w of written) process.stdout.write(`wrote ${w}\n`);
    for (const u of unmapped) process.stdout.write(`${u.file}:${u.line}: not mapped: ${u.what}\n`);
    process.stdout.write(`${written.length} record${written.length === 1 ? '' : 's'} imported${unmapped.length ? `, ${unmapped.length} part${unmapped.length === 1 ? '' : 's'} not mapped (listed above)` : ''}\n`);
  }
  return 0;
}
