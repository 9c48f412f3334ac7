import { z } from 'zod';
import { defineModule, type Manifest } from '../types.js';
import { selectorLabels } from '../../lib/k8s.js';
import { SecretRef } from '../../spec/schema.js';
import { claimVolumes, configMap, containerPort, deployment, nodeSelectorOf, pinnedImage, plainEnv, probes, secretEnv, service, servicePort, sortedData, volumeMounts } from './_shared.js';

/** n8n's own registry (docs/research/app-charts.md §2.7: 2.20.6 is the better-evidenced pin). */
export const N8N_IMAGE = 'docker.n8n.io/n8nio/n8n:2.20.6';
export const N8N_PORT = 5678;
const DATA = '/home/node/.n8n';

const Postgres = z.strictObject({
  host: z.string().min(1).describe('PostgreSQL host: pg-shared-rw.databases.svc.cluster.local'),
  port: z.number().int().min(1).max(65535).default(5432),
  database: z.string().min(1).default('n8n'),
  user: z.string().min(1).default('n8n'),
  schema: z.string().min(1).default('public'),
  passwordSecret: SecretRef.describe('Where the database password lives.'),
});

const Config = z
  .strictObject({
    database: z.enum(['sqlite', 'postgres']).default('sqlite').describe('sqlite: a file on the data volume; postgres: an external database (settings under postgres:).'),
    postgres: Postgres.optional().describe('Connection settings for database: postgres.'),
    encryptionKeySecret: SecretRef.optional().describe('N8N_ENCRYPTION_KEY (encrypts stored credentials; must never change). Default: key N8N_ENCRYPTION_KEY of Secret <app>-secrets.'),
    timezone: z.string().regex(/^[A-Za-z_]+(\/[A-Za-z0-9_+-]+)*$/).default('UTC').describe('IANA zone for schedules (GENERIC_TIMEZONE, TZ): Europe/Berlin'),
    env: plainEnv.describe('More plain n8n settings (N8N_*, EXECUTIONS_*). Never secrets.'),
    image: pinnedImage.default(N8N_IMAGE).describe('n8n image, pinned.'),
  })
  .superRefine((c, ctx) => {
    if (c.database === 'postgres' && !c.postgres) ctx.addIssue({ code: 'custom', path: ['postgres'], message: 'database: postgres needs postgres: { host, passwordSecret, ... }' });
    if (c.database === 'sqlite' && c.postgres) ctx.addIssue({ code: 'custom', path: ['postgres'], message: 'postgres: settings are only read with database: postgres' });
  });

export type N8nConfig = z.output<typeof Config>;

export function n8nService(app: string): string {
  return `${app}-server`;
}

/** n8n workflow automation: one Deployment (SQLite on the data volume by default), Service, ConfigMap. */
export default defineModule({
  name: 'n8n',
  kind: 'app',
  summary: 'n8n workflow automation (Deployment, Service, ConfigMap, data volume; SQLite or external PostgreSQL)',
  layer: 'apps',
  dir: 'n8n',
  config: Config,
  app: () => ({
    expose: 'lan',
    login: true,
    web: { service: n8nService, port: N8N_PORT, maxBodySize: '16m' }, // n8n's default N8N_PAYLOAD_SIZE_MAX (16 MiB)
    volumes: [{ name: 'data', size: '5Gi', mountPath: DATA, content: 'sqlite' }], // encryption key, and database.sqlite without PostgreSQL
    resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { memory: '1Gi' } },
    replicas: 1,
    // Workflows call external APIs.
    egressInternet: true,
  }),
  render: (ctx) => {
    const app = ctx.component.app!;
    const c = ctx.config as N8nConfig;
    const name = n8nService(app.name);
    const selector = selectorLabels('n8n', app.name);
    const local = `${name}.${app.namespace}.svc.cluster.local`;
    const url = app.url ? new URL(app.url) : undefined;
    const settings: Record<string, string> = {
      N8N_PORT: String(N8N_PORT),
      N8N_HOST: url ? url.hostname : local,
      N8N_PROTOCOL: url ? url.protocol.replace(':', '') : 'http',
      WEBHOOK_URL: url ? `${url.origin}/` : `http://${local}:${N8N_PORT}/`,
      GENERIC_TIMEZONE: c.timezone,
      TZ: c.timezone,
      DB_TYPE: c.database === 'postgres' ? 'postgresdb' : 'sqlite',
    };
    if (url) {
      settings.N8N_EDITOR_BASE_URL = `${url.origin}/`;
      // One reverse proxy (the ingress controller) in front: trust its X-Forwarded-For.
      settings.N8N_PROXY_HOPS = '1';
    }
    // Without TLS in front, browsers drop n8n's secure session cookie.
    if (!url || url.protocol !== 'https:') settings.N8N_SECURE_COOKIE = 'false';
    if (c.database === 'postgres') {
      const p = c.postgres!;
      Object.assign(settings, {
        DB_POSTGRESDB_HOST: p.host,
        DB_POSTGRESDB_PORT: String(p.port),
        DB_POSTGRESDB_DATABASE: p.database,
        DB_POSTGRESDB_USER: p.user,
        DB_POSTGRESDB_SCHEMA: p.schema,
      });
    }
    Object.assign(settings, c.env);
    const key = c.encryptionKeySecret ?? { secret: `${app.name}-secrets`, key: 'N8N_ENCRYPTION_KEY' };
    const env: Record<string, unknown>[] = [secretEnv('N8N_ENCRYPTION_KEY', key.secret, key.key)];
    if (c.database === 'postgres') {
      const s = c.postgres!.passwordSecret;
      env.push(secretEnv('DB_POSTGRESDB_PASSWORD', s.secret, s.key));
    }
    const probe = { httpGet: { path: '/healthz', port: 'http' } };
    const manifests: Manifest[] = [
      configMap(ctx, `${app.name}-config`, sortedData(settings)),
      deployment(ctx, {
        name,
        selector,
        replicas: app.replicas,
        // SQLite and the ReadWriteOnce data volume allow one pod at a time.
        strategy: { type: 'Recreate' },
        pod: {
          automountServiceAccountToken: false,
          securityContext: { runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000, fsGroup: 1000, seccompProfile: { type: 'RuntimeDefault' } },
          ...nodeSelectorOf(app.nodeSelector),
          containers: [
            {
              name: 'n8n',
              image: c.image,
              ports: [containerPort('http', N8N_PORT)],
              envFrom: [{ configMapRef: { name: `${app.name}-config` } }],
              env,
              resources: { requests: app.resources.requests, limits: app.resources.limits },
              securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
              // First start runs database migrations.
              ...probes(probe, { periodSeconds: 5, failureThreshold: 60 }),
              volumeMounts: volumeMounts(app.volumes),
            },
          ],
          volumes: claimVolumes(app.volumes),
        },
      }),
      service(ctx, { name, selector, ports: [servicePort('http', N8N_PORT)] }),
    ];
    return { manifests };
  },
});
