import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { SecretRequest } from '../../src/catalog/types.js';
import paperless from '../../src/catalog/apps/paperless.js';
import postgresql from '../../src/catalog/apps/postgresql.js';
import redis from '../../src/catalog/apps/redis.js';
import { testLab, renderWith, objects, schemaErrors, kustomizeAll, type ModuleLab } from '../helpers/module-harness.js';

const modules = [paperless, postgresql, redis];

function secretsOf(r: ModuleLab, id: string): SecretRequest[] {
  const comp = r.model!.components.find((c) => c.id === id)!;
  return comp.module.render({ lab: r.model!, component: comp, config: comp.app!.config }).secrets ?? [];
}

const errors = (r: ModuleLab) => r.issues.filter((i) => i.severity === 'error').map((i) => `${i.code} ${i.path.join('.')}`);

test('paperless: PostgreSQL and Redis from the links, secrets by reference, four volumes, root init dropping to USERMAP_UID', async () => {
  const r = renderWith(modules, testLab([
    { name: 'pg', module: 'postgresql', namespace: 'data' },
    { name: 'redis', namespace: 'data', config: { auth: true } },
    {
      name: 'paperless',
      namespace: 'apps',
      host: 'docs',
      config: {
        database: 'postgres',
        timezone: 'Europe/Berlin',
        ocrLanguages: ['deu', 'eng', 'chi_sim'],
        admin: { user: 'tom', passwordSecret: { secret: 'paperless-admin', key: 'password' }, email: 'tom@example.com' },
      },
    },
  ]));
  assert.deepEqual(errors(r), []);
  assert.deepEqual(await schemaErrors(r.files), []);
  kustomizeAll(r.files);
  const objs = objects(r.files);

  const app = r.model!.apps.find((a) => a.name === 'paperless')!;
  assert.deepEqual(app.links, { redis: 'redis', postgresql: 'pg' });
  assert.deepEqual(app.dependsOn, ['redis', 'pg']);

  const cm = objs.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'paperless-config')!;
  assert.deepEqual(cm.data, {
    PAPERLESS_ADMIN_MAIL: 'tom@example.com',
    PAPERLESS_ADMIN_USER: 'tom',
    PAPERLESS_CONSUMER_POLLING: '30',
    PAPERLESS_CONSUMER_POLLING_INTERVAL: '30',
    PAPERLESS_DBENGINE: 'postgresql',
    PAPERLESS_DBHOST: 'pg.data.svc.cluster.local',
    PAPERLESS_DBNAME: 'paperless',
    PAPERLESS_DBPORT: '5432',
    PAPERLESS_DBUSER: 'paperless',
    PAPERLESS_OCR_LANGUAGE: 'deu+eng+chi_sim',
    PAPERLESS_OCR_LANGUAGES: 'chi-sim',
    PAPERLESS_TIME_ZONE: 'Europe/Berlin',
    PAPERLESS_URL: 'https://docs.lab.example.com',
    USERMAP_GID: '1000',
    USERMAP_UID: '1000',
  });
  const d = objs.find((o) => o.kind === 'Deployment' && o.metadata.name === 'paperless-server')!;
  assert.equal(d.spec.strategy.type, 'Recreate');
  assert.equal(d.spec.replicas, 1);
  const pod = d.spec.template.spec;
  assert.ok(!('runAsUser' in pod.securityContext) && !('runAsNonRoot' in pod.securityContext), 's6 init starts as root');
  const c = pod.containers[0];
  assert.equal(c.image, 'ghcr.io/paperless-ngx/paperless-ngx:2.20.15');
  assert.equal(c.securityContext.allowPrivilegeEscalation, false);
  assert.deepEqual(c.env, [
    { name: 'PAPERLESS_SECRET_KEY', valueFrom: { secretKeyRef: { name: 'paperless-secret-key', key: 'secret-key' } } },
    { name: 'REDIS_PASSWORD', valueFrom: { secretKeyRef: { name: 'paperless-redis', key: 'password' } } },
    { name: 'PAPERLESS_REDIS', value: 'redis://:$(REDIS_PASSWORD)@redis.data.svc.cluster.local:6379' },
    { name: 'PAPERLESS_DBPASS', valueFrom: { secretKeyRef: { name: 'paperless-postgres', key: 'password' } } },
    { name: 'PAPERLESS_ADMIN_PASSWORD', valueFrom: { secretKeyRef: { name: 'paperless-admin', key: 'password' } } },
  ]);
  assert.deepEqual(c.envFrom, [{ configMapRef: { name: 'paperless-config' } }]);
  assert.deepEqual(c.readinessProbe.httpGet, { path: '/', port: 'http', httpHeaders: [{ name: 'Host', value: 'localhost' }] });
  assert.equal(c.startupProbe.failureThreshold, 60);
  assert.deepEqual(c.resources, { requests: { cpu: '250m', memory: '1Gi' }, limits: { memory: '2Gi' } });
  assert.deepEqual(c.volumeMounts.map((m: any) => m.mountPath), ['/usr/src/paperless/data', '/usr/src/paperless/media', '/usr/src/paperless/consume', '/usr/src/paperless/export']);
  assert.deepEqual(pod.volumes.map((v: any) => v.persistentVolumeClaim.claimName), ['paperless-data', 'paperless-media', 'paperless-consume', 'paperless-export']);
  assert.equal(objs.find((o) => o.kind === 'PersistentVolumeClaim' && o.metadata.name === 'paperless-media')!.spec.resources.requests.storage, '50Gi');
  assert.ok(d.spec.template.metadata.annotations['hearth.dev/config-checksum']);

  const ing = objs.find((o) => o.kind === 'Ingress' && o.metadata.name === 'paperless-ingress')!;
  assert.deepEqual(ing.spec.rules[0].http.paths[0].backend.service, { name: 'paperless-server', port: { number: 8000 } });
  const pol = objs.find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === 'paperless-network')!;
  assert.deepEqual(pol.spec.egress[0].to.map((t: any) => t.podSelector.matchLabels['app.kubernetes.io/instance']), ['pg', 'redis']);
  assert.ok(pol.spec.egress.some((e: any) => e.to[0].ipBlock?.cidr === '0.0.0.0/0'), 'an extra OCR language is installed from the internet');

  assert.deepEqual(secretsOf(r, 'paperless'), [{ namespace: 'apps', name: 'paperless-secret-key', keys: { 'secret-key': { generate: { length: 64 } } } }]);
  assert.ok(secretsOf(r, 'pg').some((s) => s.namespace === 'apps' && s.name === 'paperless-postgres'), 'the provider requests the consumer copy');
  for (const o of objs) assert.ok(!JSON.stringify(o).includes('"PAPERLESS_DBPASS","value"'), 'the password is never a literal');
});

test('paperless: SQLite by default (seed 001), Redis without auth in the ConfigMap, no PostgreSQL needed', async () => {
  const r = renderWith(modules, testLab([
    { name: 'redis', namespace: 'data' },
    { name: 'paperless', namespace: 'apps', storage: 'local-path', expose: 'internal', config: { secretKeySecret: { secret: 'paperless-secrets', key: 'PAPERLESS_SECRET_KEY' } } },
  ]));
  assert.deepEqual(errors(r), []);
  assert.deepEqual(await schemaErrors(r.files), []);
  const objs = objects(r.files);
  const data = objs.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'paperless-config')!.data;
  assert.equal(data.PAPERLESS_DBENGINE, 'sqlite');
  assert.equal(data.PAPERLESS_REDIS, 'redis://redis.data.svc.cluster.local:6379');
  assert.equal(data.PAPERLESS_OCR_LANGUAGE, 'eng');
  assert.ok(!('PAPERLESS_DBHOST' in data) && !('PAPERLESS_URL' in data) && !('PAPERLESS_CONSUMER_POLLING' in data), 'local-path: inotify works');
  const env = objs.find((o) => o.kind === 'Deployment')!.spec.template.spec.containers[0].env;
  assert.deepEqual(env, [{ name: 'PAPERLESS_SECRET_KEY', valueFrom: { secretKeyRef: { name: 'paperless-secrets', key: 'PAPERLESS_SECRET_KEY' } } }]);
  assert.deepEqual(secretsOf(r, 'paperless'), [], 'an existing secret key is not generated');
  assert.deepEqual(r.model!.apps.find((a) => a.name === 'paperless')!.links, { redis: 'redis' });
});

test('paperless: without a redis app the lab does not resolve', () => {
  const r = renderWith(modules, testLab([{ name: 'paperless', namespace: 'apps', config: { database: 'postgres' } }]));
  const codes = errors(r);
  assert.deepEqual(codes, ['missing-dependency apps.0.module', 'missing-dependency apps.0.module']);
  assert.ok(r.issues.some((i) => /needs a Redis task queue/.test(i.message) && /add \{ name: redis, namespace: apps \}/.test(i.hint ?? '')));
  assert.ok(r.issues.some((i) => /needs a PostgreSQL database/.test(i.message)));
});

test('paperless: secrets never as env values; engines and languages are checked', () => {
  const r = renderWith(modules, testLab([
    { name: 'redis', namespace: 'data' },
    { name: 'paperless', namespace: 'apps', config: { database: 'mysql', ocrLanguages: ['english'], env: { PAPERLESS_SECRET_KEY: 'abc' } } },
  ]));
  const codes = errors(r);
  assert.ok(codes.includes('invalid-value apps.1.config.database'), codes.join('\n'));
  assert.ok(codes.some((c) => c.endsWith('apps.1.config.ocrLanguages.0')), codes.join('\n'));
  assert.ok(codes.includes('invalid-value apps.1.config.env.PAPERLESS_SECRET_KEY'), codes.join('\n'));
});
