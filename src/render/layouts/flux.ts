/**
 * Flux layout: `clusters/<cluster>/` holds one Flux Kustomization per layer
 * (plus a `-config` Kustomization for custom resources that need a chart's
 * CRDs), chained with dependsOn in deployment order. Charts become
 * HelmRepository + HelmRelease (helm.toolkit.fluxcd.io/v2).
 *
 *   clusters/<cluster>/infrastructure.yaml, apps.yaml
 *   infrastructure/sources/          HelmRepositories (flux-system)
 *   infrastructure/namespaces/       Namespaces, quotas, baseline policies
 *   infrastructure/<layer>/<dir>/    HelmRelease + raw manifests
 *   infrastructure/<layer>-config/<dir>/   ClusterIssuers, IP pools, ...
 *   apps/<app>/                      app objects
 */
import { LAYERS, type Layer } from '../../catalog/types.js';
import type { LabModel } from '../../model/types.js';
import { standardLabels } from '../../lib/k8s.js';
import type { RenderedComponent } from '../components.js';
import { namespaceObjects } from '../objects.js';
import { manifestFiles, kustomization, yamlFile, joinPath, type RenderedFile } from '../files.js';
import { helmRepositories } from './shared.js';

const FLUX_NS = 'flux-system';

function layerDir(layer: Layer | 'sources', config = false): string {
  if (layer === 'apps') return config ? 'apps-config' : 'apps';
  return `infrastructure/${layer}${config ? '-config' : ''}`;
}

function ksName(layer: string, config: boolean): string {
  return `${layer === 'apps' ? 'apps' : `infra-${layer}`}${config ? '-config' : ''}`;
}

export function renderFlux(lab: LabModel, components: RenderedComponent[]): RenderedFile[] {
  const files: RenderedFile[] = [];
  const cluster = lab.cluster!;
  const repo = lab.gitops.repo!;
  const interval = lab.gitops.interval;
  const fluxLabels = (name: string) => standardLabels(lab.name, 'flux', name, 'gitops');

  // Sources.
  const repos = helmRepositories(components);
  if (repos.length) {
    files.push(
      yamlFile(
        'infrastructure/sources/helm-repositories.yaml',
        repos.map((r) => ({
          apiVersion: 'source.toolkit.fluxcd.io/v1',
          kind: 'HelmRepository',
          metadata: { name: r.repoName, namespace: FLUX_NS, labels: fluxLabels(r.repoName) },
          spec: { interval: '12h', url: r.repo },
        })),
      ),
    );
    files.push(kustomization('infrastructure/sources', ['helm-repositories.yaml']));
  }

  // Namespaces.
  const nsFiles = manifestFiles('infrastructure/namespaces', namespaceObjects(lab), files);
  files.push(kustomization('infrastructure/namespaces', nsFiles));

  // Layers.
  const kustomizations: { name: string; path: string; dependsOn: string[]; apps: boolean }[] = [];
  const base = ['infra-namespaces', ...(repos.length ? ['infra-sources'] : [])];
  kustomizations.push({ name: 'infra-namespaces', path: 'infrastructure/namespaces', dependsOn: [], apps: false });
  if (repos.length) kustomizations.push({ name: 'infra-sources', path: 'infrastructure/sources', dependsOn: [], apps: false });
  let previous = base;
  for (const layer of LAYERS) {
    if (layer === 'namespaces') continue;
    const inLayer = components.filter((c) => c.instance.layer === layer);
    if (inLayer.length === 0) continue;
    for (const config of [false, true]) {
      const dirs: string[] = [];
      for (const rc of inLayer) {
        const c = rc.instance;
        const dir = joinPath(layerDir(layer, config), layer === 'apps' ? c.id : c.module.dir);
        const resources: string[] = [];
        if (!config && rc.values && c.chart) {
          resources.push('helmrelease.yaml');
          files.push(
            yamlFile(`${dir}/helmrelease.yaml`, [
              {
                apiVersion: 'helm.toolkit.fluxcd.io/v2',
                kind: 'HelmRelease',
                metadata: { name: c.id, namespace: c.namespace, labels: standardLabels(lab.name, c.module.name, c.id, 'release') },
                spec: {
                  interval: '30m',
                  releaseName: c.id,
                  chart: {
                    spec: {
                      chart: c.chart.chart,
                      version: c.chart.version,
                      sourceRef: { kind: 'HelmRepository', name: c.chart.repoName, namespace: FLUX_NS },
                      interval: '12h',
                    },
                  },
                  install: { crds: 'CreateReplace', remediation: { retries: 3 } },
                  upgrade: { crds: 'CreateReplace', cleanupOnFail: true, remediation: { retries: 3 } },
                  ...(chartDeps(components, rc).length ? { dependsOn: chartDeps(components, rc) } : {}),
                  values: rc.values,
                },
              },
            ]),
          );
        }
        resources.push(...manifestFiles(dir, config ? rc.config : rc.manifests, files));
        if (resources.length === 0) continue;
        files.push(kustomization(dir, resources));
        dirs.push(layer === 'apps' ? c.id : c.module.dir);
      }
      if (dirs.length === 0) continue;
      const path = layerDir(layer, config);
      files.push(kustomization(path, dirs));
      const name = ksName(layer, config);
      kustomizations.push({ name, path, dependsOn: config ? [ksName(layer, false)] : previous, apps: layer === 'apps' });
      if (config) previous = [ksName(layer, false), name];
      else previous = [name];
    }
  }

  const toKs = (k: (typeof kustomizations)[number]) => ({
    apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
    kind: 'Kustomization',
    metadata: { name: k.name, namespace: FLUX_NS, labels: fluxLabels(k.name) },
    spec: {
      interval,
      retryInterval: '2m',
      timeout: '15m',
      path: `./${joinPath(repo.path, k.path)}`,
      prune: true,
      wait: true,
      sourceRef: { kind: 'GitRepository', name: FLUX_NS },
      // SOPS-encrypted Secrets: Flux decrypts with the age key in flux-system/sops-age.
      ...(lab.spec.secrets.mechanism === 'sops' ? { decryption: { provider: 'sops', secretRef: { name: 'sops-age' } } } : {}),
      ...(k.dependsOn.length ? { dependsOn: k.dependsOn.map((name) => ({ name })) } : {}),
    },
  });
  files.push(yamlFile(`clusters/${cluster.name}/infrastructure.yaml`, kustomizations.filter((k) => !k.apps).map(toKs)));
  const apps = kustomizations.filter((k) => k.apps);
  if (apps.length) files.push(yamlFile(`clusters/${cluster.name}/apps.yaml`, apps.map(toKs)));
  return files;
}

/** HelmRelease dependsOn: the chart components this one depends on. */
function chartDeps(all: RenderedComponent[], rc: RenderedComponent): { name: string; namespace: string }[] {
  return rc.instance.dependsOn
    .map((d) => all.find((x) => x.instance.id === d))
    .filter((x): x is RenderedComponent => !!x && !!x.values)
    .map((x) => ({ name: x.instance.id, namespace: x.instance.namespace }));
}
