import { loadLab } from '../../pipeline.js';
import { printIssues, printJson, type ExitCode } from '../output.js';

export async function validate(target: string, opts: { json?: boolean }): Promise<ExitCode> {
  const r = await loadLab(target);
  const ok = !!r.model;
  if (opts.json) printJson({ file: r.file, valid: ok, issues: r.issues });
  else {
    printIssues(r.issues);
    if (ok) process.stdout.write(`${r.file}: valid (${r.model!.components.length} components, ${r.model!.apps.length} apps)\n`);
  }
  return ok ? 0 : 2;
}
