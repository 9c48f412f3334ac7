import rule from '../../../src/review/rules/storage-no-default-class.js';
import { ruleTable, testLab } from '../../helpers/review.js';

const sc = (name: string, isDefault = false) =>
  `apiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata:\n  name: ${name}\n${isDefault ? '  annotations: { storageclass.kubernetes.io/is-default-class: "true" }\n' : ''}provisioner: nfs.csi.k8s.io\n`;
const pvc = (name: string, app: string) => `apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: { name: ${name}, namespace: apps, labels: { app.kubernetes.io/name: ${app} } }\nspec: { accessModes: [ReadWriteOnce], resources: { requests: { storage: 1Gi } } }\n`;

ruleTable(rule, {
  valid: [
    { name: 'a repository without StorageClasses (distribution default assumed)', repo: { 'pvc.yaml': pvc('data', 'wiki') } },
    { name: 'one class marked default', repo: { 'sc.yaml': sc('nfs-client', true), 'pvc.yaml': pvc('data', 'wiki') } },
    { name: 'every claim names its class', repo: { 'sc.yaml': sc('nfs-client'), 'pvc.yaml': 'apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: { name: data, namespace: apps }\nspec: { storageClassName: nfs-client }\n' } },
    {
      name: 'a Longhorn chart may install the default class',
      repo: {
        'sc.yaml': sc('nfs-client'),
        'pvc.yaml': pvc('data', 'wiki'),
        'hr.yaml': 'apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata: { name: longhorn, namespace: longhorn-system }\nspec: { chart: { spec: { chart: longhorn, version: 1.10.1, sourceRef: { kind: HelmRepository, name: longhorn } } } }\n',
      },
    },
    { name: 'a spec always has a default class', lab: testLab([{ name: 'vaultwarden', namespace: 'apps' }]) },
  ],
  invalid: [
    { name: 'a class defined, not default, and a claim without class', repo: { 'sc.yaml': sc('nfs-client'), 'pvc.yaml': pvc('data', 'wiki') }, message: /^1 claim of wiki names no storage class and none of the repository's classes \(nfs-client\) is marked default: it stays Pending/, count: 1 },
    {
      name: 'two claims, two classes: one finding',
      repo: { 'sc.yaml': `${sc('fast')}---\n${sc('slow')}`, 'a.yaml': pvc('data', 'wiki'), 'b.yaml': pvc('media', 'jellyfin') },
      message: /2 claims of jellyfin, wiki .*\(fast, slow\)/,
      count: 1,
      subjects: ['jellyfin', 'wiki'],
    },
  ],
});
