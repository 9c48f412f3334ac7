import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { SecretRequest } from '../../src/catalog/types.js';
import immich from '../../src/catalog/apps/immich.js';
import postgresql from '../../src/catalog/apps/postgresql.js';
import redis from '../../src/catalog/apps/redis.js';
import { testLab, renderWith, objects, schemaErrors, kustomizeAll, type ModuleLab } from '../helpers/module-harness.js';

const modules = [immich, postgresql, redis];

function secretsOf(r: ModuleLab, id: string): SecretRequest[] {
  const comp = r.model!.components.find((c) => c.id === id)!;
  return comp.module.render({ lab: r.model!, component: comp, config: comp.app!.config }).secrets ?? [];
}

const errors = (r: ModuleLab) => r.issues.filter((i) => i.severity === 'error').map((i) => `${i.code} ${i.path.join('.')}`);
const find = (objs: Record<string, any>[], kind: string, name: string) => {
  const o = objs.find((x) => x.kind === kind && x.metadata.name === name);
  assert.ok(o, `${kind} ${name}`);
  return o;
};

test('immich: server, ML on the GPU, its own VectorChord PostgreSQL, the lab\'s Redis; secrets by reference', async () => {
  const r = renderWith(modules, testLab([
    // The lab's shared PostgreSQL is present but not used: Immich needs VectorChord.
    { name: 'pg', module: 'postgresql', namespace: 'data', config: { pgvector: true } },
    { name: 'redis', namespace: 'data', config: { auth: true } },
    { name: 'photos', module: 'immich', namespace: 'media', gpu: true, volumes: { library: { size: '2Ti' }, database: { class: 'local-path' } }, config: { timezone: 'Europe/Berlin', env: { IMMICH_LOG_LEVEL: 'warn' } } },
  ]));
  assert.deepEqual(errors(r), []);
  assert.deepEqual(await schemaErrors(r.files), []);
  kustomizeAll(r.files);
  const objs = objects(r.files);

  const app = r.model!.apps.find((a) => a.name === 'photos')!;
  assert.deepEqual(app.links, { redis: 'redis' }, 'no link to the shared PostgreSQL');
  assert.deepEqual(app.dependsOn, ['redis']);
  assert.ok(!objs.some((o) => o.kind === 'HelmRelease' && o.metadata.name === 'photos'), 'raw manifests, no chart');

  const cm = find(objs, 'ConfigMap', 'photos-config');
  assert.deepEqual(cm.data, {
    DB_DATABASE_NAME: 'immich',
    DB_HOSTNAME: 'photos-database',
    DB_PORT: '5432',
    DB_USERNAME: 'immich',
    IMMICH_LOG_LEVEL: 'warn',
    IMMICH_MACHINE_LEARNING_URL: 'http://photos-machine-learning:3003',
    IMMICH_MEDIA_LOCATION: '/data',
    IMMICH_PORT: '2283',
    REDIS_HOSTNAME: 'redis.data.svc.cluster.local',
    REDIS_PORT: '6379',
    TZ: 'Europe/Berlin',
  });

  const server = find(objs, 'Deployment', 'photos-server');
  assert.equal(server.metadata.namespace, 'media');
  assert.deepEqual([server.spec.replicas, server.spec.strategy.type], [1, 'Recreate']);
  const sp = server.spec.template.spec;
  assert.deepEqual(sp.securityContext, { runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000, fsGroup: 1000, fsGroupChangePolicy: 'OnRootMismatch', seccompProfile: { type: 'RuntimeDefault' } });
  const sc = sp.containers[0];
  assert.equal(sc.image, 'ghcr.io/immich-app/immich-server:v2.7.5');
  assert.deepEqual(sc.env, [
    { name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'photos-database', key: 'password' } } },
    { name: 'REDIS_PASSWORD', valueFrom: { secretKeyRef: { name: 'photos-redis', key: 'password' } } },
  ]);
  assert.deepEqual(sc.securityContext, { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
  assert.deepEqual(sc.readinessProbe.httpGet, { path: '/api/server/ping', port: 'http' });
  assert.equal(sc.startupProbe.failureThreshold, 60);
  assert.deepEqual(sc.resources, { requests: { cpu: '500m', memory: '1Gi' }, limits: { memory: '4Gi' } });
  assert.deepEqual(sc.volumeMounts, [{ name: 'library', mountPath: '/data' }]);
  assert.deepEqual(sp.volumes, [{ name: 'library', persistentVolumeClaim: { claimName: 'photos-library' } }]);
  assert.ok(server.spec.template.metadata.annotations['hearth.dev/config-checksum']);
  assert.deepEqual(find(objs, 'Service', 'photos-server').spec.ports, [{ name: 'http', port: 2283, targetPort: 'http', protocol: 'TCP' }]);

  const ml = find(objs, 'Deployment', 'photos-machine-learning');
  const mp = ml.spec.template.spec;
  const mc = mp.containers[0];
  assert.equal(mc.image, 'ghcr.io/immich-app/immich-machine-learning:v2.7.5-cuda');
  assert.equal(mp.runtimeClassName, 'nvidia');
  assert.deepEqual(mp.nodeSelector, { 'hearth.dev/gpu': 'true' });
  assert.deepEqual(mp.tolerations, [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }]);
  assert.equal(mc.resources.limits['nvidia.com/gpu'], '1');
  assert.deepEqual(mc.readinessProbe.httpGet, { path: '/ping', port: 'http' });
  assert.deepEqual(mc.volumeMounts.map((m: any) => m.mountPath), ['/cache', '/usr/src/.cache', '/usr/src/.config', '/tmp']);
  assert.deepEqual(mp.volumes[0], { name: 'model-cache', persistentVolumeClaim: { claimName: 'photos-model-cache' } });
  assert.ok(!('env' in mc && mc.env.some((e: any) => e.name.startsWith('DB_'))), 'ML needs no database');
  assert.equal(find(objs, 'Service', 'photos-machine-learning').spec.ports[0].port, 3003);

  const db = find(objs, 'StatefulSet', 'photos-database');
  assert.equal(db.spec.serviceName, 'photos-database-headless');
  const dp = db.spec.template.spec;
  assert.deepEqual([dp.securityContext.runAsUser, dp.securityContext.fsGroup], [999, 999]);
  const dc = dp.containers[0];
  assert.equal(dc.image, 'ghcr.io/immich-app/postgres:14-vectorchord0.4.3-pgvectors0.2.0');
  assert.deepEqual(dc.env, [
    { name: 'POSTGRES_USER', value: 'immich' },
    { name: 'POSTGRES_PASSWORD', valueFrom: { secretKeyRef: { name: 'photos-database', key: 'password' } } },
    { name: 'POSTGRES_DB', value: 'immich' },
    { name: 'POSTGRES_INITDB_ARGS', value: '--data-checksums' },
    { name: 'PGDATA', value: '/var/lib/postgresql/data/pgdata' },
    { name: 'DB_STORAGE_TYPE', value: 'SSD' },
  ]);
  assert.equal(dc.readinessProbe.exec.command[0], 'pg_isready');
  assert.deepEqual(dp.volumes, [
    { name: 'database', persistentVolumeClaim: { claimName: 'photos-database' } },
    { name: 'shm', emptyDir: { medium: 'Memory', sizeLimit: '128Mi' } },
  ]);
  assert.equal(find(objs, 'Service', 'photos-database').spec.selector['app.kubernetes.io/component'], 'database');
  assert.equal(find(objs, 'Service', 'photos-database-headless').spec.clusterIP, 'None');

  const pvc = (n: string) => find(objs, 'PersistentVolumeClaim', n).spec;
  assert.deepEqual([pvc('photos-library').resources.requests.storage, pvc('photos-library').storageClassName], ['2Ti', 'nfs']);
  assert.deepEqual([pvc('photos-database').resources.requests.storage, pvc('photos-database').storageClassName], ['10Gi', 'local-path']);
  assert.equal(pvc('photos-model-cache').resources.requests.storage, '10Gi');

  const ing = find(objs, 'Ingress', 'photos-ingress');
  assert.deepEqual(ing.spec.rules[0].http.paths[0].backend.service, { name: 'photos-server', port: { number: 2283 } });

  // default-deny: hearth's policy plus the allows between Immich's own pods.
  const own = find(objs, 'NetworkPolicy', 'photos-network');
  assert.deepEqual(own.spec.egress[0].to.map((t: any) => t.podSelector.matchLabels['app.kubernetes.io/instance']), ['redis']);
  assert.ok(!own.spec.egress.some((e: any) => e.to[0].ipBlock), 'no internet for the server by default');
  const sel = (c: string) => ({ 'app.kubernetes.io/name': 'immich', 'app.kubernetes.io/instance': 'photos', 'app.kubernetes.io/component': c });
  const egress = find(objs, 'NetworkPolicy', 'photos-server-egress');
  assert.deepEqual(egress.spec.podSelector.matchLabels, sel('server'));
  assert.deepEqual(egress.spec.egress, [
    { to: [{ podSelector: { matchLabels: sel('database') } }], ports: [{ protocol: 'TCP', port: 5432 }] },
    { to: [{ podSelector: { matchLabels: sel('machine-learning') } }], ports: [{ protocol: 'TCP', port: 3003 }] },
  ]);
  assert.deepEqual(find(objs, 'NetworkPolicy', 'photos-database-ingress').spec.ingress, [{ from: [{ podSelector: { matchLabels: sel('server') } }], ports: [{ protocol: 'TCP', port: 5432 }] }]);
  assert.deepEqual(find(objs, 'NetworkPolicy', 'photos-machine-learning-ingress').spec.podSelector.matchLabels, sel('machine-learning'));
  assert.equal(find(objs, 'NetworkPolicy', 'photos-machine-learning-internet').spec.egress[0].to[0].ipBlock.cidr, '0.0.0.0/0');

  assert.deepEqual(secretsOf(r, 'photos'), [{ namespace: 'media', name: 'photos-database', keys: { password: { generate: { length: 32 } } }, plain: { username: 'immich', database: 'immich' } }]);
  assert.ok(secretsOf(r, 'redis').some((s) => s.namespace === 'media' && s.name === 'photos-redis'));
  assert.ok(!secretsOf(r, 'pg').some((s) => s.namespace === 'media'), 'no role on the shared PostgreSQL');
});

test('immich: CPU machine learning without a GPU node, ML off, allow-all namespace', async () => {
  const r = renderWith(modules, testLab(
    [
      { name: 'redis', namespace: 'data' },
      { name: 'immich', namespace: 'media', gpu: true, config: { databaseStorage: 'hdd', uid: 568, gid: 568 } },
      { name: 'immich-lite', module: 'immich', namespace: 'apps', expose: 'internal', config: { machineLearning: false } },
    ],
    {
      nodes: [{ name: 'k3s-1', kind: 'vm', host: 'pve', cpu: 4, memory: '16Gi', ip: '192.168.1.20' }],
      cluster: { name: 'test', distribution: 'k3s', controlPlane: ['k3s-1'], workers: [] },
      namespaces: [{ name: 'apps' }, { name: 'data' }, { name: 'media', networkPolicy: 'allow-all' }],
    },
  ));
  assert.deepEqual(errors(r), []);
  assert.deepEqual(await schemaErrors(r.files), []);
  kustomizeAll(r.files);
  const objs = objects(r.files);

  const mp = find(objs, 'Deployment', 'immich-machine-learning').spec.template.spec;
  assert.equal(mp.containers[0].image, 'ghcr.io/immich-app/immich-machine-learning:v2.7.5', 'no NVIDIA node: the CPU image');
  assert.ok(!('runtimeClassName' in mp) && !('nvidia.com/gpu' in mp.containers[0].resources.limits));
  assert.equal(mp.securityContext.runAsUser, 568);
  assert.equal(find(objs, 'StatefulSet', 'immich-database').spec.template.spec.containers[0].env.find((e: any) => e.name === 'DB_STORAGE_TYPE').value, 'HDD');
  assert.deepEqual(find(objs, 'Deployment', 'immich-server').spec.template.spec.containers[0].env, [
    { name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'immich-database', key: 'password' } } },
  ]);
  assert.ok(!objs.some((o) => o.kind === 'NetworkPolicy' && o.metadata.namespace === 'media'), 'allow-all: no policies');

  assert.ok(!objs.some((o) => o.metadata?.name === 'immich-lite-machine-learning'), 'ML off: no Deployment or Service');
  assert.ok(!objs.some((o) => o.kind === 'PersistentVolumeClaim' && o.metadata.name === 'immich-lite-model-cache'));
  assert.ok(!('IMMICH_MACHINE_LEARNING_URL' in find(objs, 'ConfigMap', 'immich-lite-config').data));
  const egress = find(objs, 'NetworkPolicy', 'immich-lite-server-egress');
  assert.equal(egress.spec.egress.length, 1, 'only the database');
  assert.ok(!objs.some((o) => o.kind === 'NetworkPolicy' && o.metadata.name.startsWith('immich-lite-machine-learning')));
  assert.ok(!objs.some((o) => o.kind === 'Ingress' && o.metadata.name === 'immich-lite-ingress'));
});

test('immich: without a redis app the lab does not resolve', () => {
  const r = renderWith(modules, testLab([{ name: 'immich', namespace: 'media' }]));
  assert.deepEqual(errors(r), ['missing-dependency apps.0.module']);
  assert.ok(r.issues.some((i) => /needs a Redis job queue/.test(i.message) && /add \{ name: redis, namespace: media \}/.test(i.hint ?? '')));
});

test('immich: bad settings are reported at their path', () => {
  const r = renderWith(modules, testLab([
    { name: 'redis', namespace: 'data' },
    { name: 'immich', namespace: 'media', config: { version: 'release', timezone: 'Mars/Olympus', databaseStorage: 'nvme', env: { DB_PASSWORD: 'x' } } },
  ]));
  const codes = errors(r);
  for (const p of ['version', 'timezone', 'databaseStorage', 'env.DB_PASSWORD']) {
    assert.ok(codes.some((c) => c.endsWith(`apps.1.config.${p}`)), `${p}\n${codes.join('\n')}`);
  }
});
