import { z } from 'zod';
import { defineModule, type ChartRef, type Manifest } from '../types.js';
import { meta } from '../meta.js';
import type { K8sObject } from '../../lib/k8s.js';
import { boundedSecretKey, controlPlanePolicy, nodeSelectorOf, objectName } from './_shared.js';

/**
 * external-secrets/external-secrets chart 2.10.0 (operator v2.10.0, image
 * ghcr.io/external-secrets/external-secrets:v2.10.0, the chart default).
 * Evidence: docs/research/app-charts.md §1 and §2.20 (RPR shaman007/home-k3s#682,
 * 2.9.0 → 2.10.0, release notes list the image).
 */
export const EXTERNAL_SECRETS_CHART: ChartRef = {
  repo: 'https://charts.external-secrets.io',
  repoName: 'external-secrets',
  chart: 'external-secrets',
  version: '2.10.0',
  evidence: 'docs/research/app-charts.md',
};

/** Served API of the store CRDs: v1 since 0.16.2; 0.17.0 stopped serving v1beta1. */
export const ESO_API_VERSION = 'external-secrets.io/v1';
/** The webhook's listen port (chart value webhook.port). */
const WEBHOOK_PORT = 10250;

const SecretKeyRef = z.strictObject({
  secret: objectName.describe('Secret name.'),
  key: boundedSecretKey,
  namespace: objectName.optional().describe('Namespace of the Secret. Default: the app namespace.'),
});

const url = z.url({ protocol: /^https?$/ });

const OnePassword = z.strictObject({
  type: z.literal('onepassword'),
  name: objectName.default('onepassword').describe('ClusterSecretStore name (secrets.externalSecrets.store.name).'),
  connectHost: url.describe('1Password Connect server URL, e.g. http://onepassword-connect.secrets.svc.cluster.local:8080.'),
  vaults: z.array(z.string().min(1)).min(1).describe('1Password vaults to search, in order.'),
  token: SecretKeyRef.describe('Secret holding the Connect access token.'),
});

const Vault = z.strictObject({
  type: z.literal('vault'),
  name: objectName.default('vault').describe('ClusterSecretStore name (secrets.externalSecrets.store.name).'),
  server: url.describe('Vault address, e.g. http://vault.security.svc.cluster.local:8200.'),
  path: z.string().regex(/^[A-Za-z0-9_][A-Za-z0-9_./-]*$/).default('secret').describe('Mount path of the KV engine.'),
  version: z.enum(['v1', 'v2']).default('v2').describe('KV engine version.'),
  auth: z.discriminatedUnion('method', [
    z.strictObject({
      method: z.literal('kubernetes'),
      mountPath: z.string().regex(/^[A-Za-z0-9_][A-Za-z0-9_./-]*$/).default('kubernetes'),
      role: z.string().min(1).max(128).describe('Vault role bound to the operator service account.'),
    }),
    z.strictObject({ method: z.literal('token'), token: SecretKeyRef.describe('Secret holding a Vault token.') }),
  ]),
});

const Config = z.strictObject({
  store: z.discriminatedUnion('type', [OnePassword, Vault]).optional().describe('A ClusterSecretStore every namespace can use.'),
});

export type ExternalSecretsConfig = z.output<typeof Config>;
type Store = NonNullable<ExternalSecretsConfig['store']>;

/** Service account of the controller: the chart names it after fullnameOverride, which hearth sets to the app name. */
export function controllerServiceAccount(app: string): string {
  return app;
}

export function clusterSecretStore(store: Store, appName: string, appNamespace: string): Record<string, unknown> {
  const ref = (r: z.output<typeof SecretKeyRef>) => ({ name: r.secret, key: r.key, namespace: r.namespace ?? appNamespace });
  if (store.type === 'onepassword') {
    return {
      onepassword: {
        connectHost: store.connectHost,
        vaults: Object.fromEntries(store.vaults.map((v, i) => [v, i + 1])),
        auth: { secretRef: { connectTokenSecretRef: ref(store.token) } },
      },
    };
  }
  const auth =
    store.auth.method === 'kubernetes'
      ? { kubernetes: { mountPath: store.auth.mountPath, role: store.auth.role, serviceAccountRef: { name: controllerServiceAccount(appName), namespace: appNamespace } } }
      : { tokenSecretRef: ref(store.auth.token) };
  return { vault: { server: store.server, path: store.path, version: store.version, auth } };
}

/** Egress the controller needs to reach a store at a private address (in-cluster Service or LAN IP); public hosts are covered by internet egress. */
function storeEgress(server: string): Record<string, unknown> | undefined {
  const u = new URL(server);
  const port = Number(u.port || (u.protocol === 'https:' ? 443 : 80));
  const svc = /^[a-z0-9-]+\.([a-z0-9-]+)\.svc(\.cluster\.local)?$/.exec(u.hostname);
  if (svc) return { to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': svc[1] } } }] };
  if (/^(10\.|172\.(1[6-9]|2[0-9]|3[01])\.|192\.168\.)[0-9.]+$/.test(u.hostname)) return { to: [{ ipBlock: { cidr: `${u.hostname}/32` } }], ports: [{ protocol: 'TCP', port }] };
  return undefined;
}

const restricted = {
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: true,
  runAsNonRoot: true,
  capabilities: { drop: ['ALL'] },
  seccompProfile: { type: 'RuntimeDefault' },
};

/** External Secrets Operator with its CRDs and, optionally, one ClusterSecretStore (1Password Connect or Vault). */
export default defineModule({
  name: 'external-secrets',
  kind: 'app',
  summary: 'External Secrets Operator: Secrets synced from 1Password Connect, Vault and other stores',
  layer: 'apps',
  dir: 'external-secrets',
  chart: EXTERNAL_SECRETS_CHART,
  config: Config,
  app: () => ({
    expose: 'internal',
    volumes: [],
    resources: { requests: { cpu: '10m', memory: '64Mi' }, limits: { memory: '256Mi' } },
    replicas: 1,
    egressInternet: true,
  }),
  render: (ctx) => {
    const app = ctx.component.app!;
    const c = ctx.config as ExternalSecretsConfig;
    const { lab } = ctx;
    const resources = { requests: app.resources.requests, limits: app.resources.limits };
    const small = { requests: { cpu: '10m', memory: '32Mi' }, limits: { memory: '128Mi' } };
    const nodeSelector = nodeSelectorOf(app.nodeSelector);
    const values: Record<string, unknown> = {
      installCRDs: true,
      fullnameOverride: app.name,
      replicaCount: app.replicas,
      leaderElect: app.replicas > 1,
      resources,
      securityContext: restricted,
      serviceMonitor: { enabled: lab.monitoringNamespace !== undefined },
      ...nodeSelector,
      webhook: { port: WEBHOOK_PORT, resources: small, securityContext: restricted, ...nodeSelector },
      certController: { resources: small, securityContext: restricted, ...nodeSelector },
    };
    const manifests: Manifest[] = [];
    const extraEgress: Record<string, unknown>[] = [];
    if (c.store) {
      const object: K8sObject = {
        apiVersion: ESO_API_VERSION,
        kind: 'ClusterSecretStore',
        metadata: meta(ctx, c.store.name, 'secret-store', { namespaced: false }),
        spec: { provider: clusterSecretStore(c.store, app.name, app.namespace) },
      };
      manifests.push({ file: 'cluster-secret-store', needsCrds: true, object });
      const e = storeEgress(c.store.type === 'vault' ? c.store.server : c.store.connectHost);
      if (e) extraEgress.push(e);
    }
    // Under default-deny: the Kubernetes API, the API server's calls to the webhook, and a store at a private address.
    manifests.push(...controlPlanePolicy(ctx, [WEBHOOK_PORT], extraEgress));
    return { values, manifests };
  },
});
