import { defineRule } from '../types.js';
import { classKindOf } from './storage-database-on-nfs.js';

/**
 * A Deployment with several replicas sharing one claim on storage that
 * attaches to a single node. PvcFact carries no access mode yet, so the class
 * decides: replicated block storage (Longhorn, Ceph RBD) attaches a
 * ReadWriteOnce volume to one node, node-local storage exists on one node;
 * NFS mounts anywhere (Kubernetes does not enforce ReadWriteOnce on volumes
 * that need no attach), and unknown classes are left alone.
 */
export default defineRule({
  id: 'storage-rwo-multi-replica',
  category: 'storage',
  risk: 'medium',
  title: 'Several replicas sharing a single-node volume',
  why: 'A ReadWriteOnce volume on block storage attaches to one node at a time: a replica scheduled on another node fails with a Multi-Attach error and never starts, and a rolling update can wedge the same way. On node-local storage every replica is pinned to the node that holds the volume. Either way the extra replicas add no availability.',
  fix: 'run one replica (strategy Recreate), or use a ReadWriteMany volume (NFS, Longhorn RWX), or make it a StatefulSet with a volume per replica',
  check({ facts, report }) {
    // File systems every node mounts (CephFS), and classes named for ReadWriteMany.
    const sharedFs = (cls?: string) => !!cls && (/cephfs|rwx/i.test(cls) || /cephfs/i.test(facts.storageClasses.find((s) => s.name === cls)?.provisioner ?? ''));
    for (const w of facts.workloads) {
      if ((w.kind !== 'Deployment' && w.kind !== 'ReplicaSet') || w.fromChart || w.replicas <= 1) continue;
      const shared = w.claims
        .map((c) => facts.pvcs.find((p) => p.name === c && p.namespace === w.namespace) ?? { name: c, namespace: w.namespace, storageClass: undefined, where: w.where })
        .map((p) => ({ pvc: p, kind: classKindOf(facts, p.storageClass) }))
        .filter((x) => (x.kind === 'replicated' || x.kind === 'local') && !sharedFs(x.pvc.storageClass));
      if (shared.length === 0) continue;
      const block = shared.filter((x) => x.kind === 'replicated');
      const vols = shared.map((x) => `${x.pvc.name} (${x.pvc.storageClass})`).join(', ');
      report({
        message:
          block.length > 0
            ? `${w.kind} ${w.namespace}/${w.name} runs ${w.replicas} replicas sharing ${vols}: a replica on a second node cannot attach the volume and never starts`
            : `${w.kind} ${w.namespace}/${w.name} runs ${w.replicas} replicas sharing node-local ${vols}: every replica is pinned to the one node that holds it`,
        where: [w.where, ...shared.map((x) => x.pvc.where).filter((x) => x !== w.where)],
        subjects: [w.app ?? w.name],
      });
    }
  },
});
