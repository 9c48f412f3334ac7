/**
 * The catalog registry: every module by name, sorted. Adding a module is one
 * file plus one line here; `hearth catalog` and the docs read this registry.
 */
import type { CatalogModule } from './types.js';
import alloy from './platform/alloy.js';
import certManager from './platform/cert-manager.js';
import ingressNginx from './platform/ingress-nginx.js';
import kubePrometheusStack from './platform/kube-prometheus-stack.js';
import localPath from './platform/local-path.js';
import loki from './platform/loki.js';
import longhorn from './platform/longhorn.js';
import metallb from './platform/metallb.js';
import nfsProvisioner from './platform/nfs-provisioner.js';
import prometheusOperatorCrds from './platform/prometheus-operator-crds.js';
import traefik from './platform/traefik.js';
import container from './apps/container.js';

const modules = [
  alloy,
  certManager,
  container,
  ingressNginx,
  kubePrometheusStack,
  localPath,
  loki,
  longhorn,
  metallb,
  nfsProvisioner,
  prometheusOperatorCrds,
  traefik,
] satisfies CatalogModule[];

export const catalog: ReadonlyMap<string, CatalogModule> = new Map(modules.map((m) => [m.name, m as CatalogModule]));

export function getModule(name: string): CatalogModule | undefined {
  return catalog.get(name);
}

export function platformModules(): CatalogModule[] {
  return [...catalog.values()].filter((m) => m.kind === 'platform');
}

export function appModules(): CatalogModule[] {
  return [...catalog.values()].filter((m) => m.kind === 'app');
}

export * from './types.js';
