import rule from '../../../src/review/rules/decisions-record-integrity.js';
import { ruleTable, testLab } from '../../helpers/review.js';
import type { Facts } from '../../../src/review/types.js';

const withFindings = (findings: NonNullable<Facts['decisions']>['findings']) => (f: Facts) => {
  f.decisions = { records: [{ id: 'ADR-001', title: 'K3s', status: 'accepted', file: 'decisions/ADR-001-k3s.md' }], findings, violations: [] };
};

ruleTable(rule, {
  valid: [
    { name: 'no decision records', lab: testLab([]) },
    { name: 'records lint clean', lab: testLab([]), edit: withFindings([]) },
  ],
  invalid: [
    {
      name: 'a stated total that differs from the computed one',
      lab: testLab([]),
      edit: withFindings([{ rule: 'adr-matrix-stated-figure', risk: 'medium', record: 'ADR-001', message: 'the document states Full K8s scores 3.6; its weights and scores give 3.5', fix: 'correct the stated total', file: 'decisions/ADR-001-k3s.md' }]),
      message: /^ADR-001: the document states Full K8s scores 3\.6/,
      count: 1,
    },
    {
      name: 'a chosen option below the top scorer keeps its own risk',
      lab: testLab([]),
      edit: withFindings([{ rule: 'adr-matrix-chosen-not-top', risk: 'high', record: 'ADR-002', message: 'the chosen option "A" (3) is not the top scorer: "B" scores 4', fix: 'revisit', file: 'decisions/ADR-002-x.md' }]),
      risk: 'high',
      subjects: ['ADR-002', 'adr-matrix-chosen-not-top'],
    },
  ],
});
