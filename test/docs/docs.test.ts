/**
 * `hearth docs` over every example: the whole tree (architecture, components,
 * runbooks, decisions, traceability, backup plan, review, diagrams, site) has
 * no broken link, is byte-identical across runs, and says what the lab is;
 * the CLI writes it atomically and refuses bad input with exit 2.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generateDocs } from '../../src/docs/index.js';
import { checkLinks } from '../../src/docs/links.js';
import { DOC_PATHS } from '../../src/docs/types.js';
import { EXAMPLES, exampleDocsInput } from '../helpers/docs-input.js';
import { hearth } from '../helpers/cli.js';
import { ROOT, walk } from '../helpers/labs.js';

const DATE = '2026-11-01';

for (const name of EXAMPLES) {
  test(`docs of ${name}: every page and the site, no broken link, deterministic, derived from the lab`, async () => {
    const input = await exampleDocsInput(name);
    const a = await generateDocs(input, { date: DATE, site: true });
    const b = await generateDocs(input, { date: DATE, site: true });
    assert.deepEqual(
      a.map((f) => [f.path, f.contents]),
      b.map((f) => [f.path, f.contents]),
      'byte-identical',
    );
    assert.deepEqual(checkLinks(a), [], 'no broken link in the Markdown or the HTML');
    const paths = new Set(a.map((f) => f.path));
    for (const p of [DOC_PATHS.index, DOC_PATHS.architecture, DOC_PATHS.componentsIndex, DOC_PATHS.runbooksIndex, DOC_PATHS.traceability, DOC_PATHS.backupPlan, 'index.html', 'architecture.html']) assert.ok(paths.has(p), `${p} is written`);
    for (const d of ['layers', 'dependencies', 'network', 'failure-domains'] as const) for (const ext of ['svg', 'mmd', 'dot'] as const) assert.ok(paths.has(DOC_PATHS.diagram(d, ext)), `${d}.${ext}`);
    for (const c of input.model.components) assert.ok(paths.has(DOC_PATHS.component(c.id)) && paths.has(DOC_PATHS.component(c.id).replace(/\.md$/, '.html')), `page of ${c.id}`);
    if (input.decisions.length) for (const d of input.decisions) assert.ok(paths.has(DOC_PATHS.decision(d.file)), d.file);

    const arch = a.find((f) => f.path === DOC_PATHS.architecture)!.contents;
    // Every component and app is named; the control plane's HA claim follows the node count (seed 004's drift).
    for (const c of input.model.components) assert.ok(arch.includes(c.id), `architecture.md names ${c.id}`);
    const cp = input.model.cluster?.controlPlane.length ?? 0;
    if (input.model.cluster) assert.match(arch, cp >= 3 ? /Highly available control plane/ : /Not highly available/);
    else assert.doesNotMatch(arch, /### \d+\. Kubernetes layer/, 'no Kubernetes layer in a lab without a cluster');
    for (const r of input.plan.rows.filter((x) => x.problems.length)) assert.ok(arch.includes(r.dataSet), `the DR section lists ${r.dataSet}, which falls short`);
    if (input.review) assert.ok(a.find((f) => f.path === DOC_PATHS.review)!.contents.includes(input.review.verdict));
    // A component page carries its chart version and its findings.
    for (const c of input.model.components.filter((x) => x.chart)) assert.ok(a.find((f) => f.path === DOC_PATHS.component(c.id))!.contents.includes(c.chart!.version), `${c.id} page has its chart version`);
    for (const f of input.review?.findings ?? []) for (const s of f.subjects.filter((x) => input.model.components.some((c) => c.id === x))) assert.ok(a.find((p) => p.path === DOC_PATHS.component(s))!.contents.includes(f.rule), `${s} page lists ${f.rule}`);
  });
}

test('hearth docs LAB --site --out DIR: exit 0, writes the tree, a second run changes nothing, files it did not write are left alone', async () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-docs-cli-'));
  try {
    fs.writeFileSync(path.join(out, 'notes.md'), 'mine\n');
    const r = await hearth(['docs', 'examples/003-lima-k3s-argocd', '--out', out, '--site', '--date', DATE]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^wrote \d+ files to .+: \d+ changed; open .+index\.html\n$/);
    const files = walk(out);
    assert.ok(files.includes('architecture.md') && files.includes('index.html') && files.includes('assets/search-index.js'));
    const before = new Map(files.map((f) => [f, fs.readFileSync(path.join(out, f), 'utf8')]));
    const again = await hearth(['docs', 'examples/003-lima-k3s-argocd', '--out', out, '--site', '--date', DATE]);
    assert.equal(again.status, 0, again.stderr);
    assert.match(again.stdout, /: 0 changed;/);
    for (const f of walk(out)) assert.equal(fs.readFileSync(path.join(out, f), 'utf8'), before.get(f), `${f} unchanged`);
    assert.equal(fs.readFileSync(path.join(out, 'notes.md'), 'utf8'), 'mine\n');
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
});

test('hearth docs on a bad spec: exit 2, every problem with file:line:col, nothing written', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-docs-bad-'));
  try {
    const spec = fs.readFileSync(path.join(ROOT, 'examples/003-lima-k3s-argocd/hearth.yaml'), 'utf8').replace(/^domain: .*$/m, 'domain: not a domain').replace(/^gitops:\n  engine: \w+/m, 'gitops:\n  engine: jenkins');
    fs.writeFileSync(path.join(dir, 'hearth.yaml'), spec);
    const r = await hearth(['docs', dir, '--out', path.join(dir, 'docs')]);
    assert.equal(r.status, 2);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /hearth\.yaml:\d+:\d+: error domain: /);
    assert.match(r.stderr, /hearth\.yaml:\d+:\d+: error gitops\.engine: /);
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
    assert.equal(fs.existsSync(path.join(dir, 'docs')), false);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
