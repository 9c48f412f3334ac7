import { defineRule } from '../types.js';

/** Namespaces running workloads with no NetworkPolicy: every pod can reach every other. */
export default defineRule({
  id: 'network-no-policy',
  category: 'network',
  risk: 'low',
  title: 'Namespace without NetworkPolicies',
  why: 'Without policies any compromised pod can reach every other pod and service in the cluster; policies are defence in depth.',
  fix: "add a default-deny policy per namespace and allow only the flows each app needs (hearth derives them from dependsOn with network.policy: default-deny)",
  check({ facts, report }) {
    const used = new Set(facts.workloads.map((w) => w.namespace));
    const open = facts.namespaces.filter((n) => !n.system && used.has(n.name) && n.networkPolicies === 0);
    if (open.length === 0) return;
    report({
      message: `${open.length} namespace${open.length === 1 ? '' : 's'} without any NetworkPolicy: ${open.map((n) => n.name).sort().join(', ')}`,
      where: open.map((n) => n.where),
      subjects: open.map((n) => n.name).sort(),
    });
  },
  strength: (facts) => (facts.namespaces.some((n) => !n.system && n.defaultDeny) ? 'Namespaces deny traffic by default and allow only declared flows.' : undefined),
});
