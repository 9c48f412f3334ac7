import { defineRule } from '../types.js';
import { formatBytes } from '../../lib/quantity.js';
import { list } from '../../lib/text.js';

const MEMORY_AT = 0.9;

/** Guests that take (nearly) all of a host: nothing left for the hypervisor, ZFS or a guest moving in. */
export default defineRule({
  id: 'capacity-host-headroom',
  category: 'capacity',
  risk: 'low',
  title: 'Guests leave no headroom on their host',
  inputs: ['spec'],
  why: 'The hypervisor itself, the ZFS ARC on a ZFS host and any guest migrated in during maintenance need memory beyond what the guests are given; when guests take it all the host swaps or its OOM killer stops a guest, and vCPUs equal to every thread leave none for host I/O.',
  fix: 'keep roughly 10% of the memory and a core or two free on each host: lower guest allocations, cap the ZFS ARC (zfs_arc_max), or move a guest to another host',
  check({ facts, report }) {
    if (facts.source !== 'spec') return;
    for (const h of facts.hosts) {
      const guests = facts.nodes.filter((n) => n.host === h.name && n.kind !== 'bare-metal');
      if (guests.length === 0) continue;
      const cpu = guests.reduce((s, n) => s + (n.cpu ?? 0), 0);
      const mem = guests.reduce((s, n) => s + (n.memoryBytes ?? 0), 0);
      const problems: string[] = [];
      if (h.memoryBytes && mem / h.memoryBytes > MEMORY_AT) problems.push(`${formatBytes(mem)} of its ${formatBytes(h.memoryBytes)} of memory (${Math.round((mem / h.memoryBytes) * 100)}%)`);
      if (h.cpu && cpu >= h.cpu) problems.push(`${cpu} vCPUs for its ${h.cpu} threads`);
      if (problems.length === 0) continue;
      report({
        message: `the guests on host ${h.name} (${list(guests.map((n) => n.name))}) are given ${problems.join(' and ')}: no headroom is left for the host itself, its file-system cache or a guest migrating in`,
        where: [h.where, ...guests.map((n) => n.where)],
        subjects: [h.name],
      });
    }
  },
});
