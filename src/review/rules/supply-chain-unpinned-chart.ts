import { defineRule, type ChartFact } from '../types.js';

/** chartRef kinds (facts-repo records the kind as `repo`): the version lives in that source object. */
const REF_KINDS = new Set(['OCIRepository', 'HelmChart', 'ExternalArtifact']);

/** Why a chart version is not a pin, or undefined when it is one. */
function unpinned(c: ChartFact): string | undefined {
  const v = c.version?.trim();
  if (!v) return 'has no version';
  if (v === 'HEAD' || v === 'latest') return `follows "${v}"`;
  if (/[*^~<>|]|(^|\.)[xX](\.|$)|\s-\s|,/.test(v)) return `takes the version range "${v}"`;
  return undefined;
}

/**
 * Helm chart releases (Flux HelmRelease, Argo CD Application, hearth
 * components) without a version, with a range (*, >=, ^, ~, 1.x) or with
 * targetRevision HEAD. Not judged: releases taking their chart through
 * chartRef (the version is pinned in the OCIRepository or HelmChart, which
 * the facts do not carry), charts from a Git path (pinned by the Git
 * revision), version-less fragments (kustomize patches of a release), and a
 * version-less base release whose overlays set the version.
 */
export default defineRule({
  id: 'supply-chain-unpinned-chart',
  category: 'supply-chain',
  risk: 'medium',
  title: 'Helm chart version not pinned',
  why: 'An unpinned chart upgrades itself when a new release is published: a breaking change of values, CRDs or a database migration lands unreviewed at the next reconcile, and rolling back means finding out which version ran before.',
  fix: 'pin each chart to an exact version (Flux: spec.chart.spec.version or the OCIRepository ref.tag; Argo CD: targetRevision) and let Renovate propose the updates',
  check({ facts, report }) {
    const release = (c: ChartFact) => (c.namespace ? `${c.namespace}/${c.name}` : c.name);
    // A kustomize overlay that sets the version of a base release: the overlay's version is the one deployed.
    const versioned = new Set(facts.charts.filter((c) => c.version).map(release));
    for (const c of facts.charts) {
      if (!c.version && (!c.repo || REF_KINDS.has(c.repo) || versioned.has(release(c)))) continue;
      if (/^\.{0,2}\/|\//.test(c.chart)) continue;
      const why = unpinned(c);
      if (!why) continue;
      report({
        message: `chart ${c.chart} of release ${release(c)} ${why}: the next reconcile can upgrade it to a release nobody reviewed`,
        where: c.where,
        subjects: [c.name],
      });
    }
  },
  strength: (facts) => (facts.charts.some((c) => c.version && !unpinned(c)) ? 'Helm charts are pinned to exact versions.' : undefined),
});
