import { defineRule, type Facts, type NodeFact } from '../types.js';

const BLOCKING = /:(NoSchedule|NoExecute)$/;

/**
 * The cluster nodes that can hold replicas, and why the others cannot: a
 * NoSchedule/NoExecute taint in the spec, or a Talos control plane (Talos
 * taints control planes NoSchedule unless the cluster has no workers; hearth
 * sets allowSchedulingOnControlPlanes only then). K3s servers take workloads.
 */
export function replicaHolders(facts: Facts): { holders: NodeFact[]; excluded: { node: NodeFact; why: string }[] } {
  const members = facts.nodes.filter((n) => n.inCluster);
  const talosTaintsControlPlanes = facts.cluster?.distribution === 'talos' && members.some((n) => !n.controlPlane);
  const holders: NodeFact[] = [];
  const excluded: { node: NodeFact; why: string }[] = [];
  for (const n of members) {
    const taint = n.taints.find((t) => BLOCKING.test(t));
    if (taint) excluded.push({ node: n, why: `tainted ${taint}` });
    else if (n.controlPlane && talosTaintsControlPlanes) excluded.push({ node: n, why: 'a Talos control plane, tainted NoSchedule' });
    else holders.push(n);
  }
  return { holders, excluded };
}

/** A replicated class asking for more replicas than there are nodes to hold them. */
export default defineRule({
  id: 'storage-replicas-exceed-nodes',
  category: 'storage',
  risk: 'high',
  title: 'More storage replicas than nodes to hold them',
  inputs: ['spec'],
  why: 'Longhorn places each replica of a volume on a different node. With fewer schedulable nodes than replicas, every volume stays Degraded with fewer copies than the class promises, the UI and alerts show it permanently (hiding real failures), and with one node there is a single copy: that node failing loses the data.',
  fix: 'lower the class replicas to the number of nodes that can hold them, or add nodes (or let Longhorn run on the tainted ones)',
  check({ facts, report }) {
    if (facts.nodes.length === 0 || !facts.cluster) return;
    const { holders, excluded } = replicaHolders(facts);
    for (const sc of facts.storageClasses) {
      if (sc.kind !== 'replicated' || sc.replicas === undefined || sc.replicas <= holders.length) continue;
      const volumes = facts.pvcs.filter((p) => p.storageClass === sc.name && p.content !== 'cache');
      const held = holders.length === 0 ? 'no node' : `only ${holders.length} node${holders.length === 1 ? '' : 's'} (${holders.map((n) => n.name).join(', ')})`;
      const others = excluded.length ? `; ${excluded.map((e) => `${e.node.name} is ${e.why}`).join(', ')}` : '';
      const used = volumes.length ? `${volumes.length} volume${volumes.length === 1 ? '' : 's'}` : 'its volumes';
      const stay = volumes.length === 1 ? 'stays' : 'stay';
      const consequence =
        holders.length === 0
          ? `${used} cannot be created`
          : holders.length === 1
            ? `${used} ${stay} Degraded with a single copy, lost if ${holders[0].name} fails`
            : `${used} ${stay} Degraded with ${holders.length} copies instead of ${sc.replicas}`;
      report({
        message: `storage class ${sc.name} keeps ${sc.replicas} replicas of each volume but ${held} can hold them${others}: ${consequence}`,
        where: [sc.where, ...holders.map((n) => n.where), ...excluded.map((e) => e.node.where)],
        subjects: [sc.name],
        risk: holders.length <= 1 ? 'high' : 'medium',
        fix:
          holders.length <= 1
            ? `add nodes that can hold replicas (at least ${sc.replicas}), or accept a single copy explicitly (replicas: 1) and back the volumes up off the node`
            : `set replicas: ${holders.length} on ${sc.name}, or add ${sc.replicas - holders.length} node${sc.replicas - holders.length === 1 ? '' : 's'} that can hold replicas`,
      });
    }
  },
  strength: (facts) => {
    if (facts.nodes.length === 0) return undefined;
    const { holders } = replicaHolders(facts);
    return facts.storageClasses.some((s) => s.kind === 'replicated' && (s.replicas ?? 0) > 1 && s.replicas! <= holders.length) ? 'Replicated storage has as many nodes as replicas: each copy of a volume lives on its own node.' : undefined;
  },
});
