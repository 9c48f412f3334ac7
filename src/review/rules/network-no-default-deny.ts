import { defineRule } from '../types.js';

/** Namespaces with NetworkPolicies, none of which selects every pod: the pods no policy selects stay open. */
export default defineRule({
  id: 'network-no-default-deny',
  category: 'network',
  risk: 'low',
  title: 'NetworkPolicies without a default deny',
  why: 'A NetworkPolicy isolates only the pods it selects: pods no policy selects (a new app, a database whose labels changed, a pod of a chart) still accept traffic from every pod in the cluster, while the policies suggest the namespace is locked down.',
  fix: 'add a policy with an empty podSelector ({}) and policyTypes Ingress (and Egress) to each of these namespaces, then allow the flows each app needs',
  check({ facts, report }) {
    const open = facts.namespaces.filter((n) => !n.system && n.networkPolicies > 0 && !n.defaultDeny);
    if (open.length === 0) return;
    const names = open.map((n) => n.name).sort();
    report({
      message: `${open.length} namespace${open.length === 1 ? ' has' : 's have'} NetworkPolicies but none selecting every pod: ${open
        .slice()
        .sort((a, b) => a.name.localeCompare(b.name))
        .map((n) => `${n.name} (${n.networkPolicies})`)
        .join(', ')}; pods no policy selects accept traffic from anywhere in the cluster`,
      where: open.map((n) => n.where),
      subjects: names,
    });
  },
  strength: (facts) => (facts.namespaces.some((n) => !n.system && n.networkPolicies > 0) ? 'Every namespace with NetworkPolicies denies traffic by default.' : undefined),
});
