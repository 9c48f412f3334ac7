import { z } from 'zod';
import { defineModule } from '../types.js';
import { CHARTS } from '../charts.js';

const Config = z.object({ className: z.string() });

/** nfs-subdir-external-provisioner: one release per NFS StorageClass. */
export default defineModule({
  name: 'nfs-provisioner',
  kind: 'platform',
  summary: 'nfs-subdir-external-provisioner: dynamic PVCs on an NFS export',
  layer: 'storage',
  dir: 'nfs',
  namespace: 'nfs-provisioner',
  chart: CHARTS.nfsProvisioner,
  config: Config,
  instances: (lab) => {
    const nfs = lab.storageClasses.filter((c) => c.type === 'nfs');
    return nfs.map((c) => ({
      id: nfs.length === 1 ? 'nfs-provisioner' : `nfs-provisioner-${c.name}`,
      dir: nfs.length === 1 ? 'nfs' : `nfs-${c.name}`,
      config: { className: c.name },
    }));
  },
  render: ({ lab, config }) => {
    const sc = lab.storageClasses.find((c) => c.name === config.className)!;
    if (sc.spec.type !== 'nfs') throw new Error(`storage class ${sc.name} is not nfs`);
    return {
      values: {
        nfs: { server: sc.server, path: sc.spec.path, ...(sc.spec.mountOptions.length ? { mountOptions: sc.spec.mountOptions } : {}) },
        storageClass: {
          create: true,
          name: sc.name,
          defaultClass: sc.isDefault,
          reclaimPolicy: sc.spec.reclaimPolicy,
          archiveOnDelete: sc.spec.archiveOnDelete,
        },
        resources: { requests: { cpu: '10m', memory: '32Mi' }, limits: { memory: '128Mi' } },
      },
      manifests: [],
    };
  },
});
