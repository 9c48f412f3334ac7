import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'yaml';
import homepage, { HOMEPAGE_IMAGE, CONFIG_FILES } from '../../src/catalog/apps/homepage.js';
import container from '../../src/catalog/apps/container.js';
import { testLab, renderWith, objects, schemaErrors, kustomizeAll } from '../helpers/module-harness.js';

const lab = testLab([
  { name: 'home', module: 'homepage', namespace: 'apps', config: { title: 'Our lab', bookmarks: [{ group: 'Infra', name: 'Router', href: 'https://192.168.1.1', abbr: 'RT' }] } },
  { name: 'wiki', module: 'container', namespace: 'apps', config: { image: 'nginx:1.29.8-alpine', ports: [{ name: 'http', port: 8080 }] } },
  { name: 'jellyfin', module: 'container', namespace: 'media', host: 'tv', config: { image: 'nginx:1.29.8-alpine', ports: [{ name: 'http', port: 8096 }] } },
  { name: 'bot', module: 'container', namespace: 'apps', config: { image: 'ghcr.io/example/bot:1.0.0' } },
]);

function configOf(files: ReturnType<typeof renderWith>['files'], name = 'home-config') {
  return objects(files).find((o) => o.kind === 'ConfigMap' && o.metadata.name === name)!.data as Record<string, string>;
}

test('homepage: renders production-shaped objects that pass the oracles', async () => {
  const r = renderWith([homepage, container], lab);
  assert.deepEqual(r.issues.filter((i) => i.severity === 'error'), []);
  assert.deepEqual(await schemaErrors(r.files), []);
  kustomizeAll(r.files);
  const objs = objects(r.files);

  const dep = objs.find((o) => o.kind === 'Deployment' && o.metadata.name === 'home-server')!;
  assert.equal(dep.spec.strategy.type, 'RollingUpdate', 'stateless: no volumes to hand over');
  assert.match(dep.spec.template.metadata.annotations['checksum/config'], /^[0-9a-f]{64}$/);
  const pod = dep.spec.template.spec;
  assert.equal(pod.serviceAccountName, 'home-server');
  const c = pod.containers[0];
  assert.equal(c.image, 'ghcr.io/gethomepage/homepage:v1.13.2');
  assert.equal(c.image, HOMEPAGE_IMAGE);
  assert.deepEqual(c.env, [{ name: 'HOMEPAGE_ALLOWED_HOSTS', value: 'home.lab.example.com' }]);
  assert.deepEqual(c.ports, [{ name: 'http', containerPort: 3000, protocol: 'TCP' }]);
  assert.equal(c.securityContext.runAsNonRoot, true);
  assert.equal(c.securityContext.runAsUser, 1000);
  assert.equal(c.securityContext.allowPrivilegeEscalation, false);
  assert.deepEqual(c.readinessProbe.httpGet, { path: '/api/healthcheck', port: 'http' });
  assert.deepEqual(c.resources, { requests: { cpu: '50m', memory: '128Mi' }, limits: { memory: '512Mi' } });
  assert.deepEqual(c.volumeMounts[0], { name: 'config-dir', mountPath: '/app/config' });
  for (const f of CONFIG_FILES) assert.ok(c.volumeMounts.some((m: any) => m.mountPath === `/app/config/${f}` && m.subPath === f && m.name === 'config'), `${f} mounted`);
  assert.ok(!objs.some((o) => o.kind === 'PersistentVolumeClaim' && o.metadata.name.startsWith('home-')), 'no PVC');

  const data = configOf(r.files);
  assert.deepEqual(Object.keys(data).sort(), [...CONFIG_FILES].sort());
  const services = parse(data['services.yaml']);
  assert.deepEqual(services.map((g: any) => Object.keys(g)[0]), ['apps', 'media', 'monitoring'], 'grouped by namespace');
  assert.deepEqual(services[0].apps, [
    {
      wiki: {
        href: 'https://wiki.lab.example.com',
        description: 'Any container image: Deployment, Service, ConfigMap, PVCs',
        namespace: 'apps',
        app: 'wiki',
        podSelector: 'app.kubernetes.io/instance=wiki',
      },
    },
  ], 'home itself and the bot without a URL are left out');
  assert.equal(services[1].media[0].jellyfin.href, 'https://tv.lab.example.com', 'the host, not the app name');
  assert.deepEqual(services[2].monitoring[0].grafana, { href: 'https://grafana.lab.example.com', description: 'Prometheus, Alertmanager and Grafana', icon: 'grafana.png' });
  assert.deepEqual(parse(data['kubernetes.yaml']), { mode: 'cluster' });
  assert.deepEqual(parse(data['settings.yaml']), { title: 'Our lab' });
  assert.deepEqual(parse(data['bookmarks.yaml']), [{ Infra: [{ Router: [{ abbr: 'RT', href: 'https://192.168.1.1' }] }] }]);
  assert.ok(parse(data['widgets.yaml'])[0].kubernetes.cluster.show);

  const role = objs.find((o) => o.kind === 'ClusterRole' && o.metadata.name === 'home-reader')!;
  for (const rule of role.rules) assert.deepEqual(rule.verbs, ['get', 'list'], 'read-only');
  const binding = objs.find((o) => o.kind === 'ClusterRoleBinding' && o.metadata.name === 'home-reader')!;
  assert.deepEqual(binding.subjects, [{ kind: 'ServiceAccount', name: 'home-server', namespace: 'apps' }]);
  const api = objs.find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === 'home-kube-api')!;
  assert.deepEqual(api.spec.egress, [{ to: [{ ipBlock: { cidr: '192.168.1.20/32' } }], ports: [{ protocol: 'TCP', port: 6443 }] }]);
  const ing = objs.find((o) => o.kind === 'Ingress' && o.metadata.name === 'home-ingress')!;
  assert.equal(ing.spec.rules[0].host, 'home.lab.example.com');
  assert.equal(ing.spec.rules[0].http.paths[0].backend.service.port.number, 3000);
});

test('homepage: an app added to the lab appears in services.yaml with its https URL', () => {
  const before = parse(configOf(renderWith([homepage, container], lab).files)['services.yaml']);
  assert.ok(!JSON.stringify(before).includes('grocy'));
  const more = testLab([...lab.apps!, { name: 'grocy', module: 'container', namespace: 'data', config: { image: 'nginx:1.29.8-alpine', ports: [{ name: 'http', port: 80 }] } }]);
  const r = renderWith([homepage, container], more);
  assert.deepEqual(r.issues.filter((i) => i.severity === 'error'), []);
  const services = parse(configOf(r.files)['services.yaml']);
  const data = services.find((g: any) => 'data' in g);
  assert.ok(data, 'a group for the new namespace');
  assert.equal(data.data[0].grocy.href, 'https://grocy.lab.example.com');
  const before2 = objects(renderWith([homepage, container], lab).files).find((o) => o.kind === 'Deployment' && o.metadata.name === 'home-server')!;
  const after = objects(r.files).find((o) => o.kind === 'Deployment' && o.metadata.name === 'home-server')!;
  assert.notEqual(after.spec.template.metadata.annotations['checksum/config'], before2.spec.template.metadata.annotations['checksum/config'], 'the pod rolls');
});

test('homepage: kubernetes: false drops the RBAC, the API policy and pod status', async () => {
  const r = renderWith([homepage, container], testLab([{ name: 'homepage', namespace: 'apps', config: { kubernetes: false } }, lab.apps![1]]));
  assert.deepEqual(r.issues.filter((i) => i.severity === 'error'), []);
  assert.deepEqual(await schemaErrors(r.files), []);
  const objs = objects(r.files);
  assert.ok(!objs.some((o) => ['ClusterRole', 'ClusterRoleBinding', 'ServiceAccount'].includes(o.kind) && o.metadata.name.startsWith('homepage')));
  assert.ok(!objs.some((o) => o.metadata?.name === 'homepage-kube-api'));
  const pod = objs.find((o) => o.kind === 'Deployment' && o.metadata.name === 'homepage-server')!.spec.template.spec;
  assert.equal(pod.automountServiceAccountToken, false);
  const data = configOf(r.files, 'homepage-config');
  assert.deepEqual(parse(data['kubernetes.yaml']), { mode: 'disabled' });
  assert.deepEqual(parse(data['settings.yaml']), { title: 'test-lab' }, 'title defaults to the lab name');
  assert.equal(parse(data['services.yaml'])[0].apps[0].wiki.podSelector, undefined);
});

test('homepage: a bookmark without a URL is reported at its path', () => {
  const r = renderWith([homepage], testLab([{ name: 'homepage', namespace: 'apps', config: { bookmarks: [{ group: 'Infra', name: 'Router', href: 'router.lan' }] } }]));
  const paths = r.issues.filter((i) => i.severity === 'error').map((i) => i.path.join('.'));
  assert.ok(paths.includes('apps.0.config.bookmarks.0.href'), paths.join('\n'));
});
