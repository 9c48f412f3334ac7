import { z } from 'zod';
import { defineModule, type SecretRequest } from '../types.js';
import { selectorLabels } from '../../lib/k8s.js';
import type { AppModel, LabModel } from '../../model/types.js';
import { containerPort, deployment, nodeSelectorOf, nonRootPod, pinnedImage, secretEnv, service, servicePort } from './_shared.js';

/**
 * Pin: docs/research/app-charts.md §1 and §2.2 (`redis:8.8.0-alpine`).
 * redis/docker-library-redis `alpine/Dockerfile`: `addgroup -S -g 1000 redis;
 * adduser -S -G redis -u 999 redis` (uid 999, gid 1000), `WORKDIR /data`,
 * EXPOSE 6379; its entrypoint drops privileges only when started as root, so a
 * pod that starts as 999 runs redis-server directly.
 */
export const REDIS_IMAGE = 'redis:8.8.0-alpine';
export const REDIS_PORT = 6379;
const UID = 999;
const GID = 1000;
const MODULE = 'redis';

const Config = z.strictObject({
  persistence: z
    .boolean()
    .default(true)
    .describe('Append-only file on a data volume (queues survive a restart). false: a pure in-memory cache, nothing written.'),
  auth: z
    .boolean()
    .default(false)
    .describe('Require a password (generated, Secret <app>-auth; consumers get a copy <consumer>-redis). Off by default: an in-cluster cache behind NetworkPolicies.'),
  image: pinnedImage.default(REDIS_IMAGE).describe('Redis image, pinned (an official redis:*-alpine tag: uid 999, gid 1000).'),
});

export type RedisConfig = z.output<typeof Config>;

export function redisHost(redisApp: AppModel): string {
  return `${redisApp.name}.${redisApp.namespace}.svc.cluster.local`;
}

function redisApp(lab: LabModel, app: AppModel | string): AppModel {
  if (typeof app !== 'string') return app;
  const a = lab.apps.find((x) => x.name === app && x.module === MODULE);
  if (!a) throw new Error(`no ${MODULE} app named "${app}"`);
  return a;
}

/** The in-cluster URL without credentials: `redis://<app>.<ns>.svc.cluster.local:6379`. */
export function redisUrl(lab: LabModel, app: AppModel | string): string {
  return `redis://${redisHost(redisApp(lab, app))}:${REDIS_PORT}`;
}

export interface RedisConnection {
  host: string;
  port: number;
  /** Without credentials. */
  url: string;
  /** With `auth: true`: the copy of the password in the consumer's namespace (Secret `<consumer>-redis`, key `password`). */
  passwordSecret?: { name: string; key: string };
}

/** Connection settings for a consumer whose `redis` need is linked (AppModel.links.redis). */
export function redisConnection(lab: LabModel, consumer: AppModel): RedisConnection {
  const name = consumer.links[MODULE];
  if (!name) throw new Error(`app "${consumer.name}" has no linked ${MODULE} app (declare needs: [{ module: '${MODULE}', ... }])`);
  const r = redisApp(lab, name);
  const auth = (r.config as RedisConfig).auth;
  return { host: redisHost(r), port: REDIS_PORT, url: redisUrl(lab, r), ...(auth ? { passwordSecret: { name: `${consumer.name}-redis`, key: 'password' } } : {}) };
}

export function redisAuthSecretName(app: string): string {
  return `${app}-auth`;
}

/** Redis as an in-cluster queue or cache: one pod, AOF on a data volume, optional password. */
export default defineModule({
  name: MODULE,
  kind: 'app',
  summary: 'Redis 8 for queues and caches (Deployment, Service, append-only file on a data volume, optional generated password)',
  layer: 'apps',
  dir: 'redis',
  config: Config,
  app: (c) => ({
    expose: 'internal',
    // Job queues and caches for the apps that use it: they rebuild what is lost.
    volumes: c.persistence ? [{ name: 'data', size: '2Gi', mountPath: '/data', accessMode: 'ReadWriteOnce', content: 'cache' }] : [],
    resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { memory: '512Mi' } },
    replicas: 1,
  }),
  render: (ctx) => {
    const app = ctx.component.app!;
    const c = ctx.config as RedisConfig;
    const selector = selectorLabels(MODULE, app.name);
    const auth = redisAuthSecretName(app.name);
    const secrets: SecretRequest[] = [];
    if (c.auth) {
      secrets.push({ namespace: app.namespace, name: auth, keys: { password: { generate: { length: 32 } } } });
      for (const consumer of ctx.lab.apps.filter((a) => a.links[MODULE] === app.name)) {
        const conn = redisConnection(ctx.lab, consumer);
        secrets.push({
          namespace: consumer.namespace,
          name: conn.passwordSecret!.name,
          keys: { password: { sameAs: { namespace: app.namespace, name: auth, key: 'password' } } },
          plain: { host: conn.host, port: String(conn.port) },
        });
      }
    }
    const args = c.persistence ? ['redis-server', '--appendonly', 'yes'] : ['redis-server', '--appendonly', 'no', '--save', ''];
    // $(REDIS_PASSWORD) is expanded by the kubelet from the env below; the value never enters the manifest.
    if (c.auth) args.push('--requirepass', '$(REDIS_PASSWORD)');
    // redis-cli reads REDISCLI_AUTH, so the probe authenticates without the password on its command line.
    const env = c.auth ? [secretEnv('REDIS_PASSWORD', auth, 'password'), secretEnv('REDISCLI_AUTH', auth, 'password')] : [];
    const ping = (extra: Record<string, number>) => ({ exec: { command: ['sh', '-c', 'redis-cli -p 6379 ping | grep -q PONG'] }, ...extra });
    const manifests = [
      deployment(ctx, {
        name: app.name,
        selector,
        // One writer per append-only file (spec replicas are ignored).
        replicas: 1,
        strategy: { type: 'Recreate' },
        pod: {
          automountServiceAccountToken: false,
          securityContext: nonRootPod(UID, GID, { fsGroup: true }),
          ...nodeSelectorOf(app.nodeSelector),
          containers: [
            {
              name: 'redis',
              image: c.image,
              args,
              ports: [containerPort('redis', REDIS_PORT)],
              ...(env.length ? { env } : {}),
              resources: { requests: app.resources.requests, limits: app.resources.limits },
              securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
              readinessProbe: ping({ periodSeconds: 10, timeoutSeconds: 3 }),
              // Loading a large append-only file takes a while after a restart.
              livenessProbe: ping({ initialDelaySeconds: 30, periodSeconds: 30, timeoutSeconds: 5, failureThreshold: 5 }),
              volumeMounts: [{ name: 'data', mountPath: '/data' }],
            },
          ],
          volumes: [c.persistence ? { name: 'data', persistentVolumeClaim: { claimName: app.volumes[0].claim } } : { name: 'data', emptyDir: { sizeLimit: '64Mi' } }],
        },
      }),
      service(ctx, { name: app.name, selector, ports: [servicePort('redis', REDIS_PORT)] }),
    ];
    return { manifests, ...(secrets.length ? { secrets } : {}) };
  },
});
