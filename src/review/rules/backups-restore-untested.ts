import { defineRule } from '../types.js';
import { backupLabel } from './backups-same-failure-domain.js';

/** A scheduled restore check: a job or workload named for restoring or verifying backups. */
const RESTORE_CHECK = /restore|verify|drill|backup-?test|check-?backup/i;

/** Scheduled backups with no record of a restore test. */
export default defineRule({
  id: 'backups-restore-untested',
  category: 'backups',
  risk: 'low',
  title: 'Backups never test-restored',
  why: 'A backup is only known to work once something has been restored from it. Wrong credentials, a missing volume, an excluded namespace or an unreadable database copy surface on the day the restore is needed.',
  fix: 'run a restore drill: restore the latest backup into a scratch namespace (velero restore create --namespace-mappings), check the apps start with their data, and repeat it on a schedule',
  check({ facts, report }) {
    const scheduled = facts.backups.filter((b) => b.schedule);
    if (scheduled.length === 0) return;
    // Neither input can record a drill yet; a scheduled restore or verify job counts as one.
    if (facts.workloads.some((w) => (w.kind === 'CronJob' || w.kind === 'Job') && RESTORE_CHECK.test(w.name))) return;
    const one = scheduled.length === 1;
    report({
      message: `${one ? `the ${backupLabel(scheduled[0])} is set` : `${scheduled.length} backups are scheduled (${scheduled.map(backupLabel).join(', ')})`}, and the lab records no restore test: whether ${one ? 'it restores' : 'they restore'} is unknown`,
      where: scheduled.map((b) => b.where),
      subjects: scheduled.map((b) => b.name),
      // hearth's own tiers run scripts `hearth backup drill` proves on this machine.
      ...(scheduled.every((b) => b.kind === 'tier')
        ? { fix: 'run hearth backup drill (it proves the backup and restore scripts end to end), then restore one real backup from each target into a scratch database or directory on a schedule' }
        : {}),
    });
  },
});
