import { defineRule, type NodeFact } from '../types.js';
import { list } from '../../lib/text.js';

/** Several control-plane nodes on one physical host: the host is still the single point of failure. */
export default defineRule({
  id: 'failure-control-plane-one-host',
  category: 'failure-domains',
  risk: 'medium',
  title: 'Control-plane nodes share one physical host',
  inputs: ['spec'],
  why: 'Several control-plane nodes protect against the loss of a node, not of the machine under them: when the one host is down or rebooted for an update, every control-plane node (and etcd quorum) goes with it, so the cluster is highly available on paper only.',
  fix: 'place the control-plane nodes on different physical hosts (one per hypervisor); with two hosts, a third small machine (a mini PC, a NAS VM) can hold the third etcd member',
  check({ facts, report }) {
    if (facts.source !== 'spec') return;
    const cp = facts.nodes.filter((n) => n.inCluster && n.controlPlane);
    if (cp.length < 2 || cp.some((n) => !n.host)) return;
    const byHost = new Map<string, NodeFact[]>();
    for (const n of cp) byHost.set(n.host!, [...(byHost.get(n.host!) ?? []), n]);
    const hostWhere = (h: string) => facts.hosts.find((x) => x.name === h)?.where;

    if (byHost.size === 1) {
      const [host] = byHost.keys();
      report({
        message: `all ${cp.length} control-plane nodes (${list(cp.map((n) => n.name))}) run on host ${host}: when ${host} is down, the whole control plane goes with it`,
        where: [{ specPath: ['cluster', 'controlPlane'] }, ...cp.map((n) => n.where), ...(hostWhere(host) ? [hostWhere(host)!] : [])],
        subjects: [host, ...cp.map((n) => n.name)],
      });
      return;
    }

    // Spread over hosts, but one host holds enough etcd members to break quorum on its own
    // (an even member count is failure-etcd-even-members' finding).
    if (facts.cluster?.datastore?.type !== 'embedded-etcd' || cp.length % 2 === 0) return;
    const quorum = Math.floor(cp.length / 2) + 1;
    for (const [host, nodes] of byHost) {
      if (cp.length - nodes.length >= quorum) continue;
      report({
        message: `host ${host} carries ${nodes.length} of the ${cp.length} etcd members (${list(nodes.map((n) => n.name))}): when it is down, the others cannot reach quorum (${quorum}) and the Kubernetes API stops`,
        where: [{ specPath: ['cluster', 'controlPlane'] }, ...nodes.map((n) => n.where), ...(hostWhere(host) ? [hostWhere(host)!] : [])],
        subjects: [host, ...nodes.map((n) => n.name)],
        risk: 'low',
        fix: `move a control-plane node off ${host}, or add a third physical host for one etcd member so that no host holds a majority`,
      });
    }
  },
  strength: (facts) => {
    const cp = facts.nodes.filter((n) => n.inCluster && n.controlPlane);
    const hosts = new Set(cp.map((n) => n.host));
    return facts.source === 'spec' && cp.length >= 3 && hosts.size === cp.length && cp.every((n) => n.host) ? `Each control-plane node runs on its own physical host (${list([...hosts].map(String).sort())}).` : undefined;
  },
});
