import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { SecretRequest } from '../../src/catalog/types.js';
import redis, { redisUrl, redisConnection } from '../../src/catalog/apps/redis.js';
import postgresql from '../../src/catalog/apps/postgresql.js';
import paperless from '../../src/catalog/apps/paperless.js';
import { testLab, renderWith, objects, schemaErrors, kustomizeAll, type ModuleLab } from '../helpers/module-harness.js';

const modules = [redis, postgresql, paperless];

function secretsOf(r: ModuleLab, id: string): SecretRequest[] {
  const comp = r.model!.components.find((c) => c.id === id)!;
  return comp.module.render({ lab: r.model!, component: comp, config: comp.app!.config }).secrets ?? [];
}

const errors = (r: ModuleLab) => r.issues.filter((i) => i.severity === 'error').map((i) => `${i.code} ${i.path.join('.')}`);

test('redis: non-root, append-only file on a data volume, redis-cli probes, Service on 6379', async () => {
  const r = renderWith(modules, testLab([
    { name: 'redis', namespace: 'data' },
    { name: 'paperless', namespace: 'apps' },
  ]));
  assert.deepEqual(errors(r), []);
  assert.deepEqual(await schemaErrors(r.files), []);
  kustomizeAll(r.files);
  const objs = objects(r.files);
  const d = objs.find((o) => o.kind === 'Deployment' && o.metadata.name === 'redis')!;
  assert.equal(d.spec.replicas, 1);
  assert.equal(d.spec.strategy.type, 'Recreate');
  const pod = d.spec.template.spec;
  assert.deepEqual(pod.securityContext, { runAsNonRoot: true, runAsUser: 999, runAsGroup: 1000, fsGroup: 1000, fsGroupChangePolicy: 'OnRootMismatch', seccompProfile: { type: 'RuntimeDefault' } });
  const c = pod.containers[0];
  assert.equal(c.image, 'redis:8.8.0-alpine');
  assert.deepEqual(c.args, ['redis-server', '--appendonly', 'yes']);
  assert.ok(!('env' in c), 'no password by default');
  assert.match(c.readinessProbe.exec.command.join(' '), /redis-cli -p 6379 ping/);
  assert.deepEqual(c.securityContext, { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
  assert.deepEqual(pod.volumes, [{ name: 'data', persistentVolumeClaim: { claimName: 'redis-data' } }]);
  assert.deepEqual(c.volumeMounts, [{ name: 'data', mountPath: '/data' }]);
  const pvc = objs.find((o) => o.kind === 'PersistentVolumeClaim' && o.metadata.name === 'redis-data')!;
  assert.equal(pvc.spec.resources.requests.storage, '2Gi');
  const svc = objs.find((o) => o.kind === 'Service' && o.metadata.name === 'redis')!;
  assert.deepEqual(svc.spec.ports, [{ name: 'redis', port: 6379, targetPort: 'redis', protocol: 'TCP' }]);
  // The consumer reaches it through the policy derived from the need.
  const pol = objs.find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === 'redis-network')!;
  assert.deepEqual(pol.spec.ingress.at(-1).from[0].podSelector.matchLabels, { 'app.kubernetes.io/instance': 'paperless' });

  const app = r.model!.apps.find((a) => a.name === 'redis')!;
  assert.equal(redisUrl(r.model!, app), 'redis://redis.data.svc.cluster.local:6379');
  assert.equal(redisUrl(r.model!, 'redis'), 'redis://redis.data.svc.cluster.local:6379');
  assert.deepEqual(redisConnection(r.model!, r.model!.apps.find((a) => a.name === 'paperless')!), { host: 'redis.data.svc.cluster.local', port: 6379, url: 'redis://redis.data.svc.cluster.local:6379' });
  assert.deepEqual(secretsOf(r, 'redis'), []);
});

test('redis: auth generates a password, copies it to each consumer, never writes it', async () => {
  const r = renderWith(modules, testLab([
    { name: 'cache', module: 'redis', namespace: 'data', config: { auth: true, persistence: false } },
    { name: 'paperless', namespace: 'apps' },
  ]));
  assert.deepEqual(errors(r), []);
  assert.deepEqual(await schemaErrors(r.files), []);
  kustomizeAll(r.files);
  const objs = objects(r.files);
  const c = objs.find((o) => o.kind === 'Deployment' && o.metadata.name === 'cache')!.spec.template.spec;
  assert.deepEqual(c.containers[0].args, ['redis-server', '--appendonly', 'no', '--save', '', '--requirepass', '$(REDIS_PASSWORD)']);
  assert.deepEqual(c.containers[0].env, [
    { name: 'REDIS_PASSWORD', valueFrom: { secretKeyRef: { name: 'cache-auth', key: 'password' } } },
    { name: 'REDISCLI_AUTH', valueFrom: { secretKeyRef: { name: 'cache-auth', key: 'password' } } },
  ]);
  assert.deepEqual(c.volumes, [{ name: 'data', emptyDir: { sizeLimit: '64Mi' } }], 'no persistence: no claim');
  assert.ok(!objs.some((o) => o.kind === 'PersistentVolumeClaim' && o.metadata.name.startsWith('cache')));
  assert.deepEqual(secretsOf(r, 'cache'), [
    { namespace: 'data', name: 'cache-auth', keys: { password: { generate: { length: 32 } } } },
    { namespace: 'apps', name: 'paperless-redis', keys: { password: { sameAs: { namespace: 'data', name: 'cache-auth', key: 'password' } } }, plain: { host: 'cache.data.svc.cluster.local', port: '6379' } },
  ]);
  assert.deepEqual(redisConnection(r.model!, r.model!.apps.find((a) => a.name === 'paperless')!).passwordSecret, { name: 'paperless-redis', key: 'password' });
});

test('redis: settings are typed; a literal password is rejected', () => {
  const r = renderWith(modules, testLab([{ name: 'redis', namespace: 'data', config: { persistence: 'yes', password: 'hunter2' } }]));
  const codes = errors(r);
  assert.ok(codes.includes('invalid-type apps.0.config.persistence'), codes.join('\n'));
  assert.ok(codes.includes('unknown-key apps.0.config.password'), codes.join('\n'));
});
