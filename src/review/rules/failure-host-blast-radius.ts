import { eligibleNodes } from '../nodes.js';
import { defineRule, type Facts, type NodeFact, type WorkloadFact, type Where } from '../types.js';
import { list } from '../../lib/text.js';

const JOB_KINDS = new Set(['Job', 'CronJob']);

/** NodeFact has no address yet; read one if a later version of the facts carries it. */
const nodeIp = (n: NodeFact): string | undefined => (n as NodeFact & { ip?: string }).ip;

/** At most `max` names, then "and N more". */
function few(names: readonly string[], max = 10): string {
  return names.length <= max ? list(names) : `${list(names.slice(0, max))} and ${names.length - max} more`;
}

/** The host part of a datastore endpoint (`host:port`, `postgres://user@host:port/db`). */
function endpointHost(endpoint: string): string {
  const s = endpoint.trim().replace(/^[a-z][a-z0-9+.-]*:\/\//i, '').replace(/^[^@/]*@/, '').split(/[/?]/)[0];
  const i = s.lastIndexOf(':');
  return i > 0 && /^[0-9]+$/.test(s.slice(i + 1)) ? s.slice(0, i) : s;
}

/** The physical host an address lives on: a host itself, or the host of a node (VM, LXC) it names. */
function hostOfAddress(facts: Facts, address: string): { host?: string; node?: NodeFact } {
  const short = /^[0-9.]+$/.test(address) ? address : address.split('.')[0];
  const node = facts.nodes.find((n) => n.name === address || n.name === short || (nodeIp(n) !== undefined && nodeIp(n) === address));
  if (node) return { host: node.host, node };
  return { host: facts.hosts.find((h) => h.name === address || h.name === short || h.ip === address)?.name };
}


/** For each physical host: the nodes, guests and apps that stop with it. */
export default defineRule({
  id: 'failure-host-blast-radius',
  category: 'failure-domains',
  risk: 'info',
  title: 'What stops when a physical host is down',
  inputs: ['spec'],
  why: 'Nodes are virtual; hosts are not. Knowing which nodes, guests and apps share a machine tells what a power cut, a failed disk or a hypervisor update takes down, and whether the lab survives the loss of any one host.',
  fix: 'spread the cluster nodes over several hosts, and pin only what must be pinned (GPU apps); when one host carries every node, plan its maintenance as a lab outage',
  check({ facts, report }) {
    if (facts.source !== 'spec' || facts.hosts.length === 0) return;
    const members = facts.nodes.filter((n) => n.inCluster);
    const cp = members.filter((n) => n.controlPlane);
    const talosCpIdle = facts.cluster?.distribution === 'talos' && members.some((n) => !n.controlPlane);
    const schedulable = members.filter((n) => !(talosCpIdle && n.controlPlane));
    const ds = facts.cluster?.datastore;
    const dsAt = ds?.type === 'external-postgres' && ds.endpoint ? hostOfAddress(facts, endpointHost(ds.endpoint)) : undefined;

    // Apps that run in the cluster, with their long-running workloads.
    const workloadsOf = new Map<string, WorkloadFact[]>();
    for (const a of facts.apps) {
      const ws = facts.workloads.filter((w) => w.app === a.name && w.namespace === a.namespace && !JOB_KINDS.has(w.kind) && w.replicas > 0);
      if (ws.length) workloadsOf.set(a.name, ws);
    }
    const running = [...workloadsOf.keys()].sort();
    const classes = new Map(facts.storageClasses.map((s) => [s.name, s]));
    const claimApp = (ns: string, claim: string, app?: string) => app ?? facts.workloads.find((w) => w.namespace === ns && w.claims.includes(claim))?.app;
    const withDependents = (stopped: Set<string>) => {
      for (let grew = true; grew; ) {
        grew = false;
        for (const a of facts.apps) {
          if (!stopped.has(a.name) && workloadsOf.has(a.name) && a.dependsOn.some((d) => stopped.has(d))) {
            stopped.add(a.name);
            grew = true;
          }
        }
      }
      return stopped;
    };

    for (const h of facts.hosts) {
      const guests = facts.nodes.filter((n) => n.host === h.name);
      const inCl = guests.filter((n) => n.inCluster);
      const beside = guests.filter((n) => !n.inCluster);
      const isHere = (address?: string) => !!address && hostOfAddress(facts, address).host === h.name;
      // Apps with volumes on an NFS server that is this host or one of its guests.
      const nfsApps = [
        ...new Set(
          facts.pvcs
            .filter((p) => {
              const sc = classes.get(p.storageClass ?? '');
              return sc?.kind === 'nfs' && isHere(sc.server);
            })
            .map((p) => claimApp(p.namespace, p.name, p.app))
            .filter((a): a is string => !!a),
        ),
      ].sort();
      if (guests.length === 0 && nfsApps.length === 0) continue;

      const everyNode = schedulable.length > 0 && schedulable.every((n) => n.host === h.name);
      const cpHere = cp.length > 0 && cp.every((n) => n.host === h.name);
      const dsHere = dsAt?.host === h.name;
      const apiDown = !everyNode && (cpHere || dsHere);
      const lost = new Set(inCl.map((n) => n.name));

      const stopped = new Set<string>(nfsApps);
      const pinned: string[] = [];
      if (everyNode) running.forEach((a) => stopped.add(a));
      else if (inCl.length) {
        for (const [app, ws] of workloadsOf) {
          if (ws.some((w) => {
            const e = eligibleNodes(w, schedulable);
            return e.length > 0 && e.every((n) => lost.has(n.name));
          })) {
            pinned.push(app);
            stopped.add(app);
          }
        }
      }
      const before = new Set(stopped);
      withDependents(stopped);
      const dependents = [...stopped].filter((a) => !before.has(a)).sort();
      // Node-local volumes tie a pod to the node that holds them, which the spec does not say.
      const local = everyNode || inCl.length === 0
        ? []
        : [...new Set(facts.pvcs.filter((p) => classes.get(p.storageClass ?? '')?.kind === 'local').map((p) => claimApp(p.namespace, p.name, p.app)).filter((a): a is string => !!a && !stopped.has(a)))].sort();

      const goes: string[] = [];
      if (inCl.length) goes.push(`cluster node${inCl.length === 1 ? '' : 's'} ${list(inCl.map((n) => `${n.name}${n.controlPlane ? ' (control plane)' : ''}`))}`);
      if (beside.length) goes.push(`${beside.length === 1 ? 'guest' : 'guests'} ${list(beside.map((n) => `${n.name}${dsAt?.node === n ? ' (the cluster datastore)' : ''}`))}${facts.cluster ? ' beside the cluster' : ''}`);
      const effects: string[] = [];
      if (everyNode) effects.push(`every app in the cluster stops${schedulable.length < members.length ? ', as no other node runs workloads' : ''} (${few(running)})`);
      if (apiDown) {
        const lostRunning = inCl.filter((n) => schedulable.includes(n)).map((n) => n.name);
        effects.push(
          `the Kubernetes API stops${dsHere && !cpHere ? ' (its datastore is here)' : ''}, so nothing is rescheduled while pods elsewhere keep serving${lostRunning.length ? `, and the apps whose pods ran on ${list(lostRunning)} stay down` : ''}`,
        );
      }
      if (pinned.length) effects.push(`${few(pinned.sort())} stop${pinned.length === 1 ? 's' : ''} (no other node may run ${pinned.length === 1 ? 'it' : 'them'})`);
      if (nfsApps.length) effects.push(`${few(nfsApps)} stop${nfsApps.length === 1 ? 's' : ''} (volumes on its NFS exports)`);
      if (dependents.length) effects.push(`${few(dependents)} stop${dependents.length === 1 ? 's' : ''} with ${dependents.length === 1 ? 'an app it depends' : 'apps they depend'} on`);
      if (local.length) effects.push(`${few(local)} stop${local.length === 1 ? 's' : ''} if ${local.length === 1 ? 'its node-local volume is' : 'their node-local volumes are'} on ${inCl.length === 1 ? 'that node' : 'these nodes'}`);
      if (inCl.length && !everyNode && !apiDown) effects.push('other pods move to the remaining nodes');

      const head = goes.length ? `when host ${h.name} is down, ${goes.join(' and ')} go${goes.length === 1 && guests.length === 1 ? 'es' : ''} with it` : `when host ${h.name} is down`;
      const where: Where[] = [h.where, ...guests.map((n) => n.where)];
      report({
        message: `${head}${effects.length ? `: ${effects.join('; ')}` : ''}`,
        where,
        subjects: [h.name, ...guests.map((n) => n.name)],
        risk: everyNode ? 'medium' : 'info',
        ...(everyNode
          ? { fix: `add a node on another host so that losing ${h.name} leaves the apps somewhere to run, or plan ${h.name}'s maintenance as a lab outage` }
          : {}),
      });
    }
  },
});
