/**
 * The traceability matrix: counts checked against the spec read on its own
 * (the yaml package, not the model), uncovered requirements listed, every
 * file named exists, and filesOf finds each component's files in all three
 * layouts (each example re-rendered as flux, argocd and plain Helm), claiming
 * no file twice and leaving no component file unclaimed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { traceability, filesOf, componentLocations, CLUSTER_ID } from '../../src/docs/traceability.js';
import { renderLab, renderComponents } from '../../src/render/index.js';
import { infraRoot } from '../../src/render/infra/root.js';
import type { LabModel } from '../../src/model/types.js';
import type { DocsInput } from '../../src/docs/types.js';
import { exampleDocsInput, EXAMPLES } from '../helpers/docs-input.js';
import { ROOT } from '../helpers/labs.js';

const LAB_001 = '001-k3s-synology';

interface RawReq {
  id: string;
  text: string;
  category?: string;
  satisfiedBy?: string[];
}

test('001: counts, covered and uncovered match the spec read independently', async () => {
  const input = await exampleDocsInput(LAB_001);
  const raw = parse(fs.readFileSync(path.join(ROOT, 'examples', LAB_001, 'hearth.yaml'), 'utf8')) as { requirements: RawReq[]; apps: { name: string; requirements?: string[] }[] };
  const listedByApp = new Set(raw.apps.flatMap((a) => (a.requirements ?? []).map((r) => r.toUpperCase())));
  const covered = (r: RawReq) => (r.satisfiedBy ?? []).length > 0 || listedByApp.has(r.id.toUpperCase());
  const isNfr = (r: RawReq) => /^NFR/i.test(r.id);
  assert.ok(raw.requirements.length > 0, 'example 001 declares requirements');

  const t = traceability(input);
  assert.deepEqual(t.rows.map((r) => r.id), raw.requirements.map((r) => r.id));
  assert.deepEqual(t.coverage.all, { covered: raw.requirements.filter(covered).length, total: raw.requirements.length });
  assert.deepEqual(t.coverage.FR, { covered: raw.requirements.filter((r) => !isNfr(r) && covered(r)).length, total: raw.requirements.filter((r) => !isNfr(r)).length });
  assert.deepEqual(t.coverage.NFR, { covered: raw.requirements.filter((r) => isNfr(r) && covered(r)).length, total: raw.requirements.filter(isNfr).length });
  const uncovered = raw.requirements.filter((r) => !covered(r)).map((r) => r.id);
  assert.ok(uncovered.length > 0, 'example 001 has requirements nothing covers');
  assert.deepEqual(t.uncovered, uncovered);
  for (const cat of new Set(raw.requirements.map((r) => r.category ?? '(no category)'))) {
    const inCat = raw.requirements.filter((r) => (r.category ?? '(no category)') === cat);
    assert.deepEqual(
      t.coverage.byCategory.find((c) => c.category === cat),
      { category: cat, covered: inCat.filter(covered).length, total: inCat.length },
      cat,
    );
  }

  // Satisfiers: satisfiedBy ∪ the apps that list the requirement, nothing else.
  for (const r of raw.requirements) {
    const expected = new Set([...(r.satisfiedBy ?? []), ...raw.apps.filter((a) => (a.requirements ?? []).some((x) => x.toUpperCase() === r.id.toUpperCase())).map((a) => a.name)]);
    const row = t.rows.find((x) => x.id === r.id)!;
    assert.deepEqual(new Set(row.satisfiers.map((s) => s.id)), expected, r.id);
  }

  // The Markdown: summary counts, a table row per requirement, the uncovered list, links to component pages.
  assert.match(t.markdown, new RegExp(`${t.coverage.all.covered} of ${t.coverage.all.total} requirements`));
  for (const r of raw.requirements) assert.match(t.markdown, new RegExp(`^\\| ${r.id} \\|`, 'm'), r.id);
  const notCovered = t.markdown.slice(t.markdown.indexOf('## Not covered'));
  for (const id of uncovered) assert.match(notCovered, new RegExp(`^- \\*\\*${id}\\*\\*`, 'm'), id);
  assert.match(t.markdown, /\[cert-manager\]\(components\/cert-manager\.md\)/);
  assert.match(t.markdown, /`applications\/paperless\/deployment\.yaml`/);
});

test('every file listed for a satisfier is a rendered file of this lab', async () => {
  for (const ex of EXAMPLES) {
    const input = await exampleDocsInput(ex);
    const paths = new Set(input.files.map((f) => f.path));
    for (const row of traceability(input).rows) {
      for (const s of row.satisfiers) {
        assert.ok(s.files.length > 0, `${ex} ${row.id}: ${s.id} has files`);
        for (const f of s.files) assert.ok(paths.has(f), `${ex} ${row.id}: ${f}`);
      }
    }
  }
});

/** The model as if the spec chose another GitOps engine. */
function withEngine(model: LabModel, engine: LabModel['gitops']['engine']): LabModel {
  return { ...model, gitops: { ...model.gitops, engine, repo: model.gitops.repo ?? { url: 'https://github.com/example/lab', branch: 'main', path: '' } } };
}

/** Files that belong to the layout or the lab as a whole, not to one component. */
function shared(model: LabModel, p: string): boolean {
  if (p === 'renovate.json') return true;
  switch (model.gitops.engine) {
    case 'flux':
      return /^clusters\//.test(p) || /^infrastructure\/(sources|namespaces)\//.test(p) || /^(infrastructure\/[a-z]+(-config)?|apps(-config)?)\/kustomization\.yaml$/.test(p);
    case 'argocd':
      return /^bootstrap\//.test(p) || /^manifests\/namespaces\//.test(p) || p === 'argocd/apps/namespaces.yaml' || p === 'argocd/apps/kustomization.yaml';
    default:
      return /^scripts\//.test(p) || /^docs\//.test(p) || p.startsWith('infrastructure/namespaces/');
  }
}

test('filesOf finds every component\'s files in all three layouts, each file claimed once', async () => {
  for (const ex of EXAMPLES) {
    const input = await exampleDocsInput(ex);
    for (const engine of ['flux', 'argocd', 'none'] as const) {
      const model = withEngine(input.model, engine);
      const files = engine === input.model.gitops.engine ? input.files : renderLab(model);
      const owner = new Map<string, string[]>();
      const ids = [...model.components.map((c) => c.id), CLUSTER_ID];
      // A module may render nothing here (lab-secrets is filled by the secrets stage, which the docs input does not run).
      const empty = new Set(renderComponents(model).filter((rc) => !rc.values && rc.manifests.length + rc.config.length === 0).map((rc) => rc.instance.id));
      for (const id of ids) {
        const mine = filesOf(id, files, model);
        if (id === CLUSTER_ID) assert.equal(mine.length > 0, model.nodes.length > 0, `${ex} (${engine}): cluster files`);
        else assert.equal(mine.length > 0, !empty.has(id), `${ex} (${engine}): ${id} has files`);
        assert.deepEqual(mine, [...mine].sort(), 'sorted');
        for (const f of mine) owner.set(f, [...(owner.get(f) ?? []), id]);
      }
      const cni = `${infraRoot(model)}/cni/`;
      for (const f of files) {
        const by = owner.get(f.path) ?? [];
        if (shared(model, f.path)) {
          assert.deepEqual(by, [], `${ex} (${engine}): shared ${f.path} belongs to no component`);
          continue;
        }
        // The CNI bootstrap is both Calico components' (operator and CRDs); every other file has one owner.
        if (f.path.startsWith(cni)) assert.ok(by.length >= 1, `${ex} (${engine}): ${f.path} claimed`);
        else assert.equal(by.length, 1, `${ex} (${engine}): ${f.path} claimed by ${by.join(', ') || 'nobody'}`);
      }
    }
  }
});

test('filesOf: where each layout puts a component (the module dir for platform components, the id for apps)', async () => {
  const flux = await exampleDocsInput('000-proxmox-sdn-k3s');
  assert.deepEqual(filesOf('kube-prometheus-stack', flux.files, flux.model).filter((f) => f.endsWith('helmrelease.yaml')), ['infrastructure/observability/prometheus/helmrelease.yaml']);
  assert.ok(filesOf('calico', flux.files, flux.model).includes('infra/cni/install-cni.sh'));
  assert.ok(filesOf('postgresql', flux.files, flux.model).includes('apps/postgresql/statefulset.yaml'));
  assert.ok(filesOf(CLUSTER_ID, flux.files, flux.model).includes('infra/k3s/install-master.sh'));
  assert.ok(!filesOf(CLUSTER_ID, flux.files, flux.model).some((f) => f.startsWith('infra/cni/')));

  const helm = await exampleDocsInput(LAB_001);
  assert.deepEqual(filesOf('kube-prometheus-stack', helm.files, helm.model), ['monitoring/prometheus/ingress.yaml', 'monitoring/prometheus/values-homelab.yaml']);
  assert.deepEqual(filesOf('nfs-provisioner', helm.files, helm.model), ['infrastructure/nfs/values-homelab.yaml']);
  assert.ok(filesOf(CLUSTER_ID, helm.files, helm.model).includes('infrastructure/k3s/install-master.sh'));

  const argo = await exampleDocsInput('003-lima-k3s-argocd');
  const ow = filesOf('open-webui', argo.files, argo.model);
  assert.ok(ow.includes('argocd/apps/open-webui.yaml') && ow.includes('argocd/apps/open-webui-manifests.yaml') && ow.includes('manifests/open-webui/pvc.yaml'), ow.join(' '));
  assert.deepEqual(filesOf('no-such-component', argo.files, argo.model), []);
  assert.deepEqual(componentLocations('vaultwarden', argo.model), { dirs: ['manifests/vaultwarden/'], exact: ['argocd/apps/vaultwarden.yaml', 'argocd/apps/vaultwarden-manifests.yaml'] });
});

test('problems are shown: unknown satisfiers, requirements only apps name, cells escaped', async () => {
  const base = await exampleDocsInput(LAB_001);
  const spec = {
    ...base.model.spec,
    requirements: [
      { id: 'FR90', text: 'Pipes | in | text', category: 'Odd | category', satisfiedBy: ['not-a-component'] },
      { id: 'NFR91', text: 'Covered by the lab', satisfiedBy: ['loki'] },
    ],
  };
  const apps = base.model.apps.map((a) => (a.name === 'n8n' ? { ...a, requirements: ['FR92'] } : { ...a, requirements: [] }));
  const input: DocsInput = { ...base, model: { ...base.model, spec, apps } };
  const t = traceability(input);
  assert.deepEqual(t.rows.map((r) => r.id), ['FR90', 'NFR91', 'FR92']);
  const fr90 = t.rows[0];
  assert.equal(fr90.covered, false);
  assert.deepEqual(fr90.unknown, ['not-a-component']);
  assert.ok(t.uncovered.includes('FR90'));
  const fr92 = t.rows[2];
  assert.equal(fr92.undeclared, true);
  assert.equal(fr92.covered, true);
  assert.deepEqual(fr92.satisfiers.map((s) => s.id), ['n8n']);
  assert.match(t.markdown, /Pipes \\\| in \\\| text/);
  assert.match(t.markdown, /Odd \\\| category/);
  assert.match(t.markdown, /not-a-component \(not in this lab\)/);
  assert.match(t.markdown, /## Problems[\s\S]*FR90: satisfiedBy names "not-a-component"/);
  assert.match(t.markdown, /FR92: named by apps\[\]\.requirements but not declared/);
  assert.deepEqual(t.coverage.all, { covered: 2, total: 3 });
  // Every table row has the header's five cells (escaped pipes do not split cells).
  for (const line of t.markdown.split('\n').filter((l) => /^\| (FR|NFR)\d/.test(l))) assert.equal(line.replace(/\\\|/g, '').split('|').length, 7, line);
});

test('a lab without requirements says so; the page is deterministic', async () => {
  for (const ex of EXAMPLES) {
    const input = await exampleDocsInput(ex);
    const a = traceability(input);
    const b = traceability({ ...input, files: input.files.map((f) => ({ ...f })) });
    assert.equal(a.markdown, b.markdown, ex);
    if (input.model.spec.requirements.length === 0 && input.model.apps.every((x) => x.requirements.length === 0)) {
      assert.deepEqual(a.rows, []);
      assert.match(a.markdown, /declares no requirements/);
    }
  }
});
