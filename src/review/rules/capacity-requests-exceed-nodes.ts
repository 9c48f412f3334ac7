import { eligibleNodes } from '../nodes.js';
import { defineRule, type NodeFact, type Risk, type WorkloadFact } from '../types.js';
import { formatBytes, parseBytes, parseCpu } from '../../lib/quantity.js';
import { list, plural } from '../../lib/text.js';

const JOB_KINDS = new Set(['Job', 'CronJob']);
const MEDIUM_AT = 0.85;

type Resource = 'cpu' | 'memory';


/** What one pod of the workload requests (containers summed; missing requests count as 0). */
function podRequest(w: WorkloadFact, r: Resource): number {
  return w.containers.reduce((sum, c) => {
    const q = c.requests[r];
    const v = q === undefined ? undefined : r === 'cpu' ? parseCpu(q) : parseBytes(q);
    return sum + (v ?? 0);
  }, 0);
}

const nodeAmount = (n: NodeFact, r: Resource) => (r === 'cpu' ? n.cpu : n.memoryBytes) ?? 0;
const cores = (n: number) => `${Number(n.toFixed(2))} CPU core${n === 1 ? '' : 's'}`;
const show = (n: number, r: Resource) => (r === 'cpu' ? cores(n) : `${formatBytes(n)} of memory`);
const label = (w: WorkloadFact) => (w.app && w.app !== w.name ? `${w.app} (${w.name})` : w.name);

/** Requests the nodes cannot hold: in total, or for one pod on any node it may use. */
export default defineRule({
  id: 'capacity-requests-exceed-nodes',
  category: 'capacity',
  risk: 'high',
  title: 'Resource requests exceed what the nodes offer',
  inputs: ['spec'],
  why: 'The scheduler places a pod only on a node with its requests still free: when the requests add up to more than the nodes hold, some pods stay Pending (an app that never starts, or that does not come back after a restart), and near the limit a node loss or a rolling update has nowhere to go.',
  fix: 'lower the requests to what the apps use (metrics show it), run fewer replicas, or give the nodes more vCPUs and memory (or add a node)',
  check({ facts, report }) {
    if (facts.source !== 'spec') return;
    const members = facts.nodes.filter((n) => n.inCluster);
    // Talos keeps workloads off its control-plane nodes when the cluster has workers.
    const talosCpIdle = facts.cluster?.distribution === 'talos' && members.some((n) => !n.controlPlane);
    const nodes = members.filter((n) => !(talosCpIdle && n.controlPlane));
    if (nodes.length === 0) return;
    const running = facts.workloads.filter((w) => !JOB_KINDS.has(w.kind) && w.replicas > 0);
    const pods = (w: WorkloadFact) => (w.kind === 'DaemonSet' ? eligibleNodes(w, nodes).length : w.replicas);

    // One pod larger than every node it may run on never schedules.
    for (const w of running) {
      const eligible = eligibleNodes(w, nodes);
      if (eligible.length === 0) continue;
      for (const r of ['cpu', 'memory'] as const) {
        const need = podRequest(w, r);
        const largest = eligible.reduce((a, b) => (nodeAmount(b, r) > nodeAmount(a, r) ? b : a));
        if (need <= nodeAmount(largest, r)) continue;
        report({
          message: `a pod of ${label(w)} requests ${show(need, r)}, more than any node it may run on offers (the largest, ${largest.name}, has ${show(nodeAmount(largest, r), r)}): it stays Pending`,
          where: [w.where, ...eligible.map((n) => n.where)],
          subjects: [w.app ?? w.name],
          fix: `lower the ${r} request of ${label(w)} or give ${largest.name} more ${r === 'cpu' ? 'vCPUs' : 'memory'}`,
        });
        break;
      }
    }

    // The sum of all requests against the nodes that run them.
    for (const r of ['cpu', 'memory'] as const) {
      const capacity = nodes.reduce((s, n) => s + nodeAmount(n, r), 0);
      if (capacity <= 0) continue;
      const parts = running.map((w) => ({ w, amount: podRequest(w, r) * pods(w) })).filter((p) => p.amount > 0).sort((a, b) => b.amount - a.amount);
      const total = parts.reduce((s, p) => s + p.amount, 0);
      const share = total / capacity;
      if (share <= MEDIUM_AT) continue;
      const risk: Risk = share > 1 ? 'high' : 'medium';
      const top = parts.slice(0, 3).map((p) => `${label(p.w)} ${r === 'cpu' ? Number(p.amount.toFixed(2)) : formatBytes(p.amount)}`);
      const consequence = share > 1 ? 'some pods cannot be scheduled' : 'no room is left to reschedule the pods of a lost node or to roll out an update';
      report({
        message: `the workloads request ${show(total, r)}, ${Math.round(share * 100)}% of the ${r === 'cpu' ? cores(capacity) : formatBytes(capacity)} on ${plural(nodes.length, 'node')} (${list(nodes.map((n) => n.name))}): ${consequence} (largest: ${list(top)})`,
        where: [...nodes.map((n) => n.where), ...parts.map((p) => p.w.where)],
        subjects: [...new Set(parts.map((p) => p.w.app ?? p.w.name))],
        risk,
      });
    }
  },
});
