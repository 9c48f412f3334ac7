/**
 * K3s node configuration, install scripts and the Ansible equivalent.
 *
 * Oracles: shellcheck and `bash -n` on every script (and on the parts that run
 * on the nodes, taken out of their heredocs); the scripts run for real against
 * a stand-in `ssh` that records each call's arguments and standard input, so
 * the tests see which node gets what, in which order, and that no secret ever
 * sits on a command line; kubeconfig-setup.sh runs with the real kubectl;
 * `ansible-inventory --list` and `ansible-playbook --syntax-check` (which
 * resolves every module name) judge the Ansible files. config.yaml keys are
 * checked against the `k3s server` / `k3s agent` flags (docs.k3s.io cli/server,
 * cli/agent), transcribed below for the keys hearth writes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { testLab, renderWith } from '../helpers/module-harness.js';
import { writeFiles, shellcheck, bashN } from '../helpers/infra-oracles.js';
import type { LabInput } from '../../src/spec/schema.js';
import type { RenderedFile } from '../../src/render/files.js';
import type { LabModel } from '../../src/model/types.js';
import { infraRoot } from '../../src/render/infra/index.js';
import { renderK3s, k3sDisabled, K3S_DEFAULT_VERSION } from '../../src/render/infra/k3s.js';
import { renderAnsible } from '../../src/render/infra/ansible.js';

/** `k3s server` flags (docs.k3s.io/cli/server; servers also take every agent flag). */
const SERVER_FLAGS = new Set([
  'cluster-init', 'server', 'token', 'token-file', 'tls-san', 'write-kubeconfig-mode', 'cluster-cidr', 'service-cidr',
  'flannel-backend', 'disable-network-policy', 'disable', 'datastore-endpoint',
  'etcd-snapshot-schedule-cron', 'etcd-snapshot-retention', 'etcd-snapshot-dir',
]);
/** `k3s agent` flags (docs.k3s.io/cli/agent). */
const AGENT_FLAGS = new Set(['server', 'token', 'token-file', 'node-name', 'node-ip', 'node-label', 'node-taint']);

const TOKEN = 'K10f00dcafe::server:7h1s-15-7h3-j01n-70k3n';

function lab(extra: Partial<LabInput>): LabModel {
  const r = renderWith([], testLab([], extra));
  const errors = r.issues.filter((i) => i.severity === 'error');
  assert.deepEqual(errors, [], 'the test lab is valid');
  return r.model!;
}

/** Seed 001: one server with embedded-etcd snapshots to NFS, a worker, Synology NFS, bundled Traefik, plain Helm. */
function seed001(): LabModel {
  return lab({
    name: 'home-lab',
    hosts: [
      { name: 'pve', role: 'hypervisor', platform: 'proxmox', cpu: 12, memory: '53Gi', ip: '192.168.2.10' },
      { name: 'synology', role: 'nas', platform: 'synology', cpu: 4, memory: '8Gi', ip: '192.168.2.5', storage: [{ name: 'k8s-data', path: '/volume1/k8s-data' }] },
    ],
    nodes: [
      { name: 'k3s-master', kind: 'vm', host: 'pve', cpu: 4, memory: '8Gi', disk: '64Gi', ip: '192.168.2.20' },
      { name: 'k3s-worker-01', kind: 'vm', host: 'pve', cpu: 6, memory: '24Gi', disk: '128Gi', ip: '192.168.2.21' },
    ],
    cluster: {
      name: 'home-lab',
      distribution: 'k3s',
      controlPlane: ['k3s-master'],
      workers: ['k3s-worker-01'],
      datastore: { type: 'embedded-etcd' },
      k3s: { etcdSnapshots: { schedule: '0 */12 * * *', retention: 14, dir: '/mnt/k3s-snapshots' } },
    },
    network: { cidr: '192.168.2.0/24', gateway: '192.168.2.1', loadBalancer: { pool: '192.168.2.100-192.168.2.120' }, policy: 'allow-all' },
    ingress: { controller: 'traefik', bundled: true },
    storage: { default: 'nfs-client', classes: [{ name: 'nfs-client', type: 'nfs', server: 'synology', path: '/volume1/k8s-data' }] },
    gitops: { engine: 'none' },
    namespaces: [],
  });
}

/** Three servers behind a VIP, embedded etcd, two agents with labels and taints. */
function ha(): LabModel {
  return lab({
    hosts: [{ name: 'pve', role: 'hypervisor', cpu: 32, memory: '128Gi', ip: '192.168.1.2' }],
    nodes: [
      { name: 'cp-1', kind: 'vm', host: 'pve', cpu: 2, memory: '4Gi', ip: '192.168.1.11' },
      { name: 'cp-2', kind: 'vm', host: 'pve', cpu: 2, memory: '4Gi', ip: '192.168.1.12' },
      { name: 'cp-3', kind: 'vm', host: 'pve', cpu: 2, memory: '4Gi', ip: '192.168.1.13' },
      { name: 'gpu-1', kind: 'vm', host: 'pve', cpu: 8, memory: '32Gi', ip: '192.168.1.21', labels: { 'nvidia.com/gpu.present': 'true', 'hearth.dev/gpu': 'true' }, taints: ['nvidia.com/gpu=true:NoSchedule'] },
      { name: 'w-2', kind: 'vm', host: 'pve', cpu: 8, memory: '32Gi', ip: '192.168.1.22' },
    ],
    cluster: {
      name: 'ha',
      distribution: 'k3s',
      version: 'v1.34.2+k3s1',
      controlPlane: ['cp-1', 'cp-2', 'cp-3'],
      workers: ['gpu-1', 'w-2'],
      vip: '192.168.1.10',
      k3s: { tlsSan: ['k8s.lab.example.com', '192.168.1.10'] },
    },
    infrastructure: { ssh: { user: 'ops', keys: ['ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKc3YmQzJUVxyRmM8mJ3nA0Bv7Zq9i6yqWwF0m2n3o4p ops@laptop'] } },
  });
}

function cilium(): LabModel {
  return lab({
    cluster: { name: 'test', distribution: 'k3s', controlPlane: ['k3s-1'], workers: ['gpu-1'], cni: 'cilium', podCidr: '10.244.0.0/16', serviceCidr: '10.96.0.0/12' },
  });
}

function postgres(): LabModel {
  return lab({
    nodes: [
      { name: 'k3s-1', kind: 'vm', host: 'pve', cpu: 4, memory: '8Gi', ip: '192.168.1.20' },
      { name: 'k3s-2', kind: 'vm', host: 'pve', cpu: 4, memory: '8Gi', ip: '192.168.1.23' },
      { name: 'gpu-1', kind: 'vm', host: 'pve', cpu: 4, memory: '8Gi', ip: '192.168.1.21' },
    ],
    cluster: { name: 'pg', distribution: 'k3s', controlPlane: ['k3s-1', 'k3s-2'], workers: ['gpu-1'], datastore: { type: 'external-postgres', endpoint: 'db.lan:5432' } },
  });
}

function byPath(files: RenderedFile[]): Map<string, RenderedFile> {
  return new Map(files.map((f) => [f.path, f]));
}

function config(files: RenderedFile[], root: string, node: string): Record<string, unknown> {
  const f = byPath(files).get(`${root}/k3s/nodes/${node}/config.yaml`);
  assert.ok(f, `config.yaml of ${node}`);
  return parse(f.contents);
}

/** The parts of a script that run on a node (`<<'REMOTE'` heredocs). */
function remoteParts(script: string): string[] {
  return [...script.matchAll(/<<'REMOTE'\n([\s\S]*?)\nREMOTE\n/g)].map((m) => m[1]);
}

function tmpdir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Shellcheck and bash -n every script, and the node-side parts of each. */
function checkScripts(files: RenderedFile[]): void {
  const dir = tmpdir('hearth-k3s-sh-');
  try {
    writeFiles(files, dir);
    const scripts = files.filter((f) => f.path.endsWith('.sh'));
    assert.ok(scripts.length >= 3);
    for (const s of scripts) {
      assert.equal(s.executable, true, `${s.path} is executable`);
      assert.ok(s.contents.startsWith('#!/usr/bin/env bash\n# Generated by hearth.'), `${s.path} header`);
      assert.match(s.contents, /\nset -euo pipefail\n/);
      bashN(path.join(dir, s.path));
    }
    shellcheck(scripts.map((s) => path.join(dir, s.path)));
    const parts = scripts.flatMap((s) => remoteParts(s.contents));
    assert.ok(parts.length >= 2, 'node-side parts found');
    parts.forEach((p, i) => fs.writeFileSync(path.join(dir, `remote-${i}.sh`), '#!/bin/bash\n' + p + '\n'));
    shellcheck(parts.map((_, i) => path.join(dir, `remote-${i}.sh`)));
    parts.forEach((_, i) => bashN(path.join(dir, `remote-${i}.sh`)));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

interface SshCall {
  argv: string[];
  stdin: string;
}

const K3S_YAML = `apiVersion: v1
clusters:
- cluster:
    certificate-authority-data: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1JSUJkekNDQVIyZ0F3SUJBZ0lCQURBS0JnZ3Foa2pPUFFRREFqQWpNU0V3SHdZRFZRUUREQmhyTTNNdGMyVnkKLS0tLS1FTkQgQ0VSVElGSUNBVEUtLS0tLQo=
    server: https://127.0.0.1:6443
  name: default
contexts:
- context:
    cluster: default
    user: default
  name: default
current-context: default
kind: Config
preferences: {}
users:
- name: default
  user:
    client-certificate-data: Y2VydA==
    client-key-data: a2V5
`;

/**
 * Run a rendered script with a stand-in `ssh` first on PATH: it records argv
 * and stdin per call, answers the node-token read with TOKEN and
 * `sudo cat /etc/rancher/k3s/k3s.yaml` with a K3s kubeconfig.
 */
function runWithFakeSsh(files: RenderedFile[], script: string, args: string[] = [], env: Record<string, string> = {}): { calls: SshCall[]; stdout: string; home: string } {
  const dir = tmpdir('hearth-k3s-run-');
  const bin = path.join(dir, 'bin');
  const log = path.join(dir, 'log');
  const home = path.join(dir, 'home');
  fs.mkdirSync(bin);
  fs.mkdirSync(log);
  fs.mkdirSync(home);
  fs.writeFileSync(path.join(dir, 'k3s.yaml'), K3S_YAML);
  fs.writeFileSync(
    path.join(bin, 'ssh'),
    `#!/usr/bin/env bash
set -euo pipefail
n=$(printf '%03d' "$(find "$STUB_LOG" -name '*.argv' | wc -l)")
printf '%s\\0' "$@" >"$STUB_LOG/$n.argv"
cat >"$STUB_LOG/$n.stdin"
last=\${*: -1}
if [[ "$last" == *"/etc/rancher/k3s/k3s.yaml"* ]]; then cat "$STUB_DIR/k3s.yaml"; fi
if grep -q 'cat /var/lib/rancher/k3s/server/node-token' "$STUB_LOG/$n.stdin"; then printf '%s\\n' "$STUB_TOKEN"; fi
`,
    { mode: 0o755 },
  );
  try {
    writeFiles(files, dir);
    const stdout = execFileSync('bash', [path.join(dir, script), ...args], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { PATH: `${bin}:${process.env.PATH}`, HOME: home, STUB_LOG: log, STUB_DIR: dir, STUB_TOKEN: TOKEN, ...env },
    });
    const calls = fs
      .readdirSync(log)
      .filter((f) => f.endsWith('.argv'))
      .sort()
      .map((f) => ({
        argv: fs.readFileSync(path.join(log, f), 'utf8').split('\0').slice(0, -1),
        stdin: fs.readFileSync(path.join(log, f.replace('.argv', '.stdin')), 'utf8'),
      }));
    // Keep HOME for the kubeconfig test: copy it out before cleaning up.
    const keep = tmpdir('hearth-k3s-home-');
    fs.cpSync(home, keep, { recursive: true });
    return { calls, stdout, home: keep };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function hostOf(c: SshCall): string {
  return c.argv.find((a) => a.includes('@'))!;
}

test('k3s: seed 001 (one server with etcd snapshots to NFS, a worker, bundled Traefik)', () => {
  const model = seed001();
  const root = infraRoot(model);
  assert.equal(root, 'infrastructure', 'plain-Helm layout: seed 001 writes infrastructure/k3s/');
  const files = renderK3s(model, root);
  assert.deepEqual(
    files.map((f) => f.path).sort(),
    [
      'infrastructure/k3s/install-master.sh',
      'infrastructure/k3s/install-worker.sh',
      'infrastructure/k3s/kubeconfig-setup.sh',
      'infrastructure/k3s/nodes/k3s-master/config.yaml',
      'infrastructure/k3s/nodes/k3s-worker-01/config.yaml',
    ],
  );
  assert.deepEqual(config(files, root, 'k3s-master'), {
    'node-name': 'k3s-master',
    'node-ip': '192.168.2.20',
    'cluster-init': true,
    'tls-san': ['192.168.2.20'],
    'write-kubeconfig-mode': '0600',
    // Bundled Traefik stays; MetalLB replaces ServiceLB; NFS only, so no local-path provisioner.
    disable: ['local-storage', 'servicelb'],
    'etcd-snapshot-schedule-cron': '0 */12 * * *',
    'etcd-snapshot-retention': 14,
    'etcd-snapshot-dir': '/mnt/k3s-snapshots',
  });
  assert.deepEqual(config(files, root, 'k3s-worker-01'), {
    'node-name': 'k3s-worker-01',
    'node-ip': '192.168.2.21',
    server: 'https://192.168.2.20:6443',
    'token-file': '/etc/rancher/k3s/cluster-token',
  });
  for (const f of files.filter((x) => x.path.endsWith('config.yaml'))) {
    assert.ok(f.contents.startsWith('# Generated by hearth. Do not edit'), f.path);
    const keys = Object.keys(parse(f.contents));
    const flags = f.path.includes('k3s-master') ? new Set([...SERVER_FLAGS, ...AGENT_FLAGS]) : AGENT_FLAGS;
    for (const k of keys) assert.ok(flags.has(k), `${f.path}: ${k} is a K3s flag`);
    assert.doesNotMatch(f.contents, /^token:/m, 'no literal token');
  }
  checkScripts(files);
});

test('k3s: the scripts install the pinned version with each node\'s config and never put the token on a command line', () => {
  const model = seed001();
  const root = infraRoot(model);
  const files = renderK3s(model, root);
  const master = byPath(files).get(`${root}/k3s/install-master.sh`)!;
  assert.match(master.contents, new RegExp(`version=${K3S_DEFAULT_VERSION.replace(/[.+]/g, '\\$&')}\\n`));
  assert.match(master.contents, /curl -sfL https:\/\/get\.k3s\.io \| INSTALL_K3S_VERSION="\$version" sh -s - server/);
  assert.match(master.contents, /mountpoint -q \/mnt\/k3s-snapshots/, 'warns when the snapshot NFS share is not mounted');

  const m = runWithFakeSsh(files, `${root}/k3s/install-master.sh`);
  assert.deepEqual(m.calls.map(hostOf), ['hearth@192.168.2.20', 'hearth@192.168.2.20'], 'stage, then install, on the master');
  assert.equal(m.calls[0].stdin, byPath(files).get(`${root}/k3s/nodes/k3s-master/config.yaml`)!.contents, 'the node gets its own config.yaml');
  assert.match(m.calls[1].argv.at(-1)!, /^sudo bash -s$/);
  assert.match(m.calls[1].stdin, /sh -s - server\n$/);

  const w = runWithFakeSsh(files, `${root}/k3s/install-worker.sh`);
  // The token is read from the master, written to the worker through stdin, then config and install.
  assert.deepEqual(w.calls.map(hostOf), ['hearth@192.168.2.20', 'hearth@192.168.2.21', 'hearth@192.168.2.21', 'hearth@192.168.2.21']);
  assert.match(w.calls[0].stdin, /cat \/var\/lib\/rancher\/k3s\/server\/node-token/);
  assert.equal(w.calls[1].stdin, TOKEN + '\n');
  assert.match(w.calls[1].argv.at(-1)!, /umask 077 && cat > \/etc\/rancher\/k3s\/cluster-token/);
  assert.match(w.calls[3].stdin, /sh -s - agent\n$/);
  for (const c of [...m.calls, ...w.calls]) assert.ok(!c.argv.some((a) => a.includes(TOKEN)), 'the token is never an argument');

  // A token given by the operator is used as is, without asking the master.
  const w2 = runWithFakeSsh(files, `${root}/k3s/install-worker.sh`, ['k3s-worker-01'], { K3S_TOKEN: 'K10other::server:x' });
  assert.deepEqual(w2.calls.map(hostOf), ['hearth@192.168.2.21', 'hearth@192.168.2.21', 'hearth@192.168.2.21']);
  assert.equal(w2.calls[0].stdin, 'K10other::server:x\n');

  // A name that is not an agent is refused.
  assert.throws(() => runWithFakeSsh(files, `${root}/k3s/install-worker.sh`, ['k3s-master']), /k3s-master is not a K3s agent/);
});

test('k3s: kubeconfig-setup.sh points the kubeconfig at the API and names the context after the cluster (real kubectl)', () => {
  const model = seed001();
  const root = infraRoot(model);
  const files = renderK3s(model, root);
  const first = runWithFakeSsh(files, `${root}/k3s/kubeconfig-setup.sh`);
  const home = first.home;
  try {
    assert.deepEqual(first.calls.map(hostOf), ['hearth@192.168.2.20']);
    const cfg = parse(fs.readFileSync(path.join(home, '.kube/home-lab.yaml'), 'utf8'));
    assert.equal(cfg.clusters[0].cluster.server, 'https://192.168.2.20:6443');
    assert.equal(cfg['current-context'], 'home-lab');
    assert.deepEqual(cfg.contexts, [{ context: { cluster: 'home-lab', user: 'home-lab' }, name: 'home-lab' }]);
    assert.equal(fs.statSync(path.join(home, '.kube/home-lab.yaml')).mode & 0o777, 0o600);
    const view = (h: string) =>
      JSON.parse(execFileSync('kubectl', ['config', 'view', '-o', 'json'], { encoding: 'utf8', env: { ...process.env, HOME: h, KUBECONFIG: path.join(h, '.kube/config') } }));
    const merged = view(home);
    assert.equal(merged['current-context'], 'home-lab');
    assert.deepEqual(merged.clusters.map((c: any) => [c.name, c.cluster.server]), [['home-lab', 'https://192.168.2.20:6443']]);
  } finally {
    fs.rmSync(home, { recursive: true, force: true });
  }
});

test('k3s: three servers behind a VIP join the first; agents register through the VIP; labels and taints', () => {
  const model = ha();
  const root = infraRoot(model);
  const files = renderK3s(model, root);
  const cp1 = config(files, root, 'cp-1');
  const cp2 = config(files, root, 'cp-2');
  assert.equal(cp1['cluster-init'], true);
  assert.equal(cp1.server, undefined);
  assert.equal(cp1['token-file'], undefined);
  assert.deepEqual(cp1['tls-san'], ['192.168.1.10', '192.168.1.11', 'k8s.lab.example.com'], 'VIP, node IP, extra names, without duplicates');
  assert.equal(cp2['cluster-init'], undefined);
  assert.equal(cp2.server, 'https://192.168.1.11:6443', 'servers join the first server (K3s HA docs)');
  assert.equal(cp2['token-file'], '/etc/rancher/k3s/cluster-token');
  assert.deepEqual(cp2['tls-san'], ['192.168.1.10', '192.168.1.12', 'k8s.lab.example.com']);
  // Critical values are the same on every server.
  for (const k of ['disable', 'cluster-cidr', 'service-cidr', 'flannel-backend', 'disable-network-policy']) {
    assert.deepEqual(config(files, root, 'cp-3')[k], cp1[k], k);
  }
  assert.deepEqual(cp1.disable, ['servicelb', 'traefik'], 'hearth deploys its own Traefik; the lab keeps a local-path class');
  assert.deepEqual(config(files, root, 'gpu-1'), {
    'node-name': 'gpu-1',
    'node-ip': '192.168.1.21',
    'node-label': ['hearth.dev/gpu=true', 'nvidia.com/gpu.present=true'],
    'node-taint': ['nvidia.com/gpu=true:NoSchedule'],
    server: 'https://192.168.1.10:6443',
    'token-file': '/etc/rancher/k3s/cluster-token',
  });

  checkScripts(files);
  const master = byPath(files).get(`${root}/k3s/install-master.sh`)!.contents;
  assert.match(master, /version=v1\.34\.2\+k3s1\n/, 'cluster.version is installed');
  assert.match(master, /SSH_USER=\$\{SSH_USER:-ops\}/, 'infrastructure.ssh.user');
  const m = runWithFakeSsh(files, `${root}/k3s/install-master.sh`);
  assert.deepEqual(m.calls.map(hostOf), [
    'ops@192.168.1.11', 'ops@192.168.1.11',
    'ops@192.168.1.11', 'ops@192.168.1.12', 'ops@192.168.1.12', 'ops@192.168.1.12',
    'ops@192.168.1.11', 'ops@192.168.1.13', 'ops@192.168.1.13', 'ops@192.168.1.13',
  ], 'cp-1 first; each other server gets cp-1\'s token, its config, then K3s');
  assert.equal(m.calls[3].stdin, TOKEN + '\n');
  for (const c of m.calls) assert.ok(!c.argv.some((a) => a.includes(TOKEN)));

  const kube = byPath(files).get(`${root}/k3s/kubeconfig-setup.sh`)!.contents;
  assert.match(kube, /API="https:\/\/192\.168\.1\.10:6443"\n/, 'the kubeconfig uses the VIP');
  assert.match(kube, /"\$SSH_USER@192\.168\.1\.11" 'sudo cat \/etc\/rancher\/k3s\/k3s\.yaml'/, 'copied from the first server');
});

test('k3s: cilium replaces flannel and its network policy controller; CIDRs from the spec', () => {
  const model = cilium();
  const root = infraRoot(model);
  const files = renderK3s(model, root);
  const s = config(files, root, 'k3s-1');
  assert.equal(s['flannel-backend'], 'none');
  assert.equal(s['disable-network-policy'], true);
  assert.equal(s['cluster-cidr'], '10.244.0.0/16');
  assert.equal(s['service-cidr'], '10.96.0.0/12');
  assert.deepEqual(s.disable, ['servicelb', 'traefik']);
  const a = config(files, root, 'gpu-1');
  assert.equal(a['flannel-backend'], undefined, 'agents take no server flags');
  for (const k of Object.keys(a)) assert.ok(AGENT_FLAGS.has(k), k);
  checkScripts(files);
});

test('k3s: the flannel default writes no network keys', () => {
  const model = lab({});
  const s = config(renderK3s(model, 'infra'), 'infra', 'k3s-1');
  for (const k of ['flannel-backend', 'disable-network-policy', 'cluster-cidr', 'service-cidr']) assert.equal(s[k], undefined, k);
});

test('k3s: packaged components are disabled from what the lab deploys', () => {
  const base = { cluster: { name: 'test', distribution: 'k3s' as const, controlPlane: ['k3s-1'], workers: ['gpu-1'] } };
  assert.deepEqual(k3sDisabled(lab(base)), ['servicelb', 'traefik']);
  assert.deepEqual(k3sDisabled(lab({ ...base, ingress: { controller: 'traefik', bundled: true } })), ['servicelb']);
  assert.deepEqual(k3sDisabled(lab({ ...base, ingress: undefined, tls: undefined, network: { cidr: '192.168.1.0/24', gateway: '192.168.1.1' } })), ['traefik'], 'no ingress: no unmanaged controller; no MetalLB: ServiceLB stays');
  assert.deepEqual(
    k3sDisabled(lab({ ...base, storage: { classes: [{ name: 'nfs', type: 'nfs', server: '192.168.1.5', path: '/k8s' }] } })),
    ['local-storage', 'servicelb', 'traefik'],
  );
  // A local-path class of another name is still served by K3s' bundled provisioner (local-path.ts deploys no chart on K3s).
  assert.deepEqual(k3sDisabled(lab({ ...base, storage: { classes: [{ name: 'fast', type: 'local-path' }] } })), ['servicelb', 'traefik']);
});

test('k3s: an external PostgreSQL datastore: no URL in any file, the operator\'s URL reaches the servers through stdin', () => {
  const model = postgres();
  const root = infraRoot(model);
  const files = [...renderK3s(model, root), ...renderAnsible(model, root)];
  const s1 = config(files, root, 'k3s-1');
  const s2 = config(files, root, 'k3s-2');
  assert.equal(s1['cluster-init'], undefined, 'no embedded etcd');
  assert.equal(s2.server, undefined, 'servers meet in the database, not through the first server');
  assert.equal(s2['token-file'], '/etc/rancher/k3s/cluster-token', 'but share its token');
  for (const f of files) {
    assert.doesNotMatch(f.contents, /datastore-endpoint: ["']?postgres/, `${f.path}: no datastore URL`);
    assert.doesNotMatch(f.contents, /postgres:\/\/(?!user:password@host:port)[^@\s'"]*:[^@\s]*@/, `${f.path}: no credentials`);
  }
  checkScripts(files.filter((f) => f.path.includes('/k3s/')));

  const url = "postgres://k3s:pa'ss word@db.lan:5432/k3s?sslmode=require";
  const r = runWithFakeSsh(files, `${root}/k3s/install-master.sh`, [], { K3S_DATASTORE_ENDPOINT: url });
  const dropins = r.calls.filter((c) => c.argv.at(-1)!.includes('/etc/rancher/k3s/config.yaml.d/datastore.yaml'));
  assert.deepEqual(dropins.map(hostOf), ['hearth@192.168.1.20', 'hearth@192.168.1.23'], 'every server gets the drop-in');
  for (const d of dropins) {
    assert.match(d.argv.at(-1)!, /umask 077/);
    assert.deepEqual(parse(d.stdin), { 'datastore-endpoint': url }, 'a YAML string K3s reads back unchanged');
  }
  for (const c of r.calls) assert.ok(!c.argv.some((a) => a.includes("pa'ss word")), 'the password is never an argument');

  // A URL from a file works too; one pointing elsewhere, or none, is refused before anything is touched.
  const dir = tmpdir('hearth-pg-');
  try {
    fs.writeFileSync(path.join(dir, 'url'), url + '\n');
    const r2 = runWithFakeSsh(files, `${root}/k3s/install-master.sh`, ['k3s-1'], { K3S_DATASTORE_ENDPOINT_FILE: path.join(dir, 'url') });
    assert.ok(r2.calls.some((c) => c.stdin.includes('db.lan:5432')));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  assert.throws(() => runWithFakeSsh(files, `${root}/k3s/install-master.sh`, ['k3s-1'], { K3S_DATASTORE_ENDPOINT: 'postgres://k3s:x@other:5432/k3s' }), /does not point at db\.lan:5432/);
  assert.throws(() => runWithFakeSsh(files, `${root}/k3s/install-master.sh`, ['k3s-1']), /set K3S_DATASTORE_ENDPOINT/);
});

// ---------------------------------------------------------------------------
// Ansible

function ansibleDir(files: RenderedFile[], root: string): { dir: string; ansible: string } {
  const dir = tmpdir('hearth-ansible-');
  writeFiles(files, dir);
  return { dir, ansible: path.join(dir, root, 'ansible') };
}

function ansible(cmd: string, args: string[], cwd: string): string {
  return execFileSync(cmd, args, {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ANSIBLE_LOCAL_TEMP: path.join(cwd, '.tmp'), ANSIBLE_NOCOLOR: '1', ANSIBLE_CONFIG: path.join(cwd, 'ansible.cfg') },
  });
}

test('ansible: inventory groups and host variables (ansible-inventory --list)', () => {
  const model = ha();
  const root = infraRoot(model);
  const files = [...renderK3s(model, root), ...renderAnsible(model, root)];
  assert.deepEqual(
    renderAnsible(model, root).map((f) => f.path).sort(),
    [`${root}/ansible/ansible.cfg`, `${root}/ansible/inventory.yml`, `${root}/ansible/k3s.yml`],
  );
  const { dir, ansible: cwd } = ansibleDir(files, root);
  try {
    const inv = JSON.parse(ansible('ansible-inventory', ['-i', 'inventory.yml', '--list'], cwd));
    assert.deepEqual(inv.k3s_cluster.children.sort(), ['k3s_agents', 'k3s_servers']);
    assert.deepEqual(inv.k3s_servers.hosts, ['cp-1', 'cp-2', 'cp-3']);
    assert.deepEqual(inv.k3s_agents.hosts, ['gpu-1', 'w-2']);
    assert.equal(inv._meta.hostvars['cp-2'].ansible_host, '192.168.1.12');
    assert.equal(inv._meta.hostvars['cp-2'].ansible_user, 'ops');
    assert.equal(inv._meta.hostvars['w-2'].k3s_version, 'v1.34.2+k3s1');
    assert.equal(inv._meta.hostvars['w-2'].k3s_first_server, 'cp-1');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('ansible: the playbook passes --syntax-check and does what the scripts do', () => {
  for (const model of [ha(), seed001(), postgres(), lab({ cluster: { name: 'one', distribution: 'k3s', controlPlane: ['k3s-1'] } })]) {
    const root = infraRoot(model);
    const files = [...renderK3s(model, root), ...renderAnsible(model, root)];
    const { dir, ansible: cwd } = ansibleDir(files, root);
    try {
      const out = ansible('ansible-playbook', ['-i', 'inventory.yml', 'k3s.yml', '--syntax-check'], cwd);
      assert.match(out, /playbook: k3s\.yml/);
      // The playbook copies the configs rendered for the scripts: the relative path must resolve.
      for (const n of model.cluster!.nodes) assert.ok(fs.existsSync(path.join(cwd, '..', 'k3s', 'nodes', n.name, 'config.yaml')), n.name);
      if (!model.cluster!.workers.length) {
        const inv = JSON.parse(ansible('ansible-inventory', ['-i', 'inventory.yml', '--list'], cwd));
        assert.deepEqual(inv.k3s_servers.hosts, ['k3s-1']);
        assert.equal(inv.k3s_agents?.hosts, undefined, 'an empty agents group');
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }

  const model = ha();
  const plays = parse(byPath(renderAnsible(model, 'infra')).get('infra/ansible/k3s.yml')!.contents) as any[];
  assert.deepEqual(plays.map((p) => p.hosts), ['cp-1', 'k3s_servers:!cp-1', 'k3s_agents']);
  assert.equal(plays[1].serial, 1, 'etcd members join one at a time');
  const modules = new Set(plays.flatMap((p) => [...p.tasks, ...p.handlers]).flatMap((t: any) => Object.keys(t).filter((k) => k.includes('.'))));
  for (const m of modules) assert.match(m, /^ansible\.builtin\./, `${m} is in ansible-core`);
  const slurp = plays[0].tasks.find((t: any) => t['ansible.builtin.slurp']);
  assert.equal(slurp['ansible.builtin.slurp'].src, '/var/lib/rancher/k3s/server/node-token');
  assert.equal(slurp.no_log, true);
  for (const p of plays.slice(1)) {
    const tok = p.tasks.find((t: any) => t['ansible.builtin.copy']?.dest === '/etc/rancher/k3s/cluster-token');
    assert.equal(tok.no_log, true);
    assert.equal(tok['ansible.builtin.copy'].mode, '0600');
    assert.match(tok['ansible.builtin.copy'].content, /hostvars\['cp-1'\]\.k3s_node_token\.content \| b64decode/);
  }
  const install = plays[2].tasks.find((t: any) => t['ansible.builtin.command']);
  assert.deepEqual(install['ansible.builtin.command'], { cmd: '/usr/local/bin/k3s-install.sh agent', creates: '/usr/local/bin/k3s' });
  assert.deepEqual(install.environment, { INSTALL_K3S_VERSION: '{{ k3s_version }}' });
  const get = plays[0].tasks.find((t: any) => t['ansible.builtin.get_url']);
  assert.equal(get['ansible.builtin.get_url'].url, 'https://get.k3s.io');
  const cfg = plays[0].tasks.find((t: any) => t['ansible.builtin.copy']?.dest === '/etc/rancher/k3s/config.yaml');
  assert.equal(cfg['ansible.builtin.copy'].src, '{{ playbook_dir }}/../k3s/nodes/{{ inventory_hostname }}/config.yaml');

  const pg = parse(byPath(renderAnsible(postgres(), 'infra')).get('infra/ansible/k3s.yml')!.contents) as any[];
  const dropin = pg[0].tasks.find((t: any) => t['ansible.builtin.copy']?.dest === '/etc/rancher/k3s/config.yaml.d/datastore.yaml');
  assert.equal(dropin.no_log, true);
  assert.equal(dropin['ansible.builtin.copy'].mode, '0600');
  assert.match(dropin['ansible.builtin.copy'].content, /lookup\('ansible\.builtin\.env', 'K3S_DATASTORE_ENDPOINT'\) \| to_json/);
});

test('k3s and ansible render nothing without a K3s cluster', () => {
  const talos = lab({ cluster: { name: 'test', distribution: 'talos', controlPlane: ['k3s-1'], workers: ['gpu-1'] } });
  assert.deepEqual(renderK3s(talos, 'infra'), []);
  assert.deepEqual(renderAnsible(talos, 'infra'), []);
});
