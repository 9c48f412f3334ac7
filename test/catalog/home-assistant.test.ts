import { test } from 'node:test';
import assert from 'node:assert/strict';
import homeAssistant, { HOME_ASSISTANT_IMAGE } from '../../src/catalog/apps/home-assistant.js';
import { testLab, renderWith, objects, schemaErrors, kustomizeAll } from '../helpers/module-harness.js';

const lab = testLab([{ name: 'home-assistant', namespace: 'apps', config: { timezone: 'Europe/Berlin' } }]);

test('home-assistant: renders production-shaped objects that pass the oracles', async () => {
  const r = renderWith([homeAssistant], lab);
  assert.deepEqual(r.issues.filter((i) => i.severity === 'error'), []);
  assert.deepEqual(await schemaErrors(r.files), []);
  kustomizeAll(r.files);
  const objs = objects(r.files);

  const dep = objs.find((o) => o.kind === 'Deployment' && o.metadata.name === 'home-assistant-server')!;
  assert.ok(dep, 'Deployment home-assistant-server');
  assert.equal(dep.spec.strategy.type, 'Recreate');
  const pod = dep.spec.template.spec;
  assert.equal(pod.automountServiceAccountToken, false);
  assert.equal(pod.hostNetwork, undefined, 'no host network by default');
  const c = pod.containers[0];
  assert.equal(c.image, 'ghcr.io/home-assistant/home-assistant:2026.9.2');
  assert.equal(c.image, HOME_ASSISTANT_IMAGE);
  assert.deepEqual(c.ports, [{ name: 'http', containerPort: 8123, protocol: 'TCP' }]);
  assert.deepEqual(c.env, [{ name: 'TZ', value: 'Europe/Berlin' }]);
  assert.deepEqual(c.resources, { requests: { cpu: '100m', memory: '512Mi' }, limits: { memory: '2Gi' } });
  assert.equal(c.securityContext.allowPrivilegeEscalation, false);
  assert.equal(c.securityContext.seccompProfile.type, 'RuntimeDefault');
  assert.deepEqual(c.readinessProbe.httpGet, { path: '/', port: 'http' });
  assert.deepEqual(c.livenessProbe.httpGet, { path: '/', port: 'http' });
  assert.equal(c.startupProbe.failureThreshold, 30);
  assert.deepEqual(c.volumeMounts, [{ name: 'config', mountPath: '/config' }]);
  assert.deepEqual(pod.volumes[0], { name: 'config', persistentVolumeClaim: { claimName: 'home-assistant-config' } });

  // The seed: reverse-proxy settings for the ingress, copied only into an empty /config.
  const seed = objs.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'home-assistant-seed')!;
  const conf: string = seed.data['configuration.yaml'];
  assert.match(conf, /use_x_forwarded_for: true/);
  assert.match(conf, /trusted_proxies:\n {4}- 10\.42\.0\.0\/16/, 'K3s pod network is trusted by default');
  assert.match(conf, /automation: !include automations\.yaml/);
  const init = pod.initContainers[0];
  assert.equal(init.image, HOME_ASSISTANT_IMAGE);
  assert.match(init.command[2], /if \[ ! -f \/config\/configuration\.yaml \]/);

  const pvc = objs.find((o) => o.kind === 'PersistentVolumeClaim')!;
  assert.deepEqual([pvc.metadata.name, pvc.spec.storageClassName, pvc.spec.resources.requests.storage, pvc.spec.accessModes[0]], ['home-assistant-config', 'nfs', '5Gi', 'ReadWriteOnce']);

  const svc = objs.find((o) => o.kind === 'Service' && o.metadata.name === 'home-assistant-server')!;
  assert.equal(svc.spec.ports[0].port, 8123);
  const ing = objs.find((o) => o.kind === 'Ingress')!;
  assert.equal(ing.metadata.name, 'home-assistant-ingress');
  assert.equal(ing.spec.rules[0].host, 'home-assistant.lab.example.com');
  assert.equal(ing.spec.rules[0].http.paths[0].backend.service.name, 'home-assistant-server');
  assert.equal(ing.spec.rules[0].http.paths[0].backend.service.port.number, 8123);

  const lan = objs.find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === 'home-assistant-lan')!;
  assert.deepEqual(lan.spec.egress, [{ to: [{ ipBlock: { cidr: '192.168.1.0/24' } }] }], 'devices on the LAN are reachable');
  const net = objs.find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === 'home-assistant-network')!;
  assert.ok(net.spec.egress.some((e: any) => e.to[0].ipBlock?.cidr === '0.0.0.0/0'), 'internet egress for integrations');
});

test('home-assistant: settings change trusted proxies, host network and LAN access', () => {
  const r = renderWith(
    [homeAssistant],
    testLab([{ name: 'hass', module: 'home-assistant', namespace: 'apps', config: { trustedProxies: ['10.0.0.0/8'], hostNetwork: true } }]),
  );
  assert.deepEqual(r.issues.filter((i) => i.severity === 'error'), []);
  const objs = objects(r.files);
  const seed = objs.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'hass-seed')!;
  assert.match(seed.data['configuration.yaml'], /trusted_proxies:\n {4}- 10\.0\.0\.0\/8\n/);
  const pod = objs.find((o) => o.kind === 'Deployment')!.spec.template.spec;
  assert.equal(pod.hostNetwork, true);
  assert.equal(pod.dnsPolicy, 'ClusterFirstWithHostNet');
  assert.equal(pod.containers[0].env[0].value, 'Etc/UTC', 'default time zone');
  assert.ok(!objs.some((o) => o.metadata?.name === 'hass-lan'), 'no LAN policy for a host-network pod');

  const podCidr = renderWith([homeAssistant], testLab([{ name: 'home-assistant', namespace: 'apps' }], { cluster: { name: 'test', distribution: 'k3s', controlPlane: ['k3s-1'], workers: ['gpu-1'], podCidr: '10.52.0.0/16' } as any }));
  assert.deepEqual(podCidr.issues.filter((i) => i.severity === 'error'), []);
  const seed2 = objects(podCidr.files).find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'home-assistant-seed')!;
  assert.match(seed2.data['configuration.yaml'], /- 10\.52\.0\.0\/16/, 'cluster.podCidr wins over the distribution default');
});

test('home-assistant: a bad time zone is reported at its path', () => {
  const r = renderWith([homeAssistant], testLab([{ name: 'home-assistant', namespace: 'apps', config: { timezone: 'Mars/Olympus_Mons' } }]));
  const codes = r.issues.map((i) => `${i.severity} ${i.path.join('.')}`);
  assert.ok(codes.includes('error apps.0.config.timezone'), codes.join('\n'));
  const r2 = renderWith([homeAssistant], testLab([{ name: 'home-assistant', namespace: 'apps', config: { trustedProxies: ['10.42.0.0'] } }]));
  assert.ok(r2.issues.some((i) => i.path.join('.') === 'apps.0.config.trustedProxies.0'), r2.issues.map((i) => i.path.join('.')).join('\n'));
});
