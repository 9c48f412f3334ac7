import { defineRule, type PdbFact, type WorkloadFact } from '../types.js';

/** Kinds whose pods `kubectl drain` evicts through the PodDisruptionBudget (DaemonSet pods are skipped by drain). */
const EVICTED_KINDS = new Set(['Deployment', 'StatefulSet', 'ReplicaSet']);

/** An IntOrString of a PDB as a number of pods out of `total` (percentages round up, as the disruption controller does). */
function pods(v: number | string | undefined, total: number): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v !== 'string') return undefined;
  const pct = /^\s*([0-9]+(?:\.[0-9]+)?)\s*%\s*$/.exec(v);
  if (pct) return Math.ceil((Number(pct[1]) * total) / 100);
  return /^\s*[0-9]+\s*$/.test(v) ? Number(v) : undefined;
}

/** How many pods the budget lets an eviction take down, out of `total`. */
function allowed(p: PdbFact, total: number): number | undefined {
  if (p.maxUnavailable !== undefined) return pods(p.maxUnavailable, total);
  const min = pods(p.minAvailable, total);
  return min === undefined ? undefined : total - min;
}

const matches = (selector: Record<string, string>, labels: Record<string, string>) => Object.entries(selector).every(([k, v]) => labels[k] === v);

/**
 * A PodDisruptionBudget that allows no eviction of the pods it selects: with
 * one replica and minAvailable 1 (or maxUnavailable 0), `kubectl drain` waits
 * forever. Budgets selecting with matchExpressions only (no matchLabels) and
 * budgets whose pods the review cannot see (charts) are not judged.
 */
export default defineRule({
  id: 'reliability-pdb-blocks-drain',
  category: 'reliability',
  risk: 'medium',
  title: 'PodDisruptionBudget that blocks node drains',
  why: 'A budget that allows no disruption makes every eviction fail: `kubectl drain` (and K3s/Talos upgrades, the system-upgrade-controller, kured) waits forever, so node maintenance stalls or gets forced past the budget. With one replica the budget cannot keep the app up anyway: the pod has to stop for its node to drain.',
  fix: 'for a single replica, delete the budget (or use maxUnavailable: 1) and accept the short restart a drain causes; to stay up during drains, run 2+ replicas spread over nodes with minAvailable: 1',
  check({ facts, report }) {
    // A kustomize overlay may patch the replica count: the largest count of a (kind, namespace, name) wins.
    const replicas = new Map<string, number>();
    const key = (w: WorkloadFact) => `${w.kind}/${w.namespace}/${w.name}`;
    for (const w of facts.workloads) replicas.set(key(w), Math.max(replicas.get(key(w)) ?? 0, w.replicas));
    for (const p of facts.pdbs) {
      if (Object.keys(p.selector).length === 0) continue;
      const covered = facts.workloads.filter((w) => EVICTED_KINDS.has(w.kind) && !w.fromChart && w.namespace === p.namespace && Object.keys(w.podLabels).length > 0 && matches(p.selector, w.podLabels));
      const seen = new Set<string>();
      const targets = covered.filter((w) => !seen.has(key(w)) && !!seen.add(key(w)));
      const total = targets.reduce((n, w) => n + (replicas.get(key(w)) ?? w.replicas), 0);
      if (targets.length === 0 || total === 0) continue;
      const room = allowed(p, total);
      if (room === undefined || room > 0) continue;
      const setting = p.maxUnavailable !== undefined ? `maxUnavailable: ${p.maxUnavailable}` : `minAvailable: ${p.minAvailable}`;
      const names = targets.map((w) => `${w.kind} ${w.namespace}/${w.name}`).join(', ');
      const what = total === 1 ? `the single replica of ${names}` : `any of the ${total} replicas of ${names}`;
      report({
        message: `PodDisruptionBudget ${p.namespace}/${p.name} (${setting}) allows no eviction of ${what}: kubectl drain of ${total === 1 ? 'its node' : 'their nodes'} waits forever, so node upgrades and reboots stall`,
        where: [p.where, ...targets.map((w) => w.where)],
        subjects: [...new Set([p.name, ...targets.map((w) => w.app ?? w.name)])],
      });
    }
  },
});
