/**
 * `hearth bootstrap`: install the GitOps engine's root objects of a rendered
 * lab into a cluster, then wait for the root sync to report ready.
 *
 * hearth renders the objects the engine reconciles, not the engine itself:
 *
 * - flux: the Kustomizations under `clusters/<cluster>/`. They sync from a
 *   GitRepository named `flux-system` (what `flux bootstrap` or
 *   `flux create source git` makes), which hearth does not render, nor the
 *   Flux controllers and CRDs (`flux install`). Both are checked first and
 *   the command to create them is printed when they are missing.
 * - argocd: `bootstrap/root-app.yaml`, the app-of-apps root Application.
 *   Argo CD itself is installed with Helm and `bootstrap/argocd-values.yaml`.
 * - none: nothing to bootstrap: `scripts/deploy-all.sh` deploys the lab.
 *
 * Order: connect; check the engine's APIs are served and its prerequisites
 * exist; apply CustomResourceDefinitions (when the root files hold any) and
 * wait until each is Established; apply the root objects (server-side apply,
 * fieldManager hearth); wait for each root to be ready (Flux Kustomization
 * Ready condition; Argo CD Application health Healthy and sync Synced).
 * Whatever was applied before a failure is reported beside what was not.
 */
import type { LabModel } from '../model/types.js';
import type { RenderedFile } from '../render/index.js';
import type { K8sObject } from '../lib/k8s.js';
import { Kube, KubeError, refOf, refText, formatDuration, type ObjRef, type KubeOptions, type KubeErrorKind } from './kube.js';
import { health } from './health.js';
import { objectsOf, loadOperateLab, type OperateLab } from './lab.js';
import { waitFor } from './wait.js';
import type { Issue } from '../spec/issues.js';

/** Argo CD's chart, as pinned in docs/research/platform-charts.md. */
const ARGO_CD_CHART = { repo: 'https://argoproj.github.io/argo-helm', chart: 'argo-cd', version: '10.9.1' };

export interface RequiredApi {
  apiVersion: string;
  kind: string;
}

export interface Prerequisite {
  ref: ObjRef;
  /** Why it is needed. */
  why: string;
  /** The command that creates it. */
  hint: string;
}

export interface BootstrapPlan {
  lab: string;
  engine: 'flux' | 'argocd';
  /** The rendered files the objects come from. */
  sources: string[];
  /** CustomResourceDefinitions first, then the root objects, in rendered order. */
  crds: K8sObject[];
  roots: K8sObject[];
  /** The engine's kinds the cluster must serve before anything is applied. */
  requires: RequiredApi[];
  /** What must already exist (the engine's install makes it). */
  prerequisites: Prerequisite[];
  /** How to install the engine when its APIs are missing. */
  install: string;
  /** The roots whose readiness ends the bootstrap. */
  waitFor: ObjRef[];
}

export interface Refusal {
  refuse: string;
  hint: string;
}

/** What bootstrap would apply and wait for: pure, from the model and its rendered files. */
export function planBootstrap(model: LabModel, files: readonly RenderedFile[]): BootstrapPlan | Refusal {
  if (!model.cluster) return { refuse: `lab "${model.name}" has no Kubernetes cluster: there is nothing to bootstrap`, hint: 'hearth bootstrap installs a GitOps engine\'s root objects into the lab\'s cluster' };
  const engine = model.gitops.engine;
  if (engine === 'none') {
    return {
      refuse: `lab "${model.name}" has gitops.engine: none, so there is no GitOps engine to bootstrap`,
      hint: 'run `hearth build`, then scripts/deploy-all.sh from the output (helm upgrade --install in deployment order), or set gitops.engine to flux or argocd',
    };
  }
  const all = files.flatMap((f) => objectsOf(f).map((o) => ({ o, file: f.path })));
  const kindsUsed = new Set(all.map(({ o }) => `${o.apiVersion} ${o.kind}`));
  if (engine === 'flux') {
    const dir = `clusters/${model.cluster.name}/`;
    const picked = all.filter(({ file }) => file.startsWith(dir));
    const objects = picked.map(({ o }) => o);
    const roots = dependencyOrder(objects.filter((o) => o.kind !== 'CustomResourceDefinition'));
    const requires: RequiredApi[] = [{ apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization' }, { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository' }];
    for (const k of ['helm.toolkit.fluxcd.io/v2 HelmRelease', 'source.toolkit.fluxcd.io/v1 HelmRepository']) {
      const [apiVersion, kind] = k.split(' ');
      if (kindsUsed.has(k)) requires.push({ apiVersion, kind });
    }
    const repo = model.gitops.repo;
    const sources = new Map<string, ObjRef>();
    for (const o of roots) {
      const ref = (o.spec as { sourceRef?: { kind?: string; name?: string; namespace?: string } } | undefined)?.sourceRef;
      if (ref?.kind === 'GitRepository' && ref.name) {
        const r: ObjRef = { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository', name: ref.name, namespace: ref.namespace ?? o.metadata.namespace };
        sources.set(refText(r), r);
      }
    }
    const prerequisites: Prerequisite[] = [...sources.values()].map((ref) => ({
      ref,
      why: 'the Kustomizations sync from it; hearth does not render it',
      hint:
        `create it: \`flux create source git ${ref.name} --namespace ${ref.namespace} --url ${repo?.url ?? '<repo url>'} --branch ${repo?.branch ?? 'main'} --interval 1m\`` +
        ' (a private repository also needs --secret-ref, or use `flux bootstrap`, which makes it)',
    }));
    return {
      lab: model.name,
      engine,
      sources: [...new Set(picked.map(({ file }) => file))],
      crds: objects.filter((o) => o.kind === 'CustomResourceDefinition'),
      roots,
      requires,
      prerequisites,
      install:
        'hearth renders Flux\'s objects, not Flux itself (its controllers and CRDs). Install Flux first: `flux install` ' +
        '(or `kubectl apply -f https://github.com/fluxcd/flux2/releases/latest/download/install.yaml`), then run hearth bootstrap again',
      waitFor: roots.filter((o) => o.kind === 'Kustomization').map(refOf),
    };
  }
  const file = 'bootstrap/root-app.yaml';
  const picked = all.filter((x) => x.file === file);
  const objects = picked.map(({ o }) => o);
  const roots = objects.filter((o) => o.kind !== 'CustomResourceDefinition');
  const namespaces = [...new Set(roots.map((o) => o.metadata.namespace).filter((n): n is string => !!n))];
  const values = 'bootstrap/argocd-values.yaml';
  const helm = `helm upgrade --install argocd ${ARGO_CD_CHART.chart} --repo ${ARGO_CD_CHART.repo} --version ${ARGO_CD_CHART.version} --namespace ${namespaces[0] ?? 'argocd'} --create-namespace -f ${values}`;
  return {
    lab: model.name,
    engine,
    sources: [file],
    crds: objects.filter((o) => o.kind === 'CustomResourceDefinition'),
    roots,
    requires: [{ apiVersion: 'argoproj.io/v1alpha1', kind: 'Application' }],
    prerequisites: namespaces.map((ns) => ({
      ref: { apiVersion: 'v1', kind: 'Namespace', name: ns },
      why: 'Argo CD runs there and watches Applications in it',
      hint: `install Argo CD into it from the rendered repository: \`${helm}\``,
    })),
    install: `hearth renders Argo CD's Applications, not Argo CD itself. Install it first, from the rendered repository (${values} carries the Application health check the app-of-apps needs): \`${helm}\`, then run hearth bootstrap again`,
    waitFor: roots.filter((o) => o.kind === 'Application').map(refOf),
  };
}

export type ProgressEvent =
  | { type: 'start'; step: string }
  | { type: 'update'; step: string; detail: string }
  | { type: 'done'; step: string; detail?: string }
  | { type: 'fail'; step: string; detail: string };

export type Progress = (e: ProgressEvent) => void;

export interface BootstrapFailure {
  step: string;
  kind: KubeErrorKind | 'missing-engine' | 'missing-prerequisite' | 'timeout';
  message: string;
  hint?: string;
}

export interface BootstrapResult {
  ok: boolean;
  lab: string;
  engine: 'flux' | 'argocd';
  context: string;
  server: string;
  applied: ObjRef[];
  notApplied: ObjRef[];
  /** Roots that reported ready. */
  ready: ObjRef[];
  failure?: BootstrapFailure;
  ms: number;
}

export interface RunOptions {
  /** The whole bootstrap's time limit, in ms (default 10 minutes). */
  timeoutMs?: number;
  onProgress?: Progress;
}

function engineName(engine: 'flux' | 'argocd'): string {
  return engine === 'flux' ? 'Flux' : 'Argo CD';
}

/** Run a plan against a cluster. Never throws for cluster errors: they end up in `failure`. */
export async function runBootstrap(plan: BootstrapPlan, kube: Kube, opts: RunOptions = {}): Promise<BootstrapResult> {
  const started = Date.now();
  const timeoutMs = opts.timeoutMs ?? 10 * 60_000;
  const deadline = started + timeoutMs;
  const emit = opts.onProgress ?? (() => {});
  const pending: K8sObject[] = [...plan.crds, ...plan.roots];
  const applied: ObjRef[] = [];
  const ready: ObjRef[] = [];
  const result = (failure?: BootstrapFailure): BootstrapResult => ({
    ok: !failure,
    lab: plan.lab,
    engine: plan.engine,
    context: kube.context,
    server: kube.server,
    applied,
    notApplied: pending.filter((o) => !applied.some((a) => refText(a) === refText(refOf(o)))).map(refOf),
    ready,
    ...(failure ? { failure } : {}),
    ms: Date.now() - started,
  });
  let step = '';
  const begin = (s: string) => {
    step = s;
    emit({ type: 'start', step: s });
  };
  const fail = (kind: BootstrapFailure['kind'], message: string, hint?: string): BootstrapResult => {
    emit({ type: 'fail', step, detail: message });
    return result({ step, kind, message, ...(hint ? { hint } : {}) });
  };

  try {
    begin(`connect to ${kube.server} (context ${kube.context})`);
    await kube.ping();
    emit({ type: 'done', step });

    // The engine's APIs: kinds the rendered CRDs define are checked after those are applied.
    const defined = new Set(plan.crds.flatMap((c) => crdKinds(c)));
    const requires = plan.requires.filter((r) => !defined.has(`${r.apiVersion} ${r.kind}`));
    if (requires.length) {
      begin(`${engineName(plan.engine)} is installed (${requires.map((r) => `${r.apiVersion} ${r.kind}`).join(', ')})`);
      const missing: string[] = [];
      for (const r of requires) if (!(await kube.resource(r.apiVersion, r.kind))) missing.push(`${r.apiVersion} ${r.kind}`);
      if (missing.length) {
        return fail('missing-engine', `${engineName(plan.engine)} is not installed in context ${kube.context}: the cluster does not serve ${missing.join(', ')}`, plan.install);
      }
      emit({ type: 'done', step });
    }

    for (const p of plan.prerequisites) {
      begin(`${refText(p.ref)} exists`);
      if (!(await kube.get(p.ref))) return fail('missing-prerequisite', `${refText(p.ref)} does not exist in context ${kube.context} (${p.why})`, p.hint);
      emit({ type: 'done', step });
    }

    for (const crd of plan.crds) {
      begin(`apply ${refText(refOf(crd))}`);
      await kube.apply(crd);
      applied.push(refOf(crd));
      emit({ type: 'done', step });
    }
    for (const crd of plan.crds) {
      const ref = refOf(crd);
      begin(`${refText(ref)} Established`);
      const t0 = Date.now();
      const last = await waitFor(kube, ref, (o) => ({ done: health(o).healthy, detail: health(o).detail }), { deadline, onUpdate: (detail) => emit({ type: 'update', step, detail }) });
      if (!last.done) return fail('timeout', `timed out after ${formatDuration(timeoutMs)} waiting for ${refText(ref)} to be Established: ${last.detail}`, `\`kubectl get crd ${ref.name} -o yaml\` shows its conditions`);
      emit({ type: 'done', step, detail: formatDuration(Date.now() - t0) });
    }
    const late = plan.requires.filter((r) => defined.has(`${r.apiVersion} ${r.kind}`));
    for (const r of late) {
      if (!(await kube.resource(r.apiVersion, r.kind))) {
        begin(`${r.apiVersion} ${r.kind} served`);
        return fail('missing-engine', `the cluster does not serve ${r.apiVersion} ${r.kind} although its CRD is Established`, plan.install);
      }
    }

    for (const o of plan.roots) {
      begin(`apply ${refText(refOf(o))}`);
      await kube.apply(o);
      applied.push(refOf(o));
      emit({ type: 'done', step });
    }

    for (const ref of plan.waitFor) {
      const what = plan.engine === 'flux' ? 'Ready' : 'Healthy and Synced';
      begin(`${refText(ref)} ${what}`);
      const t0 = Date.now();
      const last = await waitFor(kube, ref, (o) => ({ done: health(o).healthy, detail: health(o).detail }), { deadline, onUpdate: (detail) => emit({ type: 'update', step, detail }) });
      if (!last.done) {
        const look =
          plan.engine === 'flux'
            ? `\`flux get kustomizations -n ${ref.namespace}\` or \`kubectl -n ${ref.namespace} describe kustomization ${ref.name}\` shows why`
            : `\`kubectl -n ${ref.namespace} get application ${ref.name} -o yaml\` (or the Argo CD UI) shows why`;
        return fail('timeout', `timed out after ${formatDuration(timeoutMs)} waiting for ${refText(ref)} to be ${what}: ${last.detail}`, look);
      }
      ready.push(ref);
      emit({ type: 'done', step, detail: formatDuration(Date.now() - t0) });
    }
    return result();
  } catch (e) {
    if (e instanceof KubeError) return fail(e.kind, e.message, e.hint);
    throw e;
  }
}

/** Kustomizations after those they depend on (spec.dependsOn), otherwise in rendered order. */
function dependencyOrder(objects: K8sObject[]): K8sObject[] {
  const byName = new Map(objects.map((o) => [`${o.metadata.namespace ?? ''}/${o.metadata.name}`, o]));
  const out: K8sObject[] = [];
  const state = new Map<K8sObject, 'visiting' | 'done'>();
  const visit = (o: K8sObject) => {
    if (state.get(o)) return; // done, or a cycle (left in rendered order)
    state.set(o, 'visiting');
    const deps = ((o.spec as { dependsOn?: { name?: string; namespace?: string }[] } | undefined)?.dependsOn ?? []).map((d) => byName.get(`${d.namespace ?? o.metadata.namespace ?? ''}/${d.name}`));
    for (const d of deps) if (d) visit(d);
    state.set(o, 'done');
    out.push(o);
  };
  for (const o of objects) visit(o);
  return out;
}

/** `apiVersion kind` for every served version of a CRD. */
function crdKinds(crd: K8sObject): string[] {
  const spec = crd.spec as { group?: string; names?: { kind?: string }; versions?: { name?: string; served?: boolean }[] } | undefined;
  if (!spec?.group || !spec.names?.kind) return [];
  return (spec.versions ?? []).filter((v) => v.served !== false && v.name).map((v) => `${spec.group}/${v.name} ${spec.names!.kind}`);
}

export interface BootstrapLabResult {
  issues: Issue[];
  lab?: OperateLab;
  refusal?: Refusal;
  plan?: BootstrapPlan;
  result?: BootstrapResult;
}

/** Load a lab, plan, connect and run: the library form of `hearth bootstrap`. KubeErrors from loading the kubeconfig are thrown. */
export async function bootstrapLab(target: string, opts: KubeOptions & RunOptions = {}): Promise<BootstrapLabResult> {
  const loaded = await loadOperateLab(target);
  if (!loaded.lab) return { issues: loaded.issues };
  const plan = planBootstrap(loaded.lab.model, loaded.lab.files);
  if ('refuse' in plan) return { issues: loaded.issues, lab: loaded.lab, refusal: plan };
  const kube = await Kube.connect(opts);
  return { issues: loaded.issues, lab: loaded.lab, plan, result: await runBootstrap(plan, kube, opts) };
}

