import { z } from 'zod';
import { defineModule, type ChartRef } from '../types.js';
import type { AppModel } from '../../model/types.js';
import { gpuNodeSelector, nodeSelectorOf, nvidiaNodes, nvidiaRuntime, plainEnv } from './_shared.js';

/** GPU scheduling helpers, first written for this module; other modules import them from ./_shared.js. */
export { gpuNodeSelector, GPU_TOLERATION, nvidiaNodes } from './_shared.js';

/** otwld/ollama-helm: chart 1.79.0 ships Ollama 0.33.2 (its appVersion). */
export const OLLAMA_CHART: ChartRef = {
  repo: 'https://helm.otwld.com/',
  repoName: 'otwld',
  chart: 'ollama',
  version: '1.79.0',
  evidence: 'docs/research/app-charts.md',
};

export const OLLAMA_PORT = 11434;

/** The chart names its objects after `fullnameOverride`, which hearth sets to the app name. */
export function ollamaService(app: string): string {
  return app;
}

/** In-cluster URL of an Ollama app (for Open WebUI and other clients). */
export function ollamaUrl(app: Pick<AppModel, 'name' | 'namespace'>): string {
  return `http://${ollamaService(app.name)}.${app.namespace}.svc.cluster.local:${OLLAMA_PORT}`;
}

const model = z
  .string()
  .regex(/^[a-z0-9][a-z0-9._\-/]*(:[A-Za-z0-9._-]+)?$/)
  .describe('An Ollama model name with an optional tag: llama3.2:3b, nomic-embed-text');

const Config = z.strictObject({
  models: z.array(model).default([]).describe('Models to pull when the pod starts (already pulled models are kept on the models volume).'),
  keepAlive: z
    .string()
    .regex(/^(-1|0|[0-9]+(ms|s|m|h))$/)
    .optional()
    .describe('How long a model stays loaded after a request (OLLAMA_KEEP_ALIVE): 5m, 24h, -1 = forever.'),
  env: plainEnv.describe('Extra plain OLLAMA_* settings (OLLAMA_CONTEXT_LENGTH, OLLAMA_FLASH_ATTENTION, ...). Never secrets.'),
});

export type OllamaConfig = z.output<typeof Config>;

/** Ollama from the otwld chart: CPU by default, NVIDIA GPU when the app asks for one and the lab has a GPU node. */
export default defineModule({
  name: 'ollama',
  kind: 'app',
  summary: 'Ollama LLM server (otwld chart): models volume, optional NVIDIA GPU',
  layer: 'apps',
  dir: 'ollama',
  chart: OLLAMA_CHART,
  config: Config,
  app: () => ({
    // The API has no authentication: cluster-internal unless the spec says otherwise.
    expose: 'internal',
    web: { service: ollamaService, port: OLLAMA_PORT },
    volumes: [{ name: 'models', size: '50Gi', mountPath: '/root/.ollama', content: 'cache' }], // pulled again on demand
    resources: { requests: { cpu: '1', memory: '4Gi' }, limits: { memory: '16Gi' } },
    replicas: 1,
    // Model pulls from registry.ollama.ai.
    egressInternet: true,
  }),
  render: (ctx) => {
    const app = ctx.component.app!;
    const c = ctx.config as OllamaConfig;
    const gpu = app.gpu && nvidiaNodes(ctx.lab).length > 0;
    const models = app.volumes.find((v) => v.name === 'models')!;
    const env: { name: string; value: string }[] = [];
    if (c.keepAlive !== undefined) env.push({ name: 'OLLAMA_KEEP_ALIVE', value: c.keepAlive });
    for (const k of Object.keys(c.env).sort()) env.push({ name: k, value: c.env[k] });
    const nodeSelector = gpu ? gpuNodeSelector(ctx.lab, app) : app.nodeSelector;
    const values: Record<string, unknown> = {
      fullnameOverride: ollamaService(app.name),
      replicaCount: app.replicas,
      // The models volume is ReadWriteOnce: the old pod must go before the new one mounts it.
      updateStrategy: { type: 'Recreate' },
      ollama: {
        gpu: gpu ? { enabled: true, type: 'nvidia', number: 1 } : { enabled: false },
        models: { pull: c.models },
        mountPath: models.mountPath,
      },
      persistentVolume: { enabled: true, existingClaim: models.claim },
      service: { type: 'ClusterIP', port: OLLAMA_PORT },
      ingress: { enabled: false },
      serviceAccount: { automount: false },
      podSecurityContext: { seccompProfile: { type: 'RuntimeDefault' } },
      securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
      resources: { requests: app.resources.requests, limits: app.resources.limits },
      extraEnv: env,
      ...nodeSelectorOf(nodeSelector),
      ...(gpu ? nvidiaRuntime() : {}),
    };
    return { values, manifests: [] };
  },
});
