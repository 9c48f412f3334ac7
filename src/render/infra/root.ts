import type { LabModel } from '../../model/types.js';

/** Where the machine layer goes: `infrastructure/` in the plain-Helm layout (seed 001's shape), `infra/` beside a GitOps layout. */
export function infraRoot(lab: LabModel): string {
  return lab.gitops.engine === 'none' ? 'infrastructure' : 'infra';
}
