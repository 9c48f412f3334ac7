/**
 * Waiting for an object to reach a state: LIST it (by name), check, then
 * WATCH from the list's resourceVersion and check every event, until the
 * check passes or the deadline comes. A watch the server ends (timeouts,
 * 410 Gone) starts over with a fresh LIST.
 */
import type { K8sObject } from '../lib/k8s.js';
import type { Kube, ObjRef } from './kube.js';

export interface WaitCheck {
  done: boolean;
  detail: string;
}

export interface WaitOptions {
  /** Epoch ms at which to give up. */
  deadline: number;
  /** Each new state seen (for a progress display). */
  onUpdate?: (detail: string) => void;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The last check: `done` true when the state was reached, false at the deadline. */
export async function waitFor(kube: Kube, ref: ObjRef, check: (o: K8sObject | undefined) => WaitCheck, opts: WaitOptions): Promise<WaitCheck> {
  let last: WaitCheck = { done: false, detail: 'not checked yet' };
  const see = (c: WaitCheck) => {
    if (c.detail !== last.detail) opts.onUpdate?.(c.detail);
    last = c;
    return c.done;
  };
  for (;;) {
    const started = Date.now();
    const { items, resourceVersion } = await kube.list(ref.apiVersion, ref.kind, { namespace: ref.namespace, fieldSelector: `metadata.name=${ref.name}` });
    if (see(check(items.find((o) => o.metadata.name === ref.name)))) return last;
    const remaining = opts.deadline - Date.now();
    if (remaining <= 0) return last;
    const outcome = await kube.watchObject(ref, resourceVersion, Math.min(remaining, 5 * 60_000), (_type, o) => see(check(o)));
    if (outcome === 'done') return last;
    if (Date.now() >= opts.deadline) return last;
    // A watch that ended at once (a server without watch, or a stream of errors): do not spin.
    if (Date.now() - started < 1000) await sleep(Math.min(1000, Math.max(0, opts.deadline - Date.now())));
  }
}
