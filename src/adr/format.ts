/**
 * hearth's decision-record file: MADR-style Markdown with YAML front matter.
 * The front matter holds the data (status, date, options, matrix, governs,
 * risks, links); the body holds the prose (context, decision, rationale,
 * consequences, validation) under MADR's headings, plus tables computed from
 * the data (the matrix with its totals, the options' pros and cons) that
 * are regenerated on every write and ignored on read.
 */
import { mdCell } from '../lib/text.js';
import { parse as parseYaml } from 'yaml';
import { toYaml, type JsonValue } from '../lib/yaml-emit.js';
import { RecordSchema, type DecisionRecord } from './model.js';
import { computeMatrix, round2 } from './matrix.js';
import { itemSources, ownNodes, parseMarkdown, sections, source, type Section } from './markdown.js';

const PROSE = {
  context: 'Context and Problem Statement',
  decision: 'Decision Outcome',
  rationale: 'Rationale',
  consequences: 'Consequences',
  validation: 'Confirmation',
} as const;

const FRONT_KEYS = ['id', 'title', 'status', 'supersededBy', 'supersedes', 'date', 'deciders', 'tags', 'chosen', 'options', 'matrix', 'risks', 'governs', 'links'] as const;


function num(n: number): string {
  return String(round2(n));
}

/** The matrix as a Markdown table with computed totals and the ranking. */
export function matrixTable(r: DecisionRecord): string[] {
  const m = r.matrix;
  if (!m) return [];
  const res = computeMatrix(m);
  const options = Object.keys(m.scores);
  const lines = [
    `| Criterion | Weight | ${options.map(mdCell).join(' | ')} |`,
    `|---|---|${options.map(() => '---').join('|')}|`,
    ...m.criteria.map((c) => `| ${mdCell(c.name)} | ${num(c.weight)} | ${options.map((o) => `${num(m.scores[o]?.[c.name] ?? 0)}/${num(m.scale)}`).join(' | ')} |`),
    `| **Total** | ${num(res.weightsSum)} | ${options.map((o) => `**${num(res.totals[o])}**`).join(' | ')} |`,
    '',
    `Ranking (computed by hearth): ${res.ranking.map((o, i) => `${i + 1}. ${o} (${num(res.totals[o])})`).join(', ')}.`,
  ];
  return lines;
}

export function formatRecord(r: DecisionRecord): string {
  const front: Record<string, unknown> = {};
  for (const k of FRONT_KEYS) {
    const v = r[k as keyof DecisionRecord];
    if (v === undefined || (Array.isArray(v) && v.length === 0)) continue;
    front[k] = v;
  }
  const out: string[] = ['---', toYaml(front as JsonValue).trimEnd(), '---', '', `# ${r.id}: ${r.title}`, ''];
  if (r.context) out.push(`## ${PROSE.context}`, '', r.context, '');
  if (r.options.length) {
    out.push('## Considered Options', '', ...r.options.map((o) => `* ${o.name}${o.name === r.chosen ? ' (chosen)' : ''}`), '');
  }
  if (r.decision || r.chosen || r.rationale || r.validation.length || r.consequences.positive.length || r.consequences.negative.length || r.consequences.neutral.length) {
    out.push(`## ${PROSE.decision}`, '');
    if (r.decision) out.push(r.decision, '');
    else if (r.chosen) out.push(`Chosen option: "${r.chosen}".`, '');
    if (r.rationale) out.push(`### ${PROSE.rationale}`, '', r.rationale, '');
    const c = r.consequences;
    if (c.positive.length || c.negative.length || c.neutral.length) {
      out.push(`### ${PROSE.consequences}`, '', ...c.positive.map((t) => `* Good, because ${t}`), ...c.negative.map((t) => `* Bad, because ${t}`), ...c.neutral.map((t) => `* Neutral, because ${t}`), '');
    }
    if (r.validation.length) out.push(`### ${PROSE.validation}`, '', ...r.validation.map((t) => `* ${t}`), '');
  }
  if (r.matrix) out.push('## Decision Matrix', '', '<!-- Computed by hearth from the front matter: edit the matrix there. -->', '', ...matrixTable(r), '');
  if (r.options.some((o) => o.pros.length || o.cons.length || o.description)) {
    out.push('## Pros and Cons of the Options', '', '<!-- From the front matter. -->', '');
    for (const o of r.options) {
      out.push(`### ${o.name}`, '');
      if (o.description) out.push(o.description, '');
      out.push(...o.pros.map((t) => `* Good, because ${t}`), ...o.cons.map((t) => `* Bad, because ${t}`), '');
    }
  }
  if (r.risks.length) {
    out.push('## Risks', '', '<!-- From the front matter. -->', '', '| Risk | Level | Mitigation |', '|---|---|---|', ...r.risks.map((x) => `| ${mdCell(x.risk)} | ${x.level ?? ''} | ${mdCell(x.mitigation ?? '')} |`), '');
  }
  if (r.governs.length) {
    out.push('## Governs', '', '<!-- From the front matter: `hearth review` reports a spec that disagrees. -->', '', ...r.governs.map((g) => `* \`${g.path}\`: \`${String(g.value)}\``), '');
  }
  while (out[out.length - 1] === '') out.pop();
  return out.join('\n') + '\n';
}

export class RecordFormatError extends Error {
  constructor(
    message: string,
    readonly line?: number,
  ) {
    super(message);
  }
}

function findSection(all: Section[], title: string, depth?: number): Section | undefined {
  return all.find((s) => s.title.toLowerCase() === title.toLowerCase() && (depth === undefined || s.depth === depth));
}

/** A record file back into data: the front matter, then the prose sections. */
export function parseRecord(text: string, file = 'record.md'): DecisionRecord {
  const m = /^---\r?\n([\s\S]*?)\r?\n---\r?\n?/.exec(text);
  if (!m) throw new RecordFormatError(`${file}: no YAML front matter (--- ... ---) at the top`, 1);
  let front: unknown;
  try {
    front = parseYaml(m[1]);
  } catch (e) {
    throw new RecordFormatError(`${file}: front matter is not valid YAML: ${(e as Error).message.split('\n')[0]}`, 2);
  }
  const root = parseMarkdown(text);
  const all = sections(root);
  const data: Record<string, unknown> = { ...(front as Record<string, unknown>) };
  // Prose keeps its Markdown source: what the author wrote, markup and all.
  const context = findSection(all, PROSE.context, 2);
  if (context) data.context = source(ownNodes(context), text);
  const decision = findSection(all, PROSE.decision, 2);
  if (decision) {
    const own = source(ownNodes(decision), text);
    const generated = /^Chosen option: "(.*)"\.$/s.exec(own);
    if (own && !(generated && generated[1] === data.chosen)) data.decision = own;
  }
  const rationale = findSection(all, PROSE.rationale, 3);
  if (rationale) data.rationale = source(ownNodes(rationale), text);
  const consequences = findSection(all, PROSE.consequences, 3);
  if (consequences) {
    const items = itemSources(ownNodes(consequences), text);
    const pick = (p: string) => items.filter((t) => t.startsWith(p)).map((t) => t.slice(p.length));
    data.consequences = { positive: pick('Good, because '), negative: pick('Bad, because '), neutral: pick('Neutral, because ') };
  }
  const validation = findSection(all, PROSE.validation, 3);
  if (validation) data.validation = itemSources(ownNodes(validation), text);
  const r = RecordSchema.safeParse(data);
  if (!r.success) {
    const i = r.error.issues[0];
    throw new RecordFormatError(`${file}: ${i.path.join('.') || '(front matter)'}: ${i.message}`, 2);
  }
  return r.data;
}
