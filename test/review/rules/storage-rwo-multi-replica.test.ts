import rule from '../../../src/review/rules/storage-rwo-multi-replica.js';
import { ruleTable, testLab } from '../../helpers/review.js';

const longhornClass = 'apiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata: { name: longhorn }\nprovisioner: driver.longhorn.io\n';
const nfsClass = 'apiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata: { name: nfs-client }\nprovisioner: nfs.csi.k8s.io\n';
const pvc = (cls: string) => `apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: { name: data, namespace: apps }\nspec: { storageClassName: ${cls}, accessModes: [ReadWriteOnce] }\n`;
const deploy = (replicas: number) =>
  `apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: wiki, namespace: apps, labels: { app.kubernetes.io/name: wiki } }\nspec:\n  replicas: ${replicas}\n  template:\n    spec:\n      containers: [{ name: wiki, image: ghcr.io/requarks/wiki:2.5 }]\n      volumes: [{ name: data, persistentVolumeClaim: { claimName: data } }]\n`;
const longhorn = { storage: { default: 'longhorn', classes: [{ name: 'longhorn', type: 'longhorn' as const, replicas: 2 }] } };
const web = (replicas: number) => ({
  name: 'web',
  module: 'container',
  namespace: 'apps',
  replicas,
  config: { image: 'ghcr.io/example/web:1.0.0', ports: [{ name: 'http', port: 8080 }], volumes: [{ name: 'data', mountPath: '/data' }] },
});

ruleTable(rule, {
  valid: [
    { name: 'one replica on Longhorn', repo: { 'sc.yaml': longhornClass, 'pvc.yaml': pvc('longhorn'), 'd.yaml': deploy(1) } },
    { name: 'two replicas on NFS (mounts on any node)', repo: { 'sc.yaml': nfsClass, 'pvc.yaml': pvc('nfs-client'), 'd.yaml': deploy(2) } },
    {
      name: 'a StatefulSet with a volume per replica',
      repo: {
        'sc.yaml': longhornClass,
        'ss.yaml': 'apiVersion: apps/v1\nkind: StatefulSet\nmetadata: { name: db, namespace: apps }\nspec:\n  replicas: 3\n  template: { spec: { containers: [{ name: db, image: postgres:17 }] } }\n  volumeClaimTemplates: [{ metadata: { name: data }, spec: { storageClassName: longhorn } }]\n',
      },
    },
    { name: 'a spec app with one replica on Longhorn', lab: testLab([web(1)], longhorn) },
  ],
  invalid: [
    { name: 'two replicas sharing a Longhorn volume', repo: { 'sc.yaml': longhornClass, 'pvc.yaml': pvc('longhorn'), 'd.yaml': deploy(2) }, message: /^Deployment apps\/wiki runs 2 replicas sharing data \(longhorn\): a replica on a second node cannot attach/, subjects: ['wiki'], count: 1 },
    { name: 'three replicas on local-path', repo: { 'pvc.yaml': pvc('local-path'), 'd.yaml': deploy(3) }, message: /runs 3 replicas sharing node-local data \(local-path\): every replica is pinned/ },
    { name: 'a spec app with two replicas on Longhorn', lab: testLab([web(2)], longhorn), message: /apps\/web-server runs 2 replicas sharing web-data \(longhorn\)/, subjects: ['web'] },
  ],
});
