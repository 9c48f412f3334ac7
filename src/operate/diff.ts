/**
 * `hearth diff`: the live objects hearth owns against what the lab renders.
 *
 * Live objects are listed by hearth's labels (`app.kubernetes.io/managed-by=
 * hearth,app.kubernetes.io/part-of=<lab>`), kind by kind: every kind the lab
 * renders plus every kind hearth can render (so objects of a kind the lab no
 * longer renders are found too). Three outcomes:
 *
 * - missing: rendered, not live;
 * - extra: live (with hearth's labels), no longer rendered; objects a
 *   controller made from another (ownerReferences with controller: true,
 *   such as EndpointSlices copying a Service's labels) are not counted;
 * - changed: the fields hearth renders differ. Only those fields are
 *   compared: the live object is projected onto the rendered one's shape,
 *   so status, server-set metadata (managedFields, uid, resourceVersion,
 *   creationTimestamp, generation) and fields the server defaulted are
 *   ignored; quantities compare by value (`1024Mi` = `1Gi`), and an empty
 *   map or list equals an absent one.
 *
 * Secrets are not compared: the lab is rendered without the secrets stage
 * (no ciphertexts, nothing written), so Secret, SealedSecret and
 * ExternalSecret objects are not listed unless the render holds some, and
 * live ones are never reported as no longer rendered.
 */
import { isPlainObject, type K8sObject } from '../lib/k8s.js';
import { toYaml, type JsonValue } from '../lib/yaml-emit.js';
import { Kube, groupOf, refOf, refText, type KubeOptions, type ObjRef } from './kube.js';
import { loadOperateLab, ownedSelector, renderedObjects, type OperateLab } from './lab.js';
import { unifiedDiff } from './textdiff.js';
import type { Issue } from '../spec/issues.js';

/** Kinds hearth can render (beside those the lab renders now), to find objects it no longer renders. */
export const KNOWN_KINDS: readonly (readonly [string, string])[] = [
  ['v1', 'Namespace'],
  ['v1', 'ConfigMap'],
  ['v1', 'Service'],
  ['v1', 'ServiceAccount'],
  ['v1', 'PersistentVolumeClaim'],
  ['v1', 'ResourceQuota'],
  ['v1', 'LimitRange'],
  ['apps/v1', 'Deployment'],
  ['apps/v1', 'StatefulSet'],
  ['apps/v1', 'DaemonSet'],
  ['batch/v1', 'Job'],
  ['batch/v1', 'CronJob'],
  ['networking.k8s.io/v1', 'Ingress'],
  ['networking.k8s.io/v1', 'NetworkPolicy'],
  ['policy/v1', 'PodDisruptionBudget'],
  ['rbac.authorization.k8s.io/v1', 'ClusterRole'],
  ['rbac.authorization.k8s.io/v1', 'ClusterRoleBinding'],
  ['rbac.authorization.k8s.io/v1', 'Role'],
  ['rbac.authorization.k8s.io/v1', 'RoleBinding'],
  ['discovery.k8s.io/v1', 'EndpointSlice'],
  ['storage.k8s.io/v1', 'StorageClass'],
  ['kustomize.toolkit.fluxcd.io/v1', 'Kustomization'],
  ['helm.toolkit.fluxcd.io/v2', 'HelmRelease'],
  ['source.toolkit.fluxcd.io/v1', 'HelmRepository'],
  ['source.toolkit.fluxcd.io/v1', 'GitRepository'],
  ['argoproj.io/v1alpha1', 'Application'],
  ['cert-manager.io/v1', 'ClusterIssuer'],
  ['cert-manager.io/v1', 'Issuer'],
  ['cert-manager.io/v1', 'Certificate'],
  ['metallb.io/v1beta1', 'IPAddressPool'],
  ['metallb.io/v1beta1', 'L2Advertisement'],
  ['metallb.io/v1beta1', 'BGPAdvertisement'],
  ['metallb.io/v1beta2', 'BGPPeer'],
  ['monitoring.coreos.com/v1', 'ServiceMonitor'],
  ['external-secrets.io/v1', 'ClusterSecretStore'],
];

/** Kinds whose rendered form needs the secrets stage: not listed unless rendered, never reported extra. */
const NOT_COMPARED = new Set(['/Secret', 'bitnami.com/SealedSecret', 'external-secrets.io/ExternalSecret']);

/** Metadata the server sets; never compared even when present in the rendered object. */
const SERVER_METADATA = ['managedFields', 'uid', 'resourceVersion', 'creationTimestamp', 'generation', 'selfLink', 'deletionTimestamp', 'deletionGracePeriodSeconds'];

export interface FieldChange {
  /** `spec.replicas`, `metadata.labels["app.kubernetes.io/name"]`, `spec.ports[0].port`. */
  path: string;
  /** Absent live: undefined (null in JSON). */
  live: unknown;
  rendered: unknown;
}

export interface ChangedObject {
  ref: ObjRef;
  fields: FieldChange[];
  /** Unified diff of the live (projected) YAML → the rendered YAML. */
  diff: string[];
}

export interface DiffResult {
  lab: string;
  context: string;
  server: string;
  missing: ObjRef[];
  extra: ObjRef[];
  changed: ChangedObject[];
  /** Rendered objects equal live. */
  identical: number;
  /** Rendered kinds the cluster does not serve (their objects are all missing). */
  notServed: string[];
  /** The lab's secrets mechanism, when it has one: its objects are not compared. */
  secrets?: string;
}

function keyOf(o: ObjRef, namespaced: boolean | undefined): string {
  const ns = namespaced === false ? '' : (o.namespace ?? (namespaced ? 'default' : ''));
  return `${groupOf(o.apiVersion)}|${o.kind}|${ns}|${o.name}`;
}

/** Quantities (`500m`, `1Gi`, `1.5`) as numbers; undefined when not one. */
function quantity(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v !== 'string') return undefined;
  const m = /^([+-]?\d+(?:\.\d+)?)(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$/.exec(v);
  if (!m) return undefined;
  const mult: Record<string, number> = { m: 1e-3, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18, Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
  return Number(m[1]) * (m[2] ? mult[m[2]] : 1);
}

function sameScalar(r: unknown, l: unknown): boolean {
  if (r === l) return true;
  // Only when at least one side is a suffixed quantity string or they differ in type: `1Gi` = `1024Mi`, 1 = "1".
  const qr = quantity(r);
  const ql = quantity(l);
  if (qr === undefined || ql === undefined) return false;
  if (typeof r === 'number' && typeof l === 'number') return false;
  return Math.abs(qr - ql) <= Math.abs(qr) * 1e-12;
}

function isEmpty(v: unknown): boolean {
  return v === null || v === undefined || (Array.isArray(v) && v.length === 0) || (isPlainObject(v) && Object.keys(v).length === 0);
}

function childPath(base: string, key: string): string {
  const seg = /^[A-Za-z_$][\w$-]*$/.test(key) ? key : `[${JSON.stringify(key)}]`;
  return seg.startsWith('[') ? `${base}${seg}` : base ? `${base}.${seg}` : seg;
}

/** The live value restricted to the rendered value's shape (no change recording). */
function project(r: unknown, l: unknown): unknown {
  if (isPlainObject(r) && isPlainObject(l)) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(r)) if (l[k] !== undefined) out[k] = project(r[k], l[k]);
    return out;
  }
  if (Array.isArray(r) && Array.isArray(l) && r.length) return l.map((x, i) => project(r[Math.min(i, r.length - 1)], x));
  return l;
}

/** Compare rendered `r` with live `l`; records changes; returns the live value as shown (equal parts as rendered). */
function compare(r: unknown, l: unknown, at: string, out: FieldChange[]): unknown {
  if (l === undefined || l === null) {
    if (isEmpty(r)) return r;
    out.push({ path: at, live: undefined, rendered: r });
    return undefined;
  }
  if (isPlainObject(r)) {
    if (!isPlainObject(l)) {
      out.push({ path: at, live: l, rendered: r });
      return l;
    }
    const shown: Record<string, unknown> = {};
    for (const k of Object.keys(r)) {
      const v = compare(r[k], l[k], childPath(at, k), out);
      if (v !== undefined) shown[k] = v;
    }
    return shown;
  }
  if (Array.isArray(r)) {
    if (!Array.isArray(l) || l.length !== r.length) {
      const shown = project(r, l);
      out.push({ path: at, live: shown, rendered: r });
      return shown;
    }
    return r.map((x, i) => compare(x, l[i], `${at}[${i}]`, out) ?? null);
  }
  if (sameScalar(r, l)) return r;
  out.push({ path: at, live: l, rendered: r });
  return l;
}

/** The rendered object as compared: no status, no server-set metadata. */
function comparable(o: K8sObject): Record<string, unknown> {
  const { status: _status, ...rest } = o as K8sObject & { status?: unknown };
  const metadata: Record<string, unknown> = { ...o.metadata };
  for (const k of SERVER_METADATA) delete metadata[k];
  return { ...rest, metadata };
}

/** The fields hearth renders that differ live, and the YAML diff (live → rendered). */
export function compareObject(rendered: K8sObject, live: K8sObject): { fields: FieldChange[]; diff: string[] } {
  const r = comparable(rendered);
  const fields: FieldChange[] = [];
  const shown = compare(r, { ...live, apiVersion: rendered.apiVersion }, '', fields) as Record<string, unknown>;
  if (fields.length === 0) return { fields, diff: [] };
  const yaml = (v: unknown) => toYaml(v as JsonValue).replace(/\n$/, '').split('\n');
  return { fields, diff: unifiedDiff(yaml(shown), yaml(r)) };
}

/** Compare a rendered lab with a cluster. */
export async function diffObjects(lab: OperateLab, kube: Kube): Promise<DiffResult> {
  const name = lab.model.name;
  const rendered = renderedObjects(lab);
  const kinds = new Map<string, { apiVersion: string; kind: string; rendered: boolean }>();
  for (const o of rendered) {
    const k = `${groupOf(o.apiVersion)}/${o.kind}`;
    if (!kinds.has(k)) kinds.set(k, { apiVersion: o.apiVersion, kind: o.kind, rendered: true });
  }
  for (const [apiVersion, kind] of KNOWN_KINDS) {
    const k = `${groupOf(apiVersion)}/${kind}`;
    if (!kinds.has(k)) kinds.set(k, { apiVersion, kind, rendered: false });
  }
  const namespaced = new Map<string, boolean>();
  const live = new Map<string, K8sObject>();
  const notServed: string[] = [];
  for (const [k, { apiVersion, kind, rendered: isRendered }] of kinds) {
    const res = await kube.resource(apiVersion, kind);
    if (!res) {
      if (isRendered) notServed.push(`${apiVersion} ${kind}`);
      continue;
    }
    namespaced.set(k, res.namespaced);
    const { items } = await kube.list(apiVersion, kind, { labelSelector: ownedSelector(name) });
    for (const o of items) live.set(keyOf(refOf(o), res.namespaced), o);
  }
  const mechanism = lab.model.spec.secrets.mechanism;
  const result: DiffResult = {
    lab: name,
    context: kube.context,
    server: kube.server,
    missing: [],
    extra: [],
    changed: [],
    identical: 0,
    notServed,
    ...(mechanism !== 'none' ? { secrets: mechanism } : {}),
  };
  const seen = new Set<string>();
  for (const o of rendered) {
    const k = `${groupOf(o.apiVersion)}/${o.kind}`;
    const key = keyOf(refOf(o), namespaced.get(k));
    if (seen.has(key)) continue;
    seen.add(key);
    const l = live.get(key);
    if (!l) {
      result.missing.push(refOf(o));
      continue;
    }
    const { fields, diff } = compareObject(o, l);
    if (fields.length) result.changed.push({ ref: refOf(o), fields, diff });
    else result.identical++;
  }
  for (const [key, o] of live) {
    if (seen.has(key) || NOT_COMPARED.has(`${groupOf(o.apiVersion)}/${o.kind}`)) continue;
    const owners = (o.metadata as { ownerReferences?: { controller?: boolean }[] }).ownerReferences ?? [];
    if (owners.some((x) => x.controller)) continue;
    result.extra.push(refOf(o));
  }
  result.extra.sort((a, b) => refText(a).localeCompare(refText(b)));
  return result;
}

export function hasDifferences(r: DiffResult): boolean {
  return r.missing.length + r.extra.length + r.changed.length > 0;
}

/** The readable report: lists, then a unified diff per changed object. */
export function formatDiff(r: DiffResult, opts: { color?: boolean } = {}): string {
  const paint = (code: string, s: string) => (opts.color ? `\x1b[${code}m${s}\x1b[0m` : s);
  const lines: string[] = [`hearth diff: lab ${r.lab} against context ${r.context} (${r.server})`, ''];
  if (r.missing.length) {
    lines.push(`missing live (${r.missing.length}): rendered, not in the cluster`);
    for (const m of r.missing) lines.push(paint('32', `  + ${refText(m)}`));
    lines.push('');
  }
  if (r.extra.length) {
    lines.push(`not rendered (${r.extra.length}): live with hearth's labels for ${r.lab}, no longer rendered`);
    for (const m of r.extra) lines.push(paint('31', `  - ${refText(m)}`));
    lines.push('');
  }
  if (r.changed.length) {
    lines.push(`changed (${r.changed.length}): fields hearth renders differ live`);
    for (const c of r.changed) lines.push(paint('33', `  ~ ${refText(c.ref)}: ${c.fields.map((f) => f.path).join(', ')}`));
    lines.push('');
    for (const c of r.changed) {
      lines.push(paint('1', `--- ${refText(c.ref)} (live)`), paint('1', `+++ ${refText(c.ref)} (rendered)`));
      for (const d of c.diff) lines.push(d.startsWith('@@') ? paint('36', d) : d.startsWith('-') ? paint('31', d) : d.startsWith('+') ? paint('32', d) : d);
      lines.push('');
    }
  }
  if (r.notServed.length) lines.push(`not served by the cluster (CRDs not installed): ${r.notServed.join(', ')}`, '');
  if (r.secrets) lines.push(`secrets (${r.secrets}) are not compared: diff renders the lab without the secrets stage`, '');
  const total = r.missing.length + r.extra.length + r.changed.length;
  lines.push(
    total
      ? `${total} difference${total === 1 ? '' : 's'}: ${r.missing.length} missing, ${r.extra.length} not rendered, ${r.changed.length} changed; ${r.identical} identical`
      : `no differences: ${r.identical} object${r.identical === 1 ? '' : 's'} identical`,
  );
  return lines.join('\n') + '\n';
}

/** Load a lab, connect and compare: the library form of `hearth diff`. KubeErrors are thrown. */
export async function diffLab(target: string, opts: KubeOptions = {}): Promise<{ issues: Issue[]; result?: DiffResult }> {
  const loaded = await loadOperateLab(target);
  if (!loaded.lab) return { issues: loaded.issues };
  const kube = await Kube.connect(opts);
  return { issues: loaded.issues, result: await diffObjects(loaded.lab, kube) };
}
