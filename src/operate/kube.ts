/**
 * Cluster access for the operate commands (bootstrap, diff, status). Every
 * request goes through `@kubernetes/client-node`, loaded lazily on first use
 * so the CLI starts without it: the import specifier is a variable, so the
 * esbuild bundle leaves the package out and Node loads it from node_modules.
 *
 * - kubeconfig: the default loading rules (KUBECONFIG, ~/.kube/config, the
 *   in-cluster service account), or `--kubeconfig FILE`; `--context NAME`.
 * - objects: `KubernetesObjectApi` (discovery of each kind's resource, then
 *   server-side apply with fieldManager `hearth` and force, GET, LIST), with
 *   a per-request timeout; readiness by `Watch`.
 * - errors: every failure becomes a `KubeError` with a message that names the
 *   server and context and a hint saying what to do.
 *
 * client-node's typed (de)serializers drop fields their models do not know
 * (and rename a few, such as LimitRange `default`), and turn timestamps into
 * Dates. hearth registers a pass-through serializer for each kind it touches,
 * so what it applies is exactly what it rendered and what it reads is the
 * server's JSON.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type * as K8s from '@kubernetes/client-node';
import type { K8sObject } from '../lib/k8s.js';

/** A variable, not a literal: keeps the package out of the CLI bundle (loaded on first use). */
const CLIENT_NODE = '@kubernetes/client-node';
const SERIALIZER = '@kubernetes/client-node/dist/serializer.js';

type ClientNode = typeof K8s;
let clientNodeModule: Promise<ClientNode> | undefined;

/** The client library, imported once on first use. */
export function clientNode(): Promise<ClientNode> {
  clientNodeModule ??= import(CLIENT_NODE) as Promise<ClientNode>;
  return clientNodeModule;
}

/** The field manager of every apply (`kubectl get ... --show-managed-fields` shows it). */
export const FIELD_MANAGER = 'hearth';

export interface ObjRef {
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string;
}

export type KubeErrorKind =
  | 'config' // kubeconfig missing, unreadable, unknown context
  | 'unreachable' // connection refused, DNS, no route, request timed out
  | 'tls' // certificate does not verify
  | 'auth' // 401
  | 'forbidden' // 403
  | 'not-served' // the kind's API (CRD) is not installed
  | 'rejected' // 400/422: the server refused the object
  | 'api'; // any other answer

export class KubeError extends Error {
  constructor(
    message: string,
    readonly kind: KubeErrorKind,
    /** What to do about it. */
    readonly hint?: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'KubeError';
  }
}

/** The message and its hint, for printing. */
export function describeError(e: KubeError): string {
  return e.hint ? `${e.message}\n  ${e.hint}` : e.message;
}

export interface KubeOptions {
  /** Context name (default: the kubeconfig's current context). */
  context?: string;
  /** Kubeconfig file (default: KUBECONFIG, then ~/.kube/config, then in-cluster). */
  kubeconfig?: string;
  /** Timeout of each request (not of watches), in ms; default 30 s. */
  requestTimeoutMs?: number;
}

export interface ResourceInfo {
  /** The plural resource name (`deployments`). */
  plural: string;
  namespaced: boolean;
}

export interface ListResult {
  items: K8sObject[];
  resourceVersion?: string;
}

export function refOf(o: K8sObject): ObjRef {
  return { apiVersion: o.apiVersion, kind: o.kind, name: o.metadata.name, ...(o.metadata.namespace ? { namespace: o.metadata.namespace } : {}) };
}

/** `Kind namespace/name` (or `Kind name` for cluster-scoped objects). */
export function refText(r: ObjRef): string {
  return `${r.kind} ${r.namespace ? `${r.namespace}/` : ''}${r.name}`;
}

export function groupOf(apiVersion: string): string {
  return apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
}

const passThrough = {
  serialize: (data: unknown) => data,
  deserialize: (data: unknown) => data,
};
const rawKinds = new Set<string>();
type RegisterModel = (gvk: { group: string; version: string; kind: string }, s: typeof passThrough) => void;
let registerModel: RegisterModel | null | undefined;

/** Register the pass-through serializer for a kind and its List (once per process). */
async function ensureRaw(apiVersion: string, kind: string): Promise<void> {
  if (registerModel === undefined) {
    try {
      const mod = (await import(SERIALIZER)) as { ObjectSerializer?: { registerModel?: RegisterModel } };
      const cls = mod.ObjectSerializer;
      registerModel = cls && typeof cls.registerModel === 'function' ? cls.registerModel.bind(cls) : null;
    } catch {
      // Another client-node layout: keep its typed serializers (they handle every field hearth renders today).
      registerModel = null;
    }
  }
  if (!registerModel) return;
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
  for (const k of [kind, `${kind}List`]) {
    const key = `${group}/${version}/${k}`;
    if (rawKinds.has(key)) continue;
    rawKinds.add(key);
    try {
      registerModel({ group, version, kind: k }, passThrough);
    } catch {
      // Already registered (by this or another KubernetesObjectApi user in the process).
    }
  }
}

const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE', 'ETIMEDOUT', 'ECONNABORTED', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_SOCKET']);
const TLS_CODES = /^(CERT_|ERR_TLS_|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_(GET|VERIFY)_|ERR_SSL_)/;

interface StatusBody {
  message?: string;
  reason?: string;
  details?: { causes?: { field?: string; message?: string }[] };
}

function parseStatus(body: unknown): StatusBody | undefined {
  let b = body;
  if (typeof body === 'string') {
    try {
      b = JSON.parse(body);
    } catch {
      return body.trim() ? { message: body.trim().slice(0, 500) } : undefined;
    }
  }
  return b && typeof b === 'object' ? (b as StatusBody) : undefined;
}

function statusText(code: number, s: StatusBody | undefined): string {
  const reason = s?.reason ? `${code} ${s.reason}` : String(code);
  const causes = (s?.details?.causes ?? []).filter((c) => c.message && !(s?.message ?? '').includes(c.message)).map((c) => (c.field ? `${c.field}: ${c.message}` : c.message));
  const msg = [s?.message, ...causes].filter(Boolean).join('; ');
  return msg ? `${reason}: ${msg}` : reason;
}

export class Kube {
  private constructor(
    private readonly k8s: ClientNode,
    readonly kc: K8s.KubeConfig,
    private readonly objects: K8s.KubernetesObjectApi,
    private readonly configuration: K8s.Configuration,
    /** The context in use. */
    readonly context: string,
    /** The API server URL of that context. */
    readonly server: string,
    /** Where the kubeconfig came from (for messages). */
    readonly source: string,
    private readonly requestTimeoutMs: number,
  ) {}

  /** Load the kubeconfig and select the context (no request is made). */
  static async connect(opts: KubeOptions = {}): Promise<Kube> {
    const k8s = await clientNode();
    const kc = new k8s.KubeConfig();
    let source: string;
    const load = (fn: () => void, file: string) => {
      try {
        fn();
      } catch (e) {
        throw new KubeError(`cannot read the kubeconfig ${file}: ${(e as Error).message}`, 'config', 'check the file is a kubeconfig (`kubectl config view --kubeconfig FILE` reads it)');
      }
    };
    if (opts.kubeconfig) {
      source = path.resolve(opts.kubeconfig);
      if (!fs.existsSync(source)) {
        throw new KubeError(`no kubeconfig at ${opts.kubeconfig}`, 'config', 'pass the path of a kubeconfig file, or leave out --kubeconfig to use KUBECONFIG or ~/.kube/config');
      }
      load(() => kc.loadFromFile(source), source);
    } else {
      const env = (process.env.KUBECONFIG ?? '').split(path.delimiter).filter(Boolean);
      const home = path.join(os.homedir(), '.kube', 'config');
      if (env.length) {
        source = env.join(path.delimiter);
        const present = env.filter((f) => fs.existsSync(f));
        if (present.length === 0) throw new KubeError(`KUBECONFIG names ${source}, which does not exist`, 'config', 'point KUBECONFIG at your kubeconfig, or pass --kubeconfig FILE');
        load(() => {
          kc.loadFromFile(present[0]);
          for (const f of present.slice(1)) {
            const more = new k8s.KubeConfig();
            more.loadFromFile(f);
            kc.mergeConfig(more);
          }
        }, source);
      } else if (fs.existsSync(home)) {
        source = home;
        load(() => kc.loadFromFile(home), home);
      } else if (process.env.KUBERNETES_SERVICE_HOST && fs.existsSync('/var/run/secrets/kubernetes.io/serviceaccount/token')) {
        source = 'the in-cluster service account';
        load(() => kc.loadFromCluster(), source);
      } else {
        throw new KubeError(
          'no kubeconfig: KUBECONFIG is not set and ~/.kube/config does not exist',
          'config',
          'pass --kubeconfig FILE or set KUBECONFIG (a K3s server keeps one at /etc/rancher/k3s/k3s.yaml; the rendered infra/k3s/kubeconfig-setup.sh copies it)',
        );
      }
    }
    const names = kc.getContexts().map((c) => c.name);
    const list = names.length ? names.join(', ') : '(none)';
    if (opts.context) {
      if (!kc.getContextObject(opts.context)) {
        throw new KubeError(`no context "${opts.context}" in ${source}: contexts are ${list}`, 'config', 'pass one of them with --context (`kubectl config get-contexts` lists them)');
      }
      kc.setCurrentContext(opts.context);
    } else if (!kc.getCurrentContext() || !kc.getContextObject(kc.getCurrentContext())) {
      throw new KubeError(`no current context in ${source}: contexts are ${list}`, 'config', 'pass one with --context, or set it with `kubectl config use-context NAME`');
    }
    const context = kc.getCurrentContext();
    const cluster = kc.getCurrentCluster();
    if (!cluster) {
      const ctx = kc.getContextObject(context);
      throw new KubeError(`context "${context}" names cluster "${ctx?.cluster}", which is not in ${source}`, 'config', 'fix the kubeconfig (`kubectl config view`) or use another --context');
    }
    if (!kc.getCurrentUser()) {
      const ctx = kc.getContextObject(context);
      throw new KubeError(`context "${context}" names user "${ctx?.user}", which is not in ${source}`, 'config', 'fix the kubeconfig (`kubectl config view`) or use another --context');
    }
    const server = cluster.server.replace(/\/+$/, '');
    const timeout = opts.requestTimeoutMs ?? 30_000;
    const configuration = k8s.createConfiguration({
      baseServer: new k8s.ServerConfiguration<{ [key: string]: string }>(server, {}),
      authMethods: { default: kc as unknown as K8s.SecurityAuthentication },
      promiseMiddleware: [
        {
          pre: async (ctx: K8s.RequestContext) => {
            ctx.setSignal(AbortSignal.timeout(timeout));
            return ctx;
          },
          post: async (res: K8s.ResponseContext) => res,
        },
      ],
    });
    const objects = new k8s.KubernetesObjectApi(configuration);
    (objects as unknown as { setDefaultNamespace(kc: K8s.KubeConfig): string }).setDefaultNamespace(kc);
    return new Kube(k8s, kc, objects, configuration, context, server, source, timeout);
  }

  /** Turn anything a request threw into a KubeError. */
  explain(e: unknown, action: string): KubeError {
    if (e instanceof KubeError) return e;
    const err = e as { code?: unknown; statusCode?: unknown; body?: unknown; name?: string; message?: string; type?: string; errno?: unknown; cause?: { code?: unknown } };
    const ctx = `context "${this.context}"`;
    const status = typeof err?.code === 'number' ? err.code : typeof err?.statusCode === 'number' ? err.statusCode : undefined;
    if (status !== undefined) {
      const s = parseStatus(err.body);
      if (status === 401) {
        return new KubeError(
          `credentials for ${ctx} were refused by ${this.server} (401 Unauthorized: expired or revoked?)`,
          'auth',
          `refresh them: get a new kubeconfig for the cluster (K3s: infra/k3s/kubeconfig-setup.sh; Talos: \`talosctl kubeconfig\`; an exec or OIDC plugin: log in again), then check with \`kubectl --context ${this.context} auth whoami\``,
          401,
        );
      }
      if (status === 403) {
        return new KubeError(
          `credentials for ${ctx} were refused: ${action} is forbidden (${statusText(status, s)})`,
          'forbidden',
          `use a context whose user may do this (an admin context), or check its RBAC: \`kubectl --context ${this.context} auth can-i --list\``,
          403,
        );
      }
      if (status === 400 || status === 422) {
        return new KubeError(`${action} was rejected by the API server (${statusText(status, s)})`, 'rejected', undefined, status);
      }
      return new KubeError(`${action} failed (${statusText(status, s)})`, 'api', undefined, status);
    }
    const code = typeof err?.code === 'string' ? err.code : typeof err?.cause?.code === 'string' ? err.cause.code : typeof err?.errno === 'string' ? err.errno : undefined;
    const message = err?.message ?? String(e);
    const reach = `check the VPN/Tailscale, that this machine is on the cluster's network, then \`kubectl --context ${this.context} cluster-info\``;
    if (err?.name === 'AbortError' || err?.type === 'aborted' || err?.name === 'TimeoutError') {
      return new KubeError(`cannot reach ${this.server} (${ctx}): no answer within ${this.requestTimeoutMs < 1000 ? `${this.requestTimeoutMs}ms` : formatDuration(this.requestTimeoutMs)}`, 'unreachable', reach);
    }
    if (code && TLS_CODES.test(code)) {
      return new KubeError(
        `TLS verification of ${this.server} failed (${ctx}): ${code}`,
        'tls',
        "the kubeconfig's certificate authority does not match the server's certificate (a rebuilt cluster, or another server at that address): fetch a fresh kubeconfig",
      );
    }
    if ((code && UNREACHABLE_CODES.has(code)) || err?.type === 'system') {
      return new KubeError(`cannot reach ${this.server} (${ctx}): ${code ?? message}`, 'unreachable', reach);
    }
    if (/HTTP protocol is not allowed/.test(message)) {
      return new KubeError(`${this.server} (${ctx}) is plain HTTP, and the kubeconfig does not set insecure-skip-tls-verify`, 'config', 'use the https:// address of the API server');
    }
    return new KubeError(`${action} failed (${ctx}): ${message}`, 'api');
  }

  private async run<T>(action: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      throw this.explain(e, action);
    }
  }

  /** GET /api: reachability and credentials in one request. */
  async ping(): Promise<void> {
    await this.run(`GET ${this.server}/api`, () => new this.k8s.CoreApi(this.configuration).getAPIVersions());
  }

  /** The group versions the server serves (`/api` and `/apis`). */
  async groupVersions(): Promise<Set<string>> {
    const out = new Set<string>();
    const core = await this.run('discovery (/api)', () => new this.k8s.CoreApi(this.configuration).getAPIVersions());
    for (const v of core.versions ?? []) out.add(v);
    const groups = await this.run('discovery (/apis)', () => new this.k8s.ApisApi(this.configuration).getAPIVersions());
    for (const g of groups.groups ?? []) for (const v of g.versions ?? []) out.add(v.groupVersion);
    return out;
  }

  /** The resource serving a kind (discovery of its group version), or undefined when the server does not serve it. */
  async resource(apiVersion: string, kind: string): Promise<ResourceInfo | undefined> {
    try {
      const r = await (this.objects as unknown as { resource(a: string, k: string): Promise<K8s.V1APIResource | undefined> }).resource(apiVersion, kind);
      return r ? { plural: r.name, namespaced: r.namespaced } : undefined;
    } catch (e) {
      if ((e as { code?: unknown }).code === 404) return undefined;
      throw this.explain(e, `discovery of ${apiVersion} ${kind}`);
    }
  }

  private async served(apiVersion: string, kind: string): Promise<ResourceInfo> {
    const r = await this.resource(apiVersion, kind);
    if (!r) {
      throw new KubeError(`${this.server} (context "${this.context}") does not serve ${apiVersion} ${kind}`, 'not-served', `install what defines ${kind} (its CRDs) first`);
    }
    await ensureRaw(apiVersion, kind);
    return r;
  }

  /** Server-side apply (fieldManager hearth, force): the live object afterwards. */
  async apply(obj: K8sObject): Promise<K8sObject> {
    await this.served(obj.apiVersion, obj.kind);
    const body = structuredClone(obj);
    return this.run(`apply ${refText(refOf(obj))}`, () =>
      this.objects.patch(body as K8s.KubernetesObject, undefined, undefined, FIELD_MANAGER, true, this.k8s.PatchStrategy.ServerSideApply),
    ) as Promise<K8sObject>;
  }

  /** The live object, or undefined when it (or its kind) does not exist. */
  async get(ref: ObjRef): Promise<K8sObject | undefined> {
    if (!(await this.resource(ref.apiVersion, ref.kind))) return undefined;
    await ensureRaw(ref.apiVersion, ref.kind);
    try {
      const o = (await this.objects.read({ apiVersion: ref.apiVersion, kind: ref.kind, metadata: { name: ref.name, ...(ref.namespace ? { namespace: ref.namespace } : {}) } })) as unknown as K8sObject;
      return { ...o, apiVersion: o.apiVersion ?? ref.apiVersion, kind: o.kind ?? ref.kind };
    } catch (e) {
      if ((e as { code?: unknown }).code === 404) return undefined;
      throw this.explain(e, `GET ${refText(ref)}`);
    }
  }

  /** LIST a kind (all namespaces unless one is given); items get apiVersion/kind filled in. */
  async list(apiVersion: string, kind: string, opts: { namespace?: string; labelSelector?: string; fieldSelector?: string } = {}): Promise<ListResult> {
    await this.served(apiVersion, kind);
    const where = opts.namespace ? ` in ${opts.namespace}` : '';
    const res = await this.run(`LIST ${kind}${where}`, () =>
      this.objects.list(apiVersion, kind, opts.namespace, undefined, undefined, undefined, opts.fieldSelector, opts.labelSelector),
    );
    const items = ((res.items ?? []) as unknown as K8sObject[]).map((o) => ({ ...o, apiVersion: o.apiVersion ?? apiVersion, kind: o.kind ?? kind }));
    return { items, resourceVersion: res.metadata?.resourceVersion };
  }

  /**
   * Watch one object from `resourceVersion` until `onEvent` returns true
   * ('done'), the server ends the watch ('closed'), or `ms` pass ('timeout').
   */
  async watchObject(ref: ObjRef, resourceVersion: string | undefined, ms: number, onEvent: (type: string, obj: K8sObject | undefined) => boolean): Promise<'done' | 'closed' | 'timeout'> {
    const r = await this.served(ref.apiVersion, ref.kind);
    const base = ref.apiVersion.includes('/') ? `/apis/${ref.apiVersion}` : `/api/${ref.apiVersion}`;
    const p = `${base}/${r.namespaced && ref.namespace ? `namespaces/${encodeURIComponent(ref.namespace)}/` : ''}${r.plural}`;
    const query: Record<string, string | number | boolean | undefined> = {
      fieldSelector: `metadata.name=${ref.name}`,
      resourceVersion,
      timeoutSeconds: Math.max(1, Math.ceil(ms / 1000)),
      allowWatchBookmarks: false,
    };
    return new Promise((resolve, reject) => {
      let settled = false;
      let controller: AbortController | undefined;
      const finish = (outcome: 'done' | 'closed' | 'timeout' | Error) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        controller?.abort();
        if (outcome instanceof Error) reject(outcome);
        else resolve(outcome);
      };
      const timer = setTimeout(() => finish('timeout'), ms);
      new this.k8s.Watch(this.kc)
        .watch(
          p,
          query,
          (type: string, obj: unknown) => {
            if (settled) return;
            if (type === 'ERROR') {
              // A Status in the stream (410 Gone: the resourceVersion is too old): start over with a fresh LIST.
              finish('closed');
              return;
            }
            if (type === 'BOOKMARK') return;
            const o = obj as K8sObject | undefined;
            const filled = o ? { ...o, apiVersion: o.apiVersion ?? ref.apiVersion, kind: o.kind ?? ref.kind } : undefined;
            if (onEvent(type, type === 'DELETED' ? undefined : filled)) finish('done');
          },
          (err: unknown) => {
            if (settled) return;
            finish(err ? this.explain(err, `WATCH ${refText(ref)}`) : 'closed');
          },
        )
        .then(
          (c) => {
            controller = c;
            if (settled) c.abort();
          },
          (err: unknown) => finish(this.explain(err, `WATCH ${refText(ref)}`)),
        );
    });
  }
}

/** A duration such as 90s, 10m, 1h30m or a bare number of seconds, in ms; undefined when it does not parse. */
export function parseDuration(text: string): number | undefined {
  const t = text.trim();
  if (/^\d+$/.test(t)) return Number(t) * 1000;
  const m = /^(?:(\d+)h)?(?:(\d+)m(?!s))?(?:(\d+)s)?(?:(\d+)ms)?$/.exec(t);
  if (!m || t === '') return undefined;
  const [, h, min, s, ms] = m;
  const total = (Number(h ?? 0) * 3600 + Number(min ?? 0) * 60 + Number(s ?? 0)) * 1000 + Number(ms ?? 0);
  return total > 0 ? total : undefined;
}

/** A duration in words for messages: 45s, 3m12s, 1h5m. */
export function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return s % 60 ? `${m}m${s % 60}s` : `${m}m`;
  return m % 60 ? `${Math.floor(m / 60)}h${m % 60}m` : `${Math.floor(m / 60)}h`;
}
