/**
 * Lima VMs on a Mac (seed 003) and their Terraform glue.
 *
 * No limactl can run here, so the Lima files are judged by their structure:
 * every key must be one of Lima's (lima-vm/lima templates/default.yaml, the
 * documented schema, transcribed below for what hearth writes), and the
 * values are asserted. The provision scripts pass shellcheck and `bash -n`;
 * the netplan document they write parses and uses netplan's keys. main.tf
 * passes `terraform fmt -check` and HashiCorp's HCL parser (@cdktf/hcl2json), and
 * since terraform_data needs no provider download, `terraform init`,
 * `validate`, `apply` and `destroy` run it against a stand-in limactl.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { testLab, renderWith } from '../helpers/module-harness.js';
import { terraformFmtCheck, parseHcl, writeFiles, shellcheck, bashN } from '../helpers/infra-oracles.js';
import type { LabInput } from '../../src/spec/schema.js';
import type { RenderedFile } from '../../src/render/files.js';
import type { LabModel } from '../../src/model/types.js';
import { infraRoot } from '../../src/render/infra/index.js';
import { renderLima, limaSize, tfName, LIMA_UBUNTU_IMAGES } from '../../src/render/infra/lima.js';
import { renderK3s } from '../../src/render/infra/k3s.js';

/** Top-level keys of a Lima instance file (templates/default.yaml). */
const LIMA_KEYS = new Set([
  'vmType', 'arch', 'images', 'cpus', 'memory', 'disk', 'mounts', 'mountTypesUnsupported', 'mountType', 'mountInotify', 'additionalDisks',
  'ssh', 'caCerts', 'upgradePackages', 'containerd', 'provision', 'probes', 'minimumLimaVersion', 'vmOpts', 'os', 'cpuType', 'rosetta',
  'timezone', 'firmware', 'audio', 'video', 'networks', 'portForwards', 'copyToHost', 'message', 'env', 'param', 'propagateProxyEnv',
  'hostResolver', 'dns', 'guestInstallPrefix', 'plain',
]);
const IMAGE_KEYS = new Set(['location', 'arch', 'digest']);
const NETWORK_KEYS = new Set(['lima', 'socket', 'vzNAT', 'macAddress', 'interface', 'metric']);
const SSH_KEYS = new Set(['localPort', 'loadDotSSHPubKeys', 'forwardAgent', 'forwardX11', 'forwardX11Trusted']);
const PORT_FORWARD_KEYS = new Set(['guestIP', 'guestPort', 'guestPortRange', 'guestSocket', 'guestIPMustBeZero', 'hostIP', 'hostPort', 'hostPortRange', 'hostSocket', 'proto', 'ignore', 'reverse']);
/** networks.yaml (pkg/networks/networks.go: Config, Paths, Network). */
const NETWORKS_FILE_KEYS = new Set(['paths', 'group', 'networks']);
const NETWORKS_PATH_KEYS = new Set(['socketVMNet', 'varRun', 'sudoers']);
const NETWORK_DEF_KEYS = new Set(['mode', 'interface', 'gateway', 'dhcpEnd', 'netmask']);
/** netplan v2 ethernet keys the static-address step writes (netplan.io reference). */
const NETPLAN_ETHERNET_KEYS = new Set(['dhcp4', 'addresses', 'routes', 'nameservers']);

const KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAINf8xgUtNRW8e51lqv2vhPDpNUpt8BYTV7CBZWEY/hcU tom@mac';

/** Seed 003: a Mac Mini M4, three Lima VMs (VZ, socket_vmnet bridged), K3s, ingress-nginx, local-path. */
function seed003(lima: NonNullable<NonNullable<LabInput['infrastructure']>['lima']> = {}, extra: Partial<LabInput> = {}): LabModel {
  const input = testLab([], {
    name: 'mac-mini-lab',
    hosts: [{ name: 'mac-mini', role: 'workstation', platform: 'macos', model: 'Mac Mini M4', cpu: 10, memory: '32Gi', gpu: { vendor: 'apple', model: 'M4' } }],
    nodes: [
      { name: 'k3s-cp', kind: 'vm', host: 'mac-mini', cpu: 2, memory: '4Gi', disk: '40Gi', ip: '192.168.105.10' },
      { name: 'k3s-worker-1', kind: 'vm', host: 'mac-mini', cpu: 3, memory: '8Gi', disk: '100Gi', ip: '192.168.105.11' },
      { name: 'k3s-worker-2', kind: 'vm', host: 'mac-mini', cpu: 3, memory: '8Gi', disk: '100Gi', ip: '192.168.105.12' },
    ],
    cluster: { name: 'lima', distribution: 'k3s', controlPlane: ['k3s-cp'], workers: ['k3s-worker-1', 'k3s-worker-2'], cni: 'flannel' },
    network: { cidr: '192.168.105.0/24', gateway: '192.168.105.1', loadBalancer: { pool: '192.168.105.50-192.168.105.99' }, policy: 'allow-all' },
    ingress: { controller: 'ingress-nginx', ip: '192.168.105.50' },
    storage: { default: 'local-path', classes: [{ name: 'local-path', type: 'local-path' }] },
    gitops: { engine: 'argocd', repo: { url: 'https://github.com/example/homelab' } },
    infrastructure: { tool: 'terraform', ssh: { user: 'hearth', keys: [KEY] }, lima },
    ...extra,
  });
  const r = renderWith([], input);
  assert.deepEqual(r.issues.filter((i) => i.severity === 'error'), [], 'the test lab is valid');
  return r.model!;
}

function byPath(files: RenderedFile[]): Map<string, RenderedFile> {
  return new Map(files.map((f) => [f.path, f]));
}

function keysIn(o: Record<string, unknown>, known: Set<string>, where: string): void {
  for (const k of Object.keys(o)) assert.ok(known.has(k), `${where}: "${k}" is not a Lima key`);
}

function withDir<T>(fn: (dir: string) => T): T {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-lima-'));
  try {
    return fn(dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

test('lima: seed 003 renders one instance file per VM, the network and main.tf', () => {
  const model = seed003();
  const root = infraRoot(model);
  assert.equal(root, 'infra');
  const files = renderLima(model, root);
  assert.deepEqual(files.map((f) => f.path).sort(), [
    'infra/lima/k3s-cp.yaml',
    'infra/lima/k3s-worker-1.yaml',
    'infra/lima/k3s-worker-2.yaml',
    'infra/lima/main.tf',
    'infra/lima/networks.yaml',
  ]);
  for (const f of files) assert.match(f.contents, /^# Generated by hearth\. Do not edit/, f.path);

  const cp = parse(byPath(files).get('infra/lima/k3s-cp.yaml')!.contents);
  keysIn(cp, LIMA_KEYS, 'k3s-cp.yaml');
  assert.equal(cp.vmType, 'vz');
  assert.equal(cp.arch, 'aarch64');
  assert.equal(cp.cpus, 2);
  assert.equal(cp.memory, '4GiB');
  assert.equal(cp.disk, '40GiB');
  assert.deepEqual(cp.mounts, [], 'no host directory in a cluster node');
  assert.deepEqual(cp.containerd, { system: false, user: false }, 'K3s brings its own containerd');
  assert.deepEqual(cp.networks, [{ lima: 'bridged' }]);
  for (const n of cp.networks) keysIn(n, NETWORK_KEYS, 'networks[]');
  assert.deepEqual(cp.images, [
    {
      location: 'https://cloud-images.ubuntu.com/releases/noble/release-20250430/ubuntu-24.04-server-cloudimg-arm64.img',
      arch: 'aarch64',
      digest: 'sha256:05317c8ea0f973af351e4e1da9c4cba82991c94d2529b4c7af09e88091f518c5',
    },
    { location: 'https://cloud-images.ubuntu.com/releases/noble/release/ubuntu-24.04-server-cloudimg-arm64.img', arch: 'aarch64' },
  ]);
  for (const i of cp.images) keysIn(i, IMAGE_KEYS, 'images[]');
  keysIn(cp.ssh, SSH_KEYS, 'ssh');
  assert.equal(cp.ssh.loadDotSSHPubKeys, false);
  for (const p of cp.portForwards) keysIn(p, PORT_FORWARD_KEYS, 'portForwards[]');
  assert.deepEqual(cp.portForwards, [{ guestPortRange: [1, 65535], ignore: true }]);
  assert.deepEqual(cp.provision.map((p: any) => p.mode), ['system', 'system']);

  const w2 = parse(byPath(files).get('infra/lima/k3s-worker-2.yaml')!.contents);
  assert.deepEqual([w2.cpus, w2.memory, w2.disk], [3, '8GiB', '100GiB']);
});

test('lima: the provision scripts pin the node address with netplan and create the SSH user (shellcheck, bash -n)', () => {
  const model = seed003();
  const files = renderLima(model, 'infra');
  withDir((dir) => {
    const scripts: string[] = [];
    for (const f of files.filter((x) => x.path.endsWith('.yaml') && !x.path.endsWith('networks.yaml'))) {
      const doc = parse(f.contents);
      doc.provision.forEach((p: any, i: number) => {
        assert.match(p.script, /^#!\/bin\/bash\n/);
        assert.match(p.script, /\nset -eux -o pipefail\n/);
        const file = path.join(dir, `${path.basename(f.path, '.yaml')}-${i}.sh`);
        fs.writeFileSync(file, p.script);
        bashN(file);
        scripts.push(file);
      });
    }
    shellcheck(scripts);
  });

  const cp = parse(byPath(files).get('infra/lima/k3s-cp.yaml')!.contents);
  const [net, user] = cp.provision.map((p: any) => p.script as string);
  const netplan = parse(/<<'EOF'\n([\s\S]*?)\nEOF\n/.exec(net)![1]);
  assert.deepEqual(netplan, {
    network: {
      version: 2,
      ethernets: {
        lima0: {
          dhcp4: false,
          addresses: ['192.168.105.10/24'],
          routes: [{ to: 'default', via: '192.168.105.1', metric: 100 }],
          nameservers: { addresses: ['192.168.105.1'] },
        },
      },
    },
  });
  keysIn(netplan.network.ethernets.lima0, NETPLAN_ETHERNET_KEYS, 'netplan lima0');
  assert.match(net, /cmp -s \/run\/hearth-netplan\.yaml \/etc\/netplan\/99-hearth\.yaml/, 'netplan apply only on a change: provisioning runs at every boot');
  assert.match(user, /useradd --create-home --shell \/bin\/bash hearth/);
  assert.ok(user.includes(KEY), 'the public key');
  assert.doesNotMatch(user, /PRIVATE KEY/);
  assert.match(user, /hearth ALL=\(ALL\) NOPASSWD:ALL/, 'the K3s scripts run sudo without a password');

  // DNS servers from the spec win over the gateway.
  const dns = seed003({}, { network: { cidr: '192.168.105.0/24', gateway: '192.168.105.1', dns: { servers: ['1.1.1.1', '9.9.9.9'] }, loadBalancer: { pool: '192.168.105.50-192.168.105.99' } } });
  const s = parse(byPath(renderLima(dns, 'infra')).get('infra/lima/k3s-worker-1.yaml')!.contents).provision[0].script;
  assert.deepEqual(parse(/<<'EOF'\n([\s\S]*?)\nEOF\n/.exec(s)![1]).network.ethernets.lima0.nameservers.addresses, ['1.1.1.1', '9.9.9.9']);
});

const NETPLAN = (() => {
  try {
    execFileSync('netplan', ['--help'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

/** What Lima's cloud-init writes (pkg/cidata/cidata.TEMPLATE.d/network-config, rendered for eth0 and lima0). */
const LIMA_CLOUD_INIT_NETPLAN = `network:
  version: 2
  ethernets:
    eth0:
      match:
        macaddress: '52:55:55:12:34:56'
      dhcp4: true
      set-name: eth0
      dhcp4-overrides:
        route-metric: 200
      dhcp-identifier: mac
    lima0:
      match:
        macaddress: '52:55:55:ab:cd:ef'
      dhcp4: true
      set-name: lima0
      dhcp4-overrides:
        route-metric: 100
      dhcp-identifier: mac
`;

test('lima: netplan generate merges the static address over Lima\'s DHCP config', { skip: !NETPLAN && 'netplan is not installed (apt-get install netplan.io)' }, () => {
  const cp = parse(byPath(renderLima(seed003(), 'infra')).get('infra/lima/k3s-cp.yaml')!.contents);
  const ours = /<<'EOF'\n([\s\S]*?)\nEOF\n/.exec(cp.provision[0].script)![1] + '\n';
  withDir((dir) => {
    fs.mkdirSync(path.join(dir, 'etc/netplan'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'etc/netplan/50-cloud-init.yaml'), LIMA_CLOUD_INIT_NETPLAN, { mode: 0o600 });
    fs.writeFileSync(path.join(dir, 'etc/netplan/99-hearth.yaml'), ours, { mode: 0o600 });
    execFileSync('netplan', ['generate', '--root-dir', dir], { stdio: ['ignore', 'pipe', 'pipe'] });
    const unit = fs.readFileSync(path.join(dir, 'run/systemd/network/10-netplan-lima0.network'), 'utf8');
    assert.match(unit, /^Address=192\.168\.105\.10\/24$/m);
    assert.match(unit, /^DNS=192\.168\.105\.1$/m);
    assert.match(unit, /^\[Route\]\nDestination=0\.0\.0\.0\/0\nGateway=192\.168\.105\.1\nMetric=100$/m);
    assert.doesNotMatch(unit, /^DHCP=/m, 'no DHCP lease on the LAN interface');
    assert.match(fs.readFileSync(path.join(dir, 'run/systemd/network/10-netplan-eth0.network'), 'utf8'), /^DHCP=ipv4$/m, "Lima's own interface is untouched");
  });
});

test('lima: networks.yaml defines the socket_vmnet network the VMs name', () => {
  const bridged = parse(byPath(renderLima(seed003({ interface: 'en1' }), 'infra')).get('infra/lima/networks.yaml')!.contents);
  keysIn(bridged, NETWORKS_FILE_KEYS, 'networks.yaml');
  keysIn(bridged.paths, NETWORKS_PATH_KEYS, 'networks.yaml paths');
  assert.equal(bridged.paths.socketVMNet, '/opt/socket_vmnet/bin/socket_vmnet');
  assert.deepEqual(bridged.networks, { bridged: { mode: 'bridged', interface: 'en1' } });

  const sharedLab = seed003({ network: 'shared' });
  const files = renderLima(sharedLab, 'infra');
  const shared = parse(byPath(files).get('infra/lima/networks.yaml')!.contents);
  assert.deepEqual(shared.networks, { shared: { mode: 'shared', gateway: '192.168.105.1', dhcpEnd: '192.168.105.254', netmask: '255.255.255.0' } });
  for (const n of Object.values(shared.networks) as Record<string, unknown>[]) keysIn(n, NETWORK_DEF_KEYS, 'networks.yaml network');
  assert.deepEqual(parse(byPath(files).get('infra/lima/k3s-cp.yaml')!.contents).networks, [{ lima: 'shared' }]);
});

test('lima: main.tf creates, starts and deletes each VM with terraform_data (terraform fmt, HCL parser)', async () => {
  const model = seed003();
  const files = renderLima(model, 'infra');
  const tf = byPath(files).get('infra/lima/main.tf')!;
  withDir((dir) => {
    writeFiles([tf], dir);
    assert.deepEqual(terraformFmtCheck(dir), []);
  });
  const hcl = await parseHcl('main.tf', tf.contents);
  assert.deepEqual(hcl.terraform, [{ required_version: '>= 1.4.0' }]);
  assert.deepEqual(Object.keys(hcl.resource.terraform_data).sort(), ['k3s-cp', 'k3s-worker-1', 'k3s-worker-2']);
  const cp = hcl.resource.terraform_data['k3s-cp'][0];
  assert.deepEqual(cp.input, { name: 'k3s-cp', config: 'k3s-cp.yaml', ip: '192.168.105.10' });
  const exec = cp.provisioner['local-exec'];
  assert.equal(exec.length, 3);
  assert.equal(exec[0].working_dir, '${path.module}');
  assert.equal(exec[0].command, 'limactl list --quiet | grep -qx k3s-cp || limactl create --tty=false --name=k3s-cp k3s-cp.yaml');
  assert.equal(exec[1].command, 'limactl start --tty=false k3s-cp');
  assert.equal(exec[2].when, '${destroy}');
  assert.equal(exec[2].command, 'limactl delete --force k3s-cp');
  assert.deepEqual(hcl.output.nodes[0].value, {
    'k3s-cp': '${terraform_data.k3s-cp.output.ip}',
    'k3s-worker-1': '${terraform_data.k3s-worker-1.output.ip}',
    'k3s-worker-2': '${terraform_data.k3s-worker-2.output.ip}',
  });
  assert.match(tf.contents, /`terraform init && terraform apply`/, 'infrastructure.tool: terraform');
  assert.match(renderLima(seed003({}, { infrastructure: { ssh: { user: 'hearth', keys: [KEY] }, lima: {} } }), 'infra').find((f) => f.path.endsWith('main.tf'))!.contents, /`tofu init && tofu apply`/);
});

test('lima: terraform validate, apply and destroy run main.tf against a stand-in limactl', () => {
  // terraform_data lives in Terraform's built-in provider: init needs no download, so the whole lifecycle runs here.
  const model = seed003();
  const files = renderLima(model, 'infra');
  withDir((dir) => {
    writeFiles(files, dir);
    const lima = path.join(dir, 'infra/lima');
    const bin = path.join(dir, 'bin');
    fs.mkdirSync(bin);
    fs.writeFileSync(
      path.join(bin, 'limactl'),
      `#!/usr/bin/env bash
set -euo pipefail
echo "$PWD :: $*" >>"$LIMA_LOG"
case "$1" in
  list) cat "$LIMA_STATE" 2>/dev/null || true ;;
  create) for a in "$@"; do case "$a" in --name=*) echo "\${a#--name=}" >>"$LIMA_STATE" ;; esac; done ;;
esac
`,
      { mode: 0o755 },
    );
    const env = { ...process.env, PATH: `${bin}:${process.env.PATH}`, TF_CLI_CONFIG_FILE: '/dev/null', TF_IN_AUTOMATION: '1', CHECKPOINT_DISABLE: '1', LIMA_LOG: path.join(dir, 'log'), LIMA_STATE: path.join(dir, 'state') };
    const tf = (...args: string[]) => execFileSync('terraform', args, { cwd: lima, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 120_000 });
    tf('init', '-backend=false', '-input=false', '-no-color');
    assert.equal(JSON.parse(tf('validate', '-json')).valid, true);
    tf('apply', '-auto-approve', '-input=false', '-no-color');
    const log = () => fs.readFileSync(path.join(dir, 'log'), 'utf8').trim().split('\n').map((l) => l.split(' :: '));
    const created = log();
    assert.deepEqual(
      created.filter(([, c]) => c.startsWith('create')).map(([cwd, c]) => [fs.realpathSync(cwd), c]).sort(),
      ['k3s-cp', 'k3s-worker-1', 'k3s-worker-2'].map((n) => [fs.realpathSync(lima), `create --tty=false --name=${n} ${n}.yaml`]),
      'created from the instance files next to main.tf',
    );
    assert.deepEqual(created.filter(([, c]) => c.startsWith('start')).map(([, c]) => c).sort(), ['start --tty=false k3s-cp', 'start --tty=false k3s-worker-1', 'start --tty=false k3s-worker-2']);
    const out = JSON.parse(tf('output', '-json', 'nodes'));
    assert.deepEqual(out, { 'k3s-cp': '192.168.105.10', 'k3s-worker-1': '192.168.105.11', 'k3s-worker-2': '192.168.105.12' });
    // A second apply leaves existing VMs alone.
    tf('apply', '-auto-approve', '-input=false', '-no-color');
    assert.equal(log().length, created.length);
    tf('destroy', '-auto-approve', '-input=false', '-no-color');
    assert.deepEqual(log().slice(created.length).map(([, c]) => c).sort(), ['delete --force k3s-cp', 'delete --force k3s-worker-1', 'delete --force k3s-worker-2']);
  });
});

test('lima: the K3s configs of the Lima lab keep the bundled local-path provisioner and drop ServiceLB and Traefik', () => {
  const model = seed003();
  const files = renderK3s(model, 'infra');
  const cp = parse(byPath(files).get('infra/k3s/nodes/k3s-cp/config.yaml')!.contents);
  assert.deepEqual(cp.disable, ['servicelb', 'traefik'], 'ingress-nginx and MetalLB; local-path is the storage');
  assert.equal(cp['node-ip'], '192.168.105.10', 'the address the provision step pins');
});

test('lima: an image from the spec, sizes in Lima units, names Terraform accepts', () => {
  const url = 'https://cloud-images.ubuntu.com/releases/noble/release-20260101/ubuntu-24.04-server-cloudimg-arm64.img';
  const digest = 'sha256:' + 'a'.repeat(64);
  const own = parse(renderLima(seed003({ image: { url, digest }, vmType: 'qemu' }), 'infra')[0].contents);
  assert.deepEqual(own.images, [{ location: url, arch: 'aarch64', digest }]);
  assert.equal(own.vmType, 'qemu');
  const noDigest = parse(renderLima(seed003({ image: { url } }), 'infra')[0].contents);
  assert.deepEqual(noDigest.images, [{ location: url, arch: 'aarch64' }]);
  assert.equal(LIMA_UBUNTU_IMAGES.length, 2);

  assert.equal(limaSize('4Gi'), '4GiB');
  assert.equal(limaSize('512Mi'), '512MiB');
  assert.equal(limaSize('1536Mi'), '1536MiB');
  assert.equal(limaSize('2Ti'), '2TiB');
  assert.equal(limaSize('8G'), '7630MiB', 'decimal units round up to whole MiB');
  assert.equal(limaSize(undefined), undefined);
  assert.equal(tfName('k3s-cp'), 'k3s-cp');
  assert.equal(tfName('1node'), 'vm-1node');
});

test('lima: only VMs on macOS hosts, and nothing without infrastructure.lima', () => {
  const model = seed003({}, {
    hosts: [
      { name: 'mac-mini', role: 'workstation', platform: 'macos', cpu: 10, memory: '32Gi' },
      { name: 'pi', role: 'bare-metal', platform: 'linux', cpu: 4, memory: '8Gi', ip: '192.168.105.30' },
    ],
    nodes: [
      { name: 'k3s-cp', kind: 'vm', host: 'mac-mini', cpu: 2, memory: '4Gi', ip: '192.168.105.10' },
      { name: 'pi', kind: 'bare-metal', host: 'pi', cpu: 4, memory: '8Gi', ip: '192.168.105.30' },
    ],
    cluster: { name: 'lima', distribution: 'k3s', controlPlane: ['k3s-cp'], workers: ['pi'] },
  });
  const files = renderLima(model, 'infra');
  assert.deepEqual(files.map((f) => f.path).sort(), ['infra/lima/k3s-cp.yaml', 'infra/lima/main.tf', 'infra/lima/networks.yaml']);
  assert.equal(parse(files.find((f) => f.path.endsWith('k3s-cp.yaml'))!.contents).disk, undefined, 'no disk: Lima\'s default');

  const plain = renderWith([], testLab([])).model!;
  assert.deepEqual(renderLima(plain, 'infra'), []);
});
