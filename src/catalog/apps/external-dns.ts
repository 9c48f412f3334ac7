import { z } from 'zod';
import { defineModule, type ChartRef } from '../types.js';
import { boundedSecretKey, controlPlanePolicy, nodeSelectorOf, objectName, secretEnv } from './_shared.js';

/**
 * kubernetes-sigs/external-dns chart 1.22.0 (ExternalDNS v0.22.0). Evidence:
 * docs/research/app-charts.md §1 and §2.18 (kubernetes-sigs/external-dns PR
 * #6650 "release 1.22 for extdns v0.22.0", tag external-dns-helm-chart-1.22.0).
 * The chart's default image is registry.k8s.io/external-dns/external-dns:v<appVersion>.
 */
export const EXTERNAL_DNS_CHART: ChartRef = {
  repo: 'https://kubernetes-sigs.github.io/external-dns/',
  repoName: 'external-dns',
  chart: 'external-dns',
  version: '1.22.0',
  evidence: 'docs/research/app-charts.md',
};

const domain = z
  .string()
  .max(253)
  .regex(/^([a-z0-9]([-a-z0-9]*[a-z0-9])?)(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)+$/)
  .describe('A DNS zone such as example.com.');

const Config = z.strictObject({
  provider: z.enum(['cloudflare']).default('cloudflare').describe('DNS provider. Others: set values.provider and values.env yourself.'),
  apiToken: z
    .strictObject({
      secret: objectName.describe('Secret in the app namespace.'),
      key: boundedSecretKey,
    })
    .default({ secret: 'cloudflare-api-token', key: 'api-token' })
    .describe('Where the Cloudflare API token (Zone:Read, DNS:Edit) lives; passed as CF_API_TOKEN from the Secret.'),
  domainFilters: z.array(domain).min(1).optional().describe('Zones external-dns may touch. Default: the lab domain.'),
  sources: z
    .array(z.enum(['ingress', 'service', 'crd', 'gateway-httproute']))
    .min(1)
    .default(['ingress', 'service'])
    .describe('Objects whose hostnames become records.'),
  policy: z.enum(['upsert-only', 'sync']).default('upsert-only').describe('upsert-only never deletes records; sync deletes records it owns when their source goes.'),
  interval: z.string().regex(/^[0-9]+(s|m|h)$/).default('1m').describe('Reconcile interval.'),
});

export type ExternalDnsConfig = z.output<typeof Config>;

/** ExternalDNS publishing the lab's ingress and LoadBalancer hostnames to Cloudflare. */
export default defineModule({
  name: 'external-dns',
  kind: 'app',
  summary: 'ExternalDNS: DNS records for ingresses and LoadBalancer services (Cloudflare, token from a Secret)',
  layer: 'apps',
  dir: 'external-dns',
  chart: EXTERNAL_DNS_CHART,
  config: Config,
  app: () => ({
    expose: 'internal',
    volumes: [],
    resources: { requests: { cpu: '10m', memory: '64Mi' }, limits: { memory: '128Mi' } },
    replicas: 1,
    egressInternet: true,
  }),
  render: (ctx) => {
    const app = ctx.component.app!;
    const c = ctx.config as ExternalDnsConfig;
    const { lab } = ctx;
    const metrics = lab.monitoringNamespace !== undefined;
    const values: Record<string, unknown> = {
      provider: { name: c.provider },
      env: [secretEnv('CF_API_TOKEN', c.apiToken.secret, c.apiToken.key)],
      domainFilters: c.domainFilters ?? [lab.domain],
      sources: c.sources,
      policy: c.policy,
      registry: 'txt',
      txtOwnerId: lab.name,
      interval: c.interval,
      serviceMonitor: { enabled: metrics },
      resources: { requests: app.resources.requests, limits: app.resources.limits },
      podSecurityContext: { runAsNonRoot: true, fsGroup: 65534, seccompProfile: { type: 'RuntimeDefault' } },
      securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true, capabilities: { drop: ['ALL'] } },
      ...nodeSelectorOf(app.nodeSelector),
    };
    // Under default-deny: the Kubernetes API, where it watches its sources.
    return { values, manifests: controlPlanePolicy(ctx) };
  },
});
