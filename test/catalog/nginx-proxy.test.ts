import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import devContainers from '../../src/catalog/apps/dev-containers.js';
import nginxProxy, { NGINX_IMAGE, START_COMMAND } from '../../src/catalog/apps/nginx-proxy.js';
import { testLab, renderWith, objects, schemaErrors, kustomizeAll } from '../helpers/module-harness.js';

const KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAINf8xgUtNRW8e51lqv2vhPDpNUpt8BYTV7CBZWEY/hcU alice@laptop';
const INSTALL = 'apt-get install -y nginx libnginx-mod-stream';

const namespaces = { namespaces: [{ name: 'apps' }, { name: 'dev' }, { name: 'ml' }] };
const lab = testLab(
  [
    { name: 'devbox', module: 'dev-containers', namespace: 'dev', config: { containers: [{ name: 'alice', devPorts: [5173] }, { name: 'bob', sshPort: 2222 }, { name: 'carol' }], authorizedKeys: [KEY] } },
    { name: 'gpu-box', module: 'dev-containers', namespace: 'ml', config: { containers: [{ name: 'dave' }], authorizedKeys: [KEY] } },
    {
      name: 'nginx',
      module: 'nginx-proxy',
      namespace: 'dev',
      host: 'dev',
      config: {
        ip: '192.168.1.210',
        routes: [
          { path: '/app/', upstream: 'http://192.168.1.50:3000', stripPrefix: true },
          { path: '/vite/', upstream: 'http://devbox-alice.dev.svc.cluster.local:5173/' },
        ],
      },
    },
  ],
  namespaces,
);

/**
 * `nginx -t` on the config exactly as rendered, laid out as in the pod:
 * nginx.conf and resolver.conf in the prefix directory. Debian builds the
 * stream module as a dynamic module; it is loaded with -g.
 */
function nginxTest(conf: string): void {
  const probe = spawnSync('nginx', ['-V'], { encoding: 'utf8' });
  if (probe.error) assert.fail(`nginx is not installed; run: ${INSTALL}`);
  // nginx -V prints its build options on stderr.
  const v = probe.stderr + probe.stdout;
  const args: string[] = [];
  if (v.includes('--with-stream=dynamic')) {
    const dir = /--modules-path=(\S+)/.exec(v)?.[1] ?? '/usr/lib/nginx/modules';
    const so = path.join(dir, 'ngx_stream_module.so');
    assert.ok(fs.existsSync(so), `nginx has no stream module (${so}); run: ${INSTALL}`);
    args.push('-g', `load_module ${so};`);
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-nginx-'));
  try {
    fs.writeFileSync(path.join(dir, 'nginx.conf'), conf);
    fs.writeFileSync(path.join(dir, 'resolver.conf'), 'resolver 127.0.0.1 valid=10s;\n');
    // access_log /dev/stdout: stdout must be a file or pipe (as in a pod), not the test runner's socket.
    const out = fs.openSync(path.join(dir, 'stdout'), 'w');
    try {
      execFileSync('nginx', ['-t', '-p', dir + '/', '-c', path.join(dir, 'nginx.conf'), '-e', 'stderr', ...args], { encoding: 'utf8', stdio: ['ignore', out, 'pipe'] });
    } catch (e: any) {
      assert.fail(`nginx -t failed:\n${e.stderr}\n--- nginx.conf ---\n${conf}`);
    } finally {
      fs.closeSync(out);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function confOf(objs: Record<string, any>[], app = 'nginx'): string {
  return objs.find((o) => o.kind === 'ConfigMap' && o.metadata.name === `${app}-config`)!.data['nginx.conf'];
}

test('nginx-proxy: a stream server per dev container, routes, LoadBalancer; passes the oracles and nginx -t', async () => {
  const r = renderWith([devContainers, nginxProxy], lab);
  assert.deepEqual(r.issues.filter((i) => i.severity === 'error'), []);
  assert.deepEqual(await schemaErrors(r.files), []);
  kustomizeAll(r.files);
  const objs = objects(r.files);
  const conf = confOf(objs);
  nginxTest(conf);

  // One stream server per container: 2222 kept, the rest from 2201 in spec order.
  const servers = [...conf.matchAll(/listen (\d+);\n\s+set \$ssh_backend (\S+);\n\s+proxy_pass \$ssh_backend;/g)].map((m) => [Number(m[1]), m[2]]);
  assert.deepEqual(servers, [
    [2201, 'devbox-alice.dev.svc.cluster.local:22'],
    [2222, 'devbox-bob.dev.svc.cluster.local:22'],
    [2202, 'devbox-carol.dev.svc.cluster.local:22'],
    [2203, 'gpu-box-dave.ml.svc.cluster.local:22'],
  ]);
  assert.match(conf, /stream \{\n\s+include resolver\.conf;/);
  assert.match(conf, /listen 8080;/);
  assert.match(conf, /location \/app\/ \{\n\s+set \$route_\d+ http:\/\/192\.168\.1\.50:3000;\n\s+rewrite \^\/app\/\(\.\*\)\$ \/\$1 break;\n\s+proxy_pass \$route_\d+;/);
  assert.match(conf, /set \$route_\d+ http:\/\/devbox-alice\.dev\.svc\.cluster\.local:5173;/, 'trailing slash dropped: the request URI passes unchanged');
  assert.match(conf, /ssh -p 2203 vscode@<address>   # gpu-box\/dave/);

  const dep = objs.find((o) => o.kind === 'Deployment' && o.metadata.name === 'nginx-server')!;
  const c = dep.spec.template.spec.containers[0];
  assert.equal(c.image, NGINX_IMAGE);
  assert.equal(c.image, 'nginx:1.29.8-alpine');
  assert.deepEqual(c.command, ['/bin/sh', '-c', START_COMMAND]);
  assert.equal(dep.spec.template.metadata.annotations['checksum/config'], createHash('sha256').update(conf).digest('hex'));
  assert.deepEqual(
    c.ports.map((p: any) => `${p.name}:${p.containerPort}`),
    ['http:8080', 'ssh-2201:2201', 'ssh-2222:2222', 'ssh-2202:2202', 'ssh-2203:2203'],
  );
  assert.deepEqual(
    [c.securityContext.runAsNonRoot, c.securityContext.runAsUser, c.securityContext.readOnlyRootFilesystem, c.securityContext.capabilities],
    [true, 101, true, { drop: ['ALL'] }],
  );
  assert.deepEqual(c.readinessProbe.httpGet, { path: '/healthz', port: 'http' });

  const ssh = objs.find((o) => o.kind === 'Service' && o.metadata.name === 'nginx-ssh')!;
  assert.equal(ssh.spec.type, 'LoadBalancer');
  assert.equal(ssh.metadata.annotations['metallb.io/loadBalancerIPs'], '192.168.1.210');
  assert.deepEqual(
    ssh.spec.ports.map((p: any) => [p.port, p.targetPort]),
    [
      [2201, 'ssh-2201'],
      [2222, 'ssh-2222'],
      [2202, 'ssh-2202'],
      [2203, 'ssh-2203'],
    ],
  );
  const http = objs.find((o) => o.kind === 'Service' && o.metadata.name === 'nginx-http')!;
  assert.deepEqual(http.spec.ports, [{ name: 'http', port: 8080, targetPort: 'http', protocol: 'TCP' }]);
  const ing = objs.find((o) => o.kind === 'Ingress' && o.metadata.name === 'nginx-ingress')!;
  assert.equal(ing.spec.rules[0].host, 'dev.lab.example.com');
  assert.deepEqual(ing.spec.rules[0].http.paths[0].backend.service, { name: 'nginx-http', port: { number: 8080 } });

  // default-deny: SSH in from anywhere, out to the dev containers and the routes; the dev containers let the proxy in.
  const pol = objs.find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === 'nginx-proxy')!;
  assert.deepEqual(pol.spec.ingress, [{ ports: [2201, 2222, 2202, 2203].map((port) => ({ protocol: 'TCP', port })) }]);
  assert.deepEqual(pol.spec.egress, [
    {
      to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'dev' } }, podSelector: { matchLabels: { 'app.kubernetes.io/instance': 'devbox' } } }],
      ports: [
        { protocol: 'TCP', port: 22 },
        { protocol: 'TCP', port: 5173 },
      ],
    },
    {
      to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ml' } }, podSelector: { matchLabels: { 'app.kubernetes.io/instance': 'gpu-box' } } }],
      ports: [{ protocol: 'TCP', port: 22 }],
    },
    { to: [{ ipBlock: { cidr: '192.168.1.50/32' } }], ports: [{ protocol: 'TCP', port: 3000 }] },
    { to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'dev' } } }], ports: [{ protocol: 'TCP', port: 5173 }] },
  ]);
  const inbound = objs.find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === 'gpu-box-ssh')!;
  assert.deepEqual(inbound.spec.ingress[0].from, [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'dev' } }, podSelector: { matchLabels: { 'app.kubernetes.io/instance': 'nginx' } } }]);
  assert.deepEqual(inbound.spec.ingress[0].ports, [{ protocol: 'TCP', port: 22 }]);
});

test('nginx-proxy: without dev containers or routes it still renders a valid config (no SSH Service)', async () => {
  const r = renderWith([devContainers, nginxProxy], testLab([{ name: 'proxy', module: 'nginx-proxy', namespace: 'apps' }]));
  assert.deepEqual(r.issues.filter((i) => i.severity === 'error'), []);
  assert.deepEqual(await schemaErrors(r.files), []);
  kustomizeAll(r.files);
  const objs = objects(r.files);
  const conf = confOf(objs, 'proxy');
  assert.doesNotMatch(conf, /stream \{/);
  nginxTest(conf);
  assert.ok(!objs.some((o) => o.kind === 'Service' && o.metadata.name === 'proxy-ssh'));
  const root = renderWith([nginxProxy], testLab([{ name: 'proxy', module: 'nginx-proxy', namespace: 'apps', config: { routes: [{ path: '/', upstream: 'https://code.lan.example.com' }] } }]));
  const rootObjs = objects(root.files);
  const rootConf = confOf(rootObjs, 'proxy');
  assert.match(rootConf, /proxy_ssl_server_name on;/);
  assert.doesNotMatch(rootConf, /location = \/ \{/, 'a route for / replaces the index page');
  const lan = rootObjs.find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === 'proxy-proxy')!;
  assert.deepEqual(lan.spec.egress, [{ to: [{ ipBlock: { cidr: '192.168.1.0/24' } }], ports: [{ protocol: 'TCP', port: 443 }] }], 'other names: a dev server on the LAN');
  assert.equal(lan.spec.ingress, undefined);
  nginxTest(rootConf);
});

test('nginx-proxy: bad routes are reported at their paths', () => {
  const r = renderWith(
    [nginxProxy],
    testLab([
      {
        name: 'proxy',
        module: 'nginx-proxy',
        namespace: 'apps',
        config: { ip: '192.168.1.300', routes: [{ path: '/app', upstream: 'http://h:3000/x' }, { path: '/ok/', upstream: 'http://h:99999' }, { path: '/', upstream: 'ftp://h', stripPrefix: true }] },
      },
    ]),
  );
  const paths = r.issues.filter((i) => i.severity === 'error').map((i) => i.path.join('.'));
  for (const p of ['apps.0.config.ip', 'apps.0.config.routes.0.path', 'apps.0.config.routes.0.upstream', 'apps.0.config.routes.1.upstream', 'apps.0.config.routes.2.upstream']) {
    assert.ok(paths.includes(p), `${p} in\n${paths.join('\n')}`);
  }
});
