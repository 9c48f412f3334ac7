/** Pieces the layouts share. */
import type { ChartRef } from '../../catalog/types.js';
import type { RenderedComponent } from '../components.js';

/** The distinct Helm repositories the components use, sorted by name. */
export function helmRepositories(components: readonly RenderedComponent[]): ChartRef[] {
  const byName = new Map<string, ChartRef>();
  for (const c of components) {
    const chart = c.instance.chart;
    if (!chart || !c.values) continue;
    const prev = byName.get(chart.repoName);
    if (prev && prev.repo !== chart.repo) throw new Error(`two Helm repositories named ${chart.repoName}: ${prev.repo} and ${chart.repo}`);
    byName.set(chart.repoName, chart);
  }
  return [...byName.values()].sort((a, b) => a.repoName.localeCompare(b.repoName));
}
