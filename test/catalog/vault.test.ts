import { test } from 'node:test';
import assert from 'node:assert/strict';
import vault, { VAULT_CHART, vaultAddr } from '../../src/catalog/apps/vault.js';
import { testLab, renderWith, objects, schemaErrors, kustomizeAll } from '../helpers/module-harness.js';

const namespaces = [{ name: 'apps' }, { name: 'security' }];

test('vault: standalone with file storage on the chart PVC, injector, UI behind the ingress; passes the oracles', async () => {
  const lab = testLab([{ name: 'vault', module: 'vault', namespace: 'security', storage: 'local-path', config: { dataSize: '5Gi' } }], { namespaces });
  const r = renderWith([vault], lab);
  assert.deepEqual(r.issues.filter((i) => i.severity === 'error'), []);
  assert.deepEqual(await schemaErrors(r.files), []);
  kustomizeAll(r.files);
  const objs = objects(r.files);
  assert.equal(objs.find((o) => o.kind === 'HelmRepository' && o.metadata.name === 'hashicorp')!.spec.url, VAULT_CHART.repo);
  const hr = objs.find((o) => o.kind === 'HelmRelease' && o.metadata.name === 'vault')!;
  assert.equal(hr.spec.chart.spec.version, '0.34.1');
  const v = hr.spec.values;
  assert.equal(v.global.tlsDisable, true);
  assert.equal(v.fullnameOverride, 'vault');
  assert.equal(v.server.dev.enabled, false, 'never dev mode');
  assert.equal(v.server.ha.enabled, false);
  assert.equal(v.server.standalone.enabled, true);
  assert.match(v.server.standalone.config, /storage "file" \{\n {2}path = "\/vault\/data"\n\}/);
  assert.match(v.server.standalone.config, /tls_disable = 1/);
  assert.match(v.server.standalone.config, /unauthenticated_metrics_access = "true"/, 'metrics readable by Prometheus');
  assert.deepEqual(v.server.dataStorage, { enabled: true, size: '5Gi', mountPath: '/vault/data', accessMode: 'ReadWriteOnce', storageClass: 'local-path' });
  assert.deepEqual(v.server.auditStorage, { enabled: false });
  assert.deepEqual(v.server.resources, { requests: { cpu: '100m', memory: '256Mi' }, limits: { memory: '512Mi' } });
  assert.equal(v.server.statefulSet.securityContext.pod.runAsNonRoot, true);
  assert.equal(v.server.statefulSet.securityContext.container.allowPrivilegeEscalation, false);
  assert.equal(v.injector.enabled, true);
  assert.deepEqual(v.ui, { enabled: true, serviceType: 'ClusterIP' });
  assert.equal(v.serverTelemetry.serviceMonitor.enabled, true);
  assert.ok(!objs.some((o) => o.kind === 'PersistentVolumeClaim'), 'the chart owns the data PVC; hearth writes none');

  const ing = objs.find((o) => o.kind === 'Ingress' && o.metadata.name === 'vault-ingress')!;
  assert.equal(ing.spec.rules[0].host, 'vault.lab.example.com');
  assert.deepEqual(ing.spec.rules[0].http.paths[0].backend.service, { name: 'vault-ui', port: { number: 8200 } });
  assert.equal(ing.metadata.annotations['cert-manager.io/cluster-issuer'], 'letsencrypt', 'TLS ends at the ingress');

  const clients = objs.find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === 'vault-clients')!;
  assert.deepEqual(clients.spec.ingress, [{ from: [{ namespaceSelector: {} }], ports: [{ protocol: 'TCP', port: 8200 }] }]);
  const cp = objs.find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === 'vault-control-plane')!;
  assert.deepEqual(cp.spec.ingress, [{ ports: [{ protocol: 'TCP', port: 8080 }] }], 'the API server reaches the injector webhook');
  assert.equal(vaultAddr({ name: 'vault', namespace: 'security' }), 'http://vault.security.svc.cluster.local:8200');
});

test('vault: data PVC on the lab default class; no metrics config without monitoring', () => {
  const lab = testLab([{ name: 'secrets', module: 'vault', namespace: 'security', expose: 'internal', config: { injector: false, auditSize: '2Gi' } }], {
    namespaces,
    observability: { metrics: { enabled: false } },
  });
  const r = renderWith([vault], lab);
  assert.deepEqual(r.issues.filter((i) => i.severity === 'error'), []);
  const objs = objects(r.files);
  const v = objs.find((o) => o.kind === 'HelmRelease' && o.metadata.name === 'secrets')!.spec.values;
  assert.equal(v.server.dataStorage.storageClass, 'nfs');
  assert.deepEqual(v.server.auditStorage, { enabled: true, size: '2Gi', accessMode: 'ReadWriteOnce', storageClass: 'nfs' });
  assert.equal(v.injector.enabled, false);
  assert.doesNotMatch(v.server.standalone.config, /telemetry/);
  assert.equal(v.serverTelemetry.serviceMonitor.enabled, false);
  assert.ok(!objs.some((o) => o.kind === 'Ingress'), 'internal: no ingress');
});

test('vault: a data size that is not a quantity is reported at its path', () => {
  const bad = testLab([{ name: 'vault', module: 'vault', namespace: 'security', config: { dataSize: '10 GB' } }], { namespaces });
  const r = renderWith([vault], bad);
  const codes = r.issues.map((i) => `${i.code} ${i.path.join('.')}`);
  assert.ok(codes.includes('invalid-format apps.0.config.dataSize'), codes.join('\n'));
});
