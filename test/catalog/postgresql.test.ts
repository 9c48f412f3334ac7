import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defineModule, type SecretRequest } from '../../src/catalog/types.js';
import postgresql, { postgresConnection, bootstrapSql, type PostgresNeed } from '../../src/catalog/apps/postgresql.js';
import redis from '../../src/catalog/apps/redis.js';
import paperless from '../../src/catalog/apps/paperless.js';
import { testLab, renderWith, objects, schemaErrors, kustomizeAll, type ModuleLab } from '../helpers/module-harness.js';

const modules = [postgresql, redis, paperless];

/** The module's own output for one component (the secret requests are not written to files yet). */
function secretsOf(r: ModuleLab, id: string): SecretRequest[] {
  const comp = r.model!.components.find((c) => c.id === id)!;
  return comp.module.render({ lab: r.model!, component: comp, config: comp.app!.config }).secrets ?? [];
}

const errors = (r: ModuleLab) => r.issues.filter((i) => i.severity === 'error').map((i) => `${i.code} ${i.path.join('.')}`);

const lab = testLab([
  { name: 'pg', module: 'postgresql', namespace: 'data', config: { extraDatabases: ['grafana'] } },
  { name: 'redis', namespace: 'data' },
  { name: 'paperless', namespace: 'apps', config: { database: 'postgres' } },
  { name: 'paperless-team', module: 'paperless', namespace: 'media', config: { database: 'postgres' } },
]);

test('postgresql: one shared StatefulSet, Services, a bootstrap Job per consumer list, secrets requested', async () => {
  const r = renderWith(modules, lab);
  assert.deepEqual(errors(r), []);
  assert.deepEqual(await schemaErrors(r.files), []);
  kustomizeAll(r.files);
  const objs = objects(r.files);

  const sts = objs.find((o) => o.kind === 'StatefulSet' && o.metadata.name === 'pg')!;
  assert.equal(sts.metadata.namespace, 'data');
  assert.equal(sts.spec.replicas, 1);
  assert.equal(sts.spec.serviceName, 'pg-headless');
  const pod = sts.spec.template.spec;
  assert.deepEqual(pod.securityContext, { runAsNonRoot: true, runAsUser: 70, runAsGroup: 70, fsGroup: 70, fsGroupChangePolicy: 'OnRootMismatch', seccompProfile: { type: 'RuntimeDefault' } });
  const c = pod.containers[0];
  assert.equal(c.image, 'postgres:18.6-alpine');
  assert.deepEqual(c.volumeMounts[0], { name: 'data', mountPath: '/var/lib/postgresql' }, 'PG 18: the volume on /var/lib/postgresql, PGDATA below it');
  assert.ok(!c.env.some((e: any) => e.name === 'PGDATA'), 'PGDATA keeps the image default');
  assert.deepEqual(c.env.find((e: any) => e.name === 'POSTGRES_PASSWORD').valueFrom, { secretKeyRef: { name: 'pg-superuser', key: 'password' } });
  assert.deepEqual(c.readinessProbe.exec.command.slice(0, 1), ['pg_isready']);
  assert.deepEqual(c.resources, { requests: { cpu: '100m', memory: '256Mi' }, limits: { memory: '1Gi' } });
  assert.deepEqual(pod.volumes[0], { name: 'data', persistentVolumeClaim: { claimName: 'pg-data' } });
  const pvc = objs.find((o) => o.kind === 'PersistentVolumeClaim' && o.metadata.name === 'pg-data')!;
  assert.deepEqual([pvc.spec.accessModes, pvc.spec.storageClassName, pvc.spec.resources.requests.storage], [['ReadWriteOnce'], 'nfs', '20Gi']);

  const svc = objs.find((o) => o.kind === 'Service' && o.metadata.name === 'pg')!;
  assert.equal(svc.spec.type, 'ClusterIP');
  assert.equal(svc.spec.ports[0].port, 5432);
  assert.equal(objs.find((o) => o.kind === 'Service' && o.metadata.name === 'pg-headless')!.spec.clusterIP, 'None');
  assert.equal(svc.spec.selector['app.kubernetes.io/component'], 'server', 'the Service never selects the Job pod');

  const job = objs.find((o) => o.kind === 'Job')!;
  assert.match(job.metadata.name, /^pg-bootstrap-[0-9a-f]{8}$/);
  assert.equal(job.spec.ttlSecondsAfterFinished, 86400);
  assert.equal(job.spec.backoffLimit, 6);
  const jc = job.spec.template.spec.containers[0];
  assert.equal(jc.image, 'postgres:18.6-alpine', 'the psql of the server image');
  const script: string = jc.command.join('\n');
  for (const role of ['paperless', 'paperless-team', 'grafana']) {
    assert.ok(script.includes(`CREATE ROLE "${role}" LOGIN;`), role);
    assert.ok(script.includes(`rolname = '${role}'`), role);
    assert.ok(script.includes(`SELECT 'CREATE DATABASE "${role}" OWNER "${role}"' WHERE NOT EXISTS (SELECT FROM pg_catalog.pg_database WHERE datname = '${role}')\\gexec`), role);
    assert.ok(script.includes(`REVOKE ALL ON DATABASE "${role}" FROM PUBLIC;`), role);
  }
  assert.ok(script.includes('DO $$'), 'roles in a DO block');
  assert.match(script, /\\getenv role_password ROLE_PASSWORD_0\nALTER ROLE "grafana" WITH LOGIN PASSWORD :'role_password';/);
  assert.doesNotMatch(script, /PASSWORD\s+'/, 'no literal password in the script');
  assert.ok(!script.includes('CREATE EXTENSION'), 'no extension without a request');
  for (const e of jc.env) {
    if (/PASSWORD/.test(e.name)) assert.ok(e.valueFrom?.secretKeyRef && !('value' in e), `${e.name} comes from a Secret`);
  }
  assert.deepEqual(
    jc.env.filter((e: any) => e.name.startsWith('ROLE_PASSWORD_')).map((e: any) => e.valueFrom.secretKeyRef.name),
    ['pg-grafana', 'pg-paperless', 'pg-paperless-team'],
  );

  // Default-deny: the Job may reach the server; consumers reach it through hearth's own policy.
  assert.ok(objs.some((o) => o.kind === 'NetworkPolicy' && o.metadata.name === 'pg-bootstrap-egress'));
  const inPol = objs.find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === 'pg-bootstrap-ingress')!;
  assert.equal(inPol.spec.podSelector.matchLabels['app.kubernetes.io/component'], 'server');
  const pgPol = objs.find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === 'pg-network')!;
  assert.deepEqual(pgPol.spec.ingress.at(-1).from.map((f: any) => f.podSelector.matchLabels['app.kubernetes.io/instance']), ['paperless', 'paperless-team']);

  // Secrets: superuser, one per role in the provider namespace, a copy per consumer in its namespace.
  const secrets = secretsOf(r, 'pg');
  const byName = new Map(secrets.map((s) => [`${s.namespace}/${s.name}`, s]));
  assert.deepEqual([...byName.keys()].sort(), ['apps/paperless-postgres', 'data/pg-grafana', 'data/pg-paperless', 'data/pg-paperless-team', 'data/pg-superuser', 'media/paperless-team-postgres']);
  assert.deepEqual(byName.get('data/pg-superuser'), { namespace: 'data', name: 'pg-superuser', keys: { password: { generate: { length: 32 } } }, plain: { username: 'postgres' } });
  assert.deepEqual(byName.get('data/pg-paperless'), { namespace: 'data', name: 'pg-paperless', keys: { password: { generate: { length: 32 } } }, plain: { username: 'paperless' } });
  assert.deepEqual(byName.get('apps/paperless-postgres'), {
    namespace: 'apps',
    name: 'paperless-postgres',
    keys: { password: { sameAs: { namespace: 'data', name: 'pg-paperless', key: 'password' } } },
    plain: { username: 'paperless', host: 'pg.data.svc.cluster.local', port: '5432', database: 'paperless' },
  });

  const consumer = r.model!.apps.find((a) => a.name === 'paperless-team')!;
  assert.deepEqual(postgresConnection(r.model!, consumer), { host: 'pg.data.svc.cluster.local', port: 5432, database: 'paperless-team', username: 'paperless-team', secretName: 'paperless-team-postgres' });
});

test('postgresql: a changed consumer list renames (re-runs) the Job; no consumers, no Job', () => {
  const name = (apps: Parameters<typeof testLab>[0]) => objects(renderWith(modules, testLab(apps)).files).find((o) => o.kind === 'Job')?.metadata.name;
  const pg = { name: 'pg', module: 'postgresql', namespace: 'data' };
  const rd = { name: 'redis', namespace: 'data' };
  const one = name([pg, rd, { name: 'paperless', namespace: 'apps', config: { database: 'postgres' } }]);
  const same = name([pg, rd, { name: 'paperless', namespace: 'apps', config: { database: 'postgres' } }]);
  const two = name([pg, rd, { name: 'paperless', namespace: 'apps', config: { database: 'postgres' } }, { name: 'docs', module: 'paperless', namespace: 'media', config: { database: 'postgres' } }]);
  assert.ok(one && two);
  assert.equal(one, same, 'deterministic');
  assert.notEqual(one, two);
  assert.equal(name([pg]), undefined);
  assert.deepEqual(secretsOf(renderWith(modules, testLab([pg])), 'pg').map((s) => s.name), ['pg-superuser']);
});

test('postgresql: pgvector switches the image and uid; consumers asking for vector get the extension', async () => {
  const vectorApp = defineModule({
    name: 'vector-app',
    kind: 'app',
    summary: 'needs pgvector',
    layer: 'apps',
    dir: 'vector-app',
    app: () => ({
      expose: 'internal',
      volumes: [],
      resources: { requests: {}, limits: {} },
      replicas: 1,
      needs: [{ module: 'postgresql', purpose: 'a PostgreSQL database with pgvector', extensions: ['vector'] } as PostgresNeed],
    }),
    render: () => ({ manifests: [] }),
  });
  const r = renderWith([...modules, vectorApp], testLab([
    { name: 'pg', module: 'postgresql', namespace: 'data', config: { pgvector: true } },
    { name: 'redis', namespace: 'data' },
    { name: 'rag', module: 'vector-app', namespace: 'ai' },
    { name: 'paperless', namespace: 'apps', config: { database: 'postgres' } },
  ]));
  assert.deepEqual(errors(r), []);
  assert.deepEqual(await schemaErrors(r.files), []);
  const objs = objects(r.files);
  const sts = objs.find((o) => o.kind === 'StatefulSet')!;
  assert.equal(sts.spec.template.spec.containers[0].image, 'pgvector/pgvector:0.8.6-pg18-trixie');
  assert.equal(sts.spec.template.spec.securityContext.runAsUser, 999);
  const job = objs.find((o) => o.kind === 'Job')!;
  assert.equal(job.spec.template.spec.securityContext.runAsUser, 999);
  const script: string = job.spec.template.spec.containers[0].command.join('\n');
  assert.match(script, /\\connect "rag"\nCREATE EXTENSION IF NOT EXISTS vector;/);
  assert.ok(!script.includes('\\connect "paperless"'), 'only where asked');
});

test('postgresql: bootstrap SQL quotes every name and reads each password from its own variable', () => {
  const sql = bootstrapSql([{ role: 'a-b', vector: false }, { role: 'c', vector: true }]);
  assert.ok(sql.includes('\\getenv role_password ROLE_PASSWORD_0\nALTER ROLE "a-b"'));
  assert.ok(sql.includes('\\getenv role_password ROLE_PASSWORD_1\nALTER ROLE "c"'));
  assert.ok(sql.trimEnd().endsWith('CREATE EXTENSION IF NOT EXISTS vector;'));
});

test('postgresql: only version 18; extra database names are checked', () => {
  const r = renderWith(modules, testLab([{ name: 'pg', module: 'postgresql', namespace: 'data', config: { version: 17, extraDatabases: ['Bad_Name', 'postgres'] } }]));
  const codes = errors(r);
  assert.ok(codes.includes('invalid-value apps.0.config.version'), codes.join('\n'));
  assert.ok(codes.some((c) => c.endsWith('apps.0.config.extraDatabases.0')), codes.join('\n'));
  assert.ok(codes.some((c) => c.endsWith('apps.0.config.extraDatabases.1')), codes.join('\n'));
});
