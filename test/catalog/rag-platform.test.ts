import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { SecretRequest } from '../../src/catalog/types.js';
import ragPlatform from '../../src/catalog/apps/rag-platform.js';
import { cronScheduleError } from '../../src/lib/cron.js';
import postgresql from '../../src/catalog/apps/postgresql.js';
import ollama from '../../src/catalog/apps/ollama.js';
import { SECRET_ENV } from '../../src/catalog/apps/container.js';
import { testLab, renderWith, objects, schemaErrors, kustomizeAll, type ModuleLab } from '../helpers/module-harness.js';

const modules = [ragPlatform, postgresql, ollama];

function secretsOf(r: ModuleLab, id: string): SecretRequest[] {
  const comp = r.model!.components.find((c) => c.id === id)!;
  return comp.module.render({ lab: r.model!, component: comp, config: comp.app!.config }).secrets ?? [];
}

const errors = (r: ModuleLab) => r.issues.filter((i) => i.severity === 'error').map((i) => `${i.code} ${i.path.join('.')}`);

const rag = {
  name: 'rag',
  module: 'rag-platform',
  namespace: 'ai',
  config: {
    image: 'ghcr.io/example/rag-api:0.3.1',
    healthPath: '/healthz',
    chatModel: 'llama3.1:8b',
    embeddingModel: 'nomic-embed-text',
    env: { LOG_LEVEL: 'info' },
    ingestion: {
      command: ['python', '-m', 'rag.ingest'],
      schedule: '30 2 * * mon-fri',
      timeZone: 'Europe/Berlin',
      sources: ['https://docs.k3s.io/', 'http://192.168.1.30:8080/wiki'],
      chunkSize: 800,
      chunkOverlap: 100,
    },
  },
};
const pg = { name: 'pg', module: 'postgresql', namespace: 'data', config: { pgvector: true } };
const llm = { name: 'ollama', namespace: 'ai', config: { models: ['nomic-embed-text', 'llama3.1:8b'] } };

/** Every env entry of every container (init containers included) in the objects. */
function allEnv(objs: Record<string, any>[]): { owner: string; e: any }[] {
  const out: { owner: string; e: any }[] = [];
  for (const o of objs) {
    const pod = o.spec?.template?.spec ?? o.spec?.jobTemplate?.spec?.template?.spec;
    for (const c of [...(pod?.initContainers ?? []), ...(pod?.containers ?? [])]) for (const e of c.env ?? []) out.push({ owner: `${o.kind}/${o.metadata.name}/${c.name}`, e });
  }
  return out;
}

test('rag-platform: API Deployment and ingestion CronJob wired to the linked PostgreSQL (pgvector) and Ollama', async () => {
  const r = renderWith(modules, testLab([pg, llm, rag]));
  assert.deepEqual(errors(r), []);
  assert.deepEqual(await schemaErrors(r.files), []);
  kustomizeAll(r.files);
  const objs = objects(r.files);

  const app = r.model!.apps.find((a) => a.name === 'rag')!;
  assert.deepEqual(app.links, { postgresql: 'pg', ollama: 'ollama' });
  assert.deepEqual(app.dependsOn, ['pg', 'ollama']);

  const shared = [
    { name: 'PGHOST', value: 'pg.data.svc.cluster.local' },
    { name: 'PGPORT', value: '5432' },
    { name: 'PGDATABASE', value: 'rag' },
    { name: 'PGUSER', value: 'rag' },
    { name: 'PGPASSWORD', valueFrom: { secretKeyRef: { name: 'rag-postgres', key: 'password' } } },
    { name: 'DATABASE_URL', value: 'postgresql://$(PGUSER):$(PGPASSWORD)@$(PGHOST):$(PGPORT)/$(PGDATABASE)' },
    { name: 'OLLAMA_BASE_URL', value: 'http://ollama.ai.svc.cluster.local:11434' },
    { name: 'EMBEDDING_MODEL', value: 'nomic-embed-text' },
    { name: 'CHAT_MODEL', value: 'llama3.1:8b' },
    { name: 'LOG_LEVEL', value: 'info' },
  ];

  // The API.
  const d = objs.find((o) => o.kind === 'Deployment' && o.metadata.name === 'rag-api')!;
  assert.equal(d.metadata.namespace, 'ai');
  assert.equal(d.spec.replicas, 1);
  const pod = d.spec.template.spec;
  assert.deepEqual(pod.securityContext, { runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000, seccompProfile: { type: 'RuntimeDefault' } });
  assert.equal(pod.automountServiceAccountToken, false);
  const api = pod.containers[0];
  assert.equal(api.image, 'ghcr.io/example/rag-api:0.3.1');
  assert.deepEqual(api.ports, [{ name: 'http', containerPort: 8000, protocol: 'TCP' }]);
  assert.deepEqual(api.env, shared);
  assert.deepEqual(api.securityContext, { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
  for (const p of ['startupProbe', 'readinessProbe', 'livenessProbe']) assert.deepEqual(api[p].httpGet, { path: '/healthz', port: 'http' }, p);
  assert.deepEqual(api.resources, { requests: { cpu: '100m', memory: '256Mi' }, limits: { memory: '1Gi' } });
  const wait = pod.initContainers[0];
  assert.equal(wait.name, 'wait-for-vector');
  assert.equal(wait.image, 'postgres:18.6-alpine');
  assert.match(wait.command[2], /extname = 'vector'/);
  assert.deepEqual(wait.env, shared.slice(0, 5));

  const svc = objs.find((o) => o.kind === 'Service' && o.metadata.name === 'rag-api')!;
  assert.deepEqual(svc.spec.ports, [{ name: 'http', port: 8000, targetPort: 'http', protocol: 'TCP' }]);
  assert.equal(svc.spec.selector['app.kubernetes.io/component'], 'api', 'ingestion pods never become endpoints');
  assert.ok(!objs.some((o) => o.kind === 'Ingress' && o.metadata.name === 'rag-ingress'), 'internal by default');

  // The ingestion CronJob.
  const cj = objs.find((o) => o.kind === 'CronJob' && o.metadata.name === 'rag-ingest')!;
  assert.equal(cj.spec.schedule, '30 2 * * mon-fri');
  assert.equal(cj.spec.timeZone, 'Europe/Berlin');
  assert.equal(cj.spec.concurrencyPolicy, 'Forbid');
  assert.equal(cj.spec.suspend, false);
  const job = cj.spec.jobTemplate.spec;
  assert.equal(job.activeDeadlineSeconds, 14400);
  assert.equal(job.template.spec.restartPolicy, 'Never');
  assert.equal(job.template.metadata.labels['app.kubernetes.io/component'], 'ingest');
  assert.deepEqual(job.template.spec.securityContext, pod.securityContext);
  const ing = job.template.spec.containers[0];
  assert.equal(ing.image, 'ghcr.io/example/rag-api:0.3.1', 'the API image by default');
  assert.deepEqual(ing.command, ['python', '-m', 'rag.ingest']);
  assert.deepEqual(ing.env, [
    ...shared,
    { name: 'INGEST_SOURCES_FILE', value: '/etc/rag/sources.txt' },
    { name: 'CHUNK_SIZE', value: '800' },
    { name: 'CHUNK_OVERLAP', value: '100' },
  ]);
  assert.deepEqual(ing.volumeMounts, [{ name: 'sources', mountPath: '/etc/rag', readOnly: true }]);
  assert.deepEqual(ing.resources, { requests: { cpu: '100m', memory: '512Mi' }, limits: { memory: '2Gi' } });
  assert.equal(job.template.spec.initContainers[0].name, 'wait-for-vector');
  const sources = objs.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'rag-sources')!;
  assert.equal(sources.data['sources.txt'], 'https://docs.k3s.io/\nhttp://192.168.1.30:8080/wiki\n');

  // Network: database and Ollama for both (hearth's policy), the internet only for the ingestion pods.
  const pol = objs.find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === 'rag-network')!;
  assert.deepEqual(pol.spec.egress.map((e: any) => e.to.map((t: any) => t.podSelector?.matchLabels['app.kubernetes.io/instance'])), [['ollama', 'pg']]);
  const egress = objs.find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === 'rag-ingest-egress')!;
  assert.deepEqual(egress.spec.podSelector.matchLabels, { 'app.kubernetes.io/name': 'rag-platform', 'app.kubernetes.io/instance': 'rag', 'app.kubernetes.io/component': 'ingest' });
  assert.deepEqual(egress.spec.egress, [
    { to: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'] } }] },
    { to: [{ ipBlock: { cidr: '192.168.1.30/32' } }], ports: [{ protocol: 'TCP', port: 8080 }] },
  ]);
  const ollamaPol = objs.find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === 'ollama-network')!;
  assert.ok(ollamaPol.spec.ingress.some((i: any) => i.from.some((f: any) => f.podSelector?.matchLabels['app.kubernetes.io/instance'] === 'rag')));

  // The provider creates the role, database and extension, and the consumer's Secret copy.
  const bootstrap = objs.find((o) => o.kind === 'Job' && o.metadata.name.startsWith('pg-bootstrap-'))!;
  assert.equal(bootstrap.spec.template.spec.containers[0].image, 'pgvector/pgvector:0.8.6-pg18-trixie');
  assert.match(bootstrap.spec.template.spec.containers[0].command.join('\n'), /\\connect "rag"\nCREATE EXTENSION IF NOT EXISTS vector;/);
  assert.deepEqual(secretsOf(r, 'rag'), [], 'the module itself requests nothing');
  const copy = secretsOf(r, 'pg').find((s) => s.namespace === 'ai' && s.name === 'rag-postgres')!;
  assert.deepEqual(copy.keys, { password: { sameAs: { namespace: 'data', name: 'pg-rag', key: 'password' } } });

  // No secret value anywhere: secret-looking variables come from Secrets, and nothing holds a literal password.
  for (const { owner, e } of allEnv(objs)) {
    if (SECRET_ENV.test(e.name)) assert.ok(e.valueFrom?.secretKeyRef && !('value' in e), `${owner}: ${e.name} comes from a Secret`);
  }
  for (const f of r.files) assert.doesNotMatch(f.contents, /postgresql:\/\/[^$\s]+:[^$\s]+@/, `${f.path}: no credentials in a URL`);
});

test('rag-platform: a provider without pgvector is an error on the provider\'s setting, before anything renders', () => {
  const r = renderWith(modules, testLab([{ ...pg, config: {} }, llm, rag]));
  assert.deepEqual(errors(r), ['module-config apps.0.config.pgvector']);
  const e = r.issues.find((i) => i.severity === 'error')!;
  assert.match(e.message, /app "rag" needs the vector extension/);
  assert.match(e.hint ?? '', /config\.pgvector: true/);
});

test('rag-platform: the ingestion image can differ; no internet policy outside default-deny namespaces', () => {
  const r = renderWith(
    modules,
    testLab([pg, llm, { ...rag, config: { ...rag.config, ingestion: { image: 'ghcr.io/example/rag-ingest:1.0.0', schedule: '@daily', sources: ['https://example.com/'], suspend: true } } }], {
      namespaces: [{ name: 'ai', networkPolicy: 'allow-all' }, { name: 'data' }],
    }),
  );
  assert.deepEqual(errors(r), []);
  const objs = objects(r.files);
  const cj = objs.find((o) => o.kind === 'CronJob')!;
  assert.equal(cj.spec.schedule, '@daily');
  assert.equal(cj.spec.suspend, true);
  assert.ok(!('timeZone' in cj.spec));
  const c = cj.spec.jobTemplate.spec.template.spec.containers[0];
  assert.equal(c.image, 'ghcr.io/example/rag-ingest:1.0.0');
  assert.ok(!('command' in c));
  assert.ok(!objs.some((o) => o.kind === 'NetworkPolicy' && o.metadata.namespace === 'ai'));
});

test('rag-platform: without postgresql and ollama apps the lab does not resolve', () => {
  const r = renderWith(modules, testLab([rag]));
  assert.deepEqual(errors(r), ['missing-dependency apps.0.module', 'missing-dependency apps.0.module']);
  assert.ok(r.issues.some((i) => /needs a PostgreSQL database with pgvector/.test(i.message) && /add \{ name: postgresql, namespace: ai \}/.test(i.hint ?? '')));
  assert.ok(r.issues.some((i) => /needs an Ollama server/.test(i.message) && /add \{ name: ollama, namespace: ai \}/.test(i.hint ?? '')));
});

test('rag-platform: bad settings are reported at their spec paths', () => {
  const bad = (config: Record<string, unknown>) => errors(renderWith(modules, testLab([pg, llm, { ...rag, config }])));
  const ingestion = rag.config.ingestion;
  assert.deepEqual(bad({ ...rag.config, ingestion: { ...ingestion, schedule: '61 * * * *' } }), ['invalid-value apps.2.config.ingestion.schedule']);
  assert.deepEqual(bad({ ...rag.config, ingestion: { ...ingestion, schedule: '0 3 * * 7' } }), ['invalid-value apps.2.config.ingestion.schedule']);
  assert.deepEqual(bad({ ...rag.config, ingestion: { ...ingestion, schedule: 'TZ=UTC 0 3 * * *' } }), ['invalid-value apps.2.config.ingestion.schedule']);
  const codes = bad({
    image: 'ghcr.io/example/rag-api:latest',
    env: { OPENAI_API_KEY: 'sk-x' },
    ingestion: { ...ingestion, sources: ['ftp://example.com/x'], chunkOverlap: 900 },
  });
  assert.ok(codes.some((c) => c.endsWith('apps.2.config.image')), codes.join('\n'));
  assert.ok(codes.some((c) => c.endsWith('apps.2.config.env.OPENAI_API_KEY')), codes.join('\n'));
  assert.ok(codes.some((c) => c.endsWith('apps.2.config.ingestion.sources.0')), codes.join('\n'));
  assert.ok(codes.some((c) => c.endsWith('apps.2.config.ingestion.chunkOverlap')), codes.join('\n'));
  const missing = bad({ ingestion: { schedule: '@daily', sources: [] } });
  assert.ok(missing.some((c) => c.endsWith('apps.2.config.image')), missing.join('\n'));
  assert.ok(missing.some((c) => c.endsWith('apps.2.config.ingestion.sources')), missing.join('\n'));
});

test('rag-platform: cron schedules as Kubernetes (robfig/cron standard parser) reads them', () => {
  for (const ok of ['0 3 * * *', '*/15 * * * *', '0 0-23/2 * * *', '0 9 1,15 * ?', '0 6 * jan-mar mon-fri', '5 4 * * SUN', '@hourly', '@weekly', '0 12 * * 0-6']) {
    assert.equal(cronScheduleError(ok), undefined, ok);
  }
  for (const bad of ['', '* * * *', '* * * * * *', '60 * * * *', '0 24 * * *', '0 0 0 * *', '0 0 * 13 *', '0 0 * * 7', '*/0 * * * *', '5-1 * * * *', '? * * * *', 'x * * * *', '@reboot', '@every 1h', 'CRON_TZ=UTC 0 0 * * *']) {
    assert.ok(cronScheduleError(bad), `${JSON.stringify(bad)} is rejected`);
  }
});

test('rag-platform: the wait-for-vector script is valid POSIX sh (sh -n, shellcheck)', () => {
  const r = renderWith(modules, testLab([pg, llm, rag]));
  const script = objects(r.files).find((o) => o.kind === 'Deployment' && o.metadata.name === 'rag-api')!.spec.template.spec.initContainers[0].command[2];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-rag-'));
  try {
    const file = path.join(dir, 'wait.sh');
    fs.writeFileSync(file, script);
    execFileSync('sh', ['-n', file]);
    execFileSync('shellcheck', ['-s', 'sh', file], { stdio: ['ignore', 'pipe', 'pipe'] });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
