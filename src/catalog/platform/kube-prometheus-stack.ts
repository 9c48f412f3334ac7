import { defineModule } from '../types.js';
import { CHARTS } from '../charts.js';
import type { ReceiverSpec, SecretRefSpec } from '../../spec/schema.js';
import { namespaceOf } from './_shared.js';

/** Where Alertmanager mounts a Secret listed in alertmanagerSpec.secrets. */
function secretFile(ref: SecretRefSpec): string {
  return `/etc/alertmanager/secrets/${ref.secret}/${ref.key}`;
}

/** One Alertmanager receiver; credentials are read from mounted Secrets, never inlined. */
export function alertmanagerReceiver(r: ReceiverSpec): Record<string, unknown> {
  switch (r.type) {
    case 'email':
      return {
        name: r.name,
        email_configs: [
          {
            to: r.to,
            from: r.from,
            smarthost: r.smarthost,
            ...(r.username ? { auth_username: r.username } : {}),
            ...(r.password ? { auth_password_file: secretFile(r.password) } : {}),
            send_resolved: true,
          },
        ],
      };
    case 'slack':
      return { name: r.name, slack_configs: [{ channel: r.channel, api_url_file: secretFile(r.webhookUrl), send_resolved: true }] };
    case 'telegram':
      return { name: r.name, telegram_configs: [{ chat_id: r.chatId, bot_token_file: secretFile(r.botToken), send_resolved: true }] };
    case 'discord':
      return { name: r.name, discord_configs: [{ webhook_url_file: secretFile(r.webhookUrl), send_resolved: true }] };
    case 'webhook':
      return { name: r.name, webhook_configs: [{ url_file: secretFile(r.url), send_resolved: true }] };
  }
}

export function receiverSecrets(rs: readonly ReceiverSpec[]): string[] {
  const refs: SecretRefSpec[] = [];
  for (const r of rs) {
    if (r.type === 'email' && r.password) refs.push(r.password);
    if (r.type === 'slack' || r.type === 'discord') refs.push(r.webhookUrl);
    if (r.type === 'telegram') refs.push(r.botToken);
    if (r.type === 'webhook') refs.push(r.url);
  }
  return [...new Set(refs.map((x) => x.secret))].sort();
}

/** Secret the Grafana admin credentials are read from (created by the operator or the secrets stage). */
export const GRAFANA_ADMIN_SECRET = 'grafana-admin';

/** kube-prometheus-stack: Prometheus, Alertmanager (with the spec's receivers) and Grafana. */
export default defineModule({
  name: 'kube-prometheus-stack',
  kind: 'platform',
  summary: 'Prometheus, Alertmanager and Grafana (kube-prometheus-stack)',
  layer: 'observability',
  dir: 'prometheus',
  namespace: 'monitoring',
  chart: CHARTS.kubePrometheusStack,
  web: { service: (id) => `${id}-grafana`, port: 80 },
  instances: (lab) =>
    lab.spec.observability.metrics.enabled && lab.cluster
      ? [{ host: lab.spec.observability.metrics.grafana && lab.ingress ? 'grafana' : undefined, dependsOn: ['prometheus-operator-crds'] }]
      : [],
  render: ({ lab }) => {
    const m = lab.spec.observability.metrics;
    const receivers = lab.receivers;
    const defaultReceiver = lab.spec.observability.alerts.default ?? receivers[0]?.name ?? 'null';
    const storageClass = m.storage.class ?? lab.defaultStorageClass;
    const lokiNs = namespaceOf(lab, 'loki');
    const values: Record<string, unknown> = {
      // The CRDs come from the prometheus-operator-crds release in the crds layer.
      crds: { enabled: false },
      prometheus: {
        prometheusSpec: {
          retention: m.retention,
          // Select every ServiceMonitor/PodMonitor/rule in the cluster, not only this release's.
          serviceMonitorSelectorNilUsesHelmValues: false,
          podMonitorSelectorNilUsesHelmValues: false,
          ruleSelectorNilUsesHelmValues: false,
          probeSelectorNilUsesHelmValues: false,
          resources: { requests: { cpu: '200m', memory: '1Gi' }, limits: { memory: '2Gi' } },
          ...(storageClass
            ? {
                storageSpec: {
                  volumeClaimTemplate: {
                    spec: { storageClassName: storageClass, accessModes: ['ReadWriteOnce'], resources: { requests: { storage: m.storage.size ?? '20Gi' } } },
                  },
                },
              }
            : {}),
        },
      },
      alertmanager: {
        config: {
          route: {
            receiver: defaultReceiver,
            group_by: ['alertname', 'namespace'],
            group_wait: '30s',
            group_interval: '5m',
            repeat_interval: '12h',
            routes: [{ receiver: 'null', matchers: ['alertname = "Watchdog"'] }],
          },
          receivers: [{ name: 'null' }, ...receivers.map(alertmanagerReceiver)],
        },
        alertmanagerSpec: {
          secrets: receiverSecrets(receivers),
          resources: { requests: { cpu: '10m', memory: '64Mi' }, limits: { memory: '128Mi' } },
        },
      },
      grafana: m.grafana
        ? {
            enabled: true,
            admin: { existingSecret: GRAFANA_ADMIN_SECRET, userKey: 'admin-user', passwordKey: 'admin-password' },
            resources: { requests: { cpu: '50m', memory: '128Mi' }, limits: { memory: '256Mi' } },
            ...(lokiNs
              ? { additionalDataSources: [{ name: 'Loki', type: 'loki', access: 'proxy', url: `http://loki.${lokiNs}.svc.cluster.local:3100` }] }
              : {}),
          }
        : { enabled: false },
    };
    return { values, manifests: [] };
  },
});
