import rule from '../../../src/review/rules/decisions-governs-violated.js';
import { ruleTable, testLab } from '../../helpers/review.js';
import type { Facts } from '../../../src/review/types.js';

const decisions = (violations: NonNullable<Facts['decisions']>['violations']) => (f: Facts) => {
  f.decisions = { records: [{ id: 'ADR-003', title: 'Storage: Longhorn', status: 'accepted', file: 'decisions/ADR-003-storage-longhorn.md' }], findings: [], violations };
};

ruleTable(rule, {
  valid: [
    { name: 'no decision records', lab: testLab([]) },
    { name: 'records the spec follows', lab: testLab([]), edit: decisions([]) },
    { name: 'a repository (decisions are read beside a spec)', repo: {} },
  ],
  invalid: [
    {
      name: 'the spec moved away from the decided storage',
      lab: testLab([]),
      edit: decisions([{ record: 'ADR-003', title: 'Storage: Longhorn', path: 'storage.default', decided: 'longhorn', actual: '"nfs"', file: 'decisions/ADR-003-storage-longhorn.md', specPath: ['storage', 'default'] }]),
      message: /^ADR-003 \(Storage: Longhorn\) decided storage.default: longhorn, and the spec has storage.default: "nfs"$/,
      subjects: ['ADR-003', 'storage.default'],
      count: 1,
    },
    {
      name: 'the decided path is gone from the spec',
      lab: testLab([]),
      edit: decisions([{ record: 'ADR-003', title: 'Storage: Longhorn', path: 'cluster.cni', decided: 'cilium', file: 'decisions/ADR-003-storage-longhorn.md' }]),
      message: /the spec has no cluster.cni/,
    },
  ],
});
