import { defineRule, type Facts, type HostFact, type NodeFact, type Where } from '../types.js';
import { list, plural } from '../../lib/text.js';

/** The endpoint without scheme, credentials or path: `10.10.10.20:5432`. */
function cleanEndpoint(endpoint: string): string {
  return endpoint
    .trim()
    .replace(/^[a-z][a-z0-9+.-]*:\/\//i, '')
    .replace(/^[^@/]*@/, '')
    .split(/[/?]/)[0];
}

/** The host part of `host:port`, `[v6]:port`, `postgres://user@host:port/db`. */
function endpointHost(endpoint: string): string {
  const s = cleanEndpoint(endpoint);
  if (s.startsWith('[')) return s.slice(1, s.indexOf(']') > 0 ? s.indexOf(']') : undefined);
  const i = s.lastIndexOf(':');
  return i > 0 && /^[0-9]+$/.test(s.slice(i + 1)) ? s.slice(0, i) : s;
}

/** NodeFact has no address yet; read one if a later version of the facts carries it. */
const nodeIp = (n: NodeFact): string | undefined => (n as NodeFact & { ip?: string }).ip;

/** The lab machine an address names: a node (VM, LXC) or a host, by name, short DNS name or IP. */
function machineAt(facts: Facts, address: string): { node?: NodeFact; host?: HostFact } {
  const short = /^[0-9.]+$/.test(address) ? address : address.split('.')[0];
  const node = facts.nodes.find((n) => n.name === address || n.name === short || (nodeIp(n) !== undefined && nodeIp(n) === address));
  if (node) return { node, host: facts.hosts.find((h) => h.name === node.host) };
  const host = facts.hosts.find((h) => h.name === address || h.name === short || h.ip === address);
  return { host };
}

/** Cluster state kept in one place: one etcd member, SQLite, or one external PostgreSQL server. */
export default defineRule({
  id: 'failure-datastore-single-point',
  category: 'failure-domains',
  risk: 'medium',
  title: 'Cluster state kept on a single point',
  inputs: ['spec'],
  why: 'Every Kubernetes object (deployments, secrets, volume bindings) lives in the datastore: when it is unreachable the API stops, and when its disk is lost without a copy elsewhere the cluster must be rebuilt from scratch, every app with it.',
  fix: 'run embedded etcd on three control-plane nodes on different hosts, or keep etcd snapshots off the node (cluster.k3s.etcdSnapshots.dir on the NAS); for external-postgres, make the database itself highly available and back it up with pg_dump',
  check({ facts, report }) {
    if (facts.source !== 'spec' || !facts.cluster?.datastore) return;
    const ds = facts.cluster.datastore;
    const members = facts.nodes.filter((n) => n.inCluster);
    const cp = members.filter((n) => n.controlPlane);
    const workers = members.length - cp.length;
    const at: Where = { specPath: ['cluster', 'datastore'] };

    if (ds.type === 'sqlite') {
      const server = cp[0];
      if (!server) return;
      report({
        message:
          workers > 0
            ? `the state of all ${plural(members.length, 'node')} lives in one SQLite file on ${server.name}, which K3s cannot replicate or snapshot: if that disk is lost, the ${plural(workers, 'worker')} lose their cluster and it must be rebuilt`
            : `the cluster state lives in one SQLite file on ${server.name}, which K3s cannot replicate or snapshot: if that disk is lost, the cluster must be rebuilt`,
        where: [at, server.where],
        subjects: [server.name],
        risk: workers > 0 ? 'high' : 'medium',
        fix: 'switch to embedded-etcd (K3s migrates SQLite to etcd when the server restarts with --cluster-init) and schedule etcd snapshots to the NAS; add control-plane nodes later',
      });
      return;
    }

    if (ds.type === 'embedded-etcd') {
      if (cp.length !== 1) return;
      const server = cp[0];
      const snaps = facts.cluster.etcdSnapshots;
      const talos = facts.cluster.distribution === 'talos';
      const where = [at, server.where, ...(snaps ? [{ specPath: ['cluster', 'k3s', 'etcdSnapshots'] } as Where] : [])];
      const recovery = snaps
        ? `a lost disk rolls the cluster back to the last snapshot (schedule ${snaps.schedule}${snaps.dir ? `, kept in ${snaps.dir}` : ''})`
        : talos
          ? 'the spec schedules no snapshot of it (talosctl etcd snapshot), so a lost disk means rebuilding the cluster'
          : 'a lost disk takes it with the snapshots K3s keeps by default on that same disk';
      report({
        message: `the cluster state has a single copy, in etcd on ${server.name}: ${recovery}`,
        where,
        subjects: [server.name],
        // K3s: backups-etcd-snapshots-missing covers the snapshot settings; Talos has no such rule.
        risk: talos && !snaps ? 'medium' : 'low',
        fix: talos
          ? 'add two control-plane nodes on other hosts (etcd needs three for quorum), and take etcd snapshots off the node on a schedule (talosctl etcd snapshot from a CronJob or a machine outside)'
          : undefined,
      });
      return;
    }

    if (ds.type === 'external-postgres' && ds.endpoint) {
      const address = endpointHost(ds.endpoint);
      const { node, host } = machineAt(facts, address);
      let what: string;
      const subjects = [address];
      const where: Where[] = [at];
      if (node) {
        const kind = node.kind === 'lxc' ? 'an LXC container' : node.kind === 'vm' ? 'a VM' : 'a machine';
        what = `node ${node.name}, ${node.kind === 'bare-metal' ? 'a bare-metal machine' : `${kind}${node.host ? ` on host ${node.host}` : ''}`}${node.inCluster ? ', itself a cluster node' : ''}`;
        subjects.push(node.name, ...(node.host && node.host !== node.name ? [node.host] : []));
        where.push(node.where, ...(host ? [host.where] : []));
      } else if (host) {
        what = `host ${host.name}${host.role ? ` (${host.role})` : ''}`;
        subjects.push(host.name);
        where.push(host.where);
      } else {
        what = '';
      }
      const servers = cp.map((n) => n.name);
      report({
        message: `the cluster state lives in one PostgreSQL server at ${cleanEndpoint(ds.endpoint)}${what ? ` (${what})` : ''}: when it is down, the Kubernetes API on ${servers.length === 1 ? servers[0] : `all of ${list(servers)}`} stops`,
        where,
        subjects: [...new Set(subjects)],
      });
    }
  },
  strength: (facts) => {
    const cp = facts.nodes.filter((n) => n.inCluster && n.controlPlane);
    return facts.source === 'spec' && facts.cluster?.datastore?.type === 'embedded-etcd' && cp.length >= 3 && cp.length % 2 === 1
      ? `Cluster state is replicated by etcd across ${cp.length} control-plane nodes.`
      : undefined;
  },
});
