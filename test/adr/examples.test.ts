/** The examples carry their seeds' decisions: readable records, linked from the spec, governing the paths they decide — and the spec follows them. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { readDecisions } from '../../src/adr/store.js';
import { governsViolations } from '../../src/adr/lint.js';
import { loadLab } from '../../src/pipeline.js';
import { ROOT } from '../helpers/labs.js';

const EXAMPLES = fs.readdirSync(path.join(ROOT, 'examples')).filter((e) => fs.existsSync(path.join(ROOT, 'examples', e, 'hearth.yaml')));

for (const ex of EXAMPLES) {
  test(`${ex}: decision records read cleanly, are linked from the spec, govern it, and the spec follows them`, async () => {
    const dir = path.join(ROOT, 'examples', ex);
    const read = readDecisions(path.join(dir, 'decisions'));
    assert.deepEqual(read.problems, []);
    assert.ok(read.records.length > 0, 'the example carries its seed\'s decisions');
    const lab = await loadLab(dir);
    assert.ok(lab.spec);
    for (const ref of lab.spec.decisions) {
      assert.ok(ref.file, `${ref.id} names its file`);
      const rec = read.records.find((r) => r.record.id === ref.id);
      assert.ok(rec, `${ref.id} exists in decisions/`);
      assert.equal(path.relative(dir, rec.file), ref.file);
    }
    const records = read.records.map((r) => r.record);
    assert.ok(records.some((r) => r.status === 'accepted' && r.governs.length > 0), 'at least one accepted decision governs the spec');
    assert.deepEqual(governsViolations(records, lab.spec).map((v) => `${v.record.id} ${v.path}`), []);
  });
}
