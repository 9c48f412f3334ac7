import { isIpv4, isLocalHostName, isPrivateIpv4 } from '../../lib/ip.js';
import { defineRule, type BackupFact, type Facts } from '../types.js';

/** Where K3s writes etcd snapshots unless told otherwise (--etcd-snapshot-dir: ${data-dir}/server/db/snapshots). */
export const K3S_SNAPSHOT_DIR = '/var/lib/rancher/k3s/server/db/snapshots';

/** Private, loopback and link-local blocks: reachable only on a local network (100.64/10, tailnets, is left out). */

export interface Place {
  /** inside: the lab's own failure domain; outside: another site; unknown: the input does not say. */
  at: 'inside' | 'outside' | 'unknown';
  /** inside: what it is, for messages ("a Service inside the cluster"). */
  what?: string;
  /** Inside and sharing the data's failures: the same cluster, NAS, machine or node (undefined: elsewhere on the site). */
  same?: 'cluster' | 'nas' | 'machine' | 'node';
}

/** The host a target names: URL host, `host:/path` (NFS), or undefined for paths and bare buckets. */
function targetHost(target: string): string | undefined {
  const url = /^[a-z][a-z0-9+.-]*:\/\/([^/?#]+)/i.exec(target);
  if (url) return url[1].replace(/^[^@]*@/, '').replace(/:\d+$/, '').replace(/^\[|\]$/g, '').toLowerCase();
  const nfs = /^([A-Za-z0-9.-]+):\//.exec(target);
  return nfs ? nfs[1].toLowerCase() : undefined;
}

/** Where a backup's copies go, judged from its target and the lab's own machines, classes and ingress hosts. */
export function placeOf(facts: Facts, b: BackupFact): Place {
  if (b.offsite === true) return { at: 'outside' };
  if (b.offsite === false) return { at: 'inside', what: 'storage on the lab site' };
  const t = b.target?.trim();
  if (!t) {
    return b.kind === 'k3s-etcd' ? { at: 'inside', what: `each server's own disk (${K3S_SNAPSHOT_DIR})`, same: 'node' } : { at: 'unknown' };
  }
  if (t.startsWith('/')) {
    // A directory on the node: local unless it is a mount, which the input does not say (a K3s data dir is local).
    return t.startsWith('/var/lib/rancher/') ? { at: 'inside', what: `each server's own disk (${t})`, same: 'node' } : { at: 'unknown' };
  }
  if (/^s3:\/\//i.test(t)) return { at: 'outside' }; // an AWS S3 bucket (no endpoint)
  const host = targetHost(t);
  if (!host) return { at: 'unknown' };
  if (/\.svc(\.cluster\.local)?$|\.cluster\.local$/.test(host)) return { at: 'inside', what: `a Service inside the cluster (${host})`, same: 'cluster' };
  const nfs = facts.storageClasses.filter((s) => s.kind === 'nfs' && s.server && s.server.toLowerCase() === host);
  const labHost = facts.hosts.find((h) => h.name === host || h.ip === host);
  const nasClasses = facts.storageClasses.filter((s) => s.kind === 'nfs' && s.server && labHost && (s.server === labHost.ip || s.server === labHost.name));
  if (nfs.length || nasClasses.length) {
    const cls = [...new Set([...nfs, ...nasClasses].map((s) => s.name))].sort().join(', ');
    return { at: 'inside', what: `${host}, the NFS server that holds the volumes themselves (${cls})`, same: 'nas' };
  }
  if (labHost) {
    // The machine the cluster runs on shares its failures; another machine on the site is the on-site copy of 3-2-1.
    const guests = facts.nodes.filter((n) => n.inCluster && n.host === labHost.name).map((n) => n.name);
    return guests.length
      ? { at: 'inside', what: `${host}, the host ${labHost.name} that runs ${guests.join(', ')}`, same: 'machine' }
      : { at: 'inside', what: `${host}, the lab's host ${labHost.name}` };
  }
  const node = facts.nodes.find((n) => n.name === host);
  if (node) return node.inCluster ? { at: 'inside', what: `the cluster node ${node.name}`, same: 'machine' } : { at: 'inside', what: `the lab's machine ${node.name}` };
  if (facts.ingresses.some((i) => i.hosts.some((h) => h.toLowerCase() === host))) return { at: 'inside', what: `${host}, served through the lab's own ingress`, same: 'cluster' };
  if (isIpv4(host)) {
    return isPrivateIpv4(host) ? { at: 'inside', what: `${host}, a private address on the lab's own network` } : { at: 'outside' };
  }
  if (isLocalHostName(host)) return { at: 'inside', what: `${host}, a local network name` };
  return { at: 'outside' };
}

const CONSEQUENCE: Record<NonNullable<Place['same']>, string> = {
  cluster: 'losing the cluster loses the backups with it',
  nas: 'one NAS failure takes the data and its backups together',
  machine: 'one machine failure takes the data and its backups together',
  node: 'a failed control-plane disk takes the cluster state and its snapshots together',
};

/** A backup as messages name it. */
export function backupLabel(b: BackupFact): string {
  switch (b.kind) {
    case 'k3s-etcd':
      return 'K3s etcd snapshot schedule';
    case 'tier':
      return `backup tier ${b.name.split('/')[0]}`;
    case 'velero':
      return `Velero schedule ${b.name}`;
    case 'longhorn':
      return `Longhorn recurring backup ${b.name}`;
    case 'cronjob':
      return `backup job ${b.name}`;
    case 'volsync':
      return `VolSync source ${b.name}`;
    default:
      if (/cnpg/.test(b.kind)) return `CloudNativePG backup ${b.name}`;
      if (/kopiur/.test(b.kind)) return `kopiur schedule ${b.name}`;
      return `backup ${b.name}`;
  }
}

/** Backups written inside the failure domain they protect against. */
export default defineRule({
  id: 'backups-same-failure-domain',
  category: 'backups',
  risk: 'medium',
  title: 'Backups stored beside the data they protect',
  why: 'A backup protects against the failures it does not share with the data. Copies inside the cluster, on the NAS that serves the volumes, on the machine that runs the cluster or on the server itself are lost by the same failure (a dead disk or NAS, a broken cluster) that makes them needed.',
  fix: 'send the copies to another machine, and one copy off the site: a NAS that does not serve the volumes, an off-site bucket (Backblaze B2, S3)',
  check({ facts, report }) {
    const groups = new Map<string, { place: Place; backups: BackupFact[] }>();
    for (const b of facts.backups) {
      const place = placeOf(facts, b);
      // Elsewhere on the site (a private address, another machine) is the on-site copy: whether one also leaves the site is backups-no-offsite's question.
      if (place.at !== 'inside' || !place.same) continue;
      const key = `${b.target ?? b.kind}|${place.what}`;
      const g = groups.get(key) ?? { place, backups: [] };
      g.backups.push(b);
      groups.set(key, g);
    }
    for (const { place, backups } of groups.values()) {
      const names = backups.map(backupLabel).join(', ');
      const isEtcd = backups.every((b) => b.kind === 'k3s-etcd');
      // Several servers each keep etcd and their own snapshots: one disk failing loses neither.
      if (place.same === 'node' && facts.nodes.filter((n) => n.inCluster && n.controlPlane).length > 1) continue;
      const consequence = CONSEQUENCE[place.same!];
      report({
        message: isEtcd ? `K3s etcd snapshots are written to ${place.what}: ${consequence}` : `${names} write${backups.length === 1 ? 's' : ''} to ${place.what}: ${consequence}`,
        where: backups.map((b) => b.where),
        subjects: backups.map((b) => b.name),
        fix: isEtcd ? 'set cluster.k3s.etcdSnapshots.dir to a share mounted from another machine (or copy the snapshots off the servers on a schedule)' : undefined,
      });
    }
  },
});
