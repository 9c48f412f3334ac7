/**
 * hearth status against the fake API server: the table and JSON for ready,
 * unready and missing objects, which objects count as the lab's, and the
 * health rules per kind.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { status } from '../../src/cli/commands/operate.js';
import { health } from '../../src/operate/health.js';
import type { StatusResult } from '../../src/operate/status.js';
import { loadOperateLab, renderedObjects } from '../../src/operate/lab.js';
import type { K8sObject } from '../../src/lib/k8s.js';
import { readyStatus, type FakeApiServer } from '../helpers/fake-apiserver.js';
import { startFake, run, FLUX_LAB, ARGO_LAB } from './harness.js';

const HEALTH_KINDS = new Set(['Kustomization', 'HelmRelease', 'Deployment', 'StatefulSet', 'DaemonSet', 'PersistentVolumeClaim']);

/** The lab's rendered objects of the kinds status reads, live and ready (namespaces first), except `skip`. */
async function seedReady(server: FakeApiServer, skip: string[] = []): Promise<K8sObject[]> {
  const { lab } = await loadOperateLab(FLUX_LAB);
  const objects = renderedObjects(lab!);
  for (const o of objects.filter((x) => x.kind === 'Namespace')) server.put(o);
  server.put({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'flux-system' } });
  const seeded = objects.filter((o) => HEALTH_KINDS.has(o.kind) && !skip.includes(o.metadata.name));
  for (const o of seeded) server.put({ ...o, status: readyStatus({ ...o, metadata: { ...o.metadata, generation: 1 } }) });
  return seeded;
}

describe('hearth status', () => {
  test('all healthy: the table, exit 0', async () => {
    const { server, kubeconfig } = await startFake();
    try {
      const seeded = await seedReady(server);
      const r = await run(() => status(FLUX_LAB, { kubeconfig }));
      assert.equal(r.code, 0, r.stdout);
      const lines = r.stdout.trimEnd().split('\n');
      assert.equal(lines[0], `hearth status: lab sdn-lab in context fake (${server.url})`);
      assert.match(lines[2], /^COMPONENT +KIND +NAME +NAMESPACE +STATE +DETAIL$/);
      assert.match(r.stdout, /^flux +Kustomization +apps +flux-system +Ready +ReconciliationSucceeded: Applied revision: main@sha1:0123456789abcdef$/m);
      assert.match(r.stdout, /^postgresql +StatefulSet +postgresql +data +Ready +1\/1 ready$/m);
      assert.match(r.stdout, /^postgresql +PersistentVolumeClaim +postgresql-data +data +Ready +Bound$/m);
      assert.match(r.stdout, /^cert-manager +HelmRelease +cert-manager +cert-manager +Ready /m);
      assert.equal(lines[lines.length - 1], `all ${seeded.length} healthy`);
      // Components in deployment order; the engine's roots first.
      const components = lines.slice(3, -2).map((l) => l.split(/ +/)[0]);
      assert.equal(components[0], 'flux');
      assert.ok(components.indexOf('calico-crds') < components.indexOf('rag'));
    } finally {
      await server.close();
    }
  });

  test('unready, failing and missing objects; chart workloads by release; JSON; exit 1', async () => {
    const { server, kubeconfig } = await startFake();
    try {
      await seedReady(server, ['ollama']);
      server.setStatus({ kind: 'Kustomization', name: 'apps' }, { conditions: [{ type: 'Ready', status: 'False', reason: 'DependencyNotReady', message: "dependency 'flux-system/infra-observability' is not ready" }] });
      server.setStatus({ kind: 'HelmRelease', name: 'traefik' }, { conditions: [{ type: 'Ready', status: 'False', reason: 'InstallFailed', message: 'Helm install failed for release traefik/traefik with chart traefik@39.0.0: context deadline exceeded' }] });
      server.setStatus({ kind: 'StatefulSet', name: 'postgresml' }, { readyReplicas: 0 });
      server.setStatus({ kind: 'PersistentVolumeClaim', name: 'postgresml-data' }, { phase: 'Pending' });
      // What charts made: Helm's release annotation or the instance label names the component.
      server.put({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'cert-manager-webhook', namespace: 'cert-manager', annotations: { 'meta.helm.sh/release-name': 'cert-manager' } },
        spec: { replicas: 1, template: { spec: { containers: [{ name: 'w', image: 'w' }] } } },
        status: { observedGeneration: 1, readyReplicas: 1 },
      });
      server.put({
        apiVersion: 'apps/v1',
        kind: 'DaemonSet',
        metadata: { name: 'traefik', namespace: 'traefik', labels: { 'app.kubernetes.io/instance': 'traefik' } },
        spec: {},
        status: { desiredNumberScheduled: 3, numberReady: 2, observedGeneration: 1 },
      });
      server.put({ apiVersion: 'cert-manager.io/v1', kind: 'Certificate', metadata: { name: 'rag-tls', namespace: 'ai' }, spec: { secretName: 'rag-tls' }, status: readyStatus({ kind: 'Certificate' }) });
      // In an app namespace of the spec, without labels: shown under `-`. In kube-system, unrelated: not shown.
      server.put({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'stray', namespace: 'ai' }, spec: { replicas: 2 }, status: { readyReplicas: 2 } });
      server.put({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'coredns', namespace: 'kube-system' }, spec: { replicas: 1 }, status: { readyReplicas: 0 } });

      const r = await run(() => status(FLUX_LAB, { kubeconfig }));
      assert.equal(r.code, 1);
      const out = r.stdout;
      assert.match(out, /^flux +Kustomization +apps +flux-system +NotReady +Ready=False \(DependencyNotReady: dependency 'flux-system\/infra-observability' is not ready\)$/m);
      assert.match(out, /^traefik +HelmRelease +traefik +traefik +NotReady +Ready=False \(InstallFailed: Helm install failed for release traefik\/traefik/m);
      assert.match(out, /^traefik +DaemonSet +traefik +traefik +Progressing +2\/3 nodes ready$/m);
      assert.match(out, /^cert-manager +Deployment +cert-manager-webhook +cert-manager +Ready +1\/1 ready$/m);
      assert.match(out, /^ollama +HelmRelease +ollama +ai +Missing +not found in the cluster$/m);
      assert.match(out, /^postgresml +StatefulSet +postgresml +data +NotReady +0\/1 ready$/m);
      assert.match(out, /^postgresml +PersistentVolumeClaim +postgresml-data +data +Progressing +Pending \(class /m);
      assert.match(out, /^- +Deployment +stray +ai +Ready +2\/2 ready$/m);
      assert.match(out, /^- +Certificate +rag-tls +ai +Ready /m);
      assert.doesNotMatch(out, /coredns/);
      assert.match(out, /^\d+ healthy, 6 not healthy$/m);

      const j = await run(() => status(FLUX_LAB, { kubeconfig, json: true }));
      assert.equal(j.code, 1);
      const result = JSON.parse(j.stdout) as StatusResult;
      assert.equal(result.healthy, false);
      assert.equal(result.lab, 'sdn-lab');
      assert.deepEqual(result.notServed, []);
      const bad = result.rows.filter((x) => !x.healthy).map((x) => `${x.component} ${x.kind} ${x.name} ${x.state}`);
      assert.deepEqual(bad.sort(), [
        'flux Kustomization apps NotReady',
        'ollama HelmRelease ollama Missing',
        'postgresml PersistentVolumeClaim postgresml-data Progressing',
        'postgresml StatefulSet postgresml NotReady',
        'traefik DaemonSet traefik Progressing',
        'traefik HelmRelease traefik NotReady',
      ]);
      assert.deepEqual(Object.keys(result.rows[0]), ['component', 'kind', 'name', 'namespace', 'state', 'healthy', 'detail']);
    } finally {
      await server.close();
    }
  });

  test('nothing deployed: Flux not installed, the rendered roots are Missing (exit 1)', async () => {
    const { server, kubeconfig } = await startFake({ crds: [] });
    try {
      const r = await run(() => status(FLUX_LAB, { kubeconfig, json: true }));
      assert.equal(r.code, 1);
      const result = JSON.parse(r.stdout) as StatusResult;
      assert.ok(result.notServed.includes('kustomize.toolkit.fluxcd.io/v1 Kustomization'));
      assert.ok(result.rows.some((x) => x.kind === 'Kustomization' && x.state === 'Missing'));
      assert.ok(result.rows.some((x) => x.kind === 'StatefulSet' && x.state === 'Missing'));
    } finally {
      await server.close();
    }
  });
});

describe('hearth status (Argo CD)', () => {
  test('Applications by component: health and sync', async () => {
    const { server, kubeconfig } = await startFake();
    try {
      const { lab } = await loadOperateLab(ARGO_LAB);
      server.put({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'argocd' } });
      const apps = renderedObjects(lab!).filter((o) => o.kind === 'Application');
      for (const a of apps) server.put({ ...a, status: readyStatus(a) });
      server.setStatus({ kind: 'Application', name: 'kube-prometheus-stack-manifests' }, { health: { status: 'Degraded', message: 'Ingress monitoring/kube-prometheus-stack-ingress: no address' }, sync: { status: 'OutOfSync' } });
      const r = await run(() => status(ARGO_LAB, { kubeconfig, json: true }));
      assert.equal(r.code, 1);
      const result = JSON.parse(r.stdout) as StatusResult;
      const row = (name: string) => result.rows.find((x) => x.kind === 'Application' && x.name === name)!;
      assert.equal(row('root').component, 'argocd');
      assert.equal(row('namespaces').component, 'argocd');
      assert.equal(row('filebrowser').component, 'filebrowser');
      assert.equal(row('kube-prometheus-stack').component, 'kube-prometheus-stack');
      assert.deepEqual(row('kube-prometheus-stack-manifests'), {
        component: 'kube-prometheus-stack',
        kind: 'Application',
        name: 'kube-prometheus-stack-manifests',
        namespace: 'argocd',
        state: 'NotReady',
        healthy: false,
        detail: 'health Degraded, sync OutOfSync; Ingress monitoring/kube-prometheus-stack-ingress: no address',
      });
      assert.equal(row('root').detail, 'health Healthy, sync Synced');
      assert.equal(result.rows.filter((x) => x.kind === 'Application').length, apps.length);
    } finally {
      await server.close();
    }
  });
});

describe('health rules', () => {
  const o = (apiVersion: string, kind: string, rest: Record<string, unknown>): K8sObject => ({ apiVersion, kind, metadata: { name: 'x', generation: 2 } as K8sObject['metadata'], ...rest });

  test('workloads: ready replicas against desired, and the latest generation observed', () => {
    assert.equal(health(o('apps/v1', 'Deployment', { spec: { replicas: 2 }, status: { readyReplicas: 2, observedGeneration: 2 } })).state, 'Ready');
    assert.deepEqual(health(o('apps/v1', 'Deployment', { spec: { replicas: 2 }, status: { readyReplicas: 2, observedGeneration: 1 } })), { state: 'Progressing', healthy: false, detail: '2/2 ready' });
    assert.equal(health(o('apps/v1', 'Deployment', { spec: { replicas: 0 }, status: {} })).detail, 'scaled to 0');
    assert.equal(health(o('apps/v1', 'StatefulSet', { spec: {} })).detail, '0/1 ready (no status yet)');
    assert.equal(
      health(o('apps/v1', 'Deployment', { spec: { replicas: 1 }, status: { readyReplicas: 0, conditions: [{ type: 'Available', status: 'False', message: 'Deployment does not have minimum availability.' }] } })).detail,
      '0/1 ready; Deployment does not have minimum availability.',
    );
  });

  test('conditions: Ready, suspended, older generation; Argo CD health and sync; PVC phase', () => {
    const ready = [{ type: 'Ready', status: 'True', reason: 'Succeeded', message: 'ok' }];
    assert.equal(health(o('helm.toolkit.fluxcd.io/v2', 'HelmRelease', { status: { conditions: ready, observedGeneration: 2 } })).state, 'Ready');
    assert.equal(health(o('helm.toolkit.fluxcd.io/v2', 'HelmRelease', { status: { conditions: ready, observedGeneration: 1 } })).state, 'Progressing');
    assert.equal(health(o('kustomize.toolkit.fluxcd.io/v1', 'Kustomization', { spec: { suspend: true }, status: { conditions: ready } })).state, 'Suspended');
    assert.equal(health(o('cert-manager.io/v1', 'Certificate', { status: {} })).detail, 'no Ready condition yet');
    assert.deepEqual(health(o('argoproj.io/v1alpha1', 'Application', { status: { health: { status: 'Degraded', message: 'Deployment x exceeded its progress deadline' }, sync: { status: 'Synced' } } })), {
      state: 'NotReady',
      healthy: false,
      detail: 'health Degraded, sync Synced; Deployment x exceeded its progress deadline',
    });
    assert.equal(health(o('argoproj.io/v1alpha1', 'Application', { status: { health: { status: 'Healthy' }, sync: { status: 'Synced' } } })).healthy, true);
    assert.equal(health(o('v1', 'PersistentVolumeClaim', { spec: { volumeName: 'pv-1' }, status: { phase: 'Bound' } })).detail, 'Bound to pv-1');
    assert.equal(health(o('apiextensions.k8s.io/v1', 'CustomResourceDefinition', { status: { conditions: [{ type: 'Established', status: 'True' }] } })).healthy, true);
    assert.equal(health(undefined).state, 'Missing');
  });
});
