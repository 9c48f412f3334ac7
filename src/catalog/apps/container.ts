import { z } from 'zod';
import { defineModule, type Manifest, type ModuleProblem } from '../types.js';
import { meta } from '../meta.js';
import type { LabModel } from '../../model/types.js';
import { selectorLabels } from '../../lib/k8s.js';
import { SECRET_ENV, claimVolumes, configMap, defaultDeny, egressTo, instancePods, networkPolicy, containerPort, deployment, gpuLimits, k8sName, nodeSelectorOf, nvidiaRuntime, pinnedImage, probes, service, servicePort, sortedData, volumeMounts } from './_shared.js';

/** Names of env vars that must not carry literal values (the model stage checks `env` settings with it). */
export { SECRET_ENV } from './_shared.js';

const Config = z.strictObject({
  image: pinnedImage.describe('Container image with a tag or digest: ghcr.io/owner/bot:1.4.2'),
  ports: z
    .array(
      z.strictObject({
        name: z.string().regex(/^[a-z]([-a-z0-9]{0,13}[a-z0-9])?$/).describe('IANA_SVC_NAME: up to 15 characters'),
        port: z.number().int().min(1).max(65535),
        protocol: z.enum(['TCP', 'UDP']).default('TCP'),
      }),
    )
    .default([]),
  web: z.string().optional().describe('Name of the port the ingress routes to. Default: "http", else the first port.'),
  env: z
    .record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/), z.string())
    .default({})
    .superRefine((env, ctx) => {
      for (const [k, v] of Object.entries(env)) {
        if (SECRET_ENV.test(k) && v !== '') {
          ctx.addIssue({
            code: 'custom',
            path: [k],
            message: `"${k}" looks like a secret, and env values are written to git in plaintext`,
            params: { code: 'module-config', hint: 'put it in a Secret and list the Secret under envFromSecrets' },
          });
        }
      }
    })
    .describe('Plain settings (never secrets: use envFromSecrets).'),
  envFromSecrets: z.array(k8sName).default([]).describe('Secrets whose keys become environment variables.'),
  command: z.array(z.string()).optional(),
  args: z.array(z.string()).optional(),
  volumes: z
    .array(
      z.strictObject({
        name: k8sName,
        mountPath: z.string().startsWith('/'),
        size: z.string().regex(/^[0-9]+(\.[0-9]+)?(Ki|Mi|Gi|Ti)$/).default('1Gi'),
        accessMode: z.enum(['ReadWriteOnce', 'ReadWriteMany']).default('ReadWriteOnce'),
      }),
    )
    .default([]),
  healthPath: z.string().startsWith('/').optional().describe('HTTP path for readiness and liveness probes on the web port.'),
  runAsUser: z.number().int().min(0).optional(),
  runAsGroup: z.number().int().min(0).optional(),
  fsGroup: z.number().int().min(0).optional(),
  egressInternet: z.boolean().default(false).describe('Allow outbound internet traffic under default-deny policies.'),
  vault: z
    .strictObject({
      path: z.string().regex(/^[A-Za-z0-9_][A-Za-z0-9_./-]*$/).describe('Path under the KV mount (secrets.vault.path) whose fields become environment variables.'),
      role: z.string().min(1).max(128).optional().describe('Vault role bound to the app\'s service account. Default: the app name.'),
    })
    .optional()
    .describe('With secrets.mechanism vault: Vault Agent injects the fields of a KV path before the container starts, and `command` runs with them as environment variables.'),
});

export type ContainerConfig = z.output<typeof Config>;

function webPort(c: ContainerConfig) {
  return c.ports.find((p) => p.name === (c.web ?? 'http')) ?? (c.web ? undefined : c.ports[0]);
}

/** Runs the container's command after sourcing the variables Vault Agent wrote. */
const VAULT_ENTRYPOINT = ['/bin/sh', '-c', '. /vault/secrets/env && exec "$@"', 'sh'];

/**
 * Vault Agent injector annotations: an init container (pre-populate only: the
 * variables are read once, at start) logs in with the pod's service account
 * and renders the KV fields as `export KEY='value'` lines to /vault/secrets/env.
 * Values are single-quoted with embedded quotes escaped, so the shell expands nothing.
 */
export function vaultInjection(lab: LabModel, app: string, v: NonNullable<ContainerConfig['vault']>) {
  const vault = lab.spec.secrets.vault!;
  const secretPath = vault.version === 'v2' ? `${vault.path}/data/${v.path}` : `${vault.path}/${v.path}`;
  const fields = vault.version === 'v2' ? '.Data.data' : '.Data';
  const template = [
    `{{- with secret "${secretPath}" -}}`,
    `{{- range $k, $v := ${fields} }}`,
    // A Go raw string (backquotes): "'\\''" is not a valid Go string literal.
    `export {{ $k }}='{{ $v | replaceAll "'" \`'\\''\` }}'`,
    '{{- end }}',
    '{{- end }}',
    '',
  ].join('\n');
  const annotations: Record<string, string> = {
    'vault.hashicorp.com/agent-inject': 'true',
    'vault.hashicorp.com/agent-pre-populate-only': 'true',
    'vault.hashicorp.com/role': v.role ?? app,
    ...(vault.auth.method === 'kubernetes' ? { 'vault.hashicorp.com/auth-path': `auth/${vault.auth.mountPath}` } : {}),
    'vault.hashicorp.com/agent-inject-secret-env': secretPath,
    'vault.hashicorp.com/agent-inject-template-env': template,
  };
  return { annotations, server: vault.server };
}

/** The generic module for the lab's own services: one image, its ports, env and volumes. */
export default defineModule({
  name: 'container',
  kind: 'app',
  summary: 'Any container image: Deployment, Service, ConfigMap, PVCs (the lab\'s own services)',
  layer: 'apps',
  dir: 'container',
  config: Config,
  app: (c) => {
    const web = webPort(c);
    return {
      expose: web ? 'lan' : 'internal',
      web: web && web.protocol === 'TCP' ? { service: (app) => `${app}-server`, port: web.port } : undefined,
      volumes: c.volumes.map((v) => ({ name: v.name, size: v.size, mountPath: v.mountPath, accessMode: v.accessMode })),
      resources: { requests: { cpu: '50m', memory: '128Mi' }, limits: { memory: '512Mi' } },
      replicas: 1,
      egressInternet: c.egressInternet,
    };
  },
  check: ({ lab, config }) => {
    const c = config as ContainerConfig;
    if (!c.vault) return [];
    const out: ModuleProblem[] = [];
    if (lab.spec.secrets.mechanism !== 'vault') {
      out.push({ path: ['config', 'vault'], message: `Vault Agent injection needs secrets.mechanism: vault (it is ${lab.spec.secrets.mechanism})`, hint: 'set secrets.mechanism: vault and secrets.vault, or list a Secret under envFromSecrets instead' });
    }
    if (!c.command) {
      out.push({ path: ['config', 'command'], message: 'with vault, hearth starts the container through a shell that reads the injected variables first, so it needs the command to run', hint: "give the image's entrypoint: command: [/app/bot] (docker inspect shows it)" });
    }
    if (!lab.apps.some((a) => a.module === 'vault' && (a.config as { injector?: boolean }).injector !== false)) {
      out.push({
        path: ['config', 'vault'],
        message: 'no vault app with the Agent injector runs in this lab, so nothing injects the variables',
        hint: 'add the vault app (its injector is on by default), or make sure vault-k8s runs in the cluster',
        severity: 'warning',
      });
    }
    return out;
  },
  render: (ctx) => {
    const app = ctx.component.app!;
    const c = ctx.config as ContainerConfig;
    const inject = c.vault && ctx.lab.spec.secrets.mechanism === 'vault' ? vaultInjection(ctx.lab, app.name, c.vault) : undefined;
    const server = `${app.name}-server`;
    const selector = selectorLabels('container', app.name);
    const manifests: Manifest[] = [];
    const hasEnv = Object.keys(c.env).length > 0;
    if (hasEnv) manifests.push(configMap(ctx, `${app.name}-config`, sortedData(c.env)));
    const envFrom = [
      ...(hasEnv ? [{ configMapRef: { name: `${app.name}-config` } }] : []),
      ...c.envFromSecrets.map((s) => ({ secretRef: { name: s } })),
    ];
    const web = webPort(c);
    const probe = web
      ? c.healthPath && web.protocol === 'TCP'
        ? { httpGet: { path: c.healthPath, port: web.name } }
        : web.protocol === 'TCP'
          ? { tcpSocket: { port: web.name } }
          : undefined
      : undefined;
    const container: Record<string, unknown> = {
      name: app.name,
      image: c.image,
      ...(inject && c.command
        ? { command: [...VAULT_ENTRYPOINT, ...c.command, ...(c.args ?? [])] }
        : { ...(c.command ? { command: c.command } : {}), ...(c.args ? { args: c.args } : {}) }),
      ...(c.ports.length ? { ports: c.ports.map((p) => containerPort(p.name, p.port, p.protocol)) } : {}),
      ...(envFrom.length ? { envFrom } : {}),
      resources: { requests: app.resources.requests, limits: gpuLimits(app.resources.limits, app.gpu ? 1 : 0) },
      securityContext: {
        allowPrivilegeEscalation: false,
        ...(c.runAsUser !== undefined && c.runAsUser > 0 ? { runAsNonRoot: true, runAsUser: c.runAsUser } : {}),
        ...(c.runAsGroup !== undefined ? { runAsGroup: c.runAsGroup } : {}),
        seccompProfile: { type: 'RuntimeDefault' },
      },
      ...(probe ? probes(probe) : {}),
      ...(app.volumes.length ? { volumeMounts: volumeMounts(app.volumes) } : {}),
    };
    const rwo = app.volumes.some((v) => v.accessMode === 'ReadWriteOnce');
    manifests.push(
      deployment(ctx, {
        name: server,
        selector,
        replicas: app.replicas,
        // A ReadWriteOnce volume cannot attach to the old and the new pod at once.
        strategy: { type: rwo ? 'Recreate' : 'RollingUpdate' },
        ...(inject ? { podAnnotations: inject.annotations } : {}),
        pod: {
          // Vault Agent logs in with the pod's service account token.
          ...(inject ? { serviceAccountName: app.name, automountServiceAccountToken: true } : { automountServiceAccountToken: false }),
          ...(c.fsGroup !== undefined ? { securityContext: { fsGroup: c.fsGroup } } : {}),
          ...nodeSelectorOf(app.nodeSelector),
          ...(app.gpu ? nvidiaRuntime() : {}),
          containers: [container],
          ...(app.volumes.length ? { volumes: claimVolumes(app.volumes) } : {}),
        },
      }),
    );
    if (inject) {
      manifests.push({ file: 'service-account', object: { apiVersion: 'v1', kind: 'ServiceAccount', metadata: meta(ctx, app.name, 'server') } });
      const egress = egressTo(inject.server);
      if (egress && defaultDeny(ctx.lab, app.namespace)) {
        manifests.push(networkPolicy(ctx, `${app.name}-vault`, { podSelector: instancePods(app.name), policyTypes: ['Egress'], egress: [egress] }));
      }
    }
    if (c.ports.length > 0) {
      manifests.push(service(ctx, { name: server, selector, ports: c.ports.map((p) => servicePort(p.name, p.port, p.protocol)) }));
    }
    return { manifests };
  },
});
