/**
 * Facts of an existing repository of Kubernetes YAML: plain manifests,
 * kustomizations, Flux and Argo CD objects, SOPS files, SealedSecrets,
 * ExternalSecrets. Reads every .yaml/.yml file once; Helm templates are
 * skipped with a note, invalid YAML becomes a note (and a finding), unknown
 * kinds are ignored. Nothing the repository does not say is invented: node
 * counts and hosts stay unknown, and the assumptions say so.
 */
import fs from 'node:fs';
import path from 'node:path';
import jsyaml from 'js-yaml';
import { parseAllDocuments } from 'yaml';
import { addObjects, type Located } from './objects.js';
import { emptyFacts } from './facts-lab.js';
import type { Facts } from './types.js';

const SKIP_DIRS = new Set(['.git', 'node_modules', '.terraform', 'vendor', '.venv', 'dist']);
/** A file larger than this is not hand-written configuration. */
const MAX_FILE_BYTES = 8 * 1024 * 1024;

export interface RepoFile {
  path: string;
  text: string;
}

/** Every YAML file under a directory (relative POSIX paths, sorted), plus whether Renovate is configured. */
export function readRepo(dir: string): { files: RepoFile[]; renovate: boolean } {
  const files: RepoFile[] = [];
  let renovate = false;
  const walk = (rel: string) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(path.join(dir, rel), { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      const p = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) {
        if (!SKIP_DIRS.has(e.name)) walk(p);
        continue;
      }
      if (!e.isFile()) continue;
      if (/^(renovate\.json5?|\.renovaterc(\.json5?)?)$/.test(e.name) || p === '.github/renovate.json5' || /dependabot\.ya?ml$/.test(e.name)) renovate = true;
      if (!/\.ya?ml$/.test(e.name)) continue;
      const abs = path.join(dir, p);
      try {
        if (fs.statSync(abs).size > MAX_FILE_BYTES) continue;
        files.push({ path: p, text: fs.readFileSync(abs, 'utf8') });
      } catch {
        // unreadable: skipped
      }
    }
  };
  walk('');
  return { files, renovate };
}

/** Split a YAML stream at document markers, keeping each document's first line. */
function documents(text: string): { text: string; line: number }[] {
  const out: { text: string; line: number }[] = [];
  const lines = text.split('\n');
  let start = 0;
  for (let i = 0; i <= lines.length; i++) {
    if (i === lines.length || /^---(\s|$)/.test(lines[i])) {
      const chunk = lines.slice(start, i).join('\n');
      if (chunk.trim()) out.push({ text: chunk, line: start + 1 });
      start = i + 1;
    }
  }
  return out;
}

const HELM_TEMPLATE = /\{\{[-\s]/;

export function factsFromRepo(name: string, repo: { files: RepoFile[]; renovate: boolean }): Facts {
  const facts = emptyFacts('repo', name);
  facts.updateAutomation = repo.renovate;
  const objects: Located[] = [];
  for (const f of repo.files) {
    if (HELM_TEMPLATE.test(f.text) && /(^|\/)templates\//.test(f.path)) {
      facts.notes.push({ where: { file: f.path }, message: 'Helm template: skipped (rendered values are not known)', kind: 'skipped' });
      continue;
    }
    for (const d of documents(f.text)) {
      let data: unknown;
      try {
        // js-yaml is fast; its failures are re-read with `yaml` for a precise position.
        data = jsyaml.load(d.text, { json: true });
      } catch {
        const parsed = parseAllDocuments(d.text);
        const errs = (Array.isArray(parsed) ? parsed : [parsed]).flatMap((x) => ('errors' in x ? x.errors : []));
        const e = errs[0];
        const line = e?.linePos?.[0]?.line;
        if (HELM_TEMPLATE.test(d.text)) {
          facts.notes.push({ where: { file: f.path, line: d.line }, message: 'Go template in YAML: skipped', kind: 'skipped' });
        } else {
          facts.notes.push({ where: { file: f.path, line: d.line + (line ? line - 1 : 0) }, message: `invalid YAML: ${(e?.message ?? 'cannot be parsed').split('\n')[0]}`, kind: 'invalid' });
        }
        continue;
      }
      if (!data || typeof data !== 'object' || Array.isArray(data)) continue;
      const o = data as Record<string, unknown>;
      if (o.kind === 'List' && Array.isArray(o.items)) {
        for (const it of o.items) if (it && typeof it === 'object') objects.push({ object: it as Record<string, unknown>, where: { file: f.path, line: d.line } });
        continue;
      }
      if (typeof o.kind !== 'string' || typeof o.apiVersion !== 'string') continue;
      objects.push({ object: o, where: { file: f.path, line: d.line } });
    }
  }
  addObjects(facts, objects);
  facts.observability.alertReceivers = undefined;
  facts.assumptions.push(
    'The repository does not describe hosts or nodes: rules about failure domains of machines, capacity and replica spread were not applied.',
    'Storage classes the repository does not define are assumed to be the distribution default (K3s: local-path, node-local).',
  );
  if (facts.charts.length > 0) facts.assumptions.push(`${facts.charts.length} Helm chart release(s) were read as releases: their rendered objects (workloads, volumes) are not visible to the review.`);
  return facts;
}
