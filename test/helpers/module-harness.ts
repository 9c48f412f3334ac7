/**
 * Harness for catalog module tests: a small valid lab around the apps under
 * test, rendered with a registry that includes the modules under test, then
 * judged by the same oracles as the examples (schema + strict pass,
 * kubectl kustomize).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { Lab, type LabInput } from '../../src/spec/schema.js';
import { validateSpec } from '../../src/spec/validate.js';
import { resolveLab } from '../../src/model/resolve.js';
import { renderLab, type RenderedFile } from '../../src/render/index.js';
import { writeOutput } from '../../src/write/index.js';
import { catalog, type CatalogModule } from '../../src/catalog/index.js';
import type { LabModel } from '../../src/model/types.js';
import type { Issue } from '../../src/spec/issues.js';
import { validateObject } from './k8s-oracle.js';

/** A valid lab (K3s, NFS + local-path, Traefik, cert-manager, metrics, Flux) holding `apps`. */
export function testLab(apps: LabInput['apps'], extra: Partial<LabInput> = {}): LabInput {
  return {
    name: 'test-lab',
    domain: 'lab.example.com',
    hosts: [{ name: 'pve', role: 'hypervisor', cpu: 16, memory: '64Gi', ip: '192.168.1.2' }],
    nodes: [
      { name: 'k3s-1', kind: 'vm', host: 'pve', cpu: 4, memory: '16Gi', ip: '192.168.1.20' },
      { name: 'gpu-1', kind: 'vm', host: 'pve', cpu: 8, memory: '32Gi', ip: '192.168.1.21', gpu: { vendor: 'nvidia', model: 'RTX 3060' }, labels: { 'hearth.dev/gpu': 'true' } },
    ],
    cluster: { name: 'test', distribution: 'k3s', controlPlane: ['k3s-1'], workers: ['gpu-1'] },
    network: { cidr: '192.168.1.0/24', gateway: '192.168.1.1', loadBalancer: { pool: '192.168.1.200-192.168.1.220' }, policy: 'default-deny' },
    ingress: { controller: 'traefik', ip: '192.168.1.200' },
    tls: { issuers: [{ name: 'letsencrypt', type: 'letsencrypt', email: 'ops@example.com' }] },
    storage: { default: 'nfs', classes: [{ name: 'nfs', type: 'nfs', server: '192.168.1.5', path: '/k8s' }, { name: 'local-path', type: 'local-path' }] },
    gitops: { engine: 'flux', repo: { url: 'https://github.com/example/test-lab' } },
    namespaces: [{ name: 'apps' }, { name: 'data' }, { name: 'media' }, { name: 'ai' }],
    apps,
    ...extra,
  };
}

export interface ModuleLab {
  model?: LabModel;
  files: RenderedFile[];
  /** Errors and warnings from the schema, the semantic pass and resolution. */
  issues: Issue[];
}

/** Check and render a spec with extra modules added to the catalog. */
export function renderWith(modules: CatalogModule[], input: LabInput): ModuleLab {
  const parsed = Lab.safeParse(input);
  assert.ok(parsed.success, `test lab must match the schema: ${parsed.success ? '' : JSON.stringify(parsed.error.issues, null, 2)}`);
  const registry = new Map(catalog);
  for (const m of modules) registry.set(m.name, m);
  const issues = [...validateSpec(parsed.data)];
  const r = resolveLab(parsed.data, { catalog: registry });
  issues.push(...r.issues);
  if (issues.some((i) => i.severity === 'error')) return { files: [], issues };
  return { model: r.model, files: renderLab(r.model!), issues };
}

/** Every Kubernetes object in the files, parsed. */
export function objects(files: RenderedFile[]): Record<string, any>[] {
  const out: Record<string, any>[] = [];
  for (const f of files.filter((x) => x.path.endsWith('.yaml'))) {
    for (const d of parseAllDocuments(f.contents)) {
      const o = d.toJS();
      if (o && typeof o.kind === 'string' && typeof o.apiVersion === 'string') out.push(o);
    }
  }
  return out;
}

/** Schema + strict-field errors of every object (kustomizations are left to kubectl). */
export async function schemaErrors(files: RenderedFile[]): Promise<string[]> {
  const errors: string[] = [];
  for (const o of objects(files)) {
    if (o.apiVersion === 'kustomize.config.k8s.io/v1beta1') continue;
    const r = await validateObject(o);
    for (const e of r.errors) errors.push(`${r.object}: ${e}`);
  }
  return errors;
}

/** Run `kubectl kustomize` on every top-level kustomization; throws on failure. */
export function kustomizeAll(files: RenderedFile[]): void {
  const dirs = files.filter((f) => f.path.endsWith('/kustomization.yaml')).map((f) => path.posix.dirname(f.path));
  const roots = dirs.filter((d) => !dirs.some((o) => o !== d && d.startsWith(o + '/')));
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-module-'));
  try {
    writeOutput(out, files);
    for (const d of roots) execFileSync('kubectl', ['kustomize', path.join(out, d)], { stdio: ['ignore', 'pipe', 'pipe'] });
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
}
