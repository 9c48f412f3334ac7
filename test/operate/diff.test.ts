/**
 * hearth diff against the fake API server: a cluster holding exactly what
 * the lab renders (plus the server's defaults and status) has no
 * differences; then objects go missing, linger, and change.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { diff } from '../../src/cli/commands/operate.js';
import { compareObject, type DiffResult } from '../../src/operate/diff.js';
import { loadOperateLab, renderedObjects } from '../../src/operate/lab.js';
import type { K8sObject } from '../../src/lib/k8s.js';
import type { FakeApiServer } from '../helpers/fake-apiserver.js';
import { startFake, run, ARGO_LAB } from './harness.js';

/** Everything the lab renders, as a GitOps engine would have applied it (namespaces first). */
async function seedLab(server: FakeApiServer): Promise<K8sObject[]> {
  const { lab } = await loadOperateLab(ARGO_LAB);
  const objects = renderedObjects(lab!);
  for (const o of [...objects.filter((x) => x.kind === 'Namespace'), ...objects.filter((x) => x.kind !== 'Namespace')]) {
    try {
      server.put({ ...o, status: { observed: true } });
    } catch {
      // A kind this fake server was started without (its CRD is not installed).
    }
  }
  return objects;
}

const LABELS = { 'app.kubernetes.io/managed-by': 'hearth', 'app.kubernetes.io/part-of': 'mac-mini-lab' };

describe('hearth diff', () => {
  test('live as rendered (with server defaults, status, managedFields): no differences, exit 0', async () => {
    const { server, kubeconfig } = await startFake();
    try {
      const objects = await seedLab(server);
      // The server filled in defaults the lab never set.
      const dep = server.get({ kind: 'Deployment', name: 'filebrowser-server' })!;
      assert.equal(dep.spec.progressDeadlineSeconds, 600);
      assert.ok(server.get({ kind: 'Service', name: 'filebrowser-server' })!.spec.clusterIP);
      const r = await run(() => diff(ARGO_LAB, { kubeconfig }));
      assert.equal(r.code, 0, r.stdout);
      assert.match(r.stdout, new RegExp(`^no differences: ${objects.length} objects identical$`, 'm'));
      // hearth-owned only: every list used the label selector.
      const lists = server.requests.filter((q) => q.method === 'GET' && /\/[a-z]+$/.test(q.path) && !/^\/apis?\/[^/]+(\/[^/]+)?$/.test(q.path));
      assert.ok(lists.length > 10);
      for (const q of lists) assert.equal(q.query.labelSelector, 'app.kubernetes.io/managed-by=hearth,app.kubernetes.io/part-of=mac-mini-lab', q.path);
    } finally {
      await server.close();
    }
  });

  test('missing, no longer rendered, changed: listed, with a unified diff per object; exit 1', async () => {
    const { server, kubeconfig } = await startFake();
    try {
      await seedLab(server);
      server.remove({ kind: 'Deployment', name: 'filebrowser-server' });
      server.mutate({ kind: 'Deployment', name: 'vaultwarden-server' }, (o) => {
        o.spec.template.spec.containers[0].image = 'vaultwarden/server:1.0.0';
        o.spec.replicas = 3;
      });
      server.mutate({ kind: 'Service', name: 'plex-server' }, (o) => {
        o.metadata.labels['app.kubernetes.io/component'] = 'edited';
        o.metadata.labels['team'] = 'media'; // a label hearth does not set: ignored
      });
      // Same quantity, other unit: not a change.
      server.mutate({ kind: 'PersistentVolumeClaim', name: 'filebrowser-database' }, (o) => {
        o.spec.resources.requests.storage = '1024Mi';
      });
      // Lingering: hearth's labels, no longer rendered.
      server.put({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'legacy-settings', namespace: 'tools', labels: LABELS }, data: { a: '1' } });
      // Not counted: someone else's object, an object a controller made from a Service, a Secret.
      server.put({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'not-ours', namespace: 'tools' }, data: {} });
      server.put({
        apiVersion: 'discovery.k8s.io/v1',
        kind: 'EndpointSlice',
        metadata: { name: 'plex-server-abcde', namespace: 'media', labels: LABELS, ownerReferences: [{ apiVersion: 'v1', kind: 'Service', name: 'plex-server', uid: 'u', controller: true }] },
        addressType: 'IPv4',
        endpoints: [],
      });
      server.put({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'vaultwarden-admin', namespace: 'security', labels: LABELS }, data: {} });

      const r = await run(() => diff(ARGO_LAB, { kubeconfig }));
      assert.equal(r.code, 1);
      const out = r.stdout;
      assert.match(out, /^missing live \(1\): rendered, not in the cluster\n {2}\+ Deployment tools\/filebrowser-server$/m);
      assert.match(out, /^not rendered \(1\): live with hearth's labels for mac-mini-lab, no longer rendered\n {2}- ConfigMap tools\/legacy-settings$/m);
      assert.match(out, /^changed \(2\): fields hearth renders differ live$/m);
      assert.match(out, /^ {2}~ Deployment security\/vaultwarden-server: spec\.replicas, spec\.template\.spec\.containers\[0\]\.image$/m);
      assert.match(out, /^ {2}~ Service media\/plex-server: metadata\.labels\["app\.kubernetes\.io\/component"\]$/m);
      // The unified diff: live (-) → rendered (+), only the fields hearth renders.
      assert.match(out, /^--- Deployment security\/vaultwarden-server \(live\)\n\+\+\+ Deployment security\/vaultwarden-server \(rendered\)\n@@ -\d+,\d+ \+\d+,\d+ @@$/m);
      assert.match(out, /^-  replicas: 3\n\+  replicas: 1$/m);
      assert.match(out, /^- {10}image: vaultwarden\/server:1\.0\.0\n\+ {10}image: vaultwarden\/server:/m);
      assert.match(out, /^-    app\.kubernetes\.io\/component: edited\n\+    app\.kubernetes\.io\/component: server$/m);
      assert.doesNotMatch(out, /progressDeadlineSeconds|clusterIP|managedFields|resourceVersion|team: media|observed/);
      assert.doesNotMatch(out, /Secret/, 'the labelled live Secret is neither listed nor reported');
      assert.match(out, /^4 differences: 1 missing, 1 not rendered, 2 changed; \d+ identical$/m);

      const j = await run(() => diff(ARGO_LAB, { kubeconfig, json: true }));
      assert.equal(j.code, 1);
      const result = JSON.parse(j.stdout) as DiffResult;
      assert.equal(result.lab, 'mac-mini-lab');
      assert.equal(result.context, 'fake');
      assert.deepEqual(result.missing, [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'filebrowser-server', namespace: 'tools' }]);
      assert.deepEqual(result.extra, [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'legacy-settings', namespace: 'tools' }]);
      const vw = result.changed.find((c) => c.ref.name === 'vaultwarden-server')!;
      assert.deepEqual(vw.fields[0], { path: 'spec.replicas', live: 3, rendered: 1 });
      assert.equal(vw.fields[1].path, 'spec.template.spec.containers[0].image');
      assert.ok(vw.diff.some((l) => l === '-  replicas: 3'));
      assert.equal(result.secrets, undefined, 'the lab has no secrets mechanism');
      assert.ok(!server.requests.some((q) => q.path.endsWith('/secrets')), 'Secrets are never listed');
    } finally {
      await server.close();
    }
  });

  test('a rendered kind the cluster does not serve: its objects are missing and the kind is named', async () => {
    const { server, kubeconfig } = await startFake({ crds: ['cert-manager', 'prometheus', 'argocd'] });
    try {
      await seedLab(server);
      const r = await run(() => diff(ARGO_LAB, { kubeconfig, json: true }));
      const result = JSON.parse(r.stdout) as DiffResult;
      assert.equal(r.code, 1);
      assert.deepEqual(result.notServed.sort(), ['metallb.io/v1beta1 IPAddressPool', 'metallb.io/v1beta1 L2Advertisement']);
      assert.ok(result.missing.some((m) => m.kind === 'IPAddressPool'));
    } finally {
      await server.close();
    }
  });
});

describe('compareObject', () => {
  const rendered: K8sObject = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'a', namespace: 'n', labels: { x: '1' } },
    spec: { replicas: 1, template: { spec: { containers: [{ name: 'c', image: 'i:1', resources: { limits: { memory: '1Gi', cpu: 1 } } }], volumes: [] } }, selector: {} },
  };

  test('server-set and defaulted fields are ignored; quantities compare by value; empty equals absent', () => {
    const live = {
      ...structuredClone(rendered),
      metadata: { name: 'a', namespace: 'n', labels: { x: '1', extra: 'y' }, uid: 'u', resourceVersion: '9', generation: 4, creationTimestamp: 't', managedFields: [{}] },
      status: { readyReplicas: 1 },
    } as unknown as K8sObject & { spec: any };
    live.spec.progressDeadlineSeconds = 600;
    live.spec.template.spec.containers[0].resources.limits = { memory: '1024Mi', cpu: '1000m' };
    live.spec.template.spec.containers[0].imagePullPolicy = 'IfNotPresent';
    delete live.spec.template.spec.volumes;
    delete live.spec.selector;
    assert.deepEqual(compareObject(rendered, live), { fields: [], diff: [] });
  });

  test('a changed scalar, a removed field, a list of another length', () => {
    const live = structuredClone(rendered) as K8sObject & { spec: any };
    live.spec.template.spec.containers[0].image = 'i:2';
    delete live.metadata.labels;
    live.spec.template.spec.containers.push({ name: 'sidecar', image: 's', imagePullPolicy: 'Always' });
    const { fields, diff } = compareObject(rendered, live);
    assert.deepEqual(
      fields.map((f) => f.path),
      ['metadata.labels', 'spec.template.spec.containers'],
    );
    assert.deepEqual(fields[1].live, [
      { name: 'c', image: 'i:2', resources: { limits: { memory: '1Gi', cpu: 1 } } },
      { name: 'sidecar', image: 's' },
    ]);
    assert.ok(diff.includes('+  labels:'), diff.join('\n'));
    assert.ok(diff.includes('-          image: s'), diff.join('\n'));
  });
});
