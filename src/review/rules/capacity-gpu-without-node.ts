import { defineRule, type WorkloadFact } from '../types.js';
import { list } from '../../lib/text.js';

/**
 * A GPU request, or the label NVIDIA GPU feature discovery sets only on GPU
 * nodes (what hearth selects when no node of the spec has a GPU).
 */
const wantsGpu = (w: WorkloadFact) => w.gpu || w.nodeSelector['nvidia.com/gpu.present'] === 'true';

/** A workload that asks for a GPU in a cluster where no node has one: it never schedules. */
export default defineRule({
  id: 'capacity-gpu-without-node',
  category: 'capacity',
  risk: 'high',
  title: 'GPU requested, no GPU node in the cluster',
  why: 'A pod that requests a GPU (nvidia.com/gpu, amd.com/gpu, gpu.intel.com/...) is placed only on a node that advertises one: with no GPU node in the cluster it stays Pending forever, and the app never starts.',
  fix: 'pass a GPU through to a cluster node (nodes[].gpu, with the device plugin installed), or drop gpu: true so the app runs on CPU',
  check({ facts, report }) {
    const members = facts.nodes.filter((n) => n.inCluster);
    // Only when the input lists the nodes (a repository does not).
    if (members.length === 0 || members.some((n) => n.gpu)) return;
    const byApp = new Map<string, WorkloadFact[]>();
    for (const w of facts.workloads.filter(wantsGpu)) {
      const key = w.app ?? `${w.namespace}/${w.name}`;
      byApp.set(key, [...(byApp.get(key) ?? []), w]);
    }
    if (byApp.size === 0) return;
    const outside = facts.nodes.filter((n) => !n.inCluster && n.gpu).map((n) => n.name);
    const hostsOnly = facts.hosts.filter((h) => h.gpu && !facts.nodes.some((n) => n.host === h.name && n.gpu)).map((h) => h.name);
    const note = outside.length
      ? ` (${list(outside)} ha${outside.length === 1 ? 's' : 've'} a GPU but ${outside.length === 1 ? 'is' : 'are'} not in the cluster)`
      : hostsOnly.length
        ? ` (host ${list(hostsOnly)} ha${hostsOnly.length === 1 ? 's' : 've'} a GPU that no node is given)`
        : '';
    for (const [app, ws] of [...byApp].sort(([a], [b]) => a.localeCompare(b))) {
      report({
        message: `${app} requests a GPU, but no node of the cluster has one${note}: its pod stays Pending and the app never starts`,
        where: [...ws.map((w) => w.where), ...members.map((n) => n.where)],
        subjects: [app],
      });
    }
  },
});
