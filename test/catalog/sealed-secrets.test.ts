import { test } from 'node:test';
import assert from 'node:assert/strict';
import sealedSecrets, { SEALED_SECRETS_CHART } from '../../src/catalog/apps/sealed-secrets.js';
import { testLab, renderWith, objects, schemaErrors, kustomizeAll } from '../helpers/module-harness.js';

const namespaces = [{ name: 'apps' }, { name: 'security' }];

test('sealed-secrets: controller named for kubeseal, metrics on, passes the oracles', async () => {
  const lab = testLab([{ name: 'sealed-secrets', module: 'sealed-secrets', namespace: 'security', config: { keyRenewPeriod: '720h' } }], { namespaces });
  const r = renderWith([sealedSecrets], lab);
  assert.deepEqual(r.issues.filter((i) => i.severity === 'error'), []);
  assert.deepEqual(await schemaErrors(r.files), []);
  kustomizeAll(r.files);
  const objs = objects(r.files);
  assert.equal(objs.find((o) => o.kind === 'HelmRepository' && o.metadata.name === 'sealed-secrets')!.spec.url, SEALED_SECRETS_CHART.repo);
  const hr = objs.find((o) => o.kind === 'HelmRelease' && o.metadata.name === 'sealed-secrets')!;
  assert.equal(hr.metadata.namespace, 'security', 'installed in the namespace of the app');
  assert.equal(hr.spec.chart.spec.version, '2.18.6');
  const v = hr.spec.values;
  assert.equal(v.fullnameOverride, 'sealed-secrets-controller');
  assert.deepEqual(v.metrics, { serviceMonitor: { enabled: true } });
  assert.equal(v.keyrenewperiod, '720h');
  assert.deepEqual(v.resources, { requests: { cpu: '10m', memory: '64Mi' }, limits: { memory: '256Mi' } });
  assert.equal(v.containerSecurityContext.readOnlyRootFilesystem, true);
  assert.deepEqual(v.containerSecurityContext.capabilities, { drop: ['ALL'] });
  const cp = objs.find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === 'sealed-secrets-control-plane')!;
  assert.deepEqual(cp.spec.ingress, [{ ports: [{ protocol: 'TCP', port: 8080 }] }], 'kubeseal --fetch-cert goes through the API server proxy');
  assert.deepEqual(cp.spec.podSelector.matchLabels, { 'app.kubernetes.io/instance': 'sealed-secrets' });
});

test('sealed-secrets: no ServiceMonitor without a monitoring stack', () => {
  const lab = testLab([{ name: 'ss', module: 'sealed-secrets', namespace: 'security' }], {
    namespaces,
    observability: { metrics: { enabled: false } },
  });
  const r = renderWith([sealedSecrets], lab);
  assert.deepEqual(r.issues.filter((i) => i.severity === 'error'), []);
  const v = objects(r.files).find((o) => o.kind === 'HelmRelease' && o.metadata.name === 'ss')!.spec.values;
  assert.deepEqual(v.metrics, { serviceMonitor: { enabled: false } });
  assert.equal(v.keyrenewperiod, undefined, 'controller default renewal');
});

test('sealed-secrets: a key renewal period that is not a duration is reported at its path', () => {
  const bad = testLab([{ name: 'ss', module: 'sealed-secrets', namespace: 'security', config: { keyRenewPeriod: 'monthly' } }], { namespaces });
  const r = renderWith([sealedSecrets], bad);
  const codes = r.issues.map((i) => `${i.code} ${i.path.join('.')}`);
  assert.ok(codes.includes('invalid-format apps.0.config.keyRenewPeriod'), codes.join('\n'));
});
