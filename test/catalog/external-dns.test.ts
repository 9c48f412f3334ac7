import { test } from 'node:test';
import assert from 'node:assert/strict';
import externalDns, { EXTERNAL_DNS_CHART } from '../../src/catalog/apps/external-dns.js';
import { testLab, renderWith, objects, schemaErrors, kustomizeAll } from '../helpers/module-harness.js';

test('external-dns: Cloudflare with the token from a Secret, lab domain and owner; passes the oracles', async () => {
  const lab = testLab([{ name: 'external-dns', module: 'external-dns', namespace: 'apps', config: { apiToken: { secret: 'cf-dns', key: 'token' } } }]);
  const r = renderWith([externalDns], lab);
  assert.deepEqual(r.issues.filter((i) => i.severity === 'error'), []);
  assert.deepEqual(await schemaErrors(r.files), []);
  kustomizeAll(r.files);
  const objs = objects(r.files);
  assert.equal(objs.find((o) => o.kind === 'HelmRepository' && o.metadata.name === 'external-dns')!.spec.url, EXTERNAL_DNS_CHART.repo);
  const hr = objs.find((o) => o.kind === 'HelmRelease' && o.metadata.name === 'external-dns')!;
  assert.equal(hr.spec.chart.spec.version, '1.22.0');
  const v = hr.spec.values;
  assert.deepEqual(v.provider, { name: 'cloudflare' });
  assert.deepEqual(v.env, [{ name: 'CF_API_TOKEN', valueFrom: { secretKeyRef: { name: 'cf-dns', key: 'token' } } }]);
  assert.deepEqual(v.domainFilters, ['lab.example.com']);
  assert.deepEqual(v.sources, ['ingress', 'service']);
  assert.equal(v.policy, 'upsert-only');
  assert.equal(v.txtOwnerId, 'test-lab');
  assert.equal(v.serviceMonitor.enabled, true);
  assert.equal(v.securityContext.readOnlyRootFilesystem, true);
  assert.deepEqual(v.resources, { requests: { cpu: '10m', memory: '64Mi' }, limits: { memory: '128Mi' } });
  assert.ok(!objs.some((o) => o.kind === 'Secret'), 'the token stays in its Secret');

  const cp = objs.find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === 'external-dns-control-plane')!;
  assert.deepEqual(cp.spec.egress, [{ to: [{ ipBlock: { cidr: '192.168.1.20/32' } }], ports: [{ protocol: 'TCP', port: 6443 }] }], 'API server on the control-plane node');
  assert.equal(cp.metadata.labels['app.kubernetes.io/part-of'], 'test-lab');
  const own = objs.find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === 'external-dns-network')!;
  assert.ok(own.spec.egress.some((e: any) => e.to[0].ipBlock?.cidr === '0.0.0.0/0'), 'internet egress to the Cloudflare API');
});

test('external-dns: settings override filters, sources and policy', () => {
  const lab = testLab([{ name: 'dns', module: 'external-dns', namespace: 'apps', config: { domainFilters: ['example.org'], sources: ['ingress'], policy: 'sync' } }]);
  const r = renderWith([externalDns], lab);
  assert.deepEqual(r.issues.filter((i) => i.severity === 'error'), []);
  const v = objects(r.files).find((o) => o.kind === 'HelmRelease' && o.metadata.name === 'dns')!.spec.values;
  assert.deepEqual([v.domainFilters, v.sources, v.policy], [['example.org'], ['ingress'], 'sync']);
  assert.deepEqual(v.env[0].valueFrom.secretKeyRef, { name: 'cloudflare-api-token', key: 'api-token' }, 'default token Secret');
});

test('external-dns: an unknown policy is reported at its path', () => {
  const bad = testLab([{ name: 'dns', module: 'external-dns', namespace: 'apps', config: { policy: 'delete-all' } }]);
  const r = renderWith([externalDns], bad);
  const codes = r.issues.map((i) => `${i.code} ${i.path.join('.')}`);
  assert.ok(codes.includes('invalid-value apps.0.config.policy'), codes.join('\n'));
});
