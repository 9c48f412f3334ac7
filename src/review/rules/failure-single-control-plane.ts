import { defineRule } from '../types.js';
import { plural } from '../../lib/text.js';

/** One control-plane node: the Kubernetes API, the scheduler and the controllers stop with it. */
export default defineRule({
  id: 'failure-single-control-plane',
  category: 'failure-domains',
  risk: 'medium',
  title: 'Cluster with a single control-plane node',
  inputs: ['spec'],
  why: 'With one control-plane node, the Kubernetes API, the scheduler and the controllers stop with it: pods already running keep serving, but nothing that fails is restarted elsewhere, no deployment or GitOps sync goes through, and an upgrade or reboot of that node is a cluster outage.',
  fix: 'add control-plane nodes to reach three (an odd number for etcd quorum), on different physical hosts; or accept the risk for a homelab and keep the node easy to rebuild (etcd snapshots off the node, the spec in git)',
  check({ facts, report }) {
    if (facts.source !== 'spec' || !facts.cluster) return;
    const members = facts.nodes.filter((n) => n.inCluster);
    const cp = members.filter((n) => n.controlPlane);
    if (cp.length !== 1) return;
    const [node] = cp;
    const workers = members.length - 1;
    const kind = node.kind === 'vm' ? 'a VM' : node.kind === 'lxc' ? 'an LXC container' : 'a node';
    const on = node.host && node.host !== node.name ? ` (${kind} on host ${node.host})` : '';
    const consequence =
      workers === 0
        ? 'it is also the only node, so every app stops with it'
        : `${workers === 1 ? 'the worker keeps running its' : `the ${plural(workers, 'worker')} keep running their`} pods, but nothing is rescheduled, deployed or synced until it returns`;
    report({
      message: `the cluster has a single control-plane node, ${node.name}${on}: when it is down the Kubernetes API and scheduling stop, and ${consequence}`,
      where: [{ specPath: ['cluster', 'controlPlane'] }, node.where],
      subjects: [node.name],
    });
  },
  strength: (facts) => {
    const cp = facts.nodes.filter((n) => n.inCluster && n.controlPlane);
    return facts.source === 'spec' && cp.length >= 3 ? `The control plane runs on ${cp.length} nodes: the API survives the loss of one.` : undefined;
  },
});
