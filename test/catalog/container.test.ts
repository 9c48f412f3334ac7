import { test } from 'node:test';
import assert from 'node:assert/strict';
import container from '../../src/catalog/apps/container.js';
import { testLab, renderWith, objects, schemaErrors, kustomizeAll } from '../helpers/module-harness.js';

const lab = testLab([
  { name: 'bot', module: 'container', namespace: 'apps', config: { image: 'ghcr.io/example/bot:1.0.0', envFromSecrets: ['bot-token'], egressInternet: true } },
  {
    name: 'web',
    module: 'container',
    namespace: 'apps',
    dependsOn: ['bot'],
    config: { image: 'nginx:1.29.8-alpine', ports: [{ name: 'http', port: 8080 }], volumes: [{ name: 'data', mountPath: '/data', size: '2Gi' }], healthPath: '/healthz', env: { MODE: 'prod' } },
  },
  { name: 'gpu-job', module: 'container', namespace: 'ai', gpu: true, config: { image: 'vllm/vllm-openai:v0.27.1', ports: [{ name: 'http', port: 8000 }] } },
]);

test('container: renders production-shaped objects that pass the oracles', async () => {
  const r = renderWith([container], lab);
  assert.deepEqual(r.issues.filter((i) => i.severity === 'error'), []);
  assert.deepEqual(await schemaErrors(r.files), []);
  kustomizeAll(r.files);
  const objs = objects(r.files);
  const web = objs.find((o) => o.kind === 'Deployment' && o.metadata.name === 'web-server')!;
  const c = web.spec.template.spec.containers[0];
  assert.deepEqual(c.resources, { requests: { cpu: '50m', memory: '128Mi' }, limits: { memory: '512Mi' } });
  assert.equal(c.securityContext.allowPrivilegeEscalation, false);
  assert.equal(web.spec.strategy.type, 'Recreate', 'RWO volume: Recreate');
  assert.deepEqual(c.readinessProbe.httpGet, { path: '/healthz', port: 'http' });
  const ing = objs.find((o) => o.kind === 'Ingress' && o.metadata.name === 'web-ingress')!;
  assert.equal(ing.spec.rules[0].host, 'web.lab.example.com');
  assert.equal(ing.metadata.annotations['cert-manager.io/cluster-issuer'], 'letsencrypt');
  const pvc = objs.find((o) => o.kind === 'PersistentVolumeClaim')!;
  assert.deepEqual([pvc.metadata.name, pvc.spec.storageClassName, pvc.spec.resources.requests.storage], ['web-data', 'nfs', '2Gi']);
  const netpol = objs.find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === 'bot-network')!;
  assert.deepEqual(netpol.spec.ingress.at(-1).from[0].podSelector.matchLabels, { 'app.kubernetes.io/instance': 'web' }, 'web (the dependent) may reach bot');
  assert.ok(netpol.spec.egress.some((e: any) => e.to[0].ipBlock?.cidr === '0.0.0.0/0'), 'bot has internet egress');
  const gpu = objs.find((o) => o.kind === 'Deployment' && o.metadata.name === 'gpu-job-server')!;
  assert.equal(gpu.spec.template.spec.containers[0].resources.limits['nvidia.com/gpu'], '1');
  assert.equal(gpu.spec.template.spec.runtimeClassName, 'nvidia');
});

test('container: images must be pinned; secrets must not be literal env values', () => {
  const bad = testLab([{ name: 'x', module: 'container', namespace: 'apps', config: { image: 'nginx', env: { API_TOKEN: 'abc' } } }]);
  const r = renderWith([container], bad);
  const codes = r.issues.map((i) => `${i.code} ${i.path.join('.')}`);
  assert.ok(codes.includes('invalid-value apps.0.config.image'), codes.join('\n'));
});
