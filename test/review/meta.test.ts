/** Meta-test: every rule has its doc and its valid/invalid table, and ids are unique. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { RULES } from '../../src/review/rules/index.js';
import { ROOT } from '../helpers/labs.js';

test('every rule has docs/rules/<id>.md (what, why, fix, examples) and test/review/rules/<id>.test.ts with valid and invalid cases', () => {
  const missing: string[] = [];
  for (const r of RULES) {
    const doc = path.join(ROOT, 'docs/rules', `${r.id}.md`);
    if (!fs.existsSync(doc)) missing.push(`docs/rules/${r.id}.md`);
    else {
      const text = fs.readFileSync(doc, 'utf8');
      for (const h of ['## What it finds', '## Why it matters', '## How to fix', '## Examples', 'Incorrect', 'Correct']) if (!text.includes(h)) missing.push(`docs/rules/${r.id}.md: ${h}`);
    }
    const t = path.join(ROOT, 'test/review/rules', `${r.id}.test.ts`);
    if (!fs.existsSync(t)) missing.push(`test/review/rules/${r.id}.test.ts`);
    else {
      const text = fs.readFileSync(t, 'utf8');
      if (!/ruleTable\(rule,/.test(text) || !/valid: \[/.test(text) || !/invalid: \[/.test(text)) missing.push(`test/review/rules/${r.id}.test.ts: a ruleTable with valid and invalid cases`);
    }
  }
  assert.deepEqual(missing, []);
  assert.equal(new Set(RULES.map((r) => r.id)).size, RULES.length, 'unique ids');
  for (const r of RULES) assert.match(r.id, /^[a-z0-9]+(-[a-z0-9]+)*$/);
});
