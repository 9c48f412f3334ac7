import { z } from 'zod';
import { defineModule, type VolumeTrait } from '../types.js';
import { selectorLabels } from '../../lib/k8s.js';
import { claimVolumes, containerPort, deployment, gpuLimits, k8sName, nodeSelectorOf, nvidiaRuntime, probes, rootInitSecurity, secretKey, service, servicePort, timeZone, borrowedClaim, volumeMounts } from './_shared.js';

/**
 * Pin: docs/research/app-charts.md (§1 table, §2.12): code index id
 * 70492780037 names 1.43.4.10903-e5521bd8c the current release (the official
 * chart 1.7.0 still defaults to 1.43.0.10492-121068a07, FILE plexinc/pms-docker
 * charts/plex-media-server/values.yaml @07fadf4).
 */
export const PLEX_IMAGE = 'plexinc/pms-docker:1.43.4.10903-e5521bd8c';

/** The primary Plex port (web app and client API). */
const PORT = 32400;

const Config = z.strictObject({
  timezone: timeZone.default('Etc/UTC').describe('IANA time zone (TZ), e.g. Europe/Berlin.'),
  claimSecret: z
    .strictObject({ name: k8sName, key: secretKey.default('PLEX_CLAIM') })
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
  const v: VolumeTrait[] = [{ name: 'config', size: '20Gi', mountPath: '/config', content: 'sqlite' }];
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
    login: true,
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
    const borrowed = borrowedClaim('media', c.media.mountPath, c.media.existingClaim);
    const server = `${app.name}-server`;
    const selector = selectorLabels('plex', app.name);

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

    const probe = { httpGet: { path: '/identity', port: 'http' } };
    const container = {
      name: 'plex',
      image: PLEX_IMAGE,
      ports: [containerPort('http', PORT)],
      env,
      resources: { requests: app.resources.requests, limits: gpuLimits(app.resources.limits, app.gpu ? 1 : 0) },
      // The image starts as root (s6-overlay) and runs the server as PLEX_UID:PLEX_GID.
      securityContext: rootInitSecurity(),
      ...probes(probe, { periodSeconds: 10, failureThreshold: 30 }),
      volumeMounts: [
        ...volumeMounts(app.volumes),
        ...borrowed.mounts,
        { name: 'transcode', mountPath: '/transcode' },
      ],
    };

    const manifests = [
      deployment(ctx, {
        name: server,
        selector,
        replicas: app.replicas,
        // ReadWriteOnce config volume; the database must never have two writers.
        strategy: { type: 'Recreate' },
        pod: {
          automountServiceAccountToken: false,
          ...nodeSelectorOf(app.nodeSelector),
          ...(app.gpu ? nvidiaRuntime() : {}),
          containers: [container],
          volumes: [
            ...claimVolumes(app.volumes),
            ...borrowed.volumes,
            { name: 'transcode', emptyDir: { sizeLimit: c.transcodeSize } },
          ],
        },
      }),
      service(ctx, { name: server, selector, ports: [servicePort('http', PORT)] }),
    ];
    return { manifests };
  },
});
