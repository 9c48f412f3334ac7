/**
 * The tools users run are the judges of what hearth renders:
 * - every Kubernetes object validates against its published schema
 *   (kubernetes-models, @kubernetes-models/*) plus a strict unknown-field pass;
 * - `kubectl kustomize` builds every kustomization directory;
 * - generated shell scripts pass `bash -n` and `shellcheck`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { loadLab } from '../../src/pipeline.js';
import { renderLab, type RenderedFile } from '../../src/render/index.js';
import { writeOutput } from '../../src/write/index.js';
import { labDirs } from '../helpers/labs.js';
import { validateObject, UNCHECKED_GROUPS } from '../helpers/k8s-oracle.js';

function need(tool: string, install: string): void {
  const r = spawnSync('sh', ['-c', `command -v ${tool}`]);
  assert.equal(r.status, 0, `${tool} is required for this test: ${install}`);
}

async function rendered(dir: string): Promise<RenderedFile[]> {
  const r = await loadLab(dir);
  assert.ok(r.model, `lab ${dir} must be valid`);
  return renderLab(r.model);
}

for (const lab of labDirs()) {
  test(`${lab.name}: every object passes its schema and the strict field check`, async () => {
    const files = await rendered(lab.dir);
    const problems: string[] = [];
    const unchecked = new Set<string>();
    let checked = 0;
    for (const f of files.filter((x) => x.path.endsWith('.yaml'))) {
      for (const doc of parseAllDocuments(f.contents)) {
        const obj = doc.toJS() as Record<string, unknown>;
        if (!obj || typeof obj.kind !== 'string' || typeof obj.apiVersion !== 'string') continue;
        if (obj.apiVersion === 'kustomize.config.k8s.io/v1beta1') continue; // judged by kubectl kustomize below
        const r = await validateObject(obj as never);
        if (r.checked) checked++;
        else unchecked.add(String(obj.apiVersion).split('/')[0]);
        for (const e of r.errors) problems.push(`${f.path}: ${r.object}: ${e}`);
      }
    }
    assert.deepEqual(problems, []);
    if (lab.cluster) assert.ok(checked > 0, 'some objects were checked');
    else assert.equal(checked, 0, 'a lab without a cluster renders no Kubernetes objects');
    for (const g of unchecked) assert.ok(UNCHECKED_GROUPS.includes(g), `objects of ${g} went unchecked`);
  });

  test(`${lab.name}: kubectl kustomize builds every kustomization`, async (t) => {
    need('kubectl', 'kubectl is on the machine image (/usr/bin/kubectl)');
    const files = await rendered(lab.dir);
    const dirs = files.filter((f) => f.path.endsWith('/kustomization.yaml')).map((f) => path.posix.dirname(f.path));
    if (dirs.length === 0) {
      t.diagnostic('layout without kustomizations');
      return;
    }
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-kustomize-'));
    try {
      writeOutput(out, files);
      // Top-level kustomizations include the nested ones, so building those covers every directory.
      const roots = dirs.filter((d) => !dirs.some((o) => o !== d && d.startsWith(o + '/')));
      for (const d of roots) {
        const yaml = execFileSync('kubectl', ['kustomize', path.join(out, d)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
        const built = parseAllDocuments(yaml).filter((x) => x.contents !== null).length;
        const expected = files
          .filter((f) => f.path.startsWith(d + '/') && !f.path.endsWith('kustomization.yaml') && f.path.endsWith('.yaml'))
          .reduce((n, f) => n + parseAllDocuments(f.contents).filter((x) => x.contents !== null).length, 0);
        assert.equal(built, expected, `kubectl kustomize ${d} emits every object of its directory tree`);
      }
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  });

  test(`${lab.name}: generated scripts pass bash -n and shellcheck`, async (t) => {
    const scripts = (await rendered(lab.dir)).filter((f) => f.path.endsWith('.sh'));
    if (scripts.length === 0) {
      t.diagnostic('layout without scripts');
      return;
    }
    need('shellcheck', 'apt-get install -y shellcheck');
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-sh-'));
    try {
      writeOutput(out, scripts);
      for (const s of scripts) {
        const p = path.join(out, s.path);
        assert.ok((fs.statSync(p).mode & 0o111) !== 0, `${s.path} is executable`);
        execFileSync('bash', ['-n', p]);
        const r = spawnSync('shellcheck', ['-x', '-S', 'style', p], { encoding: 'utf8' });
        assert.equal(r.status, 0, `shellcheck ${s.path}:\n${r.stdout}${r.stderr}`);
      }
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  });
}
