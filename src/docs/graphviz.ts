/**
 * Renders the diagrams' DOT to SVG with Graphviz compiled to WebAssembly
 * (@hpcc-js/wasm-graphviz, loaded once per process), and lists the diagram
 * files of the docs: `diagrams/<name>.dot`, `.mmd` and `.svg`.
 *
 * The SVG is the bare `<svg>` element: no XML declaration, DOCTYPE or
 * generator comment (which names the Graphviz version), so the same input
 * gives the same bytes, and the file both opens on its own (it carries its
 * xmlns) and inlines into an HTML page. Element ids come from the DOT
 * (`<diagram>__<node>`), so several diagrams can share one page.
 */
import { Graphviz } from '@hpcc-js/wasm-graphviz';
import { DOC_PATHS, type DocFile, type DocsInput } from './types.js';
import { diagramSources } from './diagrams.js';

let graphviz: Promise<Graphviz> | undefined;

function load(): Promise<Graphviz> {
  graphviz ??= Graphviz.load();
  return graphviz;
}

/** DOT → a self-contained SVG document; throws on a DOT syntax error. */
export async function renderSvg(dot: string): Promise<string> {
  const svg = (await load()).dot(dot, 'svg');
  const start = svg.indexOf('<svg');
  if (start < 0) throw new Error('graphviz returned no <svg> element');
  return svg.slice(start).trimEnd() + '\n';
}

/** Every diagram of the lab as DOT, Mermaid and SVG, in DIAGRAMS order. */
export async function diagramFiles(input: DocsInput): Promise<DocFile[]> {
  const out: DocFile[] = [];
  for (const d of diagramSources(input)) {
    out.push(
      { path: DOC_PATHS.diagram(d.name, 'dot'), contents: d.dot },
      { path: DOC_PATHS.diagram(d.name, 'mmd'), contents: d.mermaid },
      { path: DOC_PATHS.diagram(d.name, 'svg'), contents: await renderSvg(d.dot) },
    );
  }
  return out;
}
