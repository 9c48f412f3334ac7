import { z } from 'zod';
import { defineModule, type ChartRef, type Manifest, type ModuleOutput, type RenderContext } from '../types.js';
import { meta } from '../meta.js';
import type { ResourcesModel } from '../../model/types.js';
import type { K8sObject } from '../../lib/k8s.js';
import { controlPlanePolicy, egressTo, nodeSelectorOf } from './_shared.js';
import { SecretStore } from '../../spec/schema.js';

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

const Config = z.strictObject({
  store: SecretStore.optional().describe('A ClusterSecretStore every namespace can use.'),
});

export type ExternalSecretsConfig = z.output<typeof Config>;
export type Store = z.output<typeof SecretStore>;

/** Service account of the controller: the chart names it after fullnameOverride, which hearth sets to the app name. */
export function controllerServiceAccount(app: string): string {
  return app;
}

export function clusterSecretStore(store: Store, appName: string, appNamespace: string): Record<string, unknown> {
  const ref = (r: { secret: string; key: string; namespace?: string }) => ({ name: r.secret, key: r.key, namespace: r.namespace ?? appNamespace });
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

const restricted = {
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: true,
  runAsNonRoot: true,
  capabilities: { drop: ['ALL'] },
  seccompProfile: { type: 'RuntimeDefault' },
};

export interface OperatorInstance {
  /** Release name (fullnameOverride): also the controller's service account. */
  name: string;
  namespace: string;
  replicas: number;
  resources: ResourcesModel;
  nodeSelector?: Record<string, string>;
}

/** Chart values and objects of the operator: shared by the app module and the platform component the secrets mechanism implies. */
export function renderOperator(ctx: RenderContext<unknown>, op: OperatorInstance, store: Store | undefined): ModuleOutput {
  const { lab } = ctx;
  const small = { requests: { cpu: '10m', memory: '32Mi' }, limits: { memory: '128Mi' } };
  const nodeSelector = nodeSelectorOf(op.nodeSelector ?? {});
  const values: Record<string, unknown> = {
    installCRDs: true,
    fullnameOverride: op.name,
    replicaCount: op.replicas,
    leaderElect: op.replicas > 1,
    resources: op.resources,
    securityContext: restricted,
    serviceMonitor: { enabled: lab.monitoringNamespace !== undefined },
    ...nodeSelector,
    webhook: { port: WEBHOOK_PORT, resources: small, securityContext: restricted, ...nodeSelector },
    certController: { resources: small, securityContext: restricted, ...nodeSelector },
  };
  const manifests: Manifest[] = [];
  const extraEgress: Record<string, unknown>[] = [];
  if (store) {
    const object: K8sObject = {
      apiVersion: ESO_API_VERSION,
      kind: 'ClusterSecretStore',
      metadata: meta(ctx, store.name, 'secret-store', { namespaced: false }),
      spec: { provider: clusterSecretStore(store, op.name, op.namespace) },
    };
    manifests.push({ file: 'cluster-secret-store', needsCrds: true, object });
    const e = egressTo(store.type === 'vault' ? store.server : store.connectHost);
    if (e) extraEgress.push(e);
  }
  // Under default-deny: the Kubernetes API, the API server's calls to the webhook, and a store at a private address.
  manifests.push(...controlPlanePolicy(ctx, [WEBHOOK_PORT], extraEgress));
  return { values, manifests };
}

export const OPERATOR_RESOURCES = { requests: { cpu: '10m', memory: '64Mi' }, limits: { memory: '256Mi' } };

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
    resources: OPERATOR_RESOURCES,
    replicas: 1,
    egressInternet: true,
  }),
  render: (ctx) => {
    const app = ctx.component.app!;
    const c = ctx.config as ExternalSecretsConfig;
    return renderOperator(
      ctx,
      { name: app.name, namespace: app.namespace, replicas: app.replicas, resources: { requests: app.resources.requests, limits: app.resources.limits }, nodeSelector: app.nodeSelector },
      c.store,
    );
  },
});
