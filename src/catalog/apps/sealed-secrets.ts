import { z } from 'zod';
import { defineModule, type ChartRef } from '../types.js';
import { controlPlanePolicy, k8sName, nodeSelectorOf } from './_shared.js';

/**
 * bitnami-labs/sealed-secrets chart 2.18.6. Evidence: docs/research/app-charts.md
 * §1 and §2.20 (CODE ids 62497604800, 56391676209: releases/download/helm-v2.18.6/
 * sealed-secrets-2.18.6.tgz; id 56119699091 deployed). The chart's default
 * image is the controller of the same release.
 */
export const SEALED_SECRETS_CHART: ChartRef = {
  repo: 'https://bitnami-labs.github.io/sealed-secrets',
  repoName: 'sealed-secrets',
  chart: 'sealed-secrets',
  version: '2.18.6',
  evidence: 'docs/research/app-charts.md',
};

/** kubeseal's default --controller-name; the chart's fullnameOverride. */
export const CONTROLLER_NAME = 'sealed-secrets-controller';
/** The controller's HTTP port (certificate, verify, rotate); kubeseal reaches it through the API server's service proxy. */
const HTTP_PORT = 8080;

const Config = z.strictObject({
  keyRenewPeriod: z
    .string()
    .regex(/^(0|([0-9]+h)?([0-9]+m)?([0-9]+s)?)$/)
    .refine((s) => s !== '', 'give a duration such as 720h, or 0 to turn renewal off')
    .optional()
    .describe('How often the controller adds a new sealing key (Go duration: 720h). "0" turns renewal off. Default: the controller default, 30 days.'),
  additionalNamespaces: z
    .array(k8sName)
    .default([])
    .describe('Other namespaces whose SealedSecrets this controller also handles (only needed with several controllers).'),
});

export type SealedSecretsConfig = z.output<typeof Config>;

/** The chart's pod and container security values (non-root, read-only root, no capabilities), for this app and the platform controller. */
export function controllerSecurityValues() {
  return {
    podSecurityContext: { enabled: true, fsGroup: 65534, seccompProfile: { type: 'RuntimeDefault' } },
    containerSecurityContext: {
      enabled: true,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      runAsUser: 1001,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
    },
  };
}

/**
 * The Sealed Secrets controller, named `sealed-secrets-controller` so kubeseal
 * finds it with only --controller-namespace when the app is not in kube-system.
 */
export default defineModule({
  name: 'sealed-secrets',
  kind: 'app',
  summary: 'Sealed Secrets controller: decrypts SealedSecrets committed to git into Secrets',
  layer: 'apps',
  dir: 'sealed-secrets',
  chart: SEALED_SECRETS_CHART,
  config: Config,
  app: () => ({
    expose: 'internal',
    volumes: [],
    resources: { requests: { cpu: '10m', memory: '64Mi' }, limits: { memory: '256Mi' } },
    replicas: 1,
  }),
  render: (ctx) => {
    const app = ctx.component.app!;
    const c = ctx.config as SealedSecretsConfig;
    const { lab } = ctx;
    const values: Record<string, unknown> = {
      fullnameOverride: CONTROLLER_NAME,
      resources: { requests: app.resources.requests, limits: app.resources.limits },
      ...controllerSecurityValues(),
      metrics: { serviceMonitor: { enabled: lab.monitoringNamespace !== undefined } },
      ...(c.keyRenewPeriod !== undefined ? { keyrenewperiod: c.keyRenewPeriod } : {}),
      ...(c.additionalNamespaces.length ? { additionalNamespaces: c.additionalNamespaces } : {}),
      ...nodeSelectorOf(app.nodeSelector),
    };
    // Under default-deny: the Kubernetes API, and the API server's service proxy to the HTTP port (kubeseal).
    return { values, manifests: controlPlanePolicy(ctx, [HTTP_PORT]) };
  },
});
