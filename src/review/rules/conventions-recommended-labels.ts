import { defineRule, type WorkloadFact } from '../types.js';

const NAME = 'app.kubernetes.io/name';
const INSTANCE = 'app.kubernetes.io/instance';
/** The cluster's own namespaces. */
const CLUSTER_NAMESPACES = new Set(['kube-system', 'kube-public', 'kube-node-lease']);

/** Workloads the review sees whole: not chart summaries, not kustomize patches (containers without an image). */
const judged = (w: WorkloadFact) => !w.fromChart && !CLUSTER_NAMESPACES.has(w.namespace) && w.containers.some((c) => c.image);
const carries = (w: WorkloadFact) => {
  const l = { ...w.podLabels, ...w.labels };
  return !!l[NAME] && !!l[INSTANCE];
};

/**
 * Workloads missing app.kubernetes.io/name or app.kubernetes.io/instance
 * (on the object or its pod template). Low when other workloads of the same
 * input carry both (the lab adopted the convention and these escaped it);
 * info when none does. Hearth renders both on every object.
 */
export default defineRule({
  id: 'conventions-recommended-labels',
  category: 'conventions',
  risk: 'info',
  title: 'Workloads without the recommended app labels',
  why: 'The recommended labels (app.kubernetes.io/name, instance) are what selectors, dashboards, `kubectl get -l` and tools such as Prometheus relabelling and Kubecost group by: an unlabelled workload drops out of every view built on them.',
  fix: 'label each workload and its pod template with app.kubernetes.io/name (the application) and app.kubernetes.io/instance (this installation); kustomize labels (with includeSelectors: false) can add them to a whole folder',
  check({ facts, report }) {
    const ws = facts.workloads.filter(judged);
    const bare = ws.filter((w) => !carries(w));
    if (bare.length === 0) return;
    const adopted = ws.length - bare.length;
    const list = bare.slice(0, 10).map((w) => `${w.namespace}/${w.name}`).join(', ') + (bare.length > 10 ? `, and ${bare.length - 10} more` : '');
    report({
      message:
        adopted > 0
          ? `${bare.length} of ${ws.length} workloads lack app.kubernetes.io/name or app.kubernetes.io/instance while the other ${adopted} carry both (${list}): selectors and dashboards built on them miss these`
          : `none of the ${ws.length} workload${ws.length === 1 ? '' : 's'} carries the recommended labels app.kubernetes.io/name and app.kubernetes.io/instance (${list}): tools that group by app cannot tell them apart`,
      where: bare.map((w) => w.where),
      subjects: bare.map((w) => w.name),
      risk: adopted > 0 ? 'low' : 'info',
    });
  },
  strength: (facts) => (facts.workloads.some(judged) ? 'Workloads carry the recommended app.kubernetes.io labels.' : undefined),
});
