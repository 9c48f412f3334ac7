import rule from '../../../src/review/rules/observability-no-metrics.js';
import { ruleTable, testLab } from '../../helpers/review.js';

const deploy = 'apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: web, namespace: apps }\nspec: { template: { spec: { containers: [{ name: web, image: "nginx:1.29" }] } } }\n';
const release = (chart: string) => `apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata: { name: ${chart}, namespace: monitoring }\nspec: { chart: { spec: { chart: ${chart}, version: 1.0.0, sourceRef: { kind: HelmRepository, name: charts } } } }\n`;
const noMetrics = { observability: { metrics: { enabled: false }, logs: { enabled: false }, alerts: { receivers: [] } } } as never;

ruleTable(rule, {
  valid: [
    { name: 'hearth metrics (the default)', lab: testLab([{ name: 'vaultwarden', namespace: 'apps' }]) },
    { name: 'kube-prometheus-stack released by Flux', repo: { 'd.yaml': deploy, 'hr.yaml': release('kube-prometheus-stack') } },
    { name: 'VictoriaMetrics', repo: { 'd.yaml': deploy, 'hr.yaml': release('victoria-metrics-k8s-stack') } },
    { name: 'a ServiceMonitor (someone scrapes)', repo: { 'd.yaml': deploy, 'sm.yaml': 'apiVersion: monitoring.coreos.com/v1\nkind: ServiceMonitor\nmetadata: { name: web, namespace: apps }\nspec: { selector: { matchLabels: { app: web } } }\n' } },
    { name: 'a monitoring namespace (stack installed with helm install)', repo: { 'd.yaml': deploy, 'ns.yaml': 'apiVersion: v1\nkind: Namespace\nmetadata: { name: monitoring }\n' } },
    { name: 'a repository with nothing deployed', repo: { 'ns.yaml': 'apiVersion: v1\nkind: Namespace\nmetadata: { name: apps }\n' } },
  ],
  invalid: [
    { name: 'metrics turned off in the spec', lab: testLab([{ name: 'vaultwarden', namespace: 'apps' }], noMetrics), message: /^no metrics collection \(observability.metrics is off\)/, count: 1 },
    { name: 'workloads and exporters but no collector', repo: { 'd.yaml': deploy, 'hr.yaml': release('prometheus-node-exporter') }, message: /^no metrics collection: the repository runs no Prometheus/, count: 1, subjects: ['metrics'] },
  ],
});
