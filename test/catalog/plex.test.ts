import { test } from 'node:test';
import assert from 'node:assert/strict';
import plex, { PLEX_IMAGE } from '../../src/catalog/apps/plex.js';
import { testLab, renderWith, objects, schemaErrors, kustomizeAll } from '../helpers/module-harness.js';

const lab = testLab([
  {
    name: 'plex',
    namespace: 'media',
    volumes: { config: { class: 'local-path' } },
    config: { timezone: 'Europe/London', claimSecret: { name: 'plex-claim' }, media: { mountPath: '/media', accessMode: 'ReadWriteMany' } },
  },
]);

test('plex: renders production-shaped objects that pass the oracles', async () => {
  const r = renderWith([plex], lab);
  assert.deepEqual(r.issues.filter((i) => i.severity === 'error'), []);
  assert.deepEqual(await schemaErrors(r.files), []);
  kustomizeAll(r.files);
  const objs = objects(r.files);

  const dep = objs.find((o) => o.kind === 'Deployment' && o.metadata.name === 'plex-server')!;
  assert.equal(dep.spec.strategy.type, 'Recreate');
  const pod = dep.spec.template.spec;
  const c = pod.containers[0];
  assert.equal(c.image, 'plexinc/pms-docker:1.43.4.10903-e5521bd8c');
  assert.equal(c.image, PLEX_IMAGE);
  assert.deepEqual(c.ports, [{ name: 'http', containerPort: 32400, protocol: 'TCP' }]);
  const env = Object.fromEntries(c.env.map((e: any) => [e.name, e.value ?? e.valueFrom]));
  assert.equal(env.TZ, 'Europe/London');
  assert.equal(env.PLEX_UID, '1000');
  assert.equal(env.PLEX_GID, '1000');
  assert.equal(env.ADVERTISE_IP, 'https://plex.lab.example.com:443', 'clients are told the ingress URL');
  assert.deepEqual(env.PLEX_CLAIM, { secretKeyRef: { name: 'plex-claim', key: 'PLEX_CLAIM', optional: true } }, 'the claim token comes from a Secret');
  assert.equal(env.NVIDIA_VISIBLE_DEVICES, undefined, 'no GPU settings without gpu: true');
  assert.deepEqual(c.resources, { requests: { cpu: '500m', memory: '1Gi' }, limits: { memory: '4Gi' } });
  assert.equal(c.securityContext.allowPrivilegeEscalation, false);
  assert.deepEqual(c.readinessProbe.httpGet, { path: '/identity', port: 'http' });
  assert.deepEqual(c.livenessProbe.httpGet, { path: '/identity', port: 'http' });
  assert.deepEqual(c.volumeMounts, [
    { name: 'config', mountPath: '/config' },
    { name: 'media', mountPath: '/media' },
    { name: 'transcode', mountPath: '/transcode' },
  ]);
  assert.deepEqual(pod.volumes.at(-1), { name: 'transcode', emptyDir: { sizeLimit: '20Gi' } });

  const pvcs = objs.filter((o) => o.kind === 'PersistentVolumeClaim').map((p) => [p.metadata.name, p.spec.storageClassName, p.spec.resources.requests.storage, p.spec.accessModes[0]]);
  assert.deepEqual(pvcs, [
    ['plex-config', 'local-path', '20Gi', 'ReadWriteOnce'],
    ['plex-media', 'nfs', '200Gi', 'ReadWriteMany'],
  ]);

  const ing = objs.find((o) => o.kind === 'Ingress')!;
  assert.equal(ing.spec.rules[0].host, 'plex.lab.example.com');
  assert.equal(ing.spec.rules[0].http.paths[0].backend.service.port.number, 32400);
  const net = objs.find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === 'plex-network')!;
  assert.ok(net.spec.egress.some((e: any) => e.to[0].ipBlock?.cidr === '0.0.0.0/0'), 'plex.tv is reachable');
});

test('plex: an existing media claim replaces the media volume; gpu: true adds NVIDIA transcoding', async () => {
  const r = renderWith([plex], testLab([{ name: 'plex', namespace: 'media', gpu: true, config: { media: { existingClaim: 'qbittorrent-downloads' }, transcodeSize: '50Gi' } }]));
  assert.deepEqual(r.issues.filter((i) => i.severity === 'error'), []);
  assert.deepEqual(await schemaErrors(r.files), []);
  const objs = objects(r.files);
  assert.deepEqual(objs.filter((o) => o.kind === 'PersistentVolumeClaim').map((p) => p.metadata.name), ['plex-config']);
  const pod = objs.find((o) => o.kind === 'Deployment')!.spec.template.spec;
  assert.deepEqual(pod.volumes.find((v: any) => v.name === 'media'), { name: 'media', persistentVolumeClaim: { claimName: 'qbittorrent-downloads' } });
  assert.deepEqual(pod.containers[0].volumeMounts.find((m: any) => m.name === 'media'), { name: 'media', mountPath: '/data' });
  assert.equal(pod.runtimeClassName, 'nvidia');
  assert.equal(pod.containers[0].resources.limits['nvidia.com/gpu'], '1');
  assert.ok(pod.containers[0].env.some((e: any) => e.name === 'NVIDIA_DRIVER_CAPABILITIES' && e.value === 'compute,video,utility'));
  assert.equal(pod.volumes.find((v: any) => v.name === 'transcode').emptyDir.sizeLimit, '50Gi');
  assert.equal(pod.containers[0].env.find((e: any) => e.name === 'PLEX_CLAIM'), undefined);
});

test('plex: a media path over /config is reported at its path', () => {
  const r = renderWith([plex], testLab([{ name: 'plex', namespace: 'media', config: { media: { mountPath: '/config/media' } } }]));
  const paths = r.issues.filter((i) => i.severity === 'error').map((i) => i.path.join('.'));
  assert.ok(paths.includes('apps.0.config.media.mountPath'), paths.join('\n'));
});
