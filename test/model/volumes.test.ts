import { test } from 'node:test';
import assert from 'node:assert/strict';
import { testLab, renderWith } from '../helpers/module-harness.js';

test('volumes carry what they hold, for backups and review: server databases, embedded databases, files, caches', () => {
  const r = renderWith(
    [],
    testLab([
      { name: 'postgresql', namespace: 'data' },
      { name: 'redis', namespace: 'data', config: { persistence: true } },
      { name: 'docs', module: 'paperless', namespace: 'apps', config: { database: 'postgres' } },
      { name: 'notes', module: 'paperless', namespace: 'apps', config: { database: 'sqlite' } },
      { name: 'ollama', namespace: 'ai' },
      { name: 'vaultwarden', namespace: 'apps', storage: 'local-path' },
    ]),
  );
  assert.deepEqual(r.issues.filter((i) => i.severity === 'error'), []);
  const content = Object.fromEntries(r.model!.apps.flatMap((a) => a.volumes.map((v) => [v.claim, v.content])));
  assert.deepEqual(content, {
    'postgresql-data': 'database',
    'redis-data': 'cache',
    'docs-data': 'files',
    'docs-media': 'files',
    'docs-consume': 'files',
    'docs-export': 'files',
    'notes-data': 'sqlite',
    'notes-media': 'files',
    'notes-consume': 'files',
    'notes-export': 'files',
    'ollama-models': 'cache',
    'vaultwarden-data': 'sqlite',
  });
});
