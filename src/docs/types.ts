/**
 * The docs stage reads what the other stages computed (the model, the
 * rendered files, the backup plan, the decision records, the latest review)
 * and writes Markdown pages, diagrams and a static site. It renders nothing
 * of the lab itself: every statement comes from these inputs.
 */
import type { LabModel } from '../model/types.js';
import type { RenderedFile } from '../render/files.js';
import type { BackupPlan } from '../backup/plan.js';
import type { ReviewResult } from '../review/run.js';
import type { DecisionRecord } from '../adr/model.js';
import type { Layer } from '../catalog/types.js';

export interface DocsDecision {
  record: DecisionRecord;
  /** The record's file relative to the lab directory: `decisions/ADR-001-use-k3s.md`. */
  file: string;
  /** The record's Markdown as stored (copied into the docs). */
  markdown: string;
}

export interface DocsInput {
  model: LabModel;
  /** Every file `hearth build` renders for this lab, paths relative to the output repository. */
  files: RenderedFile[];
  plan: BackupPlan;
  decisions: DocsDecision[];
  /** The review of the lab, when it ran. */
  review?: ReviewResult;
}

/** A page or asset of the docs: a POSIX path relative to the docs directory. */
export type DocFile = RenderedFile;

/**
 * Where each page lives in the docs tree. Pages link to each other with
 * relative `.md` links; the site turns them into `.html`.
 */
export const DOC_PATHS = {
  index: 'README.md',
  architecture: 'architecture.md',
  traceability: 'traceability.md',
  backupPlan: 'backup-plan.md',
  review: 'review.md',
  decisionsIndex: 'decisions/README.md',
  decision: (file: string) => `decisions/${file.split('/').pop()}`,
  componentsIndex: 'components/README.md',
  component: (id: string) => `components/${id}.md`,
  runbooksIndex: 'runbooks/README.md',
  runbook: (component: string, operation: string) => `runbooks/${component}-${operation}.md`,
  diagram: (name: string, ext: 'svg' | 'dot' | 'mmd') => `diagrams/${name}.${ext}`,
} as const;

/** The diagrams every lab gets, in this order. */
export const DIAGRAMS = ['layers', 'dependencies', 'network', 'failure-domains'] as const;
export type DiagramName = (typeof DIAGRAMS)[number];

/** The spec blocks whose decisions concern a platform layer (a record governing `storage.default` concerns the storage layer). */
export const LAYER_SPEC_BLOCKS: Partial<Record<Layer, string[]>> = {
  crds: ['secrets'],
  storage: ['storage'],
  networking: ['network'],
  certificates: ['tls'],
  ingress: ['ingress'],
  observability: ['observability'],
};

/** Whether a governs path is the spec block `prefix` or inside it. */
export function underSpecPath(path: string, prefix: string): boolean {
  return path === prefix || path.startsWith(`${prefix}.`) || path.startsWith(`${prefix}[`);
}
