/**
 * `hearth docs` as a library call: the Markdown tree (architecture, components,
 * runbooks, decisions, traceability, backup plan, review, diagrams) and, with
 * `site`, the static HTML site built from it. Pure apart from loading the
 * Graphviz WASM module: the same input gives byte-identical files.
 */
import { architectureMarkdown } from './architecture.js';
import { diagramFiles } from './graphviz.js';
import { backupPlanPage, componentPage, componentsIndex, decisionPages, indexPage, reviewPage } from './pages.js';
import { runbookEntries, runbooks } from './runbooks.js';
import { buildSite, siteAssets } from './site.js';
import { traceability } from './traceability.js';
import { DOC_PATHS, type DocFile, type DocsInput } from './types.js';

export interface DocsOptions {
  /** The review's date line (YYYY-MM-DD). */
  date: string;
  /** Also build the HTML site from the pages. */
  site?: boolean;
}

export async function generateDocs(input: DocsInput, opts: DocsOptions): Promise<DocFile[]> {
  const entries = runbookEntries(input);
  const pages: DocFile[] = [
    { path: DOC_PATHS.architecture, contents: architectureMarkdown(input) },
    componentsIndex(input),
    ...input.model.components.map((c) => componentPage(input, c, entries.filter((e) => e.component === c.id))),
    ...runbooks(input),
    { path: DOC_PATHS.traceability, contents: traceability(input).markdown },
    backupPlanPage(input),
    ...decisionPages(input),
    ...(await diagramFiles(input)),
  ];
  const review = reviewPage(input, opts.date);
  if (review) pages.push(review);
  pages.push(indexPage(input, pages));
  pages.sort((a, b) => a.path.localeCompare(b.path));
  if (!opts.site) return pages;
  const site = buildSite(pages, {
    title: `${input.model.name} docs`,
    components: input.model.components.map((c) => ({ id: c.id, name: c.id })),
    assets: siteAssets(),
  });
  return [...pages, ...site.filter((f) => !pages.some((p) => p.path === f.path))].sort((a, b) => a.path.localeCompare(b.path));
}
