import { defineRule, type Facts, type Where, type WorkloadFact } from '../types.js';

/** Charts that run the Prometheus Operator (or read its ServiceMonitors). */
const OPERATOR_CHARTS = /^(kube-prometheus-stack|prometheus-operator|victoria-metrics-k8s-stack|victoria-metrics-operator|k8s-monitoring)$/;
const LONG_RUNNING = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'HelmRelease']);
/** The cluster's own namespaces. */
const CLUSTER_NAMESPACES = new Set(['kube-system', 'kube-public', 'kube-node-lease']);

const base = (s: string) => s.split('/').pop() ?? s;

/** Prometheus runs and picks up ServiceMonitors/PodMonitors. */
function prometheusRuns(facts: Facts): boolean {
  if (facts.source === 'spec') return facts.observability.metrics;
  return facts.observability.metrics || facts.charts.some((c) => OPERATOR_CHARTS.test(base(c.chart)) || OPERATOR_CHARTS.test(c.name));
}

/** The names a ServiceMonitor/PodMonitor may select a workload by. */
function names(w: WorkloadFact): string[] {
  const l = { ...w.podLabels, ...w.labels };
  return [w.app, w.name, l['app.kubernetes.io/name'], l['app.kubernetes.io/instance'], l['app']].filter((x): x is string => !!x);
}

/**
 * Apps with no ServiceMonitor or PodMonitor while Prometheus runs. Spec: the
 * lab's apps that run in the cluster (hearth adds monitors to the apps that
 * serve metrics). Repository: apps of the Deployments, StatefulSets and
 * DaemonSets it defines; Helm chart releases are not listed, because their
 * values (not read by the review) usually decide whether a monitor exists.
 */
export default defineRule({
  id: 'observability-apps-without-metrics',
  category: 'observability',
  risk: 'info',
  title: 'Apps Prometheus does not scrape',
  why: 'Prometheus sees these apps only as pods (running or not, restarts, memory): errors, slow requests and queue backlogs inside them are not recorded and cannot alert.',
  fix: 'add a ServiceMonitor or PodMonitor for each app that exposes /metrics (many do behind a setting or an exporter sidecar); for those that cannot, probe their URL with blackbox-exporter',
  check({ facts, report }) {
    if (!prometheusRuns(facts)) return;
    const monitored = new Set([...facts.observability.serviceMonitors].map((k) => k.slice(k.indexOf('/') + 1)));
    const bare: { app: string; where: Where }[] = [];
    if (facts.source === 'spec') {
      for (const a of facts.apps) {
        const runs = facts.workloads.some((w) => w.app === a.name && w.namespace === a.namespace && LONG_RUNNING.has(w.kind));
        if (runs && !monitored.has(a.name)) bare.push({ app: a.name, where: a.where });
      }
    } else {
      const groups = new Map<string, WorkloadFact[]>();
      for (const w of facts.workloads) {
        if (w.fromChart || !LONG_RUNNING.has(w.kind) || CLUSTER_NAMESPACES.has(w.namespace) || !w.containers.some((c) => c.image)) continue;
        const app = w.app ?? w.name;
        groups.set(app, [...(groups.get(app) ?? []), w]);
      }
      for (const [app, ws] of groups) if (!ws.some((w) => names(w).some((n) => monitored.has(n)))) bare.push({ app, where: ws[0].where });
    }
    if (bare.length === 0) return;
    const apps = [...new Set(bare.map((b) => b.app))].sort();
    report({
      message: `Prometheus runs, but ${apps.length} app${apps.length === 1 ? ' has' : 's have'} no ServiceMonitor or PodMonitor (${apps.join(', ')}): only their pods are watched, not whether they work`,
      where: bare.map((b) => b.where),
      subjects: apps,
    });
  },
  strength: (facts) => (prometheusRuns(facts) && facts.observability.serviceMonitors.size > 0 ? 'Prometheus scrapes the apps through ServiceMonitors.' : undefined),
});
