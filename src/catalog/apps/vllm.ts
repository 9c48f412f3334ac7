import { z } from 'zod';
import { defineModule } from '../types.js';
import { selectorLabels } from '../../lib/k8s.js';
import { SecretRef } from '../../spec/schema.js';
import type { AppModel } from '../../model/types.js';
import { claimVolumes, containerPort, deployment, gpuLimits, gpuScheduling, pinnedImage, probes, secretEnv, service, servicePort, volumeMounts } from './_shared.js';

/** vllm/vllm-openai on Docker Hub (docs/research/app-charts.md §2.5). */
export const VLLM_IMAGE = 'vllm/vllm-openai:v0.27.1';
export const VLLM_PORT = 8000;

const Config = z.strictObject({
  model: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*(\/[A-Za-z0-9._-]+)?$/)
    .describe('Hugging Face model id: Qwen/Qwen2.5-7B-Instruct'),
  servedModelName: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:/-]*$/).optional().describe('Name clients use in requests (--served-model-name). Default: the model id.'),
  maxModelLen: z.number().int().min(256).optional().describe('Context length limit (--max-model-len); lower it when the KV cache does not fit.'),
  gpuMemoryUtilization: z.number().gt(0).max(1).default(0.9).describe('Share of GPU memory vLLM may take (--gpu-memory-utilization).'),
  gpus: z.number().int().min(1).max(8).default(1).describe('GPUs to request; more than 1 sets --tensor-parallel-size.'),
  extraArgs: z
    .array(z.string())
    .default([])
    .refine((a) => !a.some((x) => /^--(api-key|hf-token)\b/.test(x)), 'pass credentials as Secret references (apiKeySecret, hfTokenSecret), never as arguments')
    .describe('More `vllm serve` arguments: ["--dtype", "half", "--enable-prefix-caching"].'),
  hfTokenSecret: SecretRef.optional().describe('Hugging Face token for gated models (HF_TOKEN), from a Secret.'),
  apiKeySecret: SecretRef.optional().describe('API key clients must send (VLLM_API_KEY), from a Secret.'),
  shmSize: z.string().regex(/^[0-9]+(Mi|Gi)$/).default('2Gi').describe('Size of the in-memory /dev/shm (tensor-parallel workers share it).'),
  image: pinnedImage.default(VLLM_IMAGE).describe('vLLM OpenAI server image, pinned.'),
});

export type VllmConfig = z.output<typeof Config>;

export function vllmService(app: string): string {
  return `${app}-server`;
}

/** In-cluster base URL of the OpenAI-compatible API. */
export function vllmUrl(app: Pick<AppModel, 'name' | 'namespace'>): string {
  return `http://${vllmService(app.name)}.${app.namespace}.svc.cluster.local:${VLLM_PORT}/v1`;
}

/** vLLM's OpenAI-compatible server as a raw Deployment; always on an NVIDIA GPU. */
export default defineModule({
  name: 'vllm',
  kind: 'app',
  summary: 'vLLM OpenAI-compatible inference server on an NVIDIA GPU (Deployment, Service, model cache)',
  layer: 'apps',
  dir: 'vllm',
  config: Config,
  app: () => ({
    expose: 'internal',
    web: { service: vllmService, port: VLLM_PORT },
    volumes: [{ name: 'models', size: '50Gi', mountPath: '/root/.cache/huggingface', content: 'cache' }],
    resources: { requests: { cpu: '2', memory: '8Gi' }, limits: { memory: '24Gi' } },
    replicas: 1,
    // Model downloads from Hugging Face.
    egressInternet: true,
  }),
  render: (ctx) => {
    const app = ctx.component.app!;
    const c = ctx.config as VllmConfig;
    const name = vllmService(app.name);
    const selector = selectorLabels('vllm', app.name);
    const args = [c.model, '--host', '0.0.0.0', '--port', String(VLLM_PORT), '--gpu-memory-utilization', String(c.gpuMemoryUtilization)];
    if (c.servedModelName) args.push('--served-model-name', c.servedModelName);
    if (c.maxModelLen !== undefined) args.push('--max-model-len', String(c.maxModelLen));
    if (c.gpus > 1) args.push('--tensor-parallel-size', String(c.gpus));
    args.push(...c.extraArgs);
    const env: Record<string, unknown>[] = [];
    if (c.hfTokenSecret) env.push(secretEnv('HF_TOKEN', c.hfTokenSecret.secret, c.hfTokenSecret.key));
    if (c.apiKeySecret) env.push(secretEnv('VLLM_API_KEY', c.apiKeySecret.secret, c.apiKeySecret.key));
    const container = {
      name: 'vllm',
      image: c.image,
      command: ['vllm', 'serve'],
      args,
      ports: [containerPort('http', VLLM_PORT)],
      ...(env.length ? { env } : {}),
      resources: { requests: app.resources.requests, limits: gpuLimits(app.resources.limits, c.gpus) },
      securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' } },
      // Downloading and loading a model takes minutes: the startup probe allows 30.
      ...probes({ httpGet: { path: '/health', port: 'http' } }, { periodSeconds: 10, failureThreshold: 180 }),
      volumeMounts: [...volumeMounts(app.volumes), { name: 'shm', mountPath: '/dev/shm' }],
    };
    const manifests = [
      deployment(ctx, {
        name,
        selector,
        replicas: app.replicas,
        // The model cache is ReadWriteOnce and the GPU is taken: the old pod goes first.
        strategy: { type: 'Recreate' },
        pod: {
          automountServiceAccountToken: false,
          ...gpuScheduling(ctx.lab, app),
          containers: [container],
          volumes: [...claimVolumes(app.volumes), { name: 'shm', emptyDir: { medium: 'Memory', sizeLimit: c.shmSize } }],
        },
      }),
      service(ctx, { name, selector, ports: [servicePort('http', VLLM_PORT)] }),
    ];
    return { manifests };
  },
});
