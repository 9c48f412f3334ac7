import { test } from 'node:test';
import assert from 'node:assert/strict';
import filebrowser, { FILEBROWSER_IMAGE } from '../../src/catalog/apps/filebrowser.js';
import { testLab, renderWith, objects, schemaErrors, kustomizeAll } from '../helpers/module-harness.js';

const lab = testLab([{ name: 'files', module: 'filebrowser', namespace: 'apps', volumes: { files: { size: '500Gi' } } }]);

test('filebrowser: renders production-shaped objects that pass the oracles', async () => {
  const r = renderWith([filebrowser], lab);
  assert.deepEqual(r.issues.filter((i) => i.severity === 'error'), []);
  assert.deepEqual(await schemaErrors(r.files), []);
  kustomizeAll(r.files);
  const objs = objects(r.files);

  const dep = objs.find((o) => o.kind === 'Deployment' && o.metadata.name === 'files-server')!;
  assert.equal(dep.spec.strategy.type, 'Recreate');
  const pod = dep.spec.template.spec;
  assert.equal(pod.securityContext.fsGroup, 1000);
  const c = pod.containers[0];
  assert.equal(c.image, 'filebrowser/filebrowser:v2.63.23');
  assert.equal(c.image, FILEBROWSER_IMAGE);
  assert.deepEqual(c.ports, [{ name: 'http', containerPort: 8080, protocol: 'TCP' }]);
  const env = Object.fromEntries(c.env.map((e: any) => [e.name, e.value]));
  assert.deepEqual(env, { FB_PORT: '8080', FB_ADDRESS: '0.0.0.0', FB_ROOT: '/srv', FB_DATABASE: '/database/filebrowser.db' });
  assert.deepEqual(c.securityContext, {
    allowPrivilegeEscalation: false,
    runAsNonRoot: true,
    runAsUser: 1000,
    runAsGroup: 1000,
    capabilities: { drop: ['ALL'] },
    seccompProfile: { type: 'RuntimeDefault' },
  });
  assert.deepEqual(c.resources, { requests: { cpu: '25m', memory: '64Mi' }, limits: { memory: '512Mi' } });
  assert.deepEqual(c.readinessProbe.httpGet, { path: '/health', port: 'http' });
  assert.deepEqual(c.livenessProbe.httpGet, { path: '/health', port: 'http' });
  assert.deepEqual(c.volumeMounts, [
    { name: 'database', mountPath: '/database' },
    { name: 'files', mountPath: '/srv' },
    { name: 'settings', mountPath: '/config' },
  ]);

  const pvcs = objs.filter((o) => o.kind === 'PersistentVolumeClaim').map((p) => [p.metadata.name, p.spec.storageClassName, p.spec.resources.requests.storage]);
  assert.deepEqual(pvcs, [
    ['files-database', 'nfs', '1Gi'],
    ['files-files', 'nfs', '500Gi'],
  ]);
  const ing = objs.find((o) => o.kind === 'Ingress')!;
  assert.equal(ing.spec.rules[0].host, 'files.lab.example.com');
  assert.equal(ing.spec.rules[0].http.paths[0].backend.service.name, 'files-server');
  const net = objs.find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === 'files-network')!;
  assert.equal(net.spec.egress, undefined, 'no egress: File Browser needs nothing outside');
});

test('filebrowser: an existing claim is served instead of a files volume', async () => {
  const r = renderWith([filebrowser], testLab([{ name: 'filebrowser', namespace: 'media', config: { files: { existingClaim: 'qbittorrent-downloads' } } }]));
  assert.deepEqual(r.issues.filter((i) => i.severity === 'error'), []);
  assert.deepEqual(await schemaErrors(r.files), []);
  const objs = objects(r.files);
  assert.deepEqual(objs.filter((o) => o.kind === 'PersistentVolumeClaim').map((p) => p.metadata.name), ['filebrowser-database']);
  const pod = objs.find((o) => o.kind === 'Deployment')!.spec.template.spec;
  assert.deepEqual(pod.volumes.find((v: any) => v.name === 'files'), { name: 'files', persistentVolumeClaim: { claimName: 'qbittorrent-downloads' } });
});

test('filebrowser: a bad claim name is reported at its path', () => {
  const r = renderWith([filebrowser], testLab([{ name: 'filebrowser', namespace: 'apps', config: { files: { existingClaim: 'My_Files' } } }]));
  const paths = r.issues.filter((i) => i.severity === 'error').map((i) => i.path.join('.'));
  assert.ok(paths.includes('apps.0.config.files.existingClaim'), paths.join('\n'));
});
