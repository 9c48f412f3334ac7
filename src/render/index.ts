/**
 * Render stage: model → files. Components are rendered once and handed to
 * the layout the spec's GitOps engine selects. Pure: returns data.
 */
import type { LabModel } from '../model/types.js';
import { renderComponents } from './components.js';
import { renderFlux } from './layouts/flux.js';
import { renderArgoCd } from './layouts/argocd.js';
import { renderHelm } from './layouts/helm.js';
import type { RenderedFile } from './files.js';
import { renovateConfig } from './renovate.js';
import { renderInfra } from './infra/index.js';
import type { RenderedComponent } from './components.js';

export type Layout = (lab: LabModel, components: RenderedComponent[]) => RenderedFile[];

export const layouts = {
  flux: renderFlux,
  argocd: renderArgoCd,
  none: renderHelm,
} satisfies Record<LabModel['gitops']['engine'], Layout>;

/**
 * Render a lab. `components` lets the pipeline pass components it already
 * rendered and completed (the secrets stage adds encrypted Secrets to them);
 * `extra` files come from stages beside render (the secret-store checklist).
 */
export function renderLab(lab: LabModel, components: RenderedComponent[] = renderComponents(lab), extra: readonly RenderedFile[] = []): RenderedFile[] {
  const files = [...(lab.cluster ? layouts[lab.gitops.engine](lab, components) : []), ...renderInfra(lab), renovateConfig(lab), ...extra];
  const seen = new Set<string>();
  for (const f of files) {
    if (seen.has(f.path)) throw new Error(`internal: two rendered files share the path ${f.path}`);
    seen.add(f.path);
  }
  return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

export type { RenderedFile } from './files.js';
export type { RenderedComponent } from './components.js';
export { renderComponents } from './components.js';
