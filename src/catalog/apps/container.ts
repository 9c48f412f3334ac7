import { z } from 'zod';
import { defineModule, type Manifest } from '../types.js';
import { meta } from '../meta.js';
import { selectorLabels } from '../../lib/k8s.js';

const name = z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/).max(63);

const Config = z.strictObject({
  image: z
    .string()
    .regex(/^[a-z0-9][a-z0-9._\-/]*(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(@sha256:[a-f0-9]{64})?$/)
    .refine((s) => /:[^/]+$/.test(s) || s.includes('@sha256:'), 'pin the image with a tag or a digest')
    .describe('Container image with a tag or digest: ghcr.io/owner/bot:1.4.2'),
  ports: z
    .array(
      z.strictObject({
        name: z.string().regex(/^[a-z]([-a-z0-9]{0,13}[a-z0-9])?$/).describe('IANA_SVC_NAME: up to 15 characters'),
        port: z.number().int().min(1).max(65535),
        protocol: z.enum(['TCP', 'UDP']).default('TCP'),
      }),
    )
    .default([]),
  web: z.string().optional().describe('Name of the port the ingress routes to. Default: "http", else the first port.'),
  env: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/), z.string()).default({}).describe('Plain settings (never secrets: use envFromSecrets).'),
  envFromSecrets: z.array(name).default([]).describe('Secrets whose keys become environment variables.'),
  command: z.array(z.string()).optional(),
  args: z.array(z.string()).optional(),
  volumes: z
    .array(
      z.strictObject({
        name: name,
        mountPath: z.string().startsWith('/'),
        size: z.string().regex(/^[0-9]+(\.[0-9]+)?(Ki|Mi|Gi|Ti)$/).default('1Gi'),
        accessMode: z.enum(['ReadWriteOnce', 'ReadWriteMany']).default('ReadWriteOnce'),
      }),
    )
    .default([]),
  healthPath: z.string().startsWith('/').optional().describe('HTTP path for readiness and liveness probes on the web port.'),
  runAsUser: z.number().int().min(0).optional(),
  runAsGroup: z.number().int().min(0).optional(),
  fsGroup: z.number().int().min(0).optional(),
  egressInternet: z.boolean().default(false).describe('Allow outbound internet traffic under default-deny policies.'),
});

export type ContainerConfig = z.output<typeof Config>;

/** Names of env vars that must not carry literal values. */
export const SECRET_ENV = /(PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|CREDENTIALS?)/i;

function webPort(c: ContainerConfig) {
  return c.ports.find((p) => p.name === (c.web ?? 'http')) ?? (c.web ? undefined : c.ports[0]);
}

/** The generic module for the lab's own services: one image, its ports, env and volumes. */
export default defineModule({
  name: 'container',
  kind: 'app',
  summary: 'Any container image: Deployment, Service, ConfigMap, PVCs (the lab\'s own services)',
  layer: 'apps',
  dir: 'container',
  config: Config,
  app: (c) => {
    const web = webPort(c);
    return {
      expose: web ? 'lan' : 'internal',
      web: web && web.protocol === 'TCP' ? { service: (app) => `${app}-server`, port: web.port } : undefined,
      volumes: c.volumes.map((v) => ({ name: v.name, size: v.size, mountPath: v.mountPath, accessMode: v.accessMode })),
      resources: { requests: { cpu: '50m', memory: '128Mi' }, limits: { memory: '512Mi' } },
      replicas: 1,
      egressInternet: c.egressInternet,
    };
  },
  render: (ctx) => {
    const app = ctx.component.app!;
    const c = ctx.config as ContainerConfig;
    const server = `${app.name}-server`;
    const selector = selectorLabels('container', app.name);
    const manifests: Manifest[] = [];
    const envNames = Object.keys(c.env).sort();
    if (envNames.length > 0) {
      manifests.push({
        file: 'configmap',
        object: { apiVersion: 'v1', kind: 'ConfigMap', metadata: meta(ctx, `${app.name}-config`, 'config'), data: Object.fromEntries(envNames.map((k) => [k, c.env[k]])) },
      });
    }
    const envFrom = [
      ...(envNames.length > 0 ? [{ configMapRef: { name: `${app.name}-config` } }] : []),
      ...c.envFromSecrets.map((s) => ({ secretRef: { name: s } })),
    ];
    const web = webPort(c);
    const probe = web
      ? c.healthPath && web.protocol === 'TCP'
        ? { httpGet: { path: c.healthPath, port: web.name } }
        : web.protocol === 'TCP'
          ? { tcpSocket: { port: web.name } }
          : undefined
      : undefined;
    const limits: Record<string, string> = { ...(app.resources.limits as Record<string, string>) };
    if (app.gpu) limits['nvidia.com/gpu'] = '1';
    const container: Record<string, unknown> = {
      name: app.name,
      image: c.image,
      ...(c.command ? { command: c.command } : {}),
      ...(c.args ? { args: c.args } : {}),
      ...(c.ports.length ? { ports: c.ports.map((p) => ({ name: p.name, containerPort: p.port, protocol: p.protocol })) } : {}),
      ...(envFrom.length ? { envFrom } : {}),
      resources: { requests: app.resources.requests, limits },
      securityContext: {
        allowPrivilegeEscalation: false,
        ...(c.runAsUser !== undefined && c.runAsUser > 0 ? { runAsNonRoot: true, runAsUser: c.runAsUser } : {}),
        ...(c.runAsGroup !== undefined ? { runAsGroup: c.runAsGroup } : {}),
        seccompProfile: { type: 'RuntimeDefault' },
      },
      ...(probe ? { readinessProbe: { ...probe, periodSeconds: 10 }, livenessProbe: { ...probe, periodSeconds: 30, failureThreshold: 5 } } : {}),
      ...(app.volumes.length ? { volumeMounts: app.volumes.map((v) => ({ name: v.name, mountPath: v.mountPath })) } : {}),
    };
    const rwo = app.volumes.some((v) => v.accessMode === 'ReadWriteOnce');
    manifests.push({
      file: 'deployment',
      object: {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: meta(ctx, server, 'server'),
        spec: {
          replicas: app.replicas,
          // A ReadWriteOnce volume cannot attach to the old and the new pod at once.
          strategy: { type: rwo ? 'Recreate' : 'RollingUpdate' },
          selector: { matchLabels: selector },
          template: {
            metadata: { labels: { ...selector, 'app.kubernetes.io/component': 'server', 'app.kubernetes.io/part-of': ctx.lab.name } },
            spec: {
              automountServiceAccountToken: false,
              ...(c.fsGroup !== undefined ? { securityContext: { fsGroup: c.fsGroup } } : {}),
              ...(Object.keys(app.nodeSelector).length ? { nodeSelector: app.nodeSelector } : {}),
              ...(app.gpu ? { runtimeClassName: 'nvidia', tolerations: [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }] } : {}),
              containers: [container],
              ...(app.volumes.length ? { volumes: app.volumes.map((v) => ({ name: v.name, persistentVolumeClaim: { claimName: v.claim } })) } : {}),
            },
          },
        },
      },
    });
    if (c.ports.length > 0) {
      manifests.push({
        file: 'service',
        object: {
          apiVersion: 'v1',
          kind: 'Service',
          metadata: meta(ctx, server, 'server'),
          spec: { type: 'ClusterIP', selector, ports: c.ports.map((p) => ({ name: p.name, port: p.port, targetPort: p.name, protocol: p.protocol })) },
        },
      });
    }
    return { manifests };
  },
});
