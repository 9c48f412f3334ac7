import { defineRule } from '../types.js';
import { K3S_SNAPSHOT_DIR } from './backups-same-failure-domain.js';

/** K3s with embedded etcd and no snapshot settings: only the defaults, on the servers' own disks. */
export default defineRule({
  id: 'backups-etcd-snapshots-missing',
  category: 'backups',
  risk: 'low',
  title: 'etcd snapshots left at the K3s defaults',
  inputs: ['spec'],
  why: `K3s snapshots embedded etcd by default (every 12 hours, 5 kept), but into ${K3S_SNAPSHOT_DIR} on each server: the disk that fails takes the cluster state and every snapshot of it. Rebuilding from Git recreates the declared objects, but not what lived only in etcd: the bindings of dynamically provisioned volumes to their data, Secrets made by hand or by controllers.`,
  fix: 'set cluster.k3s.etcdSnapshots with a schedule, a retention and a dir on a share mounted from another machine (the NAS), or copy the snapshots off the servers',
  check({ facts, report }) {
    const c = facts.cluster;
    if (!c || c.distribution !== 'k3s' || c.datastore?.type !== 'embedded-etcd' || c.etcdSnapshots) return;
    const servers = facts.nodes.filter((n) => n.inCluster && n.controlPlane);
    const single = servers.length <= 1;
    // Nothing else records the cluster's objects when no GitOps engine deploys them.
    const gitops = !!facts.gitops && facts.gitops.engine !== 'none';
    report({
      message: single
        ? `no etcd snapshot settings: K3s keeps its default snapshots on ${servers[0]?.name ?? 'the server'}'s own disk, lost with it`
        : `no etcd snapshot settings: K3s keeps its default snapshots on the ${servers.length} servers' own disks, none off the cluster`,
      where: [c.where, ...servers.map((n) => n.where)],
      subjects: ['etcd'],
      // Several servers each hold etcd and snapshots: one disk failing loses nothing; with GitOps the objects are in Git.
      risk: single && !gitops ? 'medium' : 'low',
    });
  },
  strength: (facts) => (facts.cluster?.etcdSnapshots?.dir && !facts.cluster.etcdSnapshots.dir.startsWith('/var/lib/rancher/') ? 'etcd snapshots are scheduled to a directory outside the servers\' data directory.' : undefined),
});
