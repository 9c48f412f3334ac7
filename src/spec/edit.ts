/**
 * Editing a spec's text without disturbing it: `hearth add` appends one app
 * entry to `apps`. Pure (text in, text out).
 *
 * The `yaml` package's Document API keeps comments but re-renders everything
 * it prints (comment spacing, `[a]` → `[ a ]`, ...), so instead the new
 * entry is rendered on its own, in the document's own indentation style, and
 * spliced into the original text after the last line of the `apps`
 * sequence, located through the parsed document's node ranges and source
 * tokens. Every byte outside the insertion stays as it was, except in two
 * cases where no insertion alone can add an item: an empty flow sequence
 * (`apps: []`, whose `[]` is removed so a block sequence can follow) and an
 * explicit null (`apps: ~`, whose `~` is removed). The result is parsed again
 * and must hold exactly the original data plus the entry, or the edit is
 * refused.
 */
import { isDeepStrictEqual } from 'node:util';
import { parseDocument, isMap, isSeq, isScalar, isPair, isAlias, isCollection, visit, stringify, Scalar, type Document, type Node as YamlNode, type Pair, type YAMLMap, type YAMLSeq } from 'yaml';

/** The text cannot take the edit (not YAML, `apps` is not a list, ...); the message says why. */
export class SpecEditError extends Error {}

interface Ctx {
  text: string;
  /** Offset of the first character of each line. */
  lineStarts: number[];
  eol: '\n' | '\r\n';
  /** Indentation step of nested mappings (2 unless the document uses another). */
  unit: number;
  /** Whether block sequences under a key are indented (`key:\n  - a`) or not (`key:\n- a`). */
  indentSeq: boolean;
  /** Columns from a `-` to its item's content (`- a` → 2). */
  dashOffset: number;
  /** Whether flow collections are written `{ a: 1 }` (true) or `{a: 1}`. */
  flowPadding: boolean;
}

interface Splice {
  /** Delete text[from, to) and insert `insert` there. */
  from: number;
  to: number;
  insert: string;
}

/** Add `entry` as the last item of the spec's `apps` sequence (creating `apps:` when absent). */
export function addApp(text: string, entry: Record<string, unknown>): string {
  const bom = text.startsWith('\uFEFF') ? '\uFEFF' : '';
  const body = bom ? text.slice(1) : text;
  const doc = parseDocument(body, { keepSourceTokens: true });
  if (doc.errors.length) throw new SpecEditError(`the spec is not valid YAML: ${doc.errors[0].message.split('\n')[0]}`);
  const clean = plain(Object.fromEntries(Object.entries(entry).filter(([, v]) => v !== undefined))) as Record<string, unknown>;
  const ctx = context(body, doc);
  const splice = planSplice(doc, ctx, clean);
  const out = body.slice(0, splice.from) + splice.insert + body.slice(splice.to);
  verify(doc, out, clean);
  return bom + out;
}

function context(text: string, doc: Document.Parsed): Ctx {
  const lineStarts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') lineStarts.push(i + 1);
  const ctx: Ctx = { text, lineStarts, eol: text.includes('\r\n') ? '\r\n' : '\n', unit: 2, indentSeq: true, dashOffset: 2, flowPadding: true };
  const units = new Map<number, number>();
  const seqIndents = new Map<boolean, number>();
  const dashOffsets = new Map<number, number>();
  const paddings = new Map<boolean, number>();
  const bump = <K>(m: Map<K, number>, k: K) => m.set(k, (m.get(k) ?? 0) + 1);
  visit(doc, {
    Pair(_, pair) {
      const p = pair as Pair<YamlNode, YamlNode>;
      const key = p.key;
      const value = p.value;
      if (!key?.range || !value?.range || !isCollection(value) || value.flow) return;
      const keyLine = lineOf(ctx, key.range[0]);
      if (lineOf(ctx, value.range[0]) === keyLine) return;
      const keyCol = colOf(ctx, key.range[0]);
      const col = colOf(ctx, value.range[0]);
      if (isMap(value) && col > keyCol) bump(units, col - keyCol);
      if (isSeq(value)) bump(seqIndents, col > keyCol);
    },
    Map(_, map) {
      if (map.flow && map.items.length) bump(paddings, padded(map));
    },
    Seq(_, seq) {
      if (seq.flow && seq.items.length) bump(paddings, padded(seq));
      if (seq.flow) return;
      for (const dash of dashes(seq)) {
        const item = seq.items[dash.index] as YamlNode | null;
        if (item?.range && lineOf(ctx, item.range[0]) === lineOf(ctx, dash.offset) && isCollection(item)) bump(dashOffsets, item.range[0] - dash.offset);
      }
    },
  });
  const top = <K>(m: Map<K, number>, fallback: K) => [...m].sort((a, b) => b[1] - a[1])[0]?.[0] ?? fallback;
  ctx.unit = top(units, 2);
  ctx.indentSeq = top(seqIndents, true);
  ctx.dashOffset = Math.max(2, top(dashOffsets, 2));
  ctx.flowPadding = top(paddings, true);
  return ctx;

  function padded(node: YAMLMap | YAMLSeq): boolean {
    const tok = node.srcToken;
    return tok?.type === 'flow-collection' && /^[[{][ \t]/.test(text.slice(tok.start.offset, tok.start.offset + 2));
  }
}

/** Where the `-` of each item of a block sequence is (from the source tokens). */
function dashes(seq: YAMLSeq): { index: number; offset: number }[] {
  const tok = seq.srcToken;
  if (!tok || tok.type !== 'block-seq') return [];
  const out: { index: number; offset: number }[] = [];
  tok.items.forEach((it, index) => {
    const ind = it.start.find((t) => t.type === 'seq-item-ind');
    if (ind) out.push({ index, offset: ind.offset });
  });
  return out;
}

function planSplice(doc: Document.Parsed, ctx: Ctx, entry: Record<string, unknown>): Splice {
  const root = doc.contents;
  if (root === null || (isScalar(root) && root.value === null && !root.source)) {
    // Nothing but comments (or nothing): the entry becomes the whole content.
    const at = ctx.text.length;
    const lead = at > 0 && !ctx.text.endsWith('\n') ? ctx.eol : '';
    return { from: at, to: at, insert: lead + 'apps:' + ctx.eol + blockItem(ctx, entry, ctx.indentSeq ? ctx.unit : 0) };
  }
  if (!isMap(root)) throw new SpecEditError('the spec is not a mapping of keys (name:, apps:, ...), so hearth cannot add to it');
  const pair = root.items.find((p) => isScalar(p.key) && p.key.value === 'apps') as Pair<YamlNode, YamlNode | null> | undefined;
  if (!pair) return addAppsKey(root, ctx, entry);
  const value = pair.value;
  const key = pair.key as YamlNode;
  if (isAlias(value)) throw new SpecEditError('`apps` is an alias (*name); write the list out to add to it');
  if (value === null || (isScalar(value) && value.value === null)) return fillNull(root, key, value as Scalar | null, ctx, entry);
  if (!isSeq(value)) throw new SpecEditError('`apps` is not a list; it should hold one entry per app (- name: ...)');
  if (value.flow) return addToFlowSeq(root, key, value, ctx, entry);
  return addToBlockSeq(value, ctx, entry);
}

/** `apps:` exists as a block sequence: a new item after the last line of the last one. */
function addToBlockSeq(seq: YAMLSeq, ctx: Ctx, entry: Record<string, unknown>): Splice {
  const ds = dashes(seq);
  const last = ds[ds.length - 1];
  if (!last) throw new SpecEditError('cannot find the items of `apps` in the source');
  const dashCol = colOf(ctx, last.offset);
  const firstItem = seq.items[ds[0].index] as YamlNode | null;
  const dashOffset = firstItem?.range && lineOf(ctx, firstItem.range[0]) === lineOf(ctx, ds[0].offset) ? Math.max(2, firstItem.range[0] - ds[0].offset) : ctx.dashOffset;
  const item = seq.items[last.index] as YamlNode | null;
  const end = item ? contentEnd(item, ctx) : { line: lineOf(ctx, last.offset) };
  const line = extendOverComments(ctx, end.line, dashCol);
  // Items separated by blank lines get one before the new item too.
  // (Not after a block scalar's kept blank lines: one more would join the scalar.)
  const spaced = ds.length > 1 && !isBlank(ctx, line) && ds.slice(1).every((d) => isBlank(ctx, lineOf(ctx, d.offset) - 1));
  return insertAfterLine(ctx, line, (spaced ? ctx.eol : '') + blockItem(ctx, entry, dashCol, dashOffset));
}

/** No `apps:` key: add one after the root mapping's last line. */
function addAppsKey(root: YAMLMap, ctx: Ctx, entry: Record<string, unknown>): Splice {
  if (root.flow) {
    const flowEntry = `apps: [${flowText(ctx, entry)}]`;
    const lastPair = root.items[root.items.length - 1];
    if (!lastPair) return { from: closer(root), to: closer(root), insert: flowEntry };
    const at = contentEndOffset(lastPair as Pair<YamlNode, YamlNode>);
    return { from: at, to: at, insert: `, ${flowEntry}` };
  }
  const keyCol = colOf(ctx, root.range![0]);
  const line = extendOverComments(ctx, contentEnd(root, ctx).line, keyCol);
  const seqCol = keyCol + (ctx.indentSeq ? ctx.unit : 0);
  return insertAfterLine(ctx, line, ' '.repeat(keyCol) + 'apps:' + ctx.eol + blockItem(ctx, entry, seqCol));
}

/** `apps:` with no value or `~`/`null`: a block sequence below the key. */
function fillNull(root: YAMLMap, key: YamlNode, value: Scalar | null, ctx: Ctx, entry: Record<string, unknown>): Splice {
  if (root.flow) throw new SpecEditError('`apps` is empty inside a flow mapping ({ ... }); write `apps: []` first');
  if (!key.range) throw new SpecEditError('cannot find `apps` in the source');
  const keyCol = colOf(ctx, key.range[0]);
  const seqCol = keyCol + (ctx.indentSeq ? ctx.unit : 0);
  const keyLine = lineOf(ctx, key.range[0]);
  if (value?.range && value.range[1] > value.range[0]) {
    if (value.anchor || value.tag) throw new SpecEditError('`apps` is a tagged or anchored null; write `apps: []` first');
    // Remove the `~` / `null` token (and the spaces before it when nothing follows on the line).
    const line = extendOverComments(ctx, lineOf(ctx, value.range[0]), keyCol);
    const after = insertAfterLine(ctx, line, blockItem(ctx, entry, seqCol));
    return joinSplices(ctx, removeToken(ctx, value.range[0], value.range[1]), after);
  }
  const line = extendOverComments(ctx, keyLine, keyCol);
  return insertAfterLine(ctx, line, blockItem(ctx, entry, seqCol));
}

/** `apps: [...]`: `[]` in a block mapping becomes a block sequence; otherwise the entry joins the flow list. */
function addToFlowSeq(root: YAMLMap, key: YamlNode, seq: YAMLSeq, ctx: Ctx, entry: Record<string, unknown>): Splice {
  const close = closer(seq);
  if (seq.items.length === 0) {
    const tok = seq.srcToken;
    const open = tok && tok.type === 'flow-collection' ? tok.start.offset : -1;
    const inside = open >= 0 ? ctx.text.slice(open + 1, close) : '#';
    if (!root.flow && !seq.anchor && !seq.tag && inside.trim() === '' && key.range && lineOf(ctx, open) === lineOf(ctx, key.range[0])) {
      const keyCol = colOf(ctx, key.range[0]);
      const line = extendOverComments(ctx, lineOf(ctx, open), keyCol);
      const after = insertAfterLine(ctx, line, blockItem(ctx, entry, keyCol + (ctx.indentSeq ? ctx.unit : 0)));
      return joinSplices(ctx, removeToken(ctx, open, close + 1), after);
    }
    return { from: close, to: close, insert: flowText(ctx, entry) };
  }
  const at = contentEndOffset(seq.items[seq.items.length - 1] as YamlNode);
  return { from: at, to: at, insert: `, ${flowText(ctx, entry)}` };
}

/** The offset of a flow collection's closing bracket. */
function closer(node: YAMLSeq | YAMLMap): number {
  const tok = node.srcToken;
  if (tok && tok.type === 'flow-collection') {
    const end = tok.end.find((t) => t.type === 'flow-seq-end' || t.type === 'flow-map-end');
    if (end) return end.offset;
  }
  throw new SpecEditError('cannot find the closing bracket of a flow collection');
}

/** Remove a token (`~`, `[]`) and, when nothing else follows on its line, the spaces around it. */
function removeToken(ctx: Ctx, from: number, to: number): Splice {
  const lineEnd = endOfLine(ctx, lineOf(ctx, from));
  const rest = ctx.text.slice(to, lineEnd).replace(/\r$/, '');
  // A comment follows: blank the token out so the comment keeps its column.
  if (rest.trim() !== '') return { from, to, insert: ' '.repeat(to - from) };
  let f = from;
  while (f > 0 && ctx.text[f - 1] === ' ') f--;
  return { from: f, to: to + rest.length, insert: '' };
}

/** Two splices, the first strictly before the second, as one (the text between them kept). */
function joinSplices(ctx: Ctx, a: Splice, b: Splice): Splice {
  return { from: a.from, to: b.to, insert: a.insert + ctx.text.slice(a.to, b.from) + b.insert };
}

/** Where a node's last content ends: the line (0-based) and offset. Trailing comments and blank lines are not content. */
function contentEnd(node: YamlNode | Pair, ctx: Ctx): { line: number; offset: number } {
  const offset = contentEndOffset(node);
  const last = lastLeaf(node);
  if (isScalar(last) && (last.type === 'BLOCK_LITERAL' || last.type === 'BLOCK_FOLDED')) {
    // A block scalar's range covers its kept trailing lines: they are content (`|+`).
    return { line: lineOf(ctx, Math.max(0, offset - 1)), offset };
  }
  let o = offset;
  while (o > 0 && /\s/.test(ctx.text[o - 1])) o--;
  return { line: lineOf(ctx, Math.max(0, o - 1)), offset };
}

function lastLeaf(node: YamlNode | Pair | null): YamlNode | Pair | null {
  if (isPair(node)) return node.value && (node.value as YamlNode).range ? lastLeaf(node.value as YamlNode) : node;
  if (isCollection(node) && !node.flow && node.items.length) return lastLeaf(node.items[node.items.length - 1] as YamlNode | Pair);
  return node;
}

function contentEndOffset(node: YamlNode | Pair): number {
  const leaf = lastLeaf(node);
  if (isPair(leaf)) {
    const k = leaf.key as YamlNode | null;
    const v = leaf.value as YamlNode | null;
    return Math.max(k?.range?.[1] ?? 0, v?.range?.[1] ?? 0);
  }
  const r = (leaf as YamlNode | null)?.range;
  if (!r) throw new SpecEditError('cannot find the end of `apps` in the source');
  return r[1];
}

/** Extend past the comment lines that follow `line` and are indented deeper than `col` (they belong to the node above). */
function extendOverComments(ctx: Ctx, line: number, col: number): number {
  let end = line;
  for (let l = line + 1; l < ctx.lineStarts.length; l++) {
    const s = lineText(ctx, l);
    if (s.trim() === '') continue;
    const indent = s.length - s.trimStart().length;
    if (s.trimStart().startsWith('#') && indent > col) end = l;
    else break;
  }
  return end;
}

function insertAfterLine(ctx: Ctx, line: number, insert: string): Splice {
  if (line + 1 < ctx.lineStarts.length) {
    const at = ctx.lineStarts[line + 1];
    return { from: at, to: at, insert };
  }
  // The last line has no line break: add one first.
  const at = ctx.text.length;
  return { from: at, to: at, insert: ctx.eol + insert };
}

/** One block-sequence item: `- name: ...` with the following lines under it, each line ended. */
function blockItem(ctx: Ctx, entry: Record<string, unknown>, dashCol: number, dashOffset = ctx.dashOffset): string {
  const body = stringify(entry, { indent: ctx.unit, indentSeq: ctx.indentSeq, lineWidth: 0, minContentWidth: 0 }).replace(/\n$/, '');
  const pad = ' '.repeat(dashCol + dashOffset);
  const lines = body.split('\n').map((l, i) => (i === 0 ? ' '.repeat(dashCol) + '-' + ' '.repeat(dashOffset - 1) + l : l === '' ? '' : pad + l));
  return lines.join(ctx.eol) + ctx.eol;
}

/** The entry as a one-line flow mapping. */
function flowText(ctx: Ctx, entry: Record<string, unknown>): string {
  const s = stringify(entry, { collectionStyle: 'flow', flowCollectionPadding: ctx.flowPadding, lineWidth: 0, minContentWidth: 0 }).replace(/\n$/, '');
  if (s.includes('\n')) throw new SpecEditError('the entry does not fit a flow list on one line; write `apps` as a block list (- name: ...)');
  return s;
}

function lineOf(ctx: Ctx, offset: number): number {
  let lo = 0;
  let hi = ctx.lineStarts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (ctx.lineStarts[mid] <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

function colOf(ctx: Ctx, offset: number): number {
  return offset - ctx.lineStarts[lineOf(ctx, offset)];
}

/** Offset of the line break ending a line (or the end of the text). */
function endOfLine(ctx: Ctx, line: number): number {
  return line + 1 < ctx.lineStarts.length ? ctx.lineStarts[line + 1] - 1 : ctx.text.length;
}

function lineText(ctx: Ctx, line: number): string {
  return ctx.text.slice(ctx.lineStarts[line], endOfLine(ctx, line)).replace(/\r$/, '');
}

function isBlank(ctx: Ctx, line: number): boolean {
  return line >= 0 && line < ctx.lineStarts.length && lineText(ctx, line).trim() === '';
}

/** A copy made of ordinary objects and arrays (whatever prototype the caller's objects have). */
function plain(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(plain);
  if (v && typeof v === 'object' && !(v instanceof Date)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]));
  return v;
}

/** The edited text must hold the original data plus the entry, and nothing else. */
function verify(before: Document.Parsed, text: string, entry: Record<string, unknown>): void {
  const after = parseDocument(text);
  const fail = (why: string) => {
    throw new SpecEditError(`hearth could not add the entry without changing the rest of the spec (${why}); add it by hand`);
  };
  if (after.errors.length) fail(after.errors[0].message.split('\n')[0]);
  let was: Record<string, unknown>;
  let now: unknown;
  try {
    was = (before.toJS() ?? {}) as Record<string, unknown>;
    now = after.toJS();
  } catch (e) {
    return fail((e as Error).message.split('\n')[0]);
  }
  const apps = Array.isArray(was.apps) ? was.apps : [];
  if (!isDeepStrictEqual(now, { ...was, apps: [...apps, entry] })) fail('the result reads differently');
}
