/**
 * A local HTTPS server on 127.0.0.1 speaking the Kubernetes REST protocol
 * for exactly the calls hearth's operate commands make, with objects kept in
 * memory. No real API server can run here; this is what `hearth bootstrap`,
 * `diff` and `status` are tested against.
 *
 * Served:
 * - discovery: `/api`, `/apis`, `/api/v1`, `/apis/<group>/<version>`
 *   (APIResourceLists of the built-in kinds below, of the CRD presets the
 *   test asks for, and of CRDs applied through the API once Established);
 * - GET of one object; LIST with `labelSelector` (equality: `k=v`, `k==v`,
 *   `k!=v`, `k`, `!k`) and `fieldSelector` (`metadata.name`,
 *   `metadata.namespace`); items of built-in kinds carry no apiVersion/kind,
 *   as a real server's lists;
 * - WATCH (`?watch=true`): newline-delimited JSON events, from the given
 *   `resourceVersion` (replayed) or, without one, ADDED for what exists;
 *   `timeoutSeconds` ends the stream;
 * - server-side apply: `PATCH` with `Content-Type: application/apply-patch+yaml`
 *   (400 without `fieldManager`, 415 for other patch types); a simplified
 *   merge: maps merge, lists replace, fields the same manager applied before
 *   and no longer applies are removed; status is kept; a few defaults are
 *   filled in (Deployment, Service, Namespace) so diffs must ignore them;
 *   namespaced objects need their Namespace (404 otherwise, as a real server);
 * - bearer-token auth: 401 with a Status body when the token is wrong.
 *
 * Test controls: `rejectApply` (422 Invalid with a Status body), `readyAfter`
 * (set a ready status some ms after an object is applied), `put`,
 * `setStatus`, `mutate`, `remove` (act as another client), `requests` (the
 * log), `writeKubeconfig`.
 */
import http from 'node:http';
import https from 'node:https';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import crypto from 'node:crypto';
import { execFileSync } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { parse as parseYaml } from 'yaml';

export interface ResourceDef {
  group: string;
  version: string;
  kind: string;
  plural: string;
  namespaced: boolean;
  /** Built-in kinds: list items carry no apiVersion/kind. */
  builtin?: boolean;
}

const core = (kind: string, plural: string, namespaced = true): ResourceDef => ({ group: '', version: 'v1', kind, plural, namespaced, builtin: true });
const b = (group: string, version: string, kind: string, plural: string, namespaced = true): ResourceDef => ({ group, version, kind, plural, namespaced, builtin: true });
const cr = (group: string, version: string, kind: string, plural: string, namespaced = true): ResourceDef => ({ group, version, kind, plural, namespaced });

export const BUILTIN_RESOURCES: ResourceDef[] = [
  core('Namespace', 'namespaces', false),
  core('ConfigMap', 'configmaps'),
  core('Secret', 'secrets'),
  core('Service', 'services'),
  core('ServiceAccount', 'serviceaccounts'),
  core('PersistentVolumeClaim', 'persistentvolumeclaims'),
  core('ResourceQuota', 'resourcequotas'),
  core('LimitRange', 'limitranges'),
  b('apps', 'v1', 'Deployment', 'deployments'),
  b('apps', 'v1', 'StatefulSet', 'statefulsets'),
  b('apps', 'v1', 'DaemonSet', 'daemonsets'),
  b('batch', 'v1', 'Job', 'jobs'),
  b('batch', 'v1', 'CronJob', 'cronjobs'),
  b('networking.k8s.io', 'v1', 'Ingress', 'ingresses'),
  b('networking.k8s.io', 'v1', 'NetworkPolicy', 'networkpolicies'),
  b('policy', 'v1', 'PodDisruptionBudget', 'poddisruptionbudgets'),
  b('rbac.authorization.k8s.io', 'v1', 'ClusterRole', 'clusterroles', false),
  b('rbac.authorization.k8s.io', 'v1', 'ClusterRoleBinding', 'clusterrolebindings', false),
  b('rbac.authorization.k8s.io', 'v1', 'Role', 'roles'),
  b('rbac.authorization.k8s.io', 'v1', 'RoleBinding', 'rolebindings'),
  b('discovery.k8s.io', 'v1', 'EndpointSlice', 'endpointslices'),
  b('storage.k8s.io', 'v1', 'StorageClass', 'storageclasses', false),
  b('apiextensions.k8s.io', 'v1', 'CustomResourceDefinition', 'customresourcedefinitions', false),
];

/** CRDs a test can have installed from the start, by the product that brings them. */
export const CRD_PRESETS: Record<string, ResourceDef[]> = {
  flux: [
    cr('kustomize.toolkit.fluxcd.io', 'v1', 'Kustomization', 'kustomizations'),
    cr('source.toolkit.fluxcd.io', 'v1', 'GitRepository', 'gitrepositories'),
    cr('source.toolkit.fluxcd.io', 'v1', 'HelmRepository', 'helmrepositories'),
    cr('helm.toolkit.fluxcd.io', 'v2', 'HelmRelease', 'helmreleases'),
  ],
  argocd: [cr('argoproj.io', 'v1alpha1', 'Application', 'applications'), cr('argoproj.io', 'v1alpha1', 'AppProject', 'appprojects')],
  'cert-manager': [cr('cert-manager.io', 'v1', 'Certificate', 'certificates'), cr('cert-manager.io', 'v1', 'ClusterIssuer', 'clusterissuers', false), cr('cert-manager.io', 'v1', 'Issuer', 'issuers')],
  metallb: [
    cr('metallb.io', 'v1beta1', 'IPAddressPool', 'ipaddresspools'),
    cr('metallb.io', 'v1beta1', 'L2Advertisement', 'l2advertisements'),
    cr('metallb.io', 'v1beta1', 'BGPAdvertisement', 'bgpadvertisements'),
    cr('metallb.io', 'v1beta2', 'BGPPeer', 'bgppeers'),
  ],
  prometheus: [cr('monitoring.coreos.com', 'v1', 'ServiceMonitor', 'servicemonitors')],
  'external-secrets': [cr('external-secrets.io', 'v1', 'ClusterSecretStore', 'clustersecretstores', false), cr('external-secrets.io', 'v1', 'ExternalSecret', 'externalsecrets')],
  'sealed-secrets': [cr('bitnami.com', 'v1alpha1', 'SealedSecret', 'sealedsecrets')],
};

export interface Match {
  kind?: string;
  name?: string;
  namespace?: string;
}

export interface LoggedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  contentType?: string;
  status?: number;
}

export interface FakeOptions {
  /** The bearer token the server accepts (default `hearth-test-token`); undefined in setToken turns auth off. */
  token?: string;
  /** HTTPS with a throwaway self-signed certificate (default), or plain HTTP. */
  tls?: boolean;
  /** CRD presets served from the start (default: every preset). */
  crds?: string[];
  /** How long an applied CRD takes to become Established (default 50 ms). */
  crdEstablishDelayMs?: number;
}

type Obj = Record<string, any>;

interface Stored {
  def: ResourceDef;
  obj: Obj;
  /** The last configuration each field manager applied. */
  applied: Record<string, Obj>;
}

interface Watcher {
  def: ResourceDef;
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  res: http.ServerResponse;
  timer?: NodeJS.Timeout;
}

let certCache: { key: string; cert: string } | undefined | null;

/** A self-signed certificate for 127.0.0.1 (openssl), made once per process; null without openssl. */
function testCertificate(): { key: string; cert: string } | null {
  if (certCache !== undefined) return certCache;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-fake-apiserver-'));
  try {
    execFileSync(
      'openssl',
      ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem'), '-days', '2', '-subj', '/CN=fake-apiserver', '-addext', 'subjectAltName=IP:127.0.0.1'],
      { stdio: 'ignore' },
    );
    certCache = { key: fs.readFileSync(path.join(dir, 'key.pem'), 'utf8'), cert: fs.readFileSync(path.join(dir, 'cert.pem'), 'utf8') };
  } catch {
    certCache = null;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return certCache;
}

const clone = <T>(v: T): T => (v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T));
const isMap = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

function apiVersionOf(def: ResourceDef): string {
  return def.group ? `${def.group}/${def.version}` : def.version;
}

function matches(m: Match, obj: Obj): boolean {
  return (!m.kind || m.kind === obj.kind) && (!m.name || m.name === obj.metadata?.name) && (m.namespace === undefined || m.namespace === (obj.metadata?.namespace ?? ''));
}

function labelMatch(selector: string | undefined, labels: Record<string, string> = {}): boolean {
  if (!selector) return true;
  return selector
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .every((term) => {
      let m: RegExpExecArray | null;
      if ((m = /^([^!=]+)!=(.*)$/.exec(term))) return labels[m[1]] !== m[2];
      if ((m = /^([^!=]+)==?(.*)$/.exec(term))) return labels[m[1]] === m[2];
      if (term.startsWith('!')) return !(term.slice(1) in labels);
      return term in labels;
    });
}

function fieldMatch(selector: string | undefined, obj: Obj): boolean {
  if (!selector) return true;
  return selector.split(',').every((term) => {
    const m = /^([^!=]+)(!=|==|=)(.*)$/.exec(term.trim());
    if (!m) return false;
    const value = m[1] === 'metadata.name' ? obj.metadata?.name : m[1] === 'metadata.namespace' ? (obj.metadata?.namespace ?? '') : undefined;
    return m[2] === '!=' ? value !== m[3] : value === m[3];
  });
}

/** Server-side apply, simplified: maps merge, lists and scalars replace, fields `prev` applied and `next` does not are removed. */
function mergeApply(live: Obj, prev: Obj | undefined, next: Obj): Obj {
  const out: Obj = { ...live };
  if (prev) for (const k of Object.keys(prev)) if (!(k in next)) delete out[k];
  for (const k of Object.keys(next)) {
    out[k] = isMap(live[k]) && isMap(next[k]) ? mergeApply(live[k], isMap(prev?.[k]) ? prev![k] : undefined, next[k]) : clone(next[k]);
  }
  return out;
}

/** A few of the defaults a real API server fills in, so that diff has server-set fields to ignore. */
function applyDefaults(obj: Obj, ip: () => string): void {
  const setDefault = (o: Obj, k: string, v: unknown) => {
    if (o[k] === undefined) o[k] = v;
  };
  if (obj.kind === 'Namespace') {
    obj.metadata.labels = { ...(obj.metadata.labels ?? {}), 'kubernetes.io/metadata.name': obj.metadata.name };
    obj.spec ??= {};
    setDefault(obj.spec, 'finalizers', ['kubernetes']);
    obj.status ??= { phase: 'Active' };
  }
  if (obj.kind === 'Deployment' && isMap(obj.spec)) {
    setDefault(obj.spec, 'replicas', 1);
    setDefault(obj.spec, 'progressDeadlineSeconds', 600);
    setDefault(obj.spec, 'revisionHistoryLimit', 10);
    setDefault(obj.spec, 'strategy', { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } });
    const pod = obj.spec.template?.spec;
    if (isMap(pod)) {
      setDefault(pod, 'restartPolicy', 'Always');
      setDefault(pod, 'dnsPolicy', 'ClusterFirst');
      setDefault(pod, 'schedulerName', 'default-scheduler');
      setDefault(pod, 'terminationGracePeriodSeconds', 30);
      for (const c of pod.containers ?? []) {
        setDefault(c, 'imagePullPolicy', 'IfNotPresent');
        setDefault(c, 'terminationMessagePath', '/dev/termination-log');
        for (const p of c.ports ?? []) setDefault(p, 'protocol', 'TCP');
      }
    }
  }
  if (obj.kind === 'Service' && isMap(obj.spec)) {
    setDefault(obj.spec, 'type', 'ClusterIP');
    setDefault(obj.spec, 'sessionAffinity', 'None');
    if (obj.spec.clusterIP === undefined) {
      obj.spec.clusterIP = ip();
      obj.spec.clusterIPs = [obj.spec.clusterIP];
    }
    for (const p of obj.spec.ports ?? []) {
      setDefault(p, 'protocol', 'TCP');
      setDefault(p, 'targetPort', p.port);
    }
  }
}

/** The status that makes an object of a kind ready (as its controller would report it). */
export function readyStatus(obj: Obj): Obj {
  const generation = obj.metadata?.generation ?? 1;
  const cond = (type: string, reason: string, message: string) => [{ type, status: 'True', reason, message, lastTransitionTime: new Date().toISOString(), observedGeneration: generation }];
  switch (obj.kind) {
    case 'Application':
      return { health: { status: 'Healthy' }, sync: { status: 'Synced', revision: '0123456789abcdef' }, operationState: { phase: 'Succeeded' } };
    case 'Deployment':
    case 'StatefulSet': {
      const n = obj.spec?.replicas ?? 1;
      return { observedGeneration: generation, replicas: n, readyReplicas: n, updatedReplicas: n, availableReplicas: n };
    }
    case 'DaemonSet':
      return { observedGeneration: generation, desiredNumberScheduled: 1, currentNumberScheduled: 1, numberReady: 1, numberAvailable: 1 };
    case 'PersistentVolumeClaim':
      return { phase: 'Bound', capacity: { storage: obj.spec?.resources?.requests?.storage ?? '1Gi' } };
    case 'CustomResourceDefinition':
      return { conditions: [...cond('NamesAccepted', 'NoConflicts', 'no conflicts found'), ...cond('Established', 'InitialNamesAccepted', 'the initial names have been accepted')], acceptedNames: obj.spec?.names ?? {} };
    default:
      return { observedGeneration: generation, conditions: cond('Ready', 'ReconciliationSucceeded', 'Applied revision: main@sha1:0123456789abcdef') };
  }
}

function status(code: number, reason: string, message: string, details?: Obj): Obj {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, ...(details ? { details } : {}), code };
}

export class FakeApiServer {
  readonly requests: LoggedRequest[] = [];
  url = '';
  /** The server certificate (PEM), also its CA; undefined over plain HTTP. */
  cert?: string;
  private token: string | undefined;
  private readonly resources: ResourceDef[];
  private readonly store = new Map<string, Stored>();
  private rv = 1000;
  private ipCounter = 10;
  private readonly events: { rv: number; def: ResourceDef; type: string; obj: Obj }[] = [];
  private readonly watchers = new Set<Watcher>();
  private readonly rejects: { match: Match; message: string; field?: string }[] = [];
  private readonly readyRules: { match: Match; delayMs: number; status?: (o: Obj) => Obj }[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private server!: http.Server;
  private readonly crdDelay: number;

  private constructor(opts: FakeOptions) {
    this.token = 'token' in opts ? opts.token : 'hearth-test-token';
    this.crdDelay = opts.crdEstablishDelayMs ?? 50;
    const presets = opts.crds ?? Object.keys(CRD_PRESETS);
    this.resources = [...BUILTIN_RESOURCES];
    for (const p of presets) {
      for (const def of CRD_PRESETS[p] ?? []) {
        this.resources.push(def);
        // The CRD object itself, Established, so `kubectl get crd` would list it.
        const name = `${def.plural}.${def.group}`;
        if (this.find('apiextensions.k8s.io', 'customresourcedefinitions', undefined, name)) continue;
        const crd: Obj = {
          apiVersion: 'apiextensions.k8s.io/v1',
          kind: 'CustomResourceDefinition',
          metadata: { name },
          spec: { group: def.group, names: { kind: def.kind, plural: def.plural }, scope: def.namespaced ? 'Namespaced' : 'Cluster', versions: [{ name: def.version, served: true, storage: true }] },
        };
        crd.status = readyStatus(crd);
        this.write(this.defOf('apiextensions.k8s.io', 'CustomResourceDefinition')!, crd, 'ADDED');
      }
    }
    for (const ns of ['default', 'kube-system']) this.put({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
  }

  static async start(opts: FakeOptions = {}): Promise<FakeApiServer> {
    const s = new FakeApiServer(opts);
    const tls = opts.tls !== false ? testCertificate() : null;
    const handler = (req: http.IncomingMessage, res: http.ServerResponse) => {
      s.handle(req, res).catch((e: Error) => {
        if (!res.headersSent) s.send(res, 500, status(500, 'InternalError', `fake apiserver: ${e.message}`));
        else res.end();
      });
    };
    s.server = tls ? https.createServer({ key: tls.key, cert: tls.cert }, handler) : http.createServer(handler);
    s.cert = tls?.cert;
    await new Promise<void>((resolve) => s.server.listen(0, '127.0.0.1', resolve));
    s.url = `${tls ? 'https' : 'http'}://127.0.0.1:${(s.server.address() as AddressInfo).port}`;
    return s;
  }

  async close(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    for (const w of this.watchers) {
      if (w.timer) clearTimeout(w.timer);
      w.res.end();
    }
    this.watchers.clear();
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  // ---- test controls ----

  setToken(token: string | undefined): void {
    this.token = token;
  }

  /** Reject applies of matching objects with 422 Invalid. */
  rejectApply(match: Match, message: string, field?: string): void {
    this.rejects.push({ match, message, ...(field ? { field } : {}) });
  }

  /** Some ms after a matching object is applied, give it the status its controller would report when ready. */
  readyAfter(match: Match, delayMs: number, statusOf?: (o: Obj) => Obj): void {
    this.readyRules.push({ match, delayMs, ...(statusOf ? { status: statusOf } : {}) });
  }

  /** Store an object as another client would (create or replace); returns the stored object. */
  put(obj: Obj): Obj {
    const def = this.defOf(obj.apiVersion.includes('/') ? obj.apiVersion.split('/')[0] : '', obj.kind);
    if (!def) throw new Error(`fake apiserver: ${obj.apiVersion} ${obj.kind} is not served`);
    const o = clone(obj);
    const existing = this.find(def.group, def.plural, o.metadata.namespace, o.metadata.name);
    o.status ??= existing?.obj.status;
    applyDefaults(o, () => this.nextIp());
    return this.write(def, o, existing ? 'MODIFIED' : 'ADDED').obj;
  }

  /** Merge into an object's status (as its controller would). */
  setStatus(match: Required<Pick<Match, 'kind' | 'name'>> & Match, st: Obj): void {
    const s = this.findMatch(match);
    if (!s) throw new Error(`fake apiserver: no ${match.kind} ${match.name}`);
    const o = clone(s.obj);
    o.status = { ...(o.status ?? {}), ...st };
    this.write(s.def, o, 'MODIFIED');
  }

  /** Change a live object (as a person with kubectl edit would). */
  mutate(match: Required<Pick<Match, 'kind' | 'name'>> & Match, fn: (o: Obj) => void): void {
    const s = this.findMatch(match);
    if (!s) throw new Error(`fake apiserver: no ${match.kind} ${match.name}`);
    const o = clone(s.obj);
    fn(o);
    this.write(s.def, o, 'MODIFIED');
  }

  remove(match: Required<Pick<Match, 'kind' | 'name'>> & Match): void {
    const s = this.findMatch(match);
    if (!s) throw new Error(`fake apiserver: no ${match.kind} ${match.name}`);
    this.store.delete(this.key(s.def, s.obj.metadata.namespace, s.obj.metadata.name));
    this.emit('DELETED', s.def, s.obj);
  }

  get(match: Required<Pick<Match, 'kind' | 'name'>> & Match): Obj | undefined {
    return clone(this.findMatch(match)?.obj);
  }

  objects(kind?: string): Obj[] {
    return [...this.store.values()].filter((s) => !kind || s.obj.kind === kind).map((s) => clone(s.obj));
  }

  /** The paths of the server-side applies the server accepted, in order. */
  applies(): string[] {
    return this.requests.filter((r) => r.method === 'PATCH' && r.contentType === 'application/apply-patch+yaml' && (r.status === 200 || r.status === 201)).map((r) => r.path);
  }

  /** Write a kubeconfig for this server: context `fake` (and any `extraContexts`), token auth. */
  writeKubeconfig(file: string, opts: { token?: string; context?: string; extraContexts?: string[]; server?: string } = {}): string {
    const server = opts.server ?? this.url;
    const cluster: Obj = { server };
    if (server.startsWith('https') && this.cert) cluster['certificate-authority-data'] = Buffer.from(this.cert).toString('base64');
    else cluster['insecure-skip-tls-verify'] = true;
    const context = opts.context ?? 'fake';
    const contexts = [context, ...(opts.extraContexts ?? [])];
    const config = {
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'fake-cluster', cluster }],
      users: [{ name: 'fake-user', user: { token: opts.token ?? this.token ?? 'none' } }],
      contexts: contexts.map((name) => ({ name, context: { cluster: 'fake-cluster', user: 'fake-user' } })),
      'current-context': context,
    };
    fs.writeFileSync(file, JSON.stringify(config, null, 2));
    return file;
  }

  // ---- internals ----

  private nextIp(): string {
    this.ipCounter++;
    return `10.43.${Math.floor(this.ipCounter / 250)}.${this.ipCounter % 250}`;
  }

  private defOf(group: string, kind: string): ResourceDef | undefined {
    return this.resources.find((r) => r.group === group && r.kind === kind);
  }

  private key(def: ResourceDef, ns: string | undefined, name: string): string {
    return `${def.group}/${def.plural}/${def.namespaced ? (ns ?? 'default') : ''}/${name}`;
  }

  private find(group: string, plural: string, ns: string | undefined, name: string): Stored | undefined {
    const def = this.resources.find((r) => r.group === group && r.plural === plural);
    return def ? this.store.get(this.key(def, ns, name)) : undefined;
  }

  private findMatch(m: Match): Stored | undefined {
    return [...this.store.values()].find((s) => matches(m, s.obj));
  }

  /** Store with fresh server metadata; emits the watch event. */
  private write(def: ResourceDef, obj: Obj, type: 'ADDED' | 'MODIFIED', applied?: Record<string, Obj>): Stored {
    const k = this.key(def, obj.metadata.namespace, obj.metadata.name);
    const existing = this.store.get(k);
    obj.apiVersion = apiVersionOf(def);
    if (def.namespaced) obj.metadata.namespace ??= 'default';
    else delete obj.metadata.namespace;
    const meta = obj.metadata;
    meta.uid = existing?.obj.metadata.uid ?? crypto.randomUUID();
    meta.creationTimestamp = existing?.obj.metadata.creationTimestamp ?? new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    const specChanged = JSON.stringify(existing?.obj.spec) !== JSON.stringify(obj.spec);
    meta.generation = (existing?.obj.metadata.generation ?? 0) + (existing ? (specChanged ? 1 : 0) : 1);
    meta.resourceVersion = String(++this.rv);
    const stored: Stored = { def, obj, applied: applied ?? existing?.applied ?? {} };
    this.store.set(k, stored);
    this.emit(type, def, obj);
    return stored;
  }

  private emit(type: string, def: ResourceDef, obj: Obj): void {
    const rv = Number(obj.metadata.resourceVersion);
    this.events.push({ rv, def, type, obj: clone(obj) });
    for (const w of this.watchers) if (this.watchMatch(w, obj, def)) w.res.write(JSON.stringify({ type, object: obj }) + '\n');
  }

  private watchMatch(w: Watcher, obj: Obj, def: ResourceDef): boolean {
    return w.def === def && (!w.namespace || w.namespace === obj.metadata.namespace) && labelMatch(w.labelSelector, obj.metadata.labels) && fieldMatch(w.fieldSelector, obj);
  }

  private send(res: http.ServerResponse, code: number, body: unknown): void {
    const text = JSON.stringify(body);
    res.writeHead(code, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
    res.end(text);
  }

  private discoveryList(group: string, version: string): Obj | undefined {
    const defs = this.resources.filter((r) => r.group === group && r.version === version);
    if (defs.length === 0) return undefined;
    return {
      kind: 'APIResourceList',
      apiVersion: 'v1',
      groupVersion: group ? `${group}/${version}` : version,
      resources: defs.map((d) => ({ name: d.plural, singularName: d.kind.toLowerCase(), namespaced: d.namespaced, kind: d.kind, verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'] })),
    };
  }

  private async body(req: http.IncomingMessage): Promise<string> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://x');
    const query = Object.fromEntries(url.searchParams.entries());
    const entry: LoggedRequest = { method: req.method ?? 'GET', path: url.pathname, query, ...(req.headers['content-type'] ? { contentType: req.headers['content-type'].split(';')[0] } : {}) };
    this.requests.push(entry);
    const reply = (code: number, body: unknown) => {
      entry.status = code;
      this.send(res, code, body);
    };

    if (this.token !== undefined && req.headers.authorization !== `Bearer ${this.token}`) return reply(401, status(401, 'Unauthorized', 'Unauthorized'));

    const p = url.pathname.replace(/\/+$/, '') || '/';
    if (p === '/api') return reply(200, { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: '127.0.0.1:6443' }] });
    if (p === '/apis') {
      const groups = new Map<string, string[]>();
      for (const r of this.resources) if (r.group) groups.set(r.group, [...new Set([...(groups.get(r.group) ?? []), r.version])]);
      return reply(200, {
        kind: 'APIGroupList',
        apiVersion: 'v1',
        groups: [...groups].map(([name, versions]) => ({
          name,
          versions: versions.map((v) => ({ groupVersion: `${name}/${v}`, version: v })),
          preferredVersion: { groupVersion: `${name}/${versions[0]}`, version: versions[0] },
        })),
      });
    }
    if (p === '/version') return reply(200, { major: '1', minor: '34', gitVersion: 'v1.34.0-fake' });

    const segs = p.split('/').filter(Boolean).map(decodeURIComponent);
    let group: string;
    let version: string;
    let rest: string[];
    if (segs[0] === 'api' && segs.length >= 2) [group, version, rest] = ['', segs[1], segs.slice(2)];
    else if (segs[0] === 'apis' && segs.length >= 3) [group, version, rest] = [segs[1], segs[2], segs.slice(3)];
    else return reply(404, status(404, 'NotFound', 'the server could not find the requested resource'));

    if (rest.length === 0) {
      const list = this.discoveryList(group, version);
      return list ? reply(200, list) : reply(404, status(404, 'NotFound', 'the server could not find the requested resource'));
    }
    let namespace: string | undefined;
    if (rest[0] === 'namespaces' && rest.length >= 3) {
      namespace = rest[1];
      rest = rest.slice(2);
    }
    const [plural, name, sub] = rest;
    const def = this.resources.find((r) => r.group === group && r.version === version && r.plural === plural);
    if (!def || sub !== undefined || (namespace && !def.namespaced)) return reply(404, status(404, 'NotFound', 'the server could not find the requested resource'));
    const gr = def.group ? `${def.plural}.${def.group}` : def.plural;

    if (req.method === 'GET' && !name) {
      const items = [...this.store.values()]
        .filter((s) => s.def === def && (!namespace || s.obj.metadata.namespace === namespace) && labelMatch(query.labelSelector, s.obj.metadata.labels) && fieldMatch(query.fieldSelector, s.obj))
        .map((s) => s.obj);
      if (query.watch === 'true' || query.watch === '1') return this.watch(def, namespace, query, req, res, entry);
      const present = (o: Obj) => {
        const c = clone(o);
        if (def.builtin) {
          delete c.apiVersion;
          delete c.kind;
        }
        return c;
      };
      return reply(200, { apiVersion: apiVersionOf(def), kind: `${def.kind}List`, metadata: { resourceVersion: String(this.rv) }, items: items.map(present) });
    }
    if (req.method === 'GET' && name) {
      const s = this.store.get(this.key(def, namespace, name));
      return s ? reply(200, s.obj) : reply(404, status(404, 'NotFound', `${gr} "${name}" not found`, { name, group: def.group, kind: def.plural }));
    }
    if (req.method === 'PATCH' && name) {
      const text = await this.body(req);
      if (entry.contentType !== 'application/apply-patch+yaml') return reply(415, status(415, 'UnsupportedMediaType', `the fake apiserver supports only server-side apply, not ${entry.contentType}`));
      if (!query.fieldManager) return reply(400, status(400, 'BadRequest', 'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch'));
      let cfg: Obj;
      try {
        cfg = parseYaml(text) as Obj;
      } catch (e) {
        return reply(400, status(400, 'BadRequest', `error decoding YAML: ${(e as Error).message}`));
      }
      if (!isMap(cfg) || cfg.apiVersion !== apiVersionOf(def) || cfg.kind !== def.kind) return reply(400, status(400, 'BadRequest', `the body is not a ${apiVersionOf(def)} ${def.kind}`));
      if (cfg.metadata?.name !== name) return reply(400, status(400, 'BadRequest', 'the name of the object does not match the name on the URL'));
      if (def.namespaced && cfg.metadata?.namespace && cfg.metadata.namespace !== namespace) return reply(400, status(400, 'BadRequest', 'the namespace of the provided object does not match the namespace sent on the request'));
      const rule = this.rejects.find((r) => matches(r.match, { ...cfg, metadata: { ...cfg.metadata, namespace: namespace ?? '' } }));
      if (rule) {
        const field = rule.field ?? 'spec';
        return reply(
          422,
          status(422, 'Invalid', `${def.kind}.${def.group || 'core'} "${name}" is invalid: ${field}: Invalid value: ${rule.message}`, {
            name,
            group: def.group,
            kind: def.kind,
            causes: [{ reason: 'FieldValueInvalid', message: `Invalid value: ${rule.message}`, field }],
          }),
        );
      }
      if (def.namespaced && namespace && !this.find('', 'namespaces', undefined, namespace)) return reply(404, status(404, 'NotFound', `namespaces "${namespace}" not found`, { name: namespace, kind: 'namespaces' }));
      const k = this.key(def, namespace, name);
      const existing = this.store.get(k);
      const manager = query.fieldManager;
      const { status: _ignored, ...config } = cfg;
      const base: Obj = existing ? clone(existing.obj) : { apiVersion: cfg.apiVersion, kind: cfg.kind, metadata: {} };
      const prev = existing?.applied[manager];
      const { status: liveStatus, ...liveRest } = base;
      const merged = mergeApply(liveRest, prev, clone(config));
      merged.metadata = { ...merged.metadata, ...(namespace ? { namespace } : {}) };
      if (liveStatus !== undefined) merged.status = liveStatus;
      applyDefaults(merged, () => this.nextIp());
      const fields = { manager, operation: 'Apply', apiVersion: apiVersionOf(def), time: new Date().toISOString().replace(/\.\d+Z$/, 'Z'), fieldsType: 'FieldsV1', fieldsV1: {} };
      merged.metadata.managedFields = [...(existing?.obj.metadata.managedFields ?? []).filter((f: Obj) => f.manager !== manager), fields];
      const unchanged = existing && JSON.stringify({ ...existing.obj, metadata: { ...existing.obj.metadata, managedFields: undefined } }) === JSON.stringify({ ...merged, metadata: { ...merged.metadata, uid: existing.obj.metadata.uid, creationTimestamp: existing.obj.metadata.creationTimestamp, generation: existing.obj.metadata.generation, resourceVersion: existing.obj.metadata.resourceVersion, managedFields: undefined } });
      let stored: Stored;
      if (unchanged) {
        stored = existing!;
        stored.applied = { ...stored.applied, [manager]: clone(config) };
      } else {
        stored = this.write(def, merged, existing ? 'MODIFIED' : 'ADDED', { ...(existing?.applied ?? {}), [manager]: clone(config) });
      }
      if (def.kind === 'CustomResourceDefinition' && !existing) this.establishLater(stored);
      for (const r of this.readyRules) if (matches(r.match, stored.obj)) this.later(r.delayMs, () => this.markReady(stored.def, stored.obj.metadata.namespace, stored.obj.metadata.name, r.status));
      return reply(existing ? 200 : 201, stored.obj);
    }
    return reply(405, status(405, 'MethodNotAllowed', `the fake apiserver does not support ${req.method} here`));
  }

  private later(ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    this.timers.add(t);
  }

  private markReady(def: ResourceDef, ns: string | undefined, name: string, statusOf?: (o: Obj) => Obj): void {
    const s = this.store.get(this.key(def, ns, name));
    if (!s) return;
    const o = clone(s.obj);
    o.status = { ...(o.status ?? {}), ...(statusOf ? statusOf(o) : readyStatus(o)) };
    this.write(def, o, 'MODIFIED');
  }

  /** A CRD applied through the API: serve its kinds and mark it Established after the delay. */
  private establishLater(s: Stored): void {
    const spec = s.obj.spec ?? {};
    this.later(this.crdDelay, () => {
      for (const v of spec.versions ?? []) {
        if (v.served === false) continue;
        if (!this.resources.some((r) => r.group === spec.group && r.version === v.name && r.kind === spec.names?.kind)) {
          this.resources.push(cr(spec.group, v.name, spec.names.kind, spec.names.plural, spec.scope !== 'Cluster'));
        }
      }
      this.markReady(s.def, undefined, s.obj.metadata.name);
    });
  }

  private watch(def: ResourceDef, namespace: string | undefined, query: Record<string, string>, req: http.IncomingMessage, res: http.ServerResponse, entry: LoggedRequest): void {
    entry.status = 200;
    res.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' });
    const w: Watcher = { def, res, ...(namespace ? { namespace } : {}), ...(query.labelSelector ? { labelSelector: query.labelSelector } : {}), ...(query.fieldSelector ? { fieldSelector: query.fieldSelector } : {}) };
    const from = query.resourceVersion && query.resourceVersion !== '0' ? Number(query.resourceVersion) : undefined;
    if (from === undefined) {
      for (const s of this.store.values()) if (this.watchMatch(w, s.obj, def)) res.write(JSON.stringify({ type: 'ADDED', object: s.obj }) + '\n');
    } else {
      for (const e of this.events) if (e.rv > from && this.watchMatch(w, e.obj, e.def)) res.write(JSON.stringify({ type: e.type, object: e.obj }) + '\n');
    }
    this.watchers.add(w);
    const seconds = Number(query.timeoutSeconds);
    if (seconds > 0) {
      w.timer = setTimeout(() => {
        this.watchers.delete(w);
        res.end();
      }, seconds * 1000);
    }
    const drop = () => {
      if (w.timer) clearTimeout(w.timer);
      this.watchers.delete(w);
    };
    req.on('close', drop);
    res.on('close', drop);
  }
}
