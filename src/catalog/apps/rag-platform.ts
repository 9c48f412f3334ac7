import { z } from 'zod';
import { defineModule, type Manifest } from '../types.js';
import { meta } from '../meta.js';
import { selectorLabels } from '../../lib/k8s.js';
import { postgresConnection, POSTGRES_IMAGE, type PostgresNeed } from './postgresql.js';
import { ollamaUrl } from './ollama.js';
import { cronScheduleError } from '../../lib/cron.js';
import type { AppModel, LabModel } from '../../model/types.js';
import { configMap, containerPort, defaultDeny, deployment, internetEgress, isTimeZone, networkPolicy, nodeSelectorOf, nonRootPod, pinnedImageNotLatest, plainEnv, probes, secretEnv, service, servicePort } from './_shared.js';

/**
 * Seed 000, Decision 3: the lab's own RAG platform. The user's FastAPI image
 * serves the API; a CronJob (the same image by default) scrapes the sources,
 * chunks and embeds them through the linked Ollama into the linked
 * PostgreSQL with pgvector. hearth wires the two together; the code is yours.
 */
const MODULE = 'rag-platform';
export const RAG_API_PORT = 8000;
const SOURCES_DIR = '/etc/rag';
const SOURCES_FILE = `${SOURCES_DIR}/sources.txt`;


const ollamaModel = z
  .string()
  .regex(/^[a-z0-9][a-z0-9._\-/]*(:[A-Za-z0-9._-]+)?$/, 'an Ollama model name with an optional tag: llama3.1:8b, nomic-embed-text');

const id = z.number().int().min(1).max(65535);

const cpu = z.union([z.number().positive(), z.string().regex(/^[0-9]+(\.[0-9]+)?m?$/)]);
const bytes = z.string().regex(/^[0-9]+(\.[0-9]+)?(Ki|Mi|Gi|Ti)$/);
const amounts = z.strictObject({ cpu: cpu.optional(), memory: bytes.optional() });

const Ingestion = z
  .strictObject({
    image: pinnedImageNotLatest.optional().describe('Ingestion image, pinned. Default: the API image (run with `command`/`args`).'),
    command: z.array(z.string()).min(1).optional().describe('Container command of the ingestion job (e.g. [python, -m, app.ingest]). Default: the image entrypoint.'),
    args: z.array(z.string()).optional(),
    schedule: z
      .string()
      .superRefine((s, ctx) => {
        const e = cronScheduleError(s);
        if (e) ctx.addIssue({ code: 'custom', message: e });
      })
      .describe('Cron schedule of the ingestion run, five fields or a macro: "0 3 * * *", @daily.'),
    timeZone: z.string().refine(isTimeZone, 'not a time zone of the IANA database').optional().describe('CronJob timeZone (IANA): Europe/Berlin. Default: the controller manager\'s zone (UTC on K3s).'),
    sources: z
      .array(z.url({ protocol: /^https?$/, error: 'an http:// or https:// URL' }))
      .min(1)
      .refine((a) => new Set(a).size === a.length, 'sources must be unique')
      .describe('URLs the ingestion job crawls (one per line in /etc/rag/sources.txt).'),
    chunkSize: z.number().int().min(100).max(100000).default(1000).describe('CHUNK_SIZE: characters per chunk.'),
    chunkOverlap: z.number().int().min(0).max(10000).default(200).describe('CHUNK_OVERLAP: characters shared by neighbouring chunks.'),
    timeoutSeconds: z.number().int().min(60).max(86400).default(14400).describe('activeDeadlineSeconds of each run.'),
    suspend: z.boolean().default(false).describe('Keep the CronJob but start no runs.'),
    resources: z.strictObject({ requests: amounts.optional(), limits: amounts.optional() }).optional().describe('Ingestion pod resources. Default: requests 100m/512Mi, limit 2Gi.'),
  })
  .refine((i) => i.chunkOverlap < i.chunkSize, { message: 'chunkOverlap must be smaller than chunkSize', path: ['chunkOverlap'] });

const Config = z.strictObject({
  image: pinnedImageNotLatest.describe('Your FastAPI image with a tag or digest: ghcr.io/you/rag-api:0.3.1'),
  port: z.number().int().min(1024).max(65535).default(RAG_API_PORT).describe('Port the API listens on (non-root: 1024 or above).'),
  healthPath: z.string().startsWith('/').default('/health').describe('HTTP path for the startup, readiness and liveness probes.'),
  embeddingModel: ollamaModel.default('nomic-embed-text').describe('EMBEDDING_MODEL: the Ollama model that embeds chunks and queries.'),
  chatModel: ollamaModel.default('llama3.1:8b').describe('CHAT_MODEL: the Ollama model that answers (seed 000: Llama 3.1).'),
  uid: id.default(1000).describe('runAsUser of both pods (never 0).'),
  gid: id.default(1000).describe('runAsGroup of both pods.'),
  env: plainEnv.describe('More plain settings for the API and the ingestion job. Never secrets.'),
  ingestion: Ingestion.describe('The ingestion CronJob: crawl, chunk, embed, store.'),
});

export type RagPlatformConfig = z.output<typeof Config>;

export function ragApiService(app: string): string {
  return `${app}-api`;
}

function ollamaProvider(lab: LabModel, app: AppModel): AppModel {
  const name = app.links.ollama;
  const p = name ? lab.apps.find((a) => a.name === name) : undefined;
  if (!p) throw new Error(`app "${app.name}" has no linked ollama app`);
  return p;
}

/** Private IPv4 literals among the sources: the internet rule excludes private ranges, so these get their own. */
function lanSources(sources: string[]): { ip: string; port: number }[] {
  const out = new Map<string, { ip: string; port: number }>();
  for (const s of sources) {
    const u = new URL(s);
    if (!/^\d+\.\d+\.\d+\.\d+$/.test(u.hostname)) continue;
    const [a, b] = u.hostname.split('.').map(Number);
    if (!(a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168))) continue;
    const port = u.port ? Number(u.port) : u.protocol === 'https:' ? 443 : 80;
    out.set(`${u.hostname}:${port}`, { ip: u.hostname, port });
  }
  return [...out.values()];
}

export default defineModule<RagPlatformConfig>({
  name: MODULE,
  kind: 'app',
  summary: 'Your own RAG platform (seed 000): FastAPI Deployment + ingestion CronJob, wired to PostgreSQL/pgvector and Ollama',
  layer: 'apps',
  dir: 'rag-platform',
  config: Config,
  app: (c) => ({
    expose: 'internal',
    web: { service: ragApiService, port: c.port },
    volumes: [],
    resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { memory: '1Gi' } },
    replicas: 1,
    // Only the ingestion pods reach the internet: their own policy below, not the app-wide one.
    egressInternet: false,
    needs: [
      { module: 'postgresql', purpose: 'a PostgreSQL database with pgvector', extensions: ['vector'] } as PostgresNeed,
      { module: 'ollama', purpose: 'an Ollama server for embeddings and chat' },
    ],
  }),
  render: (ctx) => {
    const app = ctx.component.app!;
    const c = ctx.config;
    const pg = postgresConnection(ctx.lab, app);
    const ollama = ollamaProvider(ctx.lab, app);
    const labels = (component: string) => ({ ...selectorLabels(MODULE, app.name), 'app.kubernetes.io/component': component });
    const apiLabels = labels('api');
    const ingestLabels = labels('ingest');
    const apiName = ragApiService(app.name);
    const ingestName = `${app.name}-ingest`;
    const sourcesName = `${app.name}-sources`;

    // libpq's own variables (psycopg, asyncpg and SQLAlchemy read them), then a URL composed by the kubelet.
    const env: Record<string, unknown>[] = [
      { name: 'PGHOST', value: pg.host },
      { name: 'PGPORT', value: String(pg.port) },
      { name: 'PGDATABASE', value: pg.database },
      { name: 'PGUSER', value: pg.username },
      secretEnv('PGPASSWORD', pg.secretName, 'password'),
      { name: 'DATABASE_URL', value: 'postgresql://$(PGUSER):$(PGPASSWORD)@$(PGHOST):$(PGPORT)/$(PGDATABASE)' },
      { name: 'OLLAMA_BASE_URL', value: ollamaUrl(ollama) },
      { name: 'EMBEDDING_MODEL', value: c.embeddingModel },
      { name: 'CHAT_MODEL', value: c.chatModel },
      ...Object.keys(c.env)
        .sort()
        .map((k) => ({ name: k, value: c.env[k] })),
    ];
    const dbEnv = env.slice(0, 5);

    const podSecurity = nonRootPod(c.uid, c.gid);
    const containerSecurity = { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } };
    const nodeSelector = nodeSelectorOf(app.nodeSelector);

    // `hearth validate` refuses a provider without pgvector (the postgresql module's check); the pods still wait for the
    // extension, which the provider's bootstrap Job creates after they may start, and say why when it never comes.
    const waitScript = [
      'i=0',
      `until [ "$(psql --no-psqlrc -tAc "SELECT 1 FROM pg_extension WHERE extname = 'vector'" 2>/dev/null)" = 1 ]; do`,
      '  i=$((i + 1))',
      '  if [ "$i" -ge 60 ]; then',
      '    echo "database $PGDATABASE on $PGHOST has no vector extension after 5 minutes." >&2',
      `    echo "The postgresql app ${app.links.postgresql} needs config.pgvector: true; its bootstrap Job creates the extension." >&2`,
      '    exit 1',
      '  fi',
      '  sleep 5',
      'done',
    ].join('\n');
    const waitForVector = {
      name: 'wait-for-vector',
      image: POSTGRES_IMAGE,
      command: ['sh', '-ec', waitScript],
      env: dbEnv,
      resources: { requests: { cpu: '10m', memory: '16Mi' }, limits: { memory: '64Mi' } },
      securityContext: { ...containerSecurity, readOnlyRootFilesystem: true },
    };

    const probe = { httpGet: { path: c.healthPath, port: 'http' }, timeoutSeconds: 5 };
    const i = c.ingestion;
    const ingestResources = {
      requests: { cpu: '100m', memory: '512Mi', ...stringify(i.resources?.requests) },
      limits: { memory: '2Gi', ...stringify(i.resources?.limits) },
    };

    const manifests: Manifest[] = [
      configMap(ctx, sourcesName, { 'sources.txt': i.sources.join('\n') + '\n' }),
      deployment(ctx, {
        name: apiName,
        component: 'api',
        selector: apiLabels,
        replicas: app.replicas,
        pod: {
          automountServiceAccountToken: false,
          securityContext: podSecurity,
          ...nodeSelector,
          initContainers: [waitForVector],
          containers: [
            {
              name: 'api',
              image: c.image,
              ports: [containerPort('http', c.port)],
              env,
              resources: { requests: app.resources.requests, limits: app.resources.limits },
              securityContext: containerSecurity,
              ...probes(probe, { periodSeconds: 5, failureThreshold: 36 }),
            },
          ],
        },
      }),
      {
        file: 'cronjob',
        object: {
          apiVersion: 'batch/v1',
          kind: 'CronJob',
          metadata: meta(ctx, ingestName, 'ingest'),
          spec: {
            schedule: i.schedule.trim(),
            ...(i.timeZone ? { timeZone: i.timeZone } : {}),
            // A slow crawl never overlaps the next one.
            concurrencyPolicy: 'Forbid',
            startingDeadlineSeconds: 3600,
            successfulJobsHistoryLimit: 3,
            failedJobsHistoryLimit: 3,
            suspend: i.suspend,
            jobTemplate: {
              spec: {
                backoffLimit: 2,
                activeDeadlineSeconds: i.timeoutSeconds,
                template: {
                  metadata: { labels: { ...ingestLabels, 'app.kubernetes.io/part-of': ctx.lab.name } },
                  spec: {
                    restartPolicy: 'Never',
                    automountServiceAccountToken: false,
                    securityContext: podSecurity,
                    ...nodeSelector,
                    initContainers: [waitForVector],
                    containers: [
                      {
                        name: 'ingest',
                        image: i.image ?? c.image,
                        ...(i.command ? { command: i.command } : {}),
                        ...(i.args ? { args: i.args } : {}),
                        env: [
                          ...env,
                          { name: 'INGEST_SOURCES_FILE', value: SOURCES_FILE },
                          { name: 'CHUNK_SIZE', value: String(i.chunkSize) },
                          { name: 'CHUNK_OVERLAP', value: String(i.chunkOverlap) },
                        ],
                        resources: ingestResources,
                        securityContext: containerSecurity,
                        volumeMounts: [{ name: 'sources', mountPath: SOURCES_DIR, readOnly: true }],
                      },
                    ],
                    volumes: [{ name: 'sources', configMap: { name: sourcesName } }],
                  },
                },
              },
            },
          },
        },
      },
      // The component label keeps the ingestion pods (Ready while they run) out of the endpoints.
      service(ctx, { name: apiName, component: 'api', selector: apiLabels, ports: [servicePort('http', c.port)] }),
    ];

    // Under default-deny, hearth's app policy covers the database and Ollama; the crawl also needs the sources.
    if (defaultDeny(ctx.lab, app.namespace)) {
      const lan = lanSources(i.sources);
      manifests.push(
        networkPolicy(
          ctx,
          `${ingestName}-egress`,
          {
            podSelector: { matchLabels: ingestLabels },
            policyTypes: ['Egress'],
            egress: [
              internetEgress(),
              ...lan.map((s) => ({ to: [{ ipBlock: { cidr: `${s.ip}/32` } }], ports: [{ protocol: 'TCP', port: s.port }] })),
            ],
          },
          { file: 'network-policy-ingest' },
        ),
      );
    }
    return { manifests };
  },
});

function stringify(a: { cpu?: string | number; memory?: string } | undefined): Record<string, string> {
  const o: Record<string, string> = {};
  if (a?.cpu !== undefined) o.cpu = String(a.cpu);
  if (a?.memory) o.memory = a.memory;
  return o;
}
