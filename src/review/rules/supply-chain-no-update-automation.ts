import { defineRule } from '../types.js';

/** Renovate running in the cluster (renovate-operator, a Renovate CronJob) keeps pins current too. */
const UPDATER = /(^|[-/])renovate([-/:@]|$)|dependabot/;

/**
 * No Renovate or Dependabot configuration (renovate.json, .renovaterc,
 * .github/dependabot.yml) and no Renovate running in the cluster, in an input
 * that pins charts or images. A hearth spec never fires: hearth writes
 * renovate.json into the lab's repository.
 */
export default defineRule({
  id: 'supply-chain-no-update-automation',
  category: 'supply-chain',
  risk: 'low',
  title: 'No automated dependency updates',
  why: 'Pinned versions only stay safe while someone bumps them: without an updater, pins go stale release by release, security fixes are missed, and the eventual upgrade jumps many versions at once.',
  fix: 'add a Renovate configuration (renovate.json with the flux, helm-values and kubernetes managers) or Dependabot, and review its pull requests',
  check({ facts, report }) {
    if (facts.updateAutomation) return;
    const images = facts.workloads.filter((w) => w.containers.some((c) => c.image));
    if (facts.charts.some((c) => UPDATER.test(c.chart) || UPDATER.test(c.name)) || images.some((w) => w.containers.some((c) => UPDATER.test(c.image ?? '')))) return;
    if (facts.charts.length === 0 && images.length === 0) return;
    const releases = new Set(facts.charts.map((c) => `${c.namespace ?? ''}/${c.name}`)).size;
    const parts = [releases ? `${releases} chart release${releases === 1 ? '' : 's'}` : '', images.length ? `${images.length} workload${images.length === 1 ? '' : 's'}` : ''].filter(Boolean);
    report({
      message: `no Renovate or Dependabot configuration: the versions pinned by ${parts.join(' and ')} go stale, and security fixes wait until someone remembers to bump them`,
      where: [...facts.charts.map((c) => c.where), ...images.map((w) => w.where)],
      subjects: ['update-automation'],
    });
  },
  strength: (facts) => (facts.updateAutomation ? 'Renovate (or Dependabot) keeps pinned versions current.' : undefined),
});
