/**
 * Bad input of the machine layer, as a table over a valid Proxmox lab: each
 * case names the issue code, spec path and line it must produce.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkLabText } from '../../src/pipeline.js';
import { formatPath, type Issue } from '../../src/spec/issues.js';

const BASE = `name: lab
domain: home.example.com
hosts:
  - name: pve1
    role: hypervisor
    platform: proxmox
    cpu: 16
    memory: 64Gi
    ip: 192.168.1.2
    storage:
      - { name: nvme, path: /mnt/nvme }
      - { name: raid, path: /mnt/raid }
  - name: pve2
    role: hypervisor
    platform: proxmox
    cpu: 8
    memory: 32Gi
    ip: 192.168.1.3
nodes:
  - name: k3s-1
    kind: vm
    host: pve1
    cpu: 8
    memory: 32Gi
    disk: 64Gi
    ip: 192.168.1.20
    vm:
      id: 201
      network: { vnet: apps }
      dataDisks:
        - { name: data, size: 200Gi, backupTier: 1 }
  - name: postgres
    kind: lxc
    host: pve1
    cpu: 2
    memory: 4Gi
    ip: 192.168.1.30
    lxc:
      id: 110
      template: local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst
      mounts:
        - { tier: nvme, mountPoint: /var/lib/postgresql }
cluster:
  name: home
  distribution: k3s
  controlPlane: [k3s-1]
  k3s:
    etcdSnapshots: { schedule: '0 */12 * * *', retention: 14, dir: /mnt/k3s-snapshots }
network:
  cidr: 192.168.1.0/24
  gateway: 192.168.1.1
  vlans:
    - { id: 20, name: iot }
infrastructure:
  ssh:
    keys: [ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAINf8xgUtNRW8e51lqv2vhPDpNUpt8BYTV7CBZWEY/hcU ops@laptop]
  proxmox:
    endpoint: https://192.168.1.2:8006/
    templates:
      - { name: ubuntu, vmId: 9000, host: pve1 }
    sdn:
      zone: { name: evpn1, type: evpn }
      controller: { asn: 65000 }
      vnets:
        - { name: mgmt, vni: 1010 }
        - { name: apps, vni: 1110, cidr: 192.168.1.0/25 }
gitops:
  engine: none
`;

function edit(find: string, replace: string): string {
  assert.ok(BASE.includes(find), `base spec contains ${JSON.stringify(find)}`);
  return BASE.replace(find, replace);
}

function lineOf(text: string, needle: string): number {
  return text.slice(0, text.indexOf(needle)).split('\n').length;
}

test('the Proxmox base spec is valid', () => {
  assert.deepEqual(checkLabText(BASE).issues, []);
});

const invalid: { name: string; text: string; code: Issue['code']; path: string; at?: string; hint?: RegExp }[] = [
  { name: 'a VM on a host without enough memory in total', text: edit('    memory: 4Gi\n', '    memory: 40Gi\n'), code: 'capacity', path: 'nodes[1].memory', at: 'memory: 40Gi' },
  { name: 'guests needing more cores than the host has', text: edit('    cpu: 8\n    memory: 32Gi\n    disk', '    cpu: 24\n    memory: 32Gi\n    disk'), code: 'capacity', path: 'nodes[0].cpu', at: 'cpu: 24', hint: /correct hosts\[0\]\.cpu/ },
  { name: 'two nodes with one IP', text: edit('ip: 192.168.1.30', 'ip: 192.168.1.20'), code: 'ip-conflict', path: 'nodes[1].ip', at: 'ip: 192.168.1.20\n    lxc' },
  { name: 'a VNI used twice', text: edit('{ name: apps, vni: 1110,', '{ name: apps, vni: 1010,'), code: 'duplicate-name', path: 'infrastructure.proxmox.sdn.vnets[1].vni', at: '{ name: apps, vni: 1010,', hint: /its own VNI/ },
  { name: 'a bind mount to a tier the host does not have', text: edit('{ tier: nvme, mountPoint', '{ tier: ssd, mountPoint'), code: 'unresolved-reference', path: 'nodes[1].lxc.mounts[0].tier', at: 'tier: ssd' },
  { name: 'a bind mount to a tier of another host', text: edit('    host: pve1\n    cpu: 2', '    host: pve2\n    cpu: 2'), code: 'unresolved-reference', path: 'nodes[1].lxc.mounts[0].tier', hint: /hosts\[1\]\.storage/ },
  { name: 'a VMID used twice', text: edit('      id: 110', '      id: 201'), code: 'duplicate-name', path: 'nodes[1].lxc.id' },
  { name: 'a VMID shared with a template', text: edit('      id: 201', '      id: 9000'), code: 'duplicate-name', path: 'nodes[0].vm.id' },
  { name: 'an unknown VNet', text: edit('{ vnet: apps }', '{ vnet: app }'), code: 'unresolved-reference', path: 'nodes[0].vm.network.vnet', hint: /did you mean "apps"/ },
  { name: 'a VM outside its VNet', text: edit('    ip: 192.168.1.20\n', '    ip: 192.168.1.200\n'), code: 'ip-outside-network', path: 'nodes[0].ip', at: 'ip: 192.168.1.200' },
  { name: 'an unknown VLAN', text: edit('{ vnet: apps }', '{ vlan: 30 }'), code: 'unresolved-reference', path: 'nodes[0].vm.network.vlan', hint: /defined: 20/ },
  { name: 'an unknown template', text: edit('      id: 201\n', '      id: 201\n      template: debian\n'), code: 'unresolved-reference', path: 'nodes[0].vm.template', hint: /defined: ubuntu/ },
  { name: 'a template on a host that is not Proxmox', text: edit('{ name: ubuntu, vmId: 9000, host: pve1 }', '{ name: ubuntu, vmId: 9000, host: nas }'), code: 'unresolved-reference', path: 'infrastructure.proxmox.templates[0].host' },
  { name: 'an EVPN zone without a controller', text: edit('      controller: { asn: 65000 }\n', ''), code: 'missing-key', path: 'infrastructure.proxmox.sdn.controller' },
  { name: 'a zone id Proxmox refuses', text: edit('zone: { name: evpn1, type: evpn }', 'zone: { name: evpn-zone-1, type: evpn }'), code: 'invalid-format', path: 'infrastructure.proxmox.sdn.zone.name' },
  { name: 'a container without its template', text: edit('      template: local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst\n', ''), code: 'missing-key', path: 'nodes[1].lxc.template' },
  { name: 'vm settings on a container', text: edit('    lxc:\n      id: 110', '    vm: { id: 111 }\n    lxc:\n      id: 110'), code: 'invalid-combination', path: 'nodes[1].vm', hint: /use lxc:/ },
  { name: 'etcd snapshots on sqlite', text: edit('  controlPlane: [k3s-1]\n', '  controlPlane: [k3s-1]\n  datastore: { type: sqlite }\n'), code: 'invalid-combination', path: 'cluster.k3s.etcdSnapshots' },
  { name: 'a six-field snapshot schedule', text: edit("schedule: '0 */12 * * *'", "schedule: '0 0 */12 * * *'"), code: 'invalid-format', path: 'cluster.k3s.etcdSnapshots.schedule' },
  { name: 'a private key where a public key goes', text: edit('keys: [ssh-ed25519 AAAA', 'keys: [-----BEGIN OPENSSH PRIVATE KEY----- AAAA'), code: 'invalid-format', path: 'infrastructure.ssh.keys[0]' },
  {
    name: 'apps in a lab without a cluster',
    text: BASE.replace(/cluster:\n(  .*\n)+/, '') + 'namespaces: [{ name: apps }]\napps:\n  - { name: vaultwarden, namespace: apps }\n',
    code: 'missing-dependency',
    path: 'apps[0]',
    at: '- { name: vaultwarden',
    hint: /add cluster:/,
  },
  { name: 'an API endpoint over plain HTTP', text: edit('endpoint: https://192.168.1.2:8006/', 'endpoint: http://192.168.1.2:8006/'), code: 'invalid-format', path: 'infrastructure.proxmox.endpoint' },
];

for (const c of invalid) {
  test(`invalid: ${c.name}`, () => {
    const issues = checkLabText(c.text).issues;
    const hit = issues.find((i) => i.code === c.code && formatPath(i.path) === c.path);
    assert.ok(hit, `expected ${c.code} at ${c.path}, got:\n${issues.map((i) => `${i.code} ${formatPath(i.path)} ${i.message}`).join('\n')}`);
    assert.equal(hit.severity, 'error');
    if (c.at) assert.equal(hit.line, lineOf(c.text, c.at), `points at the line of "${c.at}"`);
    else assert.ok(hit.line && hit.line > 0, 'has a line');
    assert.ok(hit.hint || hit.expected, 'says how to fix it');
    if (c.hint) assert.match(`${hit.hint ?? ''} ${hit.expected ?? ''}`, c.hint);
  });
}

test('Talos cannot run in a container', () => {
  const text = edit('  distribution: k3s\n  controlPlane: [k3s-1]\n', '  distribution: talos\n  controlPlane: [k3s-1, postgres]\n').replace(/  k3s:\n    etcdSnapshots: .*\n/, '');
  const hit = checkLabText(text).issues.find((i) => formatPath(i.path) === 'nodes[1].kind');
  assert.ok(hit && hit.code === 'invalid-combination', JSON.stringify(checkLabText(text).issues.map((i) => formatPath(i.path))));
});
