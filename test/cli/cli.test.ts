/**
 * End to end: spawn the real CLI (`node bin/hearth.js ...`) and check exit
 * codes, stdout and stderr, and what lands on disk.
 */
import { parse } from 'yaml';
import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { hearth, type Run } from '../helpers/cli.js';
import { ROOT, walk } from '../helpers/labs.js';
import { loadLab } from '../../src/pipeline.js';
import { renderLab } from '../../src/render/index.js';

const LAB_001 = path.join(ROOT, 'examples/001-k3s-synology');
const VERSION = (JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
const MODELINE = '# yaml-language-server: $schema=./hearth.schema.json';

const BASE = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-cli-'));
after(() => fs.rmSync(BASE, { recursive: true, force: true }));
let counter = 0;
/** A fresh directory under the per-file temp dir (created unless `create: false`). */
function tmpDir(create = true): string {
  const d = path.join(BASE, `t${++counter}`);
  if (create) fs.mkdirSync(d);
  return d;
}

/** A failed run of invalid input: exit 2, nothing on stdout, no stack trace. */
function assertInvalid(r: Run, code: string): void {
  assert.equal(r.status, 2, `exit 2 expected; stderr:\n${r.stderr}`);
  assert.equal(r.stdout, '');
  assert.ok(r.stderr.includes(`[${code}]`), `stderr must name ${code}:\n${r.stderr}`);
  assert.doesNotMatch(r.stderr, /^\s+at /m, 'no stack trace');
  assert.doesNotMatch(r.stderr, /internal error/);
}

/** Every file under a directory with its bytes, relative paths in code-unit order. */
function tree(dir: string): Record<string, string> {
  return Object.fromEntries(walk(dir).map((p) => [p, fs.readFileSync(path.join(dir, p), 'utf8')]));
}

const SCHEMA_ERRORS = `name: Home-Lab
domain: home.example.com
hosts:
  - name: pve
    role: hypervisor
    cpu: 8
    memory: 32Gi
nodes:
  - name: k3s-server
    kind: vm
    host: pve
    cpu: 4
    memory: 8Gi
    ip: 192.168.1.20
cluster:
  name: home
  distribution: k3z
  controlPlane: [k3s-server]
network:
  cidr: 192.168.1.0/24
  gateway: 192.168.1.1
storage:
  classes:
    - name: nfs-client
      type: nfs
      server: 192.168.1.5
      path: /volume1/k8s
gitops:
  engine: none
namespace:
  - name: apps
apps:
  - name: N8N
    module: container
    namespace: apps
    config:
      image: n8nio/n8n:2.20.6
      ports: [{ name: http, port: 5678 }]
`;

const REFERENCE_ERRORS = `name: home-lab
domain: home.example.com
hosts:
  - name: pve
    role: hypervisor
    cpu: 8
    memory: 32Gi
nodes:
  - name: k3s-server
    kind: vm
    host: pve
    cpu: 4
    memory: 8Gi
    ip: 10.0.0.20
cluster:
  name: home
  distribution: k3s
  controlPlane: [k3s-servr]
network:
  cidr: 192.168.1.0/24
  gateway: 192.168.1.1
storage:
  classes:
    - name: nfs-client
      type: nfs
      server: 192.168.1.5
      path: /volume1/k8s
gitops:
  engine: none
namespaces:
  - name: apps
apps:
  - name: n8n
    module: container
    namespace: apps
    storage: fast-ssd
    config:
      image: n8nio/n8n:2.20.6
      ports: [{ name: http, port: 5678 }]
`;

/** Split stderr into issue blocks keyed by their `file:line:col` head. */
function issueBlocks(stderr: string): Map<string, string> {
  const blocks = new Map<string, string>();
  let cur: string | undefined;
  for (const line of stderr.split('\n')) {
    const m = /^(hearth\.yaml:\d+:\d+): /.exec(line);
    if (m) {
      cur = m[1];
      blocks.set(cur, line);
    } else if (cur && line.startsWith('    ')) blocks.set(cur, `${blocks.get(cur)}\n${line}`);
    else cur = undefined;
  }
  return blocks;
}

function assertIssue(blocks: Map<string, string>, at: string, path: string, code: string, ...parts: string[]): void {
  const b = blocks.get(`hearth.yaml:${at}`);
  assert.ok(b, `no issue at hearth.yaml:${at}; got ${[...blocks.keys()].join(', ')}`);
  assert.ok(b.includes(`: error ${path}: `), `issue at ${at} is about ${path}:\n${b}`);
  assert.ok(b.endsWith(`[${code}]`) || b.includes(`[${code}]\n`), `issue at ${at} has code ${code}:\n${b}`);
  for (const p of parts) assert.ok(b.includes(p), `issue at ${at} mentions ${JSON.stringify(p)}:\n${b}`);
}

const TS_LAB_YAML = `name: ts-lab
domain: lab.example.com
hosts:
  - { name: pve, role: hypervisor, cpu: 8, memory: 32Gi }
nodes:
  - { name: k3s-server, kind: vm, host: pve, cpu: 4, memory: 8Gi, ip: 192.168.1.20 }
cluster: { name: home, distribution: k3s, controlPlane: [k3s-server] }
network:
  cidr: 192.168.1.0/24
  gateway: 192.168.1.1
  loadBalancer: { pool: 192.168.1.200-192.168.1.220 }
ingress: { controller: traefik, bundled: true }
tls:
  issuers: [{ name: letsencrypt, type: letsencrypt, email: me@example.com }]
storage:
  classes: [{ name: local-path, type: local-path }]
gitops: { engine: flux, repo: { url: https://github.com/me/ts-lab } }
namespaces: [{ name: apps }]
apps:
  - name: whoami
    module: container
    namespace: apps
    config: { image: traefik/whoami:v1.10.3, ports: [{ name: http, port: 80 }] }
`;

const TS_LAB_CONFIG = `import { defineLab } from 'hearth';

const ip = (n: number): string => \`192.168.1.\${n}\`;

export default defineLab({
  name: 'ts-lab',
  domain: 'lab.example.com',
  hosts: [{ name: 'pve', role: 'hypervisor', cpu: 8, memory: '32Gi' }],
  nodes: [{ name: 'k3s-server', kind: 'vm', host: 'pve', cpu: 4, memory: '8Gi', ip: ip(20) }],
  cluster: { name: 'home', distribution: 'k3s', controlPlane: ['k3s-server'] },
  network: { cidr: '192.168.1.0/24', gateway: ip(1), loadBalancer: { pool: \`\${ip(200)}-\${ip(220)}\` } },
  ingress: { controller: 'traefik', bundled: true },
  tls: { issuers: [{ name: 'letsencrypt', type: 'letsencrypt', email: 'me@example.com' }] },
  storage: { classes: [{ name: 'local-path', type: 'local-path' }] },
  gitops: { engine: 'flux', repo: { url: 'https://github.com/me/ts-lab' } },
  namespaces: [{ name: 'apps' }],
  apps: [
    {
      name: 'whoami',
      module: 'container',
      namespace: 'apps',
      config: { image: 'traefik/whoami:v1.10.3', ports: [{ name: 'http', port: 80 }] },
    },
  ],
});
`;

// The tests mostly wait on child processes: run as many side by side as there are CPUs.
describe('hearth CLI', { concurrency: Math.max(2, os.availableParallelism()) }, () => {
  // ---------------------------------------------------------------- basics

  test('--version prints the package.json version', async () => {
    for (const flag of ['--version', '-V']) {
      const r = await hearth([flag]);
      assert.equal(r.status, 0);
      assert.equal(r.stdout, `${VERSION}\n`);
      assert.equal(r.stderr, '');
    }
  });

  test('--help and build --help list the commands and options', async () => {
    const r = await hearth(['--help']);
    assert.equal(r.status, 0);
    for (const cmd of ['init', 'validate', 'build', 'explain', 'schema']) assert.match(r.stdout, new RegExp(`^  ${cmd} `, 'm'), `--help lists ${cmd}`);
    assert.match(r.stdout, /^Usage: hearth /);
    const b = await hearth(['build', '--help']);
    assert.equal(b.status, 0);
    assert.match(b.stdout, /^Usage: hearth build /);
    for (const opt of ['-o, --out <dir>', '--force', '--dry-run', '--json']) assert.ok(b.stdout.includes(opt), `build --help lists ${opt}`);
  });

  test('an unknown command exits 2', async () => {
    const r = await hearth(['frobnicate']);
    assert.equal(r.status, 2);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /unknown command 'frobnicate'/);
    const o = await hearth(['build', '--no-such-option']);
    assert.equal(o.status, 2);
    assert.match(o.stderr, /unknown option '--no-such-option'/);
  });

  test('validate an example: exit 0, "valid" with the counts explain agrees with', async () => {
    const r = await hearth(['validate', 'examples/001-k3s-synology']);
    assert.equal(r.status, 0, r.stderr);
    // Seed 001's lab makes its Secrets by hand: the SSH key of the backup target is one of them.
    assert.match(r.stderr, /^examples\/001-k3s-synology\/hearth\.yaml:\d+:\d+: warning backups\.targets\[0\]\.ssh: the backup jobs read Secret restic-ssh in data, and secrets\.values does not declare it \[missing-dependency\]\n.*\n\n1 warning\n$/);
    const m = /^examples\/001-k3s-synology\/hearth\.yaml: valid \((\d+) components, (\d+) apps\)\n$/.exec(r.stdout);
    assert.ok(m, `unexpected output: ${r.stdout}`);
    const specApps = (parse(fs.readFileSync(path.join(ROOT, 'examples/001-k3s-synology/hearth.yaml'), 'utf8')) as { apps: unknown[] }).apps.length;
    assert.equal(Number(m[2]), specApps, 'the count of apps in the spec');
    const ex = await hearth(['explain', 'examples/001-k3s-synology', '--json']);
    assert.equal(ex.status, 0);
    const data = JSON.parse(ex.stdout) as { components: { id: string }[] };
    assert.equal(data.components.length, Number(m[1]));
    const j = await hearth(['validate', 'examples/001-k3s-synology', '--json']);
    assert.equal(j.status, 0);
    const jv = JSON.parse(j.stdout) as { file: string; valid: boolean; issues: { path: (string | number)[]; severity: string }[] };
    assert.equal(jv.valid, true);
    assert.deepEqual(jv.issues.map((i) => `${i.severity} ${i.path.join('.')}`), ['warning backups.targets.0.ssh']);
  });

  test('schema prints the JSON Schema', async () => {
    const r = await hearth(['schema']);
    assert.equal(r.status, 0);
    assert.equal(r.stderr, '');
    const s = JSON.parse(r.stdout) as { properties: Record<string, { type?: string }> };
    assert.equal(s.properties.apps.type, 'array');
    assert.ok(s.properties.namespaces, 'namespaces is a property');
    assert.equal((s.properties as Record<string, unknown>).namespace, undefined);
  });

  test('explain prints YAML with components, and --json parses', async () => {
    const r = await hearth(['explain', LAB_001]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^components:$/m);
    assert.match(r.stdout, /^lab:\n {2}name: home-lab$/m);
    const j = await hearth(['explain', LAB_001, '--json']);
    assert.equal(j.status, 0);
    const data = JSON.parse(j.stdout) as { lab: { name: string }; components: { id: string; module: string }[] };
    assert.equal(data.lab.name, 'home-lab');
    const ids = data.components.map((c) => c.id);
    for (const id of ['metallb', 'cert-manager', 'n8n', 'paperless']) assert.ok(ids.includes(id), `explain lists ${id}: ${ids.join(', ')}`);
  });

  // ---------------------------------------------------------------- init

  test('init writes a starter hearth.yaml with the modeline and its schema; it validates and builds', async () => {
    const dir = tmpDir(false);
    const r = await hearth(['init', dir]);
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(fs.readdirSync(dir).sort(), ['hearth.schema.json', 'hearth.yaml']);
    const text = fs.readFileSync(path.join(dir, 'hearth.yaml'), 'utf8');
    assert.equal(text.split('\n')[0], MODELINE);
    assert.deepEqual(JSON.parse(fs.readFileSync(path.join(dir, 'hearth.schema.json'), 'utf8')), JSON.parse((await hearth(['schema'])).stdout));
    const v = await hearth(['validate', dir]);
    assert.equal(v.status, 0, v.stderr);
    assert.match(v.stdout, /hearth\.yaml: valid \(/);
    const b = await hearth(['build', dir, '--out', path.join(dir, 'out')]);
    assert.equal(b.status, 0, b.stderr);
    const n = walk(path.join(dir, 'out')).filter((p) => !p.startsWith('.hearth/')).length;
    assert.ok(n > 0);
    assert.match(b.stdout, new RegExp(`^wrote ${n} files to .*: ${n} changed, 0 unchanged, 0 removed$`, 'm'));
  });

  test('init refuses to overwrite hearth.yaml without --force', async () => {
    const dir = tmpDir();
    fs.writeFileSync(path.join(dir, 'hearth.yaml'), 'name: mine\n');
    const r = await hearth(['init', dir]);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /exists; pass --force/);
    assert.doesNotMatch(r.stderr, /^\s+at /m);
    assert.equal(fs.readFileSync(path.join(dir, 'hearth.yaml'), 'utf8'), 'name: mine\n');
    assert.deepEqual(fs.readdirSync(dir), ['hearth.yaml'], 'the schema is not written either');
    const f = await hearth(['init', dir, '--force']);
    assert.equal(f.status, 0, f.stderr);
    assert.equal(fs.readFileSync(path.join(dir, 'hearth.yaml'), 'utf8').split('\n')[0], MODELINE);
  });

  test('init --example copies an example with the local modeline; an unknown example exits 2 listing them', async () => {
    const dir = tmpDir(false);
    const r = await hearth(['init', dir, '--example', '003-lima-k3s-argocd']);
    assert.equal(r.status, 0, r.stderr);
    const text = fs.readFileSync(path.join(dir, 'hearth.yaml'), 'utf8');
    const lines = text.split('\n');
    assert.equal(lines[0], MODELINE);
    assert.equal(lines.filter((l) => l.startsWith('# yaml-language-server:')).length, 1, 'the example\'s own modeline is replaced');
    const original = fs.readFileSync(path.join(ROOT, 'examples/003-lima-k3s-argocd/hearth.yaml'), 'utf8');
    assert.equal(text.slice(MODELINE.length + 1), original.replace(/^# yaml-language-server:.*\n/, ''));
    assert.ok(fs.existsSync(path.join(dir, 'hearth.schema.json')));
    const v = await hearth(['validate', dir]);
    assert.equal(v.status, 0, v.stderr);

    const bad = tmpDir(false);
    const u = await hearth(['init', bad, '--example', 'no-such-lab']);
    assert.equal(u.status, 2);
    assert.equal(u.stdout, '');
    const examples = fs.readdirSync(path.join(ROOT, 'examples')).filter((e) => fs.existsSync(path.join(ROOT, 'examples', e, 'hearth.yaml'))).sort();
    assert.ok(examples.length >= 2);
    assert.ok(u.stderr.includes(`no example named "no-such-lab"; examples: ${examples.join(', ')}`), u.stderr);
    assert.equal(fs.existsSync(bad), false, 'nothing written for an unknown example');
  });

  // ---------------------------------------------------------------- build

  test('build writes the rendered files, and a second run changes nothing', async () => {
    const out = tmpDir(false);
    const r = await hearth(['build', LAB_001, '--out', out]);
    assert.equal(r.status, 0, r.stderr);
    // Seed 001 keeps native Secrets (mechanism none): the only output on stderr is the list to create by hand.
    assert.match(r.stderr, /^\S+hearth.yaml:\d+:\d+: warning secrets.mechanism: 3 Secrets the apps read must be created by hand: data\/postgresql-superuser, data\/restic, docs\/paperless-secret-key \[missing-dependency\]\n.*\n\S+hearth.yaml:\d+:\d+: warning backups.targets\[0\].ssh: .*\n.*\n\n2 warnings\n$/);
    const loaded = await loadLab(LAB_001);
    const expected = renderLab(loaded.model!);
    const n = expected.length;
    assert.match(r.stdout, new RegExp(`^wrote ${n} files to .*: ${n} changed, 0 unchanged, 0 removed\n$`));
    assert.deepEqual(walk(out), [...expected.map((f) => f.path), '.hearth/manifest.json'].sort());
    for (const f of expected) assert.equal(fs.readFileSync(path.join(out, f.path), 'utf8'), f.contents, f.path);
    for (const f of expected.filter((x) => x.executable)) assert.equal(fs.statSync(path.join(out, f.path)).mode & 0o777, 0o755, f.path);
    const before = tree(out);

    const again = await hearth(['build', LAB_001, '--out', out]);
    assert.equal(again.status, 0, again.stderr);
    assert.match(again.stdout, new RegExp(`: 0 changed, ${n} unchanged, 0 removed\n$`));
    assert.deepEqual(tree(out), before);

    const j = await hearth(['build', LAB_001, '--out', out, '--json']);
    assert.equal(j.status, 0);
    const rep = JSON.parse(j.stdout) as { file: string; issues: unknown[]; report: { outDir: string; written: string[]; unchanged: string[]; removed: string[]; conflicts: unknown[] } };
    assert.deepEqual((rep.issues as { code: string; severity: string }[]).map((i) => `${i.severity} ${i.code}`), ['warning missing-dependency', 'warning missing-dependency'], 'only the hand-made Secrets warnings');
    assert.equal(rep.report.outDir, out);
    assert.deepEqual(rep.report.written, []);
    assert.deepEqual([...rep.report.unchanged].sort(), expected.map((f) => f.path).sort());
    assert.deepEqual(rep.report.conflicts, []);
    assert.deepEqual(tree(out), before);
  });

  test('build --dry-run writes nothing', async () => {
    const out = tmpDir(false);
    const r = await hearth(['build', LAB_001, '--out', out, '--dry-run']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^would write (\d+) files to .*: \1 changed, 0 unchanged, 0 removed\n$/);
    assert.equal(fs.existsSync(out), false);
  });

  test('build into a directory holding a file hearth did not generate: exit 2, nothing written', async () => {
    const out = tmpDir();
    fs.mkdirSync(path.join(out, 'scripts'));
    fs.writeFileSync(path.join(out, 'scripts/deploy-all.sh'), '#!/bin/sh\necho mine\n');
    fs.writeFileSync(path.join(out, 'README.md'), 'my repo\n');
    const before = tree(out);
    const r = await hearth(['build', LAB_001, '--out', out]);
    assert.equal(r.status, 2);
    assert.equal(r.stdout, '');
    assert.ok(r.stderr.includes(`${path.join(path.relative(ROOT, out), 'scripts/deploy-all.sh')}: exists and was not generated by hearth`), r.stderr);
    assert.match(r.stderr, /nothing written: 1 conflict in /);
    assert.deepEqual(tree(out), before);
    assert.deepEqual(fs.readdirSync(out).sort(), ['README.md', 'scripts']);

    const j = await hearth(['build', LAB_001, '--out', out, '--json']);
    assert.equal(j.status, 2);
    const rep = JSON.parse(j.stdout) as { report: { conflicts: { path: string; reason: string }[] } };
    assert.deepEqual(rep.report.conflicts, [{ path: 'scripts/deploy-all.sh', reason: 'not-generated' }]);
    assert.deepEqual(tree(out), before);
  });

  // ---------------------------------------------------------------- bad input

  test('schema errors: every one reported with file:line:col, path and hint; exit 2; nothing written', async () => {
    const dir = tmpDir();
    fs.writeFileSync(path.join(dir, 'hearth.yaml'), SCHEMA_ERRORS);
    const r = await hearth(['build'], dir);
    assertInvalid(r, 'unknown-key');
    const blocks = issueBlocks(r.stderr);
    assert.equal(blocks.size, 4, r.stderr);
    assertIssue(blocks, '1:7', 'name', 'invalid-format', '"Home-Lab"');
    assertIssue(blocks, '17:17', 'cluster.distribution', 'invalid-value', 'expected: one of: k3s, talos', 'hint: did you mean "k3s"?');
    assertIssue(blocks, '30:1', 'namespace', 'unknown-key', 'hint: did you mean "namespaces"?');
    assertIssue(blocks, '33:11', 'apps[0].name', 'invalid-format', '"N8N"');
    assert.match(r.stderr, /\n\n4 errors\n$/);
    assert.deepEqual(fs.readdirSync(dir), ['hearth.yaml'], 'no out/ written');
    const v = await hearth(['validate'], dir);
    assert.equal(v.status, 2);
    assert.equal(v.stderr, r.stderr, 'validate reports the same problems');
  });

  test('reference and network errors: every one reported with file:line:col, path and hint; exit 2; nothing written', async () => {
    const dir = tmpDir();
    fs.writeFileSync(path.join(dir, 'hearth.yaml'), REFERENCE_ERRORS);
    const r = await hearth(['build', 'hearth.yaml', '--out', 'out'], dir);
    assertInvalid(r, 'unresolved-reference');
    const blocks = issueBlocks(r.stderr);
    assertIssue(blocks, '14:9', 'nodes[0].ip', 'ip-outside-network', '10.0.0.20', 'expected: an address in network.cidr 192.168.1.0/24', 'hint: ');
    assertIssue(blocks, '18:18', 'cluster.controlPlane[0]', 'unresolved-reference', '"k3s-servr"', 'hint: did you mean "k3s-server"? defined: k3s-server');
    assertIssue(blocks, '36:14', 'apps[0].storage', 'unresolved-reference', '"fast-ssd"', 'hint: defined: nfs-client');
    // The model stage's own finding (an exposed app needs an ingress controller) comes in the same run.
    assertIssue(blocks, '33:5', 'apps[0].expose', 'missing-dependency', 'hint: add ingress:');
    assert.equal(blocks.size, 4, r.stderr);
    assert.match(r.stderr, /\n\n4 errors\n$/);
    assert.deepEqual(fs.readdirSync(dir), ['hearth.yaml'], 'no out/ written');
    const j = await hearth(['validate', '--json'], dir);
    assert.equal(j.status, 2);
    const data = JSON.parse(j.stdout) as { valid: boolean; issues: { code: string; path: (string | number)[]; line: number; col: number }[] };
    assert.equal(data.valid, false);
    assert.deepEqual(
      data.issues.map((i) => [i.line, i.col, i.code, i.path.join('.')]),
      [
        [14, 9, 'ip-outside-network', 'nodes.0.ip'],
        [18, 18, 'unresolved-reference', 'cluster.controlPlane.0'],
        [33, 5, 'missing-dependency', 'apps.0.expose'],
        [36, 14, 'unresolved-reference', 'apps.0.storage'],
      ],
    );
  });

  test('invalid YAML syntax exits 2 with the line of the problem', async () => {
    const dir = tmpDir();
    fs.writeFileSync(path.join(dir, 'hearth.yaml'), 'name: a\ndomain: b.example.com\nhosts:\n  - name: x\n   role: y\n');
    const r = await hearth(['validate', 'hearth.yaml'], dir);
    assertInvalid(r, 'yaml-syntax');
    assert.match(r.stderr, /^hearth\.yaml:5:\d+: error /m);
  });

  test('a duplicate key exits 2 with yaml-duplicate-key at its line', async () => {
    const dir = tmpDir();
    fs.writeFileSync(path.join(dir, 'hearth.yaml'), 'name: a\ndomain: b.example.com\napps:\n  - name: x\n    name: y\n');
    const r = await hearth(['validate'], dir);
    assertInvalid(r, 'yaml-duplicate-key');
    assert.match(r.stderr, /^hearth\.yaml:5:5: error apps\[0\]\.name: .*\[yaml-duplicate-key\]$/m);
  });

  test('a "billion laughs" alias bomb is refused quickly with yaml-alias-limit', async () => {
    const dir = tmpDir();
    const lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    const names = 'bcdefghijk';
    for (let i = 0; i < names.length; i++) lines.push(`${names[i]}: &${names[i]} [${Array(10).fill(`*${i === 0 ? 'a' : names[i - 1]}`).join(',')}]`);
    lines.push(`name: *k`);
    fs.writeFileSync(path.join(dir, 'hearth.yaml'), lines.join('\n') + '\n');
    const r = await hearth(['validate'], dir);
    assertInvalid(r, 'yaml-alias-limit');
    assert.match(r.stderr, /^hearth\.yaml:1:1: /m);
    // Expanding it would take minutes and gigabytes; refusing takes one process start (generous bound for loaded machines).
    assert.ok(r.ms < 10_000, `took ${r.ms} ms`);
  });

  test('a spec over 4 MiB is refused with file-too-large', async () => {
    const dir = tmpDir();
    fs.writeFileSync(path.join(dir, 'hearth.yaml'), 'name: a\n# ' + 'x'.repeat(4 * 1024 * 1024) + '\n');
    const r = await hearth(['validate'], dir);
    assertInvalid(r, 'file-too-large');
    assert.ok(r.stderr.includes(`hearth refuses specs over ${4 * 1024 * 1024} bytes`), r.stderr);
  });

  test('a nonexistent path exits 2 with file-not-found', async () => {
    const dir = tmpDir();
    for (const cmd of ['validate', 'build', 'explain']) {
      const r = await hearth([cmd, 'no/such/lab'], dir);
      assertInvalid(r, 'file-not-found');
      assert.match(r.stderr, /no lab spec at no\/such\/lab/);
    }
    assert.deepEqual(fs.readdirSync(dir), []);
    const empty = await hearth(['validate'], dir);
    assertInvalid(empty, 'file-not-found');
  });

  // ---------------------------------------------------------------- hearth.config.ts

  test('hearth.config.ts with defineLab from "hearth" builds the same files as the equivalent hearth.yaml', async () => {
    const yamlDir = tmpDir();
    const tsDir = tmpDir();
    fs.writeFileSync(path.join(yamlDir, 'hearth.yaml'), TS_LAB_YAML);
    fs.writeFileSync(path.join(tsDir, 'hearth.config.ts'), TS_LAB_CONFIG);

    const v = await hearth(['validate'], tsDir);
    assert.equal(v.status, 0, v.stderr);
    assert.match(v.stdout, /^hearth\.config\.ts: valid \(\d+ components, 1 apps\)\n$/);

    const y = await hearth(['build', '--json'], yamlDir);
    const t = await hearth(['build', '--json'], tsDir);
    assert.equal(y.status, 0, y.stderr);
    assert.equal(t.status, 0, t.stderr);
    const ry = JSON.parse(y.stdout) as { file: string; report: { written: string[] } };
    const rt = JSON.parse(t.stdout) as { file: string; report: { written: string[] } };
    assert.equal(ry.file, 'hearth.yaml');
    assert.equal(rt.file, 'hearth.config.ts');
    assert.ok(rt.report.written.length > 5);
    assert.ok(rt.report.written.some((p) => p.includes('whoami')), 'the app is rendered');
    assert.deepEqual([...rt.report.written].sort(), [...ry.report.written].sort());
    assert.deepEqual(tree(path.join(tsDir, 'out')), tree(path.join(yamlDir, 'out')));
  });

  test('a hearth.config.ts that throws at import exits 2 with config-load-failed and no stack trace', async () => {
    const dir = tmpDir();
    fs.writeFileSync(
      path.join(dir, 'hearth.config.ts'),
      `import { defineLab } from 'hearth';\n\nfunction broken(): never {\n  throw new Error('the lab cannot be described');\n}\n\nexport default defineLab(broken());\n`,
    );
    for (const cmd of ['validate', 'build']) {
      const r = await hearth([cmd], dir);
      assertInvalid(r, 'config-load-failed');
      assert.match(r.stderr, /^hearth\.config\.ts: error \(root\): cannot load hearth\.config\.ts: the lab cannot be described \[config-load-failed\]$/m);
    }
    assert.deepEqual(fs.readdirSync(dir), ['hearth.config.ts']);
  });
});
