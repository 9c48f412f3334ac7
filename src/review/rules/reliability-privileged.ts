import { defineRule, type WorkloadFact } from '../types.js';

/** The cluster's own namespaces. */
const CLUSTER_NAMESPACES = new Set(['kube-system', 'kube-public', 'kube-node-lease']);
/** Network plugins and storage drivers: they run privileged by design (namespace, workload or image names). */
const NODE_DRIVERS = /longhorn|sig-storage|(^|[-_/.])csi([-_/.:]|$)|cilium|calico|tigera|flannel|multus|canal|weave-net|kube-router|antrea|rook|ceph|openebs|piraeus|linstor|mayastor|topolvm/;

const driver = (w: WorkloadFact) => CLUSTER_NAMESPACES.has(w.namespace) || [w.namespace, w.name, ...w.containers.map((c) => c.image ?? '')].some((s) => NODE_DRIVERS.test(s));

/**
 * Privileged containers outside kube-system and outside network plugins and
 * storage drivers (Longhorn, CSI drivers, Ceph, Cilium, Calico...), which need
 * the host by design. Chart summaries are not judged: their security context
 * is the chart's.
 */
export default defineRule({
  id: 'reliability-privileged',
  category: 'reliability',
  risk: 'medium',
  title: 'Privileged container',
  why: 'A privileged container sees every device of the node and has all capabilities: a bug or compromise in that app is root on the node, with the other pods, their Secrets and their volumes within reach.',
  fix: 'drop privileged: true and grant only what the app needs: a device mount (/dev/ttyUSB0, /dev/dri via a device plugin), specific capabilities (NET_ADMIN, NET_RAW), or hostNetwork for discovery',
  check({ facts, report }) {
    for (const w of facts.workloads) {
      if (w.fromChart || driver(w)) continue;
      const priv = w.containers.filter((c) => c.privileged);
      if (priv.length === 0) continue;
      report({
        message: `${w.kind} ${w.namespace}/${w.name} runs privileged container${priv.length === 1 ? '' : 's'} ${priv.map((c) => c.name || 'unnamed').join(', ')}: escaping ${priv.length === 1 ? 'it' : 'them'} gives root on the node and every pod on it`,
        where: w.where,
        subjects: [w.app ?? w.name],
      });
    }
  },
  strength: (facts) => (facts.workloads.some((w) => !w.fromChart && !driver(w) && w.containers.some((c) => c.image)) ? 'No app container runs privileged.' : undefined),
});
