import { test } from 'node:test';
import assert from 'node:assert/strict';
import n8n from '../../src/catalog/apps/n8n.js';
import { testLab, renderWith, objects, schemaErrors, kustomizeAll } from '../helpers/module-harness.js';

test('n8n: SQLite on the data volume, URLs from the app host, key from a Secret, non-root', async () => {
  const lab = testLab([
    { name: 'n8n', namespace: 'apps', host: 'flows', config: { timezone: 'Europe/Berlin' } },
    {
      name: 'n8n-pg',
      module: 'n8n',
      namespace: 'data',
      expose: 'internal',
      config: {
        database: 'postgres',
        postgres: { host: 'pg-shared-rw.data.svc.cluster.local', passwordSecret: { secret: 'n8n-db', key: 'password' } },
        encryptionKeySecret: { secret: 'n8n-pg-key', key: 'key' },
      },
    },
  ]);
  const r = renderWith([n8n], lab);
  assert.deepEqual(r.issues.filter((i) => i.severity === 'error'), []);
  assert.deepEqual(await schemaErrors(r.files), []);
  kustomizeAll(r.files);
  const objs = objects(r.files);

  const cm = objs.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'n8n-config')!;
  assert.deepEqual(cm.data, {
    DB_TYPE: 'sqlite',
    GENERIC_TIMEZONE: 'Europe/Berlin',
    N8N_EDITOR_BASE_URL: 'https://flows.lab.example.com/',
    N8N_HOST: 'flows.lab.example.com',
    N8N_PORT: '5678',
    N8N_PROTOCOL: 'https',
    N8N_PROXY_HOPS: '1',
    TZ: 'Europe/Berlin',
    WEBHOOK_URL: 'https://flows.lab.example.com/',
  });
  const d = objs.find((o) => o.kind === 'Deployment' && o.metadata.name === 'n8n-server')!;
  assert.equal(d.spec.strategy.type, 'Recreate');
  const pod = d.spec.template.spec;
  assert.deepEqual(pod.securityContext, { runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000, fsGroup: 1000, seccompProfile: { type: 'RuntimeDefault' } });
  const c = pod.containers[0];
  assert.equal(c.image, 'docker.n8n.io/n8nio/n8n:2.20.6');
  assert.deepEqual(c.env, [{ name: 'N8N_ENCRYPTION_KEY', valueFrom: { secretKeyRef: { name: 'n8n-secrets', key: 'N8N_ENCRYPTION_KEY' } } }]);
  assert.deepEqual(c.envFrom, [{ configMapRef: { name: 'n8n-config' } }]);
  assert.deepEqual(c.readinessProbe.httpGet, { path: '/healthz', port: 'http' });
  assert.deepEqual(c.livenessProbe.httpGet, { path: '/healthz', port: 'http' });
  assert.deepEqual(c.volumeMounts, [{ name: 'data', mountPath: '/home/node/.n8n' }]);
  assert.deepEqual(pod.volumes, [{ name: 'data', persistentVolumeClaim: { claimName: 'n8n-data' } }]);
  assert.deepEqual(c.resources, { requests: { cpu: '100m', memory: '256Mi' }, limits: { memory: '1Gi' } });
  const ing = objs.find((o) => o.kind === 'Ingress' && o.metadata.name === 'n8n-ingress')!;
  assert.deepEqual(ing.spec.rules[0].http.paths[0].backend.service, { name: 'n8n-server', port: { number: 5678 } });
  assert.equal(objs.find((o) => o.kind === 'PersistentVolumeClaim' && o.metadata.name === 'n8n-data')!.spec.resources.requests.storage, '5Gi');

  const pg = objs.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'n8n-pg-config')!.data;
  assert.equal(pg.DB_TYPE, 'postgresdb');
  assert.deepEqual([pg.DB_POSTGRESDB_HOST, pg.DB_POSTGRESDB_PORT, pg.DB_POSTGRESDB_DATABASE, pg.DB_POSTGRESDB_USER, pg.DB_POSTGRESDB_SCHEMA], ['pg-shared-rw.data.svc.cluster.local', '5432', 'n8n', 'n8n', 'public']);
  assert.equal(pg.N8N_HOST, 'n8n-pg-server.data.svc.cluster.local', 'not exposed: the in-cluster name');
  assert.equal(pg.N8N_PROTOCOL, 'http');
  assert.equal(pg.WEBHOOK_URL, 'http://n8n-pg-server.data.svc.cluster.local:5678/');
  assert.equal(pg.N8N_SECURE_COOKIE, 'false');
  assert.ok(!('DB_POSTGRESDB_PASSWORD' in pg), 'the password is never in the ConfigMap');
  const pgEnv = objs.find((o) => o.kind === 'Deployment' && o.metadata.name === 'n8n-pg-server')!.spec.template.spec.containers[0].env;
  assert.deepEqual(pgEnv, [
    { name: 'N8N_ENCRYPTION_KEY', valueFrom: { secretKeyRef: { name: 'n8n-pg-key', key: 'key' } } },
    { name: 'DB_POSTGRESDB_PASSWORD', valueFrom: { secretKeyRef: { name: 'n8n-db', key: 'password' } } },
  ]);
});

test('n8n: database: postgres needs its settings; the password is a Secret reference', () => {
  const bad = testLab([
    { name: 'n8n', namespace: 'apps', config: { database: 'postgres' } },
    { name: 'n8n2', module: 'n8n', namespace: 'apps', config: { database: 'postgres', postgres: { host: 'pg', password: 'hunter2' } } },
  ]);
  const r = renderWith([n8n], bad);
  const codes = r.issues.filter((i) => i.severity === 'error').map((i) => `${i.code} ${i.path.join('.')}`);
  assert.ok(codes.includes('invalid-value apps.0.config.postgres'), codes.join('\n'));
  assert.ok(codes.includes('unknown-key apps.1.config.postgres.password'), codes.join('\n'));
});
