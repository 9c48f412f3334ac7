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
  return s
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
