import { test } from 'node:test';
import assert from 'node:assert/strict';
import ollama, { ollamaUrl } from '../../src/catalog/apps/ollama.js';
import { testLab, renderWith, objects, schemaErrors, kustomizeAll } from '../helpers/module-harness.js';

const lab = testLab([
  { name: 'ollama', namespace: 'ai', gpu: true, config: { models: ['llama3.2:3b', 'nomic-embed-text'], keepAlive: '24h' } },
  { name: 'ollama-cpu', module: 'ollama', namespace: 'ai', volumes: { models: { size: '20Gi' } }, config: { env: { OLLAMA_CONTEXT_LENGTH: '8192' } } },
]);

function release(objs: Record<string, any>[], name: string) {
  const r = objs.find((o) => o.kind === 'HelmRelease' && o.metadata.name === name);
  assert.ok(r, `HelmRelease ${name}`);
  return r;
}

test('ollama: chart values, GPU only with gpu: true, models on an existing claim', async () => {
  const r = renderWith([ollama], lab);
  assert.deepEqual(r.issues.filter((i) => i.severity === 'error'), []);
  assert.deepEqual(await schemaErrors(r.files), []);
  kustomizeAll(r.files);
  const objs = objects(r.files);

  const gpu = release(objs, 'ollama');
  assert.deepEqual(gpu.spec.chart.spec, { chart: 'ollama', version: '1.79.0', sourceRef: { kind: 'HelmRepository', name: 'otwld', namespace: 'flux-system' }, interval: '12h' });
  const v = gpu.spec.values;
  assert.equal(v.fullnameOverride, 'ollama');
  assert.deepEqual(v.ollama.gpu, { enabled: true, type: 'nvidia', number: 1 });
  assert.deepEqual(v.ollama.models, { pull: ['llama3.2:3b', 'nomic-embed-text'] });
  assert.equal(v.ollama.mountPath, '/root/.ollama');
  assert.equal(v.runtimeClassName, 'nvidia');
  assert.deepEqual(v.nodeSelector, { 'hearth.dev/gpu': 'true' }, 'the labels of the lab\'s GPU nodes');
  assert.deepEqual(v.tolerations, [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }]);
  assert.deepEqual(v.persistentVolume, { enabled: true, existingClaim: 'ollama-models' });
  assert.deepEqual(v.updateStrategy, { type: 'Recreate' });
  assert.deepEqual(v.extraEnv, [{ name: 'OLLAMA_KEEP_ALIVE', value: '24h' }]);
  assert.deepEqual(v.resources, { requests: { cpu: '1', memory: '4Gi' }, limits: { memory: '16Gi' } });
  assert.equal(v.securityContext.allowPrivilegeEscalation, false);
  assert.equal(v.serviceAccount.automount, false);

  const cpu = release(objs, 'ollama-cpu').spec.values;
  assert.deepEqual(cpu.ollama.gpu, { enabled: false });
  assert.equal(cpu.runtimeClassName, undefined);
  assert.equal(cpu.nodeSelector, undefined);
  assert.equal(cpu.tolerations, undefined);
  assert.deepEqual(cpu.ollama.models, { pull: [] });
  assert.deepEqual(cpu.extraEnv, [{ name: 'OLLAMA_CONTEXT_LENGTH', value: '8192' }]);
  assert.equal(cpu.persistentVolume.existingClaim, 'ollama-cpu-models');

  const pvcs = objs.filter((o) => o.kind === 'PersistentVolumeClaim').map((o) => [o.metadata.name, o.metadata.namespace, o.spec.resources.requests.storage]);
  assert.deepEqual(pvcs.sort(), [
    ['ollama-cpu-models', 'ai', '20Gi'],
    ['ollama-models', 'ai', '50Gi'],
  ]);
  assert.ok(!objs.some((o) => o.kind === 'Ingress' && o.metadata.namespace === 'ai'), 'internal by default: no Ingress');
  const netpol = objs.find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === 'ollama-network')!;
  assert.ok(netpol.spec.egress.some((e: any) => e.to[0].ipBlock?.cidr === '0.0.0.0/0'), 'model pulls need internet egress');
  assert.equal(ollamaUrl(r.model!.apps[0]), 'http://ollama.ai.svc.cluster.local:11434');
});

test('ollama: gpu: true in a lab without a GPU node stays on CPU', () => {
  const base = testLab([{ name: 'ollama', namespace: 'ai', gpu: true }]);
  const noGpu = { ...base, nodes: [base.nodes![0]], cluster: { ...base.cluster!, workers: [] } };
  const r = renderWith([ollama], noGpu);
  assert.deepEqual(r.issues.filter((i) => i.severity === 'error'), []);
  const v = release(objects(r.files), 'ollama').spec.values;
  assert.deepEqual(v.ollama.gpu, { enabled: false });
  assert.equal(v.runtimeClassName, undefined);
});

test('ollama: model names are checked; env must not carry secrets', () => {
  const bad = testLab([{ name: 'ollama', namespace: 'ai', config: { models: ['Llama 3'], env: { OLLAMA_API_KEY: 'x' } } }]);
  const r = renderWith([ollama], bad);
  const codes = r.issues.map((i) => `${i.code} ${i.path.join('.')}`);
  assert.ok(codes.includes('invalid-format apps.0.config.models.0'), codes.join('\n'));
  assert.ok(codes.includes('invalid-value apps.0.config.env.OLLAMA_API_KEY'), codes.join('\n'));
});
