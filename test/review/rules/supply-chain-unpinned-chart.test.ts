import rule from '../../../src/review/rules/supply-chain-unpinned-chart.js';
import { ruleTable, testLab } from '../../helpers/review.js';

const hr = (version?: string, name = 'podinfo') =>
  `apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata: { name: ${name}, namespace: apps }\nspec:\n  chart:\n    spec:\n      chart: podinfo\n${version === undefined ? '' : `      version: "${version}"\n`}      sourceRef: { kind: HelmRepository, name: podinfo }\n`;
const argo = (rev: string) =>
  `apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: { name: grafana, namespace: argocd }\nspec:\n  destination: { namespace: monitoring }\n  source: { repoURL: https://grafana.github.io/helm-charts, chart: grafana, targetRevision: "${rev}" }\n`;

ruleTable(rule, {
  valid: [
    { name: 'hearth components (pinned by the catalog)', lab: testLab([{ name: 'ollama', namespace: 'ai' }]) },
    { name: 'an exact version', repo: { 'hr.yaml': hr('6.9.2') } },
    { name: 'an Argo CD chart at an exact version', repo: { 'app.yaml': argo('9.2.1') } },
    { name: 'chartRef to an OCIRepository (pinned there)', repo: { 'hr.yaml': 'apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata: { name: app, namespace: apps }\nspec: { chartRef: { kind: OCIRepository, name: app } }\n' } },
    { name: 'a kustomize patch of a release (no chart, no version)', repo: { 'patch.yaml': 'apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata: { name: podinfo, namespace: apps }\nspec: { values: { replicaCount: 2 } }\n' } },
    { name: 'a version-less base pinned by its overlay', repo: { 'base/hr.yaml': hr(), 'prod/patch.yaml': 'apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata: { name: podinfo, namespace: apps }\nspec: { chart: { spec: { version: 6.9.2 } } }\n' } },
  ],
  invalid: [
    { name: 'no version', repo: { 'hr.yaml': hr() }, message: /^chart podinfo of release apps\/podinfo has no version: the next reconcile/, count: 1, subjects: ['podinfo'] },
    { name: 'a semver range', repo: { 'hr.yaml': hr('>=1.0.0') }, message: /takes the version range ">=1.0.0"/, count: 1 },
    { name: 'wildcards', repo: { 'a.yaml': hr('*', 'a'), 'b.yaml': hr('6.x', 'b'), 'c.yaml': hr('^6.9.0', 'c'), 'd.yaml': hr('~6.9', 'd') }, message: /takes the version range/, count: 4 },
    { name: 'Argo CD targetRevision HEAD', repo: { 'app.yaml': argo('HEAD') }, message: /^chart grafana of release monitoring\/grafana follows "HEAD"/, count: 1 },
  ],
});
