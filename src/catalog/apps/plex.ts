import { z } from 'zod';
import { defineModule, type Manifest, type VolumeTrait } from '../types.js';
import { meta } from '../meta.js';
import { selectorLabels } from '../../lib/k8s.js';

/**
 * Pin: docs/research/app-charts.md (§1 table, §2.12): code index id
 * 70492780037 names 1.43.4.10903-e5521bd8c the current release (the official
 * chart 1.7.0 still defaults to 1.43.0.10492-121068a07, FILE plexinc/pms-docker
 * charts/plex-media-server/values.yaml @07fadf4).
 */
export const PLEX_IMAGE = 'plexinc/pms-docker:1.43.4.10903-e5521bd8c';

/** The primary Plex port (web app and client API). */
const PORT = 32400;

const k8sName = z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/).max(63);

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

const Config = z.strictObject({
  timezone: z
    .string()
    .regex(/^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+){0,2}$/)
    .refine(isTimeZone, 'not a time zone of the IANA database')
    .default('Etc/UTC')
    .describe('IANA time zone (TZ), e.g. Europe/Berlin.'),
  claimSecret: z
    .strictObject({ name: k8sName, key: z.string().regex(/^[-._a-zA-Z0-9]+$/).default('PLEX_CLAIM') })
    .optional()
    .describe('Secret with a claim token from https://www.plex.tv/claim (PLEX_CLAIM, read on the first start only).'),
  uid: z.number().int().min(1).default(1000).describe('PLEX_UID: the user Plex runs as; owns /config and must be able to read the media.'),
  gid: z.number().int().min(1).default(1000).describe('PLEX_GID: the group Plex runs as.'),
  media: z
    .strictObject({
      mountPath: z
        .string()
        .regex(/^\/[^:]*$/)
        .refine((p) => !/^\/(config|transcode)?(\/|$)/.test(p), 'must not be /, /config or /transcode (or below them)')
        .default('/data')
        .describe('Where the media library appears in the container.'),
      existingClaim: k8sName
        .optional()
        .describe('Mount this PVC (same namespace, e.g. qbittorrent-downloads) instead of a media volume of its own.'),
      accessMode: z.enum(['ReadWriteOnce', 'ReadWriteMany']).default('ReadWriteOnce').describe('Access mode of the media volume (ReadWriteMany to share it).'),
    })
    .prefault({}),
  transcodeSize: z
    .string()
    .regex(/^[0-9]+(Mi|Gi)$/)
    .default('20Gi')
    .describe('Size limit of the /transcode scratch space (an emptyDir on the node).'),
});

export type PlexConfig = z.output<typeof Config>;

function volumes(c: PlexConfig): VolumeTrait[] {
  // The Plex database needs working file locks: the docs warn against network filesystems.
  const v: VolumeTrait[] = [{ name: 'config', size: '20Gi', mountPath: '/config' }];
  if (!c.media.existingClaim) v.push({ name: 'media', size: '200Gi', mountPath: c.media.mountPath, accessMode: c.media.accessMode });
  return v;
}

/** Plex Media Server from the official image: raw manifests, config and media volumes, /transcode scratch. */
export default defineModule({
  name: 'plex',
  kind: 'app',
  summary: 'Plex Media Server (official image, config + media volumes, NVIDIA transcoding with gpu: true)',
  layer: 'apps',
  dir: 'plex',
  config: Config,
  app: (c) => ({
    expose: 'lan',
    web: { service: (app) => `${app}-server`, port: PORT },
    volumes: volumes(c),
    resources: { requests: { cpu: '500m', memory: '1Gi' }, limits: { memory: '4Gi' } },
    replicas: 1,
    // Sign-in, metadata agents and remote access go through plex.tv.
    egressInternet: true,
  }),
  render: (ctx) => {
    const app = ctx.component.app!;
    const c = ctx.config as PlexConfig;
    const server = `${app.name}-server`;
    const selector = selectorLabels('plex', app.name);
    const manifests: Manifest[] = [];

    const env: Record<string, unknown>[] = [
      { name: 'TZ', value: c.timezone },
      { name: 'PLEX_UID', value: String(c.uid) },
      { name: 'PLEX_GID', value: String(c.gid) },
    ];
    // Clients connect through the ingress: advertise its URL (first-start parameter).
    if (app.url) env.push({ name: 'ADVERTISE_IP', value: `${app.url}:443` });
    if (c.claimSecret) env.push({ name: 'PLEX_CLAIM', valueFrom: { secretKeyRef: { name: c.claimSecret.name, key: c.claimSecret.key, optional: true } } });
    if (app.gpu) {
      env.push({ name: 'NVIDIA_VISIBLE_DEVICES', value: 'all' }, { name: 'NVIDIA_DRIVER_CAPABILITIES', value: 'compute,video,utility' });
    }

    const limits: Record<string, string> = { ...(app.resources.limits as Record<string, string>) };
    if (app.gpu) limits['nvidia.com/gpu'] = '1';
    const probe = { httpGet: { path: '/identity', port: 'http' } };
    const mounts = [
      ...app.volumes.map((v) => ({ name: v.name, mountPath: v.mountPath })),
      ...(c.media.existingClaim ? [{ name: 'media', mountPath: c.media.mountPath }] : []),
      { name: 'transcode', mountPath: '/transcode' },
    ];
    const container = {
      name: 'plex',
      image: PLEX_IMAGE,
      ports: [{ name: 'http', containerPort: PORT, protocol: 'TCP' }],
      env,
      resources: { requests: app.resources.requests, limits },
      // The image starts as root (s6-overlay) and runs the server as PLEX_UID:PLEX_GID.
      securityContext: { allowPrivilegeEscalation: false, seccompProfile: { type: 'RuntimeDefault' } },
      startupProbe: { ...probe, periodSeconds: 10, failureThreshold: 30 },
      readinessProbe: { ...probe, periodSeconds: 10 },
      livenessProbe: { ...probe, periodSeconds: 30, failureThreshold: 5 },
      volumeMounts: mounts,
    };

    manifests.push({
      file: 'deployment',
      object: {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: meta(ctx, server, 'server'),
        spec: {
          replicas: app.replicas,
          // ReadWriteOnce config volume; the database must never have two writers.
          strategy: { type: 'Recreate' },
          selector: { matchLabels: selector },
          template: {
            metadata: { labels: { ...selector, 'app.kubernetes.io/component': 'server', 'app.kubernetes.io/part-of': ctx.lab.name } },
            spec: {
              automountServiceAccountToken: false,
              ...(Object.keys(app.nodeSelector).length ? { nodeSelector: app.nodeSelector } : {}),
              ...(app.gpu ? { runtimeClassName: 'nvidia', tolerations: [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }] } : {}),
              containers: [container],
              volumes: [
                ...app.volumes.map((v) => ({ name: v.name, persistentVolumeClaim: { claimName: v.claim } })),
                ...(c.media.existingClaim ? [{ name: 'media', persistentVolumeClaim: { claimName: c.media.existingClaim } }] : []),
                { name: 'transcode', emptyDir: { sizeLimit: c.transcodeSize } },
              ],
            },
          },
        },
      },
    });

    manifests.push({
      file: 'service',
      object: {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: meta(ctx, server, 'server'),
        spec: { type: 'ClusterIP', selector, ports: [{ name: 'http', port: PORT, targetPort: 'http', protocol: 'TCP' }] },
      },
    });
    return { manifests };
  },
});
