import { z } from 'zod';
import { defineModule, type ChartRef } from '../types.js';
import { nodeSelectorOf, objectName } from './_shared.js';

/**
 * tailscale/tailscale-operator 1.102.2 from pkgs.tailscale.com/helmcharts.
 * Evidence: docs/research/app-charts.md §1 and §2.17 (RPR
 * maxim-mityutko/home-infra#2050, 1.98.9 → 1.102.2). The chart's appVersion
 * pins the operator and proxy images.
 */
export const TAILSCALE_OPERATOR_CHART: ChartRef = {
  repo: 'https://pkgs.tailscale.com/helmcharts',
  repoName: 'tailscale',
  chart: 'tailscale-operator',
  version: '1.102.2',
  evidence: 'docs/research/app-charts.md',
};

/** The Secret the chart mounts when `oauthSecretVolume` is unset (keys client_id, client_secret). */
export const DEFAULT_OAUTH_SECRET = 'operator-oauth';

const tag = z
  .string()
  .regex(/^tag:[a-z0-9]([-a-z0-9]*[a-z0-9])?$/)
  .describe('A tailnet ACL tag such as tag:k8s-operator.');

const Config = z.strictObject({
  oauthSecret: objectName
    .default(DEFAULT_OAUTH_SECRET)
    .describe('Existing Secret in the app namespace with keys client_id and client_secret (a Tailscale OAuth client). Never put the values in the spec.'),
  hostname: objectName
    .optional()
    .describe('Tailnet machine name of the operator. Default: "<lab>-k8s-operator".'),
  operatorTags: z.array(tag).min(1).default(['tag:k8s-operator']).describe('Tags of the operator device; the OAuth client must own them.'),
  proxyTags: z.array(tag).min(1).default(['tag:k8s']).describe('Tags of the proxies the operator creates; tag:k8s-operator must own them.'),
  apiServerProxy: z
    .enum(['false', 'true', 'noauth'])
    .optional()
    .describe('Expose the Kubernetes API on the tailnet. Default: "true" when cluster.apiServer.exposure is vpn, else "false".'),
  loginServer: z.url({ protocol: /^https$/ }).optional().describe('Control server URL (Headscale); default: Tailscale SaaS.'),
});

export type TailscaleOperatorConfig = z.output<typeof Config>;

/**
 * The Tailscale Kubernetes operator. OAuth credentials come from an existing
 * Secret mounted through the chart's `oauthSecretVolume`; `oauth.clientId` and
 * `oauth.clientSecret` are never rendered, so no credential reaches git.
 */
export default defineModule({
  name: 'tailscale-operator',
  kind: 'app',
  summary: 'Tailscale Kubernetes operator: tailnet ingress/egress proxies, API server proxy (OAuth from an existing Secret)',
  layer: 'apps',
  dir: 'tailscale-operator',
  chart: TAILSCALE_OPERATOR_CHART,
  config: Config,
  app: () => ({
    expose: 'internal',
    volumes: [],
    resources: { requests: { cpu: '20m', memory: '64Mi' }, limits: { memory: '256Mi' } },
    replicas: 1,
    egressInternet: true,
  }),
  render: (ctx) => {
    const app = ctx.component.app!;
    const c = ctx.config as TailscaleOperatorConfig;
    const { lab } = ctx;
    const apiServerProxy = c.apiServerProxy ?? (lab.cluster?.apiExposure === 'vpn' ? 'true' : 'false');
    const values: Record<string, unknown> = {
      installCRDs: true,
      // Mount the named Secret instead of letting the chart create one from oauth.* values.
      oauthSecretVolume: { secret: { secretName: c.oauthSecret } },
      operatorConfig: {
        hostname: c.hostname ?? `${lab.name}-k8s-operator`,
        defaultTags: c.operatorTags,
        logging: 'info',
        // The chart labels the operator pod `app: operator` only; hearth's policies select by instance.
        podLabels: { 'app.kubernetes.io/name': 'tailscale-operator', 'app.kubernetes.io/instance': app.name, 'app.kubernetes.io/part-of': lab.name },
        resources: { requests: app.resources.requests, limits: app.resources.limits },
        podSecurityContext: { seccompProfile: { type: 'RuntimeDefault' } },
        securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
        ...nodeSelectorOf(app.nodeSelector),
      },
      proxyConfig: { defaultTags: c.proxyTags.join(',') },
      apiServerProxyConfig: { mode: apiServerProxy },
      ...(c.loginServer ? { loginServer: c.loginServer } : {}),
    };
    return { values, manifests: [] };
  },
});
