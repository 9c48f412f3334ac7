/**
 * Runbooks, named as seed 001 prescribes (`runbooks/{component}-{operation}.md`):
 * backup and restore for every piece of persistent data in the backup plan
 * (app volumes, databases of a shared PostgreSQL, guests), upgrade for every
 * component with a chart, troubleshooting for every component, and
 * `cluster-backup` / `cluster-recovery` for the cluster state, plus an index.
 * Every command carries the lab's real names (namespaces, objects, labels,
 * node addresses, repositories, Secret names: never a secret value); where
 * the lab does not render a job for a step the page says the step is manual.
 * Pure: the docs input in, pages out.
 */
import { parseAllDocuments } from 'yaml';
import type { BackupPlan, PlanRow } from '../backup/plan.js';
import { mdCell } from '../lib/text.js';
import type { AppModel, ComponentInstance, LabModel } from '../model/types.js';
import type { RenderedFile } from '../render/files.js';
import { infraRoot } from '../render/infra/root.js';
import type { LabSpec, NodeSpec } from '../spec/schema.js';
import { DATA_ANNOTATION, RESTORE_ANNOTATION, TIER_LABEL } from '../catalog/platform/backup-jobs.js';
import { CLUSTER_ID, GENERATED, filesOf, relLink } from './traceability.js';
import { DOC_PATHS, type DocFile, type DocsInput } from './types.js';

export type RunbookOperation = 'backup' | 'restore' | 'upgrade' | 'troubleshooting' | 'recovery';

export interface RunbookEntry {
  /** Component, app, guest (node) or `cluster`. */
  component: string;
  operation: RunbookOperation;
  /** DOC_PATHS.runbook(component, operation). */
  path: string;
  title: string;
  /** One line for the index. */
  summary: string;
}

/** The label hearth puts on every object of a component (and charts on their release's pods). */
export const INSTANCE_LABEL = 'app.kubernetes.io/instance';
/** How the backup-jobs component marks its objects (src/catalog/platform/backup-jobs.ts). */
const BACKUP_DATA_ANNOTATION = DATA_ANNOTATION;
const BACKUP_TIER_LABEL = TIER_LABEL;
const BACKUP_SET_LABEL = 'hearth.dev/backup-set';

type Target = NonNullable<LabSpec['backups']>['targets'][number];
type Tier = NonNullable<LabSpec['backups']>['tiers'][number];

// ---------------------------------------------------------------------------
// Rendered objects

interface Obj {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string; generateName?: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: Record<string, unknown>;
  [key: string]: unknown;
}

interface Located {
  file: string;
  obj: Obj;
}

const parsedCache = new WeakMap<readonly RenderedFile[], Located[]>();

/** Every Kubernetes object in the rendered YAML files (unparsable documents are skipped). */
function renderedObjects(files: readonly RenderedFile[]): Located[] {
  const hit = parsedCache.get(files);
  if (hit) return hit;
  const out: Located[] = [];
  for (const f of files) {
    if (!/\.ya?ml$/.test(f.path)) continue;
    for (const doc of parseAllDocuments(f.contents)) {
      if (doc.errors.length) continue;
      const js = doc.toJS() as unknown;
      if (js && typeof js === 'object' && !Array.isArray(js) && typeof (js as Obj).kind === 'string') out.push({ file: f.path, obj: js as Obj });
    }
  }
  parsedCache.set(files, out);
  return out;
}

const get = (o: unknown, ...keys: (string | number)[]): unknown => keys.reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Record<string | number, unknown>)[k] : undefined), o);
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

interface Workload {
  kind: 'Deployment' | 'StatefulSet' | 'DaemonSet';
  name: string;
  namespace: string;
  replicas: number;
  containers: string[];
  claims: string[];
  file: string;
}

function workloadsIn(objects: Located[], files: Set<string>, namespace: string): Workload[] {
  const out: Workload[] = [];
  for (const { file, obj } of objects) {
    if (!files.has(file) || (obj.kind !== 'Deployment' && obj.kind !== 'StatefulSet' && obj.kind !== 'DaemonSet') || !obj.metadata?.name) continue;
    const pod = get(obj, 'spec', 'template', 'spec');
    out.push({
      kind: obj.kind,
      name: obj.metadata.name,
      namespace: obj.metadata.namespace ?? namespace,
      replicas: typeof get(obj, 'spec', 'replicas') === 'number' ? (get(obj, 'spec', 'replicas') as number) : 1,
      containers: arr(get(pod, 'containers')).map((c) => str(get(c, 'name'))).filter((x): x is string => !!x),
      claims: arr(get(pod, 'volumes')).map((v) => str(get(v, 'persistentVolumeClaim', 'claimName'))).filter((x): x is string => !!x),
      file,
    });
  }
  return out.sort((a, b) => a.kind.localeCompare(b.kind) || a.name.localeCompare(b.name));
}

// ---------------------------------------------------------------------------
// Shell text

/** A word for sh: as is when obviously safe, else single-quoted. */
function q(s: string): string {
  return /^[A-Za-z0-9_./:=@+,%-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

function sh(lines: readonly string[]): string {
  return ['```sh', ...lines, '```'].join('\n');
}

/** A Kubernetes object name of at most 63 characters. */
function objName(s: string): string {
  return s.length <= 63 ? s : s.slice(0, 63).replace(/-+$/, '');
}

/** `kubectl create job --from=cronjob/X` with a name unique per run, within 63 characters. */
function manualJobName(cron: string): string {
  const suffix = '-manual-';
  const max = 63 - suffix.length - 10;
  return `${cron.length <= max ? cron : cron.slice(0, max).replace(/-+$/, '')}${suffix}`;
}

/** A JSONPath for one key of a Secret's data (dots in keys escaped). */
function secretPath(key: string): string {
  return `{.data.${key.replace(/\./g, '\\.')}}`;
}

// ---------------------------------------------------------------------------
// The lab's facts the pages share

interface Ctx {
  input: DocsInput;
  lab: LabModel;
  objects: Located[];
  root: string;
  sshUser: string;
  /** Runbooks that exist, by path. */
  pages: Map<string, RunbookEntry>;
}

function componentFiles(ctx: Ctx, id: string): string[] {
  return filesOf(id, ctx.input.files, ctx.lab);
}

function kubeContext(lab: LabModel): string | undefined {
  if (!lab.cluster) return undefined;
  return lab.cluster.distribution === 'talos' ? `admin@${lab.cluster.name}` : lab.cluster.name;
}

function contextNote(ctx: Ctx): string {
  const c = ctx.lab.cluster;
  if (!c) return '';
  const how = c.distribution === 'talos' ? `\`talhelper gencommand kubeconfig\` in \`${ctx.root}/talos/\`` : `\`${ctx.root}/k3s/kubeconfig-setup.sh\``;
  return `kubectl commands run from a workstation whose current context is \`${kubeContext(ctx.lab)}\` (${how} sets it up; \`kubectl config use-context ${kubeContext(ctx.lab)}\`).`;
}

function link(from: string, to: string, text: string): string {
  return `[${text}](${relLink(from, to)})`;
}

/** Flux Kustomizations (in clusters/<cluster>/) whose path holds any of these files. */
function fluxKustomizations(ctx: Ctx, files: readonly string[]): string[] {
  const prefix = (ctx.lab.gitops.repo?.path ?? '').replace(/^\.?\/+|\/+$/g, '');
  const out: string[] = [];
  for (const { obj } of ctx.objects) {
    if (obj.kind !== 'Kustomization' || !obj.apiVersion?.startsWith('kustomize.toolkit.fluxcd.io/') || !obj.metadata?.name) continue;
    let p = (str(get(obj, 'spec', 'path')) ?? '').replace(/^\.\//, '').replace(/\/+$/, '');
    if (prefix && p.startsWith(`${prefix}/`)) p = p.slice(prefix.length + 1);
    if (files.some((f) => f.startsWith(`${p}/`))) out.push(obj.metadata.name);
  }
  return [...new Set(out)].sort();
}

function objectsOfKind(ctx: Ctx, files: readonly string[], kind: string): Obj[] {
  const set = new Set(files);
  return ctx.objects.filter((o) => set.has(o.file) && o.obj.kind === kind && o.obj.metadata?.name).map((o) => o.obj);
}

function argoApps(ctx: Ctx, files: readonly string[]): string[] {
  return objectsOfKind(ctx, files.filter((f) => f.startsWith('argocd/')), 'Application').map((o) => o.metadata!.name!).sort();
}

function argoRoot(ctx: Ctx): string {
  return ctx.objects.find((o) => o.file === 'bootstrap/root-app.yaml' && o.obj.kind === 'Application')?.obj.metadata?.name ?? 'root';
}

/** Commands that stop the GitOps engine from undoing manual changes to a component, and undo that. */
function gitopsPause(ctx: Ctx, c: ComponentInstance): { pause: string[]; resume: string[]; note: string } {
  const files = componentFiles(ctx, c.id);
  switch (ctx.lab.gitops.engine) {
    case 'flux': {
      const ks = fluxKustomizations(ctx, files);
      const hrs = objectsOfKind(ctx, files, 'HelmRelease');
      return {
        pause: [...ks.map((k) => `flux suspend kustomization ${q(k)}`), ...hrs.map((h) => `flux suspend helmrelease ${q(h.metadata!.name!)} -n ${q(h.metadata!.namespace ?? c.namespace)}`)],
        resume: [...hrs.map((h) => `flux resume helmrelease ${q(h.metadata!.name!)} -n ${q(h.metadata!.namespace ?? c.namespace)}`), ...ks.map((k) => `flux resume kustomization ${q(k)}`)],
        note: `Flux would scale the workloads back up: suspend ${[...ks.map((k) => `Kustomization \`${k}\``), ...hrs.map((h) => `HelmRelease \`${h.metadata!.name}\``)].join(' and ') || 'nothing (no Flux object holds it)'} first; resuming reconciles them to Git again.`,
      };
    }
    case 'argocd': {
      const apps = argoApps(ctx, files);
      const root = argoRoot(ctx);
      return {
        pause: [`argocd app set ${q(root)} --sync-policy none`, ...apps.map((a) => `argocd app set ${q(a)} --sync-policy none`)],
        resume: [...apps.map((a) => `argocd app set ${q(a)} --sync-policy automated --self-heal --auto-prune`), `argocd app set ${q(root)} --sync-policy automated --self-heal --auto-prune`],
        note: `Argo CD self-heals: turn automated sync off for ${apps.map((a) => `\`${a}\``).join(', ')} (and the root Application \`${root}\`, which would put it back) first; turning it on again syncs them to Git.`,
      };
    }
    default:
      return { pause: [], resume: [], note: 'Nothing reconciles this lab (plain Helm): the workloads stay as you leave them.' };
  }
}

// ---------------------------------------------------------------------------
// Backup data sets

interface CronInfo {
  name: string;
  namespace: string;
  file: string;
  tier?: string;
  /** The `hearth.dev/backup-set` label of its pods. */
  set?: string;
  env: Record<string, string>;
}

/** How a data set is restored in the cluster: a suspended restore CronJob (started by hand), or a Job file GitOps does not apply. */
interface RestoreJob {
  kind: 'cronjob' | 'job';
  name: string;
  namespace: string;
  file: string;
}

interface DataSet {
  row: PlanRow;
  /** Runbook owner: the app, the guest's runbook id, or `cluster`. */
  owner: string;
  app?: AppModel;
  /** The volume (volume rows) or the PostgreSQL data volume (database rows). */
  claim?: string;
  database?: string;
  node?: NodeSpec;
  tier?: Tier;
  targets: Target[];
  cron?: CronInfo;
  restore?: RestoreJob;
  /** restic tag names: BACKUP_NAME for files, the database for dumps. */
  backupName: string;
}

function slug(s: string): string {
  return s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/** The runbook id of a guest: its node name, unless a component (or the cluster) already has that id. */
export function guestRunbookId(lab: LabModel, node: string): string {
  const taken = new Set([...lab.components.map((c) => c.id), CLUSTER_ID]);
  return taken.has(node) ? `node-${node}` : node;
}

function findCron(ctx: Ctx, dataSet: string): CronInfo | undefined {
  const hit = ctx.objects.find((o) => o.obj.kind === 'CronJob' && o.obj.metadata?.annotations?.[BACKUP_DATA_ANNOTATION] === dataSet);
  if (!hit) return undefined;
  const m = hit.obj.metadata!;
  const env: Record<string, string> = {};
  for (const c of arr(get(hit.obj, 'spec', 'jobTemplate', 'spec', 'template', 'spec', 'containers'))) {
    for (const e of arr(get(c, 'env'))) {
      const n = str(get(e, 'name'));
      const v = str(get(e, 'value'));
      if (n && v !== undefined && !(n in env)) env[n] = v;
    }
  }
  const set = str(get(hit.obj, 'spec', 'jobTemplate', 'metadata', 'labels', BACKUP_SET_LABEL));
  return { name: m.name!, namespace: m.namespace ?? '', file: hit.file, tier: m.labels?.[BACKUP_TIER_LABEL], set, env };
}

function findRestore(ctx: Ctx, dataSet: string, cron?: CronInfo): RestoreJob | undefined {
  const cj = ctx.objects.find((o) => o.obj.kind === 'CronJob' && o.obj.metadata?.annotations?.[RESTORE_ANNOTATION] === dataSet && o.obj.metadata.name);
  if (cj) return { kind: 'cronjob', name: cj.obj.metadata!.name!, namespace: cj.obj.metadata!.namespace ?? cron?.namespace ?? '', file: cj.file };
  const names = cron ? [`restore-${cron.name.replace(/^backup-/, '')}`, `restore-${cron.name}`] : [];
  const hit = ctx.objects.find(
    (o) =>
      o.obj.kind === 'Job' &&
      /(^|\/)restore\/[^/]+\.ya?ml$/.test(o.file) &&
      (o.obj.metadata?.annotations?.[BACKUP_DATA_ANNOTATION] === dataSet || o.obj.metadata?.annotations?.[RESTORE_ANNOTATION] === dataSet || names.includes(o.obj.metadata?.name ?? '')),
  );
  if (!hit?.obj.metadata?.name) return undefined;
  return { kind: 'job', name: hit.obj.metadata.name, namespace: hit.obj.metadata.namespace ?? cron?.namespace ?? '', file: hit.file };
}

function dataSets(ctx: Ctx, plan: BackupPlan): DataSet[] {
  const lab = ctx.lab;
  const backups = lab.spec.backups;
  const out: DataSet[] = [];
  for (const row of plan.rows) {
    const tier = row.tier ? backups?.tiers.find((t) => t.name === row.tier) : undefined;
    const targets = (tier?.targets ?? []).map((n) => backups?.targets.find((t) => t.name === n)).filter((t): t is Target => !!t);
    const base = { row, tier, targets };
    if (row.kind === 'volume' || row.kind === 'database') {
      // The model's data set (claims a chart makes, such as Vault's, are only there), else the app's volumes.
      const set = (lab.backupSets ?? []).find((x) => x.id === row.dataSet);
      const [appName, rest] = [set?.app ?? row.dataSet.slice(0, row.dataSet.indexOf('/')), row.dataSet.slice(row.dataSet.indexOf('/') + 1)];
      const app = lab.apps.find((a) => a.name === appName);
      const volume = row.kind === 'volume' ? app?.volumes.find((v) => v.name === (set?.volume ?? rest)) : app?.volumes.find((v) => v.content === 'database');
      const cron = findCron(ctx, row.dataSet);
      out.push({
        ...base,
        owner: appName,
        app,
        claim: set?.claim ?? volume?.claim,
        database: row.kind === 'database' ? (set?.database ?? rest) : undefined,
        cron,
        restore: findRestore(ctx, row.dataSet, cron),
        backupName: row.kind === 'database' ? (cron?.env.PGDATABASE ?? set?.database ?? rest) : (cron?.env.BACKUP_NAME ?? set?.slug ?? slug(row.dataSet)),
      });
    } else if (row.kind === 'guest') {
      const name = row.dataSet.replace(/^node /, '');
      out.push({ ...base, owner: guestRunbookId(lab, name), node: lab.spec.nodes.find((n) => n.name === name), backupName: slug(`node-${name}`) });
    } else {
      out.push({ ...base, owner: CLUSTER_ID, backupName: 'cluster-state' });
    }
  }
  return out;
}

type ResticTarget = Exclude<Target, { type: 'pbs' }>;

function resticRepo(t: ResticTarget): string {
  return t.type === 'restic' ? t.repository : `s3:${t.endpoint.replace(/\/+$/, '')}/${t.bucket}${t.prefix ? `/${t.prefix}` : ''}`;
}

/** The tier's targets that are restic repositories (restic, s3), with their repository strings. */
function resticTargets(targets: readonly Target[]): { t: ResticTarget; repo: string }[] {
  return targets.filter((t): t is ResticTarget => t.type !== 'pbs').map((t) => ({ t, repo: resticRepo(t) }));
}

function keepArgs(tier: Tier): string {
  const r = tier.retention;
  const keys = ['last', 'hourly', 'daily', 'weekly', 'monthly', 'yearly'] as const;
  return keys.filter((k) => r[k] !== undefined).map((k) => `--keep-${k} ${r[k]}`).join(' ');
}

/**
 * Set RESTIC_PASSWORD (and the S3 keys) for a list of targets, one after the
 * other: each is read from its Secret in a namespace (or typed, where no
 * cluster is at hand), and only when it differs from the one before. Values
 * are never printed.
 */
function credentialSteps(namespace?: string): (t: ResticTarget) => string[] {
  let pw: string | undefined;
  let aws: string | undefined;
  const read = (v: string, secret: string, key: string) =>
    namespace
      ? `${v}=$(kubectl -n ${q(namespace)} get secret ${q(secret)} -o jsonpath=${q(secretPath(key))} | base64 -d)`
      : `printf '%s: ' ${q(`${v} (Secret ${secret}, key ${key})`)}; stty -echo; read -r ${v}; stty echo; echo`;
  return (t) => {
    const lines: string[] = [];
    const ref = `${t.password.secret}/${t.password.key}`;
    if (ref !== pw) lines.push(read('RESTIC_PASSWORD', t.password.secret, t.password.key), 'export RESTIC_PASSWORD');
    pw = ref;
    if (t.type === 's3' && t.credentials !== aws) {
      lines.push(read('AWS_ACCESS_KEY_ID', t.credentials, 'AWS_ACCESS_KEY_ID'), read('AWS_SECRET_ACCESS_KEY', t.credentials, 'AWS_SECRET_ACCESS_KEY'), 'export AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY');
      aws = t.credentials;
    }
    return lines;
  };
}

/** Which Secrets hold the repositories' keys, for a machine that cannot read them: the commands ask. */
function secretsSentence(ts: readonly ResticTarget[]): string {
  const refs = [...new Set(ts.flatMap((t) => [`Secret \`${t.password.secret}\` (key \`${t.password.key}\`)`, ...(t.type === 's3' ? [`Secret \`${t.credentials}\` (the S3 keys)`] : [])]))];
  return `The commands ask for the values ${refs.join(' and ')} ${refs.length > 1 ? 'hold' : 'holds'}: this host cannot read Secrets.`;
}

function targetLine(row: PlanRow): string {
  return row.targets.map((t) => `${t.name} (${t.place}${t.offsite ? ', off site' : ''})`).join(', ');
}

function tierLine(d: DataSet): string {
  const r = d.row;
  if (!r.schedule) return 'In no backup tier: **nothing backs this data up**. Assign it in hearth.yaml (`backups.assign` or `backups.default`).';
  const parts = [r.tier ? `Tier \`${r.tier}\`, schedule \`${r.schedule}\` (UTC)` : `Schedule \`${r.schedule}\` (UTC, its own, in no tier)`];
  if (d.tier?.rpo) parts.push(`RPO ${d.tier.rpo}`);
  if (d.tier?.rto) parts.push(`RTO ${d.tier.rto}`);
  return `${parts.join(', ')}; copies go to ${targetLine(r) || 'no target'}.`;
}

function problemsLine(d: DataSet): string[] {
  // "no backup" is what tierLine already says.
  const ps = d.row.problems.filter((p) => !p.startsWith('no backup'));
  return ps.length ? ['', `Backup plan problems: ${ps.join('; ')}.`] : [];
}

/** A sentence: the module summary with a final full stop. */
function sentence(s: string): string {
  return /[.!?]$/.test(s.trim()) ? s.trim() : `${s.trim()}.`;
}

// ---------------------------------------------------------------------------
// Pages

interface Page {
  entry: RunbookEntry;
  body: (ctx: Ctx) => string[];
}

function page(entry: RunbookEntry, body: string[]): DocFile {
  const lines = [GENERATED, `# ${entry.title}`, '', ...body];
  const text = lines.join('\n').replace(/\n{3,}/g, '\n\n').replace(/\s+$/, '') + '\n';
  return { path: entry.path, contents: text };
}

function entry(component: string, operation: RunbookOperation, title: string, summary: string): RunbookEntry {
  return { component, operation, path: DOC_PATHS.runbook(component, operation), title, summary };
}

/** The runbooks this lab gets, sorted by path. */
export function runbookEntries(input: DocsInput): RunbookEntry[] {
  return plan(makeCtx(input)).map((p) => p.entry);
}

function makeCtx(input: DocsInput): Ctx {
  return {
    input,
    lab: input.model,
    objects: renderedObjects(input.files),
    root: infraRoot(input.model),
    sshUser: input.model.spec.infrastructure?.ssh?.user ?? 'hearth',
    pages: new Map(),
  };
}

function plan(ctx: Ctx): Page[] {
  const lab = ctx.lab;
  const sets = dataSets(ctx, ctx.input.plan);
  const pages: Page[] = [];
  for (const c of lab.components) {
    const mine = sets.filter((d) => d.owner === c.id && (d.row.kind === 'volume' || d.row.kind === 'database'));
    if (mine.length) {
      pages.push({ entry: entry(c.id, 'backup', `${c.id}: backup`, `Back up ${mine.map((d) => d.row.dataSet).join(', ')}`), body: (x) => dataBackupBody(x, c, mine) });
      pages.push({ entry: entry(c.id, 'restore', `${c.id}: restore`, `Restore ${mine.map((d) => d.row.dataSet).join(', ')}`), body: (x) => dataRestoreBody(x, c, mine) });
    }
    if (c.chart) pages.push({ entry: entry(c.id, 'upgrade', `${c.id}: upgrade`, `Upgrade the ${c.chart.chart} chart (now ${c.chart.version})`), body: (x) => upgradeBody(x, c) });
    pages.push({ entry: entry(c.id, 'troubleshooting', `${c.id}: troubleshooting`, `Status, pods, events and logs in ${componentNamespaces(ctx, c).map((n) => `namespace ${n}`).join(', ')}`), body: (x) => troubleshootingBody(x, c) });
  }
  // Data of apps that are not components (none today), then guests.
  const byOwner = new Map<string, DataSet[]>();
  for (const d of sets) {
    if (d.owner === CLUSTER_ID || lab.components.some((c) => c.id === d.owner && d.row.kind !== 'guest')) continue;
    byOwner.set(d.owner, [...(byOwner.get(d.owner) ?? []), d]);
  }
  for (const [owner, ds] of byOwner) {
    const guest = ds.every((d) => d.row.kind === 'guest');
    const what = ds.map((d) => d.row.dataSet).join(', ');
    pages.push({ entry: entry(owner, 'backup', `${owner}: backup`, `Back up ${what}`), body: (x) => (guest ? guestBackupBody(x, ds) : []) });
    pages.push({ entry: entry(owner, 'restore', `${owner}: restore`, `Restore ${what}`), body: (x) => (guest ? guestRestoreBody(x, ds) : []) });
  }
  if (lab.cluster) {
    const state = sets.filter((d) => d.owner === CLUSTER_ID);
    pages.push({ entry: entry(CLUSTER_ID, 'backup', 'cluster: backup', `Snapshots of the cluster state (${clusterStateWhat(lab)})`), body: (x) => clusterBackupBody(x, state) });
    pages.push({ entry: entry(CLUSTER_ID, 'recovery', 'cluster: recovery', `Rebuild cluster ${lab.cluster.name} from its state, then GitOps and data`), body: (x) => clusterRecoveryBody(x, state, sets) });
  }
  pages.sort((a, b) => (a.entry.path < b.entry.path ? -1 : a.entry.path > b.entry.path ? 1 : 0));
  for (const p of pages) ctx.pages.set(p.entry.path, p.entry);
  return pages;
}

export function runbooks(input: DocsInput): DocFile[] {
  const ctx = makeCtx(input);
  const pages = plan(ctx);
  const out = pages.map((p) => page(p.entry, p.body(ctx)));
  out.push(indexPage(ctx, pages.map((p) => p.entry)));
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

function indexPage(ctx: Ctx, entries: RunbookEntry[]): DocFile {
  const from = DOC_PATHS.runbooksIndex;
  const isComponent = (id: string) => ctx.lab.components.some((c) => c.id === id);
  const lines = [
    GENERATED,
    `# ${ctx.lab.name}: runbooks`,
    '',
    `${entries.length} runbooks: ${[
      entries.some((e) => e.component !== CLUSTER_ID && e.operation === 'restore') ? `backup and restore for every piece of data in the ${link(from, DOC_PATHS.backupPlan, 'backup plan')}` : '',
      entries.some((e) => e.operation === 'upgrade') ? 'upgrade for every component with a chart' : '',
      entries.some((e) => e.operation === 'troubleshooting') ? 'troubleshooting for every component' : '',
      ctx.lab.cluster ? "the cluster's backup and recovery" : '',
    ]
      .filter(Boolean)
      .join('; ')}.${ctx.lab.cluster ? '' : ' The lab runs no Kubernetes cluster: its guests are what there is to back up and restore.'}`,
    '',
    '| runbook | component | operation | what |',
    '|---|---|---|---|',
    ...entries.map(
      (e) =>
        `| ${link(from, e.path, e.path.split('/').pop()!)} | ${isComponent(e.component) ? link(from, DOC_PATHS.component(e.component), e.component) : mdCell(e.component)} | ${e.operation} | ${mdCell(e.summary)} |`,
    ),
    '',
  ];
  return { path: from, contents: lines.join('\n') };
}

function see(ctx: Ctx, from: string, component: string, operation: RunbookOperation): string | undefined {
  const p = DOC_PATHS.runbook(component, operation);
  return ctx.pages.has(p) ? link(from, p, p.split('/').pop()!) : undefined;
}

// ---- troubleshooting ------------------------------------------------------

/** Where a component's objects are: a chart installs into the component's namespace; hearth's own objects say theirs (backup jobs sit beside the data). */
function componentNamespaces(ctx: Ctx, c: ComponentInstance): string[] {
  const files = new Set(componentFiles(ctx, c.id));
  const placed = ctx.objects.filter((o) => files.has(o.file) && o.obj.kind !== 'Namespace').map((o) => o.obj.metadata?.namespace).filter((x): x is string => !!x);
  return [...new Set([...(c.chart || !placed.length ? [c.namespace] : []), ...placed])].sort();
}

function troubleshootingBody(ctx: Ctx, c: ComponentInstance): string[] {
  const from = DOC_PATHS.runbook(c.id, 'troubleshooting');
  const ns = c.namespace;
  const files = componentFiles(ctx, c.id);
  const sel = `${INSTANCE_LABEL}=${c.id}`;
  const workloads = workloadsIn(ctx.objects, new Set(files), ns);
  const host = c.host ?? c.app?.host;
  const nss = componentNamespaces(ctx, c);
  const out: string[] = [
    `${sentence(c.module.summary)} Component \`${c.id}\` (${c.kind === 'app' ? `app, module ${c.module.name}` : 'platform'}, layer ${c.layer}) runs in namespace${nss.length > 1 ? 's' : ''} ${nss.map((x) => `\`${x}\``).join(', ')}.`,
    `Objects hearth renders carry \`${sel}\`${c.chart ? `; the ${c.chart.chart} chart's objects use the release name \`${c.id}\` for the same label when the chart follows Helm's recommended labels (if the selector lists nothing, drop it)` : ''}.`,
    contextNote(ctx),
    '',
    `Files: ${files.map((f) => `\`${f}\``).join(', ') || 'none rendered'}. ${link(from, DOC_PATHS.component(c.id), 'Component page')}.`,
    '',
    '## 1. Is it deployed?',
    '',
  ];
  switch (ctx.lab.gitops.engine) {
    case 'flux': {
      const ks = fluxKustomizations(ctx, files);
      const hrs = objectsOfKind(ctx, files, 'HelmRelease');
      out.push(
        sh([
          ...ks.map((k) => `flux get kustomizations ${q(k)}`),
          ...hrs.flatMap((h) => [`flux get helmreleases -n ${q(h.metadata!.namespace ?? ns)}`, `kubectl -n ${q(h.metadata!.namespace ?? ns)} describe helmrelease ${q(h.metadata!.name!)}`]),
          ...hrs.map((h) => `flux logs --kind=HelmRelease --name=${q(h.metadata!.name!)} --namespace=${q(h.metadata!.namespace ?? ns)}`),
          ...ks.map((k) => `flux logs --kind=Kustomization --name=${q(k)} --namespace=flux-system`),
        ]),
        '',
        `\`Ready=False\` names the cause (a failed install or upgrade, a dependency not ready, an object the API server refused). After fixing the spec: \`hearth build\`, commit, push, then \`flux reconcile kustomization ${ks[0] ?? 'apps'} --with-source\`.`,
      );
      break;
    }
    case 'argocd': {
      const apps = argoApps(ctx, files);
      out.push(
        sh([...apps.map((a) => `argocd app get ${q(a)}`), `kubectl -n argocd get applications.argoproj.io ${apps.map(q).join(' ')}`, ...apps.map((a) => `kubectl -n argocd describe applications.argoproj.io ${q(a)}`)]),
        '',
        'Health `Degraded` or `Missing`, or sync `OutOfSync`, with the conditions and the last operation\'s message, say what failed. `argocd app diff` shows what differs from Git.',
      );
      break;
    }
    default: {
      const lines = c.chart ? [`helm -n ${q(ns)} status ${q(c.id)}`, `helm -n ${q(ns)} history ${q(c.id)}`] : [];
      lines.push('scripts/health-check.sh');
      out.push(sh(lines), '', `Run from the repository root. \`scripts/deploy-all.sh\` deploys it again (it is safe to re-run).`);
    }
  }
  out.push('', '## 2. Pods, events, logs', '');
  const crons = objectsOfKind(ctx, files, 'CronJob');
  const podLines = nss.flatMap((n) => [
    `kubectl -n ${q(n)} get pods -l ${q(sel)} -o wide`,
    ...(crons.some((x) => (x.metadata!.namespace ?? ns) === n) ? [`kubectl -n ${q(n)} get cronjobs,jobs -l ${q(sel)}`] : []),
    `kubectl -n ${q(n)} describe pods -l ${q(sel)}`,
    `kubectl -n ${q(n)} get events --sort-by=.lastTimestamp`,
    `kubectl -n ${q(n)} logs -l ${q(sel)} --all-containers --prefix --tail=200`,
    ...(crons.length && !workloads.length ? [] : [`kubectl -n ${q(n)} logs -l ${q(sel)} --all-containers --prefix --previous --tail=200`]),
  ]);
  for (const w of workloads.filter((x) => x.kind !== 'DaemonSet')) podLines.push(`kubectl -n ${q(w.namespace)} rollout status ${w.kind.toLowerCase()}/${q(w.name)} --timeout=2m`);
  out.push(sh(podLines), '');
  out.push(
    workloads.length
      ? `Workloads: ${workloads.map((w) => `${w.kind} \`${w.name}\``).join(', ')}. \`--previous\` shows the last crashed container.`
      : c.chart
        ? 'The workloads come from the chart; `--previous` shows the last crashed container.'
        : crons.length
          ? `Its pods come from CronJobs (${crons.map((x) => `\`${x.metadata!.name}\``).join(', ')}): a failed run leaves its Job and pod for the logs above.`
          : 'hearth renders no workload for this component (it points at something outside the cluster, or only configures others): check the objects below.',
  );
  const svcs = objectsOfKind(ctx, files, 'Service');
  const slices = objectsOfKind(ctx, files, 'EndpointSlice');
  const external = svcs.filter((x) => get(x, 'spec', 'type') === 'ExternalName');
  if (svcs.length || slices.length) {
    out.push('', '## 3. Services', '', sh([
      ...svcs.map((x) => `kubectl -n ${q(x.metadata!.namespace ?? ns)} get service ${q(x.metadata!.name!)} -o wide`),
      ...svcs.filter((x) => !external.includes(x)).map((x) => `kubectl -n ${q(x.metadata!.namespace ?? ns)} get endpointslices -l ${q(`kubernetes.io/service-name=${x.metadata!.name}`)}`),
      ...slices.map((x) => `kubectl -n ${q(x.metadata!.namespace ?? ns)} get endpointslice ${q(x.metadata!.name!)} -o yaml`),
    ]));
    const ports = (o: Obj) => arr(get(o, o.kind === 'Service' ? 'spec' : 'ports', ...(o.kind === 'Service' ? ['ports'] : []))).map((p) => get(p, 'port')).filter((p) => typeof p === 'number');
    const outside = [
      ...slices.flatMap((x) => arr(get(x, 'endpoints')).flatMap((e) => arr(get(e, 'addresses')).map((a) => ({ addr: String(a), ports: ports(x) })))),
      ...external.map((x) => ({ addr: String(get(x, 'spec', 'externalName')), ports: ports(x) })),
    ];
    if (outside.length) {
      out.push('', `The Service points outside the cluster, at ${outside.map((o) => `\`${o.addr}\`${o.ports.length ? ` (port ${o.ports.join(', ')})` : ''}`).join(', ')}: when nothing answers, check that machine and that it listens on its LAN address, not only on localhost.`);
    }
  }
  if (c.app?.volumes.length) {
    out.push('', '## Storage', '', sh([...c.app.volumes.map((v) => `kubectl -n ${q(ns)} describe pvc ${q(v.claim)}`), `kubectl -n ${q(ns)} get pvc -l ${q(sel)}`]), '');
    out.push(`Claims: ${c.app.volumes.map((v) => `\`${v.claim}\` (${v.size}, StorageClass \`${v.storageClass}\`, ${v.content})`).join(', ')}. A claim stuck in \`Pending\` usually means the StorageClass's provisioner is not running or cannot reach its backend.`);
  }
  const policies = objectsOfKind(ctx, files, 'NetworkPolicy');
  const nsModel = ctx.lab.namespaces.find((n) => n.name === ns);
  if (policies.length || nsModel?.networkPolicy === 'default-deny') {
    out.push('', '## Network policies', '', sh([`kubectl -n ${q(ns)} get networkpolicies`, ...policies.map((p) => `kubectl -n ${q(p.metadata!.namespace ?? ns)} describe networkpolicy ${q(p.metadata!.name!)}`)]), '');
    out.push(`Namespace \`${ns}\` ${nsModel?.networkPolicy === 'default-deny' ? 'denies all traffic by default; hearth allows only what the spec derives (dependencies, the ingress controller, Prometheus, DNS). A connection the app needs that the spec does not name (add it to `dependsOn`) times out.' : 'allows all traffic.'}`);
  }
  if (host) {
    const ingresses = objectsOfKind(ctx, files, 'Ingress');
    out.push('', '## Through the ingress', '', sh([
      `curl -sSI https://${host}/`,
      ...ingresses.map((i) => `kubectl -n ${q(i.metadata!.namespace ?? ns)} describe ingress ${q(i.metadata!.name!)}`),
      ...ingresses.flatMap((i) => arr(get(i, 'spec', 'tls')).map((t) => str(get(t, 'secretName'))).filter((s): s is string => !!s).map((s) => `kubectl -n ${q(i.metadata!.namespace ?? ns)} describe certificate ${q(s)}`)),
    ]), '');
    out.push(`\`https://${host}\`: a 404 from the ingress controller means no Ingress matched the host; a 502 or 503 means the Service has no ready endpoints (section 2); a certificate error means the Certificate is not Ready (cert-manager names it after the TLS Secret).`);
  }
  const more = (['backup', 'restore', 'upgrade'] as const).map((op) => see(ctx, from, c.id, op)).filter((x): x is string => !!x);
  if (more.length) out.push('', `See also: ${more.join(', ')}.`);
  return out;
}

// ---- upgrade -------------------------------------------------------------

function upgradeBody(ctx: Ctx, c: ComponentInstance): string[] {
  const chart = c.chart!;
  const from = DOC_PATHS.runbook(c.id, 'upgrade');
  const ns = c.namespace;
  const files = componentFiles(ctx, c.id);
  const pinned = files.filter((f) => ctx.input.files.find((x) => x.path === f)?.contents.includes(chart.version));
  const specPin = ctx.lab.spec.components[c.id]?.version;
  const overrides = Object.keys(c.overrides).sort();
  const out: string[] = [
    `Chart \`${chart.chart}\` from ${chart.repo} (repository alias \`${chart.repoName}\`), version **${chart.version}**${specPin ? ' (pinned in hearth.yaml)' : " (hearth's catalog pin)"}, release \`${c.id}\` in namespace \`${ns}\`.`,
    `Rendered into ${(pinned.length ? pinned : files).map((f) => `\`${f}\``).join(', ')}.`,
    contextNote(ctx),
    '',
    '## 1. Pick the version',
    '',
    ctx.input.files.some((f) => f.path === 'renovate.json')
      ? `Renovate (\`renovate.json\` in the rendered repository) opens a pull request when a newer ${chart.chart} chart exists. Do not merge it as is: the next \`hearth build\` would put the old version back.${c.kind === 'platform' ? ' Take the version from it into the spec.' : ''}`
      : `Check ${chart.repo} for a newer ${chart.chart} chart.`,
    '',
    c.kind === 'platform'
      ? `Set it in hearth.yaml as \`components.${c.id}.version\`${specPin ? ` (today ${specPin})` : ''}. Read the chart's release notes for changed values first${overrides.length ? `: the spec overrides ${overrides.map((k) => `\`${k}\``).join(', ')} (\`components.${c.id}.values\`)` : ''}.`
      : `An app's chart version is hearth's catalog pin: the spec cannot change it (\`apps[].values\` sets chart values${overrides.length ? `, here ${overrides.map((k) => `\`${k}\``).join(', ')}` : ''}, such as an image tag). A newer pin arrives with a newer hearth.`,
    '',
    '## 2. Render and commit',
    '',
    sh(['hearth build']),
    '',
    `In the lab directory. Review the diff of ${pinned.map((f) => `\`${f}\``).join(', ') || 'the rendered files'}, then commit${ctx.lab.gitops.repo ? ` and push the rendered repository to ${ctx.lab.gitops.repo.url} (branch \`${ctx.lab.gitops.repo.branch}\`${ctx.lab.gitops.repo.path ? `, path \`${ctx.lab.gitops.repo.path}\`` : ''})` : ''}.`,
    '',
    '## 3. Roll it out',
    '',
  ];
  switch (ctx.lab.gitops.engine) {
    case 'flux': {
      const ks = fluxKustomizations(ctx, files);
      out.push(
        sh([
          ...ks.map((k) => `flux reconcile kustomization ${q(k)} --with-source`),
          `flux reconcile helmrelease ${q(c.id)} -n ${q(ns)}`,
          `flux get helmreleases -n ${q(ns)}`,
          `kubectl -n ${q(ns)} get helmrelease ${q(c.id)}`,
          `helm -n ${q(ns)} history ${q(c.id)}`,
        ]),
        '',
        'The HelmRelease retries a failed upgrade (`upgrade.remediation.retries`) and cleans up on failure. To roll back, revert the spec change, `hearth build`, commit, push and reconcile again: Flux installs the previous version.',
      );
      break;
    }
    case 'argocd': {
      const apps = argoApps(ctx, files);
      const root = argoRoot(ctx);
      out.push(
        sh([`argocd app get ${q(root)} --refresh`, `argocd app sync ${q(root)}`, ...apps.map((a) => `argocd app sync ${q(a)}`), ...apps.map((a) => `argocd app wait ${q(a)} --health --sync --timeout 900`), `kubectl -n argocd get applications.argoproj.io ${apps.map(q).join(' ')}`]),
        '',
        'Argo CD syncs on its own within its polling interval; the commands above do it now. To roll back, revert the spec change, `hearth build`, commit, push and sync again (automated sync refuses `argocd app rollback`).',
      );
      break;
    }
    default: {
      const deploy = ctx.input.files.find((f) => f.path === 'scripts/deploy-all.sh');
      const step = deploy ? helmStep(deploy.contents, c.id, chart.repoName) : [];
      out.push(
        step.length
          ? `The component's step of \`scripts/deploy-all.sh\`, run from the repository root (or run the whole script, which is safe to re-run):`
          : 'Run `scripts/deploy-all.sh` from the repository root.',
        '',
        sh(step.length ? step : ['scripts/deploy-all.sh']),
        '',
        sh([`helm -n ${q(ns)} status ${q(c.id)}`, `helm -n ${q(ns)} history ${q(c.id)}`, `kubectl -n ${q(ns)} get pods -l ${q(`${INSTANCE_LABEL}=${c.id}`)}`]),
        '',
        `To roll back: \`helm -n ${ns} rollback ${c.id}\` (to the previous revision), then revert the spec change so the next deploy does not upgrade again.`,
      );
    }
  }
  const t = see(ctx, from, c.id, 'troubleshooting');
  const b = see(ctx, from, c.id, 'backup');
  out.push('', `${b ? `It holds data: take a backup first (${b}). ` : ''}If it does not come up: ${t ?? 'see troubleshooting'}.`);
  return out;
}

/** The `helm repo add` of a repository and the `helm upgrade --install` of a release, as deploy-all.sh has them. */
function helmStep(script: string, release: string, repoName: string): string[] {
  const lines = script.split('\n');
  const out: string[] = [];
  const add = lines.find((l) => l.startsWith(`helm repo add --force-update ${repoName} `) || l.startsWith(`helm repo add --force-update ${q(repoName)} `));
  if (add) out.push(add, `helm repo update ${q(repoName)}`);
  const i = lines.findIndex((l) => l.startsWith(`helm upgrade --install ${q(release)} `));
  if (i < 0) return [];
  for (let j = i; j < lines.length; j++) {
    out.push(lines[j]);
    if (!lines[j].endsWith('\\')) break;
  }
  return out;
}

// ---- backup / restore of app data ----------------------------------------

function writersOf(ctx: Ctx, app: AppModel, claim?: string): { stop: string[]; start: string[]; unsuspend: string[]; names: string } {
  const files = componentFiles(ctx, app.name);
  const all = workloadsIn(ctx.objects, new Set(files), app.namespace).filter((w) => w.kind !== 'DaemonSet');
  const ws = claim ? all.filter((w) => w.claims.includes(claim)) : all;
  // The app's own CronJobs (an ingest, a cleanup) write too; the backup jobs do not count.
  const crons = claim
    ? []
    : objectsOfKind(ctx, files, 'CronJob')
        .filter((o) => !o.metadata?.annotations?.[BACKUP_DATA_ANNOTATION])
        .map((o) => ({ name: o.metadata!.name!, namespace: o.metadata!.namespace ?? app.namespace }));
  const suspend = (v: boolean) => crons.map((c) => `kubectl -n ${q(c.namespace)} patch cronjob/${q(c.name)} -p ${q(`{"spec":{"suspend":${v}}}`)}`);
  const cronNames = crons.map((c) => `CronJob \`${c.name}\``);
  if (ws.length) {
    return {
      stop: [...suspend(true), ...ws.map((w) => `kubectl -n ${q(w.namespace)} scale ${w.kind.toLowerCase()}/${q(w.name)} --replicas=0`)],
      start: [...ws.map((w) => `kubectl -n ${q(w.namespace)} scale ${w.kind.toLowerCase()}/${q(w.name)} --replicas=${w.replicas}`), ...suspend(false)],
      unsuspend: suspend(false),
      names: [...ws.map((w) => `${w.kind} \`${w.name}\``), ...cronNames].join(', '),
    };
  }
  const sel = q(`${INSTANCE_LABEL}=${app.name}`);
  return {
    stop: [...suspend(true), `kubectl -n ${q(app.namespace)} scale deployment,statefulset -l ${sel} --replicas=0`],
    start: [`kubectl -n ${q(app.namespace)} scale deployment,statefulset -l ${sel} --replicas=${app.replicas}`, ...suspend(false)],
    unsuspend: suspend(false),
    names: [`the Deployments and StatefulSets labelled \`${INSTANCE_LABEL}=${app.name}\``, ...cronNames].join(', '),
  };
}

function waitGone(ns: string, app: string): string {
  return `kubectl -n ${q(ns)} wait --for=delete pod -l ${q(`${INSTANCE_LABEL}=${app}`)} --timeout=5m`;
}

/** The PostgreSQL server of a database row: the app, its workload and container. */
function postgresOf(ctx: Ctx, d: DataSet): { target: string; container?: string } | undefined {
  if (!d.app) return undefined;
  const ws = workloadsIn(ctx.objects, new Set(componentFiles(ctx, d.app.name)), d.app.namespace).filter((w) => !d.claim || w.claims.includes(d.claim));
  const w = ws.find((x) => x.kind === 'StatefulSet') ?? ws[0];
  if (!w) return undefined;
  return { target: `${w.kind.toLowerCase()}/${w.name}`, container: w.containers.includes('postgres') ? 'postgres' : w.containers[0] };
}

function helperPod(name: string, ns: string, claim: string, readOnly: boolean): string[] {
  return [
    `kubectl -n ${q(ns)} apply -f - <<'EOF'`,
    'apiVersion: v1',
    'kind: Pod',
    'metadata:',
    `  name: ${name}`,
    `  namespace: ${ns}`,
    'spec:',
    '  restartPolicy: Never',
    '  containers:',
    '    - name: copy',
    '      image: busybox:1.37',
    '      command: ["sleep", "86400"]',
    '      volumeMounts:',
    `        - { name: data, mountPath: /data${readOnly ? ', readOnly: true' : ''} }`,
    '  volumes:',
    `    - { name: data, persistentVolumeClaim: { claimName: ${claim}${readOnly ? ', readOnly: true' : ''} } }`,
    'EOF',
    `kubectl -n ${q(ns)} wait --for=condition=Ready pod/${name} --timeout=5m`,
  ];
}

function dataBackupBody(ctx: Ctx, c: ComponentInstance, ds: DataSet[]): string[] {
  const from = DOC_PATHS.runbook(c.id, 'backup');
  const out: string[] = [
    `Data of \`${c.id}\` in namespace \`${c.namespace}\`, as the ${link(from, DOC_PATHS.backupPlan, 'backup plan')} lists it.`,
    contextNote(ctx),
  ];
  for (const d of ds) {
    out.push('', `## ${d.row.dataSet}${d.row.content ? ` (${d.row.content})` : ''}`, '', tierLine(d), ...problemsLine(d), '');
    if (d.cron) {
      const job = manualJobName(d.cron.name);
      out.push(
        `CronJob \`${d.cron.name}\` in \`${d.cron.namespace}\` (\`${d.cron.file}\`${d.cron.tier ? `, label \`${BACKUP_TIER_LABEL}: ${d.cron.tier}\`` : ''}) runs it on that schedule. Check the last runs, or take a backup now:`,
        '',
        sh([
          `kubectl -n ${q(d.cron.namespace)} get cronjob ${q(d.cron.name)}`,
          `kubectl -n ${q(d.cron.namespace)} get jobs --sort-by=.metadata.creationTimestamp${d.cron.set ? ` -l ${q(`${BACKUP_SET_LABEL}=${d.cron.set}`)}` : ''}`,
          ...(d.cron.set ? [`kubectl -n ${q(d.cron.namespace)} logs -l ${q(`${BACKUP_SET_LABEL}=${d.cron.set}`)} --all-containers --prefix --tail=100`] : []),
          `job="${job}$(date +%s)"`,
          `kubectl -n ${q(d.cron.namespace)} create job --from=cronjob/${d.cron.name} "$job"`,
          `kubectl -n ${q(d.cron.namespace)} logs -f "job/$job" --all-containers --pod-running-timeout=5m`,
          `kubectl -n ${q(d.cron.namespace)} wait --for=condition=complete "job/$job" --timeout=5m`,
        ]),
      );
      out.push('', ...snapshotsCheck(d, d.cron.namespace));
      continue;
    }
    if (!d.row.schedule) continue;
    const repos = resticTargets(d.targets);
    const creds = credentialSteps(d.app?.namespace);
    if (!repos.length || !d.app) {
      out.push(`None of the tier's targets is a restic repository, so hearth has no way to back this up (Proxmox Backup Server backs up whole guests). Give tier \`${d.tier?.name}\` a restic or s3 target.`);
      continue;
    }
    out.push(
      (d.row.kind === 'volume' && d.row.content === 'database'
        ? `**Manual.** hearth's backup jobs never copy a live database's files (only PostgreSQL dumps), so nothing runs this schedule for it. Copy the files with the server stopped, by hand`
        : `**Manual.** hearth renders no backup job for this data set, so nothing runs this schedule yet. Until it does, take the backup by hand`) +
        ` from a workstation with kubectl and restic 0.17 or later (\`--stdin-from-command\`), in the format the restore steps read${repos.some((r) => r.t.type === 'restic' && /^sftp:/.test(r.repo)) ? '; sftp: repositories use your SSH keys' : ''}.`,
      '',
    );
    const tags = `--tag lab:${q(ctx.lab.name)}${d.tier ? ` --tag tier:${q(d.tier.name)}` : ''}`;
    const keep = d.tier ? keepArgs(d.tier) : '';
    if (d.row.kind === 'database') {
      const pg = postgresOf(ctx, d);
      const db = d.backupName;
      const exec = pg ? `kubectl -n ${q(d.app.namespace)} exec ${q(pg.target)}${pg.container ? ` -c ${q(pg.container)}` : ''} -- pg_dump -U postgres --format=custom --no-owner --no-privileges ${q(db)}` : undefined;
      if (!exec) {
        out.push(`No PostgreSQL workload of \`${d.app.name}\` is rendered: dump \`${db}\` with \`pg_dump --format=custom\` wherever it runs.`);
        continue;
      }
      out.push(
        `\`pg_dump\` runs inside the PostgreSQL server; restic stores the dump as \`${db}.dump\` tagged \`pg:${db}\`, as hearth's backup script does.`,
        '',
        sh(
          repos.flatMap(({ t, repo }) => [
            ...creds(t),
            `restic --repo ${q(repo)} backup --stdin-from-command --stdin-filename ${q(`${db}.dump`)} --tag ${q(`pg:${db}`)} ${tags} -- ${exec}`,
            ...(keep ? [`restic --repo ${q(repo)} forget --tag ${q(`pg:${db}`)} --group-by paths,tags --prune ${keep}`] : []),
          ]),
        ),
      );
    } else if (d.claim) {
      const pod = objName(`hearth-copy-${slug(d.row.dataSet)}`);
      const w = writersOf(ctx, d.app, d.claim);
      const g = gitopsPause(ctx, ctx.lab.components.find((x) => x.id === d.app!.name)!);
      const name = d.backupName;
      out.push(
        `Stop the writers (${w.names}) so the copy is consistent, mount claim \`${d.claim}\` read-only in a helper pod, stream a tar of it into each repository (tagged \`tar:${name}\`), then start them again. ${g.note}`,
        '',
        sh([
          ...g.pause,
          ...w.stop,
          waitGone(d.app.namespace, d.app.name),
          ...helperPod(pod, d.app.namespace, d.claim, true),
          ...repos.flatMap(({ t, repo }) => [
            ...creds(t),
            `restic --repo ${q(repo)} backup --stdin-from-command --stdin-filename ${q(`${name}.tar`)} --tag ${q(`tar:${name}`)} ${tags} -- kubectl -n ${q(d.app!.namespace)} exec ${pod} -- tar -C /data -cf - .`,
            ...(keep ? [`restic --repo ${q(repo)} forget --tag ${q(`tar:${name}`)} --group-by paths,tags --prune ${keep}`] : []),
          ]),
          `kubectl -n ${q(d.app.namespace)} delete pod ${pod}`,
          ...(g.resume.length ? [...g.resume, ...w.unsuspend] : w.start),
        ]),
      );
    }
  }
  const r = see(ctx, from, c.id, 'restore');
  if (r) out.push('', `To restore: ${r}.`);
  return out;
}

function snapshotsCheck(d: DataSet, ns: string): string[] {
  const repos = resticTargets(d.targets);
  const creds = credentialSteps(ns);
  if (!repos.length) return [];
  const tag = d.row.kind === 'database' ? `pg:${d.backupName}` : `files:${d.backupName}`;
  return [
    `The snapshots in each repository (tagged \`${tag}\` by hearth's backup script):`,
    '',
    sh(repos.flatMap(({ t, repo }) => [...creds(t), `restic --repo ${q(repo)} snapshots --tag ${q(tag)}`])),
  ];
}

function dataRestoreBody(ctx: Ctx, c: ComponentInstance, ds: DataSet[]): string[] {
  const from = DOC_PATHS.runbook(c.id, 'restore');
  const out: string[] = [`Restore the data of \`${c.id}\` in namespace \`${c.namespace}\` from its newest backup.`, contextNote(ctx)];
  for (const d of ds) {
    out.push('', `## ${d.row.dataSet}${d.row.content ? ` (${d.row.content})` : ''}`, '', tierLine(d), ...problemsLine(d), '');
    if (!d.row.schedule && !d.cron) {
      out.push('There is no backup to restore from. Assign the data to a tier, then take backups (see the backup runbook).');
      continue;
    }
    if (!d.app) continue;
    // Who writes the data: the app itself (volumes) or the database's client apps.
    const clients = d.row.kind === 'database' ? ctx.lab.apps.filter((a) => a.name === d.database && a.links.postgresql === d.app!.name) : [d.app];
    const stops = clients.map((a) => ({ a, w: writersOf(ctx, a, d.row.kind === 'database' ? undefined : d.claim), g: gitopsPause(ctx, ctx.lab.components.find((x) => x.id === a.name)!) }));
    const pause = stops.flatMap((s) => [...s.g.pause, ...s.w.stop, waitGone(s.a.namespace, s.a.name)]);
    // GitOps puts the replicas back when it resumes; a CronJob's suspend flag it does not manage.
    const resume = stops.flatMap((s) => (s.g.resume.length ? [...s.g.resume, ...s.w.unsuspend] : s.w.start));
    const stopText = stops.length
      ? `Stop what writes it (${stops.map((s) => s.w.names).join('; ')}) for the restore. ${[...new Set(stops.map((s) => s.g.note))].join(' ')}`
      : `Nothing hearth knows of writes to it besides the server (an extra database): stop its clients yourself.`;
    if (d.restore) {
      const r = d.restore;
      const run =
        r.kind === 'cronjob'
          ? [
              `job="${r.name.slice(0, 52).replace(/-+$/, '')}-$(date +%s)"`,
              `kubectl -n ${q(r.namespace)} create job --from=cronjob/${r.name} "$job"`,
              `kubectl -n ${q(r.namespace)} logs -f "job/$job" --all-containers --pod-running-timeout=5m`,
              `kubectl -n ${q(r.namespace)} wait --for=condition=complete "job/$job" --timeout=5m`,
            ]
          : [
              `kubectl -n ${q(r.namespace)} delete job ${q(r.name)} --ignore-not-found`,
              `kubectl create -f ${q(r.file)}`,
              `kubectl -n ${q(r.namespace)} logs -f job/${q(r.name)} --all-containers --pod-running-timeout=5m`,
              `kubectl -n ${q(r.namespace)} wait --for=condition=complete job/${q(r.name)} --timeout=5m`,
            ];
      out.push(
        r.kind === 'cronjob'
          ? `Restore CronJob \`${r.name}\` in \`${r.namespace}\` (\`${r.file}\`) is suspended and never scheduled: a Job made from it restores the newest snapshot${d.cron ? ` that backup CronJob \`${d.cron.name}\` took` : ''}, from the first repository that has one. ${stopText}`
          : `Restore Job \`${r.name}\` (\`${r.file}\`) restores the newest snapshot${d.cron ? ` that backup CronJob \`${d.cron.name}\` took` : ''}. GitOps does not apply it: you run it, from the repository root. ${stopText}`,
        '',
        sh([...pause, ...run, ...resume]),
        '',
        `The logs follow the restore to its end; the wait then confirms the Job completed (it fails when no repository holds a snapshot${d.row.kind === 'database' ? ', and `pg_restore` drops and recreates the objects of the database' : ''}).${d.tier?.rto ? ` The tier promises a restore within ${d.tier.rto} (RTO).` : ''}`,
      );
      continue;
    }
    const repos = resticTargets(d.targets);
    if (!repos.length) {
      out.push("None of the tier's targets is a restic repository: there is nothing hearth knows how to restore from.");
      continue;
    }
    const { t, repo } = repos[0];
    const others = repos.slice(1).map((r) => `\`${r.repo}\``);
    const ns = d.app.namespace;
    out.push(
      d.cron
        ? `**Manual.** The rendered files hold backup CronJob \`${d.cron.name}\` but no restore Job for it: restore by hand from its snapshots. restic restores as root (sudo) to keep the files' owners${/^sftp:/.test(repo) ? ', so the sftp: repository is reached with root\'s SSH keys' : ''}.`
        : `**Manual.** hearth renders no backup or restore job for this data set: these steps restore what the manual backup in the backup runbook stored.`,
      `From a workstation with kubectl and restic, from \`${repo}\`${others.length ? ` (if it is lost, the same from ${others.join(', ')})` : ''}. ${stopText}`,
      '',
    );
    if (d.row.kind === 'database') {
      const pg = postgresOf(ctx, d);
      const db = d.backupName;
      if (!pg) {
        out.push(`No PostgreSQL workload of \`${d.app.name}\` is rendered: restore \`${db}.dump\` with \`pg_restore --clean --if-exists\` wherever it runs.`);
        continue;
      }
      out.push(
        sh([
          ...credentialSteps(ns)(t),
          `restic --repo ${q(repo)} snapshots --tag ${q(`pg:${db}`)} --latest 1`,
          'dump=$(mktemp)',
          `restic --repo ${q(repo)} dump --tag ${q(`pg:${db}`)} latest ${q(`/${db}.dump`)} > "$dump"`,
          ...pause,
          `kubectl -n ${q(ns)} exec -i ${q(pg.target)}${pg.container ? ` -c ${q(pg.container)}` : ''} -- pg_restore -U postgres --clean --if-exists --no-owner --no-privileges --dbname=${q(db)} < "$dump"`,
          'rm -f "$dump"',
          ...resume,
        ]),
        '',
        `Database \`${db}\` must exist (the PostgreSQL bootstrap job creates it); objects in it are dropped and recreated, as hearth's restore script does.`,
      );
    } else if (d.claim) {
      const pod = objName(`hearth-copy-${slug(d.row.dataSet)}`);
      const name = d.backupName;
      const body = d.cron
        ? [
            // Directory snapshots of the backup script: restore as root to keep owners, then stream into the volume.
            'scratch=$(mktemp -d)',
            `from=$(restic --repo ${q(repo)} snapshots --tag ${q(`files:${name}`)} --latest 1 --json | sed -n 's/.*"paths":\\["\\([^"]*\\)".*/\\1/p' | head -n 1)`,
            `sudo --preserve-env=RESTIC_PASSWORD,AWS_ACCESS_KEY_ID,AWS_SECRET_ACCESS_KEY restic --repo ${q(repo)} restore latest --tag ${q(`files:${name}`)} --target "$scratch"`,
            'sudo tar -C "$scratch$from" -cf "$scratch.tar" .',
          ]
        : ['scratch=$(mktemp -d)', `restic --repo ${q(repo)} snapshots --tag ${q(`tar:${name}`)} --latest 1`, `restic --repo ${q(repo)} dump --tag ${q(`tar:${name}`)} latest ${q(`/${name}.tar`)} > "$scratch.tar"`];
      out.push(
        sh([
          ...credentialSteps(ns)(t),
          ...body,
          ...pause,
          ...helperPod(pod, ns, d.claim, false),
          `kubectl -n ${q(ns)} exec ${pod} -- find /data -mindepth 1 -delete`,
          `kubectl -n ${q(ns)} exec -i ${pod} -- tar -C /data -xf - < "$scratch.tar"`,
          `kubectl -n ${q(ns)} delete pod ${pod}`,
          `${d.cron ? 'sudo ' : ''}rm -rf "$scratch" "$scratch.tar"`,
          ...resume,
        ]),
        '',
        `The \`find … -delete\` empties claim \`${d.claim}\` first, so the volume holds exactly the snapshot (no newer files, no stale SQLite journals). Owners and modes come from the archive.`,
      );
    }
  }
  const b = see(ctx, from, c.id, 'backup');
  if (b) out.push('', `Backups: ${b}.`);
  return out;
}

// ---- guests ----------------------------------------------------------------

function hostOf(ctx: Ctx, node: NodeSpec) {
  return ctx.lab.spec.hosts.find((h) => h.name === node.host);
}

/** The guest's VMID, or a command that looks it up by name on the host. */
function vmid(node: NodeSpec): { set: string; ref: string } {
  const id = node.vm?.id ?? node.lxc?.id;
  if (id !== undefined) return { set: '', ref: String(id) };
  const list = node.kind === 'lxc' ? 'pct list' : 'qm list';
  const col = node.kind === 'lxc' ? '$NF' : '$2';
  return { set: `vmid=$(${list} | awk ${q(`NR > 1 && ${col} == "${node.name}" {print $1}`)})`, ref: '"$vmid"' };
}

/** Find the Proxmox storage that points at a PBS datastore (in /etc/pve/storage.cfg). */
function pbsStorage(t: Extract<Target, { type: 'pbs' }>): string {
  const match = `t == "pbs" && s == "${t.server}" && d == "${t.datastore}"`;
  return `storage=$(awk ${q(`/^[a-z]+: / { if (${match}) print id; t = $1; sub(":", "", t); id = $2; s = ""; d = "" } $1 == "server" { s = $2 } $1 == "datastore" { d = $2 } END { if (${match}) print id }`)} /etc/pve/storage.cfg | head -n 1)`;
}

function onHost(ctx: Ctx, node: NodeSpec): string {
  const h = hostOf(ctx, node);
  const pveNode = h?.proxmox?.node ?? node.host;
  return `On Proxmox host \`${node.host}\`${h?.ip ? ` (\`ssh root@${h.ip}\`)` : ''}${pveNode !== node.host ? `, node \`${pveNode}\`` : ''}, as root:`;
}

function guestIntro(ctx: Ctx, n: NodeSpec): string {
  const id = n.vm?.id ?? n.lxc?.id;
  const role = ctx.lab.cluster?.nodes.some((x) => x.name === n.name) ? `, a node of cluster \`${ctx.lab.cluster.name}\`` : '';
  const services = n.lxc?.services.length ? `; runs ${n.lxc.services.join(', ')}` : '';
  return `Guest \`${n.name}\`: ${n.kind === 'lxc' ? 'container' : n.kind === 'vm' ? 'VM' : n.kind}${id !== undefined ? ` ${id}` : ''} on host \`${n.host}\`, address ${n.ip}${role}${services}.`;
}

function guestBackupBody(ctx: Ctx, ds: DataSet[]): string[] {
  const out: string[] = [];
  for (const d of ds) {
    const n = d.node;
    if (n) out.push(guestIntro(ctx, n), '');
    out.push(`## ${d.row.dataSet} (${d.row.content ?? 'guest'})`, '', tierLine(d), ...problemsLine(d), '');
    if (!n || !d.row.schedule) continue;
    if (hostOf(ctx, n)?.platform !== 'proxmox') {
      out.push(`Host \`${n.host}\` is not a Proxmox host: back the guest up with its host's own tools.`, '');
      continue;
    }
    const id = vmid(n);
    out.push(`**Manual.** hearth renders no backup job for guests (no Proxmox Backup Server job, no vzdump schedule): set one up in Proxmox (Datacenter → Backup) on schedule \`${d.row.schedule}\`, or run these by hand. ${onHost(ctx, n)}`, '');
    for (const t of d.targets) {
      if (t.type !== 'pbs') continue;
      out.push(
        `To Proxmox Backup Server \`${t.server}\`, datastore \`${t.datastore}\` (the Proxmox storage that points at it; add it with \`pvesm add pbs\` if there is none):`,
        '',
        sh([...(id.set ? [id.set] : []), pbsStorage(t), 'echo "PBS storage: $storage"', `vzdump ${id.ref} --storage "$storage" --mode snapshot`]),
        '',
      );
    }
    const repos = resticTargets(d.targets);
    const creds = credentialSteps();
    if (repos.length) {
      const tags = `--tag ${q(`guest:${n.name}`)} --tag lab:${q(ctx.lab.name)}${d.tier ? ` --tag tier:${q(d.tier.name)}` : ''}`;
      const keep = d.tier ? keepArgs(d.tier) : '';
      out.push(
        `To restic ${repos.length > 1 ? 'repositories' : 'repository'} ${repos.map((r) => `\`${r.repo}\` (target \`${r.t.name}\`)`).join(', ')}: one vzdump archive, then restic. ${secretsSentence(repos.map((r) => r.t))}`,
        '',
        sh([
          ...(id.set ? [id.set] : []),
          'dumpdir=$(mktemp -d /var/tmp/hearth-vzdump.XXXXXX)',
          `vzdump ${id.ref} --mode snapshot --compress zstd --dumpdir "$dumpdir"`,
          ...repos.flatMap(({ t, repo }) => [
            ...creds(t),
            `restic --repo ${q(repo)} backup "$dumpdir" ${tags}`,
            ...(keep ? [`restic --repo ${q(repo)} forget --tag ${q(`guest:${n.name}`)} --prune ${keep}`] : []),
          ]),
          'rm -rf "$dumpdir"',
        ]),
        '',
      );
    }
  }
  return out;
}

function guestRestoreBody(ctx: Ctx, ds: DataSet[]): string[] {
  const out: string[] = [];
  for (const d of ds) {
    const n = d.node;
    if (n) out.push(guestIntro(ctx, n), '');
    out.push(`## ${d.row.dataSet} (${d.row.content ?? 'guest'})`, '', tierLine(d), ...problemsLine(d), '');
    if (!n || !d.row.schedule) {
      if (!d.row.schedule) out.push('There is no backup to restore from: rebuild the guest (`tofu apply` in the infrastructure directory) and its data by hand.', '');
      continue;
    }
    if (hostOf(ctx, n)?.platform !== 'proxmox') continue;
    const id = vmid(n);
    const lxc = n.kind === 'lxc';
    const stop = lxc ? `pct stop ${id.ref}` : `qm stop ${id.ref}`;
    const start = lxc ? `pct start ${id.ref}` : `qm start ${id.ref}`;
    const datastore = hostOf(ctx, n)?.proxmox?.datastore ?? 'local-lvm';
    const restore = (archive: string) => (lxc ? `pct restore ${id.ref} ${archive} --force 1 --storage ${q(datastore)}` : `qmrestore ${archive} ${id.ref} --force 1`);
    out.push(`**Manual.** ${onHost(ctx, n)} the restore replaces the guest (its disks) with the newest backup.`, '');
    const pbs = d.targets.find((t): t is Extract<Target, { type: 'pbs' }> => t.type === 'pbs');
    const restic = resticTargets(d.targets)[0];
    if (pbs) {
      out.push(
        `From Proxmox Backup Server \`${pbs.server}\`, datastore \`${pbs.datastore}\`:`,
        '',
        sh([
          ...(id.set ? [id.set] : []),
          pbsStorage(pbs),
          `pvesm list "$storage" --vmid ${id.ref}`,
          `archive=$(pvesm list "$storage" --vmid ${id.ref} | awk 'NR > 1 {print $1}' | sort | tail -n 1)`,
          'echo "restoring $archive"',
          stop,
          restore('"$archive"'),
          start,
        ]),
        '',
      );
    }
    if (restic) {
      const { t, repo } = restic;
      out.push(
        `${pbs ? 'Or from' : 'From'} restic repository \`${repo}\` (the vzdump archive the backup runbook stores):`,
        '',
        sh([
          ...(id.set ? [id.set] : []),
          ...credentialSteps()(t),
          `restic --repo ${q(repo)} snapshots --tag ${q(`guest:${n.name}`)}`,
          'restoredir=$(mktemp -d /var/tmp/hearth-restore.XXXXXX)',
          `restic --repo ${q(repo)} restore latest --tag ${q(`guest:${n.name}`)} --target "$restoredir"`,
          `archive=$(find "$restoredir" -name 'vzdump-*' -type f | sort | tail -n 1)`,
          stop,
          restore('"$archive"'),
          start,
          'rm -rf "$restoredir"',
        ]),
        '',
      );
    }
  }
  return out;
}

// ---- the cluster -----------------------------------------------------------

function clusterStateWhat(lab: LabModel): string {
  const c = lab.cluster!;
  if (c.distribution === 'talos') return 'Talos etcd';
  return c.datastore.type === 'embedded-etcd' ? 'K3s embedded etcd' : c.datastore.type === 'sqlite' ? 'K3s SQLite' : `K3s datastore PostgreSQL at ${c.datastore.endpoint ?? 'an external server'}`;
}

function k3sSnapshots(lab: LabModel): { dir: string; schedule: string; retention: number; custom: boolean } {
  const s = lab.spec.cluster?.k3s?.etcdSnapshots;
  return { dir: s?.dir ?? '/var/lib/rancher/k3s/server/db/snapshots', schedule: s?.schedule ?? '0 */12 * * *', retention: s?.retention ?? 5, custom: !!s };
}

/** The newest file in a directory (GNU find on the node), as a command. */
function newest(dir: string, pattern: string): string {
  return `sudo find ${q(dir)} -maxdepth 1 -type f -name ${q(pattern)} -printf '%T@ %p\\n' | sort -n | tail -n 1 | cut -d ' ' -f 2-`;
}

function nodeLine(n: NodeSpec): string {
  return `\`${n.name}\` (${n.ip})`;
}

/** The guest whose address is the external datastore's host, if any. */
function datastoreGuest(lab: LabModel): NodeSpec | undefined {
  const host = lab.cluster?.datastore.endpoint?.replace(/:\d+$/, '');
  return host ? lab.spec.nodes.find((n) => n.ip === host || n.name === host) : undefined;
}

function talosEnv(ctx: Ctx): string {
  return `export TALOSCONFIG="$PWD/${ctx.root}/talos/clusterconfig/talosconfig"`;
}

function clusterBackupBody(ctx: Ctx, state: DataSet[]): string[] {
  const lab = ctx.lab;
  const c = lab.cluster!;
  const from = DOC_PATHS.runbook(CLUSTER_ID, 'backup');
  const first = c.controlPlane[0];
  const out: string[] = [`Cluster \`${c.name}\` (${c.distribution}${c.version ? ` ${c.version}` : ''}) keeps its state in ${clusterStateWhat(lab)}. Manifests and chart values live in Git; this state is everything else (Secrets created in the cluster, status, objects made by hand).`, ''];
  for (const d of state) out.push(`Backup plan, \`${d.row.dataSet}\`: ${tierLine(d)}`, ...problemsLine(d), '');
  if (c.distribution === 'talos') {
    out.push(
      '**Manual.** Nothing takes etcd snapshots of this cluster on a schedule (hearth renders none, and the backup plan has no row for it). Take one before every change to the control plane, and copy it off the machine. From the repository root, with the talosconfig `talhelper genconfig` wrote:',
      '',
      sh([talosEnv(ctx), `talosctl -n ${first.ip} etcd snapshot "etcd-${c.name}-$(date +%Y%m%d-%H%M%S).snapshot"`, `talosctl -n ${first.ip} etcd status`]),
      '',
      `The control plane: ${c.controlPlane.map(nodeLine).join(', ')}. The snapshot holds Secrets in plain text: store it encrypted.`,
    );
  } else if (c.datastore.type === 'embedded-etcd') {
    const s = k3sSnapshots(lab);
    out.push(
      `K3s snapshots etcd on schedule \`${s.schedule}\` (UTC) into \`${s.dir}\` on every server and keeps ${s.retention}${s.custom ? ' (cluster.k3s.etcdSnapshots)' : ' (K3s defaults; set cluster.k3s.etcdSnapshots to change them)'}. Servers: ${c.controlPlane.map(nodeLine).join(', ')}.`,
      '',
      `Take one now (before an upgrade or a risky change) on ${nodeLine(first)}, \`ssh ${ctx.sshUser}@${first.ip}\`:`,
      '',
      sh(['sudo k3s etcd-snapshot save --name pre-change', 'sudo k3s etcd-snapshot ls', `ls -l ${q(s.dir)}`]),
      '',
      s.custom && lab.spec.cluster?.k3s?.etcdSnapshots?.dir
        ? `\`${s.dir}\` should be a mount of storage off the node (${ctx.root}/k3s/install-master.sh warns when it is not a mount point), so a lost server does not take its snapshots with it.`
        : `The snapshots stay on each server's disk: copy them elsewhere (\`scp ${ctx.sshUser}@${first.ip}:${s.dir}/* .\` after \`sudo chmod\`), or set \`cluster.k3s.etcdSnapshots.dir\` to a mounted share.`,
      '',
      'A snapshot restores only with the server token of the cluster that took it (`/var/lib/rancher/k3s/server/token` on a server): keep a copy of it with the snapshots, somewhere safe; it is a secret.',
    );
  } else if (c.datastore.type === 'sqlite') {
    out.push(
      `The state is one SQLite database on ${nodeLine(first)}. **Manual**: copy it while K3s is stopped (\`ssh ${ctx.sshUser}@${first.ip}\`):`,
      '',
      sh(['sudo systemctl stop k3s', 'sudo tar -C /var/lib/rancher/k3s/server -czf "/var/backups/k3s-db-$(date +%Y%m%d-%H%M%S).tar.gz" db token', 'sudo systemctl start k3s']),
      '',
      'Then copy the archive off the node. It holds Secrets and the server token: store it encrypted.',
    );
  } else {
    const g = datastoreGuest(lab);
    const gb = g ? see(ctx, from, guestRunbookId(lab, g.name), 'backup') : undefined;
    out.push(
      `The state lives in the PostgreSQL database the datastore URL names, on \`${c.datastore.endpoint}\`${g ? ` (guest \`${g.name}\`)` : ''}. Back up that database${gb ? `: ${gb}` : ' with its server\'s backups'}; the URL (with its password) is kept on the servers in \`/etc/rancher/k3s/config.yaml.d/datastore.yaml\` and is not repeated here. Keep the server token (\`/var/lib/rancher/k3s/server/token\`) with the backups: the state is encrypted with it.`,
    );
  }
  const r = see(ctx, from, CLUSTER_ID, 'recovery');
  if (r) out.push('', `To rebuild from it: ${r}.`);
  return out;
}

function clusterRecoveryBody(ctx: Ctx, state: DataSet[], sets: DataSet[]): string[] {
  const lab = ctx.lab;
  const c = lab.cluster!;
  const from = DOC_PATHS.runbook(CLUSTER_ID, 'recovery');
  const first = c.controlPlane[0];
  const others = c.controlPlane.slice(1);
  const out: string[] = [
    `Bring cluster \`${c.name}\` back after losing its control plane or its state: restore the state, then let GitOps put the lab back, then restore data the cluster lost. Backups: ${see(ctx, from, CLUSTER_ID, 'backup') ?? 'none'}.`,
    '',
  ];
  for (const d of state) out.push(`Backup plan, \`${d.row.dataSet}\`: ${tierLine(d)}`, ...problemsLine(d), '');
  out.push('## 1. Restore the cluster state', '');
  if (c.distribution === 'talos') {
    out.push(
      `Talos etcd on ${c.controlPlane.map(nodeLine).join(', ')}${c.vip ? `, API at the VIP ${c.vip}` : ''}. From the repository root, with the talosconfig \`talhelper genconfig\` wrote. If etcd still answers on a control-plane node, take a fresh snapshot; otherwise copy its database file (then add \`--recover-skip-hash-check\` to the bootstrap):`,
      '',
      sh([talosEnv(ctx), `talosctl -n ${first.ip} etcd snapshot db.snapshot || talosctl -n ${first.ip} cp /var/lib/etcd/member/snap/db ./db.snapshot`]),
      '',
      'Wipe etcd on every control-plane node (the EPHEMERAL partition; the machine config stays), wait until etcd waits in `Preparing`, then bootstrap the first one from the snapshot:',
      '',
      sh([
        ...c.controlPlane.map((n) => `talosctl -n ${n.ip} reset --graceful=false --reboot --system-labels-to-wipe=EPHEMERAL`),
        ...c.controlPlane.map((n) => `talosctl -n ${n.ip} service etcd`),
        `talosctl -n ${first.ip} bootstrap --recover-from=./db.snapshot`,
        `talosctl -n ${first.ip} etcd members`,
        `talosctl -n ${first.ip} health`,
        `talosctl -n ${first.ip} kubeconfig`,
      ]),
      '',
      `If the machines themselves are gone, make them again first (\`${ctx.root}/tofu\`, then \`talhelper gencommand apply --extra-flags=--insecure | bash\` in \`${ctx.root}/talos\`), and skip the reset.`,
    );
  } else if (c.datastore.type === 'embedded-etcd') {
    const s = k3sSnapshots(lab);
    out.push(
      `K3s embedded etcd. Stop K3s on every server (${c.controlPlane.map((n) => `${n.name}: \`ssh ${ctx.sshUser}@${n.ip}\``).join(', ')}):`,
      '',
      sh(['sudo systemctl stop k3s']),
      '',
      `On the first server, ${nodeLine(first)} (\`ssh ${ctx.sshUser}@${first.ip}\`), reset the cluster to the newest snapshot in \`${s.dir}\` (the first command lists them all, oldest first; set \`snapshot\` to another file to go further back):`,
      '',
      sh([
        `sudo find ${q(s.dir)} -maxdepth 1 -type f -printf '%TY-%Tm-%Td %TH:%TM  %p\\n' | sort`,
        `snapshot=$(${newest(s.dir, '*')})`,
        'echo "restoring $snapshot"',
        'sudo k3s server --cluster-reset --cluster-reset-restore-path="$snapshot"',
        'sudo systemctl start k3s',
        'sudo k3s kubectl get nodes',
      ]),
      '',
      `\`--cluster-reset\` exits once etcd is reset to the snapshot; K3s then starts as a one-member cluster. On a new machine, install K3s first (\`${ctx.root}/k3s/install-master.sh ${first.name}\`), and pass the old server token (\`--token\`): the snapshot is encrypted with it.`,
    );
    if (others.length) {
      out.push('', `Then on each other server (${others.map(nodeLine).join(', ')}), drop its old etcd member data and let it join again:`, '', sh(['sudo rm -rf /var/lib/rancher/k3s/server/db', 'sudo systemctl start k3s']));
    }
  } else if (c.datastore.type === 'sqlite') {
    out.push(
      `K3s with SQLite on ${nodeLine(first)} (\`ssh ${ctx.sshUser}@${first.ip}\`), from the archive the backup runbook made:`,
      '',
      sh(['sudo systemctl stop k3s', `archive=$(${newest('/var/backups', 'k3s-db-*.tar.gz')})`, 'echo "restoring $archive"', 'sudo rm -rf /var/lib/rancher/k3s/server/db', 'sudo tar -C /var/lib/rancher/k3s/server -xzf "$archive"', 'sudo systemctl start k3s']),
    );
  } else {
    const g = datastoreGuest(lab);
    const gr = g ? see(ctx, from, guestRunbookId(lab, g.name), 'restore') : undefined;
    out.push(
      `K3s keeps its state in PostgreSQL at \`${c.datastore.endpoint}\`${g ? ` (guest \`${g.name}\`)` : ''}. Stop K3s on every server (${c.controlPlane.map((n) => `${n.name}: \`ssh ${ctx.sshUser}@${n.ip}\``).join(', ')}):`,
      '',
      sh(['sudo systemctl stop k3s']),
      '',
      `**Manual**: restore the database the datastore URL names (\`/etc/rancher/k3s/config.yaml.d/datastore.yaml\` on a server) to the backup you want${gr ? ` (${gr} restores the whole guest)` : ''}. Then start the servers again, one at a time:`,
      '',
      sh(['sudo systemctl start k3s']),
      '',
      'A database restored from another cluster needs that cluster\'s server token (`--token`).',
    );
  }
  out.push('', '## 2. GitOps', '');
  const repo = lab.gitops.repo;
  switch (lab.gitops.engine) {
    case 'flux':
      out.push(
        'A restored state still holds Flux and its Kustomizations: it reconciles to Git on its own. Check it, and on a rebuilt (empty) cluster install Flux, point it at the repository and bootstrap the lab (`hearth bootstrap` checks each step and says what is missing):',
        '',
        sh([
          'flux get kustomizations',
          'flux install',
          `flux create source git flux-system --namespace flux-system --url ${q(repo?.url ?? '')} --branch ${q(repo?.branch ?? 'main')} --interval 1m`,
          `hearth bootstrap --context ${q(kubeContext(lab)!)}`,
          'flux get kustomizations --watch',
        ]),
        '',
        'Run `hearth bootstrap` in the lab directory. A private repository also needs `--secret-ref` on the source.',
      );
      break;
    case 'argocd':
      out.push(
        'A restored state still holds Argo CD and its Applications: they sync to Git on their own. On a rebuilt (empty) cluster, install Argo CD and bootstrap the root Application (`hearth bootstrap` stops with the Argo CD install command if it is missing; see the operate guide):',
        '',
        sh(['kubectl -n argocd get applications.argoproj.io', `hearth bootstrap --context ${q(kubeContext(lab)!)}`, `argocd app wait ${q(argoRoot(ctx))} --health --sync --timeout 1800`]),
        '',
        'Run `hearth bootstrap` in the lab directory.',
      );
      break;
    default:
      out.push('No GitOps engine: deploy the lab again from the repository root (safe to re-run), then check it.', '', sh(['scripts/deploy-all.sh', 'scripts/health-check.sh']));
  }
  const data = sets.filter((d) => d.row.kind === 'volume' || d.row.kind === 'database');
  if (data.length) {
    out.push('', '## 3. Data', '', 'Volumes survive a state restore when their storage did (NFS, Longhorn replicas on surviving nodes). Check the claims; restore what came back empty:', '');
    out.push(sh([...new Set(data.filter((d) => d.app).map((d) => `kubectl -n ${q(d.app!.namespace)} get pvc`))]), '');
    const owners = [...new Set(data.map((d) => d.owner))];
    for (const o of owners) {
      const l = see(ctx, from, o, 'restore');
      if (l) out.push(`- ${l}: ${data.filter((d) => d.owner === o).map((d) => `\`${d.row.dataSet}\``).join(', ')}`);
    }
  }
  return out;
}
