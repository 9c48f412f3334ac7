import { defineRule } from '../types.js';

/** Charts that install storage classes, possibly marked default through values the review cannot see. */
const STORAGE_CHARTS = /longhorn|local-path|nfs-subdir|nfs-provisioner|csi-driver-nfs|csi-driver-smb|rook-ceph|openebs|democratic-csi|topolvm|piraeus|linstor|mayastor|synology-csi|truenas|ceph-csi/i;

/** PVCs without a storageClassName where no class is the default: they stay Pending. */
export default defineRule({
  id: 'storage-no-default-class',
  category: 'storage',
  risk: 'medium',
  title: 'Claims without a class and no default class',
  // A spec always has a default class (storage.default, else the first), and apps with volumes need a storage block.
  inputs: ['repo'],
  why: 'A PersistentVolumeClaim without storageClassName takes the default class. With none marked default it stays Pending and its pod never starts; on K3s the bundled local-path class is the default unless disabled, so the claim silently lands on node-local storage the author did not choose.',
  fix: 'mark one class default (annotation storageclass.kubernetes.io/is-default-class: "true"), or give each claim its storageClassName',
  check({ facts, report }) {
    const bare = facts.pvcs.filter((p) => p.storageClass === undefined);
    if (bare.length === 0) return;
    const apps = [...new Set(bare.map((p) => p.app ?? p.name))].sort();
    const one = bare.length === 1;
    const claims = `${bare.length} claim${one ? '' : 's'} of ${apps.join(', ')}`;
    // Repository: only when it defines classes and none is default (otherwise the distribution default is assumed).
    if (facts.storageClasses.length === 0 || facts.storageClasses.some((s) => s.isDefault)) return;
    if (facts.charts.some((c) => STORAGE_CHARTS.test(c.chart) || STORAGE_CHARTS.test(c.name))) return;
    const classes = facts.storageClasses.map((s) => s.name).sort();
    report({
      message: `${claims} name${one ? 's' : ''} no storage class and none of the repository's classes (${classes.join(', ')}) is marked default: ${one ? 'it stays' : 'they stay'} Pending, or land${one ? 's' : ''} on the distribution's default (K3s: node-local local-path)`,
      where: [...bare.map((p) => p.where), ...facts.storageClasses.map((s) => s.where)],
      subjects: apps,
    });
  },
});
