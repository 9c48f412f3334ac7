import { z } from 'zod';
import { defineModule, type Manifest, type SecretRequest } from '../types.js';
import { selectorLabels } from '../../lib/k8s.js';
import { redisConnection } from './redis.js';
import type { AppModel, LabModel } from '../../model/types.js';
import { configMap, containerPort, dataChecksum, defaultDeny, deployment, gpuScheduling, internetEgress, networkPolicy, nodeSelectorOf, nonRootPod, nvidiaNodes, plainEnv, probes, secretEnv, service, servicePort, sortedData, statefulSet, tcpPorts, timeZone } from './_shared.js';

/**
 * Pins: docs/research/app-charts.md §1 and §2.9, and docs/catalog/immich.md.
 * Raw manifests, not the chart: 0.13.x is published as an OCI artifact
 * (`oci://ghcr.io/immich-app/immich-charts/immich`), which hearth's layouts
 * cannot reference yet (see the doc).
 */
export const IMMICH_VERSION = 'v2.7.5';
export const IMMICH_SERVER_REPO = 'ghcr.io/immich-app/immich-server';
export const IMMICH_ML_REPO = 'ghcr.io/immich-app/immich-machine-learning';
/**
 * Immich's PostgreSQL 14 with VectorChord 0.4.3 and pgvecto.rs 0.2.0: the tag
 * of the official docker-compose.yml. Built FROM pgvector/pgvector (the
 * docker-library Debian image: `postgres` is uid/gid 999).
 */
export const IMMICH_POSTGRES_IMAGE = 'ghcr.io/immich-app/postgres:14-vectorchord0.4.3-pgvectors0.2.0';
export const IMMICH_PORT = 2283;
export const IMMICH_ML_PORT = 3003;
const DB_PORT = 5432;
const DB_UID = 999;
const DB_NAME = 'immich';
const DB_USER = 'immich';
/** PG ≤ 17 images keep PGDATA under /var/lib/postgresql/data; a subfolder keeps lost+found out of it. */
const DB_MOUNT = '/var/lib/postgresql/data';
const PGDATA = `${DB_MOUNT}/pgdata`;
const MODULE = 'immich';

const id = z.number().int().min(1).max(65535);

const Config = z.strictObject({
  version: z
    .string()
    .regex(/^v\d+\.\d+\.\d+$/, 'an Immich release tag: v2.7.5')
    .default(IMMICH_VERSION)
    .describe('Tag of immich-server and immich-machine-learning (always the same). Upgrades migrate the database and cannot be undone; read the release notes first (v3 has a migration guide).'),
  machineLearning: z.boolean().default(true).describe('Run immich-machine-learning (smart search, faces, OCR). Off: no ML pod and no model cache; turn the features off in the admin settings too.'),
  timezone: timeZone
    .default('UTC')
    .describe('TZ of the server: the fallback for photos without a time zone, and log times.'),
  uid: id.default(1000).describe('User the server and machine-learning containers run as (owner of the library and model cache).'),
  gid: id.default(1000).describe('Group of the server and machine-learning containers (fsGroup of their volumes).'),
  databaseStorage: z.enum(['ssd', 'hdd']).default('ssd').describe('DB_STORAGE_TYPE of Immich\'s PostgreSQL image: tuning for the disk under the database volume.'),
  egressInternet: z.boolean().default(false).describe('Outbound internet for every Immich pod under default-deny (OAuth providers, version check). The ML pod can always reach the internet to download models.'),
  env: plainEnv.describe('More plain server settings (IMMICH_LOG_LEVEL, IMMICH_PROCESS_INVALID_IMAGES, ...), applied last. Never secrets.'),
});

export type ImmichConfig = z.output<typeof Config>;

export const immichServerService = (app: string) => `${app}-server`;
export const immichMlService = (app: string) => `${app}-machine-learning`;
export const immichDatabaseService = (app: string) => `${app}-database`;
export const immichDatabaseSecretName = (app: string) => `${app}-database`;

/** Whether the ML pod runs on an NVIDIA GPU: the app asks for one and the lab has an NVIDIA node. */
export function immichMlGpu(lab: LabModel, app: AppModel): boolean {
  return app.gpu && nvidiaNodes(lab).length > 0;
}

/** Immich server, machine learning and its own PostgreSQL (VectorChord) as raw manifests; the queue is the lab's Redis. */
export default defineModule({
  name: MODULE,
  kind: 'app',
  summary: 'Immich photo and video library (server, machine learning with optional NVIDIA GPU, its own VectorChord PostgreSQL; the lab\'s Redis as queue)',
  layer: 'apps',
  dir: 'immich',
  config: Config,
  app: (c) => ({
    expose: 'lan',
    login: true,
    web: { service: immichServerService, port: IMMICH_PORT, maxBodySize: '0' }, // photo and video uploads
    volumes: [
      // Originals, thumbnails, encoded videos, profile pictures and database dumps (IMMICH_MEDIA_LOCATION).
      { name: 'library', size: '250Gi', mountPath: '/data' },
      ...(c.machineLearning ? [{ name: 'model-cache', size: '10Gi', mountPath: '/cache', content: 'cache' as const }] : []),
      { name: 'database', size: '10Gi', mountPath: DB_MOUNT, content: 'database' as const },
    ],
    // The server container's; the ML and database containers have their own (below).
    resources: { requests: { cpu: '500m', memory: '1Gi' }, limits: { memory: '4Gi' } },
    replicas: 1,
    egressInternet: c.egressInternet,
    needs: [{ module: 'redis', purpose: 'a Redis job queue' }],
  }),
  render: (ctx) => {
    const app = ctx.component.app!;
    const c = ctx.config as ImmichConfig;
    const redis = redisConnection(ctx.lab, app);
    const vol = (n: string) => app.volumes.find((v) => v.name === n);
    const labels = (component: string) => ({ ...selectorLabels(MODULE, app.name), 'app.kubernetes.io/component': component });
    const server = labels('server');
    const ml = labels('machine-learning');
    const db = labels('database');
    const dbSecret = immichDatabaseSecretName(app.name);
    const gpu = c.machineLearning && immichMlGpu(ctx.lab, app);
    const nodeSelector = nodeSelectorOf(app.nodeSelector);
    const restricted = { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } };

    const settings: Record<string, string> = {
      TZ: c.timezone,
      IMMICH_MEDIA_LOCATION: vol('library')!.mountPath,
      IMMICH_PORT: String(IMMICH_PORT),
      DB_HOSTNAME: immichDatabaseService(app.name),
      DB_PORT: String(DB_PORT),
      DB_USERNAME: DB_USER,
      DB_DATABASE_NAME: DB_NAME,
      REDIS_HOSTNAME: redis.host,
      REDIS_PORT: String(redis.port),
    };
    if (c.machineLearning) settings.IMMICH_MACHINE_LEARNING_URL = `http://${immichMlService(app.name)}:${IMMICH_ML_PORT}`;
    Object.assign(settings, c.env);
    const data = sortedData(settings);
    const config = `${app.name}-config`;
    const serverEnv: Record<string, unknown>[] = [secretEnv('DB_PASSWORD', dbSecret, 'password')];
    if (redis.passwordSecret) serverEnv.push(secretEnv('REDIS_PASSWORD', redis.passwordSecret.name, redis.passwordSecret.key));

    const httpProbe = (path: string) => ({ httpGet: { path, port: 'http' }, timeoutSeconds: 5 });
    const manifests: Manifest[] = [
      configMap(ctx, config, data),
      deployment(ctx, {
        file: 'server',
        name: immichServerService(app.name),
        selector: server,
        // API and job workers share the ReadWriteOnce library: one pod, the old one goes first (spec replicas are ignored).
        replicas: 1,
        strategy: { type: 'Recreate' },
        // envFrom is read at start: a changed ConfigMap rolls the server through this annotation.
        podAnnotations: { 'hearth.dev/config-checksum': dataChecksum(data) },
        pod: {
          automountServiceAccountToken: false,
          securityContext: nonRootPod(c.uid, c.gid, { fsGroup: true }),
          ...nodeSelector,
          containers: [
            {
              name: 'server',
              image: `${IMMICH_SERVER_REPO}:${c.version}`,
              ports: [containerPort('http', IMMICH_PORT)],
              envFrom: [{ configMapRef: { name: config } }],
              env: serverEnv,
              resources: { requests: app.resources.requests, limits: app.resources.limits },
              securityContext: restricted,
              // Database migrations (and the geodata import) on start: up to 10 minutes.
              ...probes(httpProbe('/api/server/ping'), { periodSeconds: 10, failureThreshold: 60 }),
              volumeMounts: [{ name: 'library', mountPath: vol('library')!.mountPath }],
            },
          ],
          volumes: [{ name: 'library', persistentVolumeClaim: { claimName: vol('library')!.claim } }],
        },
      }),
      service(ctx, { file: 'server', name: immichServerService(app.name), selector: server, ports: [servicePort('http', IMMICH_PORT)] }),
    ];

    if (c.machineLearning) {
      const cache = vol('model-cache')!;
      const mlEnv: Record<string, unknown>[] = [
        { name: 'MACHINE_LEARNING_CACHE_FOLDER', value: cache.mountPath },
        { name: 'TZ', value: c.timezone },
      ];
      manifests.push(
        deployment(ctx, {
          file: 'machine-learning',
          name: immichMlService(app.name),
          component: 'machine-learning',
          selector: ml,
          replicas: 1,
          // The model cache is ReadWriteOnce (and a GPU is taken): the old pod goes first.
          strategy: { type: 'Recreate' },
          pod: {
            automountServiceAccountToken: false,
            securityContext: nonRootPod(c.uid, c.gid, { fsGroup: true }),
            ...(gpu ? gpuScheduling(ctx.lab, app) : nodeSelector),
            containers: [
              {
                name: 'machine-learning',
                image: `${IMMICH_ML_REPO}:${c.version}${gpu ? '-cuda' : ''}`,
                ports: [containerPort('http', IMMICH_ML_PORT)],
                env: mlEnv,
                resources: gpu
                  ? { requests: { cpu: '250m', memory: '1Gi' }, limits: { memory: '6Gi', 'nvidia.com/gpu': '1' } }
                  : { requests: { cpu: '500m', memory: '1Gi' }, limits: { memory: '6Gi' } },
                securityContext: restricted,
                // Models load lazily on the first job; the service itself starts in seconds.
                ...probes(httpProbe('/ping'), { periodSeconds: 10, failureThreshold: 30 }),
                volumeMounts: [
                  { name: 'model-cache', mountPath: cache.mountPath },
                  // Non-root: matplotlib and the ONNX/Hugging Face helpers write below $HOME (/usr/src).
                  { name: 'dot-cache', mountPath: '/usr/src/.cache' },
                  { name: 'dot-config', mountPath: '/usr/src/.config' },
                  { name: 'tmp', mountPath: '/tmp' },
                ],
              },
            ],
            volumes: [
              { name: 'model-cache', persistentVolumeClaim: { claimName: cache.claim } },
              { name: 'dot-cache', emptyDir: { sizeLimit: '1Gi' } },
              { name: 'dot-config', emptyDir: { sizeLimit: '64Mi' } },
              { name: 'tmp', emptyDir: { sizeLimit: '1Gi' } },
            ],
          },
        }),
        service(ctx, { file: 'machine-learning', name: immichMlService(app.name), component: 'machine-learning', selector: ml, ports: [servicePort('http', IMMICH_ML_PORT)] }),
      );
    }

    const isReady = (extra: Record<string, number>) => ({ exec: { command: ['pg_isready', '-U', DB_USER, '-d', DB_NAME, '-h', '127.0.0.1', '-p', String(DB_PORT)] }, ...extra });
    const dbPorts = [servicePort('postgres', DB_PORT)];
    manifests.push(
      statefulSet(ctx, {
        file: 'database',
        name: immichDatabaseService(app.name),
        component: 'database',
        serviceName: `${immichDatabaseService(app.name)}-headless`,
        selector: db,
        // One writer on one ReadWriteOnce volume.
        replicas: 1,
        pod: {
          automountServiceAccountToken: false,
          securityContext: nonRootPod(DB_UID, DB_UID, { fsGroup: true }),
          terminationGracePeriodSeconds: 60,
          ...nodeSelector,
          containers: [
            {
              name: 'postgres',
              image: IMMICH_POSTGRES_IMAGE,
              ports: [containerPort('postgres', DB_PORT)],
              env: [
                { name: 'POSTGRES_USER', value: DB_USER },
                secretEnv('POSTGRES_PASSWORD', dbSecret, 'password'),
                { name: 'POSTGRES_DB', value: DB_NAME },
                { name: 'POSTGRES_INITDB_ARGS', value: '--data-checksums' },
                { name: 'PGDATA', value: PGDATA },
                { name: 'DB_STORAGE_TYPE', value: c.databaseStorage.toUpperCase() },
              ],
              resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { memory: '2Gi' } },
              securityContext: restricted,
              startupProbe: isReady({ periodSeconds: 5, failureThreshold: 120 }),
              readinessProbe: isReady({ periodSeconds: 10, timeoutSeconds: 5 }),
              livenessProbe: isReady({ periodSeconds: 30, timeoutSeconds: 5, failureThreshold: 6 }),
              volumeMounts: [
                { name: 'database', mountPath: DB_MOUNT },
                { name: 'shm', mountPath: '/dev/shm' },
              ],
            },
          ],
          volumes: [
            { name: 'database', persistentVolumeClaim: { claimName: vol('database')!.claim } },
            // docker-compose.yml: shm_size 128mb.
            { name: 'shm', emptyDir: { medium: 'Memory', sizeLimit: '128Mi' } },
          ],
        },
      }),
      service(ctx, { file: 'database', name: `${immichDatabaseService(app.name)}-headless`, component: 'database', selector: db, ports: dbPorts, headless: true }),
      service(ctx, { file: 'database', name: immichDatabaseService(app.name), component: 'database', selector: db, ports: dbPorts }),
    );

    // hearth's `<app>-network` covers the ingress, dependencies and dependents. Under
    // default-deny the traffic between Immich's own pods needs its own allows.
    if (defaultDeny(ctx.lab, app.namespace)) {
      const policy = (name: string, spec: Record<string, unknown>) => networkPolicy(ctx, `${app.name}-${name}`, spec, { file: 'network-policy-internal' });
      const tcp = (port: number) => tcpPorts([port]);
      manifests.push(
        policy('server-egress', {
          podSelector: { matchLabels: server },
          policyTypes: ['Egress'],
          egress: [
            { to: [{ podSelector: { matchLabels: db } }], ports: tcp(DB_PORT) },
            ...(c.machineLearning ? [{ to: [{ podSelector: { matchLabels: ml } }], ports: tcp(IMMICH_ML_PORT) }] : []),
          ],
        }),
        policy('database-ingress', {
          podSelector: { matchLabels: db },
          policyTypes: ['Ingress'],
          ingress: [{ from: [{ podSelector: { matchLabels: server } }], ports: tcp(DB_PORT) }],
        }),
      );
      if (c.machineLearning) {
        manifests.push(
          policy('machine-learning-ingress', {
            podSelector: { matchLabels: ml },
            policyTypes: ['Ingress'],
            ingress: [{ from: [{ podSelector: { matchLabels: server } }], ports: tcp(IMMICH_ML_PORT) }],
          }),
          // Models come from Hugging Face on first use.
          policy('machine-learning-internet', {
            podSelector: { matchLabels: ml },
            policyTypes: ['Egress'],
            egress: [internetEgress()],
          }),
        );
      }
    }

    const secrets: SecretRequest[] = [
      { namespace: app.namespace, name: dbSecret, keys: { password: { generate: { length: 32 } } }, plain: { username: DB_USER, database: DB_NAME } },
    ];
    return { manifests, secrets };
  },
});
