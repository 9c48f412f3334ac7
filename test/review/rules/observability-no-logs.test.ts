import rule from '../../../src/review/rules/observability-no-logs.js';
import { ruleTable, testLab } from '../../helpers/review.js';

const deploy = (image = 'nginx:1.29', kind = 'Deployment') => `apiVersion: apps/v1\nkind: ${kind}\nmetadata: { name: web, namespace: apps }\nspec: { template: { spec: { containers: [{ name: web, image: "${image}" }] } } }\n`;
const release = (chart: string) => `apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata: { name: ${chart}, namespace: observability }\nspec: { chart: { spec: { chart: ${chart}, version: 1.0.0, sourceRef: { kind: HelmRepository, name: charts } } } }\n`;
const logsOn = { observability: { metrics: { enabled: true }, logs: { enabled: true }, alerts: { receivers: [] } } } as never;

ruleTable(rule, {
  valid: [
    { name: 'hearth Loki + Alloy', lab: testLab([{ name: 'vaultwarden', namespace: 'apps' }], logsOn) },
    { name: 'Loki released by Flux', repo: { 'd.yaml': deploy(), 'hr.yaml': release('loki') } },
    { name: 'VictoriaLogs', repo: { 'd.yaml': deploy(), 'hr.yaml': release('victoria-logs-single') } },
    { name: 'a Fluent Bit DaemonSet', repo: { 'd.yaml': deploy(), 'fb.yaml': deploy('cr.fluentbit.io/fluent/fluent-bit:4.0.3', 'DaemonSet') } },
    { name: 'a logging namespace (stack installed with helm install)', repo: { 'd.yaml': deploy(), 'ns.yaml': 'apiVersion: v1\nkind: Namespace\nmetadata: { name: logging }\n' } },
    { name: 'a repository with nothing deployed', repo: {} },
  ],
  invalid: [
    { name: 'logs off in the spec (the default)', lab: testLab([{ name: 'vaultwarden', namespace: 'apps' }]), message: /^no log aggregation \(observability.logs is off\)/, count: 1, subjects: ['logs'] },
    { name: 'Prometheus but nothing for logs', repo: { 'd.yaml': deploy(), 'hr.yaml': release('kube-prometheus-stack') }, message: /^no log aggregation: no Loki/, count: 1 },
  ],
});
