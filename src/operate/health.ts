/**
 * Health of one live object, by kind: the rules `hearth status` reports and
 * `hearth bootstrap` waits on. Pure: reads the object, no I/O.
 */
import type { K8sObject } from '../lib/k8s.js';

export type HealthState = 'Ready' | 'NotReady' | 'Progressing' | 'Suspended' | 'Missing';

export interface Health {
  state: HealthState;
  /** Only Ready counts as healthy. */
  healthy: boolean;
  detail: string;
}

interface Condition {
  type?: string;
  status?: string;
  reason?: string;
  message?: string;
}

type Obj = K8sObject & { spec?: Record<string, unknown>; status?: Record<string, unknown> };

function conditions(o: Obj): Condition[] {
  const c = o.status?.conditions;
  return Array.isArray(c) ? (c as Condition[]) : [];
}

function condition(o: Obj, type: string): Condition | undefined {
  return conditions(o).find((c) => c.type === type);
}

function num(v: unknown): number | undefined {
  return typeof v === 'number' ? v : undefined;
}

const ready = (detail: string): Health => ({ state: 'Ready', healthy: true, detail });
const notReady = (detail: string, state: HealthState = 'NotReady'): Health => ({ state, healthy: false, detail });

function oneLine(s: string | undefined, max = 160): string {
  if (!s) return '';
  const t = s.replace(/\s+/g, ' ').trim();
  return t.length > max ? `${t.slice(0, max - 1)}…` : t;
}

/** True when the controller has seen the latest spec (status.observedGeneration ≥ metadata.generation, when both are set). */
function observedLatest(o: Obj): boolean {
  const gen = num((o.metadata as { generation?: unknown }).generation);
  const observed = num(o.status?.observedGeneration);
  return gen === undefined || observed === undefined || observed >= gen;
}

/** A `Ready` condition (Flux objects, cert-manager Certificates). */
function readyCondition(o: Obj, type = 'Ready'): Health {
  if (o.spec?.suspend === true) return notReady('suspended (spec.suspend: true)', 'Suspended');
  const c = condition(o, type);
  const text = c ? oneLine([c.reason, c.message].filter(Boolean).join(': ')) : '';
  if (!c) return notReady(`no ${type} condition yet`, 'Progressing');
  if (c.status === 'True') {
    if (!observedLatest(o)) return notReady(`${type}=True for an older generation; reconciling`, 'Progressing');
    return ready(text || `${type}=True`);
  }
  if (c.status === 'Unknown') return notReady(`${type}=Unknown${text ? ` (${text})` : ''}`, 'Progressing');
  return notReady(`${type}=False${text ? ` (${text})` : ''}`);
}

function replicas(o: Obj, desiredOf: (o: Obj) => number, readyOf: (o: Obj) => number, what: string): Health {
  const desired = desiredOf(o);
  const got = readyOf(o);
  if (!o.status) return notReady(`0/${desired} ${what} (no status yet)`, 'Progressing');
  if (desired === 0) return ready('scaled to 0');
  const text = `${got}/${desired} ${what}`;
  if (got >= desired && observedLatest(o)) return ready(text);
  const failing = conditions(o).find((c) => c.status === 'False' && c.message);
  return notReady(failing ? `${text}; ${oneLine(failing.message)}` : text, got > 0 ? 'Progressing' : 'NotReady');
}

/** The health of a live object (undefined: it does not exist). */
export function health(o: K8sObject | undefined): Health {
  if (!o) return { state: 'Missing', healthy: false, detail: 'not found in the cluster' };
  const obj = o as Obj;
  const group = obj.apiVersion.includes('/') ? obj.apiVersion.split('/')[0] : '';
  switch (`${group}/${obj.kind}`) {
    case 'apps/Deployment':
      return replicas(obj, (x) => num(x.spec?.replicas) ?? 1, (x) => num(x.status?.readyReplicas) ?? 0, 'ready');
    case 'apps/StatefulSet':
      return replicas(obj, (x) => num(x.spec?.replicas) ?? 1, (x) => num(x.status?.readyReplicas) ?? 0, 'ready');
    case 'apps/DaemonSet':
      return replicas(obj, (x) => num(x.status?.desiredNumberScheduled) ?? 0, (x) => num(x.status?.numberReady) ?? 0, 'nodes ready');
    case '/PersistentVolumeClaim': {
      const phase = obj.status?.phase;
      if (phase === 'Bound') return ready(`Bound${obj.spec?.volumeName ? ` to ${String(obj.spec.volumeName)}` : ''}`);
      return notReady(`${typeof phase === 'string' ? phase : 'no phase yet'}${obj.spec?.storageClassName ? ` (class ${String(obj.spec.storageClassName)})` : ''}`, phase === 'Pending' ? 'Progressing' : 'NotReady');
    }
    case 'argoproj.io/Application': {
      const h = (obj.status?.health as { status?: string; message?: string } | undefined) ?? {};
      const s = (obj.status?.sync as { status?: string } | undefined) ?? {};
      const op = (obj.status?.operationState as { phase?: string; message?: string } | undefined) ?? {};
      const text = `health ${h.status ?? 'unknown'}, sync ${s.status ?? 'unknown'}`;
      if (h.status === 'Healthy' && s.status === 'Synced') return ready(text);
      const why = oneLine(h.message ?? (op.phase && op.phase !== 'Succeeded' ? `${op.phase}: ${op.message ?? ''}` : undefined));
      const state: HealthState = h.status === 'Degraded' || h.status === 'Missing' || op.phase === 'Failed' || op.phase === 'Error' ? 'NotReady' : h.status === 'Suspended' ? 'Suspended' : 'Progressing';
      return notReady(why ? `${text}; ${why}` : text, state);
    }
    case 'apiextensions.k8s.io/CustomResourceDefinition':
      return readyCondition(obj, 'Established');
    default:
      // Flux (Kustomization, HelmRelease, GitRepository, HelmRepository), cert-manager (Certificate, ClusterIssuer): a Ready condition.
      return readyCondition(obj);
  }
}
