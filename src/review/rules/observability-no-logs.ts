import { defineRule, type Facts, type Where } from '../types.js';

/** Charts that collect or store container logs. */
const LOG_CHARTS = /^(loki.*|alloy|promtail|grafana-agent.*|k8s-monitoring|fluent-bit|fluentd|fluent-operator|logging-operator|vector.*|elasticsearch|eck-.*|elastic-agent|filebeat|opensearch.*|victoria-logs.*|graylog|quickwit|openobserve.*|signoz|datadog|splunk.*|logstash|seq)$/;
const LOG_IMAGES = /(^|\/)(grafana\/(loki|promtail|alloy|agent)|fluent\/fluent-bit|fluent\/fluentd[a-z-]*|cr\.fluentbit\.io\/fluent\/fluent-bit|timberio\/vector|elasticsearch\/elasticsearch|elastic\/(filebeat|elastic-agent)|opensearchproject\/opensearch|victoriametrics\/victoria-logs|datalust\/seq|graylog\/graylog)(:|@|$)/;

/** Signs of a stack installed outside the YAML the review reads (helm install with a values file): a namespace, an Ingress or Service named after it. */
const HINT_NAMESPACES = /^(monitoring|observability|logging|logs|loki)$/;
const HINT_APPS = /loki|kibana|opensearch|elasticsearch|graylog|victoria-?logs|(^|[-\s])seq([-\s]|$)/;

const base = (s: string) => s.split('/').pop() ?? s;

function hintsAtLogs(facts: Facts): boolean {
  const visible = (ns: string) => facts.charts.some((c) => c.namespace === ns) || facts.workloads.some((w) => w.namespace === ns && w.containers.some((c) => c.image));
  return facts.namespaces.some((n) => HINT_NAMESPACES.test(n.name) && !visible(n.name)) || [...facts.ingresses, ...facts.services].some((x) => HINT_APPS.test(`${x.name} ${x.app ?? ''}`));
}

/** The input runs a log collector or store. */
function collectsLogs(facts: Facts): boolean {
  if (facts.source === 'spec') return facts.observability.logs;
  return (
    facts.observability.logs ||
    facts.charts.some((c) => LOG_CHARTS.test(base(c.chart)) || LOG_CHARTS.test(c.name)) ||
    facts.workloads.some((w) => w.containers.some((c) => !!c.image && LOG_IMAGES.test(c.image)))
  );
}

/**
 * No log aggregation. Spec: observability.logs disabled in a lab with a
 * cluster. Repository: no Loki, Alloy, Promtail, Fluent Bit, Vector,
 * Elasticsearch/OpenSearch or VictoriaLogs chart or workload. Not judged: a
 * repository with nothing deployed, and one that hints at a stack installed
 * outside its YAML (a monitoring or logging namespace holding nothing the
 * repository defines, a Loki or Kibana Ingress or Service), as the
 * plain-Helm layout does.
 */
export default defineRule({
  id: 'observability-no-logs',
  category: 'observability',
  risk: 'low',
  title: 'No log aggregation',
  why: "Container logs live on the node and go when the pod is deleted, rescheduled or rotated: the logs of a crash that restarted a pod, or of a node that died, are gone when someone looks for them.",
  fix: 'collect logs into a store with retention: Loki with Alloy (or Promtail, Fluent Bit), or VictoriaLogs; in a hearth spec, set observability.logs.enabled: true',
  check({ facts, report }) {
    if (collectsLogs(facts)) return;
    if (facts.source === 'spec') {
      if (!facts.cluster && facts.workloads.length === 0) return;
      report({ message: 'no log aggregation (observability.logs is off): container logs vanish with their pods, including those of the crash being investigated', where: { specPath: ['observability', 'logs', 'enabled'] }, subjects: ['logs'] });
      return;
    }
    const things: Where[] = [...facts.charts.map((c) => c.where), ...facts.workloads.filter((w) => w.containers.some((c) => c.image)).map((w) => w.where)];
    if (things.length === 0 || hintsAtLogs(facts)) return;
    report({ message: 'no log aggregation: no Loki, Alloy, Fluent Bit, Vector or similar chart or workload, so container logs vanish with their pods', where: things, subjects: ['logs'] });
  },
  strength: (facts) => (collectsLogs(facts) ? 'Container logs are aggregated and kept beyond the life of their pods.' : undefined),
});
