import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { SecretRequest } from '../../src/catalog/types.js';
import nextcloud from '../../src/catalog/apps/nextcloud.js';
import postgresql from '../../src/catalog/apps/postgresql.js';
import redis from '../../src/catalog/apps/redis.js';
import { testLab, renderWith, objects, schemaErrors, kustomizeAll, type ModuleLab } from '../helpers/module-harness.js';

const modules = [nextcloud, postgresql, redis];

function secretsOf(r: ModuleLab, id: string): SecretRequest[] {
  const comp = r.model!.components.find((c) => c.id === id)!;
  return comp.module.render({ lab: r.model!, component: comp, config: comp.app!.config }).secrets ?? [];
}

const errors = (r: ModuleLab) => r.issues.filter((i) => i.severity === 'error').map((i) => `${i.code} ${i.path.join('.')}`);

function release(objs: Record<string, any>[], name: string) {
  const hr = objs.find((o) => o.kind === 'HelmRelease' && o.metadata.name === name);
  assert.ok(hr, `HelmRelease ${name}`);
  return hr;
}

test('nextcloud: chart on the lab\'s PostgreSQL and Redis, secrets by reference, existing claims, hearth\'s Ingress', async () => {
  const r = renderWith(modules, testLab([
    { name: 'pg', module: 'postgresql', namespace: 'data' },
    { name: 'redis', namespace: 'data', config: { auth: true } },
    { name: 'cloud', module: 'nextcloud', namespace: 'apps', volumes: { data: { size: '500Gi' } }, config: { adminUser: 'tom', env: { PHP_UPLOAD_LIMIT: '16G' } } },
  ]));
  assert.deepEqual(errors(r), []);
  assert.deepEqual(await schemaErrors(r.files), []);
  kustomizeAll(r.files);
  const objs = objects(r.files);

  const app = r.model!.apps.find((a) => a.name === 'cloud')!;
  assert.deepEqual(app.links, { postgresql: 'pg', redis: 'redis' });
  assert.deepEqual(app.dependsOn, ['pg', 'redis']);

  const hr = release(objs, 'cloud');
  assert.deepEqual([hr.spec.chart.spec.chart, hr.spec.chart.spec.version, hr.spec.chart.spec.sourceRef.name], ['nextcloud', '8.9.1', 'nextcloud']);
  assert.equal(hr.metadata.namespace, 'apps');
  const helmRepo = objs.find((o) => o.kind === 'HelmRepository' && o.metadata.name === 'nextcloud')!;
  assert.equal(helmRepo.spec.url, 'https://nextcloud.github.io/helm/');
  // The HelmRelease waits for the chart-less providers only through the Kustomization order.
  assert.equal(hr.spec.dependsOn, undefined);

  const v = hr.spec.values;
  assert.equal(v.fullnameOverride, 'cloud');
  assert.equal(v.replicaCount, 1);
  assert.deepEqual(v.ingress, { enabled: false });
  assert.deepEqual(v.service, { type: 'ClusterIP', port: 80 });
  assert.deepEqual([v.internalDatabase.enabled, v.postgresql.enabled, v.mariadb.enabled, v.redis.enabled], [false, false, false, false]);
  assert.deepEqual(v.externalDatabase, {
    enabled: true,
    type: 'postgresql',
    host: 'pg.data.svc.cluster.local:5432',
    database: 'cloud',
    existingSecret: { enabled: true, secretName: 'cloud-postgres', usernameKey: 'username', passwordKey: 'password' },
  });
  assert.equal(v.nextcloud.host, 'cloud.lab.example.com');
  assert.deepEqual(v.nextcloud.trustedDomains, ['cloud.lab.example.com']);
  assert.equal(v.nextcloud.containerPort, 80);
  assert.deepEqual(v.nextcloud.existingSecret, { enabled: true, secretName: 'cloud-admin', usernameKey: 'username', passwordKey: 'password' });
  assert.ok(!('username' in v.nextcloud) && !('password' in v.nextcloud), 'no inline admin credentials');
  assert.deepEqual(v.nextcloud.extraEnv, [
    { name: 'REDIS_HOST', value: 'redis.data.svc.cluster.local' },
    { name: 'REDIS_HOST_PORT', value: '6379' },
    { name: 'REDIS_HOST_PASSWORD', valueFrom: { secretKeyRef: { name: 'cloud-redis', key: 'password' } } },
    { name: 'TRUSTED_PROXIES', value: '10.0.0.0/8 172.16.0.0/12 192.168.0.0/16' },
    { name: 'OVERWRITECLIURL', value: 'https://cloud.lab.example.com' },
    { name: 'PHP_UPLOAD_LIMIT', value: '16G' },
  ]);
  assert.deepEqual(v.phpClientHttpsFix, { enabled: true, protocol: 'https' });
  assert.deepEqual(v.persistence, { enabled: true, existingClaim: 'cloud-app', nextcloudData: { enabled: true, existingClaim: 'cloud-data' } });
  assert.equal(v.cronjob.enabled, true);
  assert.deepEqual(v.cronjob.resources.limits, { memory: '1Gi' });
  assert.deepEqual(v.resources, { requests: { cpu: '250m', memory: '512Mi' }, limits: { memory: '2Gi' } });
  assert.deepEqual(v.startupProbe, { enabled: true, initialDelaySeconds: 0, timeoutSeconds: 5, successThreshold: 1, periodSeconds: 10, failureThreshold: 120 });
  for (const p of ['livenessProbe', 'readinessProbe']) {
    for (const k of ['enabled', 'initialDelaySeconds', 'periodSeconds', 'timeoutSeconds', 'successThreshold', 'failureThreshold']) assert.ok(k in v[p], `${p}.${k}: the chart prints every field`);
  }
  assert.deepEqual(v.nextcloud.podSecurityContext, { fsGroup: 33, fsGroupChangePolicy: 'OnRootMismatch', seccompProfile: { type: 'RuntimeDefault' } });
  assert.equal(v.nextcloud.securityContext.allowPrivilegeEscalation, false);
  assert.equal(v.metrics.enabled, false);

  const pvcs = objs.filter((o) => o.kind === 'PersistentVolumeClaim' && o.metadata.namespace === 'apps');
  assert.deepEqual(pvcs.map((p) => [p.metadata.name, p.spec.resources.requests.storage]).sort(), [['cloud-app', '10Gi'], ['cloud-data', '500Gi']]);

  const ing = objs.find((o) => o.kind === 'Ingress' && o.metadata.name === 'cloud-ingress')!;
  assert.equal(ing.spec.rules[0].host, 'cloud.lab.example.com');
  assert.deepEqual(ing.spec.rules[0].http.paths[0].backend.service, { name: 'cloud', port: { number: 80 } });
  const pol = objs.find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === 'cloud-network')!;
  assert.deepEqual(pol.spec.podSelector.matchLabels, { 'app.kubernetes.io/instance': 'cloud' }, 'the chart labels its pods with the release name');
  assert.deepEqual(pol.spec.ingress[0].ports, [{ protocol: 'TCP', port: 80 }], 'the container port the Service targets');
  assert.deepEqual(pol.spec.egress[0].to.map((t: any) => t.podSelector.matchLabels['app.kubernetes.io/instance']), ['pg', 'redis']);
  assert.ok(pol.spec.egress.some((e: any) => e.to[0].ipBlock?.cidr === '0.0.0.0/0'), 'app store and updates');

  assert.deepEqual(secretsOf(r, 'cloud'), [{ namespace: 'apps', name: 'cloud-admin', keys: { password: { generate: { length: 32 } } }, plain: { username: 'tom' } }]);
  const pgSecrets = secretsOf(r, 'pg');
  assert.ok(pgSecrets.some((s) => s.namespace === 'apps' && s.name === 'cloud-postgres' && s.plain?.database === 'cloud'), 'the provider creates the role, database and the consumer copy');
  assert.ok(secretsOf(r, 'redis').some((s) => s.namespace === 'apps' && s.name === 'cloud-redis'));
  const text = r.files.map((f) => f.contents).join('\n');
  assert.ok(!/changeme/.test(text), 'no chart default password');
  assert.ok(!/nextcloud-password|db-password/.test(text), 'only hearth\'s Secret keys');
});

test('nextcloud: internal without TLS, no cron, no internet; Redis without a password', async () => {
  const r = renderWith(modules, testLab([
    { name: 'postgresql', namespace: 'data' },
    { name: 'redis', namespace: 'data' },
    { name: 'nextcloud', namespace: 'apps', expose: 'internal', nodeSelector: { 'kubernetes.io/hostname': 'k3s-1' }, config: { cron: false, egressInternet: false, trustedProxies: ['10.42.0.0/16'] } },
  ]));
  assert.deepEqual(errors(r), []);
  assert.deepEqual(await schemaErrors(r.files), []);
  const objs = objects(r.files);
  const v = release(objs, 'nextcloud').spec.values;
  assert.equal(v.nextcloud.host, 'nextcloud.apps.svc.cluster.local');
  assert.deepEqual(v.phpClientHttpsFix, { enabled: false, protocol: 'https' });
  assert.deepEqual(v.nextcloud.extraEnv, [
    { name: 'REDIS_HOST', value: 'redis.data.svc.cluster.local' },
    { name: 'REDIS_HOST_PORT', value: '6379' },
    { name: 'TRUSTED_PROXIES', value: '10.42.0.0/16' },
  ]);
  assert.deepEqual(v.cronjob, { enabled: false });
  assert.deepEqual(v.nodeSelector, { 'kubernetes.io/hostname': 'k3s-1' });
  assert.ok(!objs.some((o) => o.kind === 'Ingress' && o.metadata.name === 'nextcloud-ingress'));
  const pol = objs.find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === 'nextcloud-network')!;
  assert.ok(!pol.spec.egress.some((e: any) => e.to[0].ipBlock), 'no internet egress');
});

test('nextcloud: without PostgreSQL and Redis apps the lab does not resolve', () => {
  const r = renderWith(modules, testLab([{ name: 'nextcloud', namespace: 'apps' }]));
  assert.deepEqual(errors(r), ['missing-dependency apps.0.module', 'missing-dependency apps.0.module']);
  assert.ok(r.issues.some((i) => /needs a PostgreSQL database/.test(i.message) && /add \{ name: postgresql, namespace: apps \}/.test(i.hint ?? '')));
  assert.ok(r.issues.some((i) => /needs a Redis cache/.test(i.message)));

  const onlyPg = renderWith(modules, testLab([{ name: 'postgresql', namespace: 'data' }, { name: 'nextcloud', namespace: 'apps' }]));
  assert.deepEqual(errors(onlyPg), ['missing-dependency apps.1.module']);
});

test('nextcloud: bad settings are reported at their path', () => {
  const r = renderWith(modules, testLab([
    { name: 'postgresql', namespace: 'data' },
    { name: 'redis', namespace: 'data' },
    { name: 'nextcloud', namespace: 'apps', config: { adminUser: 'tom smith', trustedProxies: ['10.42.0.0'], env: { NC_dbpassword: 'x' }, cronJob: true } },
  ]));
  const codes = errors(r);
  assert.ok(codes.some((c) => c.endsWith('apps.2.config.adminUser')), codes.join('\n'));
  assert.ok(codes.some((c) => c.endsWith('apps.2.config.trustedProxies.0')), codes.join('\n'));
  assert.ok(codes.includes('invalid-value apps.2.config.env.NC_dbpassword'), codes.join('\n'));
  assert.ok(codes.some((c) => c.endsWith('apps.2.config') || c.endsWith('apps.2.config.cronJob')), codes.join('\n'));
});

test('nextcloud: Argo CD and plain Helm layouts reference the chart repository', async () => {
  const apps = [
    { name: 'postgresql', namespace: 'data' },
    { name: 'redis', namespace: 'data' },
    { name: 'nextcloud', namespace: 'apps' },
  ];
  const argo = renderWith(modules, testLab(apps, { gitops: { engine: 'argocd', repo: { url: 'https://github.com/example/test-lab' } } }));
  assert.deepEqual(errors(argo), []);
  assert.deepEqual(await schemaErrors(argo.files), []);
  kustomizeAll(argo.files);
  const application = objects(argo.files).find((o) => o.kind === 'Application' && o.metadata.name === 'nextcloud')!;
  assert.deepEqual(
    [application.spec.source.repoURL, application.spec.source.chart, application.spec.source.targetRevision, application.spec.source.helm.valuesObject.fullnameOverride],
    ['https://nextcloud.github.io/helm/', 'nextcloud', '8.9.1', 'nextcloud'],
  );

  const helm = renderWith(modules, testLab(apps, { gitops: { engine: 'none' } }));
  assert.deepEqual(errors(helm), []);
  const deploy = helm.files.find((f) => f.path === 'scripts/deploy-all.sh')!.contents;
  assert.match(deploy, /helm repo add --force-update nextcloud https:\/\/nextcloud\.github\.io\/helm\//);
  assert.match(deploy, /helm upgrade --install nextcloud nextcloud\/nextcloud \\\n {2}--version 8\.9\.1/);
});
