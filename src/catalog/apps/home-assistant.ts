import { z } from 'zod';
import { defineModule, type Manifest } from '../types.js';
import { meta } from '../meta.js';
import { selectorLabels } from '../../lib/k8s.js';
import type { LabModel } from '../../model/types.js';

/**
 * Pin: docs/research/app-charts.md (§1 table, §2.11): Renovate PRs
 * AndreiGavriliu/homelab#7294 (2026-09-11) and maxim-mityutko/home-infra#2124
 * (2026-09-12) move 2026.9.1 → 2026.9.2.
 */
export const HOME_ASSISTANT_IMAGE = 'ghcr.io/home-assistant/home-assistant:2026.9.2';

/** The HTTP port of the frontend and API (upstream default). */
const PORT = 8123;

/** Pod networks by distribution, used as trusted proxies when cluster.podCidr is not set. */
const DEFAULT_POD_CIDR: Record<string, string> = { k3s: '10.42.0.0/16', talos: '10.244.0.0/16' };

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

const cidr = z
  .string()
  .regex(/^((25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\/([0-9]|[12][0-9]|3[0-2])$/)
  .describe('An IPv4 network in CIDR notation such as 10.42.0.0/16.');

const Config = z.strictObject({
  timezone: z
    .string()
    .regex(/^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+){0,2}$/)
    .refine(isTimeZone, 'not a time zone of the IANA database')
    .default('Etc/UTC')
    .describe('IANA time zone (TZ), e.g. Europe/Berlin.'),
  trustedProxies: z
    .array(cidr)
    .min(1)
    .optional()
    .describe('Networks allowed to send X-Forwarded-For (the ingress controller pods). Default: cluster.podCidr, else K3s 10.42.0.0/16 / Talos 10.244.0.0/16.'),
  lanAccess: z.boolean().default(true).describe('Allow outbound connections to the lab LAN (network.cidr) under default-deny policies: devices, hubs, bridges.'),
  hostNetwork: z
    .boolean()
    .default(false)
    .describe('Run in the node network namespace for mDNS/SSDP/HomeKit discovery. NetworkPolicies do not apply to such pods.'),
});

export type HomeAssistantConfig = z.output<typeof Config>;

/** The networks written as `http.trusted_proxies` in the seeded configuration.yaml. */
export function trustedProxies(lab: LabModel, c: HomeAssistantConfig): string[] {
  if (c.trustedProxies) return c.trustedProxies;
  const pod = lab.spec.cluster?.podCidr ?? DEFAULT_POD_CIDR[lab.cluster?.distribution ?? 'k3s'];
  return [pod];
}

/**
 * configuration.yaml for a fresh /config: the default integrations, the
 * include files the UI editors write to, and the reverse-proxy settings an
 * ingress needs (without them every proxied request gets "400: Bad Request").
 * Written with a plain string: `!include` tags are YAML the emitter does not produce.
 */
function seedConfiguration(proxies: string[]): string {
  return [
    '# Written by hearth on the first start only (when /config/configuration.yaml is missing).',
    '# Edit it freely: hearth never overwrites it.',
    'default_config:',
    '',
    'http:',
    '  use_x_forwarded_for: true',
    '  trusted_proxies:',
    ...proxies.map((p) => `    - ${p}`),
    '',
    'automation: !include automations.yaml',
    'script: !include scripts.yaml',
    'scene: !include scenes.yaml',
    '',
  ].join('\n');
}

/** Copies the seed only when /config has no configuration.yaml (a restored or hand-made config wins). */
const SEED_SCRIPT = [
  'set -eu',
  'if [ ! -f /config/configuration.yaml ]; then',
  '  cp /seed/configuration.yaml /config/configuration.yaml',
  "  [ -f /config/automations.yaml ] || echo '[]' > /config/automations.yaml",
  '  [ -f /config/scripts.yaml ] || : > /config/scripts.yaml',
  '  [ -f /config/scenes.yaml ] || : > /config/scenes.yaml',
  'fi',
].join('\n');

/** Home Assistant Core from the official container image: raw manifests, /config on a PVC. */
export default defineModule({
  name: 'home-assistant',
  kind: 'app',
  summary: 'Home Assistant home automation (official image, /config on a PVC, reverse-proxy ready)',
  layer: 'apps',
  dir: 'home-assistant',
  config: Config,
  app: () => ({
    expose: 'lan',
    web: { service: (app) => `${app}-server`, port: PORT },
    volumes: [{ name: 'config', size: '5Gi', mountPath: '/config' }],
    resources: { requests: { cpu: '100m', memory: '512Mi' }, limits: { memory: '2Gi' } },
    replicas: 1,
    // Integrations talk to cloud APIs, HACS and the Python package index.
    egressInternet: true,
  }),
  render: (ctx) => {
    const app = ctx.component.app!;
    const c = ctx.config as HomeAssistantConfig;
    const server = `${app.name}-server`;
    const seed = `${app.name}-seed`;
    const selector = selectorLabels('home-assistant', app.name);
    const manifests: Manifest[] = [];

    manifests.push({
      file: 'configmap',
      object: { apiVersion: 'v1', kind: 'ConfigMap', metadata: meta(ctx, seed, 'config'), data: { 'configuration.yaml': seedConfiguration(trustedProxies(ctx.lab, c)) } },
    });

    const security = { allowPrivilegeEscalation: false, seccompProfile: { type: 'RuntimeDefault' } };
    const probe = { httpGet: { path: '/', port: 'http' } };
    const mounts = app.volumes.map((v) => ({ name: v.name, mountPath: v.mountPath }));
    const container = {
      name: 'home-assistant',
      image: HOME_ASSISTANT_IMAGE,
      ports: [{ name: 'http', containerPort: PORT, protocol: 'TCP' }],
      env: [{ name: 'TZ', value: c.timezone }],
      resources: { requests: app.resources.requests, limits: app.resources.limits },
      // The image's s6-overlay init runs as root; it does not support runAsUser.
      securityContext: security,
      // First starts install integration requirements: allow five minutes.
      startupProbe: { ...probe, periodSeconds: 10, failureThreshold: 30 },
      readinessProbe: { ...probe, periodSeconds: 10 },
      livenessProbe: { ...probe, periodSeconds: 30, failureThreshold: 5 },
      volumeMounts: mounts,
    };
    const init = {
      name: 'seed-config',
      image: HOME_ASSISTANT_IMAGE,
      command: ['sh', '-c', SEED_SCRIPT],
      resources: { requests: { cpu: '10m', memory: '16Mi' }, limits: { memory: '64Mi' } },
      securityContext: security,
      volumeMounts: [...mounts, { name: 'seed', mountPath: '/seed', readOnly: true }],
    };

    manifests.push({
      file: 'deployment',
      object: {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: meta(ctx, server, 'server'),
        spec: {
          replicas: app.replicas,
          // The config volume is ReadWriteOnce (and SQLite must never have two writers).
          strategy: { type: 'Recreate' },
          selector: { matchLabels: selector },
          template: {
            metadata: { labels: { ...selector, 'app.kubernetes.io/component': 'server', 'app.kubernetes.io/part-of': ctx.lab.name } },
            spec: {
              automountServiceAccountToken: false,
              ...(c.hostNetwork ? { hostNetwork: true, dnsPolicy: 'ClusterFirstWithHostNet' } : {}),
              ...(Object.keys(app.nodeSelector).length ? { nodeSelector: app.nodeSelector } : {}),
              initContainers: [init],
              containers: [container],
              volumes: [
                ...app.volumes.map((v) => ({ name: v.name, persistentVolumeClaim: { claimName: v.claim } })),
                { name: 'seed', configMap: { name: seed } },
              ],
            },
          },
        },
      },
    });

    manifests.push({
      file: 'service',
      object: {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: meta(ctx, server, 'server'),
        spec: { type: 'ClusterIP', selector, ports: [{ name: 'http', port: PORT, targetPort: 'http', protocol: 'TCP' }] },
      },
    });

    const ns = ctx.lab.namespaces.find((n) => n.name === app.namespace);
    if (c.lanAccess && !c.hostNetwork && ns?.networkPolicy === 'default-deny') {
      manifests.push({
        file: 'network-policy',
        object: {
          apiVersion: 'networking.k8s.io/v1',
          kind: 'NetworkPolicy',
          metadata: meta(ctx, `${app.name}-lan`, 'network-policy'),
          spec: {
            podSelector: { matchLabels: { 'app.kubernetes.io/instance': app.name } },
            policyTypes: ['Egress'],
            egress: [{ to: [{ ipBlock: { cidr: ctx.lab.spec.network.cidr } }] }],
          },
        },
      });
    }
    return { manifests };
  },
});
