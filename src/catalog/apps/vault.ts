import { z } from 'zod';
import { defineModule, type ChartRef, type Manifest } from '../types.js';
import { controlPlanePolicy, defaultDeny, networkPolicy, nodeSelectorOf } from './_shared.js';
import { BYTES_RE } from '../../lib/quantity.js';
import type { LabModel, AppModel } from '../../model/types.js';

/**
 * hashicorp/vault-helm chart 0.34.1 from helm.releases.hashicorp.com. Evidence:
 * docs/research/app-charts.md §1 and §2.20 (openshift-helm-charts/charts#3408
 * "HashiCorp Vault v0.34.1", linking the vault-helm v0.34.1 release). The
 * chart's default images (hashicorp/vault, hashicorp/vault-k8s) are used.
 */
export const VAULT_CHART: ChartRef = {
  repo: 'https://helm.releases.hashicorp.com',
  repoName: 'hashicorp',
  chart: 'vault',
  version: '0.34.1',
  evidence: 'docs/research/app-charts.md',
};

export const VAULT_PORT = 8200;
/** The injector's webhook port (chart value injector.port). */
const INJECTOR_PORT = 8080;
const DATA_PATH = '/vault/data';

const bytes = z.string().regex(BYTES_RE).describe('A size as a Kubernetes quantity: 10Gi.');

const Config = z.strictObject({
  dataSize: bytes.default('10Gi').describe('Size of the data PVC (file storage) the chart creates.'),
  auditSize: bytes.optional().describe('When set, a second PVC at /vault/audit for a file audit device.'),
  injector: z.boolean().default(true).describe('Deploy the Vault Agent injector (mutating webhook).'),
  logLevel: z.enum(['trace', 'debug', 'info', 'warn', 'error']).default('info'),
});

export type VaultConfig = z.output<typeof Config>;

/** The chart names its objects after fullnameOverride, which hearth sets to the app name. */
export function vaultService(app: string): string {
  return app;
}

/** In-cluster address of a Vault app (plain HTTP: TLS ends at the ingress). */
export function vaultAddr(app: Pick<AppModel, 'name' | 'namespace'>): string {
  return `http://${vaultService(app.name)}.${app.namespace}.svc.cluster.local:${VAULT_PORT}`;
}

/**
 * The class of the data PVC: the app's `storage:` (checked against the lab's
 * classes by `hearth validate`), else the lab default. The chart creates the
 * PVC from its volumeClaimTemplate, so the module declares no hearth volume.
 */
export function vaultStorageClass(lab: LabModel, app: AppModel): string | undefined {
  return lab.spec.apps[app.index]?.storage ?? lab.defaultStorageClass;
}

function serverConfig(metrics: boolean): string {
  const lines = [
    'ui = true',
    '',
    'listener "tcp" {',
    '  # TLS ends at the ingress controller; inside the cluster Vault speaks HTTP.',
    '  tls_disable = 1',
    `  address = "[::]:${VAULT_PORT}"`,
    '  cluster_address = "[::]:8201"',
    ...(metrics ? ['  telemetry {', '    unauthenticated_metrics_access = "true"', '  }'] : []),
    '}',
    '',
    'storage "file" {',
    `  path = "${DATA_PATH}"`,
    '}',
    ...(metrics ? ['', 'telemetry {', '  prometheus_retention_time = "30s"', '  disable_hostname = true', '}'] : []),
  ];
  return lines.join('\n') + '\n';
}

/**
 * HashiCorp Vault in standalone mode: file storage on the chart's data PVC,
 * the UI, the Agent injector; never dev mode. TLS ends at the ingress.
 */
export default defineModule({
  name: 'vault',
  kind: 'app',
  summary: 'HashiCorp Vault (standalone, file storage on a PVC, UI, Agent injector)',
  layer: 'apps',
  dir: 'vault',
  chart: VAULT_CHART,
  config: Config,
  app: () => ({
    expose: 'lan',
    login: true,
    web: { service: (app) => `${vaultService(app)}-ui`, port: VAULT_PORT },
    volumes: [],
    // The chart's StatefulSet <fullname> claims data-<fullname>-0 (file storage: Vault's encrypted barrier).
    chartVolumes: [{ name: 'data', claim: (app) => `data-${vaultService(app)}-0`, accessMode: 'ReadWriteOnce', content: 'files' }],
    resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { memory: '512Mi' } },
    replicas: 1,
  }),
  render: (ctx) => {
    const app = ctx.component.app!;
    const c = ctx.config as VaultConfig;
    const { lab } = ctx;
    const metrics = lab.monitoringNamespace !== undefined;
    const storageClass = vaultStorageClass(lab, app);
    // No class anywhere in the lab: leave the chart's null (the cluster default class).
    const sc = storageClass ? { storageClass } : {};
    const nodeSelector = nodeSelectorOf(app.nodeSelector);
    const values: Record<string, unknown> = {
      global: { tlsDisable: true },
      fullnameOverride: vaultService(app.name),
      injector: {
        enabled: c.injector,
        resources: { requests: { cpu: '10m', memory: '64Mi' }, limits: { memory: '128Mi' } },
        logLevel: c.logLevel,
        ...nodeSelector,
      },
      server: {
        dev: { enabled: false },
        ha: { enabled: false },
        standalone: { enabled: true, config: serverConfig(metrics) },
        logLevel: c.logLevel,
        dataStorage: { enabled: true, size: c.dataSize, mountPath: DATA_PATH, accessMode: 'ReadWriteOnce', ...sc },
        auditStorage: c.auditSize ? { enabled: true, size: c.auditSize, accessMode: 'ReadWriteOnce', ...sc } : { enabled: false },
        resources: { requests: app.resources.requests, limits: app.resources.limits },
        statefulSet: {
          securityContext: {
            pod: { runAsNonRoot: true, runAsUser: 100, runAsGroup: 1000, fsGroup: 1000, seccompProfile: { type: 'RuntimeDefault' } },
            container: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
          },
        },
        ingress: { enabled: false },
        ...nodeSelector,
      },
      ui: { enabled: true, serviceType: 'ClusterIP' },
      serverTelemetry: { serviceMonitor: { enabled: metrics } },
    };
    // Under default-deny: the Kubernetes API, and the API server's calls to the injector's webhook.
    const manifests: Manifest[] = controlPlanePolicy(ctx, c.injector ? [INJECTOR_PORT] : []);
    if (defaultDeny(lab, app.namespace)) {
      // Vault is a shared service: Agent sidecars, External Secrets and apps in
      // any namespace call its API; Vault authenticates every request itself.
      manifests.push(
        networkPolicy(ctx, `${app.name}-clients`, {
          podSelector: { matchLabels: { 'app.kubernetes.io/instance': app.name, component: 'server' } },
          policyTypes: ['Ingress'],
          ingress: [{ from: [{ namespaceSelector: {} }], ports: [{ protocol: 'TCP', port: VAULT_PORT }] }],
        }),
      );
    }
    return { values, manifests };
  },
});
