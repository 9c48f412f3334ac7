/**
 * Review output: terminal (grouped by risk, coloured when asked), Markdown
 * in the layout of a hand-written architecture review (seed 003: current
 * architecture, strengths, gaps table, actions, verdict), JSON, and SARIF
 * 2.1.0 for code scanning.
 */
import { mdCell } from '../../lib/text.js';
import { formatPath } from '../../spec/issues.js';
import type { ReviewResult } from '../run.js';
import type { Category, Facts, Finding, Risk, Where } from '../types.js';

export type Locate = (w: Where) => { file?: string; line?: number };

export const CATEGORY_TITLE: Record<Category, string> = {
  'failure-domains': 'Failure domains',
  storage: 'Storage',
  backups: 'Backups',
  secrets: 'Secrets',
  exposure: 'Exposure',
  reliability: 'Reliability',
  capacity: 'Capacity',
  observability: 'Observability',
  network: 'Network',
  'supply-chain': 'Supply chain',
  conventions: 'Conventions',
  input: 'Input',
};

const RISK_TITLE: Record<Risk, string> = { high: 'High', medium: 'Medium', low: 'Low', info: 'Info' };

export function whereText(w: Where, locate?: Locate): string {
  const loc = locate?.(w) ?? {};
  const file = loc.file ?? w.file;
  const line = loc.line ?? w.line;
  const pos = file ? `${file}${line ? `:${line}` : ''}` : '';
  const path = w.specPath ? formatPath(w.specPath) : '';
  return [pos, path].filter(Boolean).join(' ');
}

// ---------------------------------------------------------------------------
// Terminal

const COLOR: Record<Risk, string> = { high: '\x1b[31m', medium: '\x1b[33m', low: '\x1b[36m', info: '\x1b[2m' };

export function formatTerminal(r: ReviewResult, opts: { color?: boolean; locate?: Locate } = {}): string {
  const c = (risk: Risk, s: string) => (opts.color ? `${COLOR[risk]}${s}\x1b[0m` : s);
  const bold = (s: string) => (opts.color ? `\x1b[1m${s}\x1b[0m` : s);
  const out: string[] = [bold(`Review of ${r.facts.name} (${r.facts.source === 'spec' ? 'hearth spec' : 'repository'}): ${r.rules.length} rules`), ''];
  for (const risk of ['high', 'medium', 'low', 'info'] as Risk[]) {
    const fs = r.findings.filter((f) => f.risk === risk);
    if (fs.length === 0) continue;
    out.push(c(risk, bold(`${RISK_TITLE[risk]} (${fs.length})`)));
    for (const f of fs) {
      out.push(`  ${c(risk, '●')} ${f.message} [${f.rule}]`);
      const locs = [...new Set(f.where.map((w) => whereText(w, opts.locate)).filter(Boolean))];
      if (locs.length) out.push(`      at ${locs.slice(0, 3).join(', ')}${locs.length > 3 ? ` (+${locs.length - 3} more)` : ''}`);
      out.push(`      fix: ${f.fix}`);
    }
    out.push('');
  }
  if (r.findings.length === 0) out.push('No findings.', '');
  if (r.suppressed.length) out.push(`${r.suppressed.length} finding${r.suppressed.length === 1 ? '' : 's'} suppressed.`, '');
  for (const a of r.facts.assumptions) out.push(`assumed: ${a}`);
  const skipped = r.facts.notes.filter((n) => n.kind === 'skipped').length;
  if (skipped) out.push(`skipped: ${skipped} file${skipped === 1 ? '' : 's'} (Helm templates)`);
  out.push('', bold(`Verdict: ${r.verdict}`), `${r.counts.high} high, ${r.counts.medium} medium, ${r.counts.low} low, ${r.counts.info} info`);
  return out.join('\n') + '\n';
}

// ---------------------------------------------------------------------------
// Markdown (seed 003's layout)


function stackRows(f: Facts): [string, string, string][] {
  const rows: [string, string, string][] = [];
  const hyper = [...new Set(f.hosts.filter((h) => h.role === 'hypervisor' || h.role === 'workstation').map((h) => h.platform ?? h.role ?? 'host'))];
  if (hyper.length) rows.push(['Hypervisor', hyper.join(', '), `${f.nodes.filter((n) => n.kind !== 'bare-metal').length} guests on ${f.hosts.filter((h) => h.role !== 'nas').length} host(s)`]);
  if (f.cluster) {
    const cp = f.nodes.filter((n) => n.controlPlane).length;
    const workers = f.nodes.filter((n) => n.inCluster && !n.controlPlane).length;
    rows.push(['Kubernetes', f.cluster.distribution ?? 'Kubernetes', `${cp} control-plane node(s) + ${workers} worker(s), datastore ${f.cluster.datastore?.type ?? 'unknown'}`]);
    if (f.cluster.cni) rows.push(['Networking', f.cluster.cni, 'pod networking']);
  }
  const ing = [...new Set(f.charts.filter((c) => /traefik|ingress-nginx/.test(c.chart)).map((c) => c.chart))];
  if (ing.length || f.ingresses.length) rows.push(['Ingress', ing.join(', ') || 'Ingress objects', `${f.ingresses.length} ingress(es)${f.remoteAccess && f.remoteAccess.type !== 'none' ? `, remote access: ${f.remoteAccess.type}` : ''}`]);
  if (f.gitops) rows.push(['GitOps', f.gitops.engine === 'none' ? 'plain Helm scripts' : f.gitops.engine, 'declarative deployment']);
  rows.push(['Monitoring', f.observability.metrics ? 'Prometheus' : 'none', f.observability.logs ? 'metrics and logs' : 'metrics']);
  const sc = f.storageClasses.map((s) => `${s.name} (${s.kind})`);
  if (sc.length) rows.push(['Storage', sc.join(', '), `${f.pvcs.length} persistent volume claim(s)`]);
  return rows;
}

export function formatMarkdown(r: ReviewResult, opts: { date: string; locate?: Locate }): string {
  const f = r.facts;
  const out: string[] = [
    `# Architecture Review: ${f.name} (${opts.date})`,
    '',
    '<!-- Generated by `hearth review`: every row below is computed from the lab. -->',
    '',
    '## Context',
    '',
    `Review of the ${f.source === 'spec' ? 'hearth lab spec and everything it renders' : 'repository'} against ${r.rules.length} rules across failure domains, storage, backups, secrets, exposure, reliability, capacity, observability, network, supply chain and conventions.`,
    '',
    '## Current Architecture',
    '',
    '| Layer | Technology | Purpose |',
    '|-------|-----------|---------|',
    ...stackRows(f).map(([a, b, c]) => `| **${a}** | ${mdCell(b)} | ${mdCell(c)} |`),
    '',
  ];
  if (f.apps.length) out.push('### Deployed Applications', '', ...f.apps.map((a) => `- ${a.name}${a.module && a.module !== a.name ? ` (${a.module})` : ''}`), '');
  out.push('## Assessment', '', '### Strengths', '');
  if (r.strengths.length) r.strengths.forEach((s, i) => out.push(`${i + 1}. ${s}`));
  else out.push('None stated: the rules found no strength to confirm.');
  out.push('', '### Gaps Identified', '');
  const gaps = r.findings.filter((x) => x.risk !== 'info');
  if (gaps.length) {
    out.push('| Area | Current State | Risk Level |', '|------|---------------|------------|');
    for (const g of gaps) out.push(`| ${CATEGORY_TITLE[g.category]} | ${mdCell(g.message)} | **${RISK_TITLE[g.risk]}** — ${mdCell(g.why.split(/(?<=\.)\s/)[0].replace(/\.$/, '').toLowerCase())} |`);
  } else out.push('No gaps found.');
  out.push('', '## Decision', '', '### Immediate Actions', '');
  const immediate = r.findings.filter((x) => x.risk === 'high' || x.risk === 'medium');
  if (immediate.length) immediate.forEach((x, i) => out.push(`${i + 1}. **${mdCell(x.fix.charAt(0).toUpperCase() + x.fix.slice(1))}** — ${mdCell(x.message)} (\`${x.rule}\`)`));
  else out.push('None.');
  out.push('', '### Medium-Term Improvements', '');
  const later = r.findings.filter((x) => x.risk === 'low');
  if (later.length) {
    out.push('| Priority | Improvement | Rationale |', '|----------|-------------|-----------|');
    later.forEach((x, i) => out.push(`| P${Math.min(3, i + 1)} | ${mdCell(x.fix)} | ${mdCell(x.why)} |`));
  } else out.push('None.');
  const info = r.findings.filter((x) => x.risk === 'info');
  if (info.length) out.push('', '### Notes', '', ...info.map((x) => `- ${mdCell(x.message)} (\`${x.rule}\`)`));
  if (f.assumptions.length) out.push('', '### Assumptions', '', ...f.assumptions.map((a) => `- ${a}`));
  out.push('', '## Findings', '');
  for (const x of r.findings) {
    out.push(`- **${RISK_TITLE[x.risk]}** \`${x.rule}\`: ${x.message}`);
    const locs = [...new Set(x.where.map((w) => whereText(w, opts.locate)).filter(Boolean))];
    if (locs.length) out.push(`  - at ${locs.slice(0, 5).join(', ')}${locs.length > 5 ? ` (+${locs.length - 5} more)` : ''}`);
    out.push(`  - why: ${x.why}`, `  - fix: ${x.fix}`);
  }
  if (r.findings.length === 0) out.push('None.');
  out.push('', '## Verdict', '', `**${r.verdict}**`, '', `*Reviewed by: hearth review*  `, `*Date: ${opts.date}*`, '');
  return out.join('\n');
}

// ---------------------------------------------------------------------------
// JSON

export function formatJson(r: ReviewResult, opts: { locate?: Locate } = {}): string {
  const loc = (w: Where) => {
    const l = opts.locate?.(w) ?? {};
    return { file: l.file ?? w.file, line: l.line ?? w.line, path: w.specPath ? formatPath(w.specPath) : undefined };
  };
  const doc = {
    name: r.facts.name,
    source: r.facts.source,
    counts: r.counts,
    verdict: r.verdict,
    findings: r.findings.map((x) => ({ ...x, where: x.where.map(loc) })),
    suppressed: r.suppressed.map((s) => ({ rule: s.finding.rule, message: s.finding.message, reason: s.suppression.reason, expires: s.suppression.expires })),
    strengths: r.strengths,
    assumptions: r.facts.assumptions,
    notes: r.facts.notes.map((n) => ({ ...n, where: loc(n.where) })),
    rules: r.rules.map((x) => x.id),
  };
  return JSON.stringify(doc, null, 2) + '\n';
}

// ---------------------------------------------------------------------------
// SARIF 2.1.0

const LEVEL: Record<Risk, 'error' | 'warning' | 'note'> = { high: 'error', medium: 'warning', low: 'note', info: 'note' };
const SECURITY_SEVERITY: Record<Risk, string> = { high: '8.0', medium: '5.0', low: '3.0', info: '1.0' };

export function formatSarif(r: ReviewResult, opts: { locate?: Locate; version: string; rulesBaseUri: string }): string {
  const ruleIds = [...new Set([...r.rules.map((x) => x.id), ...r.findings.map((x) => x.rule)])].sort();
  const byId = new Map(r.rules.map((x) => [x.id, x]));
  const sarifRules = ruleIds.map((id) => {
    const rule = byId.get(id);
    const first = r.findings.find((x) => x.rule === id);
    return {
      id,
      name: id.replace(/(^|-)([a-z])/g, (_, _d, ch: string) => ch.toUpperCase()),
      shortDescription: { text: rule?.title ?? first?.message ?? id },
      fullDescription: { text: rule?.why ?? first?.why ?? id },
      help: { text: `Fix: ${rule?.fix ?? first?.fix ?? ''}` },
      helpUri: `${opts.rulesBaseUri}${id}.md`,
      defaultConfiguration: { level: LEVEL[rule?.risk ?? first?.risk ?? 'info'] },
      properties: { category: rule?.category ?? first?.category ?? 'input', 'security-severity': SECURITY_SEVERITY[rule?.risk ?? first?.risk ?? 'info'], tags: [rule?.category ?? 'input'] },
    };
  });
  const results = r.findings.map((x) => {
    const locations = x.where
      .map((w) => opts.locate?.(w) ?? { file: w.file, line: w.line })
      .filter((l): l is { file: string; line?: number } => !!l.file)
      .slice(0, 10)
      .map((l) => ({ physicalLocation: { artifactLocation: { uri: l.file.split('\\').join('/') }, ...(l.line ? { region: { startLine: l.line } } : {}) } }));
    return {
      ruleId: x.rule,
      ruleIndex: ruleIds.indexOf(x.rule),
      level: LEVEL[x.risk],
      message: { text: `${x.message}. Fix: ${x.fix}` },
      ...(locations.length ? { locations } : {}),
      partialFingerprints: { 'hearth/v1': `${x.rule}:${x.subjects.join(',')}` },
    };
  });
  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [{ tool: { driver: { name: 'hearth', informationUri: 'https://github.com/hearth-lab/hearth', version: opts.version, rules: sarifRules } }, results }],
  };
  return JSON.stringify(log, null, 2) + '\n';
}
