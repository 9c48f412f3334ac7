import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defineModule } from '../../src/catalog/types.js';
import container from '../../src/catalog/apps/container.js';
import { testLab, renderWith } from '../helpers/module-harness.js';

const traits = { expose: 'internal' as const, volumes: [], resources: { requests: {}, limits: {} }, replicas: 1 };
const db = defineModule({ name: 'fake-db', kind: 'app', summary: 'a database', layer: 'apps', dir: 'fake-db', app: () => traits, render: () => ({ manifests: [] }) });
const consumer = defineModule({
  name: 'fake-app',
  kind: 'app',
  summary: 'needs a database',
  layer: 'apps',
  dir: 'fake-app',
  app: () => ({ ...traits, needs: [{ module: 'fake-db', purpose: 'a database' }, { module: 'fake-cache', purpose: 'a cache', optional: true }] }),
  render: () => ({ manifests: [] }),
});

const codes = (r: ReturnType<typeof renderWith>) => r.issues.filter((i) => i.severity === 'error').map((i) => `${i.code} ${i.path.join('.')}`);

test('a need links to the only provider and becomes a dependency', () => {
  const r = renderWith([db, consumer, container], testLab([
    { name: 'db', module: 'fake-db', namespace: 'data' },
    { name: 'app', module: 'fake-app', namespace: 'apps' },
  ]));
  assert.deepEqual(codes(r), []);
  const app = r.model!.apps.find((a) => a.name === 'app')!;
  assert.deepEqual(app.links, { 'fake-db': 'db' });
  assert.deepEqual(app.dependsOn, ['db']);
  assert.deepEqual(r.model!.components.find((c) => c.id === 'app')!.dependsOn, ['db']);
});

test('a missing provider is an error with the app to add; an optional one is skipped', () => {
  const r = renderWith([db, consumer], testLab([{ name: 'app', module: 'fake-app', namespace: 'apps' }]));
  assert.deepEqual(codes(r), ['missing-dependency apps.0.module']);
  assert.match(r.issues[0].hint!, /add \{ name: fake-db, namespace: apps \}/);
});

test('several providers: dependsOn picks one, otherwise an error', () => {
  const two = [
    { name: 'db1', module: 'fake-db', namespace: 'data' },
    { name: 'db2', module: 'fake-db', namespace: 'data' },
  ];
  assert.deepEqual(codes(renderWith([db, consumer], testLab([...two, { name: 'app', module: 'fake-app', namespace: 'apps' }]))), ['missing-dependency apps.2.dependsOn']);
  const r = renderWith([db, consumer], testLab([...two, { name: 'app', module: 'fake-app', namespace: 'apps', dependsOn: ['db2'] }]));
  assert.deepEqual(codes(r), []);
  assert.deepEqual(r.model!.apps.find((a) => a.name === 'app')!.links, { 'fake-db': 'db2' });
});
