/**
 * Lima VMs on a Mac (seed 003: Mac Mini M4, Lima VZ + socket_vmnet bridged,
 * "Terraform (null_resource): VM lifecycle"), when infrastructure.lima is set:
 *
 *   <root>/lima/<node>.yaml      one Lima instance file per VM node on a macOS host
 *   <root>/lima/networks.yaml    the socket_vmnet network the VMs join ($LIMA_HOME/_config/networks.yaml)
 *   <root>/lima/main.tf          terraform_data per VM: limactl create/start, limactl delete --force on destroy
 *
 * Keys follow Lima's own template (lima-vm/lima templates/default.yaml) and
 * networks template (pkg/networks/networks.TEMPLATE.yaml): `networks: [{lima:
 * bridged}]` refers to the managed socket_vmnet network of that name. A
 * bridged VM gets its address from the LAN's DHCP server; a provision script
 * pins the node's address on lima0 with netplan instead, because K3s nodes
 * keep the address the spec gives them. A second script creates the SSH user
 * (infrastructure.ssh) the K3s scripts and Ansible log in as.
 *
 * terraform_data (Terraform >= 1.4, and OpenTofu) needs no provider download,
 * unlike null_resource and hashicorp/null; it is the built-in successor.
 */
import type { LabModel } from '../../model/types.js';
import type { NodeSpec, HostSpec } from '../../spec/schema.js';
import { GENERATED_HEADER, yamlFile, type RenderedFile } from '../files.js';
import { toYaml, type JsonValue } from '../../lib/yaml-emit.js';
import { parseBytes } from '../../lib/quantity.js';
import { attr, blank, block, comment, expr, hclFile } from '../../lib/hcl.js';
import type { InfraRenderer } from './index.js';

/**
 * Ubuntu 24.04 cloud image for Apple silicon when infrastructure.lima.image is
 * not set: the dated build with its digest as Lima's own template pins it
 * (lima-vm/lima templates/_images/ubuntu-24.04.yaml: release-20250430), then
 * the moving `release/` link without a digest, which Lima falls back to when
 * the dated build has been removed (Canonical prunes them after some months).
 */
export const LIMA_UBUNTU_IMAGES: readonly { location: string; arch: string; digest?: string }[] = [
  {
    location: 'https://cloud-images.ubuntu.com/releases/noble/release-20250430/ubuntu-24.04-server-cloudimg-arm64.img',
    arch: 'aarch64',
    digest: 'sha256:05317c8ea0f973af351e4e1da9c4cba82991c94d2529b4c7af09e88091f518c5',
  },
  { location: 'https://cloud-images.ubuntu.com/releases/noble/release/ubuntu-24.04-server-cloudimg-arm64.img', arch: 'aarch64' },
];

/** Where Lima's documentation installs socket_vmnet (root-owned, as `limactl sudoers` requires). */
export const SOCKET_VMNET = '/opt/socket_vmnet/bin/socket_vmnet';
const NETPLAN_FILE = '/etc/netplan/99-hearth.yaml';

/** A Kubernetes quantity in Lima's units (4Gi → 4GiB); undefined when absent. */
export function limaSize(q: string | undefined): string | undefined {
  if (q === undefined) return undefined;
  const b = parseBytes(q);
  if (b === undefined) return undefined;
  const units: [string, number][] = [
    ['TiB', 2 ** 40],
    ['GiB', 2 ** 30],
    ['MiB', 2 ** 20],
  ];
  for (const [u, f] of units) if (b >= f && Number.isInteger(b / f)) return `${b / f}${u}`;
  return `${Math.ceil(b / 2 ** 20)}MiB`;
}

function prefixLength(cidr: string): number {
  return Number(cidr.split('/')[1]);
}

function netmask(prefix: number): string {
  const n = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  return [24, 16, 8, 0].map((s) => (n >>> s) & 255).join('.');
}

/** The last usable address of a network, for socket_vmnet's shared-mode DHCP range. */
function lastHost(cidr: string): string {
  const [ip, p] = cidr.split('/');
  const base = ip.split('.').reduce((a, o) => ((a << 8) | Number(o)) >>> 0, 0);
  const size = 2 ** (32 - Number(p));
  const last = (base & ~(size - 1)) + size - 2;
  return [24, 16, 8, 0].map((s) => (last >>> s) & 255).join('.');
}

/** VM nodes on macOS hosts: the ones Lima makes. */
export function limaNodes(lab: LabModel): NodeSpec[] {
  const hosts = new Map<string, HostSpec>(lab.spec.hosts.map((h) => [h.name, h]));
  return lab.spec.nodes.filter((n) => n.kind === 'vm' && hosts.get(n.host)?.platform === 'macos');
}

function staticIpScript(lab: LabModel, n: NodeSpec): string {
  const net = lab.spec.network;
  const dns = net.dns.servers.length ? net.dns.servers : [net.gateway];
  const plan = {
    network: {
      version: 2,
      ethernets: {
        lima0: {
          dhcp4: false,
          addresses: [`${n.ip}/${prefixLength(net.cidr)}`],
          routes: [{ to: 'default', via: net.gateway, metric: 100 }],
          nameservers: { addresses: dns },
        },
      },
    },
  };
  return [
    '#!/bin/bash',
    `# ${n.name} keeps ${n.ip} on the LAN interface (lima0): netplan merges this over Lima's DHCP setting.`,
    'set -eux -o pipefail',
    "cat >/run/hearth-netplan.yaml <<'EOF'",
    toYaml(plan as unknown as JsonValue).trimEnd(),
    'EOF',
    `if ! cmp -s /run/hearth-netplan.yaml ${NETPLAN_FILE}; then`,
    `  install -m 0600 /run/hearth-netplan.yaml ${NETPLAN_FILE}`,
    '  netplan apply',
    'fi',
    'rm -f /run/hearth-netplan.yaml',
    '',
  ].join('\n');
}

function sshUserScript(user: string, keys: string[]): string {
  return [
    '#!/bin/bash',
    `# The admin user the K3s scripts and Ansible log in as, with the lab's public keys and password-less sudo.`,
    'set -eux -o pipefail',
    `id -u ${user} >/dev/null 2>&1 || useradd --create-home --shell /bin/bash ${user}`,
    `home=$(getent passwd ${user} | cut -d: -f6)`,
    `install -d -m 0700 -o ${user} -g ${user} "$home/.ssh"`,
    "cat >\"$home/.ssh/authorized_keys\" <<'EOF'",
    ...keys,
    'EOF',
    `chown ${user}:${user} "$home/.ssh/authorized_keys"`,
    'chmod 0600 "$home/.ssh/authorized_keys"',
    `echo '${user} ALL=(ALL) NOPASSWD:ALL' >/etc/sudoers.d/90-hearth`,
    'chmod 0440 /etc/sudoers.d/90-hearth',
    '',
  ].join('\n');
}

function instance(lab: LabModel, n: NodeSpec): Record<string, JsonValue> {
  const lima = lab.spec.infrastructure!.lima!;
  const ssh = lab.spec.infrastructure?.ssh;
  const images: JsonValue[] = lima.image
    ? [{ location: lima.image.url, arch: 'aarch64', ...(lima.image.digest ? { digest: lima.image.digest } : {}) }]
    : LIMA_UBUNTU_IMAGES.map((i) => ({ ...i }));
  const provision: JsonValue[] = [{ mode: 'system', script: staticIpScript(lab, n) }];
  if (ssh) provision.push({ mode: 'system', script: sshUserScript(ssh.user, ssh.keys) });
  const out: Record<string, JsonValue> = {
    vmType: lima.vmType,
    arch: 'aarch64',
    cpus: n.cpu,
    memory: limaSize(n.memory)!,
  };
  const disk = limaSize(n.disk);
  if (disk) out.disk = disk;
  Object.assign(out, {
    images,
    // No host directory inside a cluster node.
    mounts: [],
    // K3s brings its own containerd.
    containerd: { system: false, user: false },
    networks: [{ lima: lima.network }],
    // Reach the node on its LAN address: forwarding every K3s port of every VM to the Mac's localhost would collide.
    portForwards: [{ guestPortRange: [1, 65535], ignore: true }],
    ssh: { localPort: 0, loadDotSSHPubKeys: false, forwardAgent: false },
    provision,
  });
  return out;
}

function networksYaml(lab: LabModel): RenderedFile {
  const lima = lab.spec.infrastructure!.lima!;
  const net = lab.spec.network;
  const network: Record<string, JsonValue> =
    lima.network === 'bridged'
      ? { mode: 'bridged', interface: lima.interface }
      : { mode: 'shared', gateway: net.gateway, dhcpEnd: lastHost(net.cidr), netmask: netmask(prefixLength(net.cidr)) };
  const doc = {
    paths: { socketVMNet: SOCKET_VMNET, varRun: '/private/var/run/lima', sudoers: '/private/etc/sudoers.d/lima' },
    group: 'everyone',
    networks: { [lima.network]: network },
  };
  const f = yamlFile(`lima/networks.yaml`, [doc]);
  const note = [
    `# The socket_vmnet network the VMs of ${lab.name} join (networks: [{lima: ${lima.network}}]).`,
    '# Merge into $LIMA_HOME/_config/networks.yaml (default ~/.lima/_config/networks.yaml), then:',
    '#   limactl sudoers >etc_sudoers.d_lima && sudo install -o root etc_sudoers.d_lima /private/etc/sudoers.d/lima',
  ].join('\n');
  return { path: f.path, contents: GENERATED_HEADER + note + '\n' + f.contents.slice(GENERATED_HEADER.length) };
}

/** A Terraform resource name for a node: node names may start with a digit, resource names may not. */
export function tfName(node: string): string {
  return /^[a-z_]/.test(node) ? node : `vm-${node}`;
}

function mainTf(lab: LabModel, nodes: NodeSpec[]): string {
  const entries = [
    block('terraform', [], [attr('required_version', '>= 1.4.0')]),
    ...nodes.map((n) =>
      block('resource', ['terraform_data', tfName(n.name)], [
        comment(`${n.name}: ${n.cpu} vCPUs, ${n.memory} memory, ${n.ip} on the LAN (${n.name}.yaml).`),
        attr('input', { name: n.name, config: `${n.name}.yaml`, ip: n.ip }),
        blank,
        block('provisioner', ['local-exec'], [
          attr('working_dir', expr('path.module')),
          attr('command', `limactl list --quiet | grep -qx ${n.name} || limactl create --tty=false --name=${n.name} ${n.name}.yaml`),
        ]),
        block('provisioner', ['local-exec'], [attr('command', `limactl start --tty=false ${n.name}`)]),
        block('provisioner', ['local-exec'], [attr('when', expr('destroy')), attr('command', `limactl delete --force ${n.name}`)]),
      ]),
    ),
    block('output', ['nodes'], [
      attr('description', 'The Lima VMs and their LAN addresses.'),
      attr('value', Object.fromEntries(nodes.map((n) => [n.name, expr(`terraform_data.${tfName(n.name)}.output.ip`)]))),
    ]),
  ];
  const header = [
    'Generated by hearth. Do not edit: change the lab spec and run `hearth build`.',
    `Lima VMs of ${lab.name}: \`${lab.spec.infrastructure?.tool === 'terraform' ? 'terraform' : 'tofu'} init && ${lab.spec.infrastructure?.tool === 'terraform' ? 'terraform' : 'tofu'} apply\` in this directory creates and starts them,`,
    'destroy deletes them. A changed <node>.yaml does not reach an existing VM: use `limactl edit` or -replace.',
  ].join('\n');
  return hclFile(entries, header);
}

export const renderLima: InfraRenderer = (lab, root) => {
  if (!lab.spec.infrastructure?.lima) return [];
  const nodes = limaNodes(lab);
  if (nodes.length === 0) return [];
  const files: RenderedFile[] = [];
  for (const n of nodes) {
    const intro = `# Lima instance ${n.name} on ${n.host}: limactl create --name=${n.name} ${n.name}.yaml (or terraform apply with main.tf).\n`;
    files.push({ path: `${root}/lima/${n.name}.yaml`, contents: GENERATED_HEADER + intro + toYaml(instance(lab, n)) });
  }
  const nets = networksYaml(lab);
  files.push({ ...nets, path: `${root}/${nets.path}` });
  files.push({ path: `${root}/lima/main.tf`, contents: mainTf(lab, nodes) });
  return files;
};
