import { defineRule } from '../types.js';

/** Data on node-local storage (local-path, hostPath provisioners) dies with its node. */
export default defineRule({
  id: 'storage-node-local-data',
  category: 'storage',
  risk: 'high',
  title: 'Persistent data on node-local storage',
  why: 'A node-local volume lives on one disk of one node: when that node or disk fails, the data is gone, and the pod cannot move to another node.',
  fix: 'move the data to replicated storage (Longhorn) or a NAS share, or back it up off the node on a schedule',
  check({ facts, report }) {
    const local = new Set(facts.storageClasses.filter((s) => s.kind === 'local').map((s) => s.name));
    const onLocal = facts.pvcs.filter((p) => p.storageClass && local.has(p.storageClass) && p.content !== 'cache');
    if (onLocal.length === 0) return;
    const apps = [...new Set(onLocal.map((p) => p.app ?? p.name))].sort();
    report({
      message: `${onLocal.length} volume${onLocal.length === 1 ? '' : 's'} of ${apps.join(', ')} on node-local storage (${[...new Set(onLocal.map((p) => p.storageClass!))].sort().join(', ')}): data loss if the node fails`,
      where: onLocal.map((p) => p.where),
      subjects: apps,
    });
  },
  strength: (facts) => (facts.pvcs.length && facts.storageClasses.some((s) => s.kind === 'replicated') ? 'Persistent data sits on replicated storage, not on one node.' : undefined),
});
