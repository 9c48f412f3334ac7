/**
 * The pages around the architecture document: one page per component (chart
 * and version, URL, storage, backups, decisions, findings, rendered files,
 * runbooks), the components index, the backup plan, the review, the decision
 * records and the index of everything.
 */
import { formatPlan } from '../backup/plan.js';
import { indexMarkdown } from '../adr/store.js';
import { formatMarkdown } from '../review/format/index.js';
import { mdCell, plural } from '../lib/text.js';
import type { ComponentInstance } from '../model/types.js';
import { relativeHref } from './links.js';
import { filesOf, GENERATED } from './traceability.js';
import type { RunbookEntry } from './runbooks.js';
import { DOC_PATHS, LAYER_SPEC_BLOCKS, underSpecPath, type DocFile, type DocsInput } from './types.js';

const md = (path: string, lines: string[]): DocFile => ({ path, contents: `${lines.join('\n').replace(/\n+$/, '')}\n` });

/** Whether a decision's governs path concerns a component: `apps[name=x]...`, `components.x...`, or its layer's block. */
function governsComponent(path: string, c: ComponentInstance): boolean {
  if (c.app) return path.startsWith(`apps[name=${c.id}]`);
  if (underSpecPath(path, `components.${c.id}`)) return true;
  return (LAYER_SPEC_BLOCKS[c.layer] ?? []).some((b) => underSpecPath(path, b));
}

export function componentPage(input: DocsInput, c: ComponentInstance, books: RunbookEntry[]): DocFile {
  const lab = input.model;
  const path = DOC_PATHS.component(c.id);
  const rel = (to: string) => relativeHref(path, to);
  const out: string[] = [GENERATED, `# ${c.id}`, '', c.module.summary, ''];
  out.push('| | |', '|---|---|');
  out.push(`| kind | ${c.kind === 'app' ? `app (module \`${c.module.name}\`)` : 'platform component'} |`);
  out.push(`| layer | ${c.layer} |`);
  out.push(`| namespace | \`${c.namespace}\` |`);
  out.push(`| chart | ${c.chart ? `\`${c.chart.chart}\` ${c.chart.version} from ${c.chart.repo}` : 'none: manifests rendered by hearth'} |`);
  const url = c.app?.url ?? (c.host ? `https://${c.host}` : undefined);
  if (url) out.push(`| URL | <${url}> (${c.app?.expose ?? 'lan'}) |`);
  if (c.app) out.push(`| replicas | ${c.app.replicas} |`);
  if (c.app?.resources.requests.cpu || c.app?.resources.requests.memory) out.push(`| requests | ${[c.app.resources.requests.cpu && `CPU ${c.app.resources.requests.cpu}`, c.app.resources.requests.memory && `memory ${c.app.resources.requests.memory}`].filter(Boolean).join(', ')} |`);
  out.push('');

  const deps = c.dependsOn.filter((d) => lab.components.some((x) => x.id === d));
  const usedBy = lab.components.filter((x) => x.dependsOn.includes(c.id));
  if (deps.length || usedBy.length) {
    out.push('## Relations', '');
    if (deps.length) out.push(`Depends on: ${deps.map((d) => `[${d}](${rel(DOC_PATHS.component(d))})`).join(', ')}.`, '');
    if (usedBy.length) out.push(`Used by: ${usedBy.map((x) => `[${x.id}](${rel(DOC_PATHS.component(x.id))})`).join(', ')}.`, '');
  }

  const vols = c.app?.volumes ?? [];
  const sets = lab.backupSets.filter((s) => s.app === c.id);
  if (vols.length || sets.length) {
    out.push('## Storage and backups', '');
    if (vols.length) {
      out.push('| volume | claim | class | size | access | holds |', '|---|---|---|---|---|---|');
      for (const v of vols) out.push(`| ${v.name} | \`${v.claim}\` | ${v.storageClass} | ${v.size} | ${v.accessMode} | ${v.content} |`);
      out.push('');
    }
    const rows = input.plan.rows.filter((r) => sets.some((s) => s.id === r.dataSet));
    if (rows.length) {
      out.push('| data set | tier | schedule | targets | RPO | 3-2-1 |', '|---|---|---|---|---|---|');
      for (const r of rows) out.push(`| ${mdCell(r.dataSet)} | ${r.tier ?? '—'} | ${r.schedule ? `\`${r.schedule}\`` : 'none'} | ${mdCell(r.targets.map((t) => t.name).join(', ') || '—')} | ${r.rpo ? `${r.rpo}: ${r.rpoHolds ? 'holds' : 'missed'}` : '—'} | ${r.threeTwoOne ? 'holds' : 'no'} |`);
      const problems = rows.flatMap((r) => r.problems.map((p) => `- ${r.dataSet}: ${p}`));
      if (problems.length) out.push('', ...problems);
      out.push('');
    }
  }

  const decisions = input.decisions.filter((d) => (d.record.governs ?? []).some((g) => governsComponent(g.path, c)));
  out.push('## Decisions', '');
  if (decisions.length) for (const d of decisions) out.push(`- [${d.record.id}](${rel(DOC_PATHS.decision(d.file))}): ${d.record.title} (${d.record.status})`);
  else out.push('No decision record governs this component.');
  out.push('');

  const findings = input.review?.findings.filter((f) => f.subjects.includes(c.id)) ?? [];
  if (input.review) {
    out.push('## Review findings', '');
    if (findings.length) {
      out.push('| risk | rule | finding | fix |', '|---|---|---|---|');
      for (const f of findings) out.push(`| ${f.risk} | ${f.rule} | ${mdCell(f.message)} | ${mdCell(f.fix)} |`);
    } else out.push(`None: see the [review](${rel(DOC_PATHS.review)}) for the lab as a whole.`);
    out.push('');
  }

  if (books.length) {
    out.push('## Runbooks', '');
    for (const b of books) out.push(`- [${b.title}](${rel(b.path)})`);
    out.push('');
  }

  const files = filesOf(c.id, input.files, lab);
  out.push('## Rendered files', '');
  if (files.length) out.push(`${plural(files.length, 'file')} in the built repository:`, '', ...files.map((f) => `- \`${f}\``));
  else out.push('None of its own (it is configured through other components).');
  out.push('', '## Live status', '', 'Served by `hearth serve --context <kube context>`, this page shows the component\'s health from the cluster here.');
  return md(path, out);
}

export function componentsIndex(input: DocsInput): DocFile {
  const out = [GENERATED, '# Components', '', '| component | kind | layer | namespace | chart | URL |', '|---|---|---|---|---|---|'];
  for (const c of input.model.components) {
    const url = c.app?.url ?? (c.host ? `https://${c.host}` : '');
    out.push(`| [${c.id}](${relativeHref(DOC_PATHS.componentsIndex, DOC_PATHS.component(c.id))}) | ${c.kind} | ${c.layer} | ${c.namespace} | ${c.chart ? `${c.chart.chart} ${c.chart.version}` : '—'} | ${url ? `<${url}>` : ''} |`);
  }
  return md(DOC_PATHS.componentsIndex, out);
}

export function backupPlanPage(input: DocsInput): DocFile {
  return md(DOC_PATHS.backupPlan, [GENERATED, `# Backup plan: ${input.model.name}`, '', 'Every data set → tier → schedule → targets → failure domains → whether the RPO and 3-2-1 hold (`hearth backup plan`).', '', formatPlan(input.plan)]);
}

/** The review as Markdown; dated by the day it was asked for, so the page stays byte-identical within a day. */
export function reviewPage(input: DocsInput, date: string): DocFile | undefined {
  if (!input.review) return undefined;
  return md(DOC_PATHS.review, [formatMarkdown(input.review, { date, locate: (w) => ({ file: w.specPath ? 'hearth.yaml' : w.file, line: undefined }) })]);
}

/** The decision records, copied, and their index. */
export function decisionPages(input: DocsInput): DocFile[] {
  if (!input.decisions.length) return [];
  return [md(DOC_PATHS.decisionsIndex, [indexMarkdown(input.decisions.map((d) => d.record))]), ...input.decisions.map((d) => ({ path: DOC_PATHS.decision(d.file), contents: d.markdown }))];
}

export function indexPage(input: DocsInput, pages: readonly DocFile[]): DocFile {
  const lab = input.model;
  const has = (p: string) => pages.some((f) => f.path === p);
  const out = [GENERATED, `# ${lab.name}`, ''];
  if (lab.spec.description) out.push(lab.spec.description.trim(), '');
  out.push(`Documentation generated by \`hearth docs\` from the lab spec: it changes when the spec changes, and only then.`, '');
  const entries: [string, string, string][] = [
    ['Architecture', DOC_PATHS.architecture, 'layers, data flows, design principles, scalability, security, disaster recovery'],
    ['Components', DOC_PATHS.componentsIndex, `${plural(lab.components.length, 'component')}, one page each`],
    ['Runbooks', DOC_PATHS.runbooksIndex, 'backup, restore, upgrade, troubleshooting, cluster recovery'],
    ['Decisions', DOC_PATHS.decisionsIndex, plural(input.decisions.length, 'decision record')],
    ['Requirements traceability', DOC_PATHS.traceability, `${plural(lab.spec.requirements.length, 'requirement')} → components → files`],
    ['Backup plan', DOC_PATHS.backupPlan, `${plural(input.plan.rows.length, 'data set')}`],
    ['Review', DOC_PATHS.review, input.review?.verdict ?? ''],
  ];
  for (const [title, p, what] of entries) if (has(p)) out.push(`- [${title}](${p}): ${what}`);
  out.push('', '## Diagrams', '');
  for (const d of ['layers', 'dependencies', 'network', 'failure-domains'] as const) {
    if (has(DOC_PATHS.diagram(d, 'svg'))) out.push(`- [${d}](${DOC_PATHS.diagram(d, 'svg')}) ([Mermaid](${DOC_PATHS.diagram(d, 'mmd')}), [DOT](${DOC_PATHS.diagram(d, 'dot')}))`);
  }
  return md(DOC_PATHS.index, out);
}
