import { test } from 'node:test';
import assert from 'node:assert/strict';
import openWebui from '../../src/catalog/apps/open-webui.js';
import ollama from '../../src/catalog/apps/ollama.js';
import externalLlm from '../../src/catalog/apps/external-llm.js';
import { testLab, renderWith, objects, schemaErrors, kustomizeAll } from '../helpers/module-harness.js';

const modules = [openWebui, ollama, externalLlm];

function values(objs: Record<string, any>[], name: string) {
  const r = objs.find((o) => o.kind === 'HelmRelease' && o.metadata.name === name);
  assert.ok(r, `HelmRelease ${name}`);
  return r.spec.values;
}

test('open-webui: points at the lab\'s Ollama, bundled subcharts off, data on an existing claim', async () => {
  const lab = testLab([
    { name: 'ollama', namespace: 'ai', gpu: true, config: { models: ['llama3.2:3b'] } },
    { name: 'chat', module: 'open-webui', namespace: 'apps', dependsOn: ['ollama'], config: { secretKeySecret: { secret: 'chat-secrets', key: 'WEBUI_SECRET_KEY' }, env: { ENABLE_SIGNUP: 'false' } } },
  ]);
  const r = renderWith(modules, lab);
  assert.deepEqual(r.issues.filter((i) => i.severity === 'error'), []);
  assert.deepEqual(await schemaErrors(r.files), []);
  kustomizeAll(r.files);
  const objs = objects(r.files);
  const hr = objs.find((o) => o.kind === 'HelmRelease' && o.metadata.name === 'chat')!;
  assert.deepEqual([hr.spec.chart.spec.chart, hr.spec.chart.spec.version, hr.spec.chart.spec.sourceRef.name], ['open-webui', '14.8.0', 'open-webui']);
  const v = hr.spec.values;
  assert.equal(v.fullnameOverride, 'chat');
  assert.deepEqual(v.ollamaUrls, ['http://ollama.ai.svc.cluster.local:11434']);
  assert.deepEqual([v.ollama.enabled, v.pipelines.enabled, v.tika.enabled, v.websocket.enabled, v.websocket.redis.enabled], [false, false, false, false, false]);
  assert.equal(v.enableOpenaiApi, false);
  assert.equal(v.openaiBaseApiUrl, undefined);
  assert.equal(v.openaiApiKey, '', 'no literal placeholder key');
  assert.deepEqual(v.persistence, { enabled: true, existingClaim: 'chat-data' });
  assert.deepEqual(v.ingress, { enabled: false });
  assert.deepEqual(v.service, { type: 'ClusterIP', port: 80, containerPort: 8080 });
  assert.deepEqual(v.extraEnvVars, [
    { name: 'WEBUI_URL', value: 'https://chat.lab.example.com' },
    { name: 'WEBUI_SECRET_KEY', valueFrom: { secretKeyRef: { name: 'chat-secrets', key: 'WEBUI_SECRET_KEY' } } },
    { name: 'ENABLE_SIGNUP', value: 'false' },
  ]);
  assert.deepEqual(v.readinessProbe.httpGet, { path: '/health', port: 'http' });
  assert.equal(v.containerSecurityContext.allowPrivilegeEscalation, false);

  const ing = objs.find((o) => o.kind === 'Ingress' && o.metadata.name === 'chat-ingress')!;
  assert.equal(ing.spec.rules[0].host, 'chat.lab.example.com');
  assert.deepEqual(ing.spec.rules[0].http.paths[0].backend.service, { name: 'chat', port: { number: 80 } });
  const pvc = objs.find((o) => o.kind === 'PersistentVolumeClaim' && o.metadata.name === 'chat-data')!;
  assert.equal(pvc.metadata.namespace, 'apps');
  // dependsOn: [ollama] opens the path under default-deny.
  const out = objs.find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === 'chat-network')!;
  assert.ok(out.spec.egress.some((e: any) => e.to.some((t: any) => t.podSelector?.matchLabels['app.kubernetes.io/instance'] === 'ollama')));
  const into = objs.find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === 'ollama-network')!;
  assert.ok(into.spec.ingress.some((i: any) => i.from.some((f: any) => f.podSelector?.matchLabels['app.kubernetes.io/instance'] === 'chat')));
});

test('open-webui: without Ollama it uses the external-llm it depends on, or openaiBaseUrl', async () => {
  const lab = testLab([
    { name: 'lmstudio', module: 'external-llm', namespace: 'ai', config: { externalName: '192.168.1.50' } },
    { name: 'chat', module: 'open-webui', namespace: 'ai', dependsOn: ['lmstudio'] },
    {
      name: 'chat2',
      module: 'open-webui',
      namespace: 'apps',
      expose: 'internal',
      config: { openaiBaseUrl: 'https://llm.example.com/v1', openaiApiKeySecret: { secret: 'llm-key', key: 'api-key' } },
    },
  ]);
  const r = renderWith(modules, lab);
  assert.deepEqual(r.issues.filter((i) => i.severity === 'error'), []);
  kustomizeAll(r.files);
  const objs = objects(r.files);
  const v = values(objs, 'chat');
  assert.deepEqual(v.ollamaUrls, []);
  assert.equal(v.enableOpenaiApi, true);
  assert.equal(v.openaiBaseApiUrl, 'http://lmstudio-server.ai.svc.cluster.local:1234/v1');
  const v2 = values(objs, 'chat2');
  assert.equal(v2.openaiBaseApiUrl, 'https://llm.example.com/v1');
  assert.deepEqual(v2.extraEnvVars, [{ name: 'OPENAI_API_KEY', valueFrom: { secretKeyRef: { name: 'llm-key', key: 'api-key' } } }]);
  assert.ok(!objs.some((o) => o.kind === 'Ingress' && o.metadata.name === 'chat2-ingress'), 'internal: no Ingress');
});

test('open-webui: openaiBaseUrl must be a URL; env must not carry secrets', () => {
  const bad = testLab([{ name: 'chat', module: 'open-webui', namespace: 'apps', config: { openaiBaseUrl: 'lmstudio:1234', env: { WEBUI_SECRET_KEY: 'x' } } }]);
  const r = renderWith(modules, bad);
  const paths = r.issues.filter((i) => i.severity === 'error').map((i) => i.path.join('.'));
  assert.ok(paths.includes('apps.0.config.openaiBaseUrl'), paths.join('\n'));
  assert.ok(paths.includes('apps.0.config.env.WEBUI_SECRET_KEY'), paths.join('\n'));
});
