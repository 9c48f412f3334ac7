import { test } from 'node:test';
import assert from 'node:assert/strict';
import tailscale, { TAILSCALE_OPERATOR_CHART } from '../../src/catalog/apps/tailscale-operator.js';
import { testLab, renderWith, objects, schemaErrors, kustomizeAll } from '../helpers/module-harness.js';

const namespaces = [{ name: 'apps' }, { name: 'tailscale', networkPolicy: 'allow-all' as const }];

test('tailscale-operator: chart values reference the OAuth Secret and pass the oracles', async () => {
  const lab = testLab([{ name: 'tailscale', module: 'tailscale-operator', namespace: 'tailscale', config: { oauthSecret: 'tailscale-oauth' } }], { namespaces });
  const r = renderWith([tailscale], lab);
  assert.deepEqual(r.issues.filter((i) => i.severity === 'error'), []);
  assert.deepEqual(await schemaErrors(r.files), []);
  kustomizeAll(r.files);
  const objs = objects(r.files);
  const repo = objs.find((o) => o.kind === 'HelmRepository' && o.metadata.name === 'tailscale')!;
  assert.equal(repo.spec.url, 'https://pkgs.tailscale.com/helmcharts');
  const hr = objs.find((o) => o.kind === 'HelmRelease' && o.metadata.name === 'tailscale')!;
  assert.equal(hr.metadata.namespace, 'tailscale');
  assert.equal(hr.spec.chart.spec.version, TAILSCALE_OPERATOR_CHART.version);
  const v = hr.spec.values;
  assert.deepEqual(v.oauthSecretVolume, { secret: { secretName: 'tailscale-oauth' } });
  assert.equal(v.oauth, undefined, 'no inline oauth.clientId / clientSecret');
  assert.equal(v.installCRDs, true);
  assert.equal(v.operatorConfig.hostname, 'test-lab-k8s-operator');
  assert.deepEqual(v.operatorConfig.defaultTags, ['tag:k8s-operator']);
  assert.equal(v.operatorConfig.podLabels['app.kubernetes.io/instance'], 'tailscale');
  assert.deepEqual(v.operatorConfig.resources, { requests: { cpu: '20m', memory: '64Mi' }, limits: { memory: '256Mi' } });
  assert.equal(v.operatorConfig.securityContext.allowPrivilegeEscalation, false);
  assert.equal(v.proxyConfig.defaultTags, 'tag:k8s');
  assert.equal(v.apiServerProxyConfig.mode, 'false');
  assert.ok(!objs.some((o) => o.kind === 'Secret'), 'hearth never writes the OAuth client');
});

test('tailscale-operator: the API server proxy follows cluster.apiServer.exposure: vpn', () => {
  const base = testLab([{ name: 'ts', module: 'tailscale-operator', namespace: 'tailscale' }], { namespaces });
  const lab = { ...base, cluster: { ...base.cluster!, apiServer: { exposure: 'vpn' as const } } };
  const r = renderWith([tailscale], lab);
  assert.deepEqual(r.issues.filter((i) => i.severity === 'error'), []);
  const v = objects(r.files).find((o) => o.kind === 'HelmRelease' && o.metadata.name === 'ts')!.spec.values;
  assert.equal(v.apiServerProxyConfig.mode, 'true');
  assert.deepEqual(v.oauthSecretVolume, { secret: { secretName: 'operator-oauth' } }, 'default Secret name');
});

test('tailscale-operator: a Secret name that is not a DNS label is reported at its path', () => {
  const bad = testLab([{ name: 'ts', module: 'tailscale-operator', namespace: 'tailscale', config: { oauthSecret: 'Operator_OAuth' } }], { namespaces });
  const r = renderWith([tailscale], bad);
  const codes = r.issues.map((i) => `${i.code} ${i.path.join('.')}`);
  assert.ok(codes.includes('invalid-format apps.0.config.oauthSecret'), codes.join('\n'));
});
