import { test } from 'node:test';
import assert from 'node:assert/strict';
import { validateObject } from './k8s-oracle.js';

const deployment = () => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', labels: { 'app.kubernetes.io/name': 'web' } },
  spec: {
    replicas: 1,
    selector: { matchLabels: { app: 'web' } },
    template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx:1.29', ports: [{ containerPort: 80 }] }] } },
  },
});

// The oracle itself must be able to fail, or every other test proves nothing.
test('accepts a valid Deployment', async () => {
  assert.deepEqual((await validateObject(deployment())).errors, []);
});

test('rejects a wrong type', async () => {
  const d = deployment() as any;
  d.spec.replicas = 'two';
  assert.ok((await validateObject(d)).errors.length > 0);
});

test('rejects a missing required field', async () => {
  const d = deployment() as any;
  delete d.spec.template.spec.containers[0].name;
  assert.ok((await validateObject(d)).errors.length > 0);
});

test('strict pass catches a misspelled field', async () => {
  const d = deployment() as any;
  d.spec.template.spec.containers[0].imagePullPolicyy = 'Always';
  d.spec.replica = 2;
  const r = await validateObject(d);
  assert.deepEqual(r.errors, ['/spec/replica: unknown field', '/spec/template/spec/containers/0/imagePullPolicyy: unknown field']);
});

test('strict pass leaves maps and free-form Helm values alone', async () => {
  const r = await validateObject({
    apiVersion: 'helm.toolkit.fluxcd.io/v2',
    kind: 'HelmRelease',
    metadata: { name: 'x', namespace: 'y', labels: { anything: 'goes' } } as { name: string },
    spec: { interval: '30m', chart: { spec: { chart: 'c', sourceRef: { kind: 'HelmRepository', name: 'r' } } }, values: { whatever: { nested: true } } },
  });
  assert.deepEqual(r.errors, []);
});

test('strict pass works for CRD schemas too', async () => {
  const r = await validateObject({
    apiVersion: 'cert-manager.io/v1',
    kind: 'ClusterIssuer',
    metadata: { name: 'x' },
    spec: { selfSigned: {}, selfSignd: {} },
  });
  assert.deepEqual(r.errors, ['/spec/selfSignd: unknown field']);
});
