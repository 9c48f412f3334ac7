/**
 * The fast YAML path (js-yaml) and the full path (`yaml` with positions) must
 * read every spec the same way, and the fast path must never accept what the
 * full path rejects.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { parseYamlSpec, parseYamlSpecFull } from '../../src/spec/load.js';
import { toYaml, type JsonValue } from '../../src/lib/yaml-emit.js';
import { labDirs } from '../helpers/labs.js';

test('both paths read every example and fixture the same', () => {
  for (const lab of labDirs()) {
    const file = path.join(lab.dir, 'hearth.yaml');
    if (!fs.existsSync(file)) continue;
    const text = fs.readFileSync(file, 'utf8');
    assert.deepEqual(parseYamlSpec(text, file).data, parseYamlSpecFull(text, file).data, lab.name);
  }
});

const scalar = fc.oneof(
  fc.string(),
  fc.constantFrom('yes', 'no', 'on', 'off', 'true', 'null', '~', '1e3', '0x1f', '0o17', '017', '1_000', '12:30', '2024-01-01', '.inf', '.NaN', '+1', '-.5'),
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
);
const value: fc.Arbitrary<JsonValue> = fc.letrec<{ v: JsonValue }>((tie) => ({
  v: fc.oneof({ depthSize: 'small' }, scalar as fc.Arbitrary<JsonValue>, fc.array(tie('v'), { maxLength: 3 }), fc.dictionary(fc.string({ minLength: 1 }), tie('v'), { maxKeys: 3, noNullPrototype: true })),
})).v;

test('random documents: same data from both paths', () => {
  fc.assert(
    fc.property(fc.dictionary(fc.string({ minLength: 1 }), value, { minKeys: 1, maxKeys: 4, noNullPrototype: true }), (doc) => {
      const text = toYaml(doc);
      assert.deepEqual(parseYamlSpec(text, 'x.yaml').data, parseYamlSpecFull(text, 'x.yaml').data);
    }),
    { numRuns: 1000 },
  );
});

test('random hand-written text: the fast path accepts only what the full path accepts, with the same data', () => {
  const plain = fc.constantFrom('yes', 'No', '1e3', '0x10', '017', '12:30', '2024-01-01', "'quoted'", '"dq"', '[a, b]', '{a: 1}', '|\n  block', '>\n  folded', '~', 'null', '.5', 'a b', 'a: b');
  fc.assert(
    fc.property(fc.array(fc.tuple(fc.constantFrom('a', 'b', 'c', 'x y', '"k"'), plain), { minLength: 1, maxLength: 5 }), (pairs) => {
      const text = pairs.map(([k, v]) => `${k}: ${v}`).join('\n') + '\n';
      const fast = parseYamlSpec(text, 'x.yaml');
      const full = parseYamlSpecFull(text, 'x.yaml');
      const fullOk = !full.issues.some((i) => i.severity === 'error');
      if (fast.issues.length === 0 && fast.data !== undefined) {
        assert.ok(fullOk, `fast path accepted what the full path rejects:\n${text}`);
        assert.deepEqual(fast.data, full.data, text);
      }
    }),
    { numRuns: 2000 },
  );
});

test('anchors and aliases always take the full path (alias limit enforced)', () => {
  const text = 'a: &x [1, 2]\nb: *x\n';
  const r = parseYamlSpec(text, 'x.yaml');
  assert.deepEqual(r.data, { a: [1, 2], b: [1, 2] });
});
