/**
 * `hearth status`: the health of every component of a lab in a cluster.
 *
 * What is looked at (each kind only when the cluster serves it):
 * Deployments, StatefulSets and DaemonSets (ready replicas), PVCs (Bound),
 * cert-manager Certificates (Ready), Flux HelmReleases and Kustomizations
 * (Ready), Argo CD Applications (health Healthy and sync Synced).
 *
 * Which objects are the lab's: those with hearth's labels for it; those a
 * component's chart made (Helm's `meta.helm.sh/release-name` annotation or
 * the `app.kubernetes.io/instance` label naming a component, in that
 * component's namespace); and everything in the namespaces the spec
 * declares for apps. Rendered objects of these kinds that are not live are
 * reported Missing. Each row names its component: the catalog instance
 * (`n8n`, `cert-manager`), `flux` or `argocd` for the engine's roots, `-`
 * when no component claims it.
 */
import type { K8sObject } from '../lib/k8s.js';
import { health, type HealthState } from './health.js';
import { Kube, groupOf, refOf, type KubeOptions } from './kube.js';
import { isOwned, loadOperateLab, ownedSelector, renderedObjects, type OperateLab } from './lab.js';
import type { Issue } from '../spec/issues.js';

export const STATUS_KINDS: readonly (readonly [string, string])[] = [
  ['kustomize.toolkit.fluxcd.io/v1', 'Kustomization'],
  ['helm.toolkit.fluxcd.io/v2', 'HelmRelease'],
  ['argoproj.io/v1alpha1', 'Application'],
  ['apps/v1', 'Deployment'],
  ['apps/v1', 'StatefulSet'],
  ['apps/v1', 'DaemonSet'],
  ['v1', 'PersistentVolumeClaim'],
  ['cert-manager.io/v1', 'Certificate'],
];

/** Kinds hearth renders itself and labels; listed by its labels, cluster-wide. */
const GITOPS_KINDS = new Set(['Kustomization', 'HelmRelease', 'Application']);

export interface StatusRow {
  component: string;
  kind: string;
  name: string;
  namespace: string;
  state: HealthState;
  healthy: boolean;
  detail: string;
}

export interface StatusResult {
  lab: string;
  context: string;
  server: string;
  healthy: boolean;
  rows: StatusRow[];
  /** Kinds the cluster does not serve (not looked at). */
  notServed: string[];
}

const HELM_RELEASE = 'meta.helm.sh/release-name';
const INSTANCE = 'app.kubernetes.io/instance';

/** Compute the health table of a lab in a cluster. */
export async function statusObjects(lab: OperateLab, kube: Kube): Promise<StatusResult> {
  const model = lab.model;
  const components = model.components;
  const ids = new Map(components.map((c) => [c.id, c]));
  const appNamespaces = new Set(model.namespaces.filter((n) => n.origin === 'spec').map((n) => n.name));
  const engine = model.gitops.engine;

  const componentOf = (o: K8sObject): string | undefined => {
    const ns = o.metadata.namespace;
    const labels = o.metadata.labels ?? {};
    const annotations = o.metadata.annotations ?? {};
    if (o.kind === 'Kustomization' && groupOf(o.apiVersion) === 'kustomize.toolkit.fluxcd.io') return 'flux';
    if (o.kind === 'Application' && groupOf(o.apiVersion) === 'argoproj.io') {
      const n = o.metadata.name;
      if (ids.has(n)) return n;
      if (n.endsWith('-manifests') && ids.has(n.slice(0, -'-manifests'.length))) return n.slice(0, -'-manifests'.length);
      return 'argocd';
    }
    if (o.kind === 'HelmRelease' && ids.has(o.metadata.name)) return o.metadata.name;
    for (const candidate of [annotations[HELM_RELEASE], labels[INSTANCE]]) {
      const c = candidate ? ids.get(candidate) : undefined;
      if (c && (c.namespace === ns || isOwned(o, model.name))) return c.id;
    }
    return undefined;
  };

  const rows: StatusRow[] = [];
  const notServed: string[] = [];
  const seen = new Set<string>();
  const key = (kind: string, ns: string | undefined, name: string) => `${kind}|${ns ?? ''}|${name}`;
  const add = (o: K8sObject | undefined, ref: { kind: string; name: string; namespace?: string }, component: string) => {
    const k = key(ref.kind, ref.namespace, ref.name);
    if (seen.has(k)) return;
    seen.add(k);
    const h = health(o);
    rows.push({ component, kind: ref.kind, name: ref.name, namespace: ref.namespace ?? '', state: h.state, healthy: h.healthy, detail: h.detail });
  };

  const served = new Set<string>();
  for (const [apiVersion, kind] of STATUS_KINDS) {
    if (!(await kube.resource(apiVersion, kind))) {
      notServed.push(`${apiVersion} ${kind}`);
      continue;
    }
    served.add(`${groupOf(apiVersion)}/${kind}`);
    if (GITOPS_KINDS.has(kind)) {
      // hearth's own (labelled) plus, for HelmReleases, any named after a component in its namespace.
      const { items } = await kube.list(apiVersion, kind, kind === 'HelmRelease' ? {} : { labelSelector: ownedSelector(model.name) });
      for (const o of items) {
        if (!isOwned(o, model.name) && !(kind === 'HelmRelease' && ids.get(o.metadata.name)?.namespace === o.metadata.namespace)) continue;
        add(o, refOf(o), componentOf(o) ?? '-');
      }
      continue;
    }
    const { items } = await kube.list(apiVersion, kind);
    for (const o of items) {
      const component = componentOf(o) ?? (isOwned(o, model.name) ? (o.metadata.labels?.[INSTANCE] ?? '-') : undefined);
      if (component) add(o, refOf(o), component);
      else if (o.metadata.namespace && appNamespaces.has(o.metadata.namespace)) add(o, refOf(o), '-');
    }
  }

  // Rendered objects of these kinds that are not live.
  for (const o of renderedObjects(lab)) {
    if (!STATUS_KINDS.some(([a, k]) => k === o.kind && groupOf(a) === groupOf(o.apiVersion))) continue;
    if (!served.has(`${groupOf(o.apiVersion)}/${o.kind}`) && !(engine === 'flux' && o.kind === 'Kustomization') && !(engine === 'argocd' && o.kind === 'Application')) continue;
    if (seen.has(key(o.kind, o.metadata.namespace, o.metadata.name))) continue;
    add(undefined, refOf(o), componentOf(o) ?? o.metadata.labels?.[INSTANCE] ?? '-');
  }

  const order = new Map<string, number>([
    ['flux', -2],
    ['argocd', -1],
    ...components.map((c, i) => [c.id, i] as [string, number]),
  ]);
  const kindOrder = new Map(STATUS_KINDS.map(([, k], i) => [k, i]));
  rows.sort(
    (a, b) =>
      (order.get(a.component) ?? 1e6) - (order.get(b.component) ?? 1e6) ||
      a.component.localeCompare(b.component) ||
      (kindOrder.get(a.kind) ?? 99) - (kindOrder.get(b.kind) ?? 99) ||
      a.namespace.localeCompare(b.namespace) ||
      a.name.localeCompare(b.name),
  );
  return { lab: model.name, context: kube.context, server: kube.server, healthy: rows.length > 0 && rows.every((r) => r.healthy), rows, notServed };
}

/** The table: component, kind, name, namespace, state, detail. */
export function formatStatus(r: StatusResult, opts: { color?: boolean } = {}): string {
  const paint = (code: string, s: string) => (opts.color ? `\x1b[${code}m${s}\x1b[0m` : s);
  const lines: string[] = [`hearth status: lab ${r.lab} in context ${r.context} (${r.server})`, ''];
  if (r.rows.length === 0) {
    lines.push(`nothing of lab ${r.lab} found in the cluster (has it been bootstrapped or deployed?)`);
    return lines.join('\n') + '\n';
  }
  const head = ['COMPONENT', 'KIND', 'NAME', 'NAMESPACE', 'STATE', 'DETAIL'];
  const cells = r.rows.map((x) => [x.component, x.kind, x.name, x.namespace || '-', x.state, x.detail]);
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const fmt = (c: string[], colorState = false) =>
    c
      .map((v, i) => {
        if (i === c.length - 1) return v;
        const padded = v.padEnd(widths[i]);
        if (colorState && i === 4) return paint(v === 'Ready' ? '32' : v === 'Progressing' ? '33' : '31', padded);
        return padded;
      })
      .join('  ')
      .trimEnd();
  lines.push(fmt(head));
  for (const c of cells) lines.push(fmt(c, true));
  const bad = r.rows.filter((x) => !x.healthy).length;
  lines.push('', bad ? `${r.rows.length - bad} healthy, ${bad} not healthy` : `all ${r.rows.length} healthy`);
  if (r.notServed.length) lines.push(`not served by the cluster (not looked at): ${r.notServed.join(', ')}`);
  return lines.join('\n') + '\n';
}

/** Load a lab, connect and compute its health: the library form of `hearth status`. KubeErrors are thrown. */
export async function labStatus(target: string, opts: KubeOptions = {}): Promise<{ issues: Issue[]; result?: StatusResult }> {
  const loaded = await loadOperateLab(target);
  if (!loaded.lab) return { issues: loaded.issues };
  const kube = await Kube.connect(opts);
  return { issues: loaded.issues, result: await statusObjects(loaded.lab, kube) };
}
