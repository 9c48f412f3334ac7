import { defineRule, type WorkloadFact } from '../types.js';

const LONG_RUNNING = new Set(['Deployment', 'StatefulSet', 'DaemonSet']);
/** The cluster's own namespaces: what runs there is the distribution's, not the lab's. */
const CLUSTER_NAMESPACES = new Set(['kube-system', 'kube-public', 'kube-node-lease']);

/** Long-running workloads the review can see whole: not chart summaries, not kustomize patches (containers without an image). */
const judged = (w: WorkloadFact) => LONG_RUNNING.has(w.kind) && !w.fromChart && !CLUSTER_NAMESPACES.has(w.namespace) && w.containers.some((c) => c.image);

/**
 * Deployments, StatefulSets and DaemonSets none of whose containers has a
 * readiness, liveness or startup probe. Judged per pod, not per container:
 * sidecars without probes beside a probed main container are fine.
 */
export default defineRule({
  id: 'reliability-no-probes',
  category: 'reliability',
  risk: 'low',
  title: 'Long-running workload without health probes',
  why: 'Without a readiness probe a pod receives traffic as soon as its process starts, before it can answer; without a liveness probe a hung process is never restarted: the app stays down until someone notices.',
  fix: "add a readinessProbe and a livenessProbe on the app's health endpoint (or a TCP check of its port); in a hearth spec, the container module takes config.healthPath",
  check({ facts, report }) {
    for (const w of facts.workloads) {
      if (!judged(w) || w.containers.some((c) => c.probes)) continue;
      const cs = w.containers.filter((c) => c.image).map((c) => c.name || 'unnamed');
      report({
        message: `${w.kind} ${w.namespace}/${w.name} (container${cs.length === 1 ? '' : 's'} ${cs.join(', ')}) has no readiness or liveness probe: it gets traffic before it is ready, and a hung process is never restarted`,
        where: w.where,
        subjects: [w.app ?? w.name],
      });
    }
  },
  strength: (facts) => (facts.workloads.some(judged) ? 'Long-running workloads have readiness and liveness probes.' : undefined),
});
