/**
 * Golden files: every example and fixture lab renders to exactly the files in
 * test/golden/<lab>/. `UPDATE_GOLDEN=1 npm test` rewrites them after an
 * intended change; review the diff like code.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { loadLab } from '../../src/pipeline.js';
import { renderLab } from '../../src/render/index.js';
import { labDirs, walk, ROOT } from '../helpers/labs.js';

const update = process.env.UPDATE_GOLDEN === '1';

for (const lab of labDirs()) {
  test(`${lab.name} renders its golden files`, async () => {
    const r = await loadLab(lab.dir);
    assert.deepEqual(r.issues.filter((i) => i.severity === 'error'), [], 'the lab must be valid');
    const files = renderLab(r.model!);
    const again = renderLab((await loadLab(lab.dir)).model!);
    assert.deepEqual(again, files, 'rendering twice gives the same bytes');
    const golden = path.join(ROOT, 'test/golden', lab.name);
    if (update) {
      fs.rmSync(golden, { recursive: true, force: true });
      for (const f of files) {
        fs.mkdirSync(path.dirname(path.join(golden, f.path)), { recursive: true });
        fs.writeFileSync(path.join(golden, f.path), f.contents);
      }
    }
    assert.ok(fs.existsSync(golden), `no golden files for ${lab.name}: run UPDATE_GOLDEN=1 npm test`);
    assert.deepEqual(files.map((f) => f.path), walk(golden), 'the set of rendered files differs from the golden files');
    for (const f of files) {
      assert.equal(f.contents, fs.readFileSync(path.join(golden, f.path), 'utf8'), `${f.path} differs from its golden file (UPDATE_GOLDEN=1 to accept)`);
    }
  });
}
