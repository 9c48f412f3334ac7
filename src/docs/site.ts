/**
 * The docs as a static site. buildSite is pure: the Markdown tree and its
 * diagrams in, HTML pages and assets out, byte-identical for the same input.
 * Every `x.md` becomes `x.html` (`README.md` becomes `index.html`) with a
 * navigation, a search box, the page and a footer; `.md` links become
 * `.html` links; SVG diagrams used as images are inlined so the site works
 * from file://. Search is MiniSearch with its index prebuilt into
 * assets/search-index.js (a script, since fetch() does not work from
 * file://). Component pages carry an empty live-status placeholder that
 * assets/site.js fills when the site is served over http (serve.ts).
 * siteAssets() is the one function here that reads a file: MiniSearch's
 * browser build, from node_modules.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { unified } from 'unified';
import remarkParse from 'remark-parse';
import remarkGfm from 'remark-gfm';
import remarkFrontmatter from 'remark-frontmatter';
import remarkRehype from 'remark-rehype';
import rehypeSlug from 'rehype-slug';
import rehypeStringify from 'rehype-stringify';
import { fromHtml } from 'hast-util-from-html';
import MiniSearch from 'minisearch';
import { parse as parseYaml } from 'yaml';
import type { Root as MdRoot } from 'mdast';
import type { Root, Element, ElementContent, Nodes, Properties } from 'hast';
import { DOC_PATHS, type DocFile } from './types.js';
import { relativeHref, resolveHref, splitHref, targetFile } from './links.js';

const posix = path.posix;

export interface SiteAssets {
  /** MiniSearch's browser (UMD) build: defines `window.MiniSearch`. */
  minisearchJs: string;
}

export interface SiteOptions {
  /** The site's name: in the header and every page title. */
  title: string;
  /** The lab's components: names for the navigation; their pages get the live-status placeholder. */
  components?: { id: string; name: string }[];
  /** From siteAssets(): passed in so buildSite stays pure. */
  assets: SiteAssets;
}

/** Where the site's own files go; input files may not use these paths. */
export const SITE_ASSETS = {
  css: 'assets/hearth.css',
  js: 'assets/site.js',
  minisearch: 'assets/minisearch.js',
  searchIndex: 'assets/search-index.js',
} as const;

let cachedAssets: SiteAssets | undefined;

/**
 * Read MiniSearch's browser build from node_modules. Resolved with
 * createRequire from this module, which works from dist/src/docs/site.js and
 * from the bundle dist/hearth.mjs alike (both sit above node_modules).
 */
export function siteAssets(): SiteAssets {
  if (cachedAssets) return cachedAssets;
  const require = createRequire(import.meta.url);
  // minisearch's "exports" does not expose package.json: resolve its entry and walk up to the package.
  let dir = path.dirname(require.resolve('minisearch'));
  for (;;) {
    const pkgFile = path.join(dir, 'package.json');
    if (fs.existsSync(pkgFile)) {
      const pkg = JSON.parse(fs.readFileSync(pkgFile, 'utf8')) as { name?: string; unpkg?: string; main?: string };
      if (pkg.name === 'minisearch') {
        const umd = path.join(dir, pkg.unpkg ?? pkg.main ?? 'dist/umd/index.js');
        cachedAssets = { minisearchJs: fs.readFileSync(umd, 'utf8') };
        return cachedAssets;
      }
    }
    const up = path.dirname(dir);
    if (up === dir) throw new Error('minisearch: package.json not found above its entry point');
    dir = up;
  }
}

/** The HTML page a Markdown page becomes: `x.md` → `x.html`, `README.md` → `index.html`. */
export function htmlPathOf(md: string): string {
  const dir = posix.dirname(md);
  const base = posix.basename(md);
  const name = base === 'README.md' ? 'index.html' : base.replace(/\.md$/, '.html');
  return dir === '.' ? name : `${dir}/${name}`;
}

// ---------------------------------------------------------------------------
// hast helpers
// ---------------------------------------------------------------------------

type Child = ElementContent | string | null | undefined | false | Child[];

function h(tagName: string, properties: Properties = {}, ...children: Child[]): Element {
  const out: ElementContent[] = [];
  const add = (c: Child): void => {
    if (c === null || c === undefined || c === false) return;
    if (Array.isArray(c)) c.forEach(add);
    else if (typeof c === 'string') out.push({ type: 'text', value: c });
    else out.push(c);
  };
  children.forEach(add);
  return { type: 'element', tagName, properties, children: out };
}

function textOf(n: Nodes): string {
  const parts: string[] = [];
  const walk = (x: Nodes): void => {
    if (x.type === 'text') parts.push(x.value);
    else if (x.type === 'element' && x.tagName === 'svg') return;
    if ('children' in x) for (const c of x.children) walk(c);
  };
  walk(n);
  return parts.join(' ').replace(/\s+/g, ' ').trim();
}

function isHeading(n: Nodes): n is Element {
  return n.type === 'element' && /^h[1-6]$/.test(n.tagName);
}

/** Visit every element; `fn` may replace an element by returning a new one. */
function mapElements(parent: Root | Element, fn: (el: Element, parent: Root | Element) => Element | void): void {
  parent.children.forEach((c, i) => {
    if (c.type !== 'element') return;
    const r = fn(c, parent);
    // A replacement is finished: it is not visited again.
    if (r) parent.children[i] = r;
    else mapElements(c, fn);
  });
}

// ---------------------------------------------------------------------------
// Markdown → page content
// ---------------------------------------------------------------------------

const markdown = unified().use(remarkParse).use(remarkGfm).use(remarkFrontmatter, ['yaml', 'toml']).use(remarkRehype).use(rehypeSlug);
const html = unified().use(rehypeStringify);

interface Section {
  heading: string;
  anchor: string;
  text: string;
}

interface Page {
  md: string;
  html: string;
  title: string;
  content: Root;
  frontMatter: [string, string][];
  sections: Section[];
}

/** Top-level scalar entries of YAML front matter (lists of scalars joined); nested values are in the page body anyway. */
function frontMatterRows(yaml: string): [string, string][] {
  let data: unknown;
  try {
    data = parseYaml(yaml);
  } catch {
    return [];
  }
  if (!data || typeof data !== 'object' || Array.isArray(data)) return [];
  const rows: [string, string][] = [];
  const scalar = (v: unknown) => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
  for (const [k, v] of Object.entries(data as Record<string, unknown>)) {
    if (k === 'title' || k === 'id') continue; // the page's heading says both
    if (scalar(v)) rows.push([k, String(v)]);
    else if (Array.isArray(v) && v.length > 0 && v.every(scalar)) rows.push([k, v.map(String).join(', ')]);
  }
  return rows;
}

function sectionsOf(content: Root): Section[] {
  const out: Section[] = [];
  let cur: Section = { heading: '', anchor: '', text: '' };
  const texts: string[] = [];
  const flush = () => {
    cur.text = texts.join(' ').replace(/\s+/g, ' ').trim();
    if (cur.heading || cur.text) out.push(cur);
    texts.length = 0;
  };
  for (const c of content.children) {
    if (isHeading(c)) {
      flush();
      cur = { heading: textOf(c), anchor: typeof c.properties.id === 'string' ? c.properties.id : '', text: '' };
    } else {
      texts.push(textOf(c));
    }
  }
  flush();
  return out;
}

function toPage(file: DocFile): Page {
  const tree = markdown.parse(file.contents) as MdRoot;
  let frontMatter: [string, string][] = [];
  tree.children = tree.children.filter((n) => {
    if (n.type === 'yaml') {
      frontMatter = frontMatterRows(n.value);
      return false;
    }
    return (n.type as string) !== 'toml';
  });
  const content = markdown.runSync(tree) as Root;
  const h1 = content.children.find((c): c is Element => c.type === 'element' && c.tagName === 'h1');
  const title = (h1 && textOf(h1)) || posix.basename(file.path, '.md');
  return { md: file.path, html: htmlPathOf(file.path), title, content, frontMatter, sections: sectionsOf(content) };
}

// ---------------------------------------------------------------------------
// Links and images
// ---------------------------------------------------------------------------

interface Ctx {
  /** Every input file by path. */
  files: Map<string, DocFile>;
  dirs: Set<string>;
}

/**
 * An href written in `base` (a file of the Markdown tree), as it must read in
 * the HTML page `page`: `.md` targets become their `.html` page and
 * directories their index.html; others keep their place in the tree.
 */
function siteHref(ctx: Ctx, href: string, base: string, page: string): string {
  const r = resolveHref(base, href);
  if (r.kind !== 'local' || r.outside || r.samePage) return href;
  const { query, fragment } = splitHref(href.trim());
  const suffix = query + (fragment === undefined ? '' : `#${fragment}`);
  let target: string;
  if (r.directory || ctx.dirs.has(r.path)) {
    const t = targetFile(r.path, true, (f) => ctx.files.has(f), () => true);
    if (!t) return href;
    target = t;
  } else target = r.path;
  if (target.endsWith('.md')) return relativeHref(page, htmlPathOf(target)) + suffix;
  if (posix.dirname(base) === posix.dirname(page)) return href;
  return relativeHref(page, target) + suffix;
}

const SVG_BANNED = new Set(['script', 'iframe', 'object', 'embed', 'foreignObject', 'foreignobject']);

/** An SVG file as an element to inline into `page`: comments and scripts dropped, ids prefixed (unique on the page), links made to work from the page. */
function inlineSvg(ctx: Ctx, svgPath: string, page: string, alt: string, prefix: string): Element | undefined {
  const file = ctx.files.get(svgPath);
  if (!file) return undefined;
  const tree = fromHtml(file.contents, { fragment: true });
  let svg: Element | undefined;
  mapElements(tree, (el) => {
    if (!svg && el.tagName === 'svg') svg = el;
  });
  if (!svg) return undefined;
  const ids = new Map<string, string>();
  const clean = (el: Element): void => {
    el.children = el.children.filter((c) => c.type !== 'comment' && !(c.type === 'element' && SVG_BANNED.has(c.tagName)));
    for (const k of Object.keys(el.properties)) if (/^on/i.test(k)) delete el.properties[k];
    const id = el.properties.id;
    if (typeof id === 'string' && id !== '') ids.set(id, prefix + id);
    for (const c of el.children) if (c.type === 'element') clean(c);
  };
  clean(svg);
  const fix = (el: Element): void => {
    const p = el.properties;
    if (typeof p.id === 'string' && ids.has(p.id)) p.id = ids.get(p.id)!;
    for (const k of Object.keys(p)) {
      const v = p[k];
      if (typeof v !== 'string') continue;
      if (k === 'href' || k === 'xLinkHref') {
        if (/^\s*javascript:/i.test(v)) delete p[k];
        else if (v.startsWith('#')) p[k] = ids.has(v.slice(1)) ? `#${ids.get(v.slice(1))}` : v;
        else p[k] = siteHref(ctx, v, svgPath, page);
      } else if (v.includes('url(#')) {
        p[k] = v.replace(/url\(#([^)]+)\)/g, (m, id: string) => (ids.has(id) ? `url(#${ids.get(id)})` : m));
      }
    }
    for (const c of el.children) if (c.type === 'element') fix(c);
  };
  fix(svg);
  svg.properties.role = 'img';
  if (alt) svg.properties.ariaLabel = alt;
  return svg;
}

function transformContent(ctx: Ctx, page: Page): void {
  const used = new Map<string, number>();
  mapElements(page.content, (el, parent) => {
    for (const k of ['href', 'src'] as const) {
      const v = el.properties[k];
      if (typeof v === 'string') el.properties[k] = siteHref(ctx, v, page.md, page.html);
    }
    if (el.tagName !== 'img' || typeof el.properties.src !== 'string') return;
    const r = resolveHref(page.html, el.properties.src);
    if (r.kind !== 'local' || r.outside || !r.path.endsWith('.svg') || !ctx.files.has(r.path)) return;
    const alt = typeof el.properties.alt === 'string' ? el.properties.alt : '';
    const name = posix.basename(r.path, '.svg').replace(/[^A-Za-z0-9_-]+/g, '-');
    const n = (used.get(name) ?? 0) + 1;
    used.set(name, n);
    const svg = inlineSvg(ctx, r.path, page.html, alt, `svg-${name}${n > 1 ? `-${n}` : ''}-`);
    if (!svg) return;
    const open = h('a', { href: relativeHref(page.html, r.path), className: ['diagram-open'] }, 'Open the diagram on its own');
    const figure = h('figure', { className: ['diagram'] }, svg, h('figcaption', {}, alt ? `${alt}. ` : '', open));
    // An image alone in its paragraph: the figure replaces the paragraph (a figure may not sit in a <p>).
    if (parent.type === 'element' && parent.tagName === 'p' && parent.children.every((c) => c === el || (c.type === 'text' && c.value.trim() === ''))) {
      parent.tagName = 'div';
      parent.properties = { className: ['figure-wrap'] };
      return figure;
    }
    return h('span', { className: ['diagram', 'diagram-inline'] }, svg);
  });
}

// ---------------------------------------------------------------------------
// Navigation
// ---------------------------------------------------------------------------

interface NavItem {
  label: string;
  /** The Markdown page; undefined: a heading without a page. */
  md?: string;
  children: NavItem[];
}

function navigation(pages: Map<string, Page>, opts: SiteOptions): NavItem[] {
  const taken = new Set<string>();
  const item = (label: string, md: string | undefined, children: NavItem[] = []): NavItem => {
    if (md) taken.add(md);
    return { label, md: md && pages.has(md) ? md : undefined, children };
  };
  const inDir = (dir: string, index: string): string[] =>
    [...pages.keys()].filter((p) => p.startsWith(dir) && p !== index && !p.slice(dir.length).includes('/')).sort(cmp);
  const names = new Map((opts.components ?? []).map((c) => [DOC_PATHS.component(c.id), c.name]));
  const order = new Map((opts.components ?? []).map((c, i) => [DOC_PATHS.component(c.id), i]));
  const byOrder = (a: string, b: string) => (order.get(a) ?? Infinity) - (order.get(b) ?? Infinity) || cmp(a, b);
  const title = (md: string) => pages.get(md)!.title;

  const sections: NavItem[] = [
    item('Overview', DOC_PATHS.index),
    item('Architecture', DOC_PATHS.architecture),
    item('Components', DOC_PATHS.componentsIndex, inDir('components/', DOC_PATHS.componentsIndex).sort(byOrder).map((p) => item(names.get(p) ?? title(p), p))),
    item('Runbooks', DOC_PATHS.runbooksIndex, inDir('runbooks/', DOC_PATHS.runbooksIndex).map((p) => item(title(p), p))),
    item('Decisions', DOC_PATHS.decisionsIndex, inDir('decisions/', DOC_PATHS.decisionsIndex).map((p) => item(title(p), p))),
    item('Traceability', DOC_PATHS.traceability),
    item('Backup plan', DOC_PATHS.backupPlan),
    item('Review', DOC_PATHS.review),
  ];
  const rest = [...pages.keys()].filter((p) => !taken.has(p)).sort(cmp);
  if (rest.length) sections.push(item('More', undefined, rest.map((p) => item(title(p), p))));
  return sections.filter((s) => s.md || s.children.length);
}

function navList(items: NavItem[], page: Page): Element {
  return h(
    'ul',
    {},
    items.map((it) => {
      const label = it.md
        ? h('a', { href: relativeHref(page.html, htmlPathOf(it.md)), ...(it.md === page.md ? { ariaCurrent: 'page' } : {}) }, it.label)
        : h('span', { className: ['nav-heading'] }, it.label);
      return h('li', {}, label, it.children.length ? navList(it.children, page) : null);
    }),
  );
}

// ---------------------------------------------------------------------------
// Pages
// ---------------------------------------------------------------------------

function layout(page: Page, nav: NavItem[], opts: SiteOptions, statusFor: string | undefined, hasIndex: boolean): Root {
  const rel = (to: string) => relativeHref(page.html, to);
  const root = posix.dirname(page.html) === '.' ? './' : '../'.repeat(page.html.split('/').length - 1);
  const body = page.content.children.filter((c): c is ElementContent => c.type !== 'doctype');
  // Front matter table and live-status placeholder go right after the page's heading.
  const extra: ElementContent[] = [];
  if (page.frontMatter.length) {
    extra.push(
      h(
        'table',
        { className: ['front-matter'] },
        h('caption', {}, 'Record'),
        h('tbody', {}, page.frontMatter.map(([k, v]) => h('tr', {}, h('th', { scope: 'row' }, k), h('td', {}, v)))),
      ),
    );
  }
  if (statusFor !== undefined) extra.push(h('div', { className: ['live-status'], dataHearthStatus: statusFor, hidden: true }));
  const at = body.findIndex((c) => c.type === 'element' && c.tagName === 'h1');
  body.splice(at + 1, 0, ...extra.flatMap((e) => [{ type: 'text' as const, value: '\n' }, e]));

  const doc = h(
    'html',
    { lang: 'en' },
    h(
      'head',
      {},
      h('meta', { charSet: 'utf-8' }),
      h('meta', { name: 'viewport', content: 'width=device-width, initial-scale=1' }),
      h('meta', { name: 'generator', content: 'hearth' }),
      h('meta', { name: 'hearth-root', content: root }),
      h('title', {}, page.md === DOC_PATHS.index && page.title === opts.title ? opts.title : `${page.title} · ${opts.title}`),
      h('link', { rel: ['icon'], href: 'data:,' }),
      h('link', { rel: ['stylesheet'], href: rel(SITE_ASSETS.css) }),
      h('script', { src: rel(SITE_ASSETS.minisearch), defer: true }),
      h('script', { src: rel(SITE_ASSETS.searchIndex), defer: true }),
      h('script', { src: rel(SITE_ASSETS.js), defer: true }),
    ),
    h(
      'body',
      {},
      h('a', { className: ['skip-link'], href: '#hearth-main' }, 'Skip to the content'),
      h(
        'header',
        { className: ['site-header'] },
        hasIndex ? h('a', { className: ['site-title'], href: rel('index.html') }, opts.title) : h('span', { className: ['site-title'] }, opts.title),
        h(
          'div',
          { className: ['search'] },
          h(
            'form',
            { id: 'hearth-search', role: 'search', hidden: true },
            h('label', { htmlFor: ['hearth-search-input'], className: ['visually-hidden'] }, 'Search the docs'),
            h('input', { type: 'search', id: 'hearth-search-input', name: 'q', placeholder: 'Search the docs', autoComplete: ['off'], spellCheck: 'false' }),
          ),
          h('div', { id: 'hearth-search-results', className: ['search-results'], hidden: true }),
        ),
      ),
      h(
        'div',
        { className: ['layout'] },
        h('nav', { className: ['site-nav'], ariaLabel: 'Documentation' }, h('details', { open: true }, h('summary', {}, 'Contents'), navList(nav, page))),
        h('main', { id: 'hearth-main', tabIndex: -1 }, ...body),
      ),
      h(
        'footer',
        { className: ['site-footer'] },
        h('p', {}, `${opts.title}: generated by hearth from the lab spec; edit the spec, not these pages. `, 'Live component status shows when the site is served by hearth.'),
      ),
    ),
  );
  return { type: 'root', children: [{ type: 'doctype' }, { type: 'text', value: '\n' }, doc, { type: 'text', value: '\n' }] };
}

// ---------------------------------------------------------------------------
// Search
// ---------------------------------------------------------------------------

interface SearchDoc {
  id: string;
  title: string;
  heading: string;
  url: string;
  text: string;
}

const SEARCH_OPTIONS = {
  fields: ['title', 'heading', 'text'],
  storeFields: ['title', 'heading', 'url'],
  searchOptions: { boost: { title: 3, heading: 2 }, prefix: true, fuzzy: 0.2 },
};

function searchIndexJs(pages: Page[]): string {
  const docs: SearchDoc[] = [];
  for (const p of pages) {
    for (const s of p.sections) {
      const url = s.anchor ? `${p.html}#${s.anchor}` : p.html;
      docs.push({ id: url, title: p.title, heading: s.heading === p.title ? '' : s.heading, url, text: s.text });
    }
    if (!p.sections.length) docs.push({ id: p.html, title: p.title, heading: '', url: p.html, text: '' });
  }
  const seen = new Set<string>();
  const unique = docs.filter((d) => (seen.has(d.id) ? false : (seen.add(d.id), true)));
  const ms = new MiniSearch<SearchDoc>({ fields: SEARCH_OPTIONS.fields, storeFields: SEARCH_OPTIONS.storeFields });
  ms.addAll(unique);
  const json = JSON.stringify({ options: SEARCH_OPTIONS, index: ms.toJSON() })
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
  return `// Generated by hearth: the search index of this site, for MiniSearch.loadJS.\nwindow.HEARTH_SEARCH = ${json};\n`;
}

// ---------------------------------------------------------------------------
// The site
// ---------------------------------------------------------------------------

/** Build the static site from the docs tree (Markdown pages and their diagrams). */
export function buildSite(pages: DocFile[], opts: SiteOptions): DocFile[] {
  const inputs = [...pages].sort((a, b) => cmp(a.path, b.path));
  const files = new Map(inputs.map((f) => [f.path, f]));
  const dirs = new Set<string>();
  for (const f of inputs) {
    const parts = f.path.split('/');
    for (let i = 1; i < parts.length; i++) dirs.add(parts.slice(0, i).join('/'));
  }
  const ctx: Ctx = { files, dirs };

  const out = new Map<string, DocFile>();
  const made = new Map<string, string>();
  const put = (f: DocFile, from: string) => {
    const other = made.get(f.path);
    if (other !== undefined) throw new Error(`docs site: ${from} and ${other} would both be ${f.path}`);
    made.set(f.path, from);
    out.set(f.path, f);
  };
  for (const a of Object.values(SITE_ASSETS)) made.set(a, 'the site itself');

  const mdPages = new Map<string, Page>();
  for (const f of inputs) {
    if (f.path.endsWith('.md')) mdPages.set(f.path, toPage(f));
  }
  for (const p of mdPages.values()) transformContent(ctx, p);
  const nav = navigation(mdPages, opts);
  const componentPages = new Map(
    opts.components
      ? opts.components.map((c) => [DOC_PATHS.component(c.id), c.id])
      : [...mdPages.keys()].filter((p) => /^components\/[^/]+\.md$/.test(p) && p !== DOC_PATHS.componentsIndex).map((p) => [p, posix.basename(p, '.md')]),
  );

  for (const p of mdPages.values()) {
    const tree = layout(p, nav, opts, componentPages.get(p.md), mdPages.has(DOC_PATHS.index));
    put({ path: p.html, contents: html.stringify(tree) }, p.md);
  }
  for (const f of inputs) {
    if (f.path.endsWith('.md')) continue;
    put({ path: f.path, contents: f.path.endsWith('.svg') ? svgLinksToHtml(ctx, f) : f.contents }, f.path);
  }
  out.set(SITE_ASSETS.css, { path: SITE_ASSETS.css, contents: CSS });
  out.set(SITE_ASSETS.js, { path: SITE_ASSETS.js, contents: SITE_JS });
  out.set(SITE_ASSETS.minisearch, { path: SITE_ASSETS.minisearch, contents: opts.assets.minisearchJs });
  out.set(SITE_ASSETS.searchIndex, { path: SITE_ASSETS.searchIndex, contents: searchIndexJs([...mdPages.values()]) });
  return [...out.values()].sort((a, b) => cmp(a.path, b.path));
}

/** A standalone SVG copied into the site: its links to `.md` pages point at the `.html` pages. */
function svgLinksToHtml(ctx: Ctx, f: DocFile): string {
  return f.contents.replace(/(\s(?:xlink:)?href\s*=\s*)(["'])([^"']*)\2/g, (m, pre: string, q: string, v: string) => {
    const r = resolveHref(f.path, v.replace(/&amp;/g, '&'));
    if (r.kind !== 'local' || r.samePage) return m;
    const next = siteHref(ctx, v, f.path, f.path);
    return next === v ? m : `${pre}${q}${next.replace(/&/g, '&amp;')}${q}`;
  });
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

// ---------------------------------------------------------------------------
// Assets: stylesheet and script
// ---------------------------------------------------------------------------

const CSS = `/* hearth docs: light, system fonts, readable. */
:root {
  --fg: #1f2328; --muted: #59636e; --bg: #ffffff; --bg-soft: #f6f8fa; --line: #d1d9e0;
  --accent: #0b57d0; --ok: #1a7f37; --bad: #cf222e; --warn: #9a6700;
  --nav-width: 17rem;
}
* { box-sizing: border-box; }
[hidden] { display: none !important; }
html { color: var(--fg); background: var(--bg); font: 16px/1.6 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
body { margin: 0; }
a { color: var(--accent); }
a:focus-visible, input:focus-visible, summary:focus-visible { outline: 2px solid var(--accent); outline-offset: 2px; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
.skip-link { position: absolute; left: -999px; top: 0; background: var(--bg); padding: .5rem 1rem; z-index: 10; }
.skip-link:focus { left: .5rem; }

.site-header { display: flex; align-items: center; gap: 1rem; padding: .6rem 1.25rem; border-bottom: 1px solid var(--line); background: var(--bg-soft); position: sticky; top: 0; z-index: 5; }
.site-title { font-weight: 600; font-size: 1.1rem; color: var(--fg); text-decoration: none; }
.search { position: relative; margin-left: auto; width: min(24rem, 55vw); }
.search input { width: 100%; font: inherit; padding: .35rem .6rem; border: 1px solid var(--line); border-radius: 6px; background: var(--bg); }
.search-results { position: absolute; right: 0; left: 0; top: calc(100% + .25rem); background: var(--bg); border: 1px solid var(--line); border-radius: 6px; box-shadow: 0 8px 24px rgba(0,0,0,.12); max-height: 70vh; overflow: auto; }
.search-results p { margin: .5rem .75rem; color: var(--muted); font-size: .9rem; }
.search-results ul { list-style: none; margin: 0; padding: .25rem 0; }
.search-results a { display: block; padding: .35rem .75rem; text-decoration: none; color: var(--fg); }
.search-results a:hover, .search-results a:focus { background: var(--bg-soft); }
.search-results .result-heading { display: block; color: var(--muted); font-size: .85rem; }

.layout { display: grid; grid-template-columns: var(--nav-width) minmax(0, 1fr); max-width: 90rem; margin: 0 auto; }
.site-nav { border-right: 1px solid var(--line); padding: 1rem 1rem 2rem 1.25rem; font-size: .95rem; position: sticky; top: 3.2rem; align-self: start; max-height: calc(100vh - 3.2rem); overflow: auto; }
.site-nav summary { display: none; }
.site-nav ul { list-style: none; margin: 0; padding: 0; }
.site-nav ul ul { margin: .15rem 0 .5rem .8rem; padding-left: .6rem; border-left: 1px solid var(--line); font-size: .9rem; }
.site-nav li { margin: .15rem 0; }
.site-nav a { color: var(--fg); text-decoration: none; }
.site-nav a:hover { color: var(--accent); text-decoration: underline; }
.site-nav a[aria-current="page"] { color: var(--accent); font-weight: 600; }
.site-nav .nav-heading { color: var(--muted); }

main { padding: 1.5rem 2rem 3rem; min-width: 0; max-width: 60rem; }
main:focus { outline: none; }
h1, h2, h3, h4 { line-height: 1.25; margin: 1.6em 0 .6em; }
h1 { font-size: 1.9rem; margin-top: .2em; }
h2 { font-size: 1.45rem; padding-bottom: .25em; border-bottom: 1px solid var(--line); }
h3 { font-size: 1.15rem; }
p, ul, ol, table, pre, figure { margin: 0 0 1rem; }
code { font-family: ui-monospace, SFMono-Regular, "SF Mono", Menlo, Consolas, "Liberation Mono", monospace; font-size: .9em; background: var(--bg-soft); padding: .1em .3em; border-radius: 4px; }
pre { background: var(--bg-soft); border: 1px solid var(--line); border-radius: 6px; padding: .8rem 1rem; overflow: auto; line-height: 1.45; }
pre code { background: none; padding: 0; font-size: .85rem; }
blockquote { margin: 0 0 1rem; padding: 0 1rem; color: var(--muted); border-left: 4px solid var(--line); }
table { border-collapse: collapse; display: block; max-width: 100%; overflow: auto; font-size: .93rem; }
th, td { border: 1px solid var(--line); padding: .35rem .65rem; text-align: left; vertical-align: top; }
thead th, tbody th { background: var(--bg-soft); font-weight: 600; }
table.front-matter caption { text-align: left; color: var(--muted); font-size: .85rem; padding-bottom: .2rem; }
img { max-width: 100%; }
figure.diagram { margin: 0 0 1.5rem; padding: .75rem; border: 1px solid var(--line); border-radius: 6px; overflow: auto; }
figure.diagram svg { max-width: 100%; height: auto; display: block; margin: 0 auto; }
figure.diagram figcaption { color: var(--muted); font-size: .85rem; margin-top: .5rem; }
.diagram-inline svg { max-width: 100%; height: auto; vertical-align: middle; }

.live-status { border: 1px solid var(--line); border-left-width: 4px; border-radius: 6px; padding: .6rem .9rem; margin: 0 0 1.25rem; background: var(--bg-soft); }
.live-status.is-ok { border-left-color: var(--ok); }
.live-status.is-bad { border-left-color: var(--bad); }
.live-status.is-unknown { border-left-color: var(--warn); }
.live-status ul { margin: .3rem 0 0; padding-left: 1.2rem; font-size: .92rem; }
.live-status .state-ok { color: var(--ok); font-weight: 600; }
.live-status .state-bad { color: var(--bad); font-weight: 600; }

.site-footer { border-top: 1px solid var(--line); color: var(--muted); font-size: .85rem; padding: 1rem 1.25rem; text-align: center; }
.site-footer p { margin: 0; }

@media (max-width: 50rem) {
  .site-header { flex-wrap: wrap; position: static; }
  .search { width: 100%; margin-left: 0; }
  .layout { display: block; }
  .site-nav { position: static; max-height: none; border-right: 0; border-bottom: 1px solid var(--line); padding: .5rem 1.25rem; }
  .site-nav summary { display: list-item; cursor: pointer; font-weight: 600; }
  .site-nav details[open] summary { margin-bottom: .5rem; }
  main { padding: 1rem 1.25rem 2rem; }
}
@media print {
  .site-header, .site-nav, .site-footer, .skip-link { display: none; }
  .layout { display: block; }
}
`;

// Plain ES2017, no framework. Never innerHTML: every text goes in through textContent.
const SITE_JS = String.raw`// hearth docs: search, live status and live reload.
(function () {
  'use strict';
  var rootMeta = document.querySelector('meta[name="hearth-root"]');
  var root = rootMeta ? rootMeta.getAttribute('content') || './' : './';
  var serverMeta = document.querySelector('meta[name="hearth-server"]');
  var served = /^https?:$/.test(location.protocol);
  var doc = document.documentElement;

  function el(tag, className, text) {
    var e = document.createElement(tag);
    if (className) e.className = className;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  // Small screens: the navigation starts folded.
  var nav = document.querySelector('.site-nav details');
  if (nav && window.matchMedia && window.matchMedia('(max-width: 50rem)').matches) nav.open = false;

  // Search -----------------------------------------------------------------
  function setupSearch() {
    var data = window.HEARTH_SEARCH;
    var form = document.getElementById('hearth-search');
    var input = document.getElementById('hearth-search-input');
    var box = document.getElementById('hearth-search-results');
    if (!data || !window.MiniSearch || !form || !input || !box) return;
    var engine;
    try {
      engine = window.MiniSearch.loadJS(data.index, data.options);
    } catch (e) {
      return;
    }
    form.hidden = false;
    doc.setAttribute('data-hearth-search', 'ready');

    function hrefOf(r) {
      return root + r.url;
    }
    function render() {
      var q = input.value.trim();
      box.textContent = '';
      if (q.length < 2) {
        box.hidden = true;
        return;
      }
      var results = engine.search(q).slice(0, 12);
      box.hidden = false;
      if (!results.length) {
        box.appendChild(el('p', '', 'No results for "' + q + '"'));
        return;
      }
      var list = el('ul');
      list.setAttribute('aria-label', 'Search results');
      results.forEach(function (r) {
        var li = el('li');
        var a = el('a', 'result');
        a.href = hrefOf(r);
        a.appendChild(el('span', 'result-title', r.title));
        if (r.heading) a.appendChild(el('span', 'result-heading', r.heading));
        li.appendChild(a);
        list.appendChild(li);
      });
      box.appendChild(list);
    }
    input.addEventListener('input', render);
    input.addEventListener('focus', render);
    input.addEventListener('keydown', function (e) {
      if (e.key === 'Escape') {
        input.value = '';
        render();
      } else if (e.key === 'ArrowDown') {
        var first = box.querySelector('a');
        if (first) {
          e.preventDefault();
          first.focus();
        }
      }
    });
    box.addEventListener('keydown', function (e) {
      var links = Array.prototype.slice.call(box.querySelectorAll('a'));
      var i = links.indexOf(document.activeElement);
      if (i < 0) return;
      if (e.key === 'ArrowDown' && i + 1 < links.length) {
        e.preventDefault();
        links[i + 1].focus();
      } else if (e.key === 'ArrowUp') {
        e.preventDefault();
        (i > 0 ? links[i - 1] : input).focus();
      } else if (e.key === 'Escape') {
        input.focus();
        input.value = '';
        render();
      }
    });
    form.addEventListener('submit', function (e) {
      e.preventDefault();
      var first = box.querySelector('a');
      if (first) location.href = first.href;
    });
    document.addEventListener('click', function (e) {
      if (!form.contains(e.target) && !box.contains(e.target)) box.hidden = true;
    });
  }

  // Live status ------------------------------------------------------------
  function rowsByComponent(data) {
    var by = {};
    var add = function (id, row) {
      (by[id] = by[id] || []).push(row);
    };
    if (data && Array.isArray(data.rows)) {
      data.rows.forEach(function (r) {
        if (r && typeof r.component === 'string') add(r.component, r);
      });
    } else if (data && data.components && typeof data.components === 'object') {
      Object.keys(data.components).forEach(function (id) {
        var v = data.components[id];
        (Array.isArray(v) ? v : [v]).forEach(function (r) {
          if (r && typeof r === 'object') add(id, r);
        });
      });
    }
    return by;
  }
  function fillStatus(target, rows) {
    target.textContent = '';
    var head = el('p');
    head.appendChild(el('strong', '', 'Live status: '));
    if (!rows || !rows.length) {
      target.className = 'live-status is-unknown';
      head.appendChild(document.createTextNode('nothing of this component was found in the cluster.'));
      target.appendChild(head);
    } else {
      var ok = rows.filter(function (r) { return r.healthy === true; }).length;
      target.className = 'live-status ' + (ok === rows.length ? 'is-ok' : 'is-bad');
      head.appendChild(el('span', ok === rows.length ? 'state-ok' : 'state-bad', ok === rows.length ? 'healthy' : 'not healthy'));
      head.appendChild(document.createTextNode(' (' + ok + ' of ' + rows.length + ' ready)'));
      target.appendChild(head);
      var list = el('ul');
      rows.forEach(function (r) {
        var name = [r.kind, r.namespace ? r.namespace + '/' + (r.name || '') : r.name].filter(Boolean).join(' ');
        var text = (name ? name + ': ' : '') + (r.state || (r.healthy ? 'Ready' : 'NotReady')) + (r.detail ? ' (' + r.detail + ')' : '');
        list.appendChild(el('li', '', text));
      });
      target.appendChild(list);
    }
    target.setAttribute('role', 'status');
    target.hidden = false;
  }
  function liveStatus() {
    var targets = document.querySelectorAll('[data-hearth-status]');
    if (!targets.length || !served || !window.fetch) return;
    // Served by hearth: it says whether it has live status; elsewhere, ask and take 404 as "none".
    if (serverMeta && !/\bstatus\b/.test(serverMeta.getAttribute('content') || '')) return;
    fetch(root + 'api/status.json', { cache: 'no-store', headers: { accept: 'application/json' } })
      .then(function (res) {
        return res.ok ? res.json() : null;
      })
      .then(function (data) {
        if (!data) return;
        var by = rowsByComponent(data);
        Array.prototype.forEach.call(targets, function (t) {
          fillStatus(t, by[t.getAttribute('data-hearth-status')]);
        });
        doc.setAttribute('data-hearth-status', 'loaded');
      })
      .catch(function () {});
  }

  // Live reload (only from hearth's server) ----------------------------------
  function liveReload() {
    if (!served || !serverMeta || !window.EventSource) return;
    if (!/\bevents\b/.test(serverMeta.getAttribute('content') || '')) return;
    var source = new EventSource(root + 'api/events');
    source.addEventListener('open', function () {
      doc.setAttribute('data-hearth-live', 'connected');
    });
    source.addEventListener('reload', function () {
      source.close();
      location.reload();
    });
    window.addEventListener('pagehide', function () {
      source.close();
    });
  }

  setupSearch();
  liveStatus();
  liveReload();
})();
`;
