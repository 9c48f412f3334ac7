import { z } from 'zod';
import { defineModule, type VolumeTrait } from '../types.js';
import { selectorLabels } from '../../lib/k8s.js';
import { claimVolumes, containerPort, deployment, k8sName, nodeSelectorOf, nonRootSecurity, probes, service, servicePort, borrowedClaim, volumeMounts } from './_shared.js';

/**
 * Pin: docs/research/app-charts.md (§1 table, §2.14): code index id
 * 70866508003 deploys filebrowser/filebrowser:v2.63.23 (also ids 58190354914,
 * 70959167250). Upstream archived the project on 2026-09-01: v2.63.23 is the
 * last release and gets no security fixes (SlashNephy/infrastructure#10131
 * quotes the startup notice; truenas/apps#5549 deprecates the app).
 */
export const FILEBROWSER_IMAGE = 'filebrowser/filebrowser:v2.63.23';

/** Listening port, set with FB_PORT (the image's settings.json says 80, which needs root). */
const PORT = 8080;
/** The image's `user` (Dockerfile: ENV UID=1000, GID=1000, USER user). */
const UID = 1000;

const Config = z.strictObject({
  files: z
    .strictObject({
      existingClaim: k8sName.optional().describe('Serve this PVC (same namespace, e.g. qbittorrent-downloads) instead of a files volume of its own.'),
      accessMode: z.enum(['ReadWriteOnce', 'ReadWriteMany']).default('ReadWriteOnce').describe('Access mode of the files volume (ReadWriteMany to share it).'),
    })
    .prefault({})
    .describe('The directory tree File Browser serves at /srv.'),
});

export type FilebrowserConfig = z.output<typeof Config>;

function volumes(c: FilebrowserConfig): VolumeTrait[] {
  const v: VolumeTrait[] = [{ name: 'database', size: '1Gi', mountPath: '/database', content: 'sqlite' }]; // bolt database: users, settings, shares
  if (!c.files.existingClaim) v.push({ name: 'files', size: '50Gi', mountPath: '/srv', accessMode: c.files.accessMode });
  return v;
}

/** File Browser: a web file manager over one volume, non-root, raw manifests. */
export default defineModule({
  name: 'filebrowser',
  kind: 'app',
  summary: 'File Browser web file manager (archived upstream 2026-09-01: no more security fixes)',
  layer: 'apps',
  dir: 'filebrowser',
  config: Config,
  app: (c) => ({
    expose: 'lan',
    login: true,
    web: { service: (app) => `${app}-server`, port: PORT, maxBodySize: '0' }, // file uploads
    volumes: volumes(c),
    resources: { requests: { cpu: '25m', memory: '64Mi' }, limits: { memory: '512Mi' } },
    replicas: 1,
  }),
  render: (ctx) => {
    const app = ctx.component.app!;
    const c = ctx.config as FilebrowserConfig;
    const borrowed = borrowedClaim('files', '/srv', c.files.existingClaim);
    const server = `${app.name}-server`;
    const selector = selectorLabels('filebrowser', app.name);

    const probe = { httpGet: { path: '/health', port: 'http' } };
    const container = {
      name: 'filebrowser',
      image: FILEBROWSER_IMAGE,
      ports: [containerPort('http', PORT)],
      env: [
        { name: 'FB_PORT', value: String(PORT) },
        { name: 'FB_ADDRESS', value: '0.0.0.0' },
        { name: 'FB_ROOT', value: '/srv' },
        { name: 'FB_DATABASE', value: '/database/filebrowser.db' },
      ],
      resources: { requests: app.resources.requests, limits: app.resources.limits },
      securityContext: nonRootSecurity(UID),
      ...probes(probe),
      volumeMounts: [
        ...volumeMounts(app.volumes),
        ...borrowed.mounts,
        // init.sh copies a default settings.json here on start; the real settings live in the database.
        { name: 'settings', mountPath: '/config' },
      ],
    };

    const manifests = [
      deployment(ctx, {
        name: server,
        selector,
        replicas: app.replicas,
        // ReadWriteOnce volumes (and a BoltDB database with a file lock).
        strategy: { type: 'Recreate' },
        pod: {
          automountServiceAccountToken: false,
          securityContext: { fsGroup: UID, fsGroupChangePolicy: 'OnRootMismatch' },
          ...nodeSelectorOf(app.nodeSelector),
          containers: [container],
          volumes: [
            ...claimVolumes(app.volumes),
            ...borrowed.volumes,
            { name: 'settings', emptyDir: { sizeLimit: '16Mi' } },
          ],
        },
      }),
      service(ctx, { name: server, selector, ports: [servicePort('http', PORT)] }),
    ];
    return { manifests };
  },
});
