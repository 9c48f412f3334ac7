import { z } from 'zod';
import { defineModule, type Manifest } from '../types.js';
import { selectorLabels } from '../../lib/k8s.js';
import { claimVolumes, configMap, containerPort, defaultDeny, deployment, instancePods, networkPolicy, nodeSelectorOf, probes, rootInitSecurity, service, servicePort, timeZone, volumeMounts } from './_shared.js';
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

const cidr = z
  .string()
  .regex(/^((25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\/([0-9]|[12][0-9]|3[0-2])$/)
  .describe('An IPv4 network in CIDR notation such as 10.42.0.0/16.');

const Config = z.strictObject({
  timezone: timeZone.default('Etc/UTC').describe('IANA time zone (TZ), e.g. Europe/Berlin.'),
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
    login: true,
    web: { service: (app) => `${app}-server`, port: PORT },
    volumes: [{ name: 'config', size: '5Gi', mountPath: '/config', content: 'sqlite' }], // configuration + home-assistant_v2.db
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

    const security = rootInitSecurity();
    const probe = { httpGet: { path: '/', port: 'http' } };
    const mounts = volumeMounts(app.volumes);
    const container = {
      name: 'home-assistant',
      image: HOME_ASSISTANT_IMAGE,
      ports: [containerPort('http', PORT)],
      env: [{ name: 'TZ', value: c.timezone }],
      resources: { requests: app.resources.requests, limits: app.resources.limits },
      // The image's s6-overlay init runs as root; it does not support runAsUser.
      securityContext: security,
      // First starts install integration requirements: allow five minutes.
      ...probes(probe, { periodSeconds: 10, failureThreshold: 30 }),
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

    const manifests: Manifest[] = [
      configMap(ctx, seed, { 'configuration.yaml': seedConfiguration(trustedProxies(ctx.lab, c)) }),
      deployment(ctx, {
        name: server,
        selector,
        replicas: app.replicas,
        // The config volume is ReadWriteOnce (and SQLite must never have two writers).
        strategy: { type: 'Recreate' },
        pod: {
          automountServiceAccountToken: false,
          ...(c.hostNetwork ? { hostNetwork: true, dnsPolicy: 'ClusterFirstWithHostNet' } : {}),
          ...nodeSelectorOf(app.nodeSelector),
          initContainers: [init],
          containers: [container],
          volumes: [...claimVolumes(app.volumes), { name: 'seed', configMap: { name: seed } }],
        },
      }),
      service(ctx, { name: server, selector, ports: [servicePort('http', PORT)] }),
    ];

    if (c.lanAccess && !c.hostNetwork && defaultDeny(ctx.lab, app.namespace)) {
      manifests.push(
        networkPolicy(ctx, `${app.name}-lan`, {
          podSelector: instancePods(app.name),
          policyTypes: ['Egress'],
          egress: [{ to: [{ ipBlock: { cidr: ctx.lab.spec.network.cidr } }] }],
        }),
      );
    }
    return { manifests };
  },
});
