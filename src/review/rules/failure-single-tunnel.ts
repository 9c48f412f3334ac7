import { defineRule, type WorkloadFact } from '../types.js';
import { list } from '../../lib/text.js';

/** `cloudflare/cloudflared`, `docker.io/cloudflare/cloudflared`, a mirror's `.../cloudflared`. */
const CLOUDFLARED_REPO = /(^|\/)cloudflared$/;

/** The image repository without tag or digest. */
function repoOf(image: string): string {
  const noDigest = image.split('@')[0];
  const slash = noDigest.lastIndexOf('/');
  const colon = noDigest.lastIndexOf(':');
  return colon > slash ? noDigest.slice(0, colon) : noDigest;
}
const REPLICATED_KINDS = new Set(['Deployment', 'StatefulSet', 'ReplicaSet', 'Pod']);

/** A Cloudflare tunnel with one connector: every public app hangs on one pod. */
export default defineRule({
  id: 'failure-single-tunnel',
  category: 'failure-domains',
  risk: 'low',
  title: 'Cloudflare tunnel with a single connector',
  why: 'All traffic from outside enters through the tunnel connector: with one replica, a crash, an eviction, an image update or the loss of its node cuts every public app off the internet until the pod is back, although the apps themselves still run.',
  fix: 'run two or more cloudflared replicas on different nodes (pod anti-affinity on kubernetes.io/hostname); one tunnel accepts several connectors and Cloudflare balances between them',
  check({ facts, report }) {
    const modules = new Map(facts.apps.map((a) => [a.name, a.module]));
    const isTunnel = (w: WorkloadFact) =>
      (w.app !== undefined && modules.get(w.app) === 'cloudflared') || w.containers.some((c) => c.image !== undefined && CLOUDFLARED_REPO.test(repoOf(c.image)));
    const tunnels = facts.workloads.filter((w) => REPLICATED_KINDS.has(w.kind) && isTunnel(w));
    if (tunnels.length === 0) return;
    // On a one-node cluster a second replica would die with the same node: nothing to gain.
    const members = facts.nodes.filter((n) => n.inCluster);
    if (facts.source === 'spec' && members.length === 1) return;
    const publicApps =
      facts.source === 'spec'
        ? facts.apps.filter((a) => a.expose === 'public').map((a) => a.name).sort()
        : [...new Set(facts.ingresses.filter((i) => i.exposure === 'public').map((i) => i.app ?? i.name))].sort();
    const reach = publicApps.length ? `every public app (${list(publicApps)})` : 'everything published through the tunnel';
    for (const w of tunnels) {
      if (w.replicas !== 1) continue;
      const name = w.app && w.app !== w.name ? `${w.app} (${w.namespace}/${w.name})` : `${w.namespace}/${w.name}`;
      report({
        message: `the Cloudflare tunnel connector ${name} runs a single replica: when its pod or its node is down, ${reach} is unreachable from the internet`,
        where: [w.where, ...(facts.remoteAccess?.type === 'cloudflare-tunnel' ? [facts.remoteAccess.where] : [])],
        subjects: [w.app ?? w.name],
      });
    }
  },
});
