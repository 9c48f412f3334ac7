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
