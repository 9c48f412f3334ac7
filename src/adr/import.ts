/**
 * `hearth adr import`: foreign Markdown decision records → hearth records.
 *
 * One document may hold one record (Nygard/adr-tools, MADR 2/3/4, a single
 * "# ADR-001: ..." review) or many ("## ADR-001: ..." sections, a decision
 * log with "## Decision N: ..." sections, decision tables with a
 * Decision | Choice | Rationale header). The format is detected per
 * document; sections are then mapped by their (cleaned) titles, so extra
 * headings, missing sections, bold and emoji decoration and mis-encoded
 * emoji do not stop an import. Whatever the importer could not put in a
 * field is returned in `unmapped` with its line. Figures the document
 * states (matrix weights, scores, totals, ranking) are kept as stated, for
 * `hearth adr lint` to check against `computeMatrix`. Mapping rules and
 * limits: docs/adr/import.md.
 */
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { Root, RootContent, List, ListItem, Table, Yaml } from 'mdast';
import { RecordSchema, type DecisionRecord, type Matrix, type Status } from './model.js';
import { cellNumber, fixMojibake, parseMarkdown, sectionNodes, sectionTree, sourceOf, type SectionNode } from './markdown.js';

export interface Unmapped {
  line: number;
  what: string;
}

/** How the document was read (see docs/adr/import.md). */
export type ImportFormat = 'nygard' | 'madr2' | 'madr3' | 'madr4' | 'adr-sections' | 'decision-log' | 'decision-table' | 'unknown';

export interface ImportOptions {
  /** Number the records firstId, firstId+1, ... in document order instead of keeping the numbers the document states. */
  firstId?: number;
}

export interface ImportResult {
  records: DecisionRecord[];
  unmapped: Unmapped[];
  format: ImportFormat;
}

// ---------------------------------------------------------------------------
// Records in the making

type Level = 'low' | 'medium' | 'high';
interface DraftOption {
  name: string;
  description: string[];
  pros: string[];
  cons: string[];
  selected: boolean;
}
interface DraftRisk {
  risk: string;
  level?: Level;
  mitigation: string[];
  /** The source named only mitigations (risk holds the record title until a risk table names it). */
  unnamed?: boolean;
}
interface Draft {
  line: number;
  /** The number the document gives the record (ADR-007, "7. Title", "Decision 7:"). */
  number?: number;
  id?: string;
  section?: SectionNode;
  title: string;
  status?: Status;
  supersededBy?: string;
  supersedes: string[];
  date?: string;
  dateLine?: number;
  deciders: string[];
  tags: string[];
  context: string[];
  decision: string[];
  rationale: string[];
  options: DraftOption[];
  chosen?: string;
  consequences: { positive: string[]; negative: string[]; neutral: string[] };
  validation: string[];
  risks: DraftRisk[];
  matrix?: Matrix;
  links: { rel: string; target: string }[];
}

function draft(title: string, line: number, section?: SectionNode): Draft {
  return {
    line,
    section,
    title,
    supersedes: [],
    deciders: [],
    tags: [],
    context: [],
    decision: [],
    rationale: [],
    options: [],
    consequences: { positive: [], negative: [], neutral: [] },
    validation: [],
    risks: [],
    links: [],
  };
}

/** What was used and what is reported. */
class Ctx {
  readonly used = new Set<unknown>();
  readonly unmapped: Unmapped[] = [];
  constructor(
    readonly text: string,
    readonly file: string,
  ) {}
  use(...nodes: (RootContent | undefined)[]): void {
    for (const n of nodes) if (n) this.used.add(n);
  }
  useSection(s: SectionNode): void {
    this.use(s.heading, ...sectionNodes(s));
  }
  report(line: number, what: string, ...nodes: RootContent[]): void {
    this.unmapped.push({ line, what });
    this.use(...nodes);
  }
  src(nodes: readonly RootContent[]): string {
    return sourceOf(this.text, nodes);
  }
  /** One line of Markdown source: a paragraph, or a list item's own content (nested items follow in parentheses). */
  line(n: RootContent | ListItem): string {
    if (n.type !== 'listItem') return oneLine(this.src([n]));
    const own = oneLine(this.src(n.children.filter((c) => c.type !== 'list') as RootContent[])).replace(/^\[[ xX]\]\s+/, '');
    const nested = n.children.filter((c): c is List => c.type === 'list').flatMap((l) => l.children.map((i) => this.line(i)));
    return nested.length ? `${own} (${nested.join('; ')})` : own;
  }
}

/** Markdown source on one line (items are written back as one bullet each). */
const oneLine = (s: string): string => s.replace(/\s*\n\s*/g, ' ').trim();

// ---------------------------------------------------------------------------
// Small text helpers

const lineOf = (n: { position?: { start: { line: number } } } | undefined): number => n?.position?.start.line ?? 0;

/** Plain text of a node: hard breaks become spaces, HTML (comments) is dropped. */
function plain(n: unknown): string {
  const node = n as { type: string; value?: string; children?: unknown[] };
  if (node.type === 'break') return ' ';
  if (node.type === 'html') return '';
  if (typeof node.value === 'string') return node.value;
  return (node.children ?? []).map(plain).join('');
}
const squash = (s: string): string => s.replace(/\s+/g, ' ').trim();
const excerpt = (s: string, n = 60): string => {
  const t = squash(s);
  return t.length > n ? `${t.slice(0, n - 1)}…` : t;
};

/** A list item's plain text (for names and matching); nested items follow in parentheses. */
function itemText(item: ListItem): string {
  const own = squash(item.children.filter((c) => c.type !== 'list').map(plain).join(' '));
  const nested = item.children.filter((c): c is List => c.type === 'list').flatMap((l) => l.children.map(itemText));
  return nested.length ? `${own} (${nested.join('; ')})` : own;
}

const idFor = (n: number): string => `ADR-${String(n).padStart(3, '0')}`;

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/** "2025-09-08", "2025/09/08", "September 8, 2025", "8 Sept 2025" → YYYY-MM-DD. */
export function parseDate(s: string): string | undefined {
  const t = s.replace(/[*_`]/g, ' ');
  let y: number | undefined, mo: number | undefined, d: number | undefined;
  let m = /\b(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})\b/.exec(t);
  if (m) [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (!m && (m = /\b([A-Za-z]{3,9})\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})\b/.exec(t))) {
    const i = MONTHS.indexOf(m[1].slice(0, 3).toLowerCase());
    if (i >= 0) [y, mo, d] = [Number(m[3]), i + 1, Number(m[2])];
  }
  if (y === undefined && (m = /\b(\d{1,2})(?:st|nd|rd|th)?\s+([A-Za-z]{3,9})\.?,?\s+(\d{4})\b/.exec(t))) {
    const i = MONTHS.indexOf(m[2].slice(0, 3).toLowerCase());
    if (i >= 0) [y, mo, d] = [Number(m[3]), i + 1, Number(m[1])];
  }
  if (y === undefined || mo === undefined || d === undefined) return undefined;
  const date = new Date(Date.UTC(y, mo - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) return undefined;
  return date.toISOString().slice(0, 10);
}

function setDate(d: Draft, value: string, line: number, ctx: Ctx): void {
  const date = parseDate(value);
  if (!date) return void ctx.report(line, `date "${excerpt(value)}" not understood`);
  if (d.date && d.date !== date) return void ctx.report(line, `date ${date} disagrees with ${d.date} (line ${d.dateLine}); kept ${d.date}`);
  d.date = date;
  d.dateLine ??= line;
}

function splitNames(v: unknown): string[] {
  if (Array.isArray(v)) return v.map((x) => squash(String(x))).filter(Boolean);
  if (typeof v !== 'string') return [];
  return v
    .split(/\s*(?:,|;|\band\b|&)\s*/)
    .map((x) => squash(x.replace(/[*_]/g, '')))
    .filter(Boolean);
}

// ---------------------------------------------------------------------------
// Status and relations

const STATUS_WORDS: [RegExp, Status][] = [
  [/^(accepted|approved|adopted|agreed|decided|done|implemented|active|in effect)\b/i, 'accepted'],
  [/^(proposed|proposal|draft|open|pending|under (review|discussion)|in (progress|review)|deferred|postponed|tbd)\b/i, 'proposed'],
  [/^(rejected|declined|refused|abandoned)\b/i, 'rejected'],
  [/^(deprecated|obsolete|retired|withdrawn)\b/i, 'deprecated'],
  [/^superseded\b/i, 'superseded'],
];

/** The record id a reference names: "ADR-0005", "[2. Use X](0002-use-x.md)", "7". */
function refId(text: string, url?: string): string | undefined {
  const m = /\bADR[-_ ]?(\d+)/i.exec(text) ?? (url ? /(?:^|\/)(?:ADR-)?(\d+)[-_.]/i.exec(url) : null) ?? /^\s*(\d+)\b/.exec(text);
  return m ? idFor(Number(m[1])) : undefined;
}

interface StatusRead {
  status?: Status;
  supersededBy?: string;
  supersedes: string[];
  links: { rel: string; target: string }[];
  unread: string[];
}

/** Reads a status value or a Status section (Markdown source, one statement a line). */
function readStatus(raw: string): StatusRead {
  const out: StatusRead = { supersedes: [], links: [], unread: [] };
  for (const line0 of raw.split('\n')) {
    const line = line0.replace(/^\s*(?:[-*+]|\d+[.)])\s+/, '').replace(/[*_]/g, '').trim();
    if (!line) continue;
    const link = /\[([^\]]*)\]\(\s*<?([^)\s>]*)>?[^)]*\)/.exec(line);
    const text = line.replace(/\[([^\]]*)\]\([^)]*\)/g, '$1');
    const rel = /^(superseded by|supersedes|amended by|amends|clarified by|clarifies|refined by|refines|extended by|extends|related to|see also)\s*:?\s*(.*)$/i.exec(text);
    const status = STATUS_WORDS.find(([re]) => re.test(text))?.[1];
    if (rel) {
      const kind = rel[1].toLowerCase();
      const target = refId(link?.[1] ?? rel[2], link?.[2]);
      if (kind === 'superseded by') {
        out.status = 'superseded';
        if (target) out.supersededBy = target;
        if (link?.[2]) out.links.push({ rel: 'superseded-by', target: link[2] });
        else if (!target) out.unread.push(line);
      } else if (kind === 'supersedes' && target) out.supersedes.push(target);
      else if (link?.[2] || rel[2]) out.links.push({ rel: kind.replace(/\s+/g, '-'), target: link?.[2] || rel[2] });
      else out.unread.push(line);
    } else if (status && !out.status) out.status = status;
    else out.unread.push(line);
  }
  return out;
}

function applyStatus(d: Draft, raw: string, line: number, ctx: Ctx): void {
  const s = readStatus(raw);
  if (s.status) d.status = s.status;
  if (s.supersededBy) d.supersededBy = s.supersededBy;
  d.supersedes.push(...s.supersedes.filter((x) => !d.supersedes.includes(x)));
  d.links.push(...s.links);
  for (const u of s.unread) ctx.report(line, `status "${excerpt(u)}" not understood`);
}

// ---------------------------------------------------------------------------
// Metadata: front matter, "Key: value" paragraphs and bullets

const META_LINE = /^\s*[*_]*\s*([A-Za-z][A-Za-z /-]{0,30}?)\s*[*_]*\s*:\s*[*_]*\s*(\S.*?)\s*[*_]*\s*$/;

/** The "Key: value" pairs of a paragraph or list when every line/item is one, else undefined. */
interface MetaPair {
  /** Lower-cased key. */
  key: string;
  /** The key as written. */
  name: string;
  value: string;
  line: number;
}

function metaPairs(ctx: Ctx, n: RootContent): MetaPair[] | undefined {
  if (n.type === 'paragraph') {
    const raw = ctx.src([n]);
    const lines = raw.split('\n').map((l) => l.replace(/\s*\\$/, ''));
    const pairs = lines.map((l, i) => {
      const m = META_LINE.exec(l);
      return m ? { key: m[1].trim().toLowerCase(), name: m[1].trim(), value: m[2], line: lineOf(n) + i } : undefined;
    });
    return pairs.every(Boolean) ? (pairs as MetaPair[]) : undefined;
  }
  if (n.type === 'list') {
    const pairs = n.children.map((item) => {
      const m = META_LINE.exec(ctx.src(item.children.filter((c) => c.type !== 'list') as RootContent[]).replace(/\n/g, ' '));
      return m ? { key: m[1].trim().toLowerCase(), name: m[1].trim(), value: m[2], line: lineOf(item) } : undefined;
    });
    return pairs.length && pairs.every(Boolean) ? (pairs as MetaPair[]) : undefined;
  }
  return undefined;
}

const META_KEYS = /^(status|date|last updated|updated|deciders|decision[- ]makers|author|authors|reviewed by|reviewers?|tags|technical story)$/;

/** Applies metadata to the drafts (a document's header applies to every record in it). */
function applyMeta(drafts: Draft[], key: string, value: unknown, line: number, ctx: Ctx, where: string, name = key): void {
  const str = typeof value === 'string' ? value : Array.isArray(value) ? value.join(', ') : String(value);
  if (/^(status)$/.test(key)) for (const d of drafts) applyStatus(d, str, line, ctx);
  else if (/^(date|last updated|updated)$/.test(key)) for (const d of drafts) setDate(d, str, line, ctx);
  else if (/^(deciders|decision[- ]makers|author|authors|reviewed by|reviewers?)$/.test(key))
    for (const d of drafts) d.deciders.push(...splitNames(value).filter((x) => !d.deciders.includes(x)));
  else if (key === 'tags') for (const d of drafts) d.tags.push(...splitNames(value).filter((x) => !d.tags.includes(x)));
  else if (key === 'technical story') {
    const url = /\]\(([^)\s]+)/.exec(str)?.[1] ?? /https?:\/\/\S+/.exec(str)?.[0];
    for (const d of drafts) d.links.push({ rel: 'technical-story', target: url ?? squash(str.replace(/[[\]]/g, '')) });
  } else ctx.report(line, `${where} field "${name}: ${excerpt(str, 50)}" not mapped`);
}

/** Header metadata: "Key: value" paragraphs and bullet lists right under the title. */
function headerMeta(ctx: Ctx, s: SectionNode | undefined, drafts: Draft[], where: string, onlyKnownLists = false): void {
  if (!s) return;
  for (const n of s.own) {
    if (n.type !== 'paragraph' && n.type !== 'list') continue;
    const pairs = metaPairs(ctx, n);
    if (!pairs) continue;
    if (n.type === 'list' && onlyKnownLists && !pairs.every((p) => META_KEYS.test(p.key))) continue;
    for (const p of pairs) applyMeta(drafts, p.key, p.value, p.line, ctx, where, p.name);
    ctx.use(n);
  }
}

/** Metadata after the document's last thematic break ("*Reviewed by: ...*", "*Date: ...*"). */
function trailerMeta(ctx: Ctx, root: Root, drafts: Draft[]): void {
  const kids = root.children;
  const hr = kids.map((n) => n.type).lastIndexOf('thematicBreak');
  if (hr < 0 || hr === kids.length - 1) return;
  const tail = kids.slice(hr + 1);
  const pairs = tail.map((n) => metaPairs(ctx, n));
  if (!pairs.every((p) => p && p.every((x) => META_KEYS.test(x.key)))) return;
  tail.forEach((n, i) => {
    for (const p of pairs[i]!) applyMeta(drafts, p.key, p.value, p.line, ctx, 'document', p.name);
    ctx.use(n);
  });
}

function frontMatter(root: Root, ctx: Ctx): { data: Record<string, unknown>; node: Yaml } | undefined {
  const node = root.children.find((n): n is Yaml => n.type === 'yaml');
  if (!node) return undefined;
  try {
    const data = parseYaml(node.value) as unknown;
    if (data && typeof data === 'object' && !Array.isArray(data)) return { data: data as Record<string, unknown>, node };
  } catch (e) {
    ctx.report(lineOf(node), `front matter is not YAML: ${excerpt((e as Error).message)}`, node);
  }
  return undefined;
}

// ---------------------------------------------------------------------------
// Sections of a record, by title

type Kind =
  | 'status'
  | 'context'
  | 'drivers'
  | 'options'
  | 'proscons'
  | 'decision'
  | 'outcome'
  | 'rationale'
  | 'consequences'
  | 'positive'
  | 'negative'
  | 'neutral'
  | 'validation'
  | 'risks'
  | 'mitigation'
  | 'links';

const KINDS: [RegExp, Kind][] = [
  [/^status$/i, 'status'],
  [/^(context( and problem( statement)?)?|problem( statement)?|background)$/i, 'context'],
  [/^(decision )?drivers$/i, 'drivers'],
  [/^(considered options|options( evaluated| considered)?|alternatives( considered)?)$/i, 'options'],
  [/^pros and cons( of the options)?$/i, 'proscons'],
  [/^decision$/i, 'decision'],
  [/^decision outcome$/i, 'outcome'],
  [/^((decision )?rationale|justification)$/i, 'rationale'],
  [/^consequences$/i, 'consequences'],
  [/^positive( consequences)?$/i, 'positive'],
  [/^negative( consequences)?$/i, 'negative'],
  [/^neutral( consequences)?$/i, 'neutral'],
  [/^(confirmation|validation|verification|success criteria( (&|and) validation)?)$/i, 'validation'],
  [/^risks?$/i, 'risks'],
  [/^(risk mitigations?|mitigations?)$/i, 'mitigation'],
  [/^(links|related (decisions|records))$/i, 'links'],
];

const kindOf = (title: string): Kind | undefined => KINDS.find(([re]) => re.test(title.trim()))?.[1];

type Bucket = 'positive' | 'negative' | 'neutral';
const LABELS: [RegExp, Bucket][] = [
  [/^(pros?|advantages?|good|positive( consequences)?|benefits?|strengths?|upsides?)$/i, 'positive'],
  [/^(cons?|disadvantages?|bad|negative( consequences)?|drawbacks?|weaknesses?|downsides?|costs?)$/i, 'negative'],
  [/^neutral( consequences)?$/i, 'neutral'],
];
/** A paragraph that only labels the list after it ("**Pros**:", "Negative:"). */
const labelOf = (text: string): Bucket | undefined => LABELS.find(([re]) => re.test(text.replace(/[:：]\s*$/, '').trim()))?.[1];
/** "Good, because X" / "Bad: X" / "Neutral, because X". */
function prefixed(text: string): { bucket: Bucket; text: string } | undefined {
  const m = /^[*_]*(good|bad|neutral|pro|con|positive|negative)[*_]*\s*(?:,\s*because\b,?|:)[*_]*\s*(.*)$/i.exec(text);
  if (!m) return undefined;
  const w = m[1].toLowerCase();
  return { bucket: w === 'good' || w === 'pro' || w === 'positive' ? 'positive' : w === 'neutral' ? 'neutral' : 'negative', text: m[2] };
}

/** Items of nodes sorted into buckets: label paragraphs, "Good, because" prefixes, else the default bucket. */
function bucketItems(ctx: Ctx, nodes: readonly RootContent[], fallback: Bucket | undefined, onOther: (n: RootContent) => void): { bucket: Bucket | undefined; text: string }[] {
  const out: { bucket: Bucket | undefined; text: string }[] = [];
  let current: Bucket | undefined;
  for (const n of nodes) {
    if (ctx.used.has(n)) continue;
    if (n.type === 'paragraph') {
      const t = squash(plain(n));
      const label = labelOf(t);
      if (label) {
        current = label;
        ctx.use(n);
        continue;
      }
      // "**Positive:** a thing" on one line.
      const inline = /^[*_]*([A-Za-z ]+?)\s*:[*_]*\s*:?\s*[*_]*\s*(.+)$/.exec(ctx.line(n));
      const lab = inline ? labelOf(inline[1]) : undefined;
      if (inline && lab) {
        out.push({ bucket: lab, text: inline[2] });
        ctx.use(n);
      }
      else onOther(n);
      continue;
    }
    if (n.type === 'list') {
      for (const item of n.children) {
        const t = ctx.line(item);
        const p = prefixed(t);
        out.push(p ? { bucket: p.bucket, text: p.text } : { bucket: current ?? fallback, text: t });
      }
      ctx.use(n);
      continue;
    }
    onOther(n);
  }
  return out;
}

/** Maps a record's sub-section by its title; false when the title names no field. */
function mapSection(s: SectionNode, d: Draft, ctx: Ctx): boolean {
  const kind = kindOf(s.title);
  if (!kind) return false;
  ctx.use(s.heading);
  switch (kind) {
    case 'status':
      applyStatus(d, ctx.src(s.own.filter((n) => !ctx.used.has(n))), s.line, ctx);
      ctx.use(...s.own);
      mapChildren(s, d, ctx, 'report');
      break;
    case 'context':
      pushProse(d.context, s, d, ctx);
      break;
    case 'drivers': {
      const body = ctx.src(s.own.filter((n) => !ctx.used.has(n)));
      if (body) d.context.push(`Decision drivers:\n\n${body}`);
      ctx.use(...s.own);
      mapChildren(s, d, ctx, 'report');
      break;
    }
    case 'decision':
      pushProse(d.decision, s, d, ctx);
      break;
    case 'outcome':
      readOutcome(s, d, ctx);
      break;
    case 'rationale':
      pushProse(d.rationale, s, d, ctx);
      break;
    case 'options':
      readOptions(s, d, ctx);
      break;
    case 'proscons':
      for (const c of s.children) {
        ctx.use(c.heading);
        mergeOption(d, readOption(c, ctx));
      }
      break;
    case 'consequences':
    case 'positive':
    case 'negative':
    case 'neutral':
      readConsequences(s, d, ctx, kind === 'consequences' ? 'neutral' : kind);
      break;
    case 'validation':
      // Sub-headings only group the items ("Technical Validation", "Operational Validation").
      for (const n of sectionNodes(s)) {
        if (ctx.used.has(n)) continue;
        if (n.type === 'list') d.validation.push(...n.children.map((i) => ctx.line(i)));
        else if (n.type === 'paragraph') d.validation.push(ctx.line(n));
        else if (n.type !== 'heading') continue;
        ctx.use(n);
      }
      break;
    case 'risks':
      for (const n of s.own) {
        if (ctx.used.has(n) || n.type !== 'list') continue;
        for (const item of n.children) d.risks.push(riskFromText(ctx.line(item)));
        ctx.use(n);
      }
      mapChildren(s, d, ctx, 'report');
      break;
    case 'mitigation': {
      const items = s.own.filter((n): n is List => n.type === 'list' && !ctx.used.has(n)).flatMap((l) => l.children.map((i) => ctx.line(i)));
      ctx.use(...s.own.filter((n) => n.type === 'list'));
      if (items.length) d.risks.push({ risk: d.title, mitigation: items, unnamed: true });
      mapChildren(s, d, ctx, 'report');
      break;
    }
    case 'links':
      for (const n of s.own) {
        if (n.type !== 'list' || ctx.used.has(n)) continue;
        for (const item of n.children) {
          const raw = ctx.src(item.children.filter((c) => c.type !== 'list') as RootContent[]);
          const st = readStatus(raw);
          if (st.supersededBy) d.supersededBy = st.supersededBy;
          d.supersedes.push(...st.supersedes);
          d.links.push(...st.links);
          if (st.unread.length) {
            const url = /\]\(([^)\s]+)/.exec(raw)?.[1];
            if (url) d.links.push({ rel: 'related', target: url });
            else ctx.report(lineOf(item), `link "${excerpt(raw)}" not understood`);
          }
          if (st.status === 'superseded' && !st.supersededBy) ctx.report(lineOf(item), `link "${excerpt(raw)}" names no record`);
        }
        ctx.use(n);
      }
      break;
  }
  return true;
}

/** Prose pieces: nodes (their Markdown source) or text made by the importer. */
type Piece = RootContent | string;

/**
 * Children of a mapped section: those whose titles name a field are mapped;
 * the others are folded into the parent's prose ('fold') or left for the
 * unmapped report ('report'). A folded sub-heading becomes a bold line:
 * hearth's record body has headings of its own, and a heading inside a prose
 * field would end the field when the record is read back.
 */
function mapChildren(s: SectionNode, d: Draft, ctx: Ctx, others: 'fold' | 'report', fold?: Piece[]): void {
  for (const c of s.children) {
    if (mapSection(c, d, ctx)) continue;
    if (others === 'fold' && fold) fold.push(...folded(c, ctx));
  }
}

function folded(c: SectionNode, ctx: Ctx): Piece[] {
  const out: Piece[] = [`**${c.title}**`, ...c.own.filter((n) => !ctx.used.has(n) && !isComment(n))];
  ctx.use(c.heading, ...c.own);
  for (const k of c.children) out.push(...folded(k, ctx));
  return out;
}

const isComment = (n: RootContent): boolean => n.type === 'html' && /^\s*<!--/.test(n.value);

function joinPieces(ctx: Ctx, pieces: readonly Piece[]): string {
  return pieces
    .map((p) => (typeof p === 'string' ? p : ctx.src([p])))
    .filter(Boolean)
    .join('\n\n');
}

/** A prose field: the section's own Markdown plus sub-sections that name no other field. */
function pushProse(field: string[], s: SectionNode, d: Draft, ctx: Ctx): void {
  const pieces: Piece[] = s.own.filter((n) => !ctx.used.has(n) && !isComment(n));
  ctx.use(...s.own);
  mapChildren(s, d, ctx, 'fold', pieces);
  const text = joinPieces(ctx, pieces);
  if (text) field.push(text);
}

/** MADR "Decision Outcome": `Chosen option: "X", because Y.` plus Consequences/Confirmation sub-sections. */
function readOutcome(s: SectionNode, d: Draft, ctx: Ctx): void {
  const rest: Piece[] = [];
  for (const n of s.own) {
    if (ctx.used.has(n)) continue;
    const t = n.type === 'paragraph' ? squash(plain(n)) : '';
    const m = /^chosen (?:option|alternative)\s*:?\s*(?:["“'‘]([^"”'’]+)["”'’]|([^,]+?))\s*(?:[,.]\s*(?:because\b,?\s*([\s\S]*))?)?$/i.exec(t);
    if (m) {
      d.chosen = squash((m[1] ?? m[2]).replace(/^\[|\]$/g, ''));
      if (m[3]) d.rationale.push(m[3].trim());
    }
    rest.push(n);
  }
  ctx.use(...s.own);
  mapChildren(s, d, ctx, 'fold', rest);
  const text = joinPieces(ctx, rest.filter((n) => typeof n === 'string' || !isComment(n)));
  if (text) d.decision.push(text);
}

const SELECTED = /\s*[([]\s*(selected|chosen|accepted|decision|winner)\s*[)\]]\s*$/i;

/** One option from its own section ("#### Option D: K3s (Selected)", MADR "### Option title"). */
function readOption(s: SectionNode, ctx: Ctx): DraftOption {
  const selected = SELECTED.test(s.title);
  const name = squash(s.title.replace(SELECTED, '').replace(/^(?:option|alternative)\s+(?:[A-Z]|\d+)\s*[:.)\-–—]\s*/i, '')) || s.title;
  const o: DraftOption = { name, description: [], pros: [], cons: [], selected };
  const nodes = s.own;
  for (const c of s.children) {
    const b = labelOf(c.title);
    if (!b) continue;
    ctx.use(c.heading);
    for (const it of bucketItems(ctx, c.own, b, () => undefined)) (it.bucket === 'negative' ? o.cons : it.bucket === 'positive' ? o.pros : o.description).push(it.text);
  }
  const other: RootContent[] = [];
  for (const it of bucketItems(ctx, nodes, undefined, (n) => other.push(n))) {
    if (it.bucket === 'positive') o.pros.push(it.text);
    else if (it.bucket === 'negative') o.cons.push(it.text);
    else if (it.bucket === 'neutral') o.description.push(`Neutral: ${it.text}`);
    else o.description.push(it.text);
  }
  const desc = ctx.src(other.filter((n) => n.type === 'paragraph' || n.type === 'blockquote' || n.type === 'code' || n.type === 'table'));
  if (desc) o.description.unshift(desc);
  ctx.use(...other.filter((n) => n.type === 'paragraph' || n.type === 'blockquote' || n.type === 'code' || n.type === 'table'));
  return o;
}

function sameName(a: string, b: string): boolean {
  const n = (s: string) => s.toLowerCase().replace(/[^a-z0-9]+/g, ' ').trim();
  return n(a) === n(b);
}

function mergeOption(d: Draft, o: DraftOption): void {
  const known = d.options.find((x) => sameName(x.name, o.name));
  if (!known) return void d.options.push(o);
  known.description.push(...o.description);
  known.pros.push(...o.pros);
  known.cons.push(...o.cons);
  known.selected ||= o.selected;
}

function readOptions(s: SectionNode, d: Draft, ctx: Ctx): void {
  for (const n of s.own) {
    if (n.type !== 'list' || ctx.used.has(n)) continue;
    for (const item of n.children) {
      const own = squash(item.children.filter((c) => c.type !== 'list').map(plain).join(' '));
      const nested = item.children.filter((c): c is List => c.type === 'list');
      const o: DraftOption = { name: own.replace(SELECTED, ''), description: [], pros: [], cons: [], selected: SELECTED.test(own) };
      for (const it of bucketItems(ctx, nested, undefined, () => undefined))
        (it.bucket === 'positive' ? o.pros : it.bucket === 'negative' ? o.cons : o.description).push(it.text);
      if (o.name) mergeOption(d, o);
    }
    ctx.use(n);
  }
  for (const c of s.children) {
    if (mapSection(c, d, ctx)) continue;
    ctx.use(c.heading);
    mergeOption(d, readOption(c, ctx));
  }
}

function readConsequences(s: SectionNode, d: Draft, ctx: Ctx, fallback: Bucket): void {
  const items = bucketItems(ctx, s.own, fallback, (n) => {
    // Prose consequences (Nygard): one item a paragraph.
    if (n.type === 'paragraph' || n.type === 'blockquote') {
      d.consequences[fallback].push(ctx.line(n));
      ctx.use(n);
    }
  });
  for (const it of items) d.consequences[it.bucket ?? fallback].push(it.text);
  for (const c of s.children) {
    if (mapSection(c, d, ctx)) continue;
    const b = labelOf(c.title);
    if (!b) continue;
    ctx.use(c.heading);
    for (const it of bucketItems(ctx, c.own, b, () => undefined)) d.consequences[it.bucket ?? b].push(it.text);
  }
}

function levelOf(text: string): Level | undefined {
  const m = /\b(low|medium|moderate|high|critical|severe)\b/i.exec(text);
  if (!m) return undefined;
  const w = m[1].toLowerCase();
  return w === 'low' ? 'low' : w === 'medium' || w === 'moderate' ? 'medium' : 'high';
}

/** "Risk text (High) — mitigation: ..." */
function riskFromText(t: string): DraftRisk {
  const [risk, mitigation] = t.split(/\s*(?:[—–-]\s*)?(?:\bmitigation\s*:|\bmitigated by\b|→)\s*/i, 2);
  const lv = /^\s*\(?\[?(low|medium|high)\]?\)?\s*[:—–-]\s*/i.exec(risk) ?? /\s*[([](low|medium|high)(?: risk)?[)\]]/i.exec(risk);
  return { risk: squash(lv ? risk.replace(lv[0], ' ') : risk) || t, level: lv ? levelOf(lv[1]) : undefined, mitigation: mitigation ? [mitigation] : [] };
}

// ---------------------------------------------------------------------------
// Tables: weighted matrices and risk tables

interface Cells {
  cells: string[];
  line: number;
}
function tableRows(t: Table): Cells[] {
  return t.children.map((r) => ({ cells: r.children.map((c) => squash(plain(c))), line: lineOf(r) }));
}

const TOTAL_ROW = /^(weighted )?(total|sum|overall)( score)?s?$/i;

/** A weighted scoring table: a criteria column, a weight column, one column an option. */
function readMatrix(t: Table, ctx: Ctx, where: string): Matrix | undefined {
  const rows = tableRows(t);
  const header = rows[0]?.cells ?? [];
  const wi = header.findIndex((h) => /^weight(s|ing)?\b/i.test(h));
  if (wi < 0) return undefined;
  let ci = header.findIndex((h) => /^(criteria|criterion|factors?|dimensions?|requirements?|attributes?)$/i.test(h));
  if (ci < 0) ci = wi === 0 ? 1 : 0;
  const cols = header.map((h, i) => ({ h, i })).filter(({ h, i }) => i !== ci && i !== wi && h && !/^(notes?|comments?|description|rationale|why)$/i.test(h));
  if (!cols.length) return undefined;
  ctx.use(t);
  const criteria: Matrix['criteria'] = [];
  const scores: Record<string, Record<string, number>> = Object.fromEntries(cols.map(({ h }) => [h, {}]));
  const stated: NonNullable<Matrix['stated']> = {};
  const denominators: number[] = [];
  let percent = false;
  for (const row of rows.slice(1)) {
    const name = row.cells[ci] ?? '';
    const wcell = row.cells[wi] ?? '';
    if (TOTAL_ROW.test(name.replace(/\*/g, ''))) {
      const ws = cellNumber(wcell);
      if (ws !== undefined) stated.weightsSum = ws;
      for (const { h, i } of cols) {
        const v = cellNumber(row.cells[i] ?? '');
        if (v !== undefined) (stated.totals ??= {})[h] = v;
      }
      continue;
    }
    const w = cellNumber(wcell);
    if (!name || w === undefined) {
      ctx.report(row.line, `matrix row "${excerpt(name || row.cells.join(' | '))}"${where}: weight "${wcell}" is not a number; row left out`);
      continue;
    }
    if (/%/.test(wcell)) percent = true;
    criteria.push({ name, weight: w });
    for (const { h, i } of cols) {
      const cell = row.cells[i] ?? '';
      const v = cellNumber(cell);
      if (v === undefined) {
        ctx.report(row.line, `matrix row "${excerpt(name)}"${where}: score "${cell}" for "${h}" is not a number; left out`);
        continue;
      }
      const den = /\/\s*(\d+(?:\.\d+)?)/.exec(cell);
      if (den) denominators.push(Number(den[1]));
      scores[h][name] = v;
    }
  }
  if (!criteria.length) {
    ctx.report(lineOf(t), `scoring table${where} has no readable criteria`);
    return undefined;
  }
  const weights = criteria.map((c) => c.weight);
  const sum = weights.reduce((a, b) => a + b, 0);
  const weightsTotal = percent ? 100 : weights.every((w) => w <= 1) && Math.abs(sum - 1) < 0.011 ? 1 : Math.abs(sum - 100) < 0.5 ? 100 : sum;
  const max = Math.max(0, ...Object.values(scores).flatMap((o) => Object.values(o)));
  const scale = denominators.length ? Math.max(...denominators) : max <= 5 ? 5 : max <= 10 ? 10 : 100;
  const m: Matrix = { scale, weightsTotal, criteria, scores };
  if (Object.keys(stated).length) m.stated = stated;
  return m;
}

/** "**Total Score**: K3s (4.1/5), Full K8s (3.6/5)" and "Ranking: A > B > C" lines next to a matrix. */
function readStatedLines(nodes: readonly RootContent[], m: Matrix, ctx: Ctx, where: string): void {
  const columns = Object.keys(m.scores);
  const column = (name: string): string => columns.find((c) => sameName(c, name)) ?? name;
  for (const n of nodes) {
    if (n.type !== 'paragraph' || ctx.used.has(n)) continue;
    const t = squash(plain(n));
    const tot = /^(?:weighted |final |overall )?(?:total|totals|total scores?|scores?|results?)\s*:\s*(.+)$/i.exec(t);
    const rk = /^(?:final )?rank(?:ing|ed)?\s*:\s*(.+)$/i.exec(t);
    if (tot) {
      const pairs: [string, number][] = [];
      for (const part of tot[1].split(/\s*[,;]\s*/)) {
        const p = /^(.+?)\s*\(\s*(-?\d+(?:\.\d+)?)\s*(?:\/\s*\d+(?:\.\d+)?)?\s*\)\.?$/.exec(part) ?? /^(.+?)\s*[:=]\s*(-?\d+(?:\.\d+)?)\s*(?:\/\s*\d+(?:\.\d+)?)?\.?$/.exec(part);
        if (p) pairs.push([column(squash(p[1])), Number(p[2])]);
        else ctx.report(lineOf(n), `stated total "${excerpt(part)}"${where} not understood`);
      }
      if (!pairs.length) continue;
      m.stated ??= {};
      m.stated.totals = { ...(m.stated.totals ?? {}), ...Object.fromEntries(pairs) };
      for (const [name] of pairs) if (!columns.includes(name)) ctx.report(lineOf(n), `stated total for "${name}"${where} names no matrix column`);
      // Listed best first: the document states a ranking.
      if (pairs.length > 1 && pairs.every((p, i) => i === 0 || pairs[i - 1][1] >= p[1])) m.stated.ranking ??= pairs.map((p) => p[0]);
      ctx.use(n);
    } else if (rk) {
      const names = rk[1]
        .split(/\s*(?:>|,|;|\d+\.\s)\s*/)
        .map((x) => squash(x.replace(/\(.*?\)/g, '')))
        .filter(Boolean)
        .map(column);
      if (names.length > 1) {
        m.stated ??= {};
        m.stated.ranking = names;
        ctx.use(n);
      }
    }
  }
}

/** A table with a risk-level column: one risk a row. */
function riskTable(t: Table): { rows: { cells: string[]; line: number }[]; risk: (cells: string[]) => DraftRisk } | undefined {
  const rows = tableRows(t);
  const header = rows[0]?.cells ?? [];
  const li = header.findIndex((h) => /^(risk( level)?|level|severity|impact)$/i.test(h));
  if (li < 0) return undefined;
  const mi = header.findIndex((h) => /mitigation/i.test(h));
  return {
    rows: rows.slice(1),
    risk: (cells) => {
      const levelCell = cells[li] ?? '';
      const level = levelOf(levelCell);
      const why = squash(levelCell.replace(/^\W*(low|medium|moderate|high|critical|severe)\W*/i, ''));
      const parts = cells.filter((_, i) => i !== li && i !== mi && cells[i]);
      const base = parts.length > 1 ? `${parts[0]}: ${parts.slice(1).join(', ')}` : (parts[0] ?? levelCell);
      return { risk: why ? `${base} (${why})` : base, level, mitigation: mi >= 0 && cells[mi] ? [cells[mi]] : [] };
    },
  };
}

/** Matrices and risk tables anywhere in a record (before the prose fields take what is left). */
function recordTables(s: SectionNode, d: Draft, ctx: Ctx): void {
  const nodes = [...s.own, ...s.children.flatMap((c) => [c.heading as RootContent, ...sectionNodes(c)])];
  const where = ` (${d.title})`;
  for (const n of nodes) {
    if (n.type !== 'table' || ctx.used.has(n)) continue;
    const m = readMatrix(n, ctx, where);
    if (m) {
      if (d.matrix) ctx.report(lineOf(n), `second scoring table${where} not mapped (a record holds one matrix)`);
      else {
        readStatedLines(nodes, m, ctx, where);
        d.matrix = m;
      }
      continue;
    }
    const rt = riskTable(n);
    if (rt) {
      for (const r of rt.rows) d.risks.push(rt.risk(r.cells));
      ctx.use(n);
    }
  }
}

// ---------------------------------------------------------------------------
// Formats

const ADR_HEAD = /^ADR[-_ ]?(\d+)\s*[:.\-–—]\s*(.+)$/i;
const NYGARD_HEAD = /^(\d+)\.\s+(.+)$/;
const DECISION_N = /^(?:.*?\b)?Decision\s*#?\s*(\d+)\s*[:.)\-–—]\s*(.+)$/i;
const TITLE_DATE = /\s*\((\d{4}-\d{2}-\d{2})\)\s*$/;

function allSections(s: SectionNode): SectionNode[] {
  return s.children.flatMap((c) => [c, ...allSections(c)]);
}

const FM_MADR_KEYS = ['status', 'deciders', 'decision-makers', 'consulted', 'informed'];

function decisionTableCols(header: string[]): { subject: number; choice: number; rationale: number } | undefined {
  const choice = header.findIndex((h) => /^(choice|chosen|selected|selection|decision made|outcome)$/i.test(h));
  const rationale = header.findIndex((h) => /^(rationale|reasons?|reasoning|why|justification)$/i.test(h));
  if (choice < 0 || rationale < 0) return undefined;
  const named = header.findIndex((h, i) => i !== choice && /^(decision|area|aspect|topic|question|concern)$/i.test(h));
  const subject = named >= 0 ? named : header.findIndex((_, i) => i !== choice && i !== rationale);
  return subject < 0 ? undefined : { subject, choice, rationale };
}

function detect(tree: SectionNode, fm: Record<string, unknown> | undefined, ctx: Ctx, root: Root): ImportFormat {
  const all = allSections(tree);
  const first = tree.children[0];
  if (fm && FM_MADR_KEYS.some((k) => k in fm)) return 'decision-makers' in fm || all.some((s) => /^confirmation$/i.test(s.title)) ? 'madr4' : 'madr3';
  const h1 = first && first.depth === 1 ? first : undefined;
  const metaList = h1?.own.find((n) => n.type === 'list');
  if (metaList && metaPairs(ctx, metaList)?.some((p) => /^(status|deciders|decision[- ]makers)$/.test(p.key))) return 'madr2';
  if (all.some((s) => DECISION_N.test(s.title) && s.children.length > 0)) return 'decision-log';
  const adr = all.filter((s) => ADR_HEAD.test(s.title));
  if (adr.length > 1 || (adr.length === 1 && adr[0] !== h1)) return 'adr-sections';
  if (root.children.some((n) => n.type === 'table' && decisionTableCols(tableRows(n)[0]?.cells ?? []))) return 'decision-table';
  if (h1 && (NYGARD_HEAD.test(h1.title) || ADR_HEAD.test(h1.title) || all.some((s) => kindOf(s.title)))) return 'nygard';
  if (!h1 && all.some((s) => kindOf(s.title))) return 'nygard';
  return 'unknown';
}

/** A record from a section whose sub-sections are the record's fields. */
function recordFrom(s: SectionNode, title: string, ctx: Ctx, number?: number): Draft {
  const d = draft(title, s.line, s);
  d.number = number;
  ctx.use(s.heading);
  recordTables(s, d, ctx);
  for (const c of s.children) mapSection(c, d, ctx);
  return d;
}

function titleAndNumber(title: string): { title: string; number?: number; date?: string } {
  let t = title;
  let number: number | undefined;
  const m = ADR_HEAD.exec(t) ?? NYGARD_HEAD.exec(t) ?? DECISION_N.exec(t);
  if (m) [number, t] = [Number(m[1]), m[2]];
  const date = TITLE_DATE.exec(t)?.[1];
  if (date) t = t.replace(TITLE_DATE, '');
  return { title: squash(t), number, date };
}

function fileNumber(file: string): number | undefined {
  const m = /^(?:ADR[-_]?)?(\d+)[-_.]/i.exec(path.basename(file));
  return m ? Number(m[1]) : undefined;
}

function singleRecord(tree: SectionNode, root: Root, fm: Record<string, unknown> | undefined, fmNode: Yaml | undefined, ctx: Ctx, format: ImportFormat): Draft[] {
  const h1 = tree.children.find((s) => s.depth === 1);
  const body = h1 ?? tree;
  const tn = titleAndNumber(h1?.title ?? (typeof fm?.title === 'string' ? fm.title : path.basename(ctx.file).replace(/\.[^.]+$/, '')));
  const d = recordFrom(body, tn.title, ctx, tn.number ?? fileNumber(ctx.file));
  // Sections after the title at its own level (a second H1) are the record's too.
  for (const s of tree.children) if (s !== h1) {
    recordTables(s, d, ctx);
    mapSection(s, d, ctx);
  }
  if (fm && fmNode) {
    ctx.use(fmNode);
    const extra: string[] = [];
    for (const [k, v] of Object.entries(fm)) {
      const key = k.toLowerCase();
      if (key === 'title') continue;
      if (META_KEYS.test(key)) applyMeta([d], key, v, lineOf(fmNode), ctx, 'front matter');
      else extra.push(k);
    }
    if (extra.length) ctx.report(lineOf(fmNode), `front matter keys not mapped: ${extra.join(', ')}`);
  }
  headerMeta(ctx, h1, [d], 'header', format !== 'madr2');
  trailerMeta(ctx, root, [d]);
  if (tn.date) setDate(d, tn.date, d.line, ctx);
  return [d];
}

/** Significant words, for matching document-level items to the record they name. */
const STOP = new Set(['the', 'and', 'for', 'with', 'over', 'from', 'into', 'using', 'use', 'via', 'vs', 'versus', 'instead', 'our', 'all', 'new', 'based']);
function words(s: string): Set<string> {
  return new Set((s.toLowerCase().match(/[a-z0-9][a-z0-9+.-]*[a-z0-9]|[a-z0-9]/g) ?? []).filter((w) => w.length >= 3 && !STOP.has(w)));
}

/** The one record a text names by a word only that record's title or chosen option uses. */
function recordNamed(text: string, drafts: Draft[]): Draft | undefined {
  const sets = drafts.map((d) => words(`${d.title} ${d.chosen ?? ''}`));
  const count = new Map<string, number>();
  for (const s of sets) for (const w of s) count.set(w, (count.get(w) ?? 0) + 1);
  const t = words(text);
  const hits = drafts.filter((_, i) => [...sets[i]].some((w) => count.get(w) === 1 && t.has(w)));
  return hits.length === 1 ? hits[0] : undefined;
}

/** Seed 000's shape: "## Decision N: Title" sections plus document-level risk and validation sections. */
function decisionLog(tree: SectionNode, root: Root, ctx: Ctx): Draft[] {
  const all = allSections(tree);
  const heads = all.filter((s) => DECISION_N.test(s.title) && s.children.length > 0);
  const drafts = heads.map((s) => {
    const tn = titleAndNumber(s.title);
    const d = recordFrom(s, tn.title, ctx, tn.number);
    settleChoice(d);
    return d;
  });
  const h1 = tree.children.find((s) => s.depth === 1);
  if (h1) ctx.use(h1.heading);
  headerMeta(ctx, h1, drafts, 'document');
  trailerMeta(ctx, root, drafts);
  const inRecord = new Set(heads.flatMap((s) => [s, ...allSections(s)]));
  for (const s of all) {
    if (inRecord.has(s)) continue;
    // Risk tables naming the decisions (seed 000's "Risk Assessment Summary").
    for (const n of s.own) {
      if (n.type !== 'table' || ctx.used.has(n)) continue;
      const rt = riskTable(n);
      if (!rt || hasWeightColumn(n)) continue;
      const taken = new Set<Draft>();
      const named = rt.rows.map((r) => recordNamed(r.cells[0] ?? '', drafts));
      named.forEach((d) => d && taken.add(d));
      rt.rows.forEach((r, i) => {
        // Unnamed rows pair by position when the table has one row a decision.
        const d = named[i] ?? (rt.rows.length === drafts.length && !taken.has(drafts[i]) ? drafts[i] : undefined);
        if (!d) return void ctx.report(r.line, `risk row "${excerpt(r.cells.join(' | '))}" names no decision`);
        const risk = rt.risk(r.cells);
        const open = d.risks.find((x) => x.unnamed);
        if (open) Object.assign(open, { risk: risk.risk, level: risk.level, mitigation: [...risk.mitigation, ...open.mitigation], unnamed: false });
        else d.risks.push(risk);
      });
      ctx.use(n);
    }
    // Document-level validation: each item goes to the decision it names; the rest is reported.
    if (kindOf(s.title) === 'validation') {
      ctx.use(s.heading);
      for (const n of sectionNodes(s)) {
        if (n.type !== 'list' || ctx.used.has(n)) continue;
        for (const item of n.children) {
          const t = ctx.line(item);
          const d = recordNamed(itemText(item), drafts);
          if (d) d.validation.push(t);
          else ctx.report(lineOf(item), `validation item "${excerpt(t)}" names no single decision (document-level, not copied to every record)`);
        }
        ctx.use(n);
      }
    }
  }
  return drafts;
}

function hasWeightColumn(t: Table): boolean {
  const header = tableRows(t)[0]?.cells ?? [];
  return header.some((h) => /^weight/i.test(h));
}

/** Seed 002's shape: "## ADR-NNN: Title" sections. */
function adrSections(tree: SectionNode, root: Root, ctx: Ctx): Draft[] {
  const heads: SectionNode[] = [];
  const visit = (s: SectionNode) => {
    for (const c of s.children) {
      if (ADR_HEAD.test(c.title)) heads.push(c);
      else visit(c);
    }
  };
  visit(tree);
  const drafts = heads.map((s) => {
    const tn = titleAndNumber(s.title);
    const d = recordFrom(s, tn.title, ctx, tn.number);
    if (tn.date) setDate(d, tn.date, s.line, ctx);
    headerMeta(ctx, s, [d], 'record');
    return d;
  });
  const h1 = tree.children.find((s) => s.depth === 1 && !heads.includes(s));
  if (h1) ctx.use(h1.heading);
  headerMeta(ctx, h1, drafts, 'document');
  trailerMeta(ctx, root, drafts);
  return drafts;
}

/** Seed 001's shape: tables with a Decision | Choice | Rationale header, one record a row. */
function decisionTables(tree: SectionNode, root: Root, fm: Record<string, unknown> | undefined, fmNode: Yaml | undefined, ctx: Ctx): Draft[] {
  const drafts: Draft[] = [];
  const visit = (s: SectionNode) => {
    for (const n of s.own) {
      if (n.type !== 'table') continue;
      const rows = tableRows(n);
      const cols = decisionTableCols(rows[0]?.cells ?? []);
      if (!cols) continue;
      ctx.use(n);
      for (const r of rows.slice(1)) {
        const subject = r.cells[cols.subject] ?? '';
        const choice = r.cells[cols.choice] ?? '';
        if (!subject || !choice) {
          ctx.report(r.line, `decision row "${excerpt(r.cells.join(' | '))}" has no ${subject ? 'choice' : 'subject'}`);
          continue;
        }
        const d = draft(`${subject}: ${choice}`, r.line);
        d.chosen = choice;
        d.decision.push(`${subject}: ${choice}`);
        if (r.cells[cols.rationale]) d.rationale.push(r.cells[cols.rationale]);
        if (s.title) d.tags.push(slug(s.title));
        // The Choice column names what was chosen; a deferral is a decision not yet taken.
        d.status = /^(deferred|postponed|tbd|to be decided|pending|undecided|open)\b/i.test(choice) ? 'proposed' : 'accepted';
        drafts.push(d);
      }
    }
    s.children.forEach(visit);
  };
  visit(tree);
  if (fm && fmNode) {
    ctx.use(fmNode);
    const extra: string[] = [];
    for (const [k, v] of Object.entries(fm)) {
      if (k.toLowerCase() === 'date') applyMeta(drafts, 'date', String(v), lineOf(fmNode), ctx, 'front matter');
      else extra.push(k);
    }
    if (extra.length) ctx.report(lineOf(fmNode), `front matter keys not mapped: ${extra.join(', ')}`);
  }
  const h1 = tree.children.find((s) => s.depth === 1);
  if (h1) ctx.use(h1.heading);
  headerMeta(ctx, h1, drafts, 'document');
  trailerMeta(ctx, root, drafts);
  return drafts;
}

function slug(s: string): string {
  return s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/** The chosen option from "(Selected)" markers or a stated "Chosen option", matched to an option's name. */
function settleChoice(d: Draft): void {
  const selected = d.options.filter((o) => o.selected);
  if (!d.chosen && selected.length === 1) d.chosen = selected[0].name;
  if (d.chosen) {
    const c = d.chosen;
    const o = d.options.find((x) => sameName(x.name, c)) ?? d.options.find((x) => x.name.toLowerCase().startsWith(c.toLowerCase()) || c.toLowerCase().startsWith(x.name.toLowerCase()));
    if (o) d.chosen = o.name;
    // An option marked as chosen is a decision taken.
    d.status ??= 'accepted';
  }
}

// ---------------------------------------------------------------------------
// The unmapped report

const IGNORED = new Set(['thematicBreak', 'definition', 'yaml']);

function describe(n: RootContent): string {
  const kind = n.type === 'list' ? 'list' : n.type === 'code' ? 'code block' : n.type === 'table' ? 'table' : n.type === 'blockquote' ? 'quote' : n.type === 'paragraph' ? 'paragraph' : n.type;
  const t = n.type === 'code' ? (n.value.split('\n')[0] ?? '') : plain(n);
  return t.trim() ? `${kind} "${excerpt(t, 50)}"` : kind;
}

function containsUsed(s: SectionNode, ctx: Ctx): boolean {
  return s.own.some((n) => ctx.used.has(n)) || s.children.some((c) => ctx.used.has(c.heading) || containsUsed(c, ctx));
}

function walkUnmapped(s: SectionNode, ctx: Ctx, owner: Map<SectionNode, Draft>, label: string): void {
  const where = (t: string) => (t ? `"${t}"` : 'the preamble') + label;
  for (const n of s.own) {
    if (ctx.used.has(n) || IGNORED.has(n.type) || (n.type === 'html' && /^\s*<!--[\s\S]*-->\s*$/.test(n.value))) continue;
    ctx.unmapped.push({ line: lineOf(n), what: `${describe(n)} in ${where(s.title)} not mapped` });
  }
  for (const c of s.children) {
    const d = owner.get(c);
    const inner = d ? ` (${d.id})` : label;
    if (ctx.used.has(c.heading) || containsUsed(c, ctx)) walkUnmapped(c, ctx, owner, inner);
    else ctx.unmapped.push({ line: c.line, what: `section "${c.title}"${inner} not mapped` });
  }
}

// ---------------------------------------------------------------------------

/** A copy without undefined-valued keys (a record has a field or not, never an undefined one). */
function dropUndefined<T>(v: T): T {
  if (Array.isArray(v)) return v.map(dropUndefined) as T;
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).filter(([, x]) => x !== undefined).map(([k, x]) => [k, dropUndefined(x)])) as T;
  return v;
}

/**
 * Reads one Markdown document into decision records. Every record is
 * validated with RecordSchema; what could not be mapped is reported with its
 * line (1-based, in the document as given).
 */
export function importDecisions(text: string, file: string, opts: ImportOptions = {}): ImportResult {
  // Repairs mis-encoded emoji and punctuation; never changes line breaks, so lines stay true.
  const fixed = fixMojibake(text.replace(/^\uFEFF/, ''));
  const root = parseMarkdown(fixed);
  const ctx = new Ctx(fixed, file);
  const tree = sectionTree(root);
  const fmRead = frontMatter(root, ctx);
  const fm = fmRead?.data;
  const format = detect(tree, fm, ctx, root);

  let drafts: Draft[] = [];
  if (format === 'decision-log') drafts = decisionLog(tree, root, ctx);
  else if (format === 'adr-sections') drafts = adrSections(tree, root, ctx);
  else if (format === 'decision-table') drafts = decisionTables(tree, root, fm, fmRead?.node, ctx);
  else if (format !== 'unknown') drafts = singleRecord(tree, root, fm, fmRead?.node, ctx, format);
  else ctx.report(1, 'no decision record found (no ADR/Decision headings, no Status/Context/Decision sections, no Decision | Choice | Rationale table)');
  for (const d of drafts) settleChoice(d);

  // Ids: the numbers the document states, unless opts.firstId renumbers; references inside the document follow.
  const renumber = new Map<string, string>();
  const reserved = new Set<number>();
  const firstOf = new Map<number, Draft>();
  for (const d of drafts) if (d.number !== undefined && !firstOf.has(d.number)) (firstOf.set(d.number, d), reserved.add(d.number));
  let next = opts.firstId ?? 1;
  for (const d of drafts) {
    let n: number;
    if (opts.firstId !== undefined) n = next++;
    else if (d.number !== undefined && firstOf.get(d.number) === d) n = d.number;
    else {
      if (d.number !== undefined) ctx.report(d.line, `${idFor(d.number)} appears twice in the document; the second one is renumbered`);
      while (reserved.has(next)) next++;
      n = next;
      reserved.add(n);
    }
    d.id = idFor(n);
    if (d.number !== undefined && firstOf.get(d.number) === d) renumber.set(idFor(d.number), d.id);
  }
  if (opts.firstId !== undefined)
    for (const d of drafts) {
      if (d.supersededBy) d.supersededBy = renumber.get(d.supersededBy) ?? d.supersededBy;
      d.supersedes = d.supersedes.map((x) => renumber.get(x) ?? x);
    }

  const owner = new Map<SectionNode, Draft>();
  for (const d of drafts) if (d.section) owner.set(d.section, d);
  if (format !== 'unknown') walkUnmapped(tree, ctx, owner, '');

  const records: DecisionRecord[] = [];
  for (const d of drafts) {
    if (!d.status) ctx.report(d.line, `${d.id} "${excerpt(d.title, 50)}": no status stated; recorded as proposed`);
    const input = {
      id: d.id,
      title: d.title || `Untitled decision (line ${d.line})`,
      status: d.status ?? 'proposed',
      supersededBy: d.supersededBy,
      supersedes: d.supersedes,
      date: d.date,
      deciders: d.deciders,
      tags: d.tags,
      context: d.context.join('\n\n') || undefined,
      options: d.options.map((o) => ({ name: o.name, description: o.description.join('\n\n') || undefined, pros: o.pros, cons: o.cons })),
      chosen: d.chosen,
      decision: d.decision.join('\n\n') || undefined,
      rationale: d.rationale.join('\n\n') || undefined,
      consequences: d.consequences,
      validation: d.validation,
      risks: d.risks.map((r) => ({ risk: r.risk || d.title, level: r.level, mitigation: r.mitigation.join('; ') || undefined })),
      matrix: d.matrix,
      links: [...d.links, { rel: 'imported-from', target: `${file}:${d.line}` }],
    };
    try {
      records.push(RecordSchema.parse(dropUndefined(input)));
    } catch (e) {
      // One record the schema refuses does not lose the others; it is reported instead.
      const issues = (e as { issues?: { path: PropertyKey[]; message: string }[] }).issues ?? [{ path: [], message: String(e) }];
      ctx.report(d.line, `${d.id} left out: ${issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    }
  }
  ctx.unmapped.sort((a, b) => a.line - b.line);
  return { records, unmapped: ctx.unmapped, format };
}
