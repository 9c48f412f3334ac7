/**
 * The Proxmox machine layer against real tools: OpenTofu files (bpg/proxmox),
 * the FRR underlay and the Packer templates for labs shaped like seed 000
 * (two hypervisors, EVPN, K3s on a VNet), seed 002 (LXCs with NVMe and RAID
 * bind mounts) and seed 004 (VMs with data disks of backup tiers 1-4, Packer
 * templates, Talos). Every .tf and .pkr.hcl file passes `terraform fmt -check`
 * and parses with HashiCorp's parser; the parsed structure is asserted.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { renderWith, testLab } from '../helpers/module-harness.js';
import { fmtCheckHcl, parseHcl, shellcheck, terraformFmtCheck, writeFiles, bashN } from '../helpers/infra-oracles.js';
import { renderProxmox, BPG_PROXMOX_VERSION } from '../../src/render/infra/proxmox.js';
import { renderFrr } from '../../src/render/infra/frr.js';
import { renderPacker, PACKER_PROXMOX_VERSION } from '../../src/render/infra/packer.js';
import type { LabInput } from '../../src/spec/schema.js';
import type { LabModel } from '../../src/model/types.js';
import type { RenderedFile } from '../../src/render/files.js';

const KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHearthTestKeyOnlyNotARealKeyAAAAAAAAAAAA ops@lab';

function model(input: LabInput): LabModel {
  const r = renderWith([], input);
  const errors = r.issues.filter((i) => i.severity === 'error');
  assert.deepEqual(errors, [], 'the test lab must be valid');
  return r.model!;
}

function renderAll(lab: LabModel): RenderedFile[] {
  return [...renderProxmox(lab, 'infra'), ...renderFrr(lab, 'infra'), ...renderPacker(lab, 'infra')];
}

/** Every HCL file fmt-clean (terraform fmt over the written tree, and by content for .pkr.hcl / .example) and parsed. */
async function checkHcl(files: RenderedFile[], t: { after: (fn: () => void) => void }): Promise<Map<string, any>> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-infra-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  writeFiles(files, dir);
  assert.deepEqual(terraformFmtCheck(dir), [], 'terraform fmt -check over the written tree');
  const hcl = files.filter((f) => /\.(tf|pkr\.hcl|tfvars\.example)$/.test(f.path));
  assert.deepEqual(fmtCheckHcl(hcl), [], 'terraform fmt -check by content');
  const parsed = new Map<string, any>();
  for (const f of hcl) parsed.set(f.path, await parseHcl(f.path, f.contents));
  // Scripts, if any renderer here ever writes one.
  const scripts = files.filter((f) => f.executable || f.path.endsWith('.sh'));
  for (const s of scripts) bashN(path.join(dir, s.path));
  shellcheck(scripts.map((s) => path.join(dir, s.path)));
  return parsed;
}

function resources(parsed: Map<string, any>, type: string): Record<string, any> {
  const out: Record<string, any> = {};
  for (const doc of parsed.values()) {
    for (const [label, list] of Object.entries<any>(doc.resource?.[type] ?? {})) out[label] = list[0];
  }
  return out;
}

/** No literal credential: the token only ever as var.proxmox_api_token, nothing shaped like a PVE token secret. */
function assertNoSecrets(files: RenderedFile[]) {
  for (const f of files) {
    assert.doesNotMatch(f.contents, /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i, `${f.path} holds something shaped like a token secret`);
    assert.doesNotMatch(f.contents, /PRIVATE KEY/, f.path);
    if (f.path.endsWith('.tf') || f.path.endsWith('.pkr.hcl')) {
      for (const m of f.contents.matchAll(/^\s*(api_token|password|token)\s*=\s*(.+)$/gm)) {
        assert.match(m[2], /^var\.proxmox_(api_token|root_password|token)$/, `${f.path}: ${m[0].trim()}`);
      }
    }
  }
}

// ---------------------------------------------------------------------------
// Seed 000: two hypervisors, EVPN-VXLAN (AS 65000, VNIs 1010/1101/1110/1120), K3s on a VNet
// ---------------------------------------------------------------------------

function lab000(): LabInput {
  return testLab([], {
    hosts: [
      { name: 'pve1', role: 'hypervisor', platform: 'proxmox', cpu: 16, memory: '64Gi', ip: '192.168.1.11', proxmox: { interface: 'enp1s0' } },
      { name: 'pve2', role: 'hypervisor', platform: 'proxmox', cpu: 16, memory: '64Gi', ip: '192.168.1.12', proxmox: { datastore: 'local-zfs' } },
    ],
    nodes: [
      { name: 'k3s-1', kind: 'vm', host: 'pve1', cpu: 4, memory: '16Gi', disk: '64Gi', ip: '10.10.10.20', vm: { id: 201, network: { vnet: 'apps' } } },
      { name: 'gpu-1', kind: 'vm', host: 'pve2', cpu: 8, memory: '32Gi', ip: '192.168.1.21', gpu: { vendor: 'nvidia', model: 'RTX 3060' }, labels: { 'hearth.dev/gpu': 'true' } },
    ],
    cluster: { name: 'homelab', distribution: 'k3s', controlPlane: ['k3s-1'], workers: ['gpu-1'] },
    infrastructure: {
      ssh: { keys: [KEY] },
      proxmox: {
        endpoint: 'https://192.168.1.11:8006/',
        insecure: true,
        templates: [{ name: 'ubuntu-2404', vmId: 9000, host: 'pve1', iso: 'local:iso/ubuntu-24.04.3-live-server-amd64.iso' }],
        sdn: {
          zone: { name: 'evpnz', type: 'evpn' },
          controller: { asn: 65000 },
          vnets: [
            { name: 'mgmt', vni: 1010, cidr: '10.10.1.0/24', gateway: '10.10.1.1' },
            { name: 'edge', vni: 1101, cidr: '10.10.2.0/24', gateway: '10.10.2.1' },
            { name: 'apps', vni: 1110, cidr: '10.10.10.0/24', gateway: '10.10.10.1' },
            { name: 'auth', vni: 1120 },
          ],
        },
      },
    },
  });
}

test('proxmox (seed 000): EVPN SDN, VMs on a VNet and the LAN, fmt-clean and parsed', async (t) => {
  const lab = model(lab000());
  const files = renderAll(lab);
  const paths = files.map((f) => f.path).sort();
  assert.deepEqual(paths, [
    'infra/frr/pve1.frr.conf.local',
    'infra/frr/pve2.frr.conf.local',
    'infra/packer/http/ubuntu-2404/meta-data',
    'infra/packer/http/ubuntu-2404/user-data',
    'infra/packer/ubuntu-2404.pkr.hcl',
    'infra/tofu/outputs.tf',
    'infra/tofu/providers.tf',
    'infra/tofu/sdn.tf',
    'infra/tofu/terraform.tfvars.example',
    'infra/tofu/variables.tf',
    'infra/tofu/versions.tf',
    'infra/tofu/vms.tf',
  ]);
  const parsed = await checkHcl(files, t);
  assertNoSecrets(files);

  // versions.tf: the pinned provider
  const versions = parsed.get('infra/tofu/versions.tf');
  assert.deepEqual(versions.terraform[0].required_providers[0].proxmox, { source: 'bpg/proxmox', version: BPG_PROXMOX_VERSION });
  assert.equal(BPG_PROXMOX_VERSION, '~> 0.111.1');

  // providers.tf: token only from the variable, SSH for the nodes with their addresses
  const provider = parsed.get('infra/tofu/providers.tf').provider.proxmox;
  assert.equal(provider.length, 1, 'no root provider without bind mounts');
  assert.equal(provider[0].api_token, '${var.proxmox_api_token}');
  assert.equal(provider[0].endpoint, '${var.proxmox_endpoint}');
  assert.equal(provider[0].ssh[0].agent, true);
  assert.deepEqual(
    provider[0].ssh[0].node.map((n: any) => [n.name, n.address]),
    [
      ['pve1', '192.168.1.11'],
      ['pve2', '192.168.1.12'],
    ],
  );

  // variables.tf: the token is sensitive and has no default; keys default from the spec
  const vars = parsed.get('infra/tofu/variables.tf').variable;
  assert.equal(vars.proxmox_api_token[0].sensitive, true);
  assert.equal('default' in vars.proxmox_api_token[0], false);
  assert.deepEqual(vars.ssh_public_keys[0].default, [KEY]);
  assert.equal(vars.proxmox_endpoint[0].default, 'https://192.168.1.11:8006/');
  assert.equal(vars.proxmox_insecure[0].default, true);
  assert.equal(vars.admin_user[0].default, 'hearth');

  // sdn.tf: controller, zone, VNets with VNIs as tags, subnets with gateways, one applier
  const ctl = resources(parsed, 'proxmox_sdn_controller_evpn').evpn;
  assert.deepEqual({ id: ctl.id, asn: ctl.asn, peers: ctl.peers }, { id: 'evpn', asn: 65000, peers: ['192.168.1.11', '192.168.1.12'] });
  const zone = resources(parsed, 'proxmox_sdn_zone_evpn').evpnz;
  assert.deepEqual(zone.nodes, ['pve1', 'pve2']);
  assert.equal(zone.controller, '${proxmox_sdn_controller_evpn.evpn.id}');
  assert.equal(zone.mtu, 1450);
  assert.ok(![1010, 1101, 1110, 1120].includes(zone.vrf_vxlan), 'the routing VNI differs from every VNet VNI');
  const vnets = resources(parsed, 'proxmox_sdn_vnet');
  assert.deepEqual(
    Object.fromEntries(Object.entries(vnets).map(([k, v]) => [k, [v.id, v.tag, v.zone]])),
    {
      apps: ['apps', 1110, '${proxmox_sdn_zone_evpn.evpnz.id}'],
      auth: ['auth', 1120, '${proxmox_sdn_zone_evpn.evpnz.id}'],
      edge: ['edge', 1101, '${proxmox_sdn_zone_evpn.evpnz.id}'],
      mgmt: ['mgmt', 1010, '${proxmox_sdn_zone_evpn.evpnz.id}'],
    },
  );
  const subnets = resources(parsed, 'proxmox_sdn_subnet');
  assert.deepEqual(Object.keys(subnets).sort(), ['apps', 'edge', 'mgmt'], 'a VNet without a cidr gets no subnet');
  assert.deepEqual([subnets.apps.cidr, subnets.apps.gateway, subnets.apps.vnet], ['10.10.10.0/24', '10.10.10.1', '${proxmox_sdn_vnet.apps.id}']);
  const applier = resources(parsed, 'proxmox_sdn_applier').sdn;
  assert.ok(applier.depends_on.includes('${proxmox_sdn_subnet.apps}'));
  assert.ok(applier.lifecycle[0].replace_triggered_by.includes('${proxmox_sdn_vnet.auth}'));

  // vms.tf: clone of the template, disk, VNet as bridge, address with the VNet's prefix
  const vms = resources(parsed, 'proxmox_virtual_environment_vm');
  const k3s = vms['k3s-1'];
  assert.equal(k3s.node_name, 'pve1');
  assert.equal(k3s.vm_id, 201);
  assert.deepEqual(k3s.clone, [{ vm_id: 9000 }]);
  assert.equal(k3s.memory[0].dedicated, 16384);
  assert.deepEqual([k3s.cpu[0].cores, k3s.cpu[0].type], [4, 'x86-64-v2-AES']);
  assert.deepEqual([k3s.disk[0].interface, k3s.disk[0].size, k3s.disk[0].datastore_id], ['scsi0', 64, 'local-lvm']);
  assert.equal(k3s.network_device[0].bridge, 'apps');
  assert.equal(k3s.network_device[0].vlan_id, undefined);
  assert.deepEqual(k3s.initialization[0].ip_config[0].ipv4[0], { address: '10.10.10.20/24', gateway: '10.10.10.1' });
  assert.deepEqual(k3s.initialization[0].user_account[0], { username: '${var.admin_user}', keys: '${var.ssh_public_keys}' });
  assert.deepEqual(k3s.agent, [{ enabled: true }]);
  assert.equal(k3s.on_boot, true);
  assert.deepEqual(k3s.tags, ['control-plane', 'hearth', 'k3s', 'test-lab']);
  assert.deepEqual(k3s.depends_on, ['${proxmox_sdn_applier.sdn}']);
  // The GPU VM on pve2: cloned across nodes, LAN address, a comment instead of an invented PCI id
  const gpu = vms['gpu-1'];
  assert.deepEqual(gpu.clone, [{ vm_id: 9000, node_name: 'pve1' }]);
  assert.deepEqual([gpu.disk[0].size, gpu.disk[0].datastore_id], [20, 'local-zfs'], 'no node.disk: the template disk size');
  assert.equal(gpu.network_device[0].bridge, 'vmbr0');
  assert.deepEqual(gpu.initialization[0].ip_config[0].ipv4[0], { address: '192.168.1.21/24', gateway: '192.168.1.1' });
  assert.equal(gpu.hostpci, undefined);
  assert.ok(gpu.tags.includes('gpu') && gpu.tags.includes('worker'));
  assert.match(files.find((f) => f.path.endsWith('vms.tf'))!.contents, /# GPU passthrough \(nvidia RTX 3060 x1\): the spec does not know the PCI address/);

  // outputs.tf
  const outputs = parsed.get('infra/tofu/outputs.tf').output;
  assert.equal(outputs.vm_ids[0].value['k3s-1'], '${proxmox_virtual_environment_vm.k3s-1.vm_id}');
  assert.deepEqual(outputs.vm_ipv4[0].value, { 'k3s-1': '10.10.10.20', 'gpu-1': '192.168.1.21' });
  assert.deepEqual(outputs.sdn_vnets[0].value, { mgmt: 1010, edge: 1101, apps: 1110, auth: 1120 });

  // terraform.tfvars.example: placeholders only
  const example = parsed.get('infra/tofu/terraform.tfvars.example');
  assert.equal(example.proxmox_api_token, 'terraform@pve!hearth=<token-secret>');

  // FRR: router-id, network, area, the underlay interface active and the rest passive
  const frr1 = files.find((f) => f.path === 'infra/frr/pve1.frr.conf.local')!.contents;
  assert.match(frr1, /^! Generated by hearth\./);
  assert.match(frr1, /Install as \/etc\/frr\/frr\.conf\.local on pve1/);
  assert.match(frr1, /^interface enp1s0\n no ip ospf passive\n!$/m);
  assert.match(frr1, /^router ospf\n ospf router-id 192\.168\.1\.11\n passive-interface default\n network 192\.168\.1\.0\/24 area 0\.0\.0\.0\nexit$/m);
  const frr2 = files.find((f) => f.path === 'infra/frr/pve2.frr.conf.local')!.contents;
  assert.match(frr2, /^router ospf\n ospf router-id 192\.168\.1\.12\n network 192\.168\.1\.0\/24 area 0\.0\.0\.0\nexit$/m);
  assert.doesNotMatch(frr2, /^interface /m);
  // Proxmox's merge copies every line without a '!' into frr.conf: only FRR commands may lack one.
  for (const line of frr1.split('\n').filter((l) => l && !l.includes('!'))) {
    assert.match(line, /^(interface \S+| no ip ospf passive|router ospf| ospf router-id \S+| passive-interface default| network \S+ area \S+|exit)$/, line);
  }
});

test('proxmox: the underlay area and a VXLAN zone follow the spec', async (t) => {
  const input = lab000();
  input.infrastructure!.proxmox!.sdn = {
    zone: { name: 'vxz', type: 'vxlan', mtu: 1400 },
    vnets: [{ name: 'apps', vni: 1110, cidr: '10.10.10.0/24', gateway: '10.10.10.1' }],
    underlay: { protocol: 'ospf', area: '0.0.0.7' },
  };
  const lab = model(input);
  const files = renderAll(lab);
  const parsed = await checkHcl(files, t);
  const zone = resources(parsed, 'proxmox_sdn_zone_vxlan').vxz;
  assert.deepEqual([zone.peers, zone.mtu, zone.vrf_vxlan], [['192.168.1.11', '192.168.1.12'], 1400, undefined]);
  assert.deepEqual(resources(parsed, 'proxmox_sdn_controller_evpn'), {});
  const frr = files.find((f) => f.path === 'infra/frr/pve1.frr.conf.local')!.contents;
  assert.match(frr, / network 192\.168\.1\.0\/24 area 0\.0\.0\.7\n/);
  assert.match(frr, /Proxmox writes no FRR configuration: install this as \/etc\/frr\/frr\.conf/);
});

// ---------------------------------------------------------------------------
// Seed 002: one Proxmox host with NVMe and RAID tiers, LXCs with bind mounts
// ---------------------------------------------------------------------------

function lab002(): LabInput {
  return testLab([], {
    hosts: [
      {
        name: 'pve',
        role: 'hypervisor',
        platform: 'proxmox',
        cpu: 16,
        memory: '32Gi',
        ip: '192.168.1.2',
        storage: [
          { name: 'nvme', path: '/mnt/nvme', media: 'nvme' },
          { name: 'raid', path: '/mnt/raid/', media: 'hdd', redundancy: 'raid5' },
        ],
      },
    ],
    nodes: [
      { name: 'k3s-1', kind: 'vm', host: 'pve', cpu: 4, memory: '8Gi', ip: '192.168.1.20' },
      {
        name: 'immich',
        kind: 'lxc',
        host: 'pve',
        cpu: 4,
        memory: '6Gi',
        disk: '16Gi',
        ip: '192.168.1.31',
        lxc: {
          id: 131,
          template: 'local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst',
          features: { nesting: true },
          mounts: [
            { tier: 'nvme', mountPoint: '/var/lib/immich/cache' },
            { tier: 'raid', path: 'photos', mountPoint: '/photos' },
          ],
          services: ['immich', 'docker'],
        },
      },
      {
        name: 'jellyfin',
        kind: 'lxc',
        host: 'pve',
        cpu: 2,
        memory: '4Gi',
        ip: '192.168.1.32',
        lxc: { template: 'local:vztmpl/ubuntu-24.04-standard_24.04-2_amd64.tar.zst', mounts: [{ tier: 'raid', path: 'media', mountPoint: '/media', readOnly: true }] },
      },
      { name: 'pihole', kind: 'lxc', host: 'pve', cpu: 1, memory: '512Mi', ip: '192.168.1.33', lxc: { template: 'local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst' } },
    ],
    cluster: { name: 'homelab', distribution: 'k3s', controlPlane: ['k3s-1'] },
    network: {
      cidr: '192.168.1.0/24',
      gateway: '192.168.1.1',
      dns: { servers: ['192.168.1.33', '1.1.1.1'] },
      loadBalancer: { pool: '192.168.1.200-192.168.1.220' },
      policy: 'default-deny',
    },
    infrastructure: {
      ssh: { user: 'ops', keys: [KEY] },
      proxmox: { endpoint: 'https://192.168.1.2:8006/', templates: [{ name: 'debian-12', vmId: 9001, host: 'pve', os: 'debian-12', iso: 'local:iso/debian-12.8.0-amd64-netinst.iso', disk: '32Gi' }] },
    },
  });
}

test('proxmox (seed 002): LXCs with bind mounts of the NVMe and RAID tiers, root@pam only where needed', async (t) => {
  const lab = model(lab002());
  const files = renderAll(lab);
  const parsed = await checkHcl(files, t);
  assertNoSecrets(files);
  assert.ok(!files.some((f) => f.path.includes('/frr/') || f.path.endsWith('sdn.tf')), 'no SDN, no FRR');

  const providers = parsed.get('infra/tofu/providers.tf').provider.proxmox;
  assert.equal(providers.length, 2);
  const rootProvider = providers.find((p: any) => p.alias === 'root');
  assert.deepEqual([rootProvider.username, rootProvider.password, rootProvider.api_token], ['root@pam', '${var.proxmox_root_password}', undefined]);
  const vars = parsed.get('infra/tofu/variables.tf').variable;
  assert.equal(vars.proxmox_root_password[0].sensitive, true);
  assert.equal('default' in vars.proxmox_root_password[0], false);
  assert.equal(vars.admin_user[0].default, 'ops');

  const cts = resources(parsed, 'proxmox_virtual_environment_container');
  assert.deepEqual(Object.keys(cts).sort(), ['immich', 'jellyfin', 'pihole']);
  const immich = cts.immich;
  assert.equal(immich.provider, '${proxmox.root}');
  assert.deepEqual([immich.node_name, immich.vm_id, immich.unprivileged, immich.start_on_boot], ['pve', 131, true, true]);
  assert.deepEqual(immich.features, [{ nesting: true }]);
  assert.deepEqual(immich.operating_system, [{ template_file_id: 'local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst', type: 'debian' }]);
  assert.deepEqual([immich.cpu[0].cores, immich.memory[0].dedicated], [4, 6144]);
  assert.deepEqual(immich.disk, [{ datastore_id: 'local-lvm', size: 16 }]);
  assert.deepEqual(
    immich.mount_point.map((m: any) => [m.volume, m.path, m.read_only]),
    [
      ['/mnt/nvme/immich', '/var/lib/immich/cache', false],
      ['/mnt/raid/photos', '/photos', false],
    ],
  );
  assert.deepEqual(immich.network_interface, [{ name: 'eth0', bridge: 'vmbr0' }]);
  assert.deepEqual(immich.initialization[0].ip_config[0].ipv4[0], { address: '192.168.1.31/24', gateway: '192.168.1.1' });
  assert.deepEqual(immich.initialization[0].dns[0].servers, ['192.168.1.33', '1.1.1.1']);
  assert.equal(immich.initialization[0].hostname, 'immich');
  assert.deepEqual(immich.initialization[0].user_account[0], { keys: '${var.ssh_public_keys}' });
  assert.deepEqual(immich.tags, ['docker', 'hearth', 'immich', 'test-lab']);

  const jellyfin = cts.jellyfin;
  assert.equal(jellyfin.features, undefined, 'features only where asked');
  assert.deepEqual(jellyfin.mount_point, [{ volume: '/mnt/raid/media', path: '/media', read_only: true }]);
  assert.equal(jellyfin.operating_system[0].type, 'ubuntu');
  assert.deepEqual(jellyfin.disk, [{ datastore_id: 'local-lvm' }]);
  const pihole = cts.pihole;
  assert.equal(pihole.provider, undefined, 'no bind mount, no feature: the API token suffices');
  assert.equal(pihole.mount_point, undefined);

  const outputs = parsed.get('infra/tofu/outputs.tf').output;
  assert.deepEqual(outputs.container_ipv4[0].value, { immich: '192.168.1.31', jellyfin: '192.168.1.32', pihole: '192.168.1.33' });
  assert.equal(outputs.container_ids[0].value.immich, '${proxmox_virtual_environment_container.immich.vm_id}');

  // The Debian template: preseed with the admin user, a locked password and the keys
  const preseed = files.find((f) => f.path === 'infra/packer/http/debian-12/preseed.cfg')!.contents;
  assert.match(preseed, /^d-i passwd\/username string ops$/m);
  assert.match(preseed, /^d-i passwd\/user-password-crypted password !$/m);
  assert.match(preseed, /^d-i pkgsel\/include string sudo qemu-guest-agent cloud-init$/m);
  assert.ok(preseed.includes(`printf '%s\\n' '${KEY}' > /target/home/ops/.ssh/authorized_keys`));
  const pkr = parsed.get('infra/packer/debian-12.pkr.hcl');
  const src = pkr.source['proxmox-iso']['debian-12'][0];
  assert.deepEqual([src.vm_id, src.node, src.disks[0].disk_size, src.disks[0].storage_pool], [9001, 'pve', '32G', 'local-lvm']);
  assert.match(src.boot_command[1], /^auto url=http:\/\/\{\{ \.HTTPIP \}\}:\{\{ \.HTTPPort \}\}\/preseed\.cfg /);
  assert.equal(src.ssh_username, 'ops');
});

// ---------------------------------------------------------------------------
// Seed 004: Talos VMs with data disks of backup tiers 1-4, templates built by Packer
// ---------------------------------------------------------------------------

function lab004(): LabInput {
  return testLab([], {
    hosts: [{ name: 'pve', role: 'hypervisor', platform: 'proxmox', cpu: 32, memory: '128Gi', ip: '192.168.1.2', proxmox: { datastore: 'local-zfs', bridge: 'vmbr1' } }],
    nodes: [
      {
        name: 'talos-cp1',
        kind: 'vm',
        host: 'pve',
        cpu: 4,
        memory: '8Gi',
        disk: '32Gi',
        ip: '192.168.20.10',
        vm: { id: 301, template: 'talos', network: { vlan: 20 } },
      },
      {
        name: 'talos-w1',
        kind: 'vm',
        host: 'pve',
        cpu: 8,
        memory: '32Gi',
        disk: '64Gi',
        ip: '192.168.20.11',
        vm: { id: 302, template: 'talos', network: { vlan: 20 }, dataDisks: [{ name: 'longhorn', size: '500Gi', backupTier: 2, datastore: 'tank' }] },
      },
      {
        name: 'postgres',
        kind: 'vm',
        host: 'pve',
        cpu: 4,
        memory: '8Gi',
        disk: '32Gi',
        ip: '192.168.1.40',
        vm: {
          id: 310,
          template: 'ubuntu-2404',
          dataDisks: [
            { name: 'pgdata', size: '100Gi', backupTier: 1, description: 'PostgreSQL data' },
            { name: 'wal', size: '20Gi', backupTier: 1 },
          ],
        },
      },
      { name: 'ollama', kind: 'vm', host: 'pve', cpu: 8, memory: '32Gi', ip: '192.168.1.41', vm: { template: 'debian-12', dataDisks: [{ name: 'models', size: '1Ti', backupTier: 4 }] } },
      { name: '7sandbox', kind: 'vm', host: 'pve', cpu: 2, memory: '4Gi', ip: '192.168.1.42', vm: { template: 'ubuntu-2404', onBoot: false, dataDisks: [{ name: 'scratch', size: '50Gi', backupTier: 3 }] } },
    ],
    cluster: { name: 'homelab', distribution: 'talos', controlPlane: ['talos-cp1'], workers: ['talos-w1'] },
    network: {
      cidr: '192.168.1.0/24',
      gateway: '192.168.1.1',
      vlans: [{ id: 20, name: 'k8s', cidr: '192.168.20.0/24' }],
      loadBalancer: { pool: '192.168.1.200-192.168.1.220' },
      policy: 'default-deny',
    },
    infrastructure: {
      tool: 'opentofu',
      ssh: { keys: [KEY, "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC0 o'brien@laptop"] },
      proxmox: {
        endpoint: 'https://pve.lab.example.com:8006',
        templates: [
          { name: 'ubuntu-2404', vmId: 9000, host: 'pve', os: 'ubuntu-24.04', iso: 'local:iso/ubuntu-24.04.3-live-server-amd64.iso', disk: '24Gi' },
          { name: 'debian-12', vmId: 9001, host: 'pve', os: 'debian-12' },
          { name: 'talos', vmId: 9100, host: 'pve', os: 'talos' },
        ],
      },
    },
  });
}

test('proxmox (seed 004): data disks with backup tiers, Talos clones, Packer templates', async (t) => {
  const lab = model(lab004());
  const files = renderAll(lab);
  const parsed = await checkHcl(files, t);
  assertNoSecrets(files);
  const paths = files.map((f) => f.path);
  assert.ok(!paths.some((p) => p.includes('packer/talos')), 'no Packer build for a Talos template');
  assert.ok(paths.includes('infra/packer/ubuntu-2404.pkr.hcl') && paths.includes('infra/packer/debian-12.pkr.hcl'));

  const vms = resources(parsed, 'proxmox_virtual_environment_vm');
  assert.deepEqual(Object.keys(vms).sort(), ['guest-7sandbox', 'ollama', 'postgres', 'talos-cp1', 'talos-w1'], 'a leading digit gets a prefix');
  assert.equal(vms['guest-7sandbox'].name, '7sandbox');
  assert.equal(vms['guest-7sandbox'].on_boot, false);

  const pg = vms.postgres;
  assert.deepEqual(pg.clone, [{ vm_id: 9000 }]);
  assert.deepEqual(
    pg.disk.map((d: any) => [d.interface, d.size, d.datastore_id]),
    [
      ['scsi0', 32, 'local-zfs'],
      ['scsi1', 100, 'local-zfs'],
      ['scsi2', 20, 'local-zfs'],
    ],
  );
  assert.deepEqual(pg.tags, ['backup-tier-1', 'hearth', 'test-lab']);
  assert.equal(pg.network_device[0].bridge, 'vmbr1');
  const vmsTf = files.find((f) => f.path.endsWith('vms.tf'))!.contents;
  assert.match(vmsTf, /# Data disk "pgdata": backup tier 1 \(VM tag backup-tier-1\) — PostgreSQL data\n  disk \{/);

  const w1 = vms['talos-w1'];
  assert.deepEqual(w1.clone, [{ vm_id: 9100 }]);
  assert.deepEqual(w1.disk[1], { datastore_id: 'tank', interface: 'scsi1', size: 500, file_format: 'raw', discard: 'on', ssd: true, iothread: true });
  assert.deepEqual(w1.tags, ['backup-tier-2', 'hearth', 'talos', 'test-lab', 'worker']);
  assert.deepEqual([w1.network_device[0].bridge, w1.network_device[0].vlan_id], ['vmbr1', 20]);
  assert.deepEqual(w1.initialization[0].ip_config[0].ipv4[0], { address: '192.168.20.11/24' }, 'no gateway on the VLAN in the spec: none invented');
  assert.equal(w1.initialization[0].user_account, undefined, 'Talos takes no cloud-init user');
  assert.deepEqual(w1.agent, [{ enabled: false }], 'the plain Talos image has no guest agent');
  assert.deepEqual(pg.agent, [{ enabled: true }]);
  assert.equal(w1.initialization[0].datastore_id, 'local-zfs');
  assert.deepEqual(vms.ollama.disk[1].size, 1024);
  assert.deepEqual(vms.ollama.clone, [{ vm_id: 9001 }]);
  assert.ok(vms.ollama.tags.includes('backup-tier-4') && vms['guest-7sandbox'].tags.includes('backup-tier-3'));
  assert.equal(parsed.get('infra/tofu/outputs.tf').output.vm_ids[0].value['7sandbox'], '${proxmox_virtual_environment_vm.guest-7sandbox.vm_id}');

  // Packer: plugin pin, token variable sensitive, template VMID, host, disk, ISO, autoinstall over HTTP
  const pkr = parsed.get('infra/packer/ubuntu-2404.pkr.hcl');
  assert.deepEqual(pkr.packer[0].required_plugins[0].proxmox, { version: PACKER_PROXMOX_VERSION, source: 'github.com/hashicorp/proxmox' });
  assert.equal(PACKER_PROXMOX_VERSION, '~> 1.2.1');
  assert.equal(pkr.variable.proxmox_token[0].sensitive, true);
  assert.equal('default' in pkr.variable.proxmox_token[0], false);
  assert.equal(pkr.variable.proxmox_url[0].default, 'https://pve.lab.example.com:8006/api2/json');
  assert.equal(pkr.variable.iso_file[0].default, 'local:iso/ubuntu-24.04.3-live-server-amd64.iso');
  const src = pkr.source['proxmox-iso']['ubuntu-2404'][0];
  assert.deepEqual([src.vm_id, src.node, src.template_name, src.token], [9000, 'pve', 'ubuntu-2404', '${var.proxmox_token}']);
  assert.deepEqual(src.boot_iso, [{ type: 'ide', iso_file: '${var.iso_file}', unmount: true }]);
  assert.deepEqual([src.disks[0].disk_size, src.disks[0].storage_pool, src.disks[0].type], ['24G', 'local-zfs', 'scsi']);
  assert.deepEqual(src.network_adapters, [{ model: 'virtio', bridge: 'vmbr1' }]);
  assert.equal(src.cloud_init, true);
  assert.equal(src.http_directory, '${path.root}/http/ubuntu-2404');
  assert.ok(src.boot_command.some((c: string) => c.includes("autoinstall ds='nocloud-net;s=http://{{ .HTTPIP }}:{{ .HTTPPort }}/'")));
  assert.deepEqual(pkr.build[0].sources, ['source.proxmox-iso.ubuntu-2404']);
  assert.deepEqual(pkr.build[0].provisioner.shell[0].inline.slice(0, 1), ['sudo cloud-init status --wait || true']);
  assert.ok(pkr.build[0].provisioner.shell[0].inline.includes('sudo cloud-init clean --logs'));
  const debian = parsed.get('infra/packer/debian-12.pkr.hcl');
  assert.equal(debian.variable.iso_file[0].default, undefined, 'no ISO in the spec: the operator passes one');

  // The autoinstall answers: cloud-config, no identity (no password), the admin user with the keys
  const userData = files.find((f) => f.path === 'infra/packer/http/ubuntu-2404/user-data')!.contents;
  assert.ok(userData.startsWith('#cloud-config\n'));
  const ai = parseYaml(userData).autoinstall;
  assert.equal(ai.version, 1);
  assert.equal(ai.identity, undefined);
  assert.deepEqual(ai.ssh, { 'install-server': true, 'allow-pw': false, 'authorized-keys': [KEY, "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC0 o'brien@laptop"] });
  assert.deepEqual(ai['user-data'].users[0].name, 'hearth');
  assert.equal(ai['user-data'].users[0].lock_passwd, true);
  assert.ok(ai.packages.includes('qemu-guest-agent'));
  // The key with a quote survives the shell quoting of the Debian late_command
  const preseed = files.find((f) => f.path === 'infra/packer/http/debian-12/preseed.cfg')!.contents;
  assert.ok(preseed.includes(`'ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC0 o'\\''brien@laptop'`));
});

test('proxmox: nothing without infrastructure.proxmox or Proxmox guests', () => {
  const plain = model(testLab([]));
  assert.deepEqual(renderProxmox(plain, 'infra'), []);
  assert.deepEqual(renderFrr(plain, 'infra'), []);
  assert.deepEqual(renderPacker(plain, 'infra'), []);
  // Proxmox configured, no vm/lxc node and no SDN: no tofu tree (the Packer template alone is still built)
  const input = lab002();
  input.nodes = [{ name: 'k3s-1', kind: 'bare-metal', host: 'pve', cpu: 4, memory: '8Gi', ip: '192.168.1.2' }];
  const lab = model(input);
  assert.deepEqual(renderProxmox(lab, 'infra'), []);
  assert.deepEqual(renderPacker(lab, 'infra').map((f) => f.path), ['infra/packer/debian-12.pkr.hcl', 'infra/packer/http/debian-12/preseed.cfg']);
});

test('proxmox: rendering is deterministic', () => {
  const a = renderAll(model(lab004()));
  const b = renderAll(model(lab004()));
  assert.deepEqual(a, b);
});

test('infra oracles: shellcheck and bash -n report the tools\' findings', (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-oracle-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const good = path.join(dir, 'good.sh');
  const bad = path.join(dir, 'bad.sh');
  fs.writeFileSync(good, '#!/usr/bin/env bash\nset -euo pipefail\necho "hello"\n');
  fs.writeFileSync(bad, '#!/usr/bin/env bash\necho $1\nif then\n');
  shellcheck([good]);
  bashN(good);
  assert.throws(() => bashN(bad), /bash -n/);
  assert.throws(() => shellcheck([bad]), /shellcheck/);
  assert.deepEqual(fmtCheckHcl([{ path: 'x.pkr.hcl', contents: 'a=1\n' }]), ['x.pkr.hcl']);
});
