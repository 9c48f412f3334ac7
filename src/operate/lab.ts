/**
 * The lab as the operate commands see it: loaded and checked (loadLab),
 * rendered (renderLab, without the secrets stage: nothing here needs
 * ciphertexts, and nothing is written), and the Kubernetes objects of the
 * rendered YAML that hearth owns.
 */
import { parseAllDocuments } from 'yaml';
import { loadLab } from '../pipeline.js';
import { renderLab, type RenderedFile } from '../render/index.js';
import type { LabModel } from '../model/types.js';
import type { Issue } from '../spec/issues.js';
import { MANAGED_BY, isPlainObject, type K8sObject } from '../lib/k8s.js';

export interface OperateLab {
  file: string;
  model: LabModel;
  files: RenderedFile[];
}

export interface LoadedForOperate {
  lab?: OperateLab;
  issues: Issue[];
}

/** Load, check and render a lab (no files are written). */
export async function loadOperateLab(target: string): Promise<LoadedForOperate> {
  const loaded = await loadLab(target);
  if (!loaded.model) return { issues: loaded.issues };
  return { lab: { file: loaded.file, model: loaded.model, files: renderLab(loaded.model) }, issues: loaded.issues };
}

/** The Kubernetes objects of one rendered YAML file (documents without apiVersion/kind/metadata.name are skipped). */
export function objectsOf(file: RenderedFile): K8sObject[] {
  if (!/\.ya?ml$/.test(file.path)) return [];
  const out: K8sObject[] = [];
  for (const doc of parseAllDocuments(file.contents)) {
    const o = doc.toJS() as unknown;
    if (isPlainObject(o) && typeof o.apiVersion === 'string' && typeof o.kind === 'string' && isPlainObject(o.metadata) && typeof o.metadata.name === 'string') {
      out.push(o as unknown as K8sObject);
    }
  }
  return out;
}

/** The label selector of everything hearth renders for a lab. */
export function ownedSelector(lab: string): string {
  return `app.kubernetes.io/managed-by=${MANAGED_BY},app.kubernetes.io/part-of=${lab}`;
}

/** True for an object carrying hearth's labels for this lab. */
export function isOwned(o: K8sObject, lab: string): boolean {
  const l = o.metadata.labels ?? {};
  return l['app.kubernetes.io/managed-by'] === MANAGED_BY && l['app.kubernetes.io/part-of'] === lab;
}

/**
 * Every cluster object the rendered repository holds that hearth owns (its
 * labels), in file order. Kustomize's own `kustomization.yaml` files are
 * build instructions, not cluster objects, and carry no labels.
 */
export function renderedObjects(lab: OperateLab): K8sObject[] {
  const out: K8sObject[] = [];
  for (const f of lab.files) for (const o of objectsOf(f)) if (isOwned(o, lab.model.name)) out.push(o);
  return out;
}
