import { z } from 'zod';
import { defineModule, type SecretRequest } from '../types.js';
import { selectorLabels } from '../../lib/k8s.js';
import { SecretRef } from '../../spec/schema.js';
import { postgresConnection } from './postgresql.js';
import { redisConnection } from './redis.js';
import { claimVolumes, configMap, containerPort, dataChecksum, deployment, nodeSelectorOf, pinnedImage, plainEnv, probes, secretEnv, service, servicePort, sortedData, timeZone, volumeMounts } from './_shared.js';

/**
 * Pin: docs/research/app-charts.md §1 and §2.6 (issue
 * BenoitAnastay/home-assistant-addons-repository#14, "Paperless-ngx v2.20.15";
 * seed 001 runs the same tag).
 */
export const PAPERLESS_IMAGE = 'ghcr.io/paperless-ngx/paperless-ngx:2.20.15';
export const PAPERLESS_PORT = 8000;
const ROOT = '/usr/src/paperless';
/**
 * Tesseract languages in the image (paperless-ngx docs/configuration.md,
 * PAPERLESS_OCR_LANGUAGES: "By default, paperless comes with English, German,
 * Italian, Spanish and French"). Others are installed with apt at start.
 */
export const BUILTIN_OCR_LANGUAGES = ['eng', 'deu', 'fra', 'ita', 'spa'] as const;

const id = z.number().int().min(1).max(65535);

const Config = z.strictObject({
  database: z
    .enum(['sqlite', 'postgres'])
    .default('sqlite')
    .describe('sqlite: a file on the data volume (seed 001). postgres: a database on the lab\'s postgresql app (role, database and password are created there).'),
  timezone: timeZone.default('UTC').describe('PAPERLESS_TIME_ZONE, an IANA zone: Europe/Berlin'),
  ocrLanguages: z
    .array(z.string().regex(/^[a-z]{3}(_[a-z]+)?$/, 'a Tesseract language code: eng, deu, chi_sim'))
    .min(1)
    .default(['eng'])
    .refine((a) => new Set(a).size === a.length, 'languages must be unique')
    .describe('PAPERLESS_OCR_LANGUAGE (joined with +). Languages other than eng, deu, fra, ita, spa are installed at start (PAPERLESS_OCR_LANGUAGES), which needs internet egress.'),
  admin: z
    .strictObject({
      user: z.string().regex(/^[\w.@+-]{1,150}$/).describe('PAPERLESS_ADMIN_USER'),
      passwordSecret: SecretRef.describe('PAPERLESS_ADMIN_PASSWORD from this Secret (same namespace).'),
      email: z.email().optional().describe('PAPERLESS_ADMIN_MAIL'),
    })
    .optional()
    .describe('Create this superuser at start when it does not exist (an existing user is never changed).'),
  secretKeySecret: SecretRef.optional().describe('PAPERLESS_SECRET_KEY from an existing Secret (moving an installation). Default: generated, Secret <app>-secret-key.'),
  uid: id.default(1000).describe('USERMAP_UID: the paperless user the services run as (owner of the volumes).'),
  gid: id.default(1000).describe('USERMAP_GID'),
  consumerPolling: z
    .number()
    .int()
    .min(0)
    .max(3600)
    .optional()
    .describe('Seconds between scans of the consume folder (0: inotify). Default: 30 when the consume volume is on NFS (no inotify there), else 0.'),
  egressInternet: z.boolean().default(false).describe('Allow outbound internet under default-deny (mail fetching, webhooks).'),
  env: plainEnv.describe('More plain Paperless settings (PAPERLESS_FILENAME_FORMAT, PAPERLESS_TASK_WORKERS, ...), applied last. Never secrets.'),
  image: pinnedImage.default(PAPERLESS_IMAGE).describe('Paperless-ngx image, pinned.'),
});

export type PaperlessConfig = z.output<typeof Config>;

/** OCR languages the image lacks, as Debian package suffixes (chi_sim → chi-sim). */
export function extraOcrPackages(c: Pick<PaperlessConfig, 'ocrLanguages'>): string[] {
  return c.ocrLanguages.filter((l) => !(BUILTIN_OCR_LANGUAGES as readonly string[]).includes(l)).map((l) => l.replaceAll('_', '-'));
}

export function paperlessService(app: string): string {
  return `${app}-server`;
}

/** Paperless-ngx document management: one pod (web, consumer, Celery worker and scheduler under s6), four volumes. */
export default defineModule({
  name: 'paperless',
  kind: 'app',
  summary: 'Paperless-ngx document management (Deployment, Service, ConfigMap, four volumes; Redis queue, SQLite or the shared PostgreSQL)',
  layer: 'apps',
  dir: 'paperless',
  config: Config,
  app: (c) => ({
    expose: 'lan',
    login: true,
    web: { service: paperlessService, port: PAPERLESS_PORT, maxBodySize: '0' }, // scanned documents
    volumes: [
      // The search index, and db.sqlite3 when there is no PostgreSQL.
      { name: 'data', size: '5Gi', mountPath: `${ROOT}/data`, content: c.database === 'sqlite' ? 'sqlite' : 'files' },
      { name: 'media', size: '50Gi', mountPath: `${ROOT}/media` },
      { name: 'consume', size: '5Gi', mountPath: `${ROOT}/consume` },
      { name: 'export', size: '10Gi', mountPath: `${ROOT}/export` },
    ],
    resources: { requests: { cpu: '250m', memory: '1Gi' }, limits: { memory: '2Gi' } },
    replicas: 1,
    egressInternet: c.egressInternet || extraOcrPackages(c).length > 0,
    needs: [
      { module: 'redis', purpose: 'a Redis task queue' },
      ...(c.database === 'postgres' ? [{ module: 'postgresql', purpose: 'a PostgreSQL database' }] : []),
    ],
  }),
  render: (ctx) => {
    const app = ctx.component.app!;
    const c = ctx.config as PaperlessConfig;
    const name = paperlessService(app.name);
    const selector = selectorLabels('paperless', app.name);
    const redis = redisConnection(ctx.lab, app);
    const pg = c.database === 'postgres' ? postgresConnection(ctx.lab, app) : undefined;
    const consume = app.volumes.find((v) => v.name === 'consume');
    const consumeOnNfs = ctx.lab.storageClasses.some((s) => s.name === consume?.storageClass && s.type === 'nfs');
    const polling = c.consumerPolling ?? (consumeOnNfs ? 30 : 0);
    const extras = extraOcrPackages(c);

    const settings: Record<string, string> = {
      PAPERLESS_TIME_ZONE: c.timezone,
      PAPERLESS_OCR_LANGUAGE: c.ocrLanguages.join('+'),
      // The container starts as root (s6-overlay init), fixes volume ownership and runs every service as this user.
      USERMAP_UID: String(c.uid),
      USERMAP_GID: String(c.gid),
      PAPERLESS_DBENGINE: pg ? 'postgresql' : 'sqlite',
    };
    if (app.url) settings.PAPERLESS_URL = app.url;
    if (extras.length) settings.PAPERLESS_OCR_LANGUAGES = extras.join(' ');
    if (!redis.passwordSecret) settings.PAPERLESS_REDIS = redis.url;
    if (pg) {
      Object.assign(settings, { PAPERLESS_DBHOST: pg.host, PAPERLESS_DBPORT: String(pg.port), PAPERLESS_DBNAME: pg.database, PAPERLESS_DBUSER: pg.username });
    }
    if (polling > 0) {
      // 2.x reads PAPERLESS_CONSUMER_POLLING; 3.x renamed it PAPERLESS_CONSUMER_POLLING_INTERVAL.
      settings.PAPERLESS_CONSUMER_POLLING = String(polling);
      settings.PAPERLESS_CONSUMER_POLLING_INTERVAL = String(polling);
    }
    if (c.admin) {
      settings.PAPERLESS_ADMIN_USER = c.admin.user;
      if (c.admin.email) settings.PAPERLESS_ADMIN_MAIL = c.admin.email;
    }
    Object.assign(settings, c.env);
    const data = sortedData(settings);
    const config = `${app.name}-config`;

    const secrets: SecretRequest[] = [];
    const secretKey = c.secretKeySecret ?? { secret: `${app.name}-secret-key`, key: 'secret-key' };
    if (!c.secretKeySecret) secrets.push({ namespace: app.namespace, name: secretKey.secret, keys: { [secretKey.key]: { generate: { length: 64 } } } });
    const env: Record<string, unknown>[] = [secretEnv('PAPERLESS_SECRET_KEY', secretKey.secret, secretKey.key)];
    if (redis.passwordSecret) {
      // $(REDIS_PASSWORD) is expanded by the kubelet from the variable above it.
      env.push(secretEnv('REDIS_PASSWORD', redis.passwordSecret.name, redis.passwordSecret.key));
      env.push({ name: 'PAPERLESS_REDIS', value: `redis://:$(REDIS_PASSWORD)@${redis.host}:${redis.port}` });
    }
    if (pg) env.push(secretEnv('PAPERLESS_DBPASS', pg.secretName, 'password'));
    if (c.admin) env.push(secretEnv('PAPERLESS_ADMIN_PASSWORD', c.admin.passwordSecret.secret, c.admin.passwordSecret.key));

    // With PAPERLESS_URL set, Django accepts only that host and localhost ("localhost is always allowed for docker healthcheck").
    const probe = { httpGet: { path: '/', port: 'http', httpHeaders: [{ name: 'Host', value: 'localhost' }] }, timeoutSeconds: 5 };
    const manifests = [
      configMap(ctx, config, data),
      deployment(ctx, {
        name,
        selector,
        // Web server, consumer, worker and scheduler share the volumes (and SQLite): one pod (spec replicas are ignored).
        replicas: 1,
        strategy: { type: 'Recreate' },
        // envFrom is read at start: a changed ConfigMap rolls the pod through this annotation.
        podAnnotations: { 'hearth.dev/config-checksum': dataChecksum(data) },
        pod: {
          automountServiceAccountToken: false,
          // No runAsUser: s6-overlay's init needs root to own /run (paperless-ngx#9609), then drops to USERMAP_UID.
          securityContext: { fsGroup: c.gid, fsGroupChangePolicy: 'OnRootMismatch', seccompProfile: { type: 'RuntimeDefault' } },
          ...nodeSelectorOf(app.nodeSelector),
          containers: [
            {
              name: 'paperless',
              image: c.image,
              ports: [containerPort('http', PAPERLESS_PORT)],
              envFrom: [{ configMapRef: { name: config } }],
              env,
              resources: { requests: app.resources.requests, limits: app.resources.limits },
              // Root init keeps the default capabilities it uses (chown, setuid/setgid); raw sockets are dropped.
              securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['NET_RAW'] } },
              // Migrations (and language installs) on start: up to 10 minutes.
              ...probes(probe, { periodSeconds: 10, failureThreshold: 60 }),
              volumeMounts: volumeMounts(app.volumes),
            },
          ],
          volumes: claimVolumes(app.volumes),
        },
      }),
      service(ctx, { name, selector, ports: [servicePort('http', PAPERLESS_PORT)] }),
    ];
    return { manifests, secrets };
  },
});
