import { test } from 'node:test';
import assert from 'node:assert/strict';
import vllm, { vllmUrl } from '../../src/catalog/apps/vllm.js';
import { testLab, renderWith, objects, schemaErrors, kustomizeAll } from '../helpers/module-harness.js';

test('vllm: a GPU Deployment with the model cache, HF token from a Secret, OpenAI port', async () => {
  const lab = testLab([
    {
      name: 'vllm',
      namespace: 'ai',
      config: {
        model: 'Qwen/Qwen2.5-7B-Instruct',
        servedModelName: 'qwen2.5-7b',
        maxModelLen: 8192,
        extraArgs: ['--enable-prefix-caching'],
        hfTokenSecret: { secret: 'hf', key: 'token' },
      },
    },
  ]);
  const r = renderWith([vllm], lab);
  assert.deepEqual(r.issues.filter((i) => i.severity === 'error'), []);
  assert.deepEqual(await schemaErrors(r.files), []);
  kustomizeAll(r.files);
  const objs = objects(r.files);
  const d = objs.find((o) => o.kind === 'Deployment' && o.metadata.name === 'vllm-server')!;
  assert.equal(d.metadata.labels['app.kubernetes.io/instance'], 'vllm');
  assert.equal(d.spec.strategy.type, 'Recreate');
  const pod = d.spec.template.spec;
  assert.equal(pod.runtimeClassName, 'nvidia');
  assert.deepEqual(pod.tolerations, [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }]);
  assert.deepEqual(pod.nodeSelector, { 'hearth.dev/gpu': 'true' });
  assert.equal(pod.automountServiceAccountToken, false);
  const c = pod.containers[0];
  assert.equal(c.image, 'vllm/vllm-openai:v0.27.1');
  assert.deepEqual(c.command, ['vllm', 'serve']);
  assert.deepEqual(c.args, [
    'Qwen/Qwen2.5-7B-Instruct',
    '--host', '0.0.0.0',
    '--port', '8000',
    '--gpu-memory-utilization', '0.9',
    '--served-model-name', 'qwen2.5-7b',
    '--max-model-len', '8192',
    '--enable-prefix-caching',
  ]);
  assert.deepEqual(c.env, [{ name: 'HF_TOKEN', valueFrom: { secretKeyRef: { name: 'hf', key: 'token' } } }]);
  assert.equal(c.resources.limits['nvidia.com/gpu'], '1');
  assert.deepEqual(c.resources.requests, { cpu: '2', memory: '8Gi' });
  assert.equal(c.securityContext.allowPrivilegeEscalation, false);
  assert.deepEqual(c.startupProbe.httpGet, { path: '/health', port: 'http' });
  assert.deepEqual(c.volumeMounts, [
    { name: 'models', mountPath: '/root/.cache/huggingface' },
    { name: 'shm', mountPath: '/dev/shm' },
  ]);
  assert.deepEqual(pod.volumes, [
    { name: 'models', persistentVolumeClaim: { claimName: 'vllm-models' } },
    { name: 'shm', emptyDir: { medium: 'Memory', sizeLimit: '2Gi' } },
  ]);
  const pvc = objs.find((o) => o.kind === 'PersistentVolumeClaim' && o.metadata.name === 'vllm-models')!;
  assert.equal(pvc.spec.resources.requests.storage, '50Gi');
  const svc = objs.find((o) => o.kind === 'Service' && o.metadata.name === 'vllm-server')!;
  assert.deepEqual(svc.spec.ports, [{ name: 'http', port: 8000, targetPort: 'http', protocol: 'TCP' }]);
  assert.deepEqual(svc.spec.selector, { 'app.kubernetes.io/name': 'vllm', 'app.kubernetes.io/instance': 'vllm' });
  assert.equal(vllmUrl(r.model!.apps[0]), 'http://vllm-server.ai.svc.cluster.local:8000/v1');
});

test('vllm: two GPUs set tensor parallelism; the app nodeSelector wins', () => {
  const lab = testLab([{ name: 'big', module: 'vllm', namespace: 'ai', nodeSelector: { 'kubernetes.io/hostname': 'gpu-1' }, config: { model: 'meta-llama/Llama-3.1-8B-Instruct', gpus: 2 } }]);
  const r = renderWith([vllm], lab);
  assert.deepEqual(r.issues.filter((i) => i.severity === 'error'), []);
  const d = objects(r.files).find((o) => o.kind === 'Deployment' && o.metadata.name === 'big-server')!;
  const c = d.spec.template.spec.containers[0];
  assert.equal(c.resources.limits['nvidia.com/gpu'], '2');
  assert.deepEqual(c.args.slice(-2), ['--tensor-parallel-size', '2']);
  assert.deepEqual(d.spec.template.spec.nodeSelector, { 'kubernetes.io/hostname': 'gpu-1' });
});

test('vllm: the model is required; credentials never go into extraArgs', () => {
  const bad = testLab([
    { name: 'vllm', namespace: 'ai', config: {} },
    { name: 'vllm2', module: 'vllm', namespace: 'ai', config: { model: 'org/model', extraArgs: ['--api-key', 'sk-123'] } },
  ]);
  const r = renderWith([vllm], bad);
  const codes = r.issues.filter((i) => i.severity === 'error').map((i) => `${i.code} ${i.path.join('.')}`);
  assert.ok(codes.includes('missing-key apps.0.config.model'), codes.join('\n'));
  assert.ok(codes.includes('invalid-value apps.1.config.extraArgs'), codes.join('\n'));
});
