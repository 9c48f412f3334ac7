import { defineRule } from '../types.js';
import { backupLabel, placeOf } from './backups-same-failure-domain.js';

/** Backups of the lab's data exist, and every one of them stays on the site. */
export default defineRule({
  id: 'backups-no-offsite',
  category: 'backups',
  risk: 'medium',
  title: 'No off-site copy of the backups',
  why: 'The 3-2-1 rule: three copies of the data, on two different media, one of them off-site. Backups that all stay on the site survive a dead disk but not a fire, a flood, a theft or ransomware that reaches the lab network.',
  fix: 'add an off-site copy: point one backup at an off-site bucket (Backblaze B2, S3, a NAS at another site), or replicate the on-site backup store there',
  check({ facts, report }) {
    // The lab's data (etcd snapshots hold cluster state, not data).
    const data = facts.backups.filter((b) => b.kind !== 'k3s-etcd');
    if (data.length === 0) return;
    const places = data.map((b) => ({ b, place: placeOf(facts, b) }));
    // One copy off-site is enough; a target the input does not place might be off-site.
    if (places.some((x) => x.place.at !== 'inside')) return;
    const targets = [...new Set(places.map((x) => x.place.what!))].sort();
    report({
      message:
        data.length === 1
          ? `the only backup (${backupLabel(data[0])}) stays on the site: it goes to ${targets[0]}, so no copy survives a site loss`
          : `none of the ${data.length} backups (${data.map(backupLabel).join(', ')}) leaves the site: they go to ${targets.join('; ')}, so no copy survives a site loss`,
      where: data.map((b) => b.where),
      subjects: data.map((b) => b.name),
    });
  },
  strength: (facts) => (facts.backups.some((b) => b.kind !== 'k3s-etcd' && placeOf(facts, b).at === 'outside') ? 'Backups leave the site: a copy survives the loss of the lab.' : undefined),
});
