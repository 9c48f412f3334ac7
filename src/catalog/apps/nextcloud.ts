import { z } from 'zod';
import { defineModule, type ChartRef, type SecretRequest } from '../types.js';
import { postgresConnection } from './postgresql.js';
import { redisConnection } from './redis.js';
import type { AppModel } from '../../model/types.js';
import { nodeSelectorOf, plainEnv, secretEnv } from './_shared.js';

/**
 * nextcloud/helm: chart 8.9.1 (docs/research/app-charts.md §1 and §2.10).
 * The image is the chart's default (`nextcloud:<appVersion>-apache`).
 */
export const NEXTCLOUD_CHART: ChartRef = {
  repo: 'https://nextcloud.github.io/helm/',
  repoName: 'nextcloud',
  chart: 'nextcloud',
  version: '8.9.1',
  evidence: 'docs/research/app-charts.md',
};

/**
 * The apache image listens on 80 (`nextcloud.containerPort`, chart default).
 * The Service uses the same number (`service.port`), so the port hearth's
 * NetworkPolicy opens to the ingress controller is the port the pod serves.
 */
export const NEXTCLOUD_PORT = 80;
/** www-data in the Debian-based official image; the chart's default pod fsGroup. */
const WWW_DATA = 33;

const cidr = z
  .string()
  .regex(/^(\d{1,3}\.){3}\d{1,3}\/\d{1,2}$/, 'an IPv4 CIDR: 10.42.0.0/16')
  .refine((s) => {
    const [ip, bits] = s.split('/');
    return ip.split('.').every((o) => Number(o) <= 255) && Number(bits) <= 32;
  }, 'octets 0-255, prefix 0-32');

const Config = z.strictObject({
  adminUser: z
    .string()
    .regex(/^[A-Za-z0-9_.@-]{1,64}$/, 'letters, digits and _ . @ -')
    .default('admin')
    .describe('Login of the admin account created at installation (Secret <app>-admin, key username). Its password is generated (key password).'),
  cron: z.boolean().default(true).describe('Background jobs every 5 minutes from a cron sidecar in the Nextcloud pod (chart cronjob.enabled). Nextcloud switches itself to "Cron" mode on the first run.'),
  trustedProxies: z
    .array(cidr)
    .min(1)
    .default(['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'])
    .describe('TRUSTED_PROXIES: where the ingress controller pods connect from. Nextcloud reads the client address from X-Forwarded-For only for these (brute-force protection, logs).'),
  egressInternet: z.boolean().default(true).describe('Outbound internet under default-deny: app store, update checks, federation, external storage.'),
  env: plainEnv.describe('More plain settings for the Nextcloud and cron containers (PHP_MEMORY_LIMIT, PHP_UPLOAD_LIMIT, NC_default_phone_region, ...). Never secrets.'),
});

export type NextcloudConfig = z.output<typeof Config>;

export function nextcloudAdminSecretName(app: string): string {
  return `${app}-admin`;
}

/** The host Nextcloud answers on: the ingress host, or the in-cluster Service name when not exposed. */
export function nextcloudHost(app: AppModel): string {
  return app.host ?? `${app.name}.${app.namespace}.svc.cluster.local`;
}

/** Nextcloud from the official chart on the lab's PostgreSQL and Redis; the chart's database, Redis and ingress off. */
export default defineModule({
  name: 'nextcloud',
  kind: 'app',
  summary: 'Nextcloud file sync and share (official chart) on the lab\'s PostgreSQL and Redis, cron sidecar, app and data volumes',
  layer: 'apps',
  dir: 'nextcloud',
  chart: NEXTCLOUD_CHART,
  config: Config,
  app: (c) => ({
    expose: 'lan',
    login: true,
    // fullnameOverride makes the chart's Service `<app>`.
    web: { service: (app) => app, port: NEXTCLOUD_PORT, maxBodySize: '0' }, // file uploads
    volumes: [
      // The chart mounts subfolders (html, config, custom_apps, themes, tmp, root) of this claim.
      { name: 'app', size: '10Gi', mountPath: '/var/www/html' },
      // persistence.nextcloudData: the user files, on their own claim (a larger, slower class fits).
      { name: 'data', size: '100Gi', mountPath: '/var/www/html/data' },
    ],
    resources: { requests: { cpu: '250m', memory: '512Mi' }, limits: { memory: '2Gi' } },
    replicas: 1,
    egressInternet: c.egressInternet,
    needs: [
      { module: 'postgresql', purpose: 'a PostgreSQL database' },
      { module: 'redis', purpose: 'a Redis cache for file locking' },
    ],
  }),
  render: (ctx) => {
    const app = ctx.component.app!;
    const c = ctx.config as NextcloudConfig;
    const pg = postgresConnection(ctx.lab, app);
    const redis = redisConnection(ctx.lab, app);
    const appVolume = app.volumes.find((v) => v.name === 'app')!;
    const dataVolume = app.volumes.find((v) => v.name === 'data')!;
    const host = nextcloudHost(app);
    const admin = nextcloudAdminSecretName(app.name);
    // TLS ends at the ingress: Nextcloud must build https links although it is served over http.
    const protocol = app.host && app.issuer ? 'https' : 'http';

    const env: Record<string, unknown>[] = [
      // Read by the image's redis.config.php (memcache.distributed and memcache.locking).
      { name: 'REDIS_HOST', value: redis.host },
      { name: 'REDIS_HOST_PORT', value: String(redis.port) },
    ];
    if (redis.passwordSecret) env.push(secretEnv('REDIS_HOST_PASSWORD', redis.passwordSecret.name, redis.passwordSecret.key));
    // Read by the image's reverse-proxy.config.php.
    env.push({ name: 'TRUSTED_PROXIES', value: c.trustedProxies.join(' ') });
    if (app.host) env.push({ name: 'OVERWRITECLIURL', value: `${protocol}://${app.host}` });
    for (const k of Object.keys(c.env).sort()) env.push({ name: k, value: c.env[k] });

    const probe = (extra: Record<string, number>) => ({ enabled: true, initialDelaySeconds: 0, timeoutSeconds: 5, successThreshold: 1, ...extra });
    const values: Record<string, unknown> = {
      // Objects are named after the app: Deployment and Service `<app>`.
      fullnameOverride: app.name,
      // Two ReadWriteOnce claims and the chart's Recreate strategy: one pod (spec replicas are ignored).
      replicaCount: 1,
      ingress: { enabled: false },
      service: { type: 'ClusterIP', port: NEXTCLOUD_PORT },
      phpClientHttpsFix: { enabled: protocol === 'https', protocol: 'https' },
      nextcloud: {
        host,
        trustedDomains: [host],
        containerPort: NEXTCLOUD_PORT,
        // The admin account from a Secret hearth requests; the chart then renders no Secret of its own.
        existingSecret: { enabled: true, secretName: admin, usernameKey: 'username', passwordKey: 'password' },
        extraEnv: env,
        podSecurityContext: { fsGroup: WWW_DATA, fsGroupChangePolicy: 'OnRootMismatch', seccompProfile: { type: 'RuntimeDefault' } },
        // The apache entrypoint starts as root (rsync of the code into the volume, bind to :80) and Apache drops to www-data.
        securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['NET_RAW'] } },
      },
      internalDatabase: { enabled: false },
      externalDatabase: {
        enabled: true,
        type: 'postgresql',
        host: `${pg.host}:${pg.port}`,
        database: pg.database,
        // Role and password from the Secret the postgresql module copies into this namespace.
        existingSecret: { enabled: true, secretName: pg.secretName, usernameKey: 'username', passwordKey: 'password' },
      },
      // Bundled Bitnami subcharts: never (docs/research/app-charts.md §2.1).
      postgresql: { enabled: false },
      mariadb: { enabled: false },
      redis: { enabled: false },
      persistence: {
        enabled: true,
        existingClaim: appVolume.claim,
        nextcloudData: { enabled: true, existingClaim: dataVolume.claim },
      },
      cronjob: {
        enabled: c.cron,
        ...(c.cron ? { resources: { requests: { cpu: '20m', memory: '128Mi' }, limits: { memory: '1Gi' } }, securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['NET_RAW'] } } } : {}),
      },
      resources: { requests: app.resources.requests, limits: app.resources.limits },
      // Installation and upgrades (occ upgrade) run before Apache answers: up to 20 minutes.
      startupProbe: probe({ periodSeconds: 10, failureThreshold: 120 }),
      readinessProbe: probe({ periodSeconds: 10, failureThreshold: 3 }),
      livenessProbe: probe({ periodSeconds: 30, failureThreshold: 5 }),
      metrics: { enabled: false },
      ...nodeSelectorOf(app.nodeSelector),
    };

    const secrets: SecretRequest[] = [
      { namespace: app.namespace, name: admin, keys: { password: { generate: { length: 32 } } }, plain: { username: c.adminUser } },
    ];
    return { values, manifests: [], secrets };
  },
});
