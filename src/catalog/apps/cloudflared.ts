import { z } from 'zod';
import { defineModule, type Manifest } from '../types.js';
import { meta } from '../meta.js';
import { selectorLabels } from '../../lib/k8s.js';
import { toYaml, type JsonValue } from '../../lib/yaml-emit.js';
import type { LabModel, AppModel } from '../../model/types.js';
import { boundedSecretKey, configMap, containerPort, defaultDeny, deployment, instancePods, networkPolicy, nodeSelectorOf, nonRootPod, objectName, service, servicePort, sha256, tcpPorts } from './_shared.js';

/**
 * cloudflare/cloudflared 2026.9.3 (Docker Hub). Evidence: docs/research/app-charts.md
 * §1 and §2.16 (CODE ids 70319793976, 71607283126). The image runs as the
 * distroless `nonroot` user, UID 65532.
 */
export const CLOUDFLARED_IMAGE = 'cloudflare/cloudflared:2026.9.3';
export const CLOUDFLARED_UID = 65532;
/** Where `--metrics` listens; `/ready` and `/metrics` are served here. */
export const METRICS_PORT = 2000;

const CONFIG_DIR = '/etc/cloudflared/config';
const CREDS_DIR = '/etc/cloudflared/creds';

/** The Secret a locally-managed tunnel reads when neither the spec nor the module names one. */
export const DEFAULT_CREDENTIALS = { secret: 'cloudflared-credentials', key: 'credentials.json' } as const;

const hostname = z
  .string()
  .max(253)
  .regex(/^(\*\.)?([a-z0-9]([-a-z0-9]*[a-z0-9])?)(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)+$/)
  .describe('A DNS name such as ssh.example.com (a leading "*." is allowed).');

const origin = z
  .string()
  .regex(/^((https?|tcp|ssh|rdp|smb):\/\/[^\s/]+(:[0-9]{1,5})?(\/\S*)?|unix:\/\S+|http_status:[1-5][0-9]{2}|hello_world)$/)
  .describe('A cloudflared origin: http(s)://host:port, tcp://, ssh://, rdp://, smb://, unix:/path or http_status:NNN.');

const Config = z.strictObject({
  tunnel: z
    .string()
    .min(1)
    .max(128)
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/)
    .optional()
    .describe('Tunnel name or UUID. Default: remoteAccess.tunnel when remoteAccess.type is cloudflare-tunnel, else the app name.'),
  credentials: z
    .strictObject({
      secret: objectName.describe('Secret in the app namespace holding the tunnel credentials JSON.'),
      key: boundedSecretKey.describe('Key inside the Secret.'),
    })
    .optional()
    .describe('Default: remoteAccess.credentials, else Secret cloudflared-credentials, key credentials.json.'),
  routes: z
    .array(z.strictObject({ hostname, service: origin }))
    .default([])
    .describe('Extra ingress rules (SSH, TCP, hosts outside the lab), placed after the rules generated for public apps.'),
  protocol: z.enum(['auto', 'quic', 'http2']).default('auto').describe('Transport to the Cloudflare edge.'),
  logLevel: z.enum(['debug', 'info', 'warn', 'error', 'fatal']).default('info'),
});

export type CloudflaredConfig = z.output<typeof Config>;

/**
 * The in-cluster HTTPS endpoint of the lab's ingress controller: the Traefik
 * chart's Service is `traefik` (release `traefik`), K3s' bundled Traefik is
 * `traefik` in kube-system, the ingress-nginx chart's is `ingress-nginx-controller`.
 */
export function ingressService(lab: LabModel): { host: string; namespace: string } | undefined {
  const ing = lab.ingress;
  if (!ing) return undefined;
  const name = ing.controller === 'traefik' ? 'traefik' : 'ingress-nginx-controller';
  return { host: `${name}.${ing.namespace}.svc.cluster.local`, namespace: ing.namespace };
}

interface Rule {
  hostname?: string;
  service: string;
  originRequest?: Record<string, JsonValue>;
}

/**
 * One rule per public app, sorted by host: the tunnel hands the request to
 * the ingress controller, which routes by Host/SNI as for LAN traffic. With a
 * TLS issuer the origin is HTTPS and its certificate is verified against the
 * app's host; without one the ingress only serves HTTP, so the rule does too.
 */
export function publicRoutes(lab: LabModel, self?: string): Rule[] {
  const svc = ingressService(lab);
  if (!svc) return [];
  const apps = lab.apps.filter((a): a is AppModel & { host: string } => a.expose === 'public' && !!a.host && a.name !== self);
  return apps
    .sort((a, b) => a.host.localeCompare(b.host))
    .map((a): Rule =>
      a.issuer
        ? { hostname: a.host, service: `https://${svc.host}:443`, originRequest: { noTLSVerify: false, originServerName: a.host } }
        : { hostname: a.host, service: `http://${svc.host}:80`, originRequest: { httpHostHeader: a.host } },
    );
}

function tunnelOf(lab: LabModel, c: CloudflaredConfig, app: string): string {
  const ra = lab.spec.remoteAccess;
  return c.tunnel ?? (ra.type === 'cloudflare-tunnel' ? ra.tunnel : app);
}

function credentialsOf(lab: LabModel, c: CloudflaredConfig): { secret: string; key: string } {
  const ra = lab.spec.remoteAccess;
  return c.credentials ?? (ra.type === 'cloudflare-tunnel' && ra.credentials ? ra.credentials : DEFAULT_CREDENTIALS);
}

/**
 * cloudflared for a locally-managed Cloudflare Tunnel: config.yml in a
 * ConfigMap with ingress rules generated from the lab's public apps, the
 * credentials JSON from an existing Secret, two replicas spread over nodes.
 */
export default defineModule({
  name: 'cloudflared',
  kind: 'app',
  summary: 'Cloudflare Tunnel connector: routes every public app through the ingress controller, no open ports',
  layer: 'apps',
  dir: 'cloudflared',
  config: Config,
  app: () => ({
    expose: 'internal',
    volumes: [],
    resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { memory: '256Mi' } },
    replicas: 2,
    egressInternet: true,
  }),
  render: (ctx) => {
    const app = ctx.component.app!;
    const c = ctx.config as CloudflaredConfig;
    const { lab } = ctx;
    const name = `${app.name}-tunnel`;
    const selector = selectorLabels('cloudflared', app.name);
    const creds = credentialsOf(lab, c);
    const rules: Rule[] = [...publicRoutes(lab, app.name), ...c.routes.map((r) => ({ hostname: r.hostname, service: r.service })), { service: 'http_status:404' }];
    const configYaml = toYaml({
      tunnel: tunnelOf(lab, c, app.name),
      'credentials-file': `${CREDS_DIR}/credentials.json`,
      'no-autoupdate': true,
      protocol: c.protocol,
      loglevel: c.logLevel,
      ingress: rules as unknown as JsonValue,
    });
    const manifests: Manifest[] = [
      configMap(ctx, `${app.name}-config`, { 'config.yml': configYaml }),
      deployment(ctx, {
        name,
        component: 'tunnel',
        selector,
        replicas: app.replicas,
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
        podAnnotations: { 'checksum/config': sha256(configYaml) },
        pod: {
          automountServiceAccountToken: false,
          securityContext: nonRootPod(CLOUDFLARED_UID, CLOUDFLARED_UID),
          affinity: {
            podAntiAffinity: {
              preferredDuringSchedulingIgnoredDuringExecution: [
                { weight: 100, podAffinityTerm: { topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: selector } } },
              ],
            },
          },
          ...nodeSelectorOf(app.nodeSelector),
          containers: [
            {
              name: 'cloudflared',
              image: CLOUDFLARED_IMAGE,
              args: ['tunnel', '--config', `${CONFIG_DIR}/config.yml`, '--metrics', `0.0.0.0:${METRICS_PORT}`, '--no-autoupdate', 'run'],
              ports: [containerPort('metrics', METRICS_PORT)],
              readinessProbe: { httpGet: { path: '/ready', port: 'metrics' }, initialDelaySeconds: 5, periodSeconds: 10 },
              livenessProbe: { httpGet: { path: '/ready', port: 'metrics' }, initialDelaySeconds: 20, periodSeconds: 10, failureThreshold: 6 },
              resources: { requests: app.resources.requests, limits: app.resources.limits },
              securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
              volumeMounts: [
                { name: 'config', mountPath: CONFIG_DIR, readOnly: true },
                { name: 'credentials', mountPath: CREDS_DIR, readOnly: true },
              ],
            },
          ],
          volumes: [
            { name: 'config', configMap: { name: `${app.name}-config` } },
            { name: 'credentials', secret: { secretName: creds.secret, items: [{ key: creds.key, path: 'credentials.json' }] } },
          ],
        },
      }),
    ];
    if (app.replicas > 1) {
      manifests.push({
        file: 'pdb',
        object: { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: meta(ctx, name, 'tunnel'), spec: { minAvailable: 1, selector: { matchLabels: selector } } },
      });
    }
    if (lab.monitoringNamespace) {
      manifests.push(
        service(ctx, { file: 'metrics', name: `${app.name}-metrics`, component: 'metrics', selector, ports: [servicePort('metrics', METRICS_PORT)] }),
        {
          file: 'metrics',
          object: {
            apiVersion: 'monitoring.coreos.com/v1',
            kind: 'ServiceMonitor',
            metadata: meta(ctx, `${app.name}-metrics`, 'metrics'),
            spec: {
              selector: { matchLabels: { 'app.kubernetes.io/instance': app.name, 'app.kubernetes.io/component': 'metrics' } },
              endpoints: [{ port: 'metrics', path: '/metrics', interval: '30s' }],
            },
          },
        },
      );
    }
    // Under default-deny the app policy allows internet egress but not private
    // addresses; the ingress controller is one. Traefik listens on 8443 behind
    // its Service port 443, ingress-nginx on 443 (80/8000 without TLS).
    const svc = ingressService(lab);
    if (svc && defaultDeny(lab, app.namespace)) {
      manifests.push(
        networkPolicy(ctx, `${app.name}-to-ingress`, {
          podSelector: instancePods(app.name),
          policyTypes: ['Egress'],
          egress: [{ to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': svc.namespace } } }], ports: tcpPorts([80, 443, 8000, 8443]) }],
        }),
      );
    }
    return { manifests };
  },
});
