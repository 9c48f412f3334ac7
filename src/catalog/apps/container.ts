import { z } from 'zod';
import { defineModule, type Manifest } from '../types.js';
import { selectorLabels } from '../../lib/k8s.js';
import { SECRET_ENV, claimVolumes, configMap, containerPort, deployment, gpuLimits, k8sName, nodeSelectorOf, nvidiaRuntime, pinnedImage, probes, service, servicePort, sortedData, volumeMounts } from './_shared.js';

/** Names of env vars that must not carry literal values (the model stage checks `env` settings with it). */
export { SECRET_ENV } from './_shared.js';

const Config = z.strictObject({
  image: pinnedImage.describe('Container image with a tag or digest: ghcr.io/owner/bot:1.4.2'),
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
  env: z
    .record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/), z.string())
    .default({})
    .superRefine((env, ctx) => {
      for (const [k, v] of Object.entries(env)) {
        if (SECRET_ENV.test(k) && v !== '') {
          ctx.addIssue({
            code: 'custom',
            path: [k],
            message: `"${k}" looks like a secret, and env values are written to git in plaintext`,
            params: { code: 'module-config', hint: 'put it in a Secret and list the Secret under envFromSecrets' },
          });
        }
      }
    })
    .describe('Plain settings (never secrets: use envFromSecrets).'),
  envFromSecrets: z.array(k8sName).default([]).describe('Secrets whose keys become environment variables.'),
  command: z.array(z.string()).optional(),
  args: z.array(z.string()).optional(),
  volumes: z
    .array(
      z.strictObject({
        name: k8sName,
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
    const hasEnv = Object.keys(c.env).length > 0;
    if (hasEnv) manifests.push(configMap(ctx, `${app.name}-config`, sortedData(c.env)));
    const envFrom = [
      ...(hasEnv ? [{ configMapRef: { name: `${app.name}-config` } }] : []),
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
    const container: Record<string, unknown> = {
      name: app.name,
      image: c.image,
      ...(c.command ? { command: c.command } : {}),
      ...(c.args ? { args: c.args } : {}),
      ...(c.ports.length ? { ports: c.ports.map((p) => containerPort(p.name, p.port, p.protocol)) } : {}),
      ...(envFrom.length ? { envFrom } : {}),
      resources: { requests: app.resources.requests, limits: gpuLimits(app.resources.limits, app.gpu ? 1 : 0) },
      securityContext: {
        allowPrivilegeEscalation: false,
        ...(c.runAsUser !== undefined && c.runAsUser > 0 ? { runAsNonRoot: true, runAsUser: c.runAsUser } : {}),
        ...(c.runAsGroup !== undefined ? { runAsGroup: c.runAsGroup } : {}),
        seccompProfile: { type: 'RuntimeDefault' },
      },
      ...(probe ? probes(probe) : {}),
      ...(app.volumes.length ? { volumeMounts: volumeMounts(app.volumes) } : {}),
    };
    const rwo = app.volumes.some((v) => v.accessMode === 'ReadWriteOnce');
    manifests.push(
      deployment(ctx, {
        name: server,
        selector,
        replicas: app.replicas,
        // A ReadWriteOnce volume cannot attach to the old and the new pod at once.
        strategy: { type: rwo ? 'Recreate' : 'RollingUpdate' },
        pod: {
          automountServiceAccountToken: false,
          ...(c.fsGroup !== undefined ? { securityContext: { fsGroup: c.fsGroup } } : {}),
          ...nodeSelectorOf(app.nodeSelector),
          ...(app.gpu ? nvidiaRuntime() : {}),
          containers: [container],
          ...(app.volumes.length ? { volumes: claimVolumes(app.volumes) } : {}),
        },
      }),
    );
    if (c.ports.length > 0) {
      manifests.push(service(ctx, { name: server, selector, ports: c.ports.map((p) => servicePort(p.name, p.port, p.protocol)) }));
    }
    return { manifests };
  },
});
