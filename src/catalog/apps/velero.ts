import { z } from 'zod';
import { cronScheduleError } from '../../lib/cron.js';
import { defineModule, type ChartRef, type ModuleProblem } from '../types.js';
import { boundedSecretKey, controlPlanePolicy, egressTo, k8sName, nodeSelectorOf, objectName } from './_shared.js';
import { cidrContains, ipToInt, isIpv4, parseCidr } from '../../lib/ip.js';
import type { LabModel } from '../../model/types.js';

/**
 * vmware-tanzu/helm-charts chart `velero` 12.2.0 (Velero 1.18.x, the chart's
 * default image velero/velero). Evidence: docs/research/app-charts.md §1 and
 * §2.19 (RPR ocf/kubernetes#134, release notes for velero-12.2.0 / 12.1.0;
 * 12.0.2 "update velero chart to v1.18.1").
 */
export const VELERO_CHART: ChartRef = {
  repo: 'https://vmware-tanzu.github.io/helm-charts',
  repoName: 'vmware-tanzu',
  chart: 'velero',
  version: '12.2.0',
  evidence: 'docs/research/app-charts.md',
};

/**
 * The object-store plugin for S3 and S3-compatible stores (Backblaze B2,
 * MinIO, Garage, Wasabi). Evidence: docs/research/app-charts.md §1 and §2.19
 * (RPR ocf/kubernetes#87, release notes v1.14.3; walnuts1018/infra#3858 pairs
 * the v1.14 line with Velero 1.18).
 */
export const VELERO_AWS_PLUGIN = 'velero/velero-plugin-for-aws:v1.14.3';
/** The plugin image's user (its Dockerfile: `USER 65532:65532`). */
const PLUGIN_UID = 65532;
/** The one BackupStorageLocation hearth renders; schedules and manual backups use it. */
export const BACKUP_LOCATION = 'default';

// ---------------------------------------------------------------------------
// Settings

const bucket = z
  .string()
  .min(3)
  .max(63)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*[A-Za-z0-9]$/)
  .describe('Bucket name: letters, digits, dots, dashes and underscores, 3-63 characters.');

const prefix = z
  .string()
  .max(200)
  .regex(/^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/)
  .describe('Folder inside the bucket, without leading or trailing slash: cluster-a, homelab/velero.');

const s3Url = z
  .url({ protocol: /^https?$/ })
  .refine((u) => !/^https?:\/\/[^/]*@/.test(u), 'no credentials in the URL: they belong in the credentials Secret')
  .describe('Endpoint of an S3-compatible store: https://s3.us-west-004.backblazeb2.com, http://192.168.1.30:9000. Omit for AWS S3.');

/** Go durations as Velero prints them: 720h0m0s, 168h, 90m. */
const ttl = z
  .string()
  .regex(/^(?=[0-9])([0-9]+h)?([0-9]+m)?([0-9]+s)?$/, 'a duration such as 720h0m0s, 168h or 90m')
  .refine((t) => /[1-9]/.test(t), 'a TTL of zero keeps backups for the server default (30 days); give one explicitly')
  .describe('How long backups of this schedule are kept: 720h0m0s (30 days), 168h (7 days).');

const Schedule = z.strictObject({
  name: k8sName.max(40).describe('Schedule name (the Schedule object is <app>-<name>; backups are <app>-<name>-<timestamp>).'),
  schedule: z
    .string()
    .superRefine((s, ctx) => {
      const p = cronScheduleError(s, { every: true });
      if (p) ctx.addIssue({ code: 'custom', message: p });
    })
    .describe('When to back up: a 5-field cron expression in UTC (0 3 * * *), or @daily / @every 6h.'),
  ttl: ttl.default('720h0m0s'),
  includedNamespaces: z.array(k8sName).min(1).optional().describe('Namespaces to back up. Default: all (*).'),
});

const Config = z
  .strictObject({
    bucket: bucket,
    prefix: prefix.optional(),
    region: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]*$/)
      .max(64)
      .default('us-east-1')
      .describe('Bucket region: us-east-1, us-west-004 (Backblaze B2), minio. Required by the AWS plugin even for MinIO.'),
    s3Url: s3Url.optional(),
    credentials: z
      .strictObject({
        secret: objectName.describe('Secret in the app namespace.'),
        key: boundedSecretKey.describe('Key holding an AWS credentials file ([default] aws_access_key_id=..., aws_secret_access_key=...).'),
      })
      .default({ secret: 'velero-credentials', key: 'cloud' })
      .describe('Where the bucket credentials live: a Secret key holding an AWS-style credentials file. hearth never writes them.'),
    fsBackup: z
      .boolean()
      .default(true)
      .describe('Deploy the node agent (a DaemonSet) for file-system backups of pod volumes with Kopia: what NFS and local-path volumes need, having no CSI snapshots.'),
    defaultVolumesToFsBackup: z
      .boolean()
      .default(true)
      .describe('Back up every pod volume with the node agent unless the pod opts out (backup.velero.io/backup-volumes-excludes). Ignored when fsBackup is false.'),
    schedules: z.array(Schedule).default([]).describe('Backup schedules. Default: none (only manual `velero backup create`).'),
  })
  .superRefine((c, ctx) => {
    const seen = new Set<string>();
    c.schedules.forEach((s, i) => {
      if (seen.has(s.name)) ctx.addIssue({ code: 'custom', path: ['schedules', i, 'name'], message: `schedule "${s.name}" is listed twice` });
      seen.add(s.name);
    });
  });

export type VeleroConfig = z.output<typeof Config>;

/** Whether file-system backup of every volume is the default: the node agent runs and the setting asks for it. */
function fsDefault(c: VeleroConfig): boolean {
  return c.fsBackup && c.defaultVolumesToFsBackup;
}

/** The BackupStorageLocation (chart `configuration.backupStorageLocation[0]`). */
export function backupStorageLocation(c: VeleroConfig): Record<string, unknown> {
  const config: Record<string, string> = { region: c.region };
  if (c.s3Url) {
    config.s3Url = c.s3Url;
    // B2, MinIO and most self-hosted stores serve buckets by path, not by subdomain.
    config.s3ForcePathStyle = 'true';
    // Plugin v1.10+ sends CRC32 checksums by default, which many S3-compatible stores reject; empty turns them off.
    config.checksumAlgorithm = '';
  }
  return {
    name: BACKUP_LOCATION,
    provider: 'aws',
    bucket: c.bucket,
    ...(c.prefix ? { prefix: c.prefix } : {}),
    default: true,
    // The location's own credential: any key of the Secret works for the object store.
    credential: { name: c.credentials.secret, key: c.credentials.key },
    config,
  };
}

/** Chart `schedules`: a map from name to Schedule (the chart names each <fullname>-<name>). */
export function scheduleValues(c: VeleroConfig): Record<string, unknown> {
  return Object.fromEntries(
    c.schedules.map((s) => [
      s.name,
      {
        disabled: false,
        schedule: s.schedule,
        useOwnerReferencesInBackup: false,
        template: {
          ttl: s.ttl,
          storageLocation: BACKUP_LOCATION,
          includedNamespaces: s.includedNamespaces ?? ['*'],
          defaultVolumesToFsBackup: fsDefault(c),
        },
      },
    ]),
  );
}

/** How long a tier's retention reaches back, as a Velero TTL: its longest keep-* horizon. */
export function tierTtl(retention: Record<string, number | undefined>): string {
  const hours: Record<string, number> = { hourly: 1, daily: 24, weekly: 168, monthly: 744, yearly: 8784 };
  const h = Math.max(24, ...Object.entries(retention).map(([k, n]) => (n !== undefined && hours[k] ? n * hours[k] : 0)));
  return `${h}h0m0s`;
}

/**
 * One Schedule per backup tier holding data in the cluster: the objects of the
 * tier's namespaces (claims, Secrets, config) on the tier's schedule, kept as long
 * as the tier keeps its copies. Volume data travels with the backup jobs (restic),
 * so these back up no volume contents.
 */
export function tierScheduleValues(lab: LabModel, c: VeleroConfig): Record<string, unknown> {
  const own = new Set(c.schedules.map((s) => s.name));
  const out: Record<string, unknown> = {};
  for (const t of lab.spec.backups?.tiers ?? []) {
    const namespaces = [...new Set(lab.backupSets.filter((s) => s.tier === t.name && s.namespace).map((s) => s.namespace!))].sort();
    const name = `tier-${t.name}`;
    if (!namespaces.length || own.has(name)) continue;
    out[name] = {
      disabled: false,
      schedule: t.schedule,
      useOwnerReferencesInBackup: false,
      template: { ttl: tierTtl(t.retention), storageLocation: BACKUP_LOCATION, includedNamespaces: namespaces, snapshotVolumes: false, defaultVolumesToFsBackup: false },
    };
  }
  return out;
}

/** The s3Url's host when it is an IPv4 address inside the lab LAN, or an in-cluster Service. */
function sameFailureDomain(lab: LabModel, url: string): 'lan' | 'cluster' | undefined {
  const host = new URL(url).hostname;
  if (/\.svc(\.cluster\.local)?$/.test(host)) return 'cluster';
  const cidr = parseCidr(lab.spec.network.cidr);
  if (cidr && isIpv4(host) && cidrContains(cidr, ipToInt(host))) return 'lan';
  return undefined;
}

const SERVER_RESOURCES = { requests: { cpu: '50m', memory: '128Mi' }, limits: { memory: '512Mi' } };
/** Kopia hashes and uploads volume data: more memory than the server. */
const NODE_AGENT_RESOURCES = { requests: { cpu: '50m', memory: '128Mi' }, limits: { memory: '1Gi' } };

/**
 * Velero backing up the cluster's objects and its pod volumes to an
 * S3-compatible bucket: the AWS object-store plugin, one backup location, the
 * node agent for file-system backups (Kopia) and optional schedules.
 */
export default defineModule({
  name: 'velero',
  kind: 'app',
  summary: 'Velero: cluster and volume backups to an S3-compatible bucket (B2, MinIO), file-system backup with Kopia, schedules',
  layer: 'apps',
  dir: 'velero',
  chart: VELERO_CHART,
  config: Config,
  app: (c) => ({
    expose: 'internal',
    volumes: [],
    resources: SERVER_RESOURCES,
    replicas: 1,
    // The bucket is usually off-site.
    egressInternet: true,
    backups: (c as VeleroConfig).schedules.map((s) => ({
      name: s.name,
      schedule: s.schedule,
      namespaces: s.includedNamespaces ?? ['*'],
      target: (c as VeleroConfig).s3Url ? `${(c as VeleroConfig).s3Url!.replace(/\/+$/, '')}/${(c as VeleroConfig).bucket}` : `s3://${(c as VeleroConfig).bucket}`,
    })),
  }),
  check: ({ lab, config }) => {
    const c = config as VeleroConfig;
    const out: ModuleProblem[] = [];
    const where = c.s3Url ? sameFailureDomain(lab, c.s3Url) : undefined;
    if (where) {
      out.push({
        path: ['config', 's3Url'],
        message:
          where === 'cluster'
            ? `the bucket is served from inside the cluster (${c.s3Url}): losing the cluster loses the backups with it`
            : `the bucket is on the lab network ${lab.spec.network.cidr} (${c.s3Url}): a site failure takes the backups with the data`,
        hint: 'point s3Url at an off-site store (Backblaze B2, a NAS at another site), or copy the bucket off-site',
        severity: 'warning',
      });
    }
    return out;
  },
  render: (ctx) => {
    const app = ctx.component.app!;
    const c = ctx.config as VeleroConfig;
    const { lab } = ctx;
    const metrics = lab.monitoringNamespace !== undefined;
    const values: Record<string, unknown> = {
      fullnameOverride: app.name,
      // CRDs come from the chart's crds/ directory (Flux: install/upgrade crds CreateReplace); no pre-install hook Job.
      upgradeCRDs: false,
      initContainers: [
        {
          name: 'velero-plugin-for-aws',
          image: VELERO_AWS_PLUGIN,
          imagePullPolicy: 'IfNotPresent',
          volumeMounts: [{ mountPath: '/target', name: 'plugins' }],
          securityContext: {
            allowPrivilegeEscalation: false,
            readOnlyRootFilesystem: true,
            runAsNonRoot: true,
            runAsUser: PLUGIN_UID,
            runAsGroup: PLUGIN_UID,
            capabilities: { drop: ['ALL'] },
            seccompProfile: { type: 'RuntimeDefault' },
          },
        },
      ],
      configuration: {
        backupStorageLocation: [backupStorageLocation(c)],
        volumeSnapshotLocation: [],
        uploaderType: 'kopia',
        defaultVolumesToFsBackup: fsDefault(c),
      },
      credentials: { useSecret: true, existingSecret: c.credentials.secret },
      backupsEnabled: true,
      // No CSI snapshots: NFS and local-path have none; volumes go through the node agent.
      snapshotsEnabled: false,
      deployNodeAgent: c.fsBackup,
      ...(c.fsBackup
        ? {
            nodeAgent: {
              resources: NODE_AGENT_RESOURCES,
              // Every node whose pods have volumes needs an agent, tainted or not.
              tolerations: [{ operator: 'Exists' }],
            },
          }
        : {}),
      schedules: { ...scheduleValues(c), ...tierScheduleValues(lab, c) },
      metrics: {
        enabled: true,
        serviceMonitor: { enabled: metrics },
        nodeAgentPodMonitor: { enabled: metrics && c.fsBackup },
      },
      resources: { requests: app.resources.requests, limits: app.resources.limits },
      // The image's user is named (not numeric), so runAsNonRoot could not be verified by the kubelet; the rest is restricted.
      podSecurityContext: { seccompProfile: { type: 'RuntimeDefault' } },
      containerSecurityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
      ...nodeSelectorOf(app.nodeSelector),
    };
    // Under default-deny: the Kubernetes API for the server and the node agent,
    // and a store at a private address (internet egress comes from egressInternet).
    const store = c.s3Url ? egressTo(c.s3Url) : undefined;
    return { values, manifests: controlPlanePolicy(ctx, [], store ? [store] : []) };
  },
});
