import { defineRule } from '../types.js';

/** Tags that move: each pull may bring a different image. */
const MOVING = new Set(['latest', 'stable', 'main', 'master', 'edge', 'nightly', 'develop', 'dev', 'rolling', 'unstable', 'canary']);

/** Why an image reference is not a pin, or undefined when it is one. */
function unpinned(image: string): string | undefined {
  if (/@sha256:[a-f0-9]{64}$/i.test(image)) return undefined;
  const ref = image.split('@')[0];
  const slash = ref.lastIndexOf('/');
  const colon = ref.lastIndexOf(':');
  const tag = colon > slash ? ref.slice(colon + 1) : undefined;
  if (!tag) return `${ref} (no tag, so latest)`;
  return MOVING.has(tag.toLowerCase()) ? ref : undefined;
}

/**
 * Containers whose image has no tag, :latest, or another moving tag (stable,
 * main, master, edge, nightly, ...) and no digest. One finding per workload.
 * Images made of substitution variables (${...}) are not judged, nor chart
 * summaries (a hearth chart app's "image" is its chart pin).
 */
export default defineRule({
  id: 'supply-chain-unpinned-image',
  category: 'supply-chain',
  risk: 'medium',
  title: 'Container image not pinned',
  why: 'A moving tag is resolved at every pull: a pod rescheduled to another node, or restarted after an eviction, can start a new release nobody chose, with breaking changes or a migration of the data, and nothing in git records which version ran before.',
  fix: 'pin each image to a version tag (and ideally its digest: image:1.2.3@sha256:...), and let Renovate propose the updates',
  check({ facts, report }) {
    for (const w of facts.workloads) {
      if (w.fromChart) continue;
      const bad = [...new Set(w.containers.map((c) => c.image).filter((i): i is string => !!i && !/[$]\{|\{\{/.test(i)).map(unpinned).filter((x): x is string => !!x))];
      if (bad.length === 0) continue;
      report({
        message: `${w.kind} ${w.namespace}/${w.name} runs unpinned image${bad.length === 1 ? '' : 's'} ${bad.join(', ')}: any restart may pull a release nobody chose`,
        where: w.where,
        subjects: [w.app ?? w.name],
      });
    }
  },
  strength: (facts) => (facts.workloads.some((w) => !w.fromChart && w.containers.some((c) => c.image)) ? 'Container images are pinned to versions.' : undefined),
});
