import rule from '../../../src/review/rules/storage-node-local-data.js';
import { ruleTable, testLab } from '../../helpers/review.js';

const vaultwarden = { name: 'vaultwarden', namespace: 'apps' };

ruleTable(rule, {
  valid: [
    { name: 'data on the NAS (NFS)', lab: testLab([vaultwarden]) },
    { name: 'a cache on local-path (regenerable)', lab: testLab([{ name: 'ollama', namespace: 'ai', storage: 'local-path' }]) },
    {
      name: 'a repository with PVCs on a replicated class',
      repo: {
        'sc.yaml': 'apiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata: { name: longhorn }\nprovisioner: driver.longhorn.io\n',
        'pvc.yaml': 'apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: { name: data, namespace: apps }\nspec: { storageClassName: longhorn, resources: { requests: { storage: 1Gi } } }\n',
      },
    },
  ],
  invalid: [
    { name: 'an app on local-path', lab: testLab([{ ...vaultwarden, storage: 'local-path' }]), message: /vaultwarden on node-local storage \(local-path\)/, subjects: ['vaultwarden'] },
    {
      name: 'a repository PVC on a local-path class',
      repo: {
        'sc.yaml': 'apiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata: { name: local-path }\nprovisioner: rancher.io/local-path\n',
        'pvc.yaml': 'apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: { name: db, namespace: apps, labels: { app.kubernetes.io/instance: wiki } }\nspec: { storageClassName: local-path }\n',
      },
      message: /1 volume of wiki/,
      count: 1,
    },
  ],
});
