/**
 * Link checker for the docs, pure: a set of files in, problems out. Works on
 * the Markdown tree (links, images, definitions, raw HTML; anchors are
 * GitHub heading slugs, made by github-slugger as rehype-slug makes them for
 * the site) and on the HTML site (href/src of every element, parsed with a
 * real HTML parser; anchors are id attributes). Links inside SVG files are
 * checked too. External links (http, https, mailto, ...) are not checked:
 * linkReport lists them apart.
 */
import path from 'node:path';
import { unified } from 'unified';
import remarkParse from 'remark-parse';
import remarkGfm from 'remark-gfm';
import remarkFrontmatter from 'remark-frontmatter';
import { toString as mdToString } from 'mdast-util-to-string';
import GithubSlugger from 'github-slugger';
import { fromHtml } from 'hast-util-from-html';
import type { Root as MdRoot, Nodes as MdNodes } from 'mdast';
import type { Root as HastRoot, Nodes as HastNodes } from 'hast';
import type { DocFile } from './types.js';

const posix = path.posix;

export type LinkProblemReason = 'missing-file' | 'missing-anchor' | 'outside-root' | 'absolute-path';

export interface LinkProblem {
  /** The file the link is in. */
  file: string;
  /** 1-based line of the link, when known. */
  line?: number;
  /** The link as written. */
  link: string;
  reason: LinkProblemReason;
  message: string;
}

export interface ExternalLink {
  file: string;
  line?: number;
  link: string;
}

export interface LinkReport {
  problems: LinkProblem[];
  /** Links with a scheme (https:, mailto:, ...) or protocol-relative: not checked. */
  external: ExternalLink[];
}

// ---------------------------------------------------------------------------
// Hrefs (shared with the site builder)
// ---------------------------------------------------------------------------

const SCHEME = /^[a-z][a-z0-9+.-]*:/i;

export interface SplitHref {
  path: string;
  /** `?a=b` including the question mark, or ''. */
  query: string;
  /** Without the `#`; undefined when there is no `#`. */
  fragment: string | undefined;
}

export function splitHref(href: string): SplitHref {
  let rest = href;
  let fragment: string | undefined;
  const hash = rest.indexOf('#');
  if (hash >= 0) {
    fragment = rest.slice(hash + 1);
    rest = rest.slice(0, hash);
  }
  let query = '';
  const q = rest.indexOf('?');
  if (q >= 0) {
    query = rest.slice(q);
    rest = rest.slice(0, q);
  }
  return { path: rest, query, fragment };
}

function decode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

export type ResolvedHref =
  | { kind: 'external' }
  | { kind: 'absolute' }
  | {
      kind: 'local';
      /** Normalized POSIX path from the root of the set ('' for the root directory); the file itself when the href has no path. */
      path: string;
      /** Decoded, without `#`. */
      fragment: string | undefined;
      /** The href names a directory (`components/`, `..`). */
      directory: boolean;
      /** The path leaves the root of the set (`../x`). */
      outside: boolean;
      /** The href has no path: `#anchor` on the same file. */
      samePage: boolean;
    };

/** Resolve an href written in `from` (a path in the set). */
export function resolveHref(from: string, href: string): ResolvedHref {
  const h = href.trim();
  if (h.startsWith('//') || SCHEME.test(h)) return { kind: 'external' };
  if (h.startsWith('/')) return { kind: 'absolute' };
  const s = splitHref(h);
  const fragment = s.fragment === undefined ? undefined : decode(s.fragment);
  if (s.path === '') return { kind: 'local', path: from, fragment, directory: false, outside: false, samePage: true };
  const raw = decode(s.path);
  const directory = /(^|\/)\.{0,2}$/.test(raw);
  let p = posix.normalize(posix.join(posix.dirname(from), raw));
  if (p.endsWith('/')) p = p.slice(0, -1);
  if (p === '.') p = '';
  const outside = p === '..' || p.startsWith('../');
  return { kind: 'local', path: p, fragment, directory, outside, samePage: false };
}

/** The relative href from file `from` to file `to` (both paths in the set). */
export function relativeHref(from: string, to: string): string {
  const r = posix.relative(posix.dirname(from), to);
  return encodeURI(r === '' ? posix.basename(to) : r);
}

/** Which file of the set a local href lands on (a directory lands on its README.md or index.html). */
export function targetFile(p: string, directory: boolean, has: (f: string) => boolean, hasDir: (d: string) => boolean): string | undefined {
  if (!directory && p !== '' && has(p)) return p;
  if (directory || p === '' || hasDir(p)) {
    const prefix = p === '' ? '' : `${p}/`;
    for (const index of ['README.md', 'index.html']) if (has(prefix + index)) return prefix + index;
  }
  return undefined;
}

// ---------------------------------------------------------------------------
// Collecting links and anchors
// ---------------------------------------------------------------------------

interface FoundLink {
  link: string;
  line?: number;
}

interface Parsed {
  links: FoundLink[];
  anchors: Set<string>;
}

const mdProcessor = unified().use(remarkParse).use(remarkGfm).use(remarkFrontmatter, ['yaml', 'toml']);

/** GitHub's anchor for each heading of a Markdown document, in order (as rehype-slug makes them). */
export function markdownAnchors(tree: MdRoot): string[] {
  const slugger = new GithubSlugger();
  const out: string[] = [];
  const walk = (n: MdNodes): void => {
    if (n.type === 'heading') out.push(slugger.slug(mdToString(n, { includeImageAlt: false, includeHtml: false })));
    if ('children' in n) for (const c of n.children) walk(c as MdNodes);
  };
  walk(tree);
  return out;
}

function parseMarkdownFile(text: string): Parsed {
  const tree = mdProcessor.parse(text) as MdRoot;
  const links: FoundLink[] = [];
  const anchors = new Set(markdownAnchors(tree));
  const walk = (n: MdNodes): void => {
    if (n.type === 'link' || n.type === 'image' || n.type === 'definition') links.push({ link: n.url, line: n.position?.start.line });
    else if (n.type === 'html') {
      // Raw HTML in Markdown: its links and its ids count too.
      const inner = parseHtml(n.value);
      const offset = (n.position?.start.line ?? 1) - 1;
      for (const l of inner.links) links.push({ link: l.link, line: l.line === undefined ? undefined : l.line + offset });
      for (const a of inner.anchors) anchors.add(a);
    }
    if ('children' in n) for (const c of n.children) walk(c as MdNodes);
  };
  walk(tree);
  return { links, anchors };
}

/** Attributes holding a URL, by hast property name. */
const URL_PROPS = ['href', 'src', 'xLinkHref', 'poster', 'data', 'action', 'formAction', 'cite'];

function parseHtml(text: string): Parsed {
  const tree: HastRoot = fromHtml(text);
  const links: FoundLink[] = [];
  const anchors = new Set<string>();
  const walk = (n: HastNodes): void => {
    if (n.type === 'element') {
      const p = n.properties;
      if (typeof p.id === 'string' && p.id !== '') anchors.add(p.id);
      if (n.tagName === 'a' && typeof p.name === 'string' && p.name !== '') anchors.add(p.name);
      for (const k of URL_PROPS) {
        const v = p[k];
        if (typeof v === 'string' && v !== '') links.push({ link: v, line: n.position?.start.line });
      }
      if (typeof p.srcSet === 'string' || Array.isArray(p.srcSet)) {
        const set = Array.isArray(p.srcSet) ? p.srcSet.join(',') : p.srcSet;
        for (const part of set.split(',')) {
          const url = part.trim().split(/\s+/)[0];
          if (url) links.push({ link: url, line: n.position?.start.line });
        }
      }
      if (n.tagName === 'template' && n.content) walk(n.content);
    }
    if ('children' in n) for (const c of n.children) walk(c);
  };
  walk(tree);
  return { links, anchors };
}

function kindOf(file: string): 'md' | 'html' | 'svg' | undefined {
  if (file.endsWith('.md')) return 'md';
  if (file.endsWith('.html') || file.endsWith('.htm')) return 'html';
  if (file.endsWith('.svg')) return 'svg';
  return undefined;
}

// ---------------------------------------------------------------------------
// Checking
// ---------------------------------------------------------------------------

/** Every link of the set: problems with the relative ones, and the external ones (not checked). */
export function linkReport(files: readonly DocFile[]): LinkReport {
  const byPath = new Map(files.map((f) => [f.path, f]));
  const dirs = new Set<string>();
  for (const f of files) {
    const parts = f.path.split('/');
    for (let i = 1; i < parts.length; i++) dirs.add(parts.slice(0, i).join('/'));
  }
  const parsed = new Map<string, Parsed>();
  const parse = (file: string): Parsed | undefined => {
    const kind = kindOf(file);
    const f = byPath.get(file);
    if (!kind || !f) return undefined;
    let p = parsed.get(file);
    if (!p) {
      p = kind === 'md' ? parseMarkdownFile(f.contents) : parseHtml(f.contents);
      parsed.set(file, p);
    }
    return p;
  };

  const problems: LinkProblem[] = [];
  const external: ExternalLink[] = [];
  for (const f of [...files].sort((a, b) => cmp(a.path, b.path))) {
    const src = parse(f.path);
    if (!src) continue;
    for (const { link, line } of src.links) {
      const at = (reason: LinkProblemReason, message: string) => problems.push({ file: f.path, ...(line === undefined ? {} : { line }), link, reason, message });
      const r = resolveHref(f.path, link);
      if (r.kind === 'external') {
        if (!/^data:/i.test(link.trim())) external.push({ file: f.path, ...(line === undefined ? {} : { line }), link });
        continue;
      }
      if (r.kind === 'absolute') {
        at('absolute-path', `${link}: an absolute path; use a path relative to ${f.path}`);
        continue;
      }
      if (r.outside) {
        at('outside-root', `${link}: leaves the docs directory`);
        continue;
      }
      const target = r.samePage ? f.path : targetFile(r.path, r.directory, (x) => byPath.has(x), (d) => dirs.has(d));
      if (target === undefined) {
        at('missing-file', `${link}: ${r.path === '' ? 'the root directory' : r.path} ${r.directory || dirs.has(r.path) ? 'has no README.md or index.html' : 'does not exist'}`);
        continue;
      }
      if (r.fragment === undefined || r.fragment === '') continue;
      const kind = kindOf(target);
      if (!kind) continue; // .dot, .css, ...: nothing to point into
      if (kind === 'html' && r.fragment.toLowerCase() === 'top') continue; // HTML's built-in "#top"
      const anchors = parse(target)?.anchors;
      if (anchors && !anchors.has(r.fragment)) {
        at('missing-anchor', `${link}: ${target} has no ${kind === 'md' ? 'heading with the anchor' : 'element with the id'} "${r.fragment}"`);
      }
    }
  }
  problems.sort((a, b) => cmp(a.file, b.file) || (a.line ?? 0) - (b.line ?? 0) || cmp(a.link, b.link));
  external.sort((a, b) => cmp(a.file, b.file) || (a.line ?? 0) - (b.line ?? 0) || cmp(a.link, b.link));
  return { problems, external };
}

/** Problems with the relative links of a docs tree (.md) or site (.html): missing files and missing #anchors. */
export function checkLinks(files: readonly DocFile[]): LinkProblem[] {
  return linkReport(files).problems;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
