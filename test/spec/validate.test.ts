/**
 * Bad input, as a table: each case edits a valid base spec and names the
 * issue code, spec path and (for YAML) line it must produce. All problems of
 * one spec are reported together.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkLabText } from '../../src/pipeline.js';
import { formatPath, type Issue } from '../../src/spec/issues.js';

const BASE = `name: lab
domain: home.example.com
hosts:
  - name: pve
    role: hypervisor
    cpu: 8
    memory: 32Gi
    ip: 192.168.1.2
  - name: nas
    role: nas
    cpu: 4
    memory: 8Gi
    ip: 192.168.1.5
nodes:
  - name: k3s-1
    kind: vm
    host: pve
    cpu: 4
    memory: 8Gi
    ip: 192.168.1.20
  - name: k3s-2
    kind: vm
    host: pve
    cpu: 2
    memory: 4Gi
    ip: 192.168.1.21
cluster:
  name: home
  distribution: k3s
  controlPlane: [k3s-1]
  workers: [k3s-2]
network:
  cidr: 192.168.1.0/24
  gateway: 192.168.1.1
  loadBalancer:
    pool: 192.168.1.200-192.168.1.220
ingress:
  controller: traefik
  ip: 192.168.1.200
tls:
  issuers:
    - name: letsencrypt
      type: letsencrypt
      email: me@example.com
storage:
  default: nfs-client
  classes:
    - name: nfs-client
      type: nfs
      server: nas
      path: /volume1/k8s
    - name: local-path
      type: local-path
gitops:
  engine: flux
  repo:
    url: https://github.com/me/lab
namespaces:
  - name: apps
apps:
  - name: web
    module: container
    namespace: apps
    storage: nfs-client
    config:
      image: nginx:1.29.8-alpine
      ports: [{ name: http, port: 8080 }]
      volumes: [{ name: data, mountPath: /data }]
  - name: worker
    module: container
    namespace: apps
    dependsOn: [web]
    config:
      image: busybox:1.37
`;

function check(text: string): Issue[] {
  return checkLabText(text).issues;
}

function edit(find: string, replace: string): string {
  assert.ok(BASE.includes(find), `base spec contains ${JSON.stringify(find)}`);
  return BASE.replace(find, replace);
}

function lineOf(text: string, needle: string): number {
  return text.slice(0, text.indexOf(needle)).split('\n').length;
}

test('the base spec is valid', () => {
  assert.deepEqual(check(BASE), []);
});

interface Case {
  name: string;
  text: string;
  code: Issue['code'];
  path: string;
  /** Text on the line the issue must point at. */
  at?: string;
  hint?: RegExp;
}

const invalid: Case[] = [
  { name: 'undefined storage class', text: edit('    storage: nfs-client\n', '    storage: longhorn\n'), code: 'unresolved-reference', path: 'apps[0].storage', at: 'storage: longhorn', hint: /defined: nfs-client, local-path/ },
  { name: 'node on an unknown host', text: edit('    host: pve\n    cpu: 2', '    host: pve2\n    cpu: 2'), code: 'unresolved-reference', path: 'nodes[1].host', at: 'host: pve2', hint: /did you mean "pve"/ },
  { name: 'cluster node that does not exist', text: edit('workers: [k3s-2]', 'workers: [k3s-3]'), code: 'unresolved-reference', path: 'cluster.workers[0]', at: 'workers: [k3s-3]' },
  { name: 'node IP outside the network', text: edit('ip: 192.168.1.21', 'ip: 10.0.0.21'), code: 'ip-outside-network', path: 'nodes[1].ip', at: 'ip: 10.0.0.21' },
  { name: 'two nodes with one IP', text: edit('ip: 192.168.1.21', 'ip: 192.168.1.20'), code: 'ip-conflict', path: 'nodes[1].ip' },
  { name: 'pool outside the subnet', text: edit('pool: 192.168.1.200-192.168.1.220', 'pool: 192.168.2.200-192.168.2.220'), code: 'pool-outside-network', path: 'network.loadBalancer.pool' },
  { name: 'pool overlapping a node', text: edit('pool: 192.168.1.200-192.168.1.220', 'pool: 192.168.1.15-192.168.1.220'), code: 'pool-overlaps-node', path: 'network.loadBalancer.pool', hint: /MetalLB/ },
  { name: 'ingress IP outside the pool', text: edit('  ip: 192.168.1.200\n', '  ip: 192.168.1.100\n'), code: 'ip-outside-network', path: 'ingress.ip' },
  { name: 'uppercase name', text: edit('  - name: web\n', '  - name: Web\n'), code: 'invalid-format', path: 'apps[0].name', at: 'name: Web' },
  { name: 'path traversal in a name', text: edit('  - name: apps\n', '  - name: ../apps\n'), code: 'invalid-format', path: 'namespaces[0].name' },
  { name: 'over-long name', text: edit('  - name: worker\n', `  - name: ${'w'.repeat(64)}\n`), code: 'too-big', path: 'apps[1].name' },
  { name: 'duplicate app names', text: edit('  - name: worker\n', '  - name: web\n'), code: 'duplicate-name', path: 'apps[1].name' },
  { name: 'unknown key with a suggestion', text: edit('namespaces:\n', 'namespace:\n'), code: 'unknown-key', path: 'namespace', at: 'namespace:', hint: /did you mean "namespaces"/ },
  { name: 'missing required key', text: edit('domain: home.example.com\n', ''), code: 'missing-key', path: 'domain' },
  { name: 'bad enum value', text: edit('engine: flux', 'engine: fluxcd'), code: 'invalid-value', path: 'gitops.engine', hint: /did you mean "flux"/ },
  { name: 'bad discriminator', text: edit('      type: local-path', '      type: localpath'), code: 'invalid-value', path: 'storage.classes[1].type', hint: /did you mean "local-path"/ },
  { name: 'wrong type', text: edit('    cpu: 8\n', '    cpu: eight\n'), code: 'invalid-type', path: 'hosts[0].cpu', at: 'cpu: eight' },
  { name: 'unknown catalog module', text: edit('    module: container\n    namespace: apps\n    storage', '    module: containr\n    namespace: apps\n    storage'), code: 'unresolved-reference', path: 'apps[0].module', hint: /did you mean "container"/ },
  { name: 'module settings error carries its path', text: edit('image: nginx:1.29.8-alpine', 'image: nginx'), code: 'invalid-value', path: 'apps[0].config.image', at: 'image: nginx' },
  { name: 'secret-looking env value', text: edit('      image: busybox:1.37\n', '      image: busybox:1.37\n      env: { DB_PASSWORD: hunter2 }\n'), code: 'module-config', path: 'apps[1].config.env.DB_PASSWORD', hint: /envFromSecrets/ },
  { name: 'unknown namespace', text: edit('    namespace: apps\n    dependsOn', '    namespace: tools\n    dependsOn'), code: 'unresolved-reference', path: 'apps[1].namespace' },
  { name: 'dependency cycle', text: edit('    module: container\n    namespace: apps\n    storage', '    module: container\n    namespace: apps\n    dependsOn: [worker]\n    storage'), code: 'invalid-value', path: 'apps[0].dependsOn' },
  { name: 'reserved namespace', text: edit('  - name: apps\napps', '  - name: apps\n  - name: kube-system\napps'), code: 'invalid-name', path: 'namespaces[1].name' },
  { name: 'sqlite with several servers', text: edit('  controlPlane: [k3s-1]\n  workers: [k3s-2]', '  controlPlane: [k3s-1, k3s-2]\n  datastore: { type: sqlite }'), code: 'invalid-combination', path: 'cluster.datastore.type' },
  { name: 'flux without a repository', text: edit('  repo:\n    url: https://github.com/me/lab\n', ''), code: 'missing-key', path: 'gitops.repo' },
  { name: 'dns01 without a token', text: edit('      email: me@example.com\n', '      email: me@example.com\n      solver: dns01-cloudflare\n'), code: 'missing-key', path: 'tls.issuers[0].cloudflareApiToken' },
  { name: 'bundled ingress on the wrong controller', text: edit('  controller: traefik\n', '  controller: ingress-nginx\n  bundled: true\n'), code: 'invalid-combination', path: 'ingress.bundled' },
  { name: 'unknown component override', text: BASE + 'components:\n  traefk: { values: {} }\n', code: 'unresolved-reference', path: 'components.traefk', hint: /did you mean "traefik"/ },
  { name: 'duplicate YAML key', text: edit('domain: home.example.com\n', 'domain: home.example.com\ndomain: other.example.com\n'), code: 'yaml-duplicate-key', path: 'domain', at: 'domain: other' },
  { name: 'YAML syntax error', text: edit('    cpu: 8\n', '    cpu: [8\n'), code: 'yaml-syntax', path: 'hosts[0].memory' },
  { name: 'second YAML document', text: BASE + '---\nname: other\n', code: 'yaml-multiple-documents', path: '(root)', at: 'name: other' },
];

for (const c of invalid) {
  test(`invalid: ${c.name}`, () => {
    const issues = check(c.text);
    const hit = issues.find((i) => i.code === c.code && formatPath(i.path) === c.path);
    assert.ok(hit, `expected ${c.code} at ${c.path}, got:\n${issues.map((i) => `${i.code} ${formatPath(i.path)} ${i.message}`).join('\n')}`);
    assert.ok(hit.message.length > 0);
    if (c.at) assert.equal(hit.line, lineOf(c.text, c.at), `points at the line of "${c.at}"`);
    else assert.ok(hit.line && hit.line > 0, 'has a line');
    if (c.hint) assert.match(`${hit.hint ?? ''} ${hit.expected ?? ''}`, c.hint);
  });
}

test('every problem is reported at once', () => {
  // Schema errors stop the later passes (a spec that does not parse has no model)...
  const schemaLevel = check(edit('namespaces:\n', 'namespace:\n').replace('engine: flux', 'engine: fluxcd').replace('    cpu: 8\n', '    cpu: eight\n'));
  assert.deepEqual(
    schemaLevel.map((i) => `${i.code} ${formatPath(i.path)}`),
    ['invalid-type hosts[0].cpu', 'invalid-value gitops.engine', 'unknown-key namespace'],
  );
  // ...and once it parses, every semantic problem appears together.
  const semantic = check(edit('    storage: nfs-client\n', '    storage: longhorn\n').replace('ip: 192.168.1.21', 'ip: 10.0.0.21').replace('workers: [k3s-2]', 'workers: [k3s-9]'));
  assert.deepEqual(
    semantic.map((i) => `${i.code} ${formatPath(i.path)}`),
    ['ip-outside-network nodes[1].ip', 'unresolved-reference cluster.workers[0]', 'unresolved-reference apps[0].storage'],
  );
});

test('alias bombs are refused', () => {
  const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
  for (let i = 1; i < 12; i++) bomb.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9).fill('*' + String.fromCharCode(96 + i)).join(',')}]`);
  const t0 = Date.now();
  const issues = check(bomb.join('\n') + '\n');
  assert.ok(Date.now() - t0 < 2000, 'refused quickly');
  assert.equal(issues[0].code, 'yaml-alias-limit');
});
