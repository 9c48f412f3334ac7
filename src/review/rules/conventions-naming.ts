import { defineRule, type WorkloadFact } from '../types.js';

const INSTANCE = 'app.kubernetes.io/instance';
/** The cluster's own namespaces. */
const CLUSTER_NAMESPACES = new Set(['kube-system', 'kube-public', 'kube-node-lease']);
/** Below this many labelled workloads, "most" means little. */
const MIN_WORKLOADS = 3;

const instanceOf = (w: WorkloadFact) => w.labels[INSTANCE] ?? w.podLabels[INSTANCE];
/** {app}-{component}; a workload named exactly after its app (its only component) follows too. */
const follows = (w: WorkloadFact, app: string) => w.name === app || w.name.startsWith(`${app}-`);

/**
 * In an input where most workloads follow seed 001's `{app}-{component}`
 * naming (the name starts with the app.kubernetes.io/instance value and a
 * dash), the workloads that do not. Only workloads with the instance label
 * are judged (conventions-recommended-labels reports the others); chart
 * summaries and kustomize patches are skipped.
 */
export default defineRule({
  id: 'conventions-naming',
  category: 'conventions',
  risk: 'info',
  title: 'Workloads named outside the {app}-{component} convention',
  why: 'A shared naming pattern makes `kubectl get` output sort by app and lets a name tell what it belongs to; the exceptions are the ones people misread or miss when cleaning up.',
  fix: 'rename these to {app}-{component} (the app.kubernetes.io/instance value, a dash, the role: postgres-primary, prometheus-server), or fix their instance label if it names the wrong app',
  check({ facts, report }) {
    const ws = facts.workloads.filter((w) => !w.fromChart && !CLUSTER_NAMESPACES.has(w.namespace) && w.containers.some((c) => c.image) && !!instanceOf(w));
    if (ws.length < MIN_WORKLOADS) return;
    const off = ws.filter((w) => !follows(w, instanceOf(w)!));
    if (off.length === 0 || off.length * 2 >= ws.length) return;
    const list = off.slice(0, 10).map((w) => `${w.namespace}/${w.name} (app ${instanceOf(w)})`).join(', ') + (off.length > 10 ? `, and ${off.length - 10} more` : '');
    report({
      message: `${off.length} of ${ws.length} workloads break the {app}-{component} naming the others follow, so their names do not say which app they belong to: ${list}`,
      where: off.map((w) => w.where),
      subjects: off.map((w) => w.name),
    });
  },
});
