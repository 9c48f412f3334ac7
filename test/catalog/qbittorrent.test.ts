import { test } from 'node:test';
import assert from 'node:assert/strict';
import qbittorrent, { QBITTORRENT_IMAGE } from '../../src/catalog/apps/qbittorrent.js';
import { testLab, renderWith, objects, schemaErrors, kustomizeAll } from '../helpers/module-harness.js';

const lab = testLab([{ name: 'qbittorrent', namespace: 'media', config: { timezone: 'Europe/Paris', uid: 1001, gid: 1001, peerPort: 51413 } }]);

test('qbittorrent: renders production-shaped objects that pass the oracles', async () => {
  const r = renderWith([qbittorrent], lab);
  assert.deepEqual(r.issues.filter((i) => i.severity === 'error'), []);
  assert.deepEqual(await schemaErrors(r.files), []);
  kustomizeAll(r.files);
  const objs = objects(r.files);

  const dep = objs.find((o) => o.kind === 'Deployment' && o.metadata.name === 'qbittorrent-server')!;
  assert.equal(dep.spec.strategy.type, 'Recreate');
  const c = dep.spec.template.spec.containers[0];
  assert.equal(c.image, 'lscr.io/linuxserver/qbittorrent:5.2.3');
  assert.equal(c.image, QBITTORRENT_IMAGE);
  const env = Object.fromEntries(c.env.map((e: any) => [e.name, e.value]));
  assert.deepEqual(env, { TZ: 'Europe/Paris', PUID: '1001', PGID: '1001', UMASK: '002', WEBUI_PORT: '8080', TORRENTING_PORT: '51413' });
  assert.deepEqual(
    c.ports.map((p: any) => [p.name, p.containerPort, p.protocol]),
    [
      ['http', 8080, 'TCP'],
      ['peer-tcp', 51413, 'TCP'],
      ['peer-udp', 51413, 'UDP'],
    ],
  );
  // linuxserver.io: root init, app as PUID:PGID; no privilege escalation.
  assert.equal(c.securityContext.allowPrivilegeEscalation, false);
  assert.equal(c.securityContext.runAsUser, undefined);
  assert.deepEqual(c.resources, { requests: { cpu: '100m', memory: '256Mi' }, limits: { memory: '2Gi' } });
  assert.deepEqual(c.readinessProbe.httpGet, { path: '/', port: 'http' });
  assert.deepEqual(c.volumeMounts, [
    { name: 'config', mountPath: '/config' },
    { name: 'downloads', mountPath: '/downloads' },
  ]);

  const pvcs = objs.filter((o) => o.kind === 'PersistentVolumeClaim').map((p) => [p.metadata.name, p.spec.storageClassName, p.spec.resources.requests.storage]);
  assert.deepEqual(pvcs, [
    ['qbittorrent-config', 'nfs', '1Gi'],
    ['qbittorrent-downloads', 'nfs', '200Gi'],
  ]);
  const svc = objs.find((o) => o.kind === 'Service' && o.metadata.name === 'qbittorrent-server')!;
  assert.deepEqual(svc.spec.ports, [{ name: 'http', port: 8080, targetPort: 'http', protocol: 'TCP' }], 'only the WebUI behind the ingress');
  assert.ok(!objs.some((o) => o.metadata?.name === 'qbittorrent-peers'), 'no peer service unless asked');
  const ing = objs.find((o) => o.kind === 'Ingress')!;
  assert.equal(ing.spec.rules[0].host, 'qbittorrent.lab.example.com');
  assert.equal(ing.spec.rules[0].http.paths[0].backend.service.port.number, 8080);
});

test('qbittorrent: exposePeers publishes the peer port and allows it through default-deny', async () => {
  const r = renderWith([qbittorrent], testLab([{ name: 'torrents', module: 'qbittorrent', namespace: 'media', config: { exposePeers: true, peerIp: '192.168.1.210', downloads: { mountPath: '/data/torrents' } } }]));
  assert.deepEqual(r.issues.filter((i) => i.severity === 'error'), []);
  assert.deepEqual(await schemaErrors(r.files), []);
  kustomizeAll(r.files);
  const objs = objects(r.files);
  const peers = objs.find((o) => o.kind === 'Service' && o.metadata.name === 'torrents-peers')!;
  assert.equal(peers.spec.type, 'LoadBalancer');
  assert.equal(peers.metadata.annotations['metallb.io/loadBalancerIPs'], '192.168.1.210');
  assert.deepEqual(peers.spec.ports.map((p: any) => `${p.port}/${p.protocol}`), ['6881/TCP', '6881/UDP']);
  const policy = objs.find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === 'torrents-peers')!;
  assert.deepEqual(policy.spec.ingress, [{ ports: [{ protocol: 'TCP', port: 6881 }, { protocol: 'UDP', port: 6881 }] }]);
  const dep = objs.find((o) => o.kind === 'Deployment')!;
  assert.ok(dep.spec.template.spec.containers[0].volumeMounts.some((m: any) => m.mountPath === '/data/torrents'));
});

test('qbittorrent: bad settings are reported at their paths', () => {
  const r = renderWith([qbittorrent], testLab([{ name: 'qbittorrent', namespace: 'media', config: { peerPort: 80000 } }]));
  const paths = r.issues.filter((i) => i.severity === 'error').map((i) => i.path.join('.'));
  assert.ok(paths.includes('apps.0.config.peerPort'), paths.join('\n'));
  const r2 = renderWith([qbittorrent], testLab([{ name: 'qbittorrent', namespace: 'media', config: { peerIp: '192.168.1.210' } }]));
  const paths2 = r2.issues.filter((i) => i.severity === 'error').map((i) => i.path.join('.'));
  assert.ok(paths2.includes('apps.0.config.peerIp'), paths2.join('\n'));
});
