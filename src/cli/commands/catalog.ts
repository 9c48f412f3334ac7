import { catalog } from '../../catalog/index.js';
import { printJson, type ExitCode } from '../output.js';

/** One row per catalog module: what it is, what it deploys, where it sits. */
export function catalogEntries() {
  return [...catalog.values()].map((m) => ({
    name: m.name,
    kind: m.kind,
    summary: m.summary,
    layer: m.layer,
    ...(m.namespace ? { namespace: m.namespace } : {}),
    chart: m.chart ? { repo: m.chart.repo, name: m.chart.chart, version: m.chart.version } : null,
    settings: m.config ? true : false,
  }));
}

export async function listCatalog(opts: { json?: boolean }): Promise<ExitCode> {
  const rows = catalogEntries();
  if (opts.json) {
    printJson(rows);
    return 0;
  }
  const w = Math.max(...rows.map((r) => r.name.length));
  for (const kind of ['platform', 'app'] as const) {
    process.stdout.write(`${kind === 'platform' ? 'Platform components (implied by the spec)' : 'Apps (apps[].module)'}:\n`);
    for (const r of rows.filter((x) => x.kind === kind)) {
      const chart = r.chart ? `${r.chart.name} ${r.chart.version}` : 'manifests';
      process.stdout.write(`  ${r.name.padEnd(w)}  ${r.layer.padEnd(13)} ${chart.padEnd(40)} ${r.summary}\n`);
    }
  }
  return 0;
}
