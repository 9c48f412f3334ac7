/** Meta-test: every app module has its doc and its test, and renders in the every-module fixture lab. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { appModules } from '../../src/catalog/index.js';
import { ROOT } from '../helpers/labs.js';

test('every app module has docs/catalog/<name>.md, test/catalog/<name>.test.ts, and a place in the every-module lab', () => {
  const spec = parse(fs.readFileSync(path.join(ROOT, 'test/fixtures/labs/every-module/hearth.yaml'), 'utf8'));
  const used = new Set<string>(spec.apps.map((a: { name: string; module?: string }) => a.module ?? a.name));
  const missing: string[] = [];
  for (const m of appModules()) {
    if (!fs.existsSync(path.join(ROOT, 'docs/catalog', `${m.name}.md`))) missing.push(`docs/catalog/${m.name}.md`);
    if (!fs.existsSync(path.join(ROOT, 'test/catalog', `${m.name}.test.ts`))) missing.push(`test/catalog/${m.name}.test.ts`);
    if (!used.has(m.name)) missing.push(`every-module lab: ${m.name}`);
  }
  assert.deepEqual(missing, []);
});
