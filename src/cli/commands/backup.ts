/**
 * `hearth backup drill [lab]`: run the rendered backup and restore scripts for
 * real on this machine (a throwaway PostgreSQL, local restic repositories) and
 * compare what comes back. Exit 0 when everything is identical, 1 when
 * anything differs or a step fails, 2 when a prerequisite is missing.
 */
import { formatDrillReport, runDrill } from '../../backup/drill.js';
import { printJson, type ExitCode } from '../output.js';

export interface DrillCommandOptions {
  /** Accepted for the coming backup plan; the scripts are the same for every lab. */
  lab?: string;
  /** Parent directory of the drill's temporary directory. */
  workDir?: string;
  /** Keep the temporary directory (repositories, data dir, scripts) for inspection. */
  keep?: boolean;
  /** Print the report as JSON on stdout (progress still goes to stderr). */
  json?: boolean;
  /** No progress lines. */
  quiet?: boolean;
}

export async function drill(opts: DrillCommandOptions = {}): Promise<ExitCode> {
  const progress = (line: string) => {
    if (!opts.quiet) process.stderr.write(line + '\n');
  };
  if (opts.lab) progress(`lab ${opts.lab}: the scripts are the same for every lab; the drill proves them, not this lab's credentials, network or volumes`);
  // Ctrl-C: stop the running command, then stop PostgreSQL and remove the work directory.
  const abort = new AbortController();
  const onSignal = () => {
    progress('interrupted: cleaning up');
    abort.abort();
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const report = await runDrill({ workDir: opts.workDir, keep: opts.keep, log: progress, signal: abort.signal });
    if (opts.json) printJson(report);
    else process.stdout.write(formatDrillReport(report));
    if (report.missing.length) return 2;
    return report.ok ? 0 : 1;
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  }
}
