import { defineRule, type Facts, type Where } from '../types.js';

/** Charts that collect metrics (a Prometheus, an agent shipping them elsewhere). Exporters alone collect nothing. */
const METRICS_CHARTS = /^(kube-prometheus-stack|prometheus|prometheus-operator|victoria-metrics.*|vm-?agent|mimir.*|thanos|grafana-agent.*|alloy|k8s-monitoring|netdata|datadog|newrelic.*|signoz|opentelemetry-(collector|operator|kube-stack)|zabbix.*|checkmk|metricbeat|elastic-agent)$/;
const METRICS_IMAGES = /(^|\/)(prometheus\/prometheus|prom\/prometheus|victoriametrics\/(victoria-metrics|vmagent|vmsingle|vminsert)|grafana\/(alloy|agent|mimir)|netdata\/netdata|datadog\/agent|otel\/opentelemetry-collector[a-z-]*|elastic\/metricbeat)(:|@|$)/;

/** Signs of a stack installed outside the YAML the review reads (helm install with a values file): a namespace, an Ingress or Service named after it. */
const HINT_NAMESPACES = /^(monitoring|observability|prometheus|kube-prometheus-stack|victoria-metrics|metrics|grafana)$/;
const HINT_APPS = /prometheus|grafana|alertmanager|victoria-?metrics|vmagent|vmsingle/;

const base = (s: string) => s.split('/').pop() ?? s;

/** Something the review sees runs in the namespace (then the namespace hints at nothing more). */
function visible(facts: Facts, ns: string): boolean {
  return facts.charts.some((c) => c.namespace === ns) || facts.workloads.some((w) => w.namespace === ns && w.containers.some((c) => c.image));
}

/** The repository hints at a metrics stack it does not define (its objects come from a chart installed by hand or a script). */
function hintsAtMetrics(facts: Facts): boolean {
  return (
    facts.namespaces.some((n) => HINT_NAMESPACES.test(n.name) && !visible(facts, n.name)) ||
    [...facts.ingresses, ...facts.services].some((x) => HINT_APPS.test(`${x.name} ${x.app ?? ''}`)) ||
    facts.ingresses.some((i) => i.hosts.some((h) => /^(grafana|prometheus|alertmanager)\./.test(h)))
  );
}

/** The input runs something that collects metrics: ServiceMonitors/rules (or hearth's kube-prometheus-stack), a metrics chart or image. */
function collectsMetrics(facts: Facts): boolean {
  // A hearth spec says it outright (its charts include Alloy for logs alone).
  if (facts.source === 'spec') return facts.observability.metrics;
  return (
    facts.observability.metrics ||
    facts.charts.some((c) => METRICS_CHARTS.test(base(c.chart)) || METRICS_CHARTS.test(c.name)) ||
    facts.workloads.some((w) => w.containers.some((c) => !!c.image && METRICS_IMAGES.test(c.image)))
  );
}

/** Where the things that go unmonitored are defined (repository input). */
function monitoredThings(facts: Facts): Where[] {
  return [...facts.charts.map((c) => c.where), ...facts.workloads.filter((w) => w.containers.some((c) => c.image)).map((w) => w.where)];
}

/**
 * No metrics collection at all. Spec: observability.metrics disabled in a
 * lab with a cluster. Repository: no ServiceMonitor, PodMonitor or
 * PrometheusRule, no metrics stack among the charts (kube-prometheus-stack,
 * VictoriaMetrics, Grafana Alloy/Agent, ...) and no such image among the
 * workloads. Not judged: a repository with nothing deployed, and one that
 * hints at a stack installed outside its YAML (a monitoring namespace holding
 * nothing the repository defines, a Grafana or Prometheus Ingress or
 * Service), as the plain-Helm layout does.
 */
export default defineRule({
  id: 'observability-no-metrics',
  category: 'observability',
  risk: 'medium',
  title: 'No metrics collection',
  why: 'Without metrics nothing records how full disks are, which pods restart or when memory runs out, and nothing can alert: failures are found by the people using the apps, and their causes are guessed after the fact.',
  fix: 'deploy kube-prometheus-stack (Prometheus, Alertmanager, Grafana, node and kube-state metrics); in a hearth spec, set observability.metrics.enabled: true',
  check({ facts, report }) {
    if (facts.source === 'spec') {
      if (facts.observability.metrics || (!facts.cluster && facts.workloads.length === 0)) return;
      report({ message: 'no metrics collection (observability.metrics is off): disk, memory and restart problems go unrecorded, and failures are found by users', where: { specPath: ['observability', 'metrics', 'enabled'] }, subjects: ['metrics'] });
      return;
    }
    const things = monitoredThings(facts);
    if (things.length === 0 || collectsMetrics(facts) || hintsAtMetrics(facts)) return;
    report({
      message: 'no metrics collection: the repository runs no Prometheus or other collector and defines no ServiceMonitor, PodMonitor or PrometheusRule, so failures are found by users',
      where: things,
      subjects: ['metrics'],
    });
  },
  strength: (facts) => (collectsMetrics(facts) ? 'Metrics are collected (Prometheus or an equivalent).' : undefined),
});
