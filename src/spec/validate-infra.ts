/**
 * Checks of the machine layer: what runs on which host fits it, guests
 * reference things that exist (templates, VNets, VLANs, storage tiers), and
 * identifiers Proxmox needs unique (VMIDs, VNIs) are.
 */
import { issue, type Issue, type SpecPath } from './issues.js';
import type { LabSpec } from './schema.js';
import { closest, list } from '../lib/text.js';
import { formatBytes, parseBytes } from '../lib/quantity.js';
import { cronScheduleError, cronMaxGapMinutes } from '../lib/cron.js';
import { cidrContains, ipToInt, parseCidr } from '../lib/ip.js';

function refIssue(path: SpecPath, value: string, defined: readonly string[], what: string, where: string): Issue {
  const near = closest(value, defined);
  return issue('unresolved-reference', path, `${what} "${value}" is not defined`, {
    expected: `the name of one of ${where}`,
    hint: defined.length ? `${near ? `did you mean "${near}"? ` : ''}defined: ${list(defined)}` : `define it under ${where}`,
  });
}

export function validateInfrastructure(spec: LabSpec, out: Issue[]): void {
  const infra = spec.infrastructure;
  const px = infra?.proxmox;
  const hostByName = new Map(spec.hosts.map((h) => [h.name, h]));
  const templates = px?.templates ?? [];
  const vnets = px?.sdn?.vnets ?? [];
  const vlanIds = spec.network.vlans.map((v) => v.id);

  // Guest settings match the guest kind and host.
  spec.nodes.forEach((n, i) => {
    const host = hostByName.get(n.host);
    if (n.vm && n.kind !== 'vm') out.push(issue('invalid-combination', ['nodes', i, 'vm'], `node "${n.name}" is kind ${n.kind}, so vm: settings do not apply`, { hint: n.kind === 'lxc' ? 'use lxc: for a container' : 'remove vm:' }));
    if (n.lxc && n.kind !== 'lxc') out.push(issue('invalid-combination', ['nodes', i, 'lxc'], `node "${n.name}" is kind ${n.kind}, so lxc: settings do not apply`, { hint: n.kind === 'vm' ? 'use vm: for a VM' : 'remove lxc:' }));
    const onProxmox = host?.platform === 'proxmox';
    if ((n.vm || n.lxc) && host && !onProxmox) {
      out.push(issue('invalid-combination', ['nodes', i, n.vm ? 'vm' : 'lxc'], `node "${n.name}" runs on ${host.name}, which is not a Proxmox host`, { hint: `set platform: proxmox on host ${host.name}, or remove the Proxmox settings` }));
    }
    if (n.kind === 'lxc' && onProxmox && px && !n.lxc) {
      out.push(issue('missing-key', ['nodes', i, 'lxc'], `container "${n.name}" needs its OS template to be created`, { hint: 'add lxc: { template: local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst }' }));
    }
    if (n.kind === 'vm' && onProxmox && px && templates.length === 0) {
      out.push(issue('missing-key', ['infrastructure', 'proxmox', 'templates'], `VM "${n.name}" is cloned from a template, and none is defined`, { hint: 'add templates: [{ name: ubuntu-2404, vmId: 9000, host: <proxmox host> }]' }));
    }
    const net = n.vm?.network ?? n.lxc?.network;
    const netPath: SpecPath = ['nodes', i, n.vm ? 'vm' : 'lxc', 'network'];
    if (net?.vnet) {
      const vnet = vnets.find((v) => v.name === net.vnet);
      if (!vnet) out.push(refIssue([...netPath, 'vnet'], net.vnet, vnets.map((v) => v.name), 'SDN VNet', 'infrastructure.proxmox.sdn.vnets'));
      const vc = vnet?.cidr ? parseCidr(vnet.cidr) : undefined;
      if (vc && !cidrContains(vc, ipToInt(n.ip))) {
        out.push(issue('ip-outside-network', ['nodes', i, 'ip'], `${n.name} is on VNet ${vnet!.name} (${vnet!.cidr}), and ${n.ip} is outside it`, { expected: `an address in ${vnet!.cidr}` }));
      }
      if (net.vlan !== undefined || net.bridge) out.push(issue('invalid-combination', [...netPath, 'vnet'], 'a guest on an SDN VNet takes no bridge or VLAN tag: the VNet is its bridge', { hint: 'remove bridge: and vlan:' }));
    }
    if (net?.vlan !== undefined && !vlanIds.includes(net.vlan)) {
      out.push(issue('unresolved-reference', [...netPath, 'vlan'], `VLAN ${net.vlan} is not in network.vlans`, { hint: vlanIds.length ? `defined: ${list(vlanIds.map(String))}` : 'add it to network.vlans' }));
    }
    if (n.vm?.template && !templates.some((t) => t.name === n.vm!.template)) {
      out.push(refIssue(['nodes', i, 'vm', 'template'], n.vm.template, templates.map((t) => t.name), 'template', 'infrastructure.proxmox.templates'));
    }
    const disks = n.vm?.dataDisks ?? [];
    const seen = new Set<string>();
    disks.forEach((d, j) => {
      if (seen.has(d.name)) out.push(issue('duplicate-name', ['nodes', i, 'vm', 'dataDisks', j, 'name'], `disk "${d.name}" is already defined on ${n.name}`, { hint: 'disk names must be unique per VM' }));
      seen.add(d.name);
    });
    // Bind mounts need the tier on this host.
    n.lxc?.mounts.forEach((m, j) => {
      const tiers = host?.storage.map((t) => t.name) ?? [];
      if (host && !tiers.includes(m.tier)) {
        out.push(refIssue(['nodes', i, 'lxc', 'mounts', j, 'tier'], m.tier, tiers, `storage tier of host ${host.name}`, `hosts[${spec.hosts.indexOf(host)}].storage`));
      }
    });
    const points = new Set<string>();
    n.lxc?.mounts.forEach((m, j) => {
      if (points.has(m.mountPoint)) out.push(issue('duplicate-name', ['nodes', i, 'lxc', 'mounts', j, 'mountPoint'], `${m.mountPoint} is already a mount point of ${n.name}`, { hint: 'one mount per mount point' }));
      points.add(m.mountPoint);
    });
    if (n.kind === 'lxc' && spec.cluster?.distribution === 'talos' && [...spec.cluster.controlPlane, ...spec.cluster.workers].includes(n.name)) {
      out.push(issue('invalid-combination', ['nodes', i, 'kind'], `Talos is an operating system and cannot run in a container (${n.name})`, { hint: 'make the node a vm or bare-metal' }));
    }
  });

  // Capacity: guests on a host fit the host, in total.
  for (const [hostName, host] of hostByName) {
    const guests = spec.nodes.map((n, i) => ({ n, i })).filter(({ n }) => n.host === hostName && n.kind !== 'bare-metal');
    if (guests.length === 0) continue;
    const hostMem = parseBytes(host.memory) ?? 0;
    let cpu = 0;
    let mem = 0;
    let cpuReported = false;
    let memReported = false;
    for (const { n, i } of guests) {
      cpu += n.cpu;
      mem += parseBytes(n.memory) ?? 0;
      const names = list(guests.slice(0, guests.findIndex((g) => g.i === i) + 1).map((g) => g.n.name));
      if (!cpuReported && cpu > host.cpu) {
        cpuReported = true;
        out.push(
          issue('capacity', ['nodes', i, 'cpu'], `${names} need ${cpu} vCPUs in total, and host ${hostName} has ${host.cpu}`, {
            hint: `lower the vCPUs, move a guest to another host, or correct hosts[${spec.hosts.indexOf(host)}].cpu`,
          }),
        );
      }
      if (!memReported && mem > hostMem) {
        memReported = true;
        out.push(
          issue('capacity', ['nodes', i, 'memory'], `${names} need ${formatBytes(mem)} of memory in total, and host ${hostName} has ${host.memory}`, {
            hint: `lower the memory, move a guest to another host, or correct hosts[${spec.hosts.indexOf(host)}].memory`,
          }),
        );
      }
    }
  }

  // VMIDs are unique across guests and templates.
  const ids = new Map<number, string>();
  const claimId = (id: number | undefined, path: SpecPath, what: string) => {
    if (id === undefined) return;
    const prev = ids.get(id);
    if (prev) out.push(issue('duplicate-name', path, `VMID ${id} is already used by ${prev}`, { hint: 'every VM, container and template needs its own VMID' }));
    else ids.set(id, what);
  };
  templates.forEach((t, i) => claimId(t.vmId, ['infrastructure', 'proxmox', 'templates', i, 'vmId'], `template ${t.name}`));
  spec.nodes.forEach((n, i) => {
    claimId(n.vm?.id, ['nodes', i, 'vm', 'id'], `VM ${n.name}`);
    claimId(n.lxc?.id, ['nodes', i, 'lxc', 'id'], `container ${n.name}`);
  });

  if (px) {
    const pveHosts = spec.hosts.filter((h) => h.platform === 'proxmox').map((h) => h.name);
    templates.forEach((t, i) => {
      if (!pveHosts.includes(t.host)) out.push(refIssue(['infrastructure', 'proxmox', 'templates', i, 'host'], t.host, pveHosts, 'Proxmox host', 'hosts with platform: proxmox'));
    });
    const names = new Set<string>();
    templates.forEach((t, i) => {
      if (names.has(t.name)) out.push(issue('duplicate-name', ['infrastructure', 'proxmox', 'templates', i, 'name'], `template "${t.name}" is already defined`, { hint: 'rename one of them' }));
      names.add(t.name);
    });
    if (pveHosts.length === 0) out.push(issue('missing-dependency', ['infrastructure', 'proxmox'], 'infrastructure.proxmox is set, and no host has platform: proxmox', { hint: 'set platform: proxmox on the hypervisor hosts' }));
    const sdn = px.sdn;
    if (sdn) {
      const vni = new Map<number, string>();
      const vnetNames = new Set<string>();
      sdn.vnets.forEach((v, i) => {
        const prev = vni.get(v.vni);
        if (prev) out.push(issue('duplicate-name', ['infrastructure', 'proxmox', 'sdn', 'vnets', i, 'vni'], `VNI ${v.vni} is already used by VNet ${prev}`, { hint: 'every VNet needs its own VNI: traffic of two VNets with one VNI would mix' }));
        else vni.set(v.vni, v.name);
        if (vnetNames.has(v.name)) out.push(issue('duplicate-name', ['infrastructure', 'proxmox', 'sdn', 'vnets', i, 'name'], `VNet "${v.name}" is already defined`, { hint: 'rename one of them' }));
        vnetNames.add(v.name);
        if (v.name === sdn.zone.name) out.push(issue('duplicate-name', ['infrastructure', 'proxmox', 'sdn', 'vnets', i, 'name'], `VNet "${v.name}" has the zone's name`, { hint: 'Proxmox keeps zones and VNets in one namespace: rename the VNet' }));
      });
      if (sdn.zone.type === 'evpn' && !sdn.controller) {
        out.push(issue('missing-key', ['infrastructure', 'proxmox', 'sdn', 'controller'], 'an EVPN zone needs an EVPN controller (its BGP AS)', { hint: 'add controller: { asn: 65000 }' }));
      }
      spec.hosts.forEach((h, i) => {
        if (h.platform === 'proxmox' && !h.ip) out.push(issue('missing-key', ['hosts', i, 'ip'], `host ${h.name} takes part in the SDN overlay and needs its address`, { hint: 'add ip: to the host' }));
      });
    }
  }

  if (infra?.lima) {
    spec.nodes.forEach((n, i) => {
      const host = hostByName.get(n.host);
      if (n.kind === 'vm' && host && host.platform !== 'macos') {
        out.push(issue('invalid-combination', ['nodes', i, 'host'], `infrastructure.lima makes VMs on macOS, and ${host.name} is ${host.platform ?? 'not marked macos'}`, { hint: `set platform: macos on host ${host.name}, or remove infrastructure.lima` }));
      }
    });
  }

  const snap = spec.cluster?.k3s?.etcdSnapshots;
  if (snap) {
    if (spec.cluster!.distribution !== 'k3s') out.push(issue('invalid-combination', ['cluster', 'k3s'], 'k3s settings on a Talos cluster', { hint: 'use cluster.talos, or distribution: k3s' }));
    if (spec.cluster!.datastore.type !== 'embedded-etcd') {
      out.push(issue('invalid-combination', ['cluster', 'k3s', 'etcdSnapshots'], `etcd snapshots need the embedded-etcd datastore, and this cluster uses ${spec.cluster!.datastore.type}`, { hint: 'back the datastore up another way (pg_dump for external-postgres), or switch to embedded-etcd' }));
    }
    const e = cronScheduleError(snap.schedule);
    if (e) out.push(issue('invalid-format', ['cluster', 'k3s', 'etcdSnapshots', 'schedule'], e, { expected: 'five cron fields, e.g. 0 */12 * * *' }));
  }
  if (spec.cluster?.talos && spec.cluster.distribution !== 'talos') out.push(issue('invalid-combination', ['cluster', 'talos'], 'talos settings on a K3s cluster', { hint: 'use cluster.k3s, or distribution: talos' }));
}

const DURATION_MINUTES: Record<string, number> = { m: 1, h: 60, d: 1440, w: 10080 };

/** Minutes in a duration such as 15m, 1h, 7d. */
export function durationMinutes(d: string): number {
  return Number(d.slice(0, -1)) * DURATION_MINUTES[d.slice(-1)];
}

export function validateBackups(spec: LabSpec, out: Issue[]): void {
  const b = spec.backups;
  if (!b) return;
  const targets = b.targets.map((t) => t.name);
  const tiers = b.tiers.map((t) => t.name);
  const dup = (list: string[], path: (i: number) => SpecPath, what: string) => {
    const seen = new Set<string>();
    list.forEach((n, i) => {
      if (seen.has(n)) out.push(issue('duplicate-name', path(i), `${what} "${n}" is already defined`, { hint: 'rename one of them' }));
      seen.add(n);
    });
  };
  dup(targets, (i) => ['backups', 'targets', i, 'name'], 'backup target');
  dup(tiers, (i) => ['backups', 'tiers', i, 'name'], 'backup tier');
  b.tiers.forEach((t, i) => {
    t.targets.forEach((n, j) => {
      if (!targets.includes(n)) out.push(refIssue(['backups', 'tiers', i, 'targets', j], n, targets, 'backup target', 'backups.targets'));
    });
    const e = cronScheduleError(t.schedule);
    if (e) out.push(issue('invalid-format', ['backups', 'tiers', i, 'schedule'], e, { expected: 'five cron fields, e.g. 0 3 * * *' }));
    else if (t.rpo) {
      const gap = cronMaxGapMinutes(t.schedule);
      if (gap !== undefined && gap > durationMinutes(t.rpo)) {
        out.push(
          issue('invalid-combination', ['backups', 'tiers', i, 'rpo'], `tier ${t.name} promises an RPO of ${t.rpo}, and its schedule "${t.schedule}" leaves up to ${Math.round(gap / 60)} h between backups`, {
            hint: 'run the schedule more often, or state the RPO it can meet',
          }),
        );
      }
    }
  });
  if (b.default && !tiers.includes(b.default)) out.push(refIssue(['backups', 'default'], b.default, tiers, 'backup tier', 'backups.tiers'));
  const apps = spec.apps.map((a) => a.name);
  const nodes = spec.nodes.map((n) => n.name);
  b.assign.forEach((a, i) => {
    if (!tiers.includes(a.tier)) out.push(refIssue(['backups', 'assign', i, 'tier'], a.tier, tiers, 'backup tier', 'backups.tiers'));
    if (!!a.app === !!a.node) out.push(issue('invalid-combination', ['backups', 'assign', i], 'an assignment names either an app or a node', { hint: 'set app: or node:, not both and not neither' }));
    if (a.app && !apps.includes(a.app)) out.push(refIssue(['backups', 'assign', i, 'app'], a.app, apps, 'app', 'apps'));
    if (a.node && !nodes.includes(a.node)) out.push(refIssue(['backups', 'assign', i, 'node'], a.node, nodes, 'node', 'nodes'));
    if (a.volume && !a.app) out.push(issue('invalid-combination', ['backups', 'assign', i, 'volume'], 'a volume belongs to an app', { hint: 'add app:' }));
  });
}
