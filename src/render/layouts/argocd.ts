/**
 * Argo CD layout: app-of-apps. A root Application syncs `argocd/apps/`, which
 * holds one Application per chart (Helm source with inline valuesObject) and
 * one per directory of raw manifests, ordered by sync waves that follow the
 * deployment layers. Argo CD only waits on child Applications when it can
 * assess their health, so `bootstrap/argocd-values.yaml` carries the health
 * check Argo CD removed from its defaults in 1.8.
 *
 *   bootstrap/root-app.yaml, bootstrap/argocd-values.yaml
 *   argocd/apps/<component>.yaml, <component>-manifests.yaml
 *   manifests/namespaces/, manifests/<component>/
 */
import { LAYERS } from '../../catalog/types.js';
import type { LabModel } from '../../model/types.js';
import { standardLabels } from '../../lib/k8s.js';
import type { RenderedComponent } from '../components.js';
import { namespaceObjects } from '../objects.js';
import { manifestFiles, kustomization, yamlFile, joinPath, type RenderedFile } from '../files.js';

const ARGO_NS = 'argocd';
const IN_CLUSTER = 'https://kubernetes.default.svc';

/** Lua health check for Application resources (from the Argo CD docs on app-of-apps ordering). */
const APPLICATION_HEALTH = `hs = {}
hs.status = "Progressing"
hs.message = ""
if obj.status ~= nil then
  if obj.status.health ~= nil then
    hs.status = obj.status.health.status
    if obj.status.health.message ~= nil then
      hs.message = obj.status.health.message
    end
  end
end
return hs
`;

export function renderArgoCd(lab: LabModel, components: RenderedComponent[]): RenderedFile[] {
  const files: RenderedFile[] = [];
  const repo = lab.gitops.repo!;
  const labels = (name: string, component: string) => standardLabels(lab.name, 'argocd', name, component);
  const syncPolicy = (serverSide: boolean) => ({
    automated: { prune: true, selfHeal: true },
    syncOptions: ['CreateNamespace=false', ...(serverSide ? ['ServerSideApply=true'] : []), 'SkipDryRunOnMissingResource=true'],
    retry: { limit: 5, backoff: { duration: '10s', factor: 2, maxDuration: '5m' } },
  });
  const application = (name: string, wave: number, namespace: string, source: Record<string, unknown>, serverSide: boolean) => ({
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: {
      name,
      namespace: ARGO_NS,
      labels: labels(name, 'application'),
      annotations: { 'argocd.argoproj.io/sync-wave': String(wave) },
      finalizers: ['resources-finalizer.argocd.argoproj.io'],
    },
    spec: { project: 'default', source, destination: { server: IN_CLUSTER, namespace }, syncPolicy: syncPolicy(serverSide) },
  });
  const gitSource = (path: string) => ({ repoURL: repo.url, targetRevision: repo.branch, path: joinPath(repo.path, path) || '.' });

  const appFiles: string[] = [];
  const nsFiles = manifestFiles('manifests/namespaces', namespaceObjects(lab), files);
  files.push(kustomization('manifests/namespaces', nsFiles));
  files.push(yamlFile('argocd/apps/namespaces.yaml', [application('namespaces', 0, 'default', gitSource('manifests/namespaces'), false)]));
  appFiles.push('namespaces.yaml');

  for (const rc of components) {
    const c = rc.instance;
    const wave = LAYERS.indexOf(c.layer) * 10;
    let manifestWave = wave;
    if (rc.values && c.chart) {
      const source = {
        repoURL: c.chart.repo,
        chart: c.chart.chart,
        targetRevision: c.chart.version,
        helm: { releaseName: c.id, valuesObject: rc.values },
      };
      // Large CRDs (kube-prometheus-stack) exceed client-side apply's annotation limit.
      files.push(yamlFile(`argocd/apps/${c.id}.yaml`, [application(c.id, wave, c.namespace, source, true)]));
      appFiles.push(`${c.id}.yaml`);
      manifestWave = wave + 1;
    }
    const all = [...rc.manifests, ...rc.config];
    if (all.length === 0) continue;
    const dir = `manifests/${c.id}`;
    files.push(kustomization(dir, manifestFiles(dir, all, files)));
    const name = rc.values ? `${c.id}-manifests` : c.id;
    files.push(yamlFile(`argocd/apps/${name}.yaml`, [application(name, rc.config.length ? Math.max(manifestWave, wave + 1) : manifestWave, c.namespace, gitSource(dir), false)]));
    appFiles.push(`${name}.yaml`);
  }
  files.push(kustomization('argocd/apps', appFiles.sort()));

  files.push(
    yamlFile('bootstrap/root-app.yaml', [
      {
        apiVersion: 'argoproj.io/v1alpha1',
        kind: 'Application',
        metadata: { name: 'root', namespace: ARGO_NS, labels: labels('root', 'application'), finalizers: ['resources-finalizer.argocd.argoproj.io'] },
        spec: {
          project: 'default',
          source: gitSource('argocd/apps'),
          destination: { server: IN_CLUSTER, namespace: ARGO_NS },
          syncPolicy: { automated: { prune: true, selfHeal: true } },
        },
      },
    ]),
  );
  files.push(
    yamlFile('bootstrap/argocd-values.yaml', [
      {
        configs: {
          cm: {
            'resource.customizations.health.argoproj.io_Application': APPLICATION_HEALTH,
          },
        },
      },
    ]),
  );
  return files;
}
