import { defineRule, type ContainerFact, type WorkloadFact } from '../types.js';

/** The cluster's own namespaces: what runs there is the distribution's, not the lab's. */
const CLUSTER_NAMESPACES = new Set(['kube-system', 'kube-public', 'kube-node-lease']);

/** What a container lacks: CPU/memory requests, a memory limit. A limit without its request sets the request (Kubernetes defaults one to the other). */
function lacks(c: ContainerFact): string[] {
  const out: string[] = [];
  const cpu = c.requests.cpu ?? c.limits.cpu;
  const memory = c.requests.memory ?? c.limits.memory;
  if (!cpu && !memory) out.push('no requests');
  else if (!cpu) out.push('no CPU request');
  else if (!memory) out.push('no memory request');
  if (!c.limits.memory) out.push('no memory limit');
  return out;
}

const label = (w: WorkloadFact) => `${w.kind} ${w.namespace}/${w.name}`;

/**
 * Containers without CPU/memory requests or without a memory limit (a limit
 * alone counts as the request: Kubernetes copies it). One finding per
 * workload, naming its containers. LimitRange defaults are not known to the
 * review. Chart summaries (`fromChart`) are skipped: in a hearth spec their
 * amounts are hearth's, always set; in a repository the chart's objects are
 * not visible. Containers without an image are kustomize patches of a
 * workload defined elsewhere, not workloads.
 */
export default defineRule({
  id: 'reliability-missing-requests-limits',
  category: 'reliability',
  risk: 'low',
  title: 'Containers without resource requests or a memory limit',
  why: 'Without requests the scheduler places pods blind and over-packs nodes; without a memory limit one leaking container takes the memory its neighbours need, and the kubelet evicts or OOM-kills them instead.',
  fix: 'give every container CPU and memory requests (what it uses normally) and a memory limit (what it may reach); a CPU limit is optional',
  check({ facts, report }) {
    for (const w of facts.workloads) {
      if (w.fromChart || CLUSTER_NAMESPACES.has(w.namespace)) continue;
      const bare = w.containers.filter((c) => c.image).map((c) => ({ c, missing: lacks(c) })).filter((x) => x.missing.length > 0);
      if (bare.length === 0) continue;
      const list = bare.map((x) => `${x.c.name || 'unnamed'} (${x.missing.join(', ')})`).join('; ');
      const leak = bare.some((x) => x.missing.includes('no memory limit'));
      report({
        message: `${label(w)} leaves resources unset for container${bare.length === 1 ? '' : 's'} ${list}: ${leak ? 'one memory leak can take the node and get its neighbours evicted or OOM-killed' : 'the scheduler does not reserve what it uses, so its node can be over-packed and it is starved first'}`,
        where: w.where,
        subjects: [w.app ?? w.name],
      });
    }
  },
  strength: (facts) => {
    const own = facts.workloads.filter((w) => !w.fromChart && !CLUSTER_NAMESPACES.has(w.namespace) && w.containers.some((c) => c.image));
    return own.length > 0 ? 'Every container declares CPU and memory requests and a memory limit.' : undefined;
  },
});
