import rule from '../../../src/review/rules/supply-chain-no-update-automation.js';
import { ruleTable, testLab } from '../../helpers/review.js';

const hr = (name: string) => `apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata: { name: ${name}, namespace: apps }\nspec: { chart: { spec: { chart: ${name}, version: 1.0.0, sourceRef: { kind: HelmRepository, name: charts } } } }\n`;
const deploy = 'apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: web, namespace: apps }\nspec: { template: { spec: { containers: [{ name: web, image: "nginx:1.29" }] } } }\n';

ruleTable(rule, {
  valid: [
    { name: 'a hearth lab (hearth writes renovate.json)', lab: testLab([{ name: 'vaultwarden', namespace: 'apps' }]) },
    { name: 'a renovate.json beside the manifests', repo: { 'hr.yaml': hr('podinfo') }, edit: (f) => void (f.updateAutomation = true) },
    { name: 'Renovate running in the cluster (renovate-operator)', repo: { 'hr.yaml': hr('podinfo'), 'ren.yaml': hr('renovate-operator') } },
    { name: 'nothing pinned', repo: { 'ns.yaml': 'apiVersion: v1\nkind: Namespace\nmetadata: { name: apps }\n' } },
  ],
  invalid: [
    { name: 'chart releases and no updater', repo: { 'a.yaml': hr('podinfo'), 'b.yaml': hr('grafana') }, message: /^no Renovate or Dependabot configuration: the versions pinned by 2 chart releases go stale/, count: 1, subjects: ['update-automation'] },
    { name: 'plain workloads and no updater', repo: { 'd.yaml': deploy }, message: /pinned by 1 workload go stale/, count: 1 },
  ],
});
