/** Object metadata for what modules render: `{app}-{component}` names and the standard labels. */
import { standardLabels, type ObjectMeta } from '../lib/k8s.js';
import type { LabModel, ComponentInstance } from '../model/types.js';

export interface MetaSource {
  lab: LabModel;
  component: ComponentInstance;
}

/** Metadata for an object of this component; cluster-scoped objects pass `namespaced: false`. */
export function meta(ctx: MetaSource, name: string, role: string, opts: { namespaced?: boolean; namespace?: string; annotations?: Record<string, string> } = {}): ObjectMeta {
  const m: ObjectMeta = { name };
  if (opts.namespaced !== false) m.namespace = opts.namespace ?? ctx.component.namespace;
  m.labels = standardLabels(ctx.lab.name, ctx.component.module.name, ctx.component.id, role);
  if (opts.annotations && Object.keys(opts.annotations).length > 0) m.annotations = opts.annotations;
  return m;
}
