/**
 * The CLI entry: parse argv, run one command handler, map the result to an
 * exit code. Handlers are imported lazily so `hearth --version` stays fast.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Command, CommanderError } from 'commander';
import { packageRoot } from '../lib/package-root.js';
import { ExitError, type ExitCode } from './output.js';

function version(): string {
  return (JSON.parse(readFileSync(path.join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version;
}

export function createProgram(setCode: (c: ExitCode) => void): Command {
  const program = new Command('hearth')
    .description('Homelab as code: one typed lab spec → a deployable GitOps repository.')
    .version(version(), '-V, --version')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  const run = (p: Promise<ExitCode>) => p.then(setCode);

  program
    .command('init')
    .description('write a starter hearth.yaml (or an example lab) and its JSON Schema')
    .argument('[dir]', 'directory to write into', '.')
    .option('--example <name>', 'start from one of the examples (e.g. 001-k3s-synology)')
    .option('--force', 'replace an existing hearth.yaml')
    .action((dir: string, opts) => run(import('./commands/init.js').then((m) => m.init(dir, opts))));

  program
    .command('validate')
    .description('check a lab spec and report every problem at once (exit 2 on errors)')
    .argument('[lab]', 'hearth.yaml, hearth.config.ts, or a directory holding one', '.')
    .option('--json', 'print the result as JSON')
    .action((lab: string, opts) => run(import('./commands/validate.js').then((m) => m.validate(lab, opts))));

  program
    .command('add')
    .description("add an app from the catalog to the lab's hearth.yaml, keeping its comments and layout")
    .argument('<module>', 'app module (`hearth catalog` lists them)')
    .argument('[lab]', 'hearth.yaml or a directory holding one', '.')
    .option('--name <name>', 'app name (default: the module name)')
    .option('--namespace <ns>', 'a namespace declared in the spec (default: the only one)')
    .option('--set <key=value>', 'set a field of the entry, value read as YAML (repeatable): expose=lan, config.timezone=Europe/Berlin', (v: string, prev: string[] | undefined) => [...(prev ?? []), v])
    .option('--dry-run', 'print the edited file instead of writing it')
    .action((module: string, lab: string, opts) => run(import('./commands/add.js').then((m) => m.add(module, lab, opts))));

  program
    .command('build')
    .description('render the lab into a deployable repository (Flux, Argo CD or plain Helm)')
    .argument('[lab]', 'hearth.yaml, hearth.config.ts, or a directory holding one', '.')
    .option('-o, --out <dir>', 'output directory (default: out/ beside the spec)')
    .option('--force', 'overwrite generated files that were edited by hand')
    .option('--dry-run', 'report what would change without writing')
    .option('--json', 'print the result as JSON')
    .action((lab: string, opts) => run(import('./commands/build.js').then((m) => m.build(lab, opts))));

  const adr = program.command('adr').description('architecture decision records as data: decisions/ADR-NNN-*.md (MADR-compatible)');
  const adrCmd = (m: string) => (...a: unknown[]) => run(import('./commands/adr.js').then((x) => (x as unknown as Record<string, (...b: unknown[]) => Promise<ExitCode>>)[m](...a)));
  const dirOpt = ['--dir <dir>', 'where the records live', 'decisions'] as const;
  adr.command('new').description('write a new record (status proposed)').argument('<title>').option(...dirOpt).option('--status <status>', 'proposed, accepted, ...').option('--date <YYYY-MM-DD>', 'record date (default today)').action((t: string, o) => adrCmd('adrNew')(t, o));
  adr.command('list').description('the records: id, status, date, title').option(...dirOpt).option('--json', 'as JSON').action((o) => adrCmd('adrList')(o));
  adr.command('show').description('one record').argument('<id>').option(...dirOpt).option('--json', 'as JSON').action((id: string, o) => adrCmd('adrShow')(id, o));
  adr.command('supersede').description('mark OLD superseded by NEW (both sides)').argument('<old>').argument('<new>').option(...dirOpt).action((a: string, b: string, o) => adrCmd('adrSupersede')(a, b, o));
  adr
    .command('lint')
    .description('matrix arithmetic, stated figures, sensitivity, lifecycle links, and governs against the spec (exit 1 on medium or high)')
    .option(...dirOpt)
    .option('--spec <lab>', 'the lab spec to hold to the decisions (default: hearth.yaml here, if any)')
    .option('--json', 'as JSON')
    .action((o) => adrCmd('adrLint')(o));
  adr.command('score').description("a record's matrix: totals, ranking, sensitivity").argument('<id>').option(...dirOpt).option('--json', 'as JSON').action((id: string, o) => adrCmd('adrScore')(id, o));
  adr
    .command('import')
    .description('read Markdown decision documents (Nygard, MADR 2-4, the seeds\' formats) into records')
    .argument('<source>', 'a Markdown file or a directory of them')
    .option(...dirOpt)
    .option('--json', 'report as JSON')
    .action((src: string, o) => adrCmd('adrImport')(src, o));
  adr.command('export').description('write the records as MADR Markdown and an index (README.md)').option(...dirOpt).option('--out <dir>', 'where to write (default: the records directory)').action((o) => adrCmd('adrExport')(o));

  const operate = () => import('./commands/operate.js');
  const withCluster = (c: Command) =>
    c
      .argument('[lab]', 'hearth.yaml, hearth.config.ts, or a directory holding one', '.')
      .option('--context <name>', 'kubeconfig context (default: the current context)')
      .option('--kubeconfig <file>', 'kubeconfig file (default: KUBECONFIG, then ~/.kube/config)');
  withCluster(program.command('bootstrap').description("install the GitOps engine's root objects (Flux Kustomizations, or Argo CD's root Application) into the cluster and wait until they are ready"))
    .option('--timeout <duration>', 'how long to wait for everything (90s, 10m, 1h30m)', '10m')
    .option('--json', 'print the result as JSON')
    .action((lab: string, opts) => run(operate().then((m) => m.bootstrap(lab, opts))));
  withCluster(program.command('diff').description('compare the live objects hearth owns with what the lab renders: missing, no longer rendered, changed (exit 1 on differences)'))
    .option('--json', 'print the result as JSON')
    .action((lab: string, opts) => run(operate().then((m) => m.diff(lab, opts))));
  withCluster(program.command('status').description("every component's health in the cluster: workloads, PVCs, certificates, HelmReleases, Kustomizations, Applications (exit 1 when something is not healthy)"))
    .option('--json', 'print the result as JSON')
    .action((lab: string, opts) => run(operate().then((m) => m.status(lab, opts))));

  program
    .command('docs')
    .description('architecture document, component pages, runbooks, traceability, decisions, review and diagrams from the lab (Markdown; --site adds a static HTML site)')
    .argument('[lab]', 'hearth.yaml, hearth.config.ts, or a directory holding one', '.')
    .option('-o, --out <dir>', 'where to write (default: docs/ beside the spec)')
    .option('--site', 'also build the static site (index.html; opens from disk, no server needed)')
    .option('--date <YYYY-MM-DD>', "the review's date (default today)")
    .option('--force', 'overwrite generated files that were edited since')
    .option('--json', 'print the result as JSON')
    .action((lab: string, opts) => run(import('./commands/docs.js').then((m) => m.docs(lab, opts))));
  withCluster(program.command('serve').description('build the docs site and serve it on 127.0.0.1, rebuilding when the lab changes; with --context, component pages show live status'))
    .option('-o, --out <dir>', 'where to write the site (default: docs/ beside the spec)')
    .option('--port <port>', 'port on 127.0.0.1 (default: any free port)')
    .option('--date <YYYY-MM-DD>', "the review's date (default today)")
    .action((lab: string, opts) => run(import('./commands/docs.js').then((m) => m.serve(lab, opts))));

  const backup = program.command('backup').description('backup tiers: the plan of every data set, and restore drills');
  backup
    .command('drill')
    .description('restore drill: run the rendered backup and restore scripts against a throwaway PostgreSQL and local restic repositories and compare what comes back (exit 1 on a difference, 2 when restic or PostgreSQL is missing)')
    .argument('[lab]', 'the lab (accepted for the backup plan; the scripts are the same for every lab)')
    .option('--keep', 'keep the work directory (restic repositories, data dir, scripts) for inspection')
    .option('--work-dir <dir>', 'where to make the work directory (default: the OS temp dir)')
    .option('--json', 'print the report as JSON')
    .option('--quiet', 'no progress lines on stderr')
    .action((lab: string | undefined, opts) => run(import('./commands/backup.js').then((m) => m.drill({ ...opts, lab }))));
  backup
    .command('plan')
    .description('every data set → tier → schedule → targets → failure domains → whether the RPO and 3-2-1 hold (exit 1 when one falls short)')
    .argument('[lab]', 'hearth.yaml or a directory holding one', '.')
    .option('--json', 'as JSON')
    .action((lab: string, opts) => run(import('./commands/backup-plan.js').then((m) => m.plan(lab, opts))));

  program
    .command('review')
    .description('architecture review of a lab spec (with everything it renders) or of any repository of Kubernetes YAML')
    .argument('[target]', 'a directory holding hearth.yaml, a spec file, or a repository', '.')
    .option('--format <format>', 'terminal, markdown, json or sarif', 'terminal')
    .option('--fail-on <risk>', 'exit 1 when a finding reaches this risk: high, medium, low or info')
    .option('--date <YYYY-MM-DD>', 'review date (the Markdown header; suppression expiry); default today')
    .option('--no-color', 'no ANSI colours in terminal output')
    .action((target: string, opts) => run(import('./commands/review.js').then((m) => m.reviewCommand(target, opts))));

  program
    .command('explain')
    .description('print the resolved model: defaults filled in, components, values')
    .argument('[lab]', 'hearth.yaml, hearth.config.ts, or a directory holding one', '.')
    .option('--json', 'print JSON instead of YAML')
    .action((lab: string, opts) => run(import('./commands/explain.js').then((m) => m.explain(lab, opts))));

  program
    .command('catalog')
    .description('list the catalog: platform components and app modules, with chart versions')
    .option('--json', 'print JSON')
    .action((opts) => run(import('./commands/catalog.js').then((m) => m.listCatalog(opts))));

  program
    .command('schema')
    .description('print the JSON Schema of hearth.yaml (for editors)')
    .action(() => run(import('./commands/schema.js').then((m) => m.schema())));

  return program;
}

export async function main(argv: string[]): Promise<ExitCode> {
  let code: ExitCode = 0;
  const program = createProgram((c) => (code = c));
  try {
    await program.parseAsync(argv);
    return code;
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help and --version exit 0; usage errors exit 2 (commander printed the message).
      return e.exitCode === 0 ? 0 : 2;
    }
    if (e instanceof ExitError) {
      process.stderr.write(`hearth: ${e.message}\n`);
      return e.code;
    }
    const err = e as Error;
    process.stderr.write(`hearth: internal error: ${err?.message ?? String(e)}\nThis is a bug in hearth; please report it with the command you ran${process.env.HEARTH_DEBUG ? '' : ' (set HEARTH_DEBUG=1 for details)'}.\n`);
    if (process.env.HEARTH_DEBUG) process.stderr.write(`${err?.stack ?? ''}\n`);
    return 2;
  }
}
