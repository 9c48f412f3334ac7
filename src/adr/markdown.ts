/**
 * Markdown through remark (mdast with GFM tables and front matter): the
 * document split into sections by heading, and the pieces decision records
 * are made of (paragraph text, list items, tables). Shared by reading
 * hearth's own records and importing foreign ones.
 */
import { unified } from 'unified';
import remarkParse from 'remark-parse';
import remarkGfm from 'remark-gfm';
import remarkFrontmatter from 'remark-frontmatter';
import { toString } from 'mdast-util-to-string';
import type { Root, RootContent, Heading, List, Table } from 'mdast';

const processor = unified().use(remarkParse).use(remarkGfm).use(remarkFrontmatter, ['yaml']);

export function parseMarkdown(text: string): Root {
  return processor.parse(text) as Root;
}

export interface Section {
  /** Heading text, without emoji and decoration ("**Decision 1: ...**" → "Decision 1: ..."). */
  title: string;
  depth: number;
  /** The nodes up to the next heading of the same or a higher level (sub-sections included). */
  nodes: RootContent[];
  /** Line of the heading. */
  line: number;
}

/** Emoji, mis-encoded emoji (UTF-8 read as Latin-1/MacRoman: "ðŸ", "üîÑ"), and decoration around heading text. */
export function cleanTitle(s: string): string {
  return fixMojibake(s)
    .replace(/[\u{1F000}-\u{1FAFF}\u{2600}-\u{27BF}\u{FE0F}\u{200D}]/gu, '')
    .replace(/(?:[ÃÂâðŸ][\u0080-\u00FF\u0152-\u2122]{1,3})+/g, '')
    .replace(/[^\x20-\x7E\u00C0-\u024F]+(?=\s)/g, '')
    .replace(/^[\s*_#:.\-–—]+|[\s*_:]+$/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Every heading with the content that belongs to it. */
export function sections(root: Root): Section[] {
  const out: Section[] = [];
  const kids = root.children;
  kids.forEach((n, i) => {
    if (n.type !== 'heading') return;
    const h = n as Heading;
    const nodes: RootContent[] = [];
    for (let j = i + 1; j < kids.length; j++) {
      const m = kids[j];
      if (m.type === 'heading' && (m as Heading).depth <= h.depth) break;
      nodes.push(m);
    }
    out.push({ title: cleanTitle(toString(h)), depth: h.depth, nodes, line: h.position?.start.line ?? 0 });
  });
  return out;
}

/** The nodes of a section before its first sub-heading. */
export function ownNodes(s: Section): RootContent[] {
  const i = s.nodes.findIndex((n) => n.type === 'heading');
  return i < 0 ? s.nodes : s.nodes.slice(0, i);
}

/** Plain text of nodes, paragraphs separated by blank lines (lists and tables left out unless asked). */
export function prose(nodes: readonly RootContent[], opts: { lists?: boolean } = {}): string {
  return nodes
    .filter((n) => n.type === 'paragraph' || n.type === 'blockquote' || (opts.lists && n.type === 'list'))
    .map((n) => (n.type === 'list' ? listItems([n]).map((t) => `- ${t}`).join('\n') : toString(n)))
    .map((t) => t.trim())
    .filter(Boolean)
    .join('\n\n');
}

/** Text of every list item (first level) in the nodes. */
export function listItems(nodes: readonly RootContent[]): string[] {
  const out: string[] = [];
  for (const n of nodes) {
    if (n.type !== 'list') continue;
    for (const item of (n as List).children) {
      // The item's own paragraph(s), not nested lists.
      const own = item.children.filter((c) => c.type !== 'list');
      const t = own.map((c) => toString(c)).join(' ').replace(/\s+/g, ' ').trim();
      if (t) out.push(t);
    }
  }
  return out;
}

/** Tables as rows of cell text (the header row first). */
export function tables(nodes: readonly RootContent[]): string[][][] {
  return nodes.filter((n): n is Table => n.type === 'table').map((t) => t.children.map((row) => row.children.map((c) => toString(c).trim())));
}

/** Every table in a document, with the section it sits in. */
export function allTables(root: Root): { rows: string[][]; section?: string; line: number }[] {
  const out: { rows: string[][]; section?: string; line: number }[] = [];
  let section: string | undefined;
  for (const n of root.children) {
    if (n.type === 'heading') section = cleanTitle(toString(n));
    if (n.type === 'table') out.push({ rows: (n as Table).children.map((r) => r.children.map((c) => toString(c).trim())), section, line: n.position?.start.line ?? 0 });
  }
  return out;
}

/** A number in a cell: "25%", "4/5", "4.1", "**5**". */
export function cellNumber(cell: string): number | undefined {
  const m = /(-?\d+(?:\.\d+)?)\s*(?:\/\s*\d+(?:\.\d+)?)?\s*%?/.exec(cell.replace(/\*/g, ''));
  return m ? Number(m[1]) : undefined;
}

/** The Markdown source of nodes (from the first's start to the last's end), markup kept. */
export function source(nodes: readonly RootContent[], text: string): string {
  const first = nodes[0]?.position?.start.offset;
  const last = nodes[nodes.length - 1]?.position?.end.offset;
  return first === undefined || last === undefined ? '' : text.slice(first, last).trim();
}

/** The Markdown source of each first-level list item's content (the marker left out, nested lists kept out). */
export function itemSources(nodes: readonly RootContent[], text: string): string[] {
  const out: string[] = [];
  for (const n of nodes) {
    if (n.type !== 'list') continue;
    for (const item of (n as List).children) {
      const own = item.children.filter((c) => c.type !== 'list') as RootContent[];
      const t = source(own, text);
      if (t) out.push(t);
    }
  }
  return out;
}

export { toString };

// ---------------------------------------------------------------------------
// Helpers for importing foreign records (src/adr/import.ts).

/** MacRoman's upper half (0x80..0xFF), as JavaScript reads each byte. */
const MAC_ROMAN =
  'ÄÅÇÉÑÖÜáàâäãåçéèêëíìîïñóòôöõúùûü†°¢£§•¶ß®©™´¨≠ÆØ∞±≤≥¥µ∂∑∏π∫ªºΩæø¿¡¬√ƒ≈∆«»…\u00A0ÀÃÕŒœ–—“”‘’÷◊ÿŸ⁄€‹›ﬁﬂ‡·‚„‰ÂÊÁËÈÍÎÏÌÓÔ\uF8FFÒÚÛÙıˆ˜¯˘˙˚¸˝˛ˇ';
/** Windows-1252's upper half (the five bytes it leaves undefined read as Latin-1 controls). */
const CP1252 =
  '€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008DŽ\u008F\u0090‘’“”•–—˜™š›œ\u009DžŸ' + Array.from({ length: 0x60 }, (_, i) => String.fromCharCode(0xa0 + i)).join('');

function byteMap(upper: string): Map<string, number> {
  const m = new Map<string, number>();
  Array.from(upper).forEach((ch, i) => m.set(ch, 0x80 + i));
  return m;
}
const MAC_BYTES = byteMap(MAC_ROMAN);
const CP1252_BYTES = byteMap(CP1252);

/** The UTF-8 sequence starting at chars[i] when its characters are read back as bytes of `bytes`' encoding. */
function decodeAt(chars: string[], i: number, bytes: Map<string, number>): { text: string; length: number } | undefined {
  const b0 = bytes.get(chars[i]);
  if (b0 === undefined || b0 < 0xc2 || b0 > 0xf4) return undefined;
  const n = b0 >= 0xf0 ? 4 : b0 >= 0xe0 ? 3 : 2;
  const buf = [b0];
  for (let k = 1; k < n; k++) {
    const b = bytes.get(chars[i + k] ?? '');
    if (b === undefined || b < 0x80 || b > 0xbf) return undefined;
    buf.push(b);
  }
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(Uint8Array.from(buf));
    return { text, length: n };
  } catch {
    return undefined;
  }
}

/**
 * Repairs UTF-8 text that was once read as MacRoman or Windows-1252 and
 * saved again ("üéØ" → 🎯, "√ó" → ×, "â€™" → ’). Line breaks are never
 * touched, so line numbers stay valid. Windows-1252 sequences are always
 * repaired (they do not occur in real prose); MacRoman ones only when the
 * text holds at least one three- or four-byte sequence (an emoji, a dash, a
 * box-drawing character), because a MacRoman two-byte pair can be a real
 * quote followed by an accented letter.
 */
export function fixMojibake(text: string): string {
  const chars = Array.from(text);
  const strongMac = chars.some((_, i) => (decodeAt(chars, i, MAC_BYTES)?.length ?? 0) >= 3);
  let out = '';
  for (let i = 0; i < chars.length; ) {
    const d = (strongMac ? decodeAt(chars, i, MAC_BYTES) : undefined) ?? decodeAt(chars, i, CP1252_BYTES);
    if (d) {
      out += d.text;
      i += d.length;
    } else {
      out += chars[i];
      i += 1;
    }
  }
  return out;
}

/** A heading with everything under it, as a tree. */
export interface SectionNode {
  /** Cleaned title (see cleanTitle; HTML comments dropped). */
  title: string;
  depth: number;
  line: number;
  heading?: Heading;
  /** Content before the first sub-heading. */
  own: RootContent[];
  children: SectionNode[];
}

/** The document as a tree of sections; the root (depth 0) holds what comes before the first heading. */
export function sectionTree(root: Root): SectionNode {
  const top: SectionNode = { title: '', depth: 0, line: 1, own: [], children: [] };
  const stack: SectionNode[] = [top];
  for (const n of root.children) {
    if (n.type === 'heading') {
      const h = n as Heading;
      while (stack.length > 1 && stack[stack.length - 1].depth >= h.depth) stack.pop();
      const s: SectionNode = { title: headingTitle(h), depth: h.depth, line: h.position?.start.line ?? 0, heading: h, own: [], children: [] };
      stack[stack.length - 1].children.push(s);
      stack.push(s);
    } else {
      stack[stack.length - 1].own.push(n);
    }
  }
  return top;
}

/** A heading's cleaned text, without HTML comments (MADR templates put them in headings). */
export function headingTitle(h: Heading): string {
  const kids = h.children.filter((c) => !(c.type === 'html' && /^<!--/.test(c.value)));
  return cleanTitle(kids.map((c) => toString(c)).join(''));
}

/** Every node of a section, its sub-sections' headings and content included, in document order. */
export function sectionNodes(s: SectionNode): RootContent[] {
  return [...s.own, ...s.children.flatMap((c) => [c.heading as RootContent, ...sectionNodes(c)])];
}

/** The Markdown source of nodes, each block's text as written, blocks separated by blank lines. */
export function sourceOf(text: string, nodes: readonly RootContent[]): string {
  return nodes
    .map((n) => (n.position?.start.offset !== undefined && n.position.end.offset !== undefined ? text.slice(n.position.start.offset, n.position.end.offset) : toString(n)))
    .map((t) => t.trim())
    .filter(Boolean)
    .join('\n\n');
}
