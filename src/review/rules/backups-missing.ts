import { defineRule } from '../types.js';

/** Persistent data with no backup covering its namespace. */
export default defineRule({
  id: 'backups-missing',
  category: 'backups',
  risk: 'medium',
  title: 'Persistent data with no backup',
  why: 'Without a scheduled backup, recovery depends on someone remembering to copy the data, and the newest copy is as old as the last time they did.',
  fix: 'schedule backups for these volumes (Velero with file-system backup, Longhorn recurring backups, or dump jobs) to storage outside the cluster',
  check({ facts, report }) {
    const dir = (f?: string) => (f ? f.slice(0, f.lastIndexOf('/') + 1) : undefined);
    const covered = (p: (typeof facts.pvcs)[number]) =>
      facts.backups.some(
        (b) =>
          b.namespaces.includes('*') ||
          b.namespaces.includes(p.namespace) ||
          b.claims?.includes(p.name) ||
          // A backup shipped beside the claim (a kustomize component applied per app) covers it.
          (b.namespaces.length === 0 && !b.claims?.length && !!b.where.file && dir(b.where.file) === dir(p.where.file)),
      );
    const bare = facts.pvcs.filter((p) => p.content !== 'cache' && !covered(p));
    if (bare.length === 0) return;
    const apps = [...new Set(bare.map((p) => p.app ?? p.name))].sort();
    report({
      message: `${bare.length} volume${bare.length === 1 ? '' : 's'} of ${apps.join(', ')} ha${bare.length === 1 ? 's' : 've'} no scheduled backup: recovery is manual only`,
      where: bare.map((p) => p.where),
      subjects: apps,
    });
  },
  strength: (facts) => (facts.pvcs.length && facts.backups.length ? 'Persistent data is backed up on a schedule.' : undefined),
});
