import { z } from 'zod';
import { defineModule, type Manifest, type Need, type SecretRequest } from '../types.js';
import { meta } from '../meta.js';
import { selectorLabels } from '../../lib/k8s.js';
import type { AppModel, LabModel } from '../../model/types.js';
import { claimVolumes, containerPort, defaultDeny, networkPolicy, nodeSelectorOf, nonRootPod, secretEnv, service, servicePort, sha256, statefulSet, tcpPorts, volumeMounts } from './_shared.js';

/**
 * Pins: docs/research/app-charts.md §1 and §2.1 (raw StatefulSet option).
 * docker-library/postgres `18/alpine3.24/Dockerfile` sets PG_VERSION 18.6,
 * uid/gid 70 for `postgres`, `ENV PGDATA /var/lib/postgresql/18/docker` and
 * `VOLUME /var/lib/postgresql`; the Debian `18/trixie/Dockerfile` (the base of
 * the pgvector `-pg18-trixie` images) creates `postgres` as uid/gid 999.
 */
export const POSTGRES_IMAGE = 'postgres:18.6-alpine';
export const PGVECTOR_IMAGE = 'pgvector/pgvector:0.8.6-pg18-trixie';
export const POSTGRES_PORT = 5432;
/** PostgreSQL 18 images keep PGDATA at /var/lib/postgresql/18/docker: the volume goes on the parent. */
const DATA = '/var/lib/postgresql';
const UID = { alpine: 70, debian: 999 } as const;
const MODULE = 'postgresql';

/** Database, role and Secret-name safe: a DNS label (no `_`, Secret names forbid it). */
const dbName = z
  .string()
  .regex(/^[a-z]([-a-z0-9]*[a-z0-9])?$/, 'lowercase letters, digits and "-", starting with a letter')
  .max(50)
  .refine((s) => !['postgres', 'template0', 'template1'].includes(s), 'postgres, template0 and template1 are reserved');

const Config = z.strictObject({
  version: z.literal(18).default(18).describe('PostgreSQL major version. Only 18 for now (a major upgrade needs pg_upgrade or dump/restore).'),
  pgvector: z
    .boolean()
    .default(false)
    .describe('Run the pgvector image (Debian, uid 999) instead of postgres:18.6-alpine (uid 70). Decide before the first start: switching later changes the data owner and the C library (collations).'),
  extraDatabases: z
    .array(dbName)
    .default([])
    .refine((a) => new Set(a).size === a.length, 'database names must be unique')
    .describe('More databases, each with an owner role of the same name and a generated password (Secret <app>-<name>), for clients outside the lab spec.'),
});

export type PostgresConfig = z.output<typeof Config>;

/**
 * What a consumer module may put in its `needs` entry for PostgreSQL:
 * `{ module: 'postgresql', purpose: '...', extensions: ['vector'] }` asks for
 * `CREATE EXTENSION IF NOT EXISTS vector` in its database (needs `pgvector: true`).
 */
export type PostgresNeed = Need & { extensions?: readonly 'vector'[] };

export interface PostgresConnection {
  host: string;
  port: number;
  database: string;
  username: string;
  /** Secret `<consumer>-postgres` in the consumer's namespace: keys password, username, host, port, database. */
  secretName: string;
}

function provider(lab: LabModel, consumer: AppModel): AppModel {
  const name = consumer.links[MODULE];
  const p = name ? lab.apps.find((a) => a.name === name) : undefined;
  if (!p) throw new Error(`app "${consumer.name}" has no linked ${MODULE} app (declare needs: [{ module: '${MODULE}', ... }])`);
  return p;
}

export function postgresHost(app: AppModel): string {
  return `${app.name}.${app.namespace}.svc.cluster.local`;
}

/** Connection settings for a consumer whose `postgresql` need is linked (AppModel.links.postgresql). */
export function postgresConnection(lab: LabModel, consumer: AppModel): PostgresConnection {
  const p = provider(lab, consumer);
  return { host: postgresHost(p), port: POSTGRES_PORT, database: consumer.name, username: consumer.name, secretName: `${consumer.name}-postgres` };
}

/** The Secret (provider namespace) holding a consumer's or extra database's role password. */
export function roleSecretName(providerApp: string, role: string): string {
  return `${providerApp}-${role}`;
}

/** The server image and its postgres uid for a postgresql app's settings (backup jobs run pg_dump from the same image). */
export function serverImage(config: unknown): { image: string; uid: number } {
  const pgvector = (config as { pgvector?: boolean } | undefined)?.pgvector === true;
  return pgvector ? { image: PGVECTOR_IMAGE, uid: UID.debian } : { image: POSTGRES_IMAGE, uid: UID.alpine };
}

export function superuserSecretName(app: string): string {
  return `${app}-superuser`;
}

export interface Tenant {
  role: string;
  /** The consumer app, absent for extra databases. */
  consumer?: AppModel;
  vector: boolean;
}

/** Consumers of this instance (apps whose postgresql need links here) and the extra databases, sorted by role. */
function tenants(lab: LabModel, app: AppModel, c: PostgresConfig): Tenant[] {
  const out = new Map<string, Tenant>();
  for (const a of lab.apps.filter((x) => x.links[MODULE] === app.name)) {
    const needs = (a.traits.needs ?? []) as PostgresNeed[];
    const vector = needs.some((n) => n.module === MODULE && (n.extensions ?? []).includes('vector'));
    out.set(a.name, { role: a.name, consumer: a, vector });
  }
  for (const d of c.extraDatabases) if (!out.has(d)) out.set(d, { role: d, vector: false });
  return [...out.values()].sort((x, y) => x.role.localeCompare(y.role));
}

/** Identifiers and literals are DNS labels ([a-z0-9-]): safe to quote inline. */
const ident = (s: string) => `"${s}"`;
const literal = (s: string) => `'${s}'`;
const passwordEnv = (i: number) => `ROLE_PASSWORD_${i}`;

/**
 * The idempotent bootstrap: per tenant a login role (DO block), its password
 * from an environment variable (psql \getenv, never inline), an owned database
 * (SELECT ... \gexec) closed to other roles, then the requested extensions.
 */
export function bootstrapSql(list: Tenant[]): string {
  const lines = ['-- hearth: roles and databases of the shared PostgreSQL (safe to re-run)'];
  list.forEach((t, i) => {
    const r = t.role;
    lines.push(
      '',
      `-- ${r}${t.consumer ? ` (app ${t.consumer.name}, namespace ${t.consumer.namespace})` : ' (extra database)'}`,
      'DO $$',
      'BEGIN',
      `  IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = ${literal(r)}) THEN`,
      `    CREATE ROLE ${ident(r)} LOGIN;`,
      '  END IF;',
      'END',
      '$$;',
      `\\getenv role_password ${passwordEnv(i)}`,
      `ALTER ROLE ${ident(r)} WITH LOGIN PASSWORD :'role_password';`,
      '\\unset role_password',
      `SELECT 'CREATE DATABASE ${ident(r)} OWNER ${ident(r)}' WHERE NOT EXISTS (SELECT FROM pg_catalog.pg_database WHERE datname = ${literal(r)})\\gexec`,
      `ALTER DATABASE ${ident(r)} OWNER TO ${ident(r)};`,
      `REVOKE ALL ON DATABASE ${ident(r)} FROM PUBLIC;`,
    );
  });
  const vector = list.filter((t) => t.vector);
  if (vector.length) {
    lines.push('', '-- Extensions, last: a failure here leaves every role and database in place.');
    for (const t of vector) lines.push(`\\connect ${ident(t.role)}`, 'CREATE EXTENSION IF NOT EXISTS vector;');
  }
  return lines.join('\n') + '\n';
}

function shortHash(s: string): string {
  return sha256(s).slice(0, 8);
}

/** One shared PostgreSQL 18: StatefulSet, Services, and a bootstrap Job creating one role + database per consumer. */
export default defineModule({
  name: MODULE,
  kind: 'app',
  summary: 'Shared PostgreSQL 18 (StatefulSet, data volume, one role and database per consuming app via an idempotent Job; optional pgvector)',
  layer: 'apps',
  dir: 'postgresql',
  config: Config,
  app: () => ({
    expose: 'internal',
    // Persistent database files (PGDATA below it): the backup stage dumps this app, a file copy of a live volume is not a backup.
    volumes: [{ name: 'data', size: '20Gi', mountPath: DATA, accessMode: 'ReadWriteOnce', content: 'database' }],
    resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { memory: '1Gi' } },
    replicas: 1,
  }),
  check: ({ lab, app, config }) =>
    tenants(lab, app, config as PostgresConfig)
      .filter((t) => t.vector && !(config as PostgresConfig).pgvector)
      .map((t) => ({
        path: ['config', 'pgvector'],
        message: `app "${t.role}" needs the vector extension, and only the pgvector image has it`,
        hint: 'set config.pgvector: true (decide before the first start: the image changes the data owner)',
      })),
  render: (ctx) => {
    const app = ctx.component.app!;
    const c = ctx.config as PostgresConfig;
    const image = c.pgvector ? PGVECTOR_IMAGE : POSTGRES_IMAGE;
    const uid = c.pgvector ? UID.debian : UID.alpine;
    const server = { ...selectorLabels(MODULE, app.name), 'app.kubernetes.io/component': 'server' };
    const bootstrapLabels = { ...selectorLabels(MODULE, app.name), 'app.kubernetes.io/component': 'bootstrap' };
    const superuser = superuserSecretName(app.name);
    const list = tenants(ctx.lab, app, c);
    const containerSecurity = { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } };
    const isReady = (extra: Record<string, number>) => ({ exec: { command: ['pg_isready', '-U', 'postgres', '-h', '127.0.0.1', '-p', String(POSTGRES_PORT)] }, ...extra });

    const secrets: SecretRequest[] = [
      { namespace: app.namespace, name: superuser, keys: { password: { generate: { length: 32 } } }, plain: { username: 'postgres' } },
    ];
    for (const t of list) {
      const own = { namespace: app.namespace, name: roleSecretName(app.name, t.role) };
      secrets.push({ ...own, keys: { password: { generate: { length: 32 } } }, plain: { username: t.role } });
      if (t.consumer) {
        const conn = postgresConnection(ctx.lab, t.consumer);
        secrets.push({
          namespace: t.consumer.namespace,
          name: conn.secretName,
          keys: { password: { sameAs: { ...own, key: 'password' } } },
          plain: { username: conn.username, host: conn.host, port: String(conn.port), database: conn.database },
        });
      }
    }

    const ports = [servicePort('postgres', POSTGRES_PORT)];
    const manifests: Manifest[] = [
      statefulSet(ctx, {
        name: app.name,
        serviceName: `${app.name}-headless`,
        selector: server,
        // One writer on one ReadWriteOnce volume: never more than one pod (spec replicas are ignored).
        replicas: 1,
        pod: {
          automountServiceAccountToken: false,
          securityContext: nonRootPod(uid, uid, { fsGroup: true }),
          // Time for a checkpoint on shutdown (the image's STOPSIGNAL is SIGINT, fast shutdown).
          terminationGracePeriodSeconds: 60,
          ...nodeSelectorOf(app.nodeSelector),
          containers: [
            {
              name: 'postgres',
              image,
              ports: [containerPort('postgres', POSTGRES_PORT)],
              env: [{ name: 'POSTGRES_USER', value: 'postgres' }, secretEnv('POSTGRES_PASSWORD', superuser, 'password')],
              resources: { requests: app.resources.requests, limits: app.resources.limits },
              securityContext: containerSecurity,
              // initdb on first start, crash recovery after an unclean stop: up to 10 minutes.
              startupProbe: isReady({ periodSeconds: 5, failureThreshold: 120 }),
              readinessProbe: isReady({ periodSeconds: 10, timeoutSeconds: 5 }),
              livenessProbe: isReady({ periodSeconds: 30, timeoutSeconds: 5, failureThreshold: 6 }),
              volumeMounts: [...volumeMounts(app.volumes), { name: 'shm', mountPath: '/dev/shm' }],
            },
          ],
          volumes: [
            ...claimVolumes(app.volumes),
            // Parallel queries use POSIX shared memory; the runtime default /dev/shm is 64Mi.
            { name: 'shm', emptyDir: { medium: 'Memory', sizeLimit: '256Mi' } },
          ],
        },
      }),
      service(ctx, { name: `${app.name}-headless`, selector: server, ports, headless: true }),
      service(ctx, { name: app.name, selector: server, ports }),
    ];

    if (list.length > 0) {
      const sql = bootstrapSql(list);
      const script = [
        'i=0',
        'until pg_isready -q; do',
        '  i=$((i + 1))',
        '  if [ "$i" -ge 90 ]; then echo "PostgreSQL at $PGHOST is not ready" >&2; exit 1; fi',
        '  sleep 2',
        'done',
        "exec psql -v ON_ERROR_STOP=1 --no-psqlrc <<'SQL'",
        sql + 'SQL',
      ].join('\n');
      // A changed consumer list (or extension request) changes the script, the name, and so runs a new Job.
      const hash = shortHash(script);
      const base = `${app.name}-bootstrap`;
      const jobName = `${base.slice(0, 63 - hash.length - 1)}-${hash}`;
      manifests.push({
        file: 'bootstrap-job',
        object: {
          apiVersion: 'batch/v1',
          kind: 'Job',
          metadata: meta(ctx, jobName, 'bootstrap', { annotations: { 'hearth.dev/roles': list.map((t) => t.role).join(',') } }),
          spec: {
            backoffLimit: 6,
            // Removed a day after it finishes; a GitOps engine that re-creates it re-runs a script that changes nothing.
            ttlSecondsAfterFinished: 86400,
            template: {
              metadata: { labels: { ...bootstrapLabels, 'app.kubernetes.io/part-of': ctx.lab.name } },
              spec: {
                restartPolicy: 'Never',
                automountServiceAccountToken: false,
                securityContext: nonRootPod(uid, uid),
                containers: [
                  {
                    name: 'bootstrap',
                    image,
                    command: ['sh', '-ec', script],
                    env: [
                      { name: 'PGHOST', value: app.name },
                      { name: 'PGPORT', value: String(POSTGRES_PORT) },
                      { name: 'PGUSER', value: 'postgres' },
                      { name: 'PGDATABASE', value: 'postgres' },
                      secretEnv('PGPASSWORD', superuser, 'password'),
                      ...list.map((t, i) => secretEnv(passwordEnv(i), roleSecretName(app.name, t.role), 'password')),
                    ],
                    resources: { requests: { cpu: '10m', memory: '32Mi' }, limits: { memory: '128Mi' } },
                    securityContext: { ...containerSecurity, readOnlyRootFilesystem: true },
                    // The shell may back the here-document with a temporary file.
                    volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
                  },
                ],
                volumes: [{ name: 'tmp', emptyDir: { sizeLimit: '16Mi' } }],
              },
            },
          },
        },
      });
      // Under default-deny, the Job may reach the server (hearth's own policy only covers dependents).
      if (defaultDeny(ctx.lab, app.namespace)) {
        const port = tcpPorts([POSTGRES_PORT]);
        manifests.push(
          networkPolicy(
            ctx,
            `${app.name}-bootstrap-egress`,
            { podSelector: { matchLabels: bootstrapLabels }, policyTypes: ['Egress'], egress: [{ to: [{ podSelector: { matchLabels: server } }], ports: port }] },
            { file: 'network-policy-bootstrap' },
          ),
          networkPolicy(
            ctx,
            `${app.name}-bootstrap-ingress`,
            { podSelector: { matchLabels: server }, policyTypes: ['Ingress'], ingress: [{ from: [{ podSelector: { matchLabels: bootstrapLabels } }], ports: port }] },
            { file: 'network-policy-bootstrap' },
          ),
        );
      }
    }
    return { manifests, secrets };
  },
});
