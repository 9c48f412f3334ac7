import { defineRule, type WorkloadFact } from '../types.js';

/** Namespaces of the cluster's own network plumbing. */
const INFRA_NAMESPACES = new Set(['kube-system', 'kube-flannel', 'calico-system', 'tigera-operator', 'cilium', 'cilium-system', 'metallb-system', 'kube-vip']);
/** CNI, kube-proxy, load-balancer speakers, node exporters, CSI node plugins: agents that need the node's network by design. */
const AGENT = /(^|-)(cilium|calico|calico-node|canal|flannel|kube-flannel|kube-proxy|kube-router|kube-vip|metallb|speaker|multus|whereabouts|tigera|keepalived|frr|node-exporter|smartctl-exporter|csi-node|csi-nodeplugin|nodeplugin)(-|$)/;

function isAgent(w: WorkloadFact): boolean {
  if (INFRA_NAMESPACES.has(w.namespace)) return true;
  return [w.name, w.app, ...w.containers.map((c) => c.name)].some((t) => t !== undefined && AGENT.test(t.toLowerCase()));
}

/** Workloads in the node's network namespace, outside the cluster's own agents. */
export default defineRule({
  id: 'network-host-network',
  category: 'network',
  risk: 'medium',
  title: 'Workload on the host network',
  why: 'A pod with hostNetwork shares the node\'s network: NetworkPolicies do not select it, it can reach services that listen only on the node (the kubelet, node exporters, databases bound to localhost), and its ports open on the node\'s address beside the ingress.',
  fix: 'remove hostNetwork; for LAN discovery (mDNS, SSDP) use an mDNS reflector or a secondary interface (Multus macvlan); if the app cannot work without it, suppress the finding with that reason',
  check({ facts, report }) {
    for (const w of facts.workloads) {
      if (!w.hostNetwork || isAgent(w)) continue;
      report({
        message: `${w.kind} ${w.namespace}/${w.name} runs on the host network: NetworkPolicies do not apply to it, and it reaches everything listening on its node`,
        where: w.where,
        subjects: [w.app ?? w.name],
      });
    }
  },
});
