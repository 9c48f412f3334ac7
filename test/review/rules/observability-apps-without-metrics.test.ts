import rule from '../../../src/review/rules/observability-apps-without-metrics.js';
import { ruleTable, testLab } from '../../helpers/review.js';

const deploy = (name: string) => `apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: ${name}, namespace: apps, labels: { app.kubernetes.io/name: ${name} } }\nspec: { template: { metadata: { labels: { app.kubernetes.io/name: ${name} } }, spec: { containers: [{ name: main, image: "nginx:1.29" }] } } }\n`;
const kps = 'apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata: { name: kube-prometheus-stack, namespace: monitoring }\nspec: { chart: { spec: { chart: kube-prometheus-stack, version: 75.0.0, sourceRef: { kind: HelmRepository, name: prometheus-community } } } }\n';
const sm = (app: string) => `apiVersion: monitoring.coreos.com/v1\nkind: ServiceMonitor\nmetadata: { name: ${app}, namespace: monitoring }\nspec: { selector: { matchLabels: { app.kubernetes.io/name: ${app} } }, endpoints: [{ port: metrics }] }\n`;
const tunnel = { name: 'tunnel', module: 'cloudflared', namespace: 'apps' };
const remote = { remoteAccess: { type: 'cloudflare-tunnel', tunnel: 'home', credentials: { secret: 'tunnel-creds', key: 'home.json' } } } as never;

ruleTable(rule, {
  valid: [
    { name: 'hearth: the tunnel has its ServiceMonitor', lab: testLab([tunnel], remote) },
    { name: 'hearth: no Prometheus (another rule)', lab: testLab([{ name: 'vaultwarden', namespace: 'apps' }], { observability: { metrics: { enabled: false }, logs: { enabled: false }, alerts: { receivers: [] } } } as never) },
    { name: 'every app has a ServiceMonitor', repo: { 'kps.yaml': kps, 'a.yaml': deploy('web'), 'b.yaml': deploy('api'), 'sm.yaml': sm('web') + '---\n' + sm('api') } },
    { name: 'no Prometheus in the repository', repo: { 'a.yaml': deploy('web') } },
    { name: 'chart releases only (their values are not read)', repo: { 'kps.yaml': kps, 'hr.yaml': kps.replace(/kube-prometheus-stack/g, 'jellyfin') } },
  ],
  invalid: [
    { name: 'hearth apps without monitors', lab: testLab([tunnel, { name: 'vaultwarden', namespace: 'apps' }], remote), message: /^Prometheus runs, but 1 app has no ServiceMonitor or PodMonitor \(vaultwarden\)/, count: 1, subjects: ['vaultwarden'] },
    { name: 'a repository app without a monitor', repo: { 'kps.yaml': kps, 'a.yaml': deploy('web'), 'b.yaml': deploy('api'), 'sm.yaml': sm('web') }, message: /1 app has no ServiceMonitor or PodMonitor \(api\)/, count: 1, subjects: ['api'] },
  ],
});
