import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'yaml';
import container from '../../src/catalog/apps/container.js';
import cloudflared, { CLOUDFLARED_IMAGE } from '../../src/catalog/apps/cloudflared.js';
import { testLab, renderWith, objects, schemaErrors, kustomizeAll } from '../helpers/module-harness.js';

const web = (name: string, expose: 'public' | 'lan') => ({
  name,
  module: 'container',
  namespace: 'apps',
  expose,
  config: { image: 'nginx:1.29.8-alpine', ports: [{ name: 'http', port: 8080 }] },
});

const lab = testLab([{ name: 'tunnel', module: 'cloudflared', namespace: 'apps' }, web('blog', 'public'), web('wiki', 'lan'), web('shop', 'public')], {
  remoteAccess: { type: 'cloudflare-tunnel', tunnel: 'home', credentials: { secret: 'tunnel-creds', key: 'home.json' } },
});

function configOf(objs: Record<string, any>[], app = 'tunnel') {
  const cm = objs.find((o) => o.kind === 'ConfigMap' && o.metadata.name === `${app}-config`)!;
  return parse(cm.data['config.yml']);
}

test('cloudflared: routes public apps through the ingress controller and passes the oracles', async () => {
  const r = renderWith([container, cloudflared], lab);
  assert.deepEqual(r.issues.filter((i) => i.severity === 'error'), []);
  assert.deepEqual(await schemaErrors(r.files), []);
  kustomizeAll(r.files);
  const objs = objects(r.files);
  const config = configOf(objs);
  assert.equal(config.tunnel, 'home', 'tunnel from remoteAccess');
  assert.equal(config['credentials-file'], '/etc/cloudflared/creds/credentials.json');
  assert.deepEqual(config.ingress, [
    { hostname: 'blog.lab.example.com', service: 'https://traefik.traefik.svc.cluster.local:443', originRequest: { noTLSVerify: false, originServerName: 'blog.lab.example.com' } },
    { hostname: 'shop.lab.example.com', service: 'https://traefik.traefik.svc.cluster.local:443', originRequest: { noTLSVerify: false, originServerName: 'shop.lab.example.com' } },
    { service: 'http_status:404' },
  ]);
  assert.ok(!JSON.stringify(config).includes('wiki'), 'a LAN app is not routed through the tunnel');

  const dep = objs.find((o) => o.kind === 'Deployment' && o.metadata.name === 'tunnel-tunnel')!;
  assert.equal(dep.spec.replicas, 2);
  assert.equal(dep.metadata.labels['app.kubernetes.io/part-of'], 'test-lab');
  assert.ok(dep.spec.template.spec.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].podAffinityTerm.topologyKey === 'kubernetes.io/hostname');
  const ctr = dep.spec.template.spec.containers[0];
  assert.equal(ctr.image, CLOUDFLARED_IMAGE);
  assert.deepEqual(ctr.args.slice(3, 5), ['--metrics', '0.0.0.0:2000']);
  assert.deepEqual(ctr.readinessProbe.httpGet, { path: '/ready', port: 'metrics' });
  assert.equal(ctr.securityContext.readOnlyRootFilesystem, true);
  assert.equal(dep.spec.template.spec.securityContext.runAsNonRoot, true);
  const creds = dep.spec.template.spec.volumes.find((v: any) => v.name === 'credentials');
  assert.deepEqual(creds.secret, { secretName: 'tunnel-creds', items: [{ key: 'home.json', path: 'credentials.json' }] }, 'credentials from remoteAccess.credentials');
  assert.match(dep.spec.template.metadata.annotations['checksum/config'], /^[0-9a-f]{64}$/);
  assert.ok(!objs.some((o) => o.kind === 'Secret'), 'hearth never writes the credentials');

  assert.ok(objs.some((o) => o.kind === 'PodDisruptionBudget' && o.metadata.name === 'tunnel-tunnel'));
  assert.ok(objs.some((o) => o.kind === 'ServiceMonitor' && o.metadata.name === 'tunnel-metrics'), 'metrics scraped when monitoring is on');
  const toIngress = objs.find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === 'tunnel-to-ingress')!;
  assert.deepEqual(toIngress.spec.egress[0].to[0].namespaceSelector.matchLabels, { 'kubernetes.io/metadata.name': 'traefik' });
  const appPolicy = objs.find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === 'tunnel-network')!;
  assert.ok(appPolicy.spec.egress.some((e: any) => e.to[0].ipBlock?.cidr === '0.0.0.0/0'), 'internet egress to the Cloudflare edge');
});

test('cloudflared: module settings override remoteAccess; defaults without it', () => {
  const own = testLab([{ name: 'cf', module: 'cloudflared', namespace: 'apps', config: { tunnel: 'lab-b', routes: [{ hostname: 'ssh.example.com', service: 'ssh://192.168.1.10:22' }] } }, web('blog', 'public')]);
  const r = renderWith([container, cloudflared], own);
  assert.deepEqual(r.issues.filter((i) => i.severity === 'error'), []);
  const objs = objects(r.files);
  const config = configOf(objs, 'cf');
  assert.equal(config.tunnel, 'lab-b');
  assert.deepEqual(
    config.ingress.map((x: any) => x.hostname ?? x.service),
    ['blog.lab.example.com', 'ssh.example.com', 'http_status:404'],
    'generated rules, then extra routes, then the catch-all',
  );
  const dep = objs.find((o) => o.kind === 'Deployment' && o.metadata.name === 'cf-tunnel')!;
  const creds = dep.spec.template.spec.volumes.find((v: any) => v.name === 'credentials');
  assert.deepEqual(creds.secret, { secretName: 'cloudflared-credentials', items: [{ key: 'credentials.json', path: 'credentials.json' }] });
});

test('cloudflared: a route with an unsupported origin is reported at its path', () => {
  const bad = testLab([{ name: 'cf', module: 'cloudflared', namespace: 'apps', config: { routes: [{ hostname: 'files.example.com', service: 'ftp://nas:21' }] } }]);
  const r = renderWith([cloudflared], bad);
  const codes = r.issues.map((i) => `${i.code} ${i.path.join('.')}`);
  assert.ok(codes.includes('invalid-format apps.0.config.routes.0.service'), codes.join('\n'));
});
