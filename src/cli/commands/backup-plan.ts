import { loadLab } from '../../pipeline.js';
import { backupPlan, formatPlan } from '../../backup/plan.js';
import { printIssues, printJson, type ExitCode } from '../output.js';

/** `hearth backup plan`: every data set → tier → schedule → targets → failure domains → RPO and 3-2-1; exit 1 when one falls short. */
export async function plan(target: string, opts: { json?: boolean }): Promise<ExitCode> {
  const r = await loadLab(target);
  if (!r.model) {
    printIssues(r.issues);
    return 2;
  }
  const p = backupPlan(r.model);
  if (opts.json) printJson(p);
  else process.stdout.write(formatPlan(p));
  return p.ok ? 0 : 1;
}
