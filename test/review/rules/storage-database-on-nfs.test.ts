import rule from '../../../src/review/rules/storage-database-on-nfs.js';
import { ruleTable, testLab } from '../../helpers/review.js';

const withLonghorn = { storage: { default: 'nfs', classes: [{ name: 'nfs', type: 'nfs' as const, server: '192.168.1.5', path: '/k8s' }, { name: 'longhorn', type: 'longhorn' as const, replicas: 2 }] } };
const nfsClass = 'apiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata: { name: nfs-client }\nprovisioner: cluster.local/nfs-subdir-external-provisioner\n';
const pvc = (name: string, cls: string) => `apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: { name: ${name}, namespace: data }\nspec: { storageClassName: ${cls}, accessModes: [ReadWriteOnce], resources: { requests: { storage: 10Gi } } }\n`;
const deploy = (name: string, image: string, claim: string) =>
  `apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: ${name}, namespace: data }\nspec:\n  template:\n    spec:\n      containers: [{ name: main, image: ${image} }]\n      volumes: [{ name: data, persistentVolumeClaim: { claimName: ${claim} } }]\n`;

ruleTable(rule, {
  valid: [
    { name: 'PostgreSQL and Vaultwarden on Longhorn', lab: testLab([{ name: 'postgresql', namespace: 'data', storage: 'longhorn' }, { name: 'vaultwarden', namespace: 'apps', storage: 'longhorn' }], withLonghorn) },
    { name: 'a cache on NFS (Ollama models)', lab: testLab([{ name: 'ollama', namespace: 'ai' }]) },
    { name: 'a repository database on a Longhorn class', repo: { 'pvc.yaml': pvc('pgdata', 'longhorn'), 'd.yaml': deploy('postgres', 'postgres:17', 'pgdata') } },
    { name: 'a repository volume of database dumps on NFS', repo: { 'sc.yaml': nfsClass, 'pvc.yaml': pvc('postgres-backups', 'nfs-client') } },
    { name: 'a repository media volume of a SQLite app on NFS', repo: { 'sc.yaml': nfsClass, 'pvc.yaml': pvc('media', 'nfs-client'), 'd.yaml': deploy('jellyfin', 'jellyfin/jellyfin:10.10', 'media') } },
    {
      name: 'a repository Vaultwarden pointed at PostgreSQL',
      repo: {
        'sc.yaml': nfsClass,
        'pvc.yaml': pvc('vaultwarden-data', 'nfs-client'),
        'd.yaml': deploy('vaultwarden', 'vaultwarden/server:1.34.3', 'vaultwarden-data').replace('image: vaultwarden/server:1.34.3 }', 'image: vaultwarden/server:1.34.3, env: [{ name: DATABASE_URL, valueFrom: { secretKeyRef: { name: vw, key: url } } }] }'),
      },
    },
  ],
  invalid: [
    { name: 'Vaultwarden (SQLite) on the NFS default', lab: testLab([{ name: 'vaultwarden', namespace: 'apps' }]), message: /1 volume of vaultwarden holding SQLite databases on NFS \(nfs\): broken file locking/, subjects: ['vaultwarden'], count: 1 },
    {
      name: 'PostgreSQL and Vaultwarden on NFS: one finding per kind',
      lab: testLab([{ name: 'postgresql', namespace: 'data' }, { name: 'vaultwarden', namespace: 'apps' }]),
      count: 2,
      subjects: ['postgresql'],
    },
    {
      name: 'a repository PostgreSQL image on an NFS class',
      repo: { 'sc.yaml': nfsClass, 'pvc.yaml': pvc('data', 'nfs-client'), 'd.yaml': deploy('wiki-db', 'docker.io/library/postgres:17.2', 'data') },
      message: /^1 database volume of wiki-db on NFS \(nfs-client\): lost or corrupted writes/,
      count: 1,
    },
    { name: 'a repository Jellyfin config volume on NFS', repo: { 'sc.yaml': nfsClass, 'pvc.yaml': pvc('jellyfin-config', 'nfs-client'), 'd.yaml': deploy('jellyfin', 'ghcr.io/jellyfin/jellyfin:10.10.7', 'jellyfin-config') }, message: /^1 volume of jellyfin holding SQLite databases on NFS \(nfs-client\)/, subjects: ['jellyfin'] },
    { name: 'a repository claim named for MariaDB on an undefined NFS class', repo: { 'pvc.yaml': pvc('mariadb-data', 'nfs-client') }, message: /mariadb-data \(judged by name\) on NFS/ },
  ],
});
