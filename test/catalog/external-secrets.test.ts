import { test } from 'node:test';
import assert from 'node:assert/strict';
import externalSecrets, { EXTERNAL_SECRETS_CHART, ESO_API_VERSION } from '../../src/catalog/apps/external-secrets.js';
import { testLab, renderWith, objects, schemaErrors, kustomizeAll } from '../helpers/module-harness.js';

const namespaces = [{ name: 'apps' }, { name: 'security' }];

test('external-secrets: operator with CRDs and a 1Password Connect ClusterSecretStore; passes the oracles', async () => {
  const lab = testLab(
    [
      {
        name: 'external-secrets',
        module: 'external-secrets',
        namespace: 'security',
        config: {
          store: {
            type: 'onepassword',
            connectHost: 'http://onepassword-connect.security.svc.cluster.local:8080',
            vaults: ['homelab', 'shared'],
            token: { secret: 'op-connect-token', key: 'token' },
          },
        },
      },
    ],
    { namespaces },
  );
  const r = renderWith([externalSecrets], lab);
  assert.deepEqual(r.issues.filter((i) => i.severity === 'error'), []);
  assert.deepEqual(await schemaErrors(r.files), []);
  kustomizeAll(r.files);
  const objs = objects(r.files);
  assert.equal(objs.find((o) => o.kind === 'HelmRepository' && o.metadata.name === 'external-secrets')!.spec.url, EXTERNAL_SECRETS_CHART.repo);
  const hr = objs.find((o) => o.kind === 'HelmRelease' && o.metadata.name === 'external-secrets')!;
  assert.equal(hr.spec.chart.spec.version, '2.10.0');
  const v = hr.spec.values;
  assert.equal(v.installCRDs, true);
  assert.equal(v.fullnameOverride, 'external-secrets');
  assert.equal(v.serviceMonitor.enabled, true);
  assert.deepEqual(v.resources, { requests: { cpu: '10m', memory: '64Mi' }, limits: { memory: '256Mi' } });
  assert.equal(v.webhook.securityContext.readOnlyRootFilesystem, true);
  assert.ok(v.certController.resources.limits.memory);

  const store = objs.find((o) => o.kind === 'ClusterSecretStore')!;
  assert.equal(store.apiVersion, ESO_API_VERSION);
  assert.equal(store.metadata.name, 'onepassword');
  assert.equal(store.metadata.namespace, undefined, 'cluster-scoped');
  assert.deepEqual(store.spec.provider.onepassword, {
    connectHost: 'http://onepassword-connect.security.svc.cluster.local:8080',
    vaults: { homelab: 1, shared: 2 },
    auth: { secretRef: { connectTokenSecretRef: { name: 'op-connect-token', key: 'token', namespace: 'security' } } },
  });
  const storeFile = r.files.find((f) => f.contents.includes('kind: ClusterSecretStore'))!;
  assert.match(storeFile.path, /^apps-config\//, 'applied once the chart (and its CRDs) is ready');
  assert.ok(!objs.some((o) => o.kind === 'Secret'), 'no secret values rendered');

  const cp = objs.find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === 'external-secrets-control-plane')!;
  assert.deepEqual(cp.spec.ingress, [{ ports: [{ protocol: 'TCP', port: 10250 }] }], 'the API server reaches the webhook');
  assert.deepEqual(cp.spec.egress[1], { to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'security' } } }] }, 'egress to the in-cluster store');
});

test('external-secrets: a Vault store authenticates with the operator service account', async () => {
  const lab = testLab(
    [
      {
        name: 'eso',
        module: 'external-secrets',
        namespace: 'security',
        config: { store: { type: 'vault', server: 'http://192.168.1.5:8200', auth: { method: 'kubernetes', role: 'external-secrets' } } },
      },
    ],
    { namespaces },
  );
  const r = renderWith([externalSecrets], lab);
  assert.deepEqual(r.issues.filter((i) => i.severity === 'error'), []);
  assert.deepEqual(await schemaErrors(r.files), []);
  const objs = objects(r.files);
  const store = objs.find((o) => o.kind === 'ClusterSecretStore')!;
  assert.equal(store.metadata.name, 'vault');
  assert.deepEqual(store.spec.provider.vault, {
    server: 'http://192.168.1.5:8200',
    path: 'secret',
    version: 'v2',
    auth: { kubernetes: { mountPath: 'kubernetes', role: 'external-secrets', serviceAccountRef: { name: 'eso', namespace: 'security' } } },
  });
  const cp = objs.find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === 'eso-control-plane')!;
  assert.deepEqual(cp.spec.egress[1], { to: [{ ipBlock: { cidr: '192.168.1.5/32' } }], ports: [{ protocol: 'TCP', port: 8200 }] }, 'egress to a LAN store');
});

test('external-secrets: a Vault store without a role is reported at its path', () => {
  const bad = testLab(
    [{ name: 'eso', module: 'external-secrets', namespace: 'security', config: { store: { type: 'vault', server: 'http://vault.security.svc:8200', auth: { method: 'kubernetes' } } } }],
    { namespaces },
  );
  const r = renderWith([externalSecrets], bad);
  const codes = r.issues.map((i) => `${i.code} ${i.path.join('.')}`);
  assert.ok(codes.includes('missing-key apps.0.config.store.auth.role'), codes.join('\n'));
});
