import { defineRule } from '../types.js';

/** What `hearth adr lint` finds in the decision records beside the spec: matrix arithmetic, stated figures, lifecycle links. */
export default defineRule({
  id: 'decisions-record-integrity',
  category: 'conventions',
  risk: 'medium',
  title: 'Decision records that contradict themselves or each other',
  inputs: ['spec'],
  why: 'A decision matrix whose figures do not add up, a chosen option that is not the top scorer, or a superseded record that still governs the lab makes the record unreliable as the reason for the lab being as it is.',
  fix: 'run hearth adr lint and fix each record it names (hearth adr score ID shows a matrix with computed totals)',
  check({ facts, report }) {
    for (const f of facts.decisions?.findings ?? []) {
      report({ message: `${f.record}: ${f.message}`, risk: f.risk, where: { file: f.file }, subjects: [f.record, f.rule], fix: f.fix });
    }
  },
});
