import { defineRule, type NodeFact } from '../types.js';

const SCALABLE = new Set(['Deployment', 'StatefulSet']);

/** Nodes a pod without tolerations can land on: in the cluster, no NoSchedule/NoExecute taint. */
const schedulable = (n: NodeFact) => n.inCluster && !n.taints.some((t) => /:(NoSchedule|NoExecute)$/.test(t));

const fits = (n: NodeFact, selector: Record<string, string>) => Object.entries(selector).every(([k, v]) => (k === 'kubernetes.io/hostname' ? n.name === v : n.labels[k] === v));

/**
 * Workloads with more than one replica and neither pod anti-affinity nor
 * topology spread constraints, in a lab with at least two nodes they could
 * spread over. Spec input only: a repository does not say how many nodes
 * there are. Chart summaries are skipped (their affinity is the chart's).
 */
export default defineRule({
  id: 'reliability-replicas-unspread',
  category: 'reliability',
  risk: 'low',
  title: 'Replicas that may share one node',
  inputs: ['spec'],
  why: "The scheduler's default spreading is only a preference: replicas can end up on one node, and then that node's failure or drain takes every replica down at once, which is what the replicas were meant to prevent.",
  fix: 'add topologySpreadConstraints on kubernetes.io/hostname (whenUnsatisfiable: ScheduleAnyway keeps pods schedulable on a smaller cluster) or a preferred pod anti-affinity on the same key',
  check({ facts, report }) {
    const nodes = facts.nodes.filter(schedulable);
    if (nodes.length < 2) return;
    for (const w of facts.workloads) {
      if (!SCALABLE.has(w.kind) || w.fromChart || w.replicas < 2 || w.spread) continue;
      const room = nodes.filter((n) => fits(n, w.nodeSelector));
      if (room.length < 2) continue;
      report({
        message: `${w.kind} ${w.namespace}/${w.name} runs ${w.replicas} replicas with no anti-affinity or topology spread: they may all land on one of the ${room.length} nodes and fail together`,
        where: w.where,
        subjects: [w.app ?? w.name],
      });
    }
  },
  strength: (facts) =>
    facts.nodes.filter(schedulable).length >= 2 && facts.workloads.some((w) => !w.fromChart && w.replicas > 1 && w.spread) ? 'Replicated workloads spread over nodes.' : undefined,
});
