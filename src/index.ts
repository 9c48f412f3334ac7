/**
 * hearth's public library surface: the same functions the CLI calls.
 */
export { defineLab } from './config.js';
export { loadLab, checkLabText, buildLab, renderFiles, type LoadResult, type BuildResult } from './pipeline.js';
export { Lab as LabSchema, labJsonSchema, type LabInput, type LabSpec } from './spec/schema.js';
export { formatIssue, formatPath, type Issue, type IssueCode } from './spec/issues.js';
export { resolveLab } from './model/resolve.js';
export type { LabModel, AppModel, ComponentInstance } from './model/types.js';
export { renderLab, type RenderedFile } from './render/index.js';
export { writeOutput, type WriteReport, type WriteOptions } from './write/index.js';
export { catalog, getModule, type CatalogModule } from './catalog/index.js';
export { toYaml, toYamlDocuments } from './lib/yaml-emit.js';
export { review, type ReviewOutcome } from './review/index.js';
export { RULES as reviewRules } from './review/rules/index.js';
export { readDecisions, writeRecord } from './adr/store.js';
export { computeMatrix } from './adr/matrix.js';
export { lintLifecycle, governsViolations } from './adr/lint.js';
export { importDecisions } from './adr/import.js';
export type { DecisionRecord } from './adr/model.js';
export { backupPlan } from './backup/plan.js';
export { runDrill } from './backup/drill.js';
export { bootstrapLab } from './operate/bootstrap.js';
export { diffLab } from './operate/diff.js';
export { labStatus } from './operate/status.js';
export { Kube, KubeError } from './operate/kube.js';
