import { z } from 'zod';
import { defineModule } from '../types.js';
import { selectorLabels } from '../../lib/k8s.js';
import { claimVolumes, configMap, containerPort, dataChecksum, deployment, k8sName, nodeSelectorOf, nonRootSecurity, probes, secretEnv, secretKey, service, servicePort, sortedData, timeZone, volumeMounts } from './_shared.js';

/**
 * Pin: docs/research/app-charts.md (§1 table, §2.8): 1Panel-dev/appstore#8771
 * "update vaultwarden/server docker tag to v1.37.0" (merged 2026-07-27).
 */
export const VAULTWARDEN_IMAGE = 'vaultwarden/server:1.37.0';

/** ROCKET_PORT: above 1024 so the server runs without root (the image default is 80). */
const PORT = 8080;
const UID = 1000;

const secretRef = (key: string) => z.strictObject({ name: k8sName.describe('Secret name (same namespace).'), key: secretKey.default(key) });

const Config = z.strictObject({
  timezone: timeZone
    .default('Etc/UTC')
    .describe('IANA time zone (TZ) for log timestamps, e.g. Europe/Berlin.'),
  domain: z
    .url({ protocol: /^https?$/ })
    .optional()
    .describe('Public URL (DOMAIN). Default: the ingress URL https://<host>. Needed for attachments, e-mail links and WebAuthn.'),
  signupsAllowed: z.boolean().default(false).describe('SIGNUPS_ALLOWED: anyone who can reach the page may register.'),
  invitationsAllowed: z.boolean().default(true).describe('INVITATIONS_ALLOWED: organization admins may invite users even with signups off.'),
  signupsVerify: z.boolean().default(false).describe('SIGNUPS_VERIFY: new users must confirm their e-mail address (needs smtp).'),
  adminTokenSecret: secretRef('ADMIN_TOKEN')
    .optional()
    .describe('Secret with ADMIN_TOKEN (an Argon2 PHC hash from `vaultwarden hash`) for the /admin page; without it the page is disabled.'),
  databaseUrlSecret: secretRef('DATABASE_URL')
    .optional()
    .describe('Secret with DATABASE_URL (postgresql://user:pass@host:5432/db). Default: SQLite in /data.'),
  smtp: z
    .strictObject({
      host: z.string().min(1).describe('SMTP_HOST'),
      port: z.number().int().min(1).max(65535).default(587).describe('SMTP_PORT'),
      security: z.enum(['starttls', 'force_tls', 'off']).default('starttls').describe('SMTP_SECURITY'),
      from: z.email().describe('SMTP_FROM'),
      username: z.string().min(1).optional().describe('SMTP_USERNAME'),
      passwordSecret: secretRef('SMTP_PASSWORD').optional().describe('Secret with SMTP_PASSWORD.'),
    })
    .optional()
    .describe('Outgoing mail for invitations, verification and 2FA e-mails.'),
});

export type VaultwardenConfig = z.output<typeof Config>;

/** Vaultwarden (Bitwarden-compatible server): non-root, SQLite or PostgreSQL, secrets by reference. */
export default defineModule({
  name: 'vaultwarden',
  kind: 'app',
  summary: 'Vaultwarden password manager (Bitwarden-compatible; non-root, /data on a PVC, secrets by reference)',
  layer: 'apps',
  dir: 'vaultwarden',
  config: Config,
  app: () => ({
    // Phones and browser extensions sync from anywhere.
    expose: 'public',
    login: true,
    web: { service: (app) => `${app}-server`, port: PORT, maxBodySize: '525m' }, // attachments (Bitwarden clients cap them at 500 MB)
    volumes: [{ name: 'data', size: '2Gi', mountPath: '/data', content: 'sqlite' }], // db.sqlite3, attachments, RSA key
    resources: { requests: { cpu: '50m', memory: '128Mi' }, limits: { memory: '512Mi' } },
    replicas: 1,
    // Website icons, push relay, SMTP.
    egressInternet: true,
  }),
  render: (ctx) => {
    const app = ctx.component.app!;
    const c = ctx.config as VaultwardenConfig;
    const server = `${app.name}-server`;
    const selector = selectorLabels('vaultwarden', app.name);

    const plain: Record<string, string> = {
      TZ: c.timezone,
      ROCKET_PORT: String(PORT),
      DATA_FOLDER: '/data',
      SIGNUPS_ALLOWED: String(c.signupsAllowed),
      INVITATIONS_ALLOWED: String(c.invitationsAllowed),
      SIGNUPS_VERIFY: String(c.signupsVerify),
      // Push-style sync over WebSocket on the main port (the separate 3012 port is gone since 1.31).
      ENABLE_WEBSOCKET: 'true',
    };
    const domain = c.domain ?? app.url;
    if (domain) plain.DOMAIN = domain;
    if (c.smtp) {
      plain.SMTP_HOST = c.smtp.host;
      plain.SMTP_PORT = String(c.smtp.port);
      plain.SMTP_SECURITY = c.smtp.security;
      plain.SMTP_FROM = c.smtp.from;
      if (c.smtp.username) plain.SMTP_USERNAME = c.smtp.username;
    }
    const config = `${app.name}-config`;
    const data = sortedData(plain);

    // Secrets only by reference: the values never enter the repository.
    const fromSecret = (name: string, ref: { name: string; key: string }) => secretEnv(name, ref.name, ref.key);
    const env = [
      ...(c.adminTokenSecret ? [fromSecret('ADMIN_TOKEN', c.adminTokenSecret)] : []),
      ...(c.databaseUrlSecret ? [fromSecret('DATABASE_URL', c.databaseUrlSecret)] : []),
      ...(c.smtp?.passwordSecret ? [fromSecret('SMTP_PASSWORD', c.smtp.passwordSecret)] : []),
    ];

    const probe = { httpGet: { path: '/alive', port: 'http' } };
    const container = {
      name: 'vaultwarden',
      image: VAULTWARDEN_IMAGE,
      ports: [containerPort('http', PORT)],
      envFrom: [{ configMapRef: { name: config } }],
      ...(env.length ? { env } : {}),
      resources: { requests: app.resources.requests, limits: app.resources.limits },
      securityContext: nonRootSecurity(UID),
      ...probes(probe),
      volumeMounts: volumeMounts(app.volumes),
    };

    const manifests = [
      configMap(ctx, config, data),
      deployment(ctx, {
        name: server,
        selector,
        replicas: app.replicas,
        // ReadWriteOnce /data (and SQLite must never have two writers).
        strategy: { type: 'Recreate' },
        // envFrom is read at start: a changed ConfigMap rolls the pod through this annotation.
        podAnnotations: { 'checksum/config': dataChecksum(data) },
        pod: {
          automountServiceAccountToken: false,
          securityContext: { fsGroup: UID, fsGroupChangePolicy: 'OnRootMismatch' },
          ...nodeSelectorOf(app.nodeSelector),
          containers: [container],
          volumes: claimVolumes(app.volumes),
        },
      }),
      service(ctx, { name: server, selector, ports: [servicePort('http', PORT)] }),
    ];
    return { manifests };
  },
});
