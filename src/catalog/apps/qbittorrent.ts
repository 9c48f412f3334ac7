import { z } from 'zod';
import { defineModule, type Manifest, type VolumeTrait } from '../types.js';
import { meta } from '../meta.js';
import { selectorLabels } from '../../lib/k8s.js';
import { loadBalancerAnnotations } from '../platform/_shared.js';

/**
 * Pin: docs/research/app-charts.md (§1 table, §2.13): code index ids
 * 59584695747, 71080758941, 62649278232 deploy lscr.io/linuxserver/qbittorrent:5.2.3.
 */
export const QBITTORRENT_IMAGE = 'lscr.io/linuxserver/qbittorrent:5.2.3';

/** WebUI port (image default, WEBUI_PORT). */
const PORT = 8080;

const k8sName = z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/).max(63);
const ipv4 = z.string().regex(/^((25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/);

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
    const server = `${app.name}-server`;
    const selector = selectorLabels('qbittorrent', app.name);
    const manifests: Manifest[] = [];

    const probe = { httpGet: { path: '/', port: 'http' } };
    const container = {
      name: 'qbittorrent',
      image: QBITTORRENT_IMAGE,
      ports: [
        { name: 'http', containerPort: PORT, protocol: 'TCP' },
        { name: 'peer-tcp', containerPort: c.peerPort, protocol: 'TCP' },
        { name: 'peer-udp', containerPort: c.peerPort, protocol: 'UDP' },
      ],
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
      securityContext: { allowPrivilegeEscalation: false, seccompProfile: { type: 'RuntimeDefault' } },
      readinessProbe: { ...probe, periodSeconds: 10 },
      livenessProbe: { ...probe, periodSeconds: 30, failureThreshold: 5 },
      volumeMounts: [
        ...app.volumes.map((v) => ({ name: v.name, mountPath: v.mountPath })),
        ...(c.downloads.existingClaim ? [{ name: 'downloads', mountPath: c.downloads.mountPath }] : []),
      ],
    };

    manifests.push({
      file: 'deployment',
      object: {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: meta(ctx, server, 'server'),
        spec: {
          replicas: app.replicas,
          // ReadWriteOnce volumes: the old pod must let go before the new one starts.
          strategy: { type: 'Recreate' },
          selector: { matchLabels: selector },
          template: {
            metadata: { labels: { ...selector, 'app.kubernetes.io/component': 'server', 'app.kubernetes.io/part-of': ctx.lab.name } },
            spec: {
              automountServiceAccountToken: false,
              ...(Object.keys(app.nodeSelector).length ? { nodeSelector: app.nodeSelector } : {}),
              containers: [container],
              volumes: [
                ...app.volumes.map((v) => ({ name: v.name, persistentVolumeClaim: { claimName: v.claim } })),
                ...(c.downloads.existingClaim ? [{ name: 'downloads', persistentVolumeClaim: { claimName: c.downloads.existingClaim } }] : []),
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
            ports: [
              { name: 'peer-tcp', port: c.peerPort, targetPort: 'peer-tcp', protocol: 'TCP' },
              { name: 'peer-udp', port: c.peerPort, targetPort: 'peer-udp', protocol: 'UDP' },
            ],
          },
        },
      });
      const ns = ctx.lab.namespaces.find((n) => n.name === app.namespace);
      if (ns?.networkPolicy === 'default-deny') {
        manifests.push({
          file: 'network-policy',
          object: {
            apiVersion: 'networking.k8s.io/v1',
            kind: 'NetworkPolicy',
            metadata: meta(ctx, `${app.name}-peers`, 'network-policy'),
            spec: {
              podSelector: { matchLabels: { 'app.kubernetes.io/instance': app.name } },
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
            },
          },
        });
      }
    }
    return { manifests };
  },
});
