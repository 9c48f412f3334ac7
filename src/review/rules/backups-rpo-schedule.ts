import { defineRule, type BackupFact } from '../types.js';
import { databaseVolumes, type DatabaseVolume } from './storage-database-on-nfs.js';
import { backupLabel } from './backups-same-failure-domain.js';
import { coveringBackups } from './backups-database-file-copy.js';
import { cronMaxGapMinutes, gapWords } from '../../lib/cron.js';


const MAX_GAP_MINUTES = 24 * 60;

/** Database volumes whose most frequent covering backup runs less than daily. */
export default defineRule({
  id: 'backups-rpo-schedule',
  category: 'backups',
  risk: 'medium',
  title: 'Databases backed up less than daily',
  why: 'The schedule sets the recovery point: a restore brings back the data as of the last run, and everything written since is lost. Databases change all day; a weekly schedule can lose a week of entries, passwords or documents. No recovery point objective is recorded, so the review holds databases to at least one backup a day.',
  fix: 'back the databases up at least daily (a cron such as 0 3 * * *, or a dump job of their own), or more often where a day of writes matters',
  check({ facts, report }) {
    const groups = new Map<string, { gap: number; backup: BackupFact; vols: DatabaseVolume[] }>();
    for (const v of databaseVolumes(facts)) {
      const covering = coveringBackups(facts, v.pvc);
      if (covering.length === 0) continue;
      const gaps = covering.map((b) => ({ b, gap: b.schedule ? cronMaxGapMinutes(b.schedule) : undefined }));
      // A schedule the review cannot read (or a backup without one) might be frequent enough.
      if (gaps.some((g) => g.gap === undefined)) continue;
      const best = gaps.reduce((a, c) => (c.gap! < a.gap! ? c : a));
      if (best.gap! <= MAX_GAP_MINUTES) continue;
      const key = best.b.name + '|' + best.b.kind;
      const g = groups.get(key) ?? { gap: best.gap!, backup: best.b, vols: [] };
      g.vols.push(v);
      groups.set(key, g);
    }
    for (const g of groups.values()) {
      const apps = [...new Set(g.vols.map((v) => v.owner))].sort();
      const runs = Number.isFinite(g.gap) ? `leaves up to ${gapWords(g.gap)} between runs` : 'runs at most once in eight years';
      report({
        message: `the databases of ${apps.join(', ')} are backed up at best by ${backupLabel(g.backup)} (${g.backup.schedule}), which ${runs}: a restore can lose that much of their writes`,
        where: [g.backup.where, ...g.vols.map((v) => v.pvc.where)],
        subjects: apps,
      });
    }
  },
});
