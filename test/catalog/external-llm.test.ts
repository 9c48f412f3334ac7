import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EndpointSlice } from 'kubernetes-models/discovery.k8s.io/v1';
import externalLlm, { externalLlmUrl } from '../../src/catalog/apps/external-llm.js';
import container from '../../src/catalog/apps/container.js';
import { testLab, renderWith, objects, schemaErrors, kustomizeAll } from '../helpers/module-harness.js';

const client = { image: 'ghcr.io/example/agent:1.0.0', ports: [{ name: 'http', port: 8080 }] };

test('external-llm: a DNS name becomes an ExternalName Service', async () => {
  const lab = testLab([
    { name: 'lmstudio', module: 'external-llm', namespace: 'ai', config: { externalName: 'host.lima.internal' } },
    { name: 'agent', module: 'container', namespace: 'ai', dependsOn: ['lmstudio'], config: client },
  ]);
  const r = renderWith([externalLlm, container], lab);
  assert.deepEqual(r.issues.filter((i) => i.severity === 'error'), []);
  assert.deepEqual(await schemaErrors(r.files), []);
  kustomizeAll(r.files);
  const objs = objects(r.files);
  const svc = objs.find((o) => o.kind === 'Service' && o.metadata.name === 'lmstudio-server')!;
  assert.equal(svc.metadata.namespace, 'ai');
  assert.equal(svc.metadata.labels['app.kubernetes.io/instance'], 'lmstudio');
  assert.deepEqual(svc.spec, { type: 'ExternalName', externalName: 'host.lima.internal', ports: [{ name: 'http', protocol: 'TCP', port: 1234, targetPort: 1234 }] });
  assert.ok(!objs.some((o) => o.kind === 'EndpointSlice'));
  assert.ok(!objs.some((o) => o.kind === 'PersistentVolumeClaim' && o.metadata.namespace === 'ai'), 'no volumes');
  assert.ok(!objs.some((o) => o.kind === 'NetworkPolicy' && o.metadata.name === 'agent-to-lmstudio'), 'address unknown: no egress allow');
  assert.equal(externalLlmUrl(r.model!.apps[0]), 'http://lmstudio-server.ai.svc.cluster.local:1234/v1');
});

test('external-llm: an IP (or a lab host) becomes a selector-less Service + EndpointSlice, with egress for dependents', async () => {
  const lab = testLab(
    [
      { name: 'lmstudio', module: 'external-llm', namespace: 'ai', config: { externalName: '192.168.1.50', port: 1234 } },
      { name: 'desk-ollama', module: 'external-llm', namespace: 'ai', config: { externalName: 'mac', port: 11434, apiPath: '/' } },
      { name: 'agent', module: 'container', namespace: 'apps', dependsOn: ['lmstudio'], config: client },
    ],
    {
      hosts: [
        { name: 'pve', role: 'hypervisor', cpu: 16, memory: '64Gi', ip: '192.168.1.2' },
        { name: 'mac', role: 'workstation', platform: 'macos', cpu: 10, memory: '32Gi', ip: '192.168.1.60' },
      ],
    },
  );
  const r = renderWith([externalLlm, container], lab);
  assert.deepEqual(r.issues.filter((i) => i.severity === 'error'), []);
  assert.deepEqual(await schemaErrors(r.files), []);
  kustomizeAll(r.files);
  const objs = objects(r.files);

  const svc = objs.find((o) => o.kind === 'Service' && o.metadata.name === 'lmstudio-server')!;
  assert.equal(svc.spec.type, 'ClusterIP');
  assert.equal(svc.spec.selector, undefined, 'selector-less: endpoints come from the EndpointSlice');
  const slices = objs.filter((o) => o.kind === 'EndpointSlice');
  assert.equal(slices.length, 2);
  for (const s of slices) {
    assert.doesNotThrow(() => new EndpointSlice(s as any).validate(), `EndpointSlice ${s.metadata.name} matches the discovery.k8s.io/v1 schema`);
  }
  const slice = slices.find((s) => s.metadata.name === 'lmstudio-server')!;
  assert.equal(slice.apiVersion, 'discovery.k8s.io/v1');
  assert.equal(slice.metadata.labels['kubernetes.io/service-name'], 'lmstudio-server');
  assert.equal(slice.metadata.labels['endpointslice.kubernetes.io/managed-by'], 'hearth');
  assert.equal(slice.addressType, 'IPv4');
  assert.deepEqual(slice.endpoints, [{ addresses: ['192.168.1.50'], conditions: { ready: true } }]);
  assert.deepEqual(slice.ports, [{ name: 'http', protocol: 'TCP', port: 1234 }]);
  const mac = slices.find((s) => s.metadata.name === 'desk-ollama-server')!;
  assert.deepEqual(mac.endpoints[0].addresses, ['192.168.1.60'], 'a lab host name resolves to its ip');
  assert.equal(externalLlmUrl(r.model!.apps[1]), 'http://desk-ollama-server.ai.svc.cluster.local:11434');

  const egress = objs.find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === 'agent-to-lmstudio')!;
  assert.equal(egress.metadata.namespace, 'apps', 'in the dependent\'s namespace');
  assert.deepEqual(egress.spec, {
    podSelector: { matchLabels: { 'app.kubernetes.io/instance': 'agent' } },
    policyTypes: ['Egress'],
    egress: [{ to: [{ ipBlock: { cidr: '192.168.1.50/32' } }], ports: [{ protocol: 'TCP', port: 1234 }] }],
  });
});

test('external-llm: externalName must be a host name or an address; it has no web UI to expose', () => {
  const bad = testLab([
    { name: 'lmstudio', module: 'external-llm', namespace: 'ai', config: { externalName: 'http://mac:1234' } },
    { name: 'lm2', module: 'external-llm', namespace: 'ai', expose: 'lan', config: { externalName: 'mac.lan' } },
  ]);
  const r = renderWith([externalLlm], bad);
  const codes = r.issues.filter((i) => i.severity === 'error').map((i) => `${i.code} ${i.path.join('.')}`);
  assert.ok(codes.includes('invalid-value apps.0.config.externalName'), codes.join('\n'));
  assert.ok(codes.includes('invalid-value apps.1.expose'), codes.join('\n'));
});
