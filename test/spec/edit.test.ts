/**
 * `addApp` (src/spec/edit.ts): one app entry appended to `apps` while every
 * other byte of the spec stays as it was. Each case checks three things: the
 * result reads as the input plus the entry (with both YAML readers hearth
 * uses), every original line is still there in order and unchanged, and
 * (where the input's layout allows it) the edit is one contiguous insertion.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { parse, parseDocument, visit, isScalar } from 'yaml';
import { addApp, SpecEditError } from '../../src/spec/edit.js';
import { parseYamlSpec } from '../../src/spec/load.js';
import { checkLabText } from '../../src/pipeline.js';
import { labDirs } from '../helpers/labs.js';

type Entry = Record<string, unknown>;

const VW: Entry = { name: 'vaultwarden', namespace: 'apps' };
const NESTED: Entry = {
  name: 'notes',
  module: 'container',
  namespace: 'apps',
  expose: 'lan',
  config: { image: 'nginx:1.29', ports: [{ name: 'http', port: 80 }], env: { MOTD: 'line one\nline two', EMPTY: '', ODD: 'a: b # c' } },
};

/** The data the edited text must hold: the input's plus the entry at the end of `apps`. */
function expected(input: string, entry: Entry): unknown {
  const before = (parse(input) ?? {}) as Record<string, unknown>;
  return { ...before, apps: [...(Array.isArray(before.apps) ? before.apps : []), entry] };
}

function lines(text: string): string[] {
  return text.split(/\r?\n/);
}

/** Every line of `a`, in order and unchanged, is a line of `b` (`except` lines of `a` may have changed). */
function assertLinesKept(a: string, b: string, except: readonly string[] = []): void {
  const out = lines(b);
  let j = 0;
  for (const l of lines(a)) {
    if (except.includes(l)) continue;
    while (j < out.length && out[j] !== l) j++;
    assert.ok(j < out.length, `original line ${JSON.stringify(l)} is missing or out of order in:\n${b}`);
    j++;
  }
}

/** `b` is `a` with one piece of text inserted somewhere: a prefix of `a`, the insertion, the rest of `a`. */
function assertOneInsertion(a: string, b: string): void {
  let p = 0;
  while (p < a.length && a[p] === b[p]) p++;
  assert.ok(b.length > a.length, 'the text grew');
  assert.equal(b.slice(b.length - (a.length - p)), a.slice(p), `not a single insertion:\n${b}`);
}

function check(input: string, entry: Entry, opts: { changed?: string[] } = {}): string {
  const out = addApp(input, entry);
  const want = expected(input, entry);
  assert.deepEqual(parse(out), want, `the yaml package reads the result differently:\n${out}`);
  const fast = parseYamlSpec(out, 'hearth.yaml');
  assert.deepEqual(fast.issues, []);
  assert.deepEqual(fast.data, want, `hearth's loader reads the result differently:\n${out}`);
  assertLinesKept(input, out, opts.changed);
  if (!opts.changed) assertOneInsertion(input, out);
  if (input.includes('\r\n')) assert.doesNotMatch(out, /(^|[^\r])\n/, 'CRLF input keeps CRLF everywhere');
  else assert.doesNotMatch(out, /\r/);
  return out;
}

interface Case {
  name: string;
  input: string;
  entry?: Entry;
  /** Original lines the edit may rewrite (`apps: []`). */
  changed?: string[];
  /** The exact result, where the layout is the point. */
  output?: string;
}

const CASES: Case[] = [
  {
    name: 'comments above apps',
    input: 'name: lab\n\n# The apps.\n# One entry per app.\napps:\n  # the first\n  - name: a\n    namespace: apps\n',
    output: 'name: lab\n\n# The apps.\n# One entry per app.\napps:\n  # the first\n  - name: a\n    namespace: apps\n  - name: vaultwarden\n    namespace: apps\n',
  },
  {
    name: 'comments inside apps: between items, inside the last item, trailing deeper comments',
    input:
      'apps:\n  - name: a   # first\n    namespace: apps\n  # between a and b\n  - name: b\n    namespace: apps\n    config:\n      x: 1       # aligned\n      # y: 2\n    # about b\nnext: 1\n',
    output:
      'apps:\n  - name: a   # first\n    namespace: apps\n  # between a and b\n  - name: b\n    namespace: apps\n    config:\n      x: 1       # aligned\n      # y: 2\n    # about b\n  - name: vaultwarden\n    namespace: apps\nnext: 1\n',
  },
  {
    name: 'comments after apps, at the sequence column and at the root',
    input: 'apps:\n  - name: a\n    namespace: apps\n  # - name: later\n# the requirements\n\nrequirements: []\n',
    output: 'apps:\n  - name: a\n    namespace: apps\n  - name: vaultwarden\n    namespace: apps\n  # - name: later\n# the requirements\n\nrequirements: []\n',
  },
  {
    name: 'flow apps: [] becomes a block sequence',
    input: 'name: lab\napps: []\nnamespaces: [{ name: apps }]\n',
    changed: ['apps: []'],
    output: 'name: lab\napps:\n  - name: vaultwarden\n    namespace: apps\nnamespaces: [{ name: apps }]\n',
  },
  {
    name: 'flow apps: [] with a comment keeps the comment in its column',
    input: 'name: lab\napps: []         # none yet\nnamespaces: [{ name: apps }]\n',
    changed: ['apps: []         # none yet'],
    output: 'name: lab\napps:            # none yet\n  - name: vaultwarden\n    namespace: apps\nnamespaces: [{ name: apps }]\n',
  },
  {
    name: 'a non-empty flow list takes a flow entry in its own padding style',
    input: 'apps: [{name: a, namespace: apps}]   # flow\nnext: 1\n',
    changed: ['apps: [{name: a, namespace: apps}]   # flow'],
    output: 'apps: [{name: a, namespace: apps}, {name: vaultwarden, namespace: apps}]   # flow\nnext: 1\n',
  },
  {
    name: 'a multi-line flow list',
    input: 'apps: [\n  { name: a, namespace: apps },\n  { name: b, namespace: apps }\n]\n',
    changed: ['  { name: b, namespace: apps }'],
  },
  {
    name: 'block sequence, 2 spaces, indented',
    input: 'apps:\n  - name: a\n    namespace: apps\n    config:\n      list:\n        - x\n',
    entry: NESTED,
  },
  {
    name: 'block sequence, 2 spaces, not indented',
    input: 'apps:\n- name: a\n  namespace: apps\n  config:\n    list:\n    - x\nnext: 1\n',
    entry: NESTED,
    output:
      'apps:\n- name: a\n  namespace: apps\n  config:\n    list:\n    - x\n- name: notes\n  module: container\n  namespace: apps\n  expose: lan\n  config:\n    image: nginx:1.29\n    ports:\n    - name: http\n      port: 80\n    env:\n      MOTD: |-\n        line one\n        line two\n      EMPTY: ""\n      ODD: "a: b # c"\nnext: 1\n',
  },
  {
    name: 'block sequence, 4 spaces, indented',
    input: 'apps:\n    - name: a\n      namespace: apps\n      config:\n          list:\n              - x\nnext:\n    a: 1\n',
    entry: NESTED,
  },
  {
    name: 'block sequence, 4 spaces, not indented',
    input: 'apps:\n-   name: a\n    namespace: apps\n    config:\n        list:\n        -   x\nnext:\n    a: 1\n',
    entry: NESTED,
  },
  {
    name: 'block sequence, 4 spaces, not indented: the new item copies the layout',
    input: 'apps:\n-   name: a\n    namespace: apps\nnext:\n    a: 1\n',
    entry: { name: 'v', namespace: 'apps', config: { m: { k: 1 } } },
    output: 'apps:\n-   name: a\n    namespace: apps\n-   name: v\n    namespace: apps\n    config:\n        m:\n            k: 1\nnext:\n    a: 1\n',
  },
  {
    name: 'no apps key in a 4-space document: the new key copies the layout',
    input: 'name: lab\nnamespaces:\n    -   name: apps\n        labels:\n            a: b\n',
    output: 'name: lab\nnamespaces:\n    -   name: apps\n        labels:\n            a: b\napps:\n    -   name: vaultwarden\n        namespace: apps\n',
  },
  {
    name: 'items separated by blank lines: the new one is too',
    input: 'apps:\n  - name: a\n    namespace: apps\n\n  - name: b\n    namespace: apps\n\nnext: 1\n',
    output: 'apps:\n  - name: a\n    namespace: apps\n\n  - name: b\n    namespace: apps\n\n  - name: vaultwarden\n    namespace: apps\n\nnext: 1\n',
  },
  {
    name: 'no apps key: added after the last key, before trailing root comments',
    input: 'name: lab\nnamespaces:\n  - name: apps   # the only one\n    # more later\n\n# end of the spec\n',
    output: 'name: lab\nnamespaces:\n  - name: apps   # the only one\n    # more later\n  apps:\n'.replace('  apps:\n', 'apps:\n  - name: vaultwarden\n    namespace: apps\n') + '\n# end of the spec\n',
  },
  {
    name: 'no apps key in a document with a non-indented style',
    input: 'name: lab\nnamespaces:\n- name: apps\n',
    output: 'name: lab\nnamespaces:\n- name: apps\napps:\n- name: vaultwarden\n  namespace: apps\n',
  },
  {
    name: 'apps: with no value and commented-out entries',
    input: 'name: lab\napps:\n  # - name: old\nnext: 1\n',
    output: 'name: lab\napps:\n  # - name: old\n  - name: vaultwarden\n    namespace: apps\nnext: 1\n',
  },
  {
    name: 'apps: ~',
    input: 'name: lab\napps: ~\nnext: 1\n',
    changed: ['apps: ~'],
    output: 'name: lab\napps:\n  - name: vaultwarden\n    namespace: apps\nnext: 1\n',
  },
  {
    name: 'trailing comments at the end of the file',
    input: 'apps:\n  - name: a\n    namespace: apps\n# trailing one\n# trailing two\n',
    output: 'apps:\n  - name: a\n    namespace: apps\n  - name: vaultwarden\n    namespace: apps\n# trailing one\n# trailing two\n',
  },
  {
    name: 'no line break at the end of the file',
    input: 'apps:\n  - name: a\n    namespace: apps',
    output: 'apps:\n  - name: a\n    namespace: apps\n  - name: vaultwarden\n    namespace: apps\n',
  },
  {
    name: 'CRLF line endings',
    input: '# lab\r\nname: lab\r\napps:\r\n  - name: a   # a\r\n    namespace: apps\r\n\r\nnext: 1\r\n',
    entry: NESTED,
  },
  {
    name: 'CRLF without apps',
    input: 'name: lab\r\nnamespaces:\r\n  - name: apps\r\n',
    output: 'name: lab\r\nnamespaces:\r\n  - name: apps\r\napps:\r\n  - name: vaultwarden\r\n    namespace: apps\r\n',
  },
  {
    name: 'a yaml-language-server modeline stays the first line',
    input: '# yaml-language-server: $schema=./hearth.schema.json\nname: lab\napps:\n  - name: a\n    namespace: apps\n',
  },
  {
    name: 'a modeline and nothing else',
    input: '# yaml-language-server: $schema=./hearth.schema.json\n',
    output: '# yaml-language-server: $schema=./hearth.schema.json\napps:\n  - name: vaultwarden\n    namespace: apps\n',
  },
  {
    name: 'the last item ends in a kept block scalar (|+): its blank lines stay in it',
    input: 'apps:\n  - name: a\n    namespace: apps\n  - name: b\n    namespace: apps\n    config:\n      motd: |+\n        hello\n\n\nnext: 1\n',
  },
  {
    name: 'blank-line-separated items, the last ending in a kept block scalar: no extra blank line',
    input: 'apps:\n  - name: a\n    namespace: apps\n\n  - name: b\n    namespace: apps\n    motd: |+\n      hello\n\nnext: 1\n',
    output: 'apps:\n  - name: a\n    namespace: apps\n\n  - name: b\n    namespace: apps\n    motd: |+\n      hello\n\n  - name: vaultwarden\n    namespace: apps\nnext: 1\n',
  },
  {
    name: 'the last item ends in a multi-line flow mapping',
    input: 'apps:\n  - name: a\n    namespace: apps\n    config: { a: 1,\n      b: 2 }   # done\nnext: 1\n',
  },
  {
    name: 'a document start marker and a document end marker',
    input: '---\nname: lab\napps:\n  - name: a\n    namespace: apps\n...\n',
  },
  {
    name: 'a flow root mapping',
    input: '{ name: lab, namespaces: [{ name: apps }] }\n',
    changed: ['{ name: lab, namespaces: [{ name: apps }] }'],
    output: '{ name: lab, namespaces: [{ name: apps }], apps: [ { name: vaultwarden, namespace: apps } ] }\n'.replace('[ { name: vaultwarden, namespace: apps } ]', '[{ name: vaultwarden, namespace: apps }]'),
  },
  {
    name: 'a byte order mark',
    input: '\uFEFFname: lab\napps:\n  - name: a\n    namespace: apps\n',
  },
];

describe('addApp', () => {
  for (const c of CASES) {
    test(c.name, () => {
      const out = check(c.input, c.entry ?? VW, { changed: c.changed });
      if (c.output !== undefined) assert.equal(out, c.output);
      if (c.input.startsWith('# yaml-language-server')) assert.equal(lines(out)[0], lines(c.input)[0]);
    });
  }

  test('the entry keeps its key order and YAML-sensitive strings stay strings', () => {
    const entry = { name: 'x', namespace: 'apps', config: { a: 'yes', b: 'null', c: '012', d: '1e3', e: '- item', f: '#hash', g: 'true', h: '' } };
    const out = check('apps:\n  - name: a\n    namespace: apps\n', entry);
    assert.match(out, /- name: x\n {4}namespace: apps\n {4}config:\n/);
  });

  test('refuses what it cannot edit without rewriting the file', () => {
    const cases: [string, RegExp][] = [
      ['apps: {a: 1}\n', /not a list/],
      ['- a\n- b\n', /not a mapping/],
      ['name: [unclosed\n', /not valid YAML/],
      ['x: &l []\napps: *l\n', /alias/],
      ['apps: 1\napps: 2\n', /not valid YAML/],
      ['{ name: lab, apps: ~ }\n', /flow mapping/],
    ];
    for (const [input, msg] of cases) assert.throws(() => addApp(input, VW), (e: unknown) => e instanceof SpecEditError && msg.test((e as Error).message), input);
  });

  test('every example and fixture: the result reads as before plus the entry and validates', () => {
    for (const lab of labDirs().filter((l) => l.cluster)) {
      const file = path.join(lab.dir, 'hearth.yaml');
      if (!fs.existsSync(file)) continue;
      const text = fs.readFileSync(file, 'utf8');
      const ns = (parse(text) as { namespaces: { name: string }[] }).namespaces[0].name;
      const out = check(text, { name: 'added-app', module: 'filebrowser', namespace: ns });
      const r = checkLabText(out, file);
      assert.deepEqual(r.issues.filter((i) => i.severity === 'error'), [], lab.name);
      assert.ok(r.model?.apps.some((a) => a.name === 'added-app'), lab.name);
    }
  });
});

// ------------------------------------------------------------------ properties

const BASES = labDirs()
  .map((l) => path.join(l.dir, 'hearth.yaml'))
  .filter((f) => fs.existsSync(f))
  .map((f) => fs.readFileSync(f, 'utf8'));

const k8sName = fc.stringMatching(/^[a-z][a-z0-9-]{0,14}[a-z0-9]$/);
const scalar = fc.oneof(
  fc.string({ maxLength: 20 }),
  fc.string({ unit: 'grapheme', maxLength: 10 }),
  fc.constantFrom('yes', 'no', 'on', 'null', '~', '1e3', '0x1f', '012', '12:30', '2024-01-01', '.inf', '- x', '#x', 'a: b', '"q"', "'q'", 'a\nb', ' lead', 'trail ', '|', '>', '*a', '&a', '!t', '%x', '@x', '`x'),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }).filter((d) => !Object.is(d, -0)),
  fc.boolean(),
  fc.constant(null),
);
const value: fc.Arbitrary<unknown> = fc.letrec<{ v: unknown }>((tie) => ({
  v: fc.oneof({ depthSize: 'small', maxDepth: 3 }, scalar, fc.array(tie('v'), { maxLength: 3 }), fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), tie('v'), { maxKeys: 3, noNullPrototype: true })),
})).v;
const entryArb: fc.Arbitrary<Entry> = fc.record(
  {
    name: k8sName,
    module: fc.constantFrom('container', 'vaultwarden', 'filebrowser'),
    namespace: k8sName,
    expose: fc.constantFrom('none', 'internal', 'lan', 'public'),
    config: fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), value, { maxKeys: 4, noNullPrototype: true }),
  },
  { requiredKeys: ['name', 'namespace'], noNullPrototype: true },
);

/** A comment line: any indentation, any text after the `#`. */
const commentLine = fc.tuple(fc.nat(10), fc.string({ maxLength: 20 }).map((s) => s.replace(/[\r\n]/g, ' '))).map(([n, s]) => `${' '.repeat(n)}#${s}`);

/** Drop the `apps:` block (the key and its indented lines). */
function withoutApps(text: string): string {
  const ls = text.split('\n');
  const i = ls.findIndex((l) => /^apps:/.test(l));
  if (i < 0) return text;
  let j = i + 1;
  while (j < ls.length && (ls[j] === '' || /^[ -]/.test(ls[j]) || /^ *#/.test(ls[j]))) j++;
  return [...ls.slice(0, i), ...ls.slice(j)].join('\n');
}

const mutatedBase = fc
  .record({
    base: fc.constantFrom(...BASES),
    comments: fc.array(fc.tuple(fc.nat(), fc.oneof(commentLine, fc.constant(''))), { maxLength: 12 }),
    apps: fc.constantFrom('keep', 'drop', 'empty-flow', 'empty'),
    crlf: fc.boolean(),
    trailingNewline: fc.boolean(),
  })
  .map(({ base, comments, apps, crlf, trailingNewline }) => {
    let text = base;
    if (apps === 'drop') text = withoutApps(text);
    if (apps === 'empty-flow') text = withoutApps(text).replace(/\n*$/, '\napps: []\n');
    if (apps === 'empty') text = withoutApps(text).replace(/\n*$/, '\napps:\n');
    const ls = text.split('\n');
    for (const [at, line] of comments) ls.splice(at % (ls.length + 1), 0, line);
    text = ls.join('\n');
    if (!trailingNewline) text = text.replace(/\n+$/, '');
    if (crlf) text = text.replace(/\n/g, '\r\n');
    return text;
  });

/** The examples written in other styles: indentation 2 to 4, sequences indented or not, lists of scalars in flow style or not. */
const restyledBase = fc
  .record({ base: fc.constantFrom(...BASES), indent: fc.integer({ min: 2, max: 4 }), indentSeq: fc.boolean(), flowLeaves: fc.boolean() })
  .map(({ base, indent, indentSeq, flowLeaves }) => {
    const doc = parseDocument(base);
    visit(doc, {
      Seq(_, seq) {
        seq.flow = flowLeaves && seq.items.every((i) => isScalar(i));
      },
      Map(_, map) {
        map.flow = false;
      },
    });
    return doc.toString({ indent, indentSeq, lineWidth: 0 });
  });

describe('addApp properties', () => {
  test('mutated examples (comments, blank lines, no apps, apps: [], CRLF): data = input + entry, original lines kept', () => {
    fc.assert(
      fc.property(mutatedBase, entryArb, (input, entry) => {
        fc.pre(parseDocument(input).errors.length === 0);
        const apps = (parse(input) as { apps?: unknown }).apps;
        fc.pre(!(apps && typeof apps === 'object' && (apps as unknown[]).some((a) => (a as Entry).name === entry.name)));
        const emptyFlow = lines(input).filter((l) => /^apps: \[\]/.test(l));
        check(input, entry, { changed: emptyFlow.length ? emptyFlow : undefined });
      }),
      { numRuns: 200 },
    );
  });

  test('restyled examples (indentation 2-4, indented or non-indented sequences)', () => {
    fc.assert(
      fc.property(restyledBase, entryArb, (input, entry) => {
        fc.pre(parseDocument(input).errors.length === 0);
        check(input, entry);
      }),
      { numRuns: 100 },
    );
  });
});
