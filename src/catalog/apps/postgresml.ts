import { z } from 'zod';
import { defineModule, type Manifest, type SecretRequest } from '../types.js';
import { selectorLabels } from '../../lib/k8s.js';
import { claimVolumes, configMap, dataChecksum, gpuLimits, gpuNodeSelector, nodeSelectorOf, nvidiaNodes, nvidiaRuntime, pinnedImageNotLatest, secretEnv, service, statefulSet } from './_shared.js';

/**
 * Seed 000, Decision 4: PostgresML (the `pgml` extension, pgvector and the
 * dashboard in one image). Pin and status: docs/catalog/postgresml.md.
 *
 * UNMAINTAINED UPSTREAM. The company behind it ran out of money in 2025
 * (postgresml/postgresml#1688: "postgresml.org is down indefinitely"), the
 * last release's image build failed (#1680, open) and its sibling pgcat was
 * abandoned (postgresml/pgcat#948). 2.10.0 is the newest tag with evidence
 * that it was pulled; the official quick start (stored copy) shows 2.9.4.
 *
 * The image is a development image: its entrypoint starts PostgreSQL as root
 * with `service postgresql start`, creates the superuser `postgresml` with
 * the password `postgresml`, starts the dashboard and then runs its
 * arguments (`exec "$@"`, nothing to keep it alive without them), and its
 * pg_hba.conf trusts every address (`host all all 0.0.0.0/0 trust`). The
 * scripts below make it fit for a cluster: hearth's pg_hba.conf, the
 * password from a Secret, a seeded data volume and a clean stop.
 */
export const POSTGRESML_IMAGE = 'ghcr.io/postgresml/postgresml:2.10.0';
export const POSTGRESML_PORT = 5432;
/** The dashboard (Rocket's default port; `ROCKET_ADDRESS=0.0.0.0` in the image's dashboard.sh). */
export const POSTGRESML_DASHBOARD_PORT = 8000;
export const POSTGRESML_STATUS =
  'UNMAINTAINED UPSTREAM: the company shut down in 2025 and the last image build failed; prefer postgresql with pgvector: true for vectors';
const DATA = '/var/lib/postgresql';
const HEARTH = '/etc/hearth';
const MODULE = 'postgresml';

const Config = z.strictObject({
  image: pinnedImageNotLatest
    .default(POSTGRESML_IMAGE)
    .describe('PostgresML image, pinned. Another tag or your own build must keep the upstream layout (/app/entrypoint.sh, /etc/postgresql/<major>/main).'),
  dashboard: z
    .boolean()
    .default(false)
    .describe('Run the dashboard on port 8000 (SQL notebooks as the postgresml superuser, no login of its own). Off: hearth stops the image from starting it.'),
  pgvector: z.boolean().default(true).describe('CREATE EXTENSION vector in the postgresml database (the image builds pgvector in).'),
  egressInternet: z
    .boolean()
    .default(true)
    .describe('Outbound internet under default-deny: pgml.embed/transform download Hugging Face models on first use.'),
});

export type PostgresmlConfig = z.output<typeof Config>;

export function postgresmlService(app: string): string {
  return app;
}

export function postgresmlSuperuserSecret(app: string): string {
  return `${app}-superuser`;
}

/** Replaces the image's pg_hba.conf (which trusts 0.0.0.0/0): passwords from outside the pod, trust only on loopback. */
export const PG_HBA = [
  '# hearth: replaces the PostgresML image\'s pg_hba.conf, which trusts every address.',
  '# Loopback stays trusted: the image\'s entrypoint and dashboard log in as postgresml/postgresml over 127.0.0.1.',
  'local   all   postgres                   peer',
  'local   all   all                        peer',
  'host    all   all        127.0.0.1/32    trust',
  'host    all   all        ::1/128         trust',
  'host    all   all        0.0.0.0/0       scram-sha-256',
  'host    all   all        ::/0            scram-sha-256',
  '',
].join('\n');

/** Runs first (as root, before the server starts), then hands over to the image's entrypoint. */
export function startScript(c: Pick<PostgresmlConfig, 'dashboard'>): string {
  return [
    '#!/bin/bash',
    'set -euo pipefail',
    'found=0',
    'for f in /etc/postgresql/*/main/pg_hba.conf; do',
    '  [ -e "$f" ] || continue',
    `  cat ${HEARTH}/pg_hba.conf > "$f"`,
    '  found=1',
    'done',
    'if [ "$found" -ne 1 ]; then',
    '  echo "hearth: no /etc/postgresql/*/main/pg_hba.conf in this image; refusing to start with its defaults" >&2',
    '  exit 1',
    'fi',
    ...(c.dashboard
      ? []
      : ['# The entrypoint starts the dashboard unconditionally: make it a no-op.', "printf '#!/bin/bash\\nexit 0\\n' > /app/dashboard.sh"]),
    `exec bash /app/entrypoint.sh bash ${HEARTH}/serve.sh`,
    '',
  ].join('\n');
}

/** Runs after the entrypoint (server up, postgresml role created): password, extensions, then wait and stop cleanly. */
export function serveScript(c: Pick<PostgresmlConfig, 'pgvector'>): string {
  return [
    '#!/bin/bash',
    'set -euo pipefail',
    '# shellcheck disable=SC2317 # stop runs from the trap',
    'stop() {',
    '  echo "hearth: stopping PostgreSQL"',
    '  rm -f /tmp/hearth-ready',
    '  service postgresql stop || true',
    '  exit 0',
    '}',
    'trap stop TERM INT',
    "psql -h 127.0.0.1 -p 5432 -U postgresml -d postgresml -v ON_ERROR_STOP=1 --no-psqlrc -q <<'SQL'",
    '\\getenv superuser_password POSTGRESML_PASSWORD',
    "ALTER ROLE postgresml WITH PASSWORD :'superuser_password';",
    '\\unset superuser_password',
    'CREATE EXTENSION IF NOT EXISTS pgml;',
    ...(c.pgvector ? ['CREATE EXTENSION IF NOT EXISTS vector;'] : []),
    'SQL',
    'touch /tmp/hearth-ready',
    'echo "hearth: PostgresML is ready"',
    'while pg_isready -q -h 127.0.0.1 -p 5432; do',
    '  sleep 10 &',
    '  wait $! || true',
    'done',
    'echo "hearth: PostgreSQL is no longer running" >&2',
    'exit 1',
    '',
  ].join('\n');
}

/**
 * Kubernetes does not copy image content into an empty volume the way a
 * Docker named volume does, and the image's cluster lives under
 * /var/lib/postgresql/<major>/main: copy it once, never over existing data.
 */
export const SEED_SCRIPT = [
  'if [ -n "$(find /seed -mindepth 1 -maxdepth 1 ! -name lost+found -print -quit)" ]; then',
  '  echo "hearth: the data volume is already initialised"',
  '  exit 0',
  'fi',
  'echo "hearth: copying the image\'s PostgreSQL cluster to the data volume"',
  `cp -a ${DATA}/. /seed/`,
].join('\n');

export default defineModule<PostgresmlConfig>({
  name: MODULE,
  kind: 'app',
  summary: `PostgresML 2.10.0: PostgreSQL with the pgml extension and pgvector (StatefulSet, data volume, optional dashboard). ${POSTGRESML_STATUS}`,
  layer: 'apps',
  dir: 'postgresml',
  config: Config,
  app: (c) => ({
    expose: 'internal',
    web: c.dashboard ? { service: postgresmlService, port: POSTGRESML_DASHBOARD_PORT } : undefined,
    // Database files and the Hugging Face model cache (the postgres user's home is /var/lib/postgresql).
    volumes: [{ name: 'data', size: '50Gi', mountPath: DATA, accessMode: 'ReadWriteOnce', content: 'database' }],
    resources: { requests: { cpu: '500m', memory: '2Gi' }, limits: { memory: '8Gi' } },
    replicas: 1,
    egressInternet: c.egressInternet,
  }),
  render: (ctx) => {
    const app = ctx.component.app!;
    const c = ctx.config;
    const server = { ...selectorLabels(MODULE, app.name), 'app.kubernetes.io/component': 'server' };
    const superuser = postgresmlSuperuserSecret(app.name);
    const gpu = app.gpu && nvidiaNodes(ctx.lab).length > 0;
    const nodeSelector = gpu ? gpuNodeSelector(ctx.lab, app) : app.nodeSelector;
    const data = { 'pg_hba.conf': PG_HBA, 'start.sh': startScript(c), 'serve.sh': serveScript(c) };
    const status = { 'hearth.dev/upstream-status': POSTGRESML_STATUS };
    const ports = [
      { name: 'postgres', containerPort: POSTGRESML_PORT, protocol: 'TCP' },
      ...(c.dashboard ? [{ name: 'dashboard', containerPort: POSTGRESML_DASHBOARD_PORT, protocol: 'TCP' }] : []),
    ];
    const servicePorts = ports.map((p) => ({ name: p.name, port: p.containerPort, targetPort: p.name, protocol: 'TCP' }));
    // Root start (service, sudo, useradd in the entrypoint) keeps the default capabilities; raw sockets are dropped.
    const containerSecurity = { allowPrivilegeEscalation: false, capabilities: { drop: ['NET_RAW'] } };
    const ready = { exec: { command: ['sh', '-c', 'test -e /tmp/hearth-ready && pg_isready -q -h 127.0.0.1 -p 5432'] } };

    const secrets: SecretRequest[] = [
      { namespace: app.namespace, name: superuser, keys: { password: { generate: { length: 32 } } }, plain: { username: 'postgresml' } },
    ];
    const manifests: Manifest[] = [
      configMap(ctx, `${app.name}-config`, data),
      statefulSet(ctx, {
        name: app.name,
        annotations: status,
        serviceName: `${app.name}-headless`,
        selector: server,
        // One server on one ReadWriteOnce volume (spec replicas are ignored).
        replicas: 1,
        podAnnotations: { 'hearth.dev/config-checksum': dataChecksum(data) },
        pod: {
          automountServiceAccountToken: false,
          // No runAsUser: the image's entrypoint needs root (service, sudo -u postgres, useradd).
          securityContext: { seccompProfile: { type: 'RuntimeDefault' } },
          terminationGracePeriodSeconds: 60,
          ...nodeSelectorOf(nodeSelector),
          ...(gpu ? nvidiaRuntime() : {}),
          initContainers: [
            {
              name: 'seed-data',
              image: c.image,
              command: ['bash', '-ec', SEED_SCRIPT],
              resources: { requests: { cpu: '10m', memory: '32Mi' }, limits: { memory: '256Mi' } },
              securityContext: containerSecurity,
              volumeMounts: [{ name: 'data', mountPath: '/seed' }],
            },
          ],
          containers: [
            {
              name: 'postgresml',
              image: c.image,
              command: ['bash', `${HEARTH}/start.sh`],
              ports,
              env: [secretEnv('POSTGRESML_PASSWORD', superuser, 'password')],
              resources: { requests: app.resources.requests, limits: gpuLimits(app.resources.limits, gpu ? 1 : 0) },
              securityContext: containerSecurity,
              // First start: seeding, the entrypoint, CREATE EXTENSION pgml (loads the Python stack). Up to 15 minutes.
              startupProbe: { ...ready, periodSeconds: 10, failureThreshold: 90 },
              readinessProbe: { ...ready, periodSeconds: 10, timeoutSeconds: 5 },
              livenessProbe: { exec: { command: ['pg_isready', '-q', '-h', '127.0.0.1', '-p', String(POSTGRESML_PORT)] }, periodSeconds: 30, timeoutSeconds: 5, failureThreshold: 6 },
              volumeMounts: [
                { name: 'data', mountPath: DATA },
                { name: 'hearth', mountPath: HEARTH, readOnly: true },
                { name: 'shm', mountPath: '/dev/shm' },
              ],
            },
          ],
          volumes: [
            ...claimVolumes(app.volumes),
            { name: 'hearth', configMap: { name: `${app.name}-config` } },
            // PostgreSQL parallel workers and PyTorch use POSIX shared memory; the runtime default is 64Mi.
            { name: 'shm', emptyDir: { medium: 'Memory', sizeLimit: '1Gi' } },
          ],
        },
      }),
      service(ctx, { name: `${app.name}-headless`, selector: server, ports: servicePorts.slice(0, 1), headless: true }),
      service(ctx, { name: postgresmlService(app.name), selector: server, ports: servicePorts, annotations: status }),
    ];
    return { manifests, secrets };
  },
});
