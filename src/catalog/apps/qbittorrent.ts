import { z } from 'zod';
import { defineModule, type Manifest, type VolumeTrait } from '../types.js';
import { meta } from '../meta.js';
import { selectorLabels } from '../../lib/k8s.js';
import { loadBalancerAnnotations } from '../platform/_shared.js';
import { claimVolumes, containerPort, defaultDeny, deployment, instancePods, ipv4, k8sName, networkPolicy, nodeSelectorOf, probes, rootInitSecurity, service, servicePort, timeZone, borrowedClaim, volumeMounts } from './_shared.js';

/**
 * Pin: docs/research/app-charts.md (§1 table, §2.13): code index ids
 * 59584695747, 71080758941, 62649278232 deploy lscr.io/linuxserver/qbittorrent:5.2.3.
 */
export const QBITTORRENT_IMAGE = 'lscr.io/linuxserver/qbittorrent:5.2.3';

/** WebUI port (image default, WEBUI_PORT). */
const PORT = 8080;


const Config = z.strictObject({
  timezone: timeZone.default('Etc/UTC').describe('IANA time zone (TZ), e.g. Europe/Berlin.'),
  uid: z.number().int().min(1).default(1000).describe('PUID: the user qBittorrent runs as; owns /config and the downloads.'),
  gid: z.number().int().min(1).default(1000).describe('PGID: the group qBittorrent runs as.'),
  umask: z.string().regex(/^0?[0-7]{3}$/).default('002').describe('UMASK for new files (002: group-writable, for sharing with Plex).'),
  peerPort: z.number().int().min(1024).max(65535).default(6881).describe('BitTorrent listening port, TCP and UDP (TORRENTING_PORT).'),
  exposePeers: z.boolean().default(false).describe('Publish the peer port on a LoadBalancer Service so other peers can connect in (forward it on the router).'),
  peerIp: ipv4.optional().describe('Address for the peer LoadBalancer Service (inside network.loadBalancer.pool).'),
  downloads: z
    .strictObject({
      mountPath: z
        .string()
        .regex(/^\/[^:]*$/)
        .refine((p) => !/^\/(config)?(\/|$)/.test(p), 'must not be / or /config (or below it)')
        .default('/downloads')
        .describe('Where downloads land in the container (the default save path is /downloads).'),
      existingClaim: k8sName.optional().describe('Mount this PVC (same namespace) instead of a downloads volume of its own.'),
      accessMode: z.enum(['ReadWriteOnce', 'ReadWriteMany']).default('ReadWriteOnce').describe('Access mode of the downloads volume (ReadWriteMany to share it with Plex on another node).'),
    })
    .prefault({}),
}).refine((c) => c.peerIp === undefined || c.exposePeers, { message: 'peerIp needs exposePeers: true', path: ['peerIp'] });

export type QbittorrentConfig = z.output<typeof Config>;

function volumes(c: QbittorrentConfig): VolumeTrait[] {
  const v: VolumeTrait[] = [{ name: 'config', size: '1Gi', mountPath: '/config' }];
  if (!c.downloads.existingClaim) v.push({ name: 'downloads', size: '200Gi', mountPath: c.downloads.mountPath, accessMode: c.downloads.accessMode });
  return v;
}

/** qBittorrent (linuxserver.io image): WebUI behind the ingress, optional inbound peer port. */
export default defineModule({
  name: 'qbittorrent',
  kind: 'app',
  summary: 'qBittorrent BitTorrent client with its WebUI (linuxserver.io image, config + downloads volumes)',
  layer: 'apps',
  dir: 'qbittorrent',
  config: Config,
  app: (c) => ({
    expose: 'lan',
    login: true,
    web: { service: (app) => `${app}-server`, port: PORT },
    volumes: volumes(c),
    resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { memory: '2Gi' } },
    replicas: 1,
    // Trackers, DHT and peers.
    egressInternet: true,
  }),
  render: (ctx) => {
    const app = ctx.component.app!;
    const c = ctx.config as QbittorrentConfig;
    const borrowed = borrowedClaim('downloads', c.downloads.mountPath, c.downloads.existingClaim);
    const server = `${app.name}-server`;
    const selector = selectorLabels('qbittorrent', app.name);

    const probe = { httpGet: { path: '/', port: 'http' } };
    const container = {
      name: 'qbittorrent',
      image: QBITTORRENT_IMAGE,
      ports: [containerPort('http', PORT), containerPort('peer-tcp', c.peerPort), containerPort('peer-udp', c.peerPort, 'UDP')],
      env: [
        { name: 'TZ', value: c.timezone },
        // linuxserver.io images start as root (s6-overlay), fix ownership, then run the app as PUID:PGID.
        { name: 'PUID', value: String(c.uid) },
        { name: 'PGID', value: String(c.gid) },
        { name: 'UMASK', value: c.umask },
        { name: 'WEBUI_PORT', value: String(PORT) },
        { name: 'TORRENTING_PORT', value: String(c.peerPort) },
      ],
      resources: { requests: app.resources.requests, limits: app.resources.limits },
      securityContext: rootInitSecurity(),
      ...probes(probe),
      volumeMounts: [
        ...volumeMounts(app.volumes),
        ...borrowed.mounts,
      ],
    };

    const manifests: Manifest[] = [
      deployment(ctx, {
        name: server,
        selector,
        replicas: app.replicas,
        // ReadWriteOnce volumes: the old pod must let go before the new one starts.
        strategy: { type: 'Recreate' },
        pod: {
          automountServiceAccountToken: false,
          ...nodeSelectorOf(app.nodeSelector),
          containers: [container],
          volumes: [
            ...claimVolumes(app.volumes),
            ...borrowed.volumes,
          ],
        },
      }),
      service(ctx, { name: server, selector, ports: [servicePort('http', PORT)] }),
    ];

    if (c.exposePeers) {
      const annotations = loadBalancerAnnotations(c.peerIp);
      manifests.push({
        file: 'service',
        object: {
          apiVersion: 'v1',
          kind: 'Service',
          metadata: meta(ctx, `${app.name}-peers`, 'peers', { annotations }),
          spec: {
            type: 'LoadBalancer',
            // Keep peer source addresses (qBittorrent bans and rate-limits by IP).
            externalTrafficPolicy: 'Local',
            selector,
            ports: [servicePort('peer-tcp', c.peerPort), servicePort('peer-udp', c.peerPort, 'UDP')],
          },
        },
      });
      if (defaultDeny(ctx.lab, app.namespace)) {
        manifests.push(
          networkPolicy(ctx, `${app.name}-peers`, {
            podSelector: instancePods(app.name),
            policyTypes: ['Ingress'],
            // Any peer on the internet may connect to the BitTorrent port (and only to it).
            ingress: [
              {
                ports: [
                  { protocol: 'TCP', port: c.peerPort },
                  { protocol: 'UDP', port: c.peerPort },
                ],
              },
            ],
          }),
        );
      }
    }
    return { manifests };
  },
});
