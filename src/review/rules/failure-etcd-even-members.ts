import { defineRule } from '../types.js';
import { list } from '../../lib/text.js';

/** Embedded etcd on an even number of servers: the extra member adds a failure point and no tolerance. */
export default defineRule({
  id: 'failure-etcd-even-members',
  category: 'failure-domains',
  risk: 'medium',
  title: 'Embedded etcd with an even number of members',
  inputs: ['spec'],
  why: 'etcd needs a majority of its members to accept writes: 2 members need both (losing either stops the API), 4 need 3. An even count tolerates no more failures than one member less, and adds one more machine whose loss counts against the quorum.',
  fix: 'run an odd number of control-plane nodes: 3 (tolerates one failure) or 5 (two), or go back to one and keep etcd snapshots off the node',
  check({ facts, report }) {
    if (facts.source !== 'spec' || facts.cluster?.datastore?.type !== 'embedded-etcd') return;
    const cp = facts.nodes.filter((n) => n.inCluster && n.controlPlane);
    const n = cp.length;
    if (n < 2 || n % 2 !== 0) return;
    const quorum = Math.floor(n / 2) + 1;
    const tolerates = n - quorum;
    const consequence =
      tolerates === 0
        ? 'losing either one stops the Kubernetes API, so the cluster is less available than with a single server'
        : `it tolerates ${tolerates} failure${tolerates === 1 ? '' : 's'}, no more than ${n - 1} members would`;
    report({
      message: `embedded etcd runs on ${n} control-plane nodes (${list(cp.map((x) => x.name))}): quorum needs ${quorum} of them, and ${consequence}`,
      where: [{ specPath: ['cluster', 'controlPlane'] }, ...cp.map((x) => x.where)],
      subjects: cp.map((x) => x.name),
    });
  },
});
