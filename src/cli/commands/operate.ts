/**
 * `hearth bootstrap`, `hearth diff`, `hearth status`: the operate commands.
 * Thin: load the lab, connect, call src/operate, print, map to an exit code.
 * `@kubernetes/client-node` is imported by src/operate/kube.ts on first use
 * only, so the rest of the CLI never loads it.
 *
 * Exit codes: 0 done / no differences / all healthy; 1 bootstrap did not
 * finish (an apply was rejected, or readiness timed out), differences,
 * something not healthy; 2 invalid lab or options, no kubeconfig or
 * context, cluster unreachable, credentials refused, engine not installed.
 */
import { ExitError, printIssues, printJson, type ExitCode } from '../output.js';
import { loadOperateLab, type OperateLab } from '../../operate/lab.js';
import { Kube, KubeError, describeError, parseDuration, refText, formatDuration, type KubeOptions } from '../../operate/kube.js';
import { planBootstrap, runBootstrap, type BootstrapResult } from '../../operate/bootstrap.js';
import { progressDisplay } from '../../operate/progress.js';
import { diffObjects, formatDiff, hasDifferences } from '../../operate/diff.js';
import { statusObjects, formatStatus } from '../../operate/status.js';

export interface ClusterOptions {
  context?: string;
  kubeconfig?: string;
}

export interface BootstrapOptions extends ClusterOptions {
  timeout?: string;
  json?: boolean;
}

export interface DiffOptions extends ClusterOptions {
  json?: boolean;
}

export interface StatusOptions extends ClusterOptions {
  json?: boolean;
}

function useColor(): boolean {
  return !!process.stdout.isTTY && !process.env.NO_COLOR;
}

async function loadOrExit(lab: string): Promise<OperateLab | undefined> {
  const loaded = await loadOperateLab(lab);
  if (!loaded.lab) {
    printIssues(loaded.issues);
    return undefined;
  }
  printIssues(loaded.issues.filter((i) => i.severity === 'warning'));
  return loaded.lab;
}

/** Connect, turning kubeconfig problems into an ExitError (exit 2). */
async function connect(opts: ClusterOptions): Promise<Kube> {
  try {
    return await Kube.connect({ context: opts.context, kubeconfig: opts.kubeconfig } satisfies KubeOptions);
  } catch (e) {
    if (e instanceof KubeError) throw new ExitError(describeError(e), 2);
    throw e;
  }
}

/** Run a cluster operation; KubeErrors become ExitErrors (exit 2). */
async function guarded<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof KubeError) throw new ExitError(describeError(e), 2);
    throw e;
  }
}

const FATAL = new Set(['config', 'unreachable', 'tls', 'auth', 'forbidden', 'not-served', 'missing-engine', 'missing-prerequisite']);

export async function bootstrap(lab: string, opts: BootstrapOptions = {}): Promise<ExitCode> {
  const timeoutMs = parseDuration(opts.timeout ?? '10m');
  if (timeoutMs === undefined) throw new ExitError(`--timeout takes a duration such as 90s, 10m or 1h30m, not "${opts.timeout}"`);
  const loaded = await loadOrExit(lab);
  if (!loaded) return 2;
  const plan = planBootstrap(loaded.model, loaded.files);
  if ('refuse' in plan) throw new ExitError(`${plan.refuse}\n  ${plan.hint}`, 2);
  const kube = await connect(opts);
  const display = progressDisplay(process.stdout, { tty: !opts.json && !!process.stdout.isTTY, color: useColor() });
  if (!opts.json) {
    process.stdout.write(`hearth bootstrap: lab ${plan.lab} (${plan.engine === 'flux' ? 'Flux' : 'Argo CD'}, from ${plan.sources.join(', ')}) into context ${kube.context}\n`);
  }
  let result: BootstrapResult;
  try {
    result = await runBootstrap(plan, kube, { timeoutMs, ...(opts.json ? {} : { onProgress: display.onProgress }) });
  } finally {
    display.stop();
  }
  if (opts.json) {
    printJson(result);
  } else if (result.ok) {
    const plural = (n: number, w: string) => `${n} ${w}${n === 1 ? '' : 's'}`;
    const ready = plan.engine === 'flux' ? `${plural(result.ready.length, 'Kustomization')} Ready` : `${result.ready.map(refText).join(', ')} Healthy and Synced`;
    process.stdout.write(`bootstrap complete in ${formatDuration(result.ms)}: applied ${plural(result.applied.length, 'object')}; ${ready}\n`);
  }
  if (result.ok) return 0;
  const f = result.failure!;
  const list = (refs: typeof result.applied) => (refs.length ? refs.map(refText).join(', ') : 'nothing');
  const message = [f.message, ...(f.hint ? [`  ${f.hint}`] : []), `applied: ${list(result.applied)}; not applied: ${list(result.notApplied)}`].join('\n');
  const code: ExitCode = FATAL.has(f.kind) ? 2 : 1;
  if (opts.json) return code;
  throw new ExitError(message, code);
}

export async function diff(lab: string, opts: DiffOptions = {}): Promise<ExitCode> {
  const loaded = await loadOrExit(lab);
  if (!loaded) return 2;
  const kube = await connect(opts);
  const result = await guarded(() => diffObjects(loaded, kube));
  if (opts.json) printJson(result);
  else process.stdout.write(formatDiff(result, { color: useColor() }));
  return hasDifferences(result) ? 1 : 0;
}

export async function status(lab: string, opts: StatusOptions = {}): Promise<ExitCode> {
  const loaded = await loadOrExit(lab);
  if (!loaded) return 2;
  const kube = await connect(opts);
  const result = await guarded(() => statusObjects(loaded, kube));
  if (opts.json) printJson(result);
  else process.stdout.write(formatStatus(result, { color: useColor() }));
  return result.healthy ? 0 : 1;
}
