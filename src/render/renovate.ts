/**
 * renovate.json for the rendered repository: which Renovate managers read
 * which files, so every pinned chart and image gets update PRs. Flux
 * HelmReleases and Argo CD Applications carry their chart and version in the
 * objects themselves; the plain-Helm layout annotates each `helm upgrade`
 * line of deploy-all.sh with a `# renovate:` comment for a regex manager.
 * Uses `managerFilePatterns` (Renovate 41+; `fileMatch` is deprecated).
 */
import type { LabModel } from '../model/types.js';
import type { RenderedFile } from './files.js';
import { infraRoot } from './infra/root.js';

/** The annotation the regex manager of the plain-Helm layout matches. */
export function renovateHelmComment(chart: { repo: string; chart: string }): string {
  return `# renovate: datasource=helm depName=${chart.chart} registryUrl=${chart.repo}`;
}

/** A `# renovate:` comment, the `helm upgrade` line, then `--version X`. */
const HELM_PIN = '# renovate: datasource=(?<datasource>\\S+) depName=(?<depName>\\S+) registryUrl=(?<registryUrl>\\S+)\\n[^\\n]*\\n\\s*--version (?<currentValue>\\S+)';

export function renovateConfig(lab: LabModel): RenderedFile {
  const prefix = lab.gitops.repo?.path ? lab.gitops.repo.path.replace(/\/+$/, '') + '/' : '';
  const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  const under = (dirs: string[]) => dirs.map((d) => `/^${esc(prefix)}${d}/.+\\.ya?ml$/`);
  const config: Record<string, unknown> = {
    $schema: 'https://docs.renovatebot.com/renovate-schema.json',
    extends: ['config:recommended'],
    labels: ['dependencies'],
  };
  // Without a cluster there are no manifests; Renovate's terraform manager reads the infrastructure .tf files by default.
  switch (lab.cluster ? lab.gitops.engine : undefined) {
    case 'flux':
      config.flux = { managerFilePatterns: under(['clusters', 'infrastructure', 'apps']) };
      config.kubernetes = { managerFilePatterns: under(['infrastructure', 'apps']) };
      break;
    case 'argocd':
      config.argocd = { managerFilePatterns: under(['argocd', 'bootstrap']) };
      // Images pinned in chart values (valuesObject) sit in the Applications: the kubernetes manager reads them there too.
      config.kubernetes = { managerFilePatterns: under(['argocd', 'manifests']) };
      break;
    case 'none':
      config.kubernetes = { managerFilePatterns: under(['infrastructure', 'applications', 'monitoring']) };
      config.customManagers = [
        {
          customType: 'regex',
          description: 'Helm charts pinned in scripts/deploy-all.sh',
          managerFilePatterns: [`/^${esc(prefix)}scripts/deploy-all\\.sh$/`],
          matchStrings: [HELM_PIN],
        },
      ];
      break;
  }
  // The CNI bootstrap script pins its charts the same way deploy-all.sh does.
  if (lab.cluster && (lab.cluster.cni === 'cilium' || lab.cluster.cni === 'calico')) {
    const managers = (config.customManagers as unknown[] | undefined) ?? [];
    managers.push({
      customType: 'regex',
      description: 'CNI charts pinned in the bootstrap script',
      managerFilePatterns: [`/^${esc(prefix)}${infraRoot(lab)}/cni/install-cni\\.sh$/`],
      matchStrings: [HELM_PIN],
    });
    config.customManagers = managers;
  }
  return { path: 'renovate.json', contents: JSON.stringify(config, null, 2) + '\n' };
}
