import rule from '../../../src/review/rules/reliability-no-probes.js';
import { ruleTable, testLab } from '../../helpers/review.js';

const workload = (kind: string, containers: string) =>
  kind === 'CronJob'
    ? `apiVersion: batch/v1\nkind: CronJob\nmetadata: { name: web, namespace: apps }\nspec: { schedule: "0 * * * *", jobTemplate: { spec: { template: { spec: { containers: ${containers} } } } } }\n`
    : `apiVersion: apps/v1\nkind: ${kind}\nmetadata: { name: web, namespace: apps, labels: { app.kubernetes.io/instance: blog } }\nspec: { template: { spec: { containers: ${containers} } } }\n`;
const probed = '{ name: web, image: "nginx:1.29", readinessProbe: { httpGet: { path: /, port: 80 } } }';
const bare = '{ name: web, image: "nginx:1.29" }';

ruleTable(rule, {
  valid: [
    { name: 'hearth apps with probes', lab: testLab([{ name: 'vaultwarden', namespace: 'apps' }, { name: 'bot', module: 'container', namespace: 'apps', config: { image: 'ghcr.io/example/bot:1.0.0', ports: [{ name: 'http', port: 8080 }], healthPath: '/health' } }]) },
    { name: 'a readiness probe', repo: { 'd.yaml': workload('Deployment', `[${probed}]`) } },
    { name: 'a sidecar without probes beside a probed container', repo: { 'd.yaml': workload('Deployment', `[${probed}, { name: sidecar, image: "busybox:1.37" }]`) } },
    { name: 'a CronJob (runs to completion)', repo: { 'c.yaml': workload('CronJob', `[${bare}]`) } },
  ],
  invalid: [
    { name: 'hearth container module without healthPath', lab: testLab([{ name: 'bot', module: 'container', namespace: 'apps', config: { image: 'ghcr.io/example/bot:1.0.0' } }]), message: /^Deployment apps\/bot-server \(container bot\) has no readiness or liveness probe/, count: 1, subjects: ['bot'] },
    { name: 'a Deployment without probes', repo: { 'd.yaml': workload('Deployment', `[${bare}]`) }, message: /Deployment apps\/web \(container web\)/, count: 1, subjects: ['blog'] },
    { name: 'a DaemonSet without probes', repo: { 'd.yaml': workload('DaemonSet', `[${bare}, { name: agent, image: "agent:2.0" }]`) }, message: /DaemonSet apps\/web \(containers web, agent\)/, count: 1 },
  ],
});
