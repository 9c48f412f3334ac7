/**
 * The requirements traceability matrix (seed 001's "Requirements to
 * Structure Mapping", one row per requirement): each FR/NFR → the components
 * and apps that satisfy it (`requirements[].satisfiedBy` ∪ apps listing it in
 * `apps[].requirements`) → the files hearth rendered for them → coverage
 * counts and what nothing covers. Pure: the docs input in, rows and Markdown
 * out. `filesOf` (a component's rendered files, in every layout) is shared
 * with the other pages.
 */
import path from 'node:path';
import { LAYER_FOLDER } from '../catalog/types.js';
import { mdCell } from '../lib/text.js';
import type { LabModel } from '../model/types.js';
import type { RenderedFile } from '../render/files.js';
import { infraRoot } from '../render/infra/root.js';
import { DOC_PATHS, type DocsInput } from './types.js';

/** The pseudo-component id of the cluster itself (its machine layer under infra/). */
export const CLUSTER_ID = 'cluster';

/** The machine layer's directories (src/render/infra) that make the cluster; `cni/` belongs to the CNI component. */
const CLUSTER_INFRA_DIRS = ['tofu', 'frr', 'packer', 'lima', 'k3s', 'ansible', 'talos'] as const;

/**
 * Where a component's files live, as path prefixes (ending in `/`) and exact
 * paths, for the lab's layout:
 * - flux: `infrastructure/<layer>/<dir>/`, `infrastructure/<layer>-config/<dir>/`, apps `apps/<id>/`, `apps-config/<id>/`;
 * - argocd: `argocd/apps/<id>.yaml`, `argocd/apps/<id>-manifests.yaml`, `manifests/<id>/`;
 * - none: `infrastructure|monitoring|applications/<dir or app>/` (seed 001's folders);
 * - the CNI's bootstrap install `<infra root>/cni/` for Cilium and Calico (both Calico components);
 * - `cluster`: the machine layer `<infra root>/{tofu,frr,packer,lima,k3s,ansible,talos}/`.
 * Shared files (namespaces, Helm sources, Flux layer Kustomizations, deploy-all.sh) belong to no component.
 */
export function componentLocations(componentId: string, lab: LabModel): { dirs: string[]; exact: string[] } {
  const root = infraRoot(lab);
  if (componentId === CLUSTER_ID && !lab.components.some((c) => c.id === CLUSTER_ID)) {
    return { dirs: lab.cluster || lab.nodes.length ? CLUSTER_INFRA_DIRS.map((d) => `${root}/${d}/`) : [], exact: [] };
  }
  const c = lab.components.find((x) => x.id === componentId);
  if (!c || !lab.cluster) return { dirs: [], exact: [] };
  const dirs: string[] = [];
  const exact: string[] = [];
  switch (lab.gitops.engine) {
    case 'flux':
      if (c.layer === 'apps') dirs.push(`apps/${c.id}/`, `apps-config/${c.id}/`);
      else dirs.push(`infrastructure/${c.layer}/${c.module.dir}/`, `infrastructure/${c.layer}-config/${c.module.dir}/`);
      break;
    case 'argocd':
      exact.push(`argocd/apps/${c.id}.yaml`);
      // `<id>-manifests.yaml` is this component's unless another component has that id.
      if (!lab.components.some((x) => x.id === `${c.id}-manifests`)) exact.push(`argocd/apps/${c.id}-manifests.yaml`);
      dirs.push(`manifests/${c.id}/`);
      break;
    case 'none':
      dirs.push(`${LAYER_FOLDER[c.layer]}/${c.kind === 'app' ? c.id : c.module.dir}/`);
      break;
  }
  const cni = lab.cluster.cni;
  if ((cni === 'cilium' || cni === 'calico') && (c.module.name === cni || c.module.name.startsWith(`${cni}-`))) dirs.push(`${root}/cni/`);
  return { dirs, exact };
}

/**
 * The rendered files of one component (an id of `lab.components`, or
 * `cluster` for the machine layer), sorted by path. Needs the model: a
 * platform component's directory is its module's `dir` (kube-prometheus-stack
 * → `prometheus/`), not its id.
 */
export function filesOf(componentId: string, files: readonly RenderedFile[], lab: LabModel): string[] {
  const { dirs, exact } = componentLocations(componentId, lab);
  const own = new Set(exact);
  return files
    .map((f) => f.path)
    .filter((p) => own.has(p) || dirs.some((d) => p.startsWith(d)))
    .sort();
}

export type RequirementKind = 'FR' | 'NFR';

export interface TraceSatisfier {
  /** A component or app id. */
  id: string;
  kind: 'platform' | 'app';
  /** Why it is listed: named in the requirement's satisfiedBy, or the app lists the requirement. */
  via: ('satisfiedBy' | 'app')[];
  /** Its rendered files (see filesOf). */
  files: string[];
}

export interface TraceRow {
  /** As written in the spec (`FR14`, `NFR-1`). */
  id: string;
  kind: RequirementKind;
  text: string;
  category?: string;
  satisfiers: TraceSatisfier[];
  /** satisfiedBy names that are not a component or app of the lab. */
  unknown: string[];
  /** Named by apps[].requirements but not declared in requirements. */
  undeclared: boolean;
  covered: boolean;
  /** Problems, in words. */
  problems: string[];
}

export interface CoverageCount {
  covered: number;
  total: number;
}

export interface Traceability {
  rows: TraceRow[];
  /** Ids of the requirements nothing in the lab satisfies, in row order. */
  uncovered: string[];
  coverage: { all: CoverageCount; FR: CoverageCount; NFR: CoverageCount; byCategory: ({ category: string } & CoverageCount)[] };
  markdown: string;
}

const UNCATEGORISED = '(no category)';

/** First line of every generated page. */
export const GENERATED = '<!-- Generated by hearth from the lab spec. Do not edit: change hearth.yaml and regenerate. -->';

export function requirementKind(id: string): RequirementKind {
  return /^NFR/i.test(id) ? 'NFR' : 'FR';
}

/** A relative link from one docs page to another. */
export function relLink(from: string, to: string): string {
  return path.posix.relative(path.posix.dirname(from), to) || path.posix.basename(to);
}

function count(rows: readonly TraceRow[]): CoverageCount {
  return { covered: rows.filter((r) => r.covered).length, total: rows.length };
}

export function traceability(input: DocsInput): Traceability {
  const lab = input.model;
  const components = new Map(lab.components.map((c) => [c.id, c]));
  const declared = lab.spec.requirements;
  const key = (id: string) => id.toUpperCase();
  const appsListing = (id: string) => lab.apps.filter((a) => a.requirements.some((r) => key(r) === key(id))).map((a) => a.name);

  const entries: { id: string; text: string; category?: string; satisfiedBy: string[]; undeclared: boolean }[] = declared.map((r) => ({
    id: r.id,
    text: r.text,
    category: r.category,
    satisfiedBy: r.satisfiedBy,
    undeclared: false,
  }));
  const known = new Set(declared.map((r) => key(r.id)));
  const extra = [...new Set(lab.apps.flatMap((a) => a.requirements).filter((r) => /^(FR|NFR)-?[0-9]+[a-z]?$/i.test(r) && !known.has(key(r))))].sort();
  for (const id of extra) entries.push({ id, text: '', satisfiedBy: [], undeclared: true });

  const rows: TraceRow[] = entries.map((e) => {
    const byId = new Map<string, TraceSatisfier>();
    const unknown: string[] = [];
    const add = (id: string, via: TraceSatisfier['via'][number]) => {
      const c = components.get(id);
      if (!c) {
        if (!unknown.includes(id)) unknown.push(id);
        return;
      }
      const s = byId.get(id) ?? { id, kind: c.kind, via: [], files: filesOf(id, input.files, lab) };
      if (!s.via.includes(via)) s.via.push(via);
      byId.set(id, s);
    };
    for (const s of e.satisfiedBy) add(s, 'satisfiedBy');
    for (const a of appsListing(e.id)) add(a, 'app');
    // Deployment order (the model's), so rows read like the layers.
    const order = new Map(lab.components.map((c, i) => [c.id, i]));
    const satisfiers = [...byId.values()].sort((a, b) => order.get(a.id)! - order.get(b.id)!);
    const problems: string[] = [];
    if (e.undeclared) problems.push('named by apps[].requirements but not declared in requirements');
    for (const u of unknown) problems.push(`satisfiedBy names "${u}", which is neither a component nor an app of this lab`);
    for (const s of satisfiers) if (s.files.length === 0) problems.push(`${s.id} has no rendered files`);
    if (satisfiers.length === 0) problems.push('no component or app satisfies it');
    return {
      id: e.id,
      kind: requirementKind(e.id),
      text: e.text,
      category: e.category,
      satisfiers,
      unknown,
      undeclared: e.undeclared,
      covered: satisfiers.length > 0,
      problems,
    };
  });

  const categories = [...new Set(rows.map((r) => r.category ?? UNCATEGORISED))];
  const coverage = {
    all: count(rows),
    FR: count(rows.filter((r) => r.kind === 'FR')),
    NFR: count(rows.filter((r) => r.kind === 'NFR')),
    byCategory: categories.map((category) => ({ category, ...count(rows.filter((r) => (r.category ?? UNCATEGORISED) === category)) })),
  };
  const uncovered = rows.filter((r) => !r.covered).map((r) => r.id);
  return { rows, uncovered, coverage, markdown: markdown(lab, rows, coverage, uncovered) };
}

function code(s: string): string {
  // Paths hearth renders hold no backticks; escape the cell's pipes all the same.
  return `\`${s}\``;
}

function markdown(lab: LabModel, rows: TraceRow[], coverage: Traceability['coverage'], uncovered: string[]): string {
  const page = DOC_PATHS.traceability;
  const out: string[] = [GENERATED, `# ${lab.name}: requirements traceability`, ''];
  if (rows.length === 0) {
    out.push(
      'The lab declares no requirements. Add them to hearth.yaml (`requirements: [{ id: FR1, text: ..., category: ..., satisfiedBy: [component] }]`) or name them on apps (`apps[].requirements`), and this page maps each to the components and files that satisfy it.',
      '',
    );
    return out.join('\n');
  }
  const frac = (c: CoverageCount) => `${c.covered}/${c.total}`;
  out.push(
    `${coverage.all.covered} of ${coverage.all.total} requirements are covered by a component or app of the lab: functional ${frac(coverage.FR)}, non-functional ${frac(coverage.NFR)}. ` +
      `Files are paths in the repository \`hearth build\` writes.`,
    '',
    '| requirement | category | text | satisfied by | files |',
    '|---|---|---|---|---|',
  );
  for (const r of rows) {
    const by = [
      ...r.satisfiers.map((s) => `[${mdCell(s.id)}](${relLink(page, DOC_PATHS.component(s.id))})${s.kind === 'app' ? ' (app)' : ''}`),
      ...r.unknown.map((u) => `${mdCell(u)} (not in this lab)`),
    ];
    const files =
      r.satisfiers.length === 1
        ? r.satisfiers[0].files.map(code).join(', ') || '—'
        : r.satisfiers.map((s) => `${mdCell(s.id)}: ${s.files.map(code).join(', ') || '—'}`).join('; ') || '—';
    const text = r.undeclared ? '(not declared in requirements)' : r.text;
    out.push(`| ${mdCell(r.id)} | ${mdCell(r.category ?? '')} | ${mdCell(text)} | ${by.join(', ') || '**none**'} | ${mdCell(files)} |`);
  }
  out.push('', '## Coverage', '', '| category | covered | total |', '|---|---|---|');
  for (const c of coverage.byCategory) out.push(`| ${mdCell(c.category)} | ${c.covered} | ${c.total} |`);
  out.push(`| FR | ${coverage.FR.covered} | ${coverage.FR.total} |`, `| NFR | ${coverage.NFR.covered} | ${coverage.NFR.total} |`, `| all | ${coverage.all.covered} | ${coverage.all.total} |`);
  out.push('', '## Not covered', '');
  if (uncovered.length === 0) out.push('Every requirement is satisfied by a component or app of the lab.');
  else {
    out.push('Nothing in the lab satisfies these: name a component in `satisfiedBy`, list the requirement on an app (`apps[].requirements`), or add what is missing.', '');
    for (const r of rows.filter((x) => !x.covered)) out.push(`- **${mdCell(r.id)}**${r.text ? `: ${r.text.replace(/\n/g, ' ')}` : ''}`);
  }
  const problems = rows.flatMap((r) => r.problems.filter((p) => p !== 'no component or app satisfies it').map((p) => `- ${r.id}: ${p}`));
  if (problems.length) out.push('', '## Problems', '', ...problems);
  out.push('');
  return out.join('\n');
}
