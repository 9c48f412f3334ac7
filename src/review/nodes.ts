/** Node helpers shared by rules about capacity and failure domains. */
import type { NodeFact, WorkloadFact } from './types.js';

/** Nodes a workload may run on, as far as the spec tells: node selectors (labels it declares), GPUs, taints. */
export function eligibleNodes(w: WorkloadFact, nodes: readonly NodeFact[]): NodeFact[] {
  let out = [...nodes];
  for (const [k, v] of Object.entries(w.nodeSelector)) {
    if (k === 'kubernetes.io/hostname') out = out.filter((n) => n.name === v);
    else if (nodes.some((n) => k in n.labels)) out = out.filter((n) => n.labels[k] === v);
    // A label no node declares (set by a device plugin, a cloud) cannot be judged: ignored.
  }
  if (w.gpu && out.some((n) => n.gpu)) out = out.filter((n) => n.gpu);
  else {
    const untainted = out.filter((n) => !n.taints.some((t) => /:(NoSchedule|NoExecute)$/.test(t)));
    if (untainted.length) out = untainted;
  }
  return out;
}
