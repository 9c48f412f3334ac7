/**
 * Schema oracle for rendered objects: kubernetes-models and
 * @kubernetes-models/* validators (generated from the upstream OpenAPI and
 * CRD schemas), plus a strict pass for unknown fields, which those schemas
 * let through.
 *
 * The strict pass watches which properties the generated validator reads:
 * a property of an object the validator inspected but never read is not in
 * the schema. Maps (labels, annotations) are enumerated by the validator and
 * free-form blocks (Helm values) are never inspected, so both are exempt.
 */

type Loader = () => Promise<Record<string, unknown>>;

/** apiVersion → the module exporting that group/version's kinds. */
const MODULES: Record<string, Loader> = {
  v1: () => import('kubernetes-models/v1'),
  'apps/v1': () => import('kubernetes-models/apps/v1'),
  'batch/v1': () => import('kubernetes-models/batch/v1'),
  'networking.k8s.io/v1': () => import('kubernetes-models/networking.k8s.io/v1'),
  'discovery.k8s.io/v1': () => import('kubernetes-models/discovery.k8s.io/v1'),
  'storage.k8s.io/v1': () => import('kubernetes-models/storage.k8s.io/v1'),
  'policy/v1': () => import('kubernetes-models/policy/v1'),
  'rbac.authorization.k8s.io/v1': () => import('kubernetes-models/rbac.authorization.k8s.io/v1'),
  'helm.toolkit.fluxcd.io/v2': () => import('@kubernetes-models/flux-cd/helm.toolkit.fluxcd.io/v2'),
  'source.toolkit.fluxcd.io/v1': () => import('@kubernetes-models/flux-cd/source.toolkit.fluxcd.io/v1'),
  'kustomize.toolkit.fluxcd.io/v1': () => import('@kubernetes-models/flux-cd/kustomize.toolkit.fluxcd.io/v1'),
  'argoproj.io/v1alpha1': () => import('@kubernetes-models/argo-cd/argoproj.io/v1alpha1'),
  'cert-manager.io/v1': () => import('@kubernetes-models/cert-manager/cert-manager.io/v1'),
  'monitoring.coreos.com/v1': () => import('@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1'),
  'bitnami.com/v1alpha1': () => import('@kubernetes-models/sealed-secrets/bitnami.com/v1alpha1'),
  'external-secrets.io/v1': () => import('@kubernetes-models/external-secrets/external-secrets.io/v1'),
};

/**
 * API groups no npm schema package covers. Objects of these groups are
 * reported as unchecked; tests assert the list stays exactly this.
 */
export const UNCHECKED_GROUPS = ['metallb.io', 'longhorn.io'];

export interface OracleResult {
  /** `apiVersion/kind name`. */
  object: string;
  checked: boolean;
  errors: string[];
}

interface Rec {
  path: string;
  gets: Set<string>;
  enumerated: boolean;
}

function tracker() {
  const recs = new Map<object, Rec>();
  const proxies = new WeakMap<object, object>();
  const wrap = (value: unknown, path: string): unknown => {
    if (value === null || typeof value !== 'object') return value;
    const existing = proxies.get(value as object);
    if (existing) return existing;
    const rec: Rec = { path, gets: new Set(), enumerated: false };
    recs.set(value as object, rec);
    const p = new Proxy(value as object, {
      get(t, k, r) {
        const v = Reflect.get(t, k, r);
        if (typeof k !== 'string') return v;
        rec.gets.add(k);
        return Object.prototype.hasOwnProperty.call(t, k) ? wrap(v, `${path}/${k}`) : v;
      },
      has(t, k) {
        if (typeof k === 'string') rec.gets.add(k);
        return Reflect.has(t, k);
      },
      ownKeys(t) {
        rec.enumerated = true;
        return Reflect.ownKeys(t);
      },
    });
    proxies.set(value as object, p);
    return p;
  };
  const unknown = (): string[] => {
    const out: string[] = [];
    for (const [obj, rec] of recs) {
      if (Array.isArray(obj) || rec.enumerated || rec.gets.size === 0) continue;
      for (const k of Object.keys(obj)) if (!rec.gets.has(k)) out.push(`${rec.path}/${k}: unknown field`);
    }
    return out.sort();
  };
  return { wrap, unknown };
}

export async function validateObject(obj: { apiVersion?: string; kind?: string; metadata?: { name?: string }; [k: string]: unknown }): Promise<OracleResult> {
  const id = `${obj.apiVersion}/${obj.kind} ${obj.metadata?.name ?? '?'}`;
  const group = (obj.apiVersion ?? '').includes('/') ? obj.apiVersion!.split('/')[0] : '';
  const load = MODULES[obj.apiVersion ?? ''];
  if (!load) {
    if (UNCHECKED_GROUPS.includes(group)) return { object: id, checked: false, errors: [] };
    return { object: id, checked: false, errors: [`no schema for apiVersion ${obj.apiVersion}: add its @kubernetes-models package to the oracle`] };
  }
  const mod = await load();
  const Kind = mod[obj.kind ?? ''] as { prototype: { validate(): void } } | undefined;
  if (!Kind) return { object: id, checked: false, errors: [`${obj.apiVersion} has no kind ${obj.kind}`] };
  const t = tracker();
  const errors: string[] = [];
  try {
    Kind.prototype.validate.call(t.wrap(obj, ''));
  } catch (e) {
    errors.push(String((e as Error).message ?? e));
  }
  errors.push(...t.unknown());
  return { object: id, checked: true, errors };
}
