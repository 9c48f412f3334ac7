/**
 * The catalog registry: every module by name, sorted. Adding a module is one
 * file plus one line here; `hearth catalog` and the docs read this registry.
 */
import type { CatalogModule } from './types.js';
import alloy from './platform/alloy.js';
import calico, { calicoCrds } from './platform/calico.js';
import cilium from './platform/cilium.js';
import certManager from './platform/cert-manager.js';
import ingressNginx from './platform/ingress-nginx.js';
import kubePrometheusStack from './platform/kube-prometheus-stack.js';
import localPath from './platform/local-path.js';
import loki from './platform/loki.js';
import longhorn from './platform/longhorn.js';
import metallb from './platform/metallb.js';
import nfsProvisioner from './platform/nfs-provisioner.js';
import prometheusOperatorCrds from './platform/prometheus-operator-crds.js';
import sealedSecretsController from './platform/sealed-secrets-controller.js';
import externalSecretsController from './platform/external-secrets-controller.js';
import labSecrets from './platform/lab-secrets.js';
import backupJobs from './platform/backup-jobs.js';
import traefik from './platform/traefik.js';
import container from './apps/container.js';
import devContainers from './apps/dev-containers.js';
import cloudflared from './apps/cloudflared.js';
import externalDns from './apps/external-dns.js';
import externalLlm from './apps/external-llm.js';
import externalSecrets from './apps/external-secrets.js';
import filebrowser from './apps/filebrowser.js';
import homeAssistant from './apps/home-assistant.js';
import homepage from './apps/homepage.js';
import immich from './apps/immich.js';
import n8n from './apps/n8n.js';
import nextcloud from './apps/nextcloud.js';
import nginxProxy from './apps/nginx-proxy.js';
import ollama from './apps/ollama.js';
import openWebui from './apps/open-webui.js';
import paperless from './apps/paperless.js';
import plex from './apps/plex.js';
import postgresml from './apps/postgresml.js';
import postgresql from './apps/postgresql.js';
import qbittorrent from './apps/qbittorrent.js';
import ragPlatform from './apps/rag-platform.js';
import redis from './apps/redis.js';
import sealedSecrets from './apps/sealed-secrets.js';
import tailscaleOperator from './apps/tailscale-operator.js';
import vault from './apps/vault.js';
import velero from './apps/velero.js';
import vaultwarden from './apps/vaultwarden.js';
import vllm from './apps/vllm.js';

const modules = [
  alloy,
  calico,
  calicoCrds,
  cilium,
  certManager,
  cloudflared,
  container,
  devContainers,
  externalDns,
  externalLlm,
  externalSecrets,
  externalSecretsController,
  filebrowser,
  homeAssistant,
  homepage,
  immich,
  ingressNginx,
  kubePrometheusStack,
  labSecrets,
  backupJobs,
  localPath,
  loki,
  longhorn,
  metallb,
  n8n,
  nextcloud,
  nfsProvisioner,
  nginxProxy,
  ollama,
  openWebui,
  paperless,
  plex,
  postgresml,
  postgresql,
  prometheusOperatorCrds,
  qbittorrent,
  ragPlatform,
  redis,
  sealedSecrets,
  sealedSecretsController,
  tailscaleOperator,
  traefik,
  vault,
  velero,
  vaultwarden,
  vllm,
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
