/**
 * Backup jobs in the cluster, one per data set of a tier that has restic or
 * S3 targets (src/model/backups.ts): a CronJob running the very scripts
 * `hearth backup drill` proves (src/lib/backup-scripts.ts) on the tier's
 * schedule and retention, and beside it a suspended restore CronJob the
 * runbook starts with `kubectl create job --from=cronjob/restore-...`.
 *
 * - a PostgreSQL database: pg_dump in the postgres server's own image (an
 *   init container, without the restic secrets), then restic in the restic
 *   image (without the database password), sharing the dump in an emptyDir;
 * - a volume: restic with the claim mounted read-only (and, for a
 *   ReadWriteOnce claim, on the node of the app's pod).
 * Repository password, S3 keys and the SSH key come from Secrets the secrets
 * stage materialises in each namespace with the lab's mechanism.
 */
import { defineModule, type Manifest, type SecretRequest } from '../types.js';
import { configMap, defaultDeny, instancePods, internetEgress, secretEnv, tcpPorts, networkPolicy } from '../apps/_shared.js';
import { meta, type MetaSource } from '../meta.js';
import { filesBackupScript, filesRestoreScript, postgresBackupScript, postgresRestoreScript } from '../../lib/backup-scripts.js';
import { PRIVATE_CIDRS, isIpv4, isLocalHostName, repositoryEndpoint } from '../../lib/ip.js';
import { POSTGRES_PORT, serverImage, superuserSecretName } from '../apps/postgresql.js';
import type { BackupSet, LabModel } from '../../model/types.js';
import type { LabSpec } from '../../spec/schema.js';

/** Docker Hub restic/restic (Alpine, busybox sh, openssh-client; entrypoint restic). Evidence: docs/research/app-charts.md (restic). */
export const RESTIC_IMAGE = 'restic/restic:0.19.1';
export const MODULE = 'backup-jobs';
/** Label and annotations the runbooks and `hearth status` find the jobs by. */
export const TIER_LABEL = 'hearth.dev/backup-tier';
export const DATA_ANNOTATION = 'hearth.dev/backup-data';
export const RESTORE_ANNOTATION = 'hearth.dev/restore-of';
/** A schedule that never comes (31 February): restore CronJobs only run when started by hand. */
export const NEVER = '0 0 31 2 *';
const SCRIPTS = 'hearth-backup-scripts';

type Backups = NonNullable<LabSpec['backups']>;
type Target = Backups['targets'][number];
type Tier = Backups['tiers'][number];
type RepoTarget = Exclude<Target, { type: 'pbs' }>;

/** The restic repository URL of a target. */
export function repositoryOf(t: RepoTarget): string {
  if (t.type === 'restic') return t.repository;
  return `s3:${t.endpoint.replace(/\/+$/, '')}/${t.bucket}${t.prefix ? `/${t.prefix}` : ''}`;
}

/** restic forget --keep-* flags of a tier's retention, in a fixed order. */
export function keepArgs(tier: Tier): string {
  const r = tier.retention as Record<string, number | undefined>;
  return ['last', 'hourly', 'daily', 'weekly', 'monthly', 'yearly']
    .filter((k) => r[k] !== undefined)
    .map((k) => `--keep-${k} ${r[k]}`)
    .join(' ');
}

/** What runs in the cluster: data sets whose tier has restic or S3 targets. */
export function clusterJobs(lab: LabModel): { set: BackupSet; tier: Tier; targets: RepoTarget[] }[] {
  const b = lab.spec.backups;
  if (!b || !lab.cluster) return [];
  const out: { set: BackupSet; tier: Tier; targets: RepoTarget[] }[] = [];
  for (const set of lab.backupSets) {
    if ((set.kind !== 'volume' && set.kind !== 'database') || !set.tier || !set.namespace) continue;
    const tier = b.tiers.find((t) => t.name === set.tier)!;
    const targets = tier.targets.map((n) => b.targets.find((t) => t.name === n)).filter((t): t is RepoTarget => !!t && t.type !== 'pbs');
    // A live database's files are not a backup: only dumps of PostgreSQL databases (kind database) are.
    if (targets.length && !(set.kind === 'volume' && set.content === 'database')) out.push({ set, tier, targets });
  }
  return out;
}

/** CronJob names are at most 52 characters (the controller appends 11). */
function jobName(prefix: string, slug: string): string {
  const n = `${prefix}-${slug}`;
  return n.length <= 52 ? n : n.slice(0, 52).replace(/-+$/, '');
}

/** Egress from the backup pods to the repositories (DNS comes from the namespace baseline). */
function targetEgress(targets: RepoTarget[]): Record<string, unknown>[] {
  const rules: Record<string, unknown>[] = [];
  for (const t of targets) {
    const e = repositoryEndpoint(repositoryOf(t));
    if (!e) continue;
    const ports = tcpPorts([e.port]);
    if (isIpv4(e.host)) rules.push({ to: [{ ipBlock: { cidr: `${e.host}/32` } }], ports });
    else if (isLocalHostName(e.host)) rules.push({ to: PRIVATE_CIDRS.map((cidr) => ({ ipBlock: { cidr } })), ports });
    else rules.push({ ...internetEgress(), ports });
  }
  // One rule per distinct destination, in a stable order.
  const seen = new Map(rules.map((r) => [JSON.stringify(r), r]));
  return [...seen.keys()].sort().map((k) => seen.get(k)!);
}

/** Secrets each namespace needs: the repository password, S3 keys, the SSH key, shared from where the spec declares them. */
function secretRequests(lab: LabModel, jobs: ReturnType<typeof clusterJobs>): SecretRequest[] {
  const declared = lab.spec.secrets.values;
  const wanted = new Map<string, { name: string; keys: Set<string>; generate: boolean }>();
  const want = (name: string, keys: string[], generate: boolean) => {
    const w = wanted.get(name) ?? wanted.set(name, { name, keys: new Set(), generate }).get(name)!;
    keys.forEach((k) => w.keys.add(k));
  };
  for (const j of jobs) {
    for (const t of j.targets) {
      want(t.password.secret, [t.password.key], true);
      if (t.type === 's3') want(t.credentials, ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY'], false);
      if (t.type === 'restic' && t.ssh) want(t.ssh, ['id_ed25519', 'known_hosts'], false);
    }
  }
  const namespaces = [...new Set(jobs.map((j) => j.set.namespace!))].sort();
  const out: SecretRequest[] = [];
  for (const w of [...wanted.values()].sort((a, b) => a.name.localeCompare(b.name))) {
    const source = declared.filter((v) => v.name === w.name).sort((a, b) => a.namespace.localeCompare(b.namespace))[0];
    // Declared in the spec: copy it where the jobs run. Not declared: a generated password (kept in the lock), or nothing (S3 keys and SSH keys cannot be invented).
    const origin = source ? { namespace: source.namespace, name: w.name } : w.generate ? { namespace: namespaces[0], name: w.name } : undefined;
    if (!origin) continue;
    for (const ns of namespaces) {
      if (declared.some((v) => v.name === w.name && v.namespace === ns)) continue;
      const keys = Object.fromEntries(
        [...w.keys].sort().map((k) => [k, ns === origin.namespace && !source ? { generate: { length: 48 } } : { sameAs: { namespace: origin.namespace, name: origin.name, key: k } }]),
      );
      out.push({ namespace: ns, name: w.name, keys });
    }
  }
  return out;
}

const RESTIC_SECURITY = (caps: string[]) => ({
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: true,
  runAsUser: 0,
  runAsGroup: 0,
  capabilities: { drop: ['ALL'], ...(caps.length ? { add: caps } : {}) },
  seccompProfile: { type: 'RuntimeDefault' },
});

const RESOURCES = { requests: { cpu: '100m', memory: '256Mi' }, limits: { memory: '1Gi' } };

export default defineModule({
  name: MODULE,
  kind: 'platform',
  summary: 'Backup CronJobs per tier: pg_dump of each PostgreSQL database and restic of each volume to the tier\'s targets, with suspended restore CronJobs',
  layer: 'apps',
  dir: 'backups',
  namespace: 'kube-system',
  instances: (lab) => (clusterJobs(lab).length ? [{}] : []),
  render: (ctx) => {
    const lab = ctx.lab;
    const jobs = clusterJobs(lab);
    const manifests: Manifest[] = [];
    const scriptsByNs = new Map<string, Set<'files' | 'postgres'>>();
    for (const j of jobs) (scriptsByNs.get(j.set.namespace!) ?? scriptsByNs.set(j.set.namespace!, new Set()).get(j.set.namespace!)!).add(j.set.kind === 'database' ? 'postgres' : 'files');
    for (const [ns, kinds] of [...scriptsByNs.entries()].sort((a, b) => a[0].localeCompare(b[0]))) {
      const data: Record<string, string> = {};
      if (kinds.has('files')) Object.assign(data, { 'backup-files.sh': filesBackupScript(), 'restore-files.sh': filesRestoreScript() });
      if (kinds.has('postgres')) Object.assign(data, { 'backup-postgres.sh': postgresBackupScript(), 'restore-postgres.sh': postgresRestoreScript() });
      const cm = configMap(ctx, SCRIPTS, Object.fromEntries(Object.keys(data).sort().map((k) => [k, data[k]])), { file: `${ns}-scripts`, component: 'scripts' });
      cm.object.metadata!.namespace = ns;
      manifests.push(cm);
    }
    for (const j of jobs) manifests.push(...jobObjects(ctx, j));
    return { manifests, secrets: secretRequests(lab, jobs) };
  },
});

function withTier<M extends { labels?: Record<string, string> }>(m: M, tier: string): M {
  return { ...m, labels: { ...m.labels, [TIER_LABEL]: tier } };
}

function jobObjects(ctx: MetaSource, j: ReturnType<typeof clusterJobs>[number]): Manifest[] {
  const { lab } = ctx;
  const { set, tier, targets } = j;
  const ns = set.namespace!;
  const file = `${ns}-${set.slug}`;
  const backupName = jobName('backup', set.slug);
  const restoreName = jobName('restore', set.slug);
  const podLabels = (role: string) => ({ ...meta(ctx, '', role).labels!, [TIER_LABEL]: tier.name, 'hearth.dev/backup-set': set.slug });
  const password = targets[0].password;
  const s3 = targets.find((t): t is Extract<RepoTarget, { type: 's3' }> => t.type === 's3');
  const ssh = targets.find((t) => t.type === 'restic' && t.ssh) as Extract<RepoTarget, { type: 'restic' }> | undefined;
  const resticEnv = [
    { name: 'RESTIC_REPOSITORIES', value: targets.map(repositoryOf).join(' ') },
    secretEnv('RESTIC_PASSWORD', password.secret, password.key),
    { name: 'RESTIC_CACHE_DIR', value: '/cache' },
    { name: 'BACKUP_TAGS', value: `lab:${lab.name} tier:${tier.name} set:${set.slug}` },
    { name: 'KEEP_ARGS', value: keepArgs(tier) },
    ...(s3 ? [secretEnv('AWS_ACCESS_KEY_ID', s3.credentials, 'AWS_ACCESS_KEY_ID'), secretEnv('AWS_SECRET_ACCESS_KEY', s3.credentials, 'AWS_SECRET_ACCESS_KEY')] : []),
  ];
  const scripts = { name: 'scripts', configMap: { name: SCRIPTS, defaultMode: 0o555 } };
  const scratch = (name: string, size: string) => ({ name, emptyDir: { sizeLimit: size } });
  const sshVolume = ssh ? [{ name: 'ssh', secret: { secretName: ssh.ssh!, defaultMode: 0o400, items: [{ key: 'id_ed25519', path: 'id_ed25519' }, { key: 'known_hosts', path: 'known_hosts' }] } }] : [];
  const sshMount = ssh ? [{ name: 'ssh', mountPath: '/root/.ssh', readOnly: true }] : [];
  const resticMounts = [{ name: 'scripts', mountPath: '/scripts', readOnly: true }, { name: 'cache', mountPath: '/cache' }, { name: 'tmp', mountPath: '/tmp' }, ...sshMount];
  const annotations = (key: string) => ({ [key]: set.id });

  const cronJob = (name: string, role: 'backup' | 'restore', pod: Record<string, unknown>): Manifest => ({
    file,
    object: {
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: withTier(meta(ctx, name, role, { namespace: ns, annotations: annotations(role === 'backup' ? DATA_ANNOTATION : RESTORE_ANNOTATION) }), tier.name),
      spec: {
        schedule: role === 'backup' ? tier.schedule : NEVER,
        timeZone: 'Etc/UTC',
        ...(role === 'restore' ? { suspend: true } : { startingDeadlineSeconds: 1800 }),
        concurrencyPolicy: 'Forbid',
        successfulJobsHistoryLimit: role === 'backup' ? 3 : 1,
        failedJobsHistoryLimit: 3,
        jobTemplate: {
          metadata: { labels: podLabels(role) },
          spec: {
            backoffLimit: role === 'backup' ? 2 : 0,
            activeDeadlineSeconds: 6 * 3600,
            template: { metadata: { labels: podLabels(role) }, spec: { restartPolicy: 'Never', ...pod } },
          },
        },
      },
    },
  });

  const out: Manifest[] = [];
  if (set.kind === 'database') {
    const server = lab.apps.find((a) => a.name === set.app)!;
    const { image, uid } = serverImage(server.config);
    const pgEnv = (user: 'superuser' | 'owner') => [
      { name: 'PGHOST', value: server.name },
      { name: 'PGPORT', value: String(POSTGRES_PORT) },
      { name: 'PGUSER', value: 'postgres' },
      secretEnv('PGPASSWORD', superuserSecretName(server.name), 'password'),
      { name: 'PGDATABASE', value: set.database! },
      ...(user === 'owner' ? [{ name: 'RESTORE_ROLE', value: set.database! }] : []),
    ];
    const dumpEnv = [{ name: 'DUMP_FILE', value: `/work/${set.database}.dump` }];
    const pgSecurity = { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true, runAsUser: uid, runAsGroup: uid, capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' } };
    const pgContainer = (name: string, script: string, phase: string, user: 'superuser' | 'owner') => ({
      name,
      image,
      command: ['/bin/sh', `/scripts/${script}`],
      env: [...pgEnv(user), ...dumpEnv, { name: 'BACKUP_PHASE', value: phase }],
      securityContext: pgSecurity,
      resources: RESOURCES,
      volumeMounts: [{ name: 'scripts', mountPath: '/scripts', readOnly: true }, { name: 'work', mountPath: '/work' }, { name: 'tmp', mountPath: '/tmp' }],
    });
    const resticContainer = (name: string, script: string, phase: string) => ({
      name,
      image: RESTIC_IMAGE,
      command: ['/bin/sh', `/scripts/${script}`],
      env: [{ name: 'PGDATABASE', value: set.database! }, ...resticEnv, ...dumpEnv, { name: 'BACKUP_PHASE', value: phase }],
      securityContext: RESTIC_SECURITY([]),
      resources: RESOURCES,
      volumeMounts: [...resticMounts, { name: 'work', mountPath: '/work' }],
    });
    const volumes = [scripts, scratch('work', '20Gi'), scratch('cache', '2Gi'), scratch('tmp', '256Mi'), ...sshVolume];
    out.push(cronJob(backupName, 'backup', { initContainers: [pgContainer('dump', 'backup-postgres.sh', 'dump', 'superuser')], containers: [resticContainer('upload', 'backup-postgres.sh', 'upload')], volumes }));
    out.push(cronJob(restoreName, 'restore', { initContainers: [resticContainer('fetch', 'restore-postgres.sh', 'fetch')], containers: [pgContainer('restore', 'restore-postgres.sh', 'restore', 'owner')], volumes }));
    if (defaultDeny(lab, ns)) {
      const pods = { matchLabels: { 'hearth.dev/backup-set': set.slug } };
      out.push(networkPolicy(ctx, `${backupName}-egress`, { podSelector: pods, policyTypes: ['Egress'], egress: [{ to: [{ podSelector: instancePods(server.name) }], ports: tcpPorts([POSTGRES_PORT]) }, ...targetEgress(targets)] }, { file, namespace: ns }));
      out.push(networkPolicy(ctx, `${backupName}-to-postgres`, { podSelector: instancePods(server.name), policyTypes: ['Ingress'], ingress: [{ from: [{ podSelector: pods }], ports: tcpPorts([POSTGRES_PORT]) }] }, { file, namespace: ns }));
    }
  } else {
    const data = (readOnly: boolean) => ({ name: 'data', persistentVolumeClaim: { claimName: set.claim!, ...(readOnly ? { readOnly: true } : {}) } });
    const env = [...resticEnv, { name: 'BACKUP_PATH', value: '/data' }, { name: 'BACKUP_NAME', value: set.slug }];
    // A ReadWriteOnce claim mounts on one node: back up beside the app's pod.
    const affinity =
      set.accessMode === 'ReadWriteOnce'
        ? { affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: instancePods(set.app!), topologyKey: 'kubernetes.io/hostname' }] } } }
        : {};
    const container = (script: string, readOnly: boolean, caps: string[]) => ({
      name: 'restic',
      image: RESTIC_IMAGE,
      command: ['/bin/sh', `/scripts/${script}`],
      env,
      securityContext: RESTIC_SECURITY(caps),
      resources: RESOURCES,
      volumeMounts: [{ name: 'data', mountPath: '/data', ...(readOnly ? { readOnly: true } : {}) }, ...resticMounts],
    });
    const volumes = (readOnly: boolean) => [data(readOnly), scripts, scratch('cache', '2Gi'), scratch('tmp', '256Mi'), ...sshVolume];
    out.push(cronJob(backupName, 'backup', { ...affinity, containers: [container('backup-files.sh', true, ['DAC_READ_SEARCH'])], volumes: volumes(true) }));
    // The restore writes as the files' owners: the app must be scaled to zero first (the runbook says so).
    out.push(cronJob(restoreName, 'restore', { containers: [container('restore-files.sh', false, ['CHOWN', 'DAC_OVERRIDE', 'FOWNER'])], volumes: volumes(false) }));
    if (defaultDeny(lab, ns)) {
      out.push(networkPolicy(ctx, `${backupName}-egress`, { podSelector: { matchLabels: { 'hearth.dev/backup-set': set.slug } }, policyTypes: ['Egress'], egress: targetEgress(targets) }, { file, namespace: ns }));
    }
  }
  return out;
}
