import { defineRule, type Facts, type NodeFact, type PvcFact, type StorageClassFact } from '../types.js';
import { list, plural } from '../../lib/text.js';

/** The app a volume belongs to: its own label, else the workload that mounts it, else the claim name. */
function appOfClaim(facts: Facts, p: PvcFact): string {
  if (p.app) return p.app;
  const w = facts.workloads.find((x) => x.namespace === p.namespace && x.claims.includes(p.name));
  return w ? (w.app ?? w.name) : p.name;
}

/** What the server address is in the lab: `host synology (192.168.2.5)`, or the address alone. */
function describeServer(facts: Facts, server: string): { label: string; machine?: string } {
  const host = facts.hosts.find((h) => h.name === server || h.ip === server);
  if (host) return { label: `host ${host.name}${host.ip && host.ip !== host.name ? ` (${host.ip})` : ''}`, machine: host.name };
  const node = facts.nodes.find((n) => n.name === server || (n as NodeFact & { ip?: string }).ip === server);
  if (node) return { label: `node ${node.name}${node.host && node.host !== node.name ? ` on host ${node.host}` : ''}`, machine: node.name };
  return { label: server };
}

/** Every volume on NFS depends on one server: when it is down, the apps using them stop. */
export default defineRule({
  id: 'failure-single-nas',
  category: 'failure-domains',
  risk: 'medium',
  title: 'NFS volumes served by a single server',
  why: 'An NFS share is one machine: when the NAS reboots for an update, loses power or its network, every pod with a volume on it hangs on I/O or fails to start, whatever the cluster does to stay available.',
  fix: 'accept it knowingly and schedule NAS maintenance as a lab outage; keep the apps that must survive it (DNS, the password manager, home automation) on replicated storage such as Longhorn; and back the shares up off the NAS',
  check({ facts, report }) {
    const nfs = facts.storageClasses.filter((s) => s.kind === 'nfs');
    if (nfs.length === 0) return;
    const byName = new Map(nfs.map((s) => [s.name, s]));
    const fallback = facts.storageClasses.find((s) => s.isDefault)?.name;
    // One group per server (classes without a known server stand alone).
    const groups = new Map<string, { server?: string; classes: StorageClassFact[]; pvcs: PvcFact[] }>();
    for (const p of facts.pvcs) {
      const sc = byName.get(p.storageClass ?? fallback ?? '');
      if (!sc) continue;
      const key = sc.server ?? `class:${sc.name}`;
      const g = groups.get(key) ?? { server: sc.server, classes: [], pvcs: [] };
      if (!g.classes.includes(sc)) g.classes.push(sc);
      g.pvcs.push(p);
      groups.set(key, g);
    }
    const servers = [...groups.values()];
    for (const g of servers) {
      const apps = [...new Set(g.pvcs.map((p) => appOfClaim(facts, p)))].sort();
      const classes = g.classes.map((c) => c.name).sort();
      const who = g.server ? describeServer(facts, g.server) : { label: `the NFS server of class ${classes.join(', ')} (not named in the input)` };
      const n = g.pvcs.length;
      const scope = servers.length === 1 ? (n === 1 ? 'the only NFS volume' : `all ${n} NFS volumes`) : plural(n, 'NFS volume');
      report({
        message: `${scope} (of ${list(apps)}) ${n === 1 ? 'is' : 'are'} served by one NFS server, ${who.label}: when it is down, ${apps.length === 1 ? 'this app stops' : `these ${apps.length} apps stop`} or hang${apps.length === 1 ? 's' : ''} on I/O`,
        where: [...g.classes.map((c) => c.where), ...g.pvcs.map((p) => p.where)],
        subjects: [...(who.machine ? [who.machine] : g.server ? [g.server] : []), ...apps],
      });
    }
  },
});
