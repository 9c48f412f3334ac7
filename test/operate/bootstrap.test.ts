/**
 * hearth bootstrap against the fake API server: the plan per engine, the
 * order (CRDs, Established, roots, readiness), progress output, and what is
 * reported when the server refuses an apply or a prerequisite is missing.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { bootstrap } from '../../src/cli/commands/operate.js';
import { planBootstrap, runBootstrap, type BootstrapPlan, type ProgressEvent } from '../../src/operate/bootstrap.js';
import { loadOperateLab } from '../../src/operate/lab.js';
import { Kube } from '../../src/operate/kube.js';
import { progressDisplay } from '../../src/operate/progress.js';
import { startFake, run, seedFlux, FLUX_LAB, ARGO_LAB, HELM_LAB } from './harness.js';

async function plan(lab: string): Promise<BootstrapPlan> {
  const loaded = await loadOperateLab(lab);
  assert.ok(loaded.lab, JSON.stringify(loaded.issues));
  const p = planBootstrap(loaded.lab.model, loaded.lab.files);
  assert.ok(!('refuse' in p));
  return p;
}

const FLUX_ROOTS = [
  'infra-namespaces',
  'infra-sources',
  'infra-crds',
  'infra-networking',
  'infra-networking-config',
  'infra-certificates',
  'infra-certificates-config',
  'infra-ingress',
  'infra-observability',
  'apps',
];

describe('plan', () => {
  test('flux: the Kustomizations of clusters/<cluster>/, in dependsOn order, from the GitRepository hearth does not render', async () => {
    const p = await plan(FLUX_LAB);
    assert.equal(p.engine, 'flux');
    assert.deepEqual(p.sources.sort(), ['clusters/sdn/apps.yaml', 'clusters/sdn/infrastructure.yaml']);
    assert.deepEqual(p.crds, []);
    assert.deepEqual(
      p.roots.map((o) => `${o.kind} ${o.metadata.name}`),
      FLUX_ROOTS.map((n) => `Kustomization ${n}`),
    );
    assert.deepEqual(p.requires.map((r) => `${r.apiVersion} ${r.kind}`).slice(0, 2), ['kustomize.toolkit.fluxcd.io/v1 Kustomization', 'source.toolkit.fluxcd.io/v1 GitRepository']);
    assert.deepEqual(
      p.prerequisites.map((x) => `${x.ref.kind} ${x.ref.namespace}/${x.ref.name}`),
      ['GitRepository flux-system/flux-system'],
    );
    assert.match(p.prerequisites[0].hint, /flux create source git flux-system --namespace flux-system --url https:\/\/github.com\/example\/sdn-lab --branch main/);
    assert.match(p.install, /hearth renders Flux's objects, not Flux itself/);
    assert.match(p.install, /`flux install`/);
    assert.equal(p.waitFor.length, 10);
  });

  test('argocd: bootstrap/root-app.yaml; Argo CD installed with the rendered values', async () => {
    const p = await plan(ARGO_LAB);
    assert.equal(p.engine, 'argocd');
    assert.deepEqual(p.sources, ['bootstrap/root-app.yaml']);
    assert.deepEqual(p.roots.map((o) => `${o.kind} ${o.metadata.namespace}/${o.metadata.name}`), ['Application argocd/root']);
    assert.deepEqual(p.requires, [{ apiVersion: 'argoproj.io/v1alpha1', kind: 'Application' }]);
    assert.match(p.install, /helm upgrade --install argocd argo-cd --repo https:\/\/argoproj.github.io\/argo-helm --version 10\.9\.1 --namespace argocd --create-namespace -f bootstrap\/argocd-values.yaml/);
  });

  test('none: refused, pointing at scripts/deploy-all.sh', async () => {
    const loaded = await loadOperateLab(HELM_LAB);
    const p = planBootstrap(loaded.lab!.model, loaded.lab!.files);
    assert.ok('refuse' in p);
    assert.match(p.refuse, /gitops.engine: none/);
    assert.match(p.hint, /scripts\/deploy-all.sh/);
  });
});

describe('run', () => {
  test('CRDs first, each waited on until Established, then the roots, then readiness', async () => {
    const { server, kubeconfig } = await startFake({ crdEstablishDelayMs: 300 });
    try {
      seedFlux(server);
      server.readyAfter({ kind: 'Kustomization' }, 50);
      server.readyAfter({ kind: 'Widget' }, 50);
      const p = await plan(FLUX_LAB);
      // A root file holding a CRD and an object of its kind: the kind is served only once the CRD is Established.
      p.crds = [
        {
          apiVersion: 'apiextensions.k8s.io/v1',
          kind: 'CustomResourceDefinition',
          metadata: { name: 'widgets.example.hearth.dev', labels: { 'app.kubernetes.io/managed-by': 'hearth' } },
          spec: { group: 'example.hearth.dev', names: { kind: 'Widget', plural: 'widgets' }, scope: 'Namespaced', versions: [{ name: 'v1', served: true, storage: true }] },
        },
      ];
      p.requires.push({ apiVersion: 'example.hearth.dev/v1', kind: 'Widget' });
      p.roots = [...p.roots, { apiVersion: 'example.hearth.dev/v1', kind: 'Widget', metadata: { name: 'w', namespace: 'flux-system' }, spec: { size: 1 } }];
      const events: (ProgressEvent & { at: number })[] = [];
      const kube = await Kube.connect({ kubeconfig });
      const r = await runBootstrap(p, kube, { timeoutMs: 20_000, onProgress: (e) => events.push({ ...e, at: Date.now() }) });
      assert.equal(r.ok, true, JSON.stringify(r.failure));

      const applies = server.applies();
      assert.equal(applies[0], '/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.example.hearth.dev');
      assert.deepEqual(
        applies.slice(1),
        [...FLUX_ROOTS.map((n) => `/apis/kustomize.toolkit.fluxcd.io/v1/namespaces/flux-system/kustomizations/${n}`), '/apis/example.hearth.dev/v1/namespaces/flux-system/widgets/w'],
      );
      // The CRD was watched until Established before any root was applied.
      const idx = (pred: (q: (typeof server.requests)[number]) => boolean) => server.requests.findIndex(pred);
      const crdWatch = idx((q) => q.path.endsWith('/customresourcedefinitions') && q.query.watch === 'true' && q.query.fieldSelector === 'metadata.name=widgets.example.hearth.dev');
      const firstRoot = idx((q) => q.method === 'PATCH' && q.path.includes('/kustomizations/'));
      assert.ok(crdWatch >= 0 && crdWatch < firstRoot, 'watch on the CRD before the first root apply');
      const established = events.find((e) => e.type === 'done' && e.step === 'CustomResourceDefinition widgets.example.hearth.dev Established')!;
      const applyCrd = events.find((e) => e.type === 'done' && e.step === 'apply CustomResourceDefinition widgets.example.hearth.dev')!;
      assert.ok(established.at - applyCrd.at >= 250, `waited ${established.at - applyCrd.at} ms for Established`);
      const stepOrder = events.filter((e) => e.type === 'done').map((e) => e.step);
      assert.deepEqual(stepOrder.slice(0, 5), [
        `connect to ${server.url} (context fake)`,
        'Flux is installed (kustomize.toolkit.fluxcd.io/v1 Kustomization, source.toolkit.fluxcd.io/v1 GitRepository, helm.toolkit.fluxcd.io/v2 HelmRelease, source.toolkit.fluxcd.io/v1 HelmRepository)',
        'GitRepository flux-system/flux-system exists',
        'apply CustomResourceDefinition widgets.example.hearth.dev',
        'CustomResourceDefinition widgets.example.hearth.dev Established',
      ]);
      assert.deepEqual(r.ready.map((x) => x.name), FLUX_ROOTS);
      assert.equal(r.notApplied.length, 0);
      // Server-side apply with hearth's field manager, forced.
      const patch = server.requests.find((q) => q.method === 'PATCH')!;
      assert.equal(patch.contentType, 'application/apply-patch+yaml');
      assert.deepEqual(patch.query, { fieldManager: 'hearth', force: 'true' });
      assert.equal(server.get({ kind: 'Kustomization', name: 'apps' })!.metadata.managedFields[0].manager, 'hearth');
    } finally {
      await server.close();
    }
  });

  test('flux through the CLI handler: one plain line per step, waits for Ready, exit 0', async () => {
    const { server, kubeconfig } = await startFake();
    try {
      seedFlux(server);
      server.readyAfter({ kind: 'Kustomization' }, 300);
      const t0 = Date.now();
      const r = await run(() => bootstrap(FLUX_LAB, { kubeconfig, timeout: '30s' }));
      assert.equal(r.code, 0, r.stderr);
      assert.ok(Date.now() - t0 >= 300, 'returned only once the Kustomizations were Ready');
      assert.equal(r.stderr, '');
      const lines = r.stdout.trimEnd().split('\n');
      assert.match(lines[0], /^hearth bootstrap: lab sdn-lab \(Flux, from clusters\/sdn\/apps.yaml, clusters\/sdn\/infrastructure.yaml\) into context fake$/);
      assert.ok(lines.includes(`ok    connect to ${server.url} (context fake)`), r.stdout);
      assert.ok(lines.includes('ok    apply Kustomization flux-system/infra-namespaces'));
      assert.ok(lines.some((l) => /^ok {4}Kustomization flux-system\/apps Ready \(\d+s\)$/.test(l)), r.stdout);
      assert.match(lines[lines.length - 1], /^bootstrap complete in \d+s: applied 10 objects; 10 Kustomizations Ready$/);
      assert.doesNotMatch(r.stdout, /\x1b|\r/, 'no terminal control codes when stdout is not a TTY');
      // One line per step: header, connect, engine check, prerequisite, 10 applies, 10 waits, summary.
      assert.equal(lines.length, 1 + 3 + 10 + 10 + 1);
    } finally {
      await server.close();
    }
  });

  test('argocd: applies the root Application and waits for Healthy and Synced', async () => {
    const { server, kubeconfig } = await startFake();
    try {
      server.put({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'argocd' } });
      server.readyAfter({ kind: 'Application', name: 'root' }, 100, () => ({ health: { status: 'Progressing' }, sync: { status: 'Synced' } }));
      server.readyAfter({ kind: 'Application', name: 'root' }, 300);
      const r = await run(() => bootstrap(ARGO_LAB, { kubeconfig, timeout: '30s' }));
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(server.applies(), ['/apis/argoproj.io/v1alpha1/namespaces/argocd/applications/root']);
      assert.match(r.stdout, /^ok {4}Namespace argocd exists$/m);
      assert.match(r.stdout, /^ok {4}Application argocd\/root Healthy and Synced \(\d+s\)$/m);
      assert.match(r.stdout, /applied 1 object; Application argocd\/root Healthy and Synced\n$/);
      const root = server.get({ kind: 'Application', name: 'root' })!;
      assert.equal(root.spec.source.path, 'argocd/apps');
    } finally {
      await server.close();
    }
  });

  test('an apply the server rejects: exit 1, with what was applied and what was not', async () => {
    const { server, kubeconfig } = await startFake();
    try {
      seedFlux(server);
      server.rejectApply({ kind: 'Kustomization', name: 'infra-networking' }, '"./clusters/x": path must be relative to the source root', 'spec.path');
      const r = await run(() => bootstrap(FLUX_LAB, { kubeconfig, timeout: '10s' }));
      assert.equal(r.code, 1);
      assert.match(r.stdout, /^ok {4}apply Kustomization flux-system\/infra-crds$/m);
      assert.match(r.stdout, /^FAIL {2}apply Kustomization flux-system\/infra-networking: apply Kustomization flux-system\/infra-networking was rejected by the API server \(422 Invalid: /m);
      assert.match(r.stderr, /^hearth: apply Kustomization flux-system\/infra-networking was rejected by the API server \(422 Invalid: Kustomization.kustomize.toolkit.fluxcd.io "infra-networking" is invalid: spec.path: Invalid value: "\.\/clusters\/x": path must be relative to the source root\)$/m);
      assert.match(
        r.stderr,
        /^applied: Kustomization flux-system\/infra-namespaces, Kustomization flux-system\/infra-sources, Kustomization flux-system\/infra-crds; not applied: Kustomization flux-system\/infra-networking, Kustomization flux-system\/infra-networking-config, .*Kustomization flux-system\/apps$/m,
      );
      assert.equal(server.applies().length, 3);
      assert.equal(server.objects('Kustomization').length, 3);
    } finally {
      await server.close();
    }
  });

  test('Flux not installed: stops before applying anything, with the install command (exit 2)', async () => {
    const { server, kubeconfig } = await startFake({ crds: [] });
    try {
      const r = await run(() => bootstrap(FLUX_LAB, { kubeconfig }));
      assert.equal(r.code, 2);
      assert.match(r.stderr, /hearth: Flux is not installed in context fake: the cluster does not serve kustomize.toolkit.fluxcd.io\/v1 Kustomization, source.toolkit.fluxcd.io\/v1 GitRepository, helm.toolkit.fluxcd.io\/v2 HelmRelease, source.toolkit.fluxcd.io\/v1 HelmRepository/);
      assert.match(r.stderr, /hearth renders Flux's objects, not Flux itself \(its controllers and CRDs\). Install Flux first: `flux install` \(or `kubectl apply -f https:\/\/github.com\/fluxcd\/flux2\/releases\/latest\/download\/install.yaml`\)/);
      assert.match(r.stderr, /applied: nothing; not applied: Kustomization flux-system\/infra-namespaces, /);
      assert.deepEqual(server.applies(), []);
    } finally {
      await server.close();
    }
  });

  test('no GitRepository flux-system: the command that creates it (exit 2)', async () => {
    const { server, kubeconfig } = await startFake();
    try {
      server.put({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'flux-system' } });
      const r = await run(() => bootstrap(FLUX_LAB, { kubeconfig }));
      assert.equal(r.code, 2);
      assert.match(r.stderr, /GitRepository flux-system\/flux-system does not exist in context fake \(the Kustomizations sync from it; hearth does not render it\)/);
      assert.match(r.stderr, /`flux create source git flux-system --namespace flux-system --url https:\/\/github.com\/example\/sdn-lab --branch main --interval 1m`/);
      assert.deepEqual(server.applies(), []);
    } finally {
      await server.close();
    }
  });

  test('argocd without Argo CD: the helm command with the rendered values (exit 2)', async () => {
    const { server, kubeconfig } = await startFake({ crds: ['flux'] });
    try {
      const r = await run(() => bootstrap(ARGO_LAB, { kubeconfig }));
      assert.equal(r.code, 2);
      assert.match(r.stderr, /Argo CD is not installed in context fake: the cluster does not serve argoproj.io\/v1alpha1 Application/);
      assert.match(r.stderr, /-f bootstrap\/argocd-values.yaml/);
    } finally {
      await server.close();
    }
  });

  test('readiness that never comes: exit 1 after --timeout, with the last state seen', async () => {
    const { server, kubeconfig } = await startFake();
    try {
      seedFlux(server);
      server.readyAfter({ kind: 'Kustomization', name: 'infra-namespaces' }, 20, (o) => ({
        observedGeneration: o.metadata.generation,
        conditions: [{ type: 'Ready', status: 'False', reason: 'ArtifactFailed', message: 'failed to checkout and determine revision: authentication required' }],
      }));
      const t0 = Date.now();
      const r = await run(() => bootstrap(FLUX_LAB, { kubeconfig, timeout: '1500ms' }));
      assert.equal(r.code, 1);
      assert.ok(Date.now() - t0 < 8000);
      assert.match(
        r.stderr,
        /hearth: timed out after 2s waiting for Kustomization flux-system\/infra-namespaces to be Ready: Ready=False \(ArtifactFailed: failed to checkout and determine revision: authentication required\)/,
      );
      assert.match(r.stderr, /flux get kustomizations -n flux-system/);
      assert.match(r.stderr, /applied: Kustomization flux-system\/infra-namespaces, .*; not applied: nothing$/m);
    } finally {
      await server.close();
    }
  });

  test('gitops engine none: refused before any connection (exit 2)', async () => {
    const r = await run(() => bootstrap(HELM_LAB, { kubeconfig: '/nonexistent/kubeconfig' }));
    assert.equal(r.code, 2);
    assert.match(r.stderr, /hearth: lab "home-lab" has gitops.engine: none, so there is no GitOps engine to bootstrap\n {2}run `hearth build`, then scripts\/deploy-all.sh/);
  });

  test('a bad --timeout is refused', async () => {
    const r = await run(() => bootstrap(FLUX_LAB, { timeout: 'soon' }));
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--timeout takes a duration such as 90s, 10m or 1h30m, not "soon"/);
  });
});

describe('progress display', () => {
  const events: ProgressEvent[] = [
    { type: 'start', step: 'apply Kustomization flux-system/apps' },
    { type: 'done', step: 'apply Kustomization flux-system/apps' },
    { type: 'start', step: 'Kustomization flux-system/apps Ready' },
    { type: 'update', step: 'Kustomization flux-system/apps Ready', detail: 'Ready=False (DependencyNotReady)' },
    { type: 'fail', step: 'Kustomization flux-system/apps Ready', detail: 'timed out' },
  ];

  test('not a TTY: one plain line per finished step', () => {
    let out = '';
    const d = progressDisplay({ write: (s: string) => (out += s), isTTY: false });
    for (const e of events) d.onProgress(e);
    d.stop();
    assert.equal(out, 'ok    apply Kustomization flux-system/apps\nFAIL  Kustomization flux-system/apps Ready: timed out\n');
  });

  test('a TTY: the running step redrawn in place, then replaced by its result', () => {
    let out = '';
    const d = progressDisplay({ write: (s: string) => (out += s), isTTY: true, columns: 120 }, { color: false });
    for (const e of events) d.onProgress(e);
    d.stop();
    assert.match(out, /\r\x1b\[2K⠋ apply Kustomization flux-system\/apps/);
    assert.match(out, /\r\x1b\[2K✓ apply Kustomization flux-system\/apps\n/);
    assert.match(out, /Kustomization flux-system\/apps Ready — Ready=False \(DependencyNotReady\)/);
    assert.match(out, /\r\x1b\[2K✗ Kustomization flux-system\/apps Ready: timed out\n$/);
    // Two result lines, nothing else ends a line.
    assert.equal(out.split('\n').length - 1, 2);
  });
});
