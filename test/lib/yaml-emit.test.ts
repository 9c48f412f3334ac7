import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parse, parseAllDocuments } from 'yaml';
import { toYaml, toYamlDocuments, type JsonValue } from '../../src/lib/yaml-emit.js';

// Strings YAML parsers like to read as something else.
const tricky = fc.constantFrom(
  '', ' ', 'yes', 'No', 'ON', 'off', 'y', 'n', 'true', 'False', 'null', 'Null', '~', '-', '--', '---', '...',
  '1', '-1', '+1', '1.5', '.5', '1e3', '1E-3', '0x1F', '0o17', '0b101', '017', '1_000', '12:30', '1:2:3', '.inf', '-.Inf', '.NaN',
  '2024-01-01', '2024-1-1T10:00:00Z', '250m', '1Gi', '10s', '0.0.0.0/0', 'a: b', 'a:b', 'a #b', '#c', '- x', '? x', ': x',
  '&a', '*a', '!tag', '%x', '@x', '`x', '{', '}', '[', ']', ',', '"', "'", '|', '>', 'x:', 'http://a.b/c?d=e#f',
  ' lead', 'trail ', 'tab\there', 'a\nb', 'a\n', 'a\n\n', '\n', '\na', '  indented\nnext', 'line\n  more\n', 'x\r\ny', 'nul\u0000', 'bell\u0007',
  'uni ☃', 'emoji 😀', '\u2028sep', '\ufeffbom', 'café', '"quoted"', "it's", 'back\\slash', '$HOME', '${VAR}', '{{ tpl }}',
  'key=value:NoSchedule', 'metallb.io/loadBalancerIPs', 'app.kubernetes.io/name',
);

const str = fc.oneof(tricky, fc.string(), fc.string({ unit: 'grapheme' }), fc.stringMatching(/^[a-z0-9 .:\-\n#]{0,12}$/));

const json: fc.Arbitrary<JsonValue> = fc.letrec<{ v: JsonValue }>((tie) => ({
  v: fc.oneof(
    { depthSize: 'small' },
    str,
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }).map((d) => (Object.is(d, -0) ? 0 : d)),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('v'), { maxLength: 4 }),
    fc.dictionary(str, tie("v"), { maxKeys: 4, noNullPrototype: true }),
  ),
})).v;

test('round-trips through the yaml package under YAML 1.2 and 1.1', () => {
  fc.assert(
    fc.property(json, (value) => {
      const text = toYaml(value);
      assert.deepEqual(parse(text, { version: '1.2', uniqueKeys: false }), value, `YAML 1.2 read differently:\n${text}`);
      assert.deepEqual(parse(text, { version: '1.1', uniqueKeys: false }), value, `YAML 1.1 read differently:\n${text}`);
    }),
    { numRuns: 3000 },
  );
});

test('multi-document streams parse into the same documents', () => {
  fc.assert(
    fc.property(fc.array(fc.dictionary(str, json, { minKeys: 1, maxKeys: 3, noNullPrototype: true }), { minLength: 1, maxLength: 4 }), (docs) => {
      const parsed = parseAllDocuments(toYamlDocuments(docs)).map((d) => d.toJS());
      assert.deepEqual(parsed, docs);
    }),
    { numRuns: 500 },
  );
});

test('emits readable Kubernetes style', () => {
  const text = toYaml({
    metadata: { name: 'web', labels: { 'app.kubernetes.io/name': 'web' } },
    spec: { replicas: 2, ports: [{ name: 'http', port: 80 }], args: [], empty: {}, script: 'echo hi\necho bye\n', cpu: '250m', when: 'yes' },
  });
  assert.equal(
    text,
    [
      'metadata:',
      '  name: web',
      '  labels:',
      '    app.kubernetes.io/name: web',
      'spec:',
      '  replicas: 2',
      '  ports:',
      '    - name: http',
      '      port: 80',
      '  args: []',
      '  empty: {}',
      '  script: |',
      '    echo hi',
      '    echo bye',
      '  cpu: 250m',
      '  when: "yes"',
      '',
    ].join('\n'),
  );
});
