import { defineRule } from '../types.js';

/** The spec disagrees with an accepted decision record that governs one of its paths. */
export default defineRule({
  id: 'decisions-governs-violated',
  category: 'conventions',
  risk: 'high',
  title: 'The spec contradicts an accepted decision',
  inputs: ['spec'],
  why: 'An accepted decision that the lab no longer follows is documentation that lies: the next reader trusts the record, not the config, and the reasons recorded for the choice no longer hold.',
  fix: 'change the spec back to what was decided, or write a new decision that supersedes the old one and says why',
  check({ facts, report }) {
    for (const v of facts.decisions?.violations ?? []) {
      report({
        message: `${v.record} (${v.title}) decided ${v.path}: ${v.decided}, and the spec has ${v.actual === undefined ? `no ${v.path}` : `${v.path}: ${v.actual}`}`,
        where: [...(v.specPath ? [{ specPath: v.specPath }] : []), { file: v.file }],
        subjects: [v.record, v.path],
      });
    }
  },
  strength: (facts) => (facts.decisions?.records.some((r) => r.status === 'accepted') ? 'The lab follows every accepted decision record that governs its spec.' : undefined),
});
