/**
 * The catalog is a registry of modules, one file each. A module says what it
 * is (summary, chart pin, layer), what it needs from the spec (its settings
 * schema, volumes, ports, exposure) and how it renders: chart values and any
 * raw manifests. Modules never choose a layout (Flux, Argo CD or plain Helm):
 * the layouts in src/render arrange what modules return.
 */
import type { z } from 'zod';
import type { LabModel, AppModel, ComponentInstance, Exposure, ResourcesModel } from '../model/types.js';
import type { K8sObject } from '../lib/k8s.js';

/** Deployment order. Flux Kustomizations and Argo CD sync waves follow it. */
export const LAYERS = ['namespaces', 'crds', 'storage', 'networking', 'certificates', 'ingress', 'observability', 'apps'] as const;
export type Layer = (typeof LAYERS)[number];

/** Where each layer lives in the plain-Helm (seed 001) layout. */
export const LAYER_FOLDER: Record<Layer, 'infrastructure' | 'monitoring' | 'applications'> = {
  namespaces: 'infrastructure',
  crds: 'infrastructure',
  storage: 'infrastructure',
  networking: 'infrastructure',
  certificates: 'infrastructure',
  ingress: 'infrastructure',
  observability: 'monitoring',
  apps: 'applications',
};

export interface ChartRef {
  /** Helm repository URL (`helm repo add` URL). */
  repo: string;
  /** Short repository name (HelmRepository name, `helm repo add` alias). */
  repoName: string;
  chart: string;
  /** A version that exists in the repository's index. */
  version: string;
  /** Where the pin was checked (docs/research/*.md). */
  evidence: string;
}

export interface Manifest {
  object: K8sObject;
  /** File base name inside the component directory, without `.yaml` (seed 001 names: ip-pool, cluster-issuer). */
  file: string;
  /** A custom resource whose CRD the component's chart installs: applied once the chart is ready. */
  needsCrds?: boolean;
}

export interface ModuleOutput {
  /** Helm values for the module's chart (omit for modules without a chart). */
  values?: Record<string, unknown>;
  manifests: Manifest[];
  /**
   * Secrets the module's objects read that hearth should create (database
   * passwords, bootstrap tokens). The secrets stage materialises them with the
   * lab's mechanism (Sealed Secrets, SOPS, ...); values never appear in
   * manifests. See docs/design/catalog-and-secrets.md.
   */
  secrets?: SecretRequest[];
}

export type SecretValueSource =
  /** A random value generated once and kept (encrypted) from then on. */
  | { generate: { length: number; charset?: 'alphanumeric' | 'hex' } }
  /** The same value as a key of another requested Secret (a password both a database and its client read). */
  | { sameAs: { namespace: string; name: string; key: string } };

export interface SecretRequest {
  namespace: string;
  name: string;
  keys: Record<string, SecretValueSource>;
  /** Plain (non-secret) keys stored alongside, such as a username. */
  plain?: Record<string, string>;
}

/**
 * What a volume holds, for backups and review:
 * - `database`: a database server's live files (PostgreSQL): a file copy is
 *   not a consistent backup, dump it; never on NFS;
 * - `sqlite`: an application's embedded database (SQLite, bolt) beside its
 *   files: needs working file locks (not NFS) and a quiesced copy;
 * - `files`: documents, photos, configuration: back up as files;
 * - `cache`: regenerable (downloaded models, thumbnails' ML cache, a queue):
 *   losing it costs time, not data. Default: `files`.
 */
export type VolumeContent = 'database' | 'sqlite' | 'files' | 'cache';

export interface VolumeTrait {
  name: string;
  size: string;
  mountPath: string;
  accessMode?: 'ReadWriteOnce' | 'ReadWriteMany';
  content?: VolumeContent;
}

/** What an app module declares for the stages around it. */
export interface AppTraits {
  /** Default exposure when the spec does not say. */
  expose: Exposure;
  /** The Service and port an ingress routes to; absent for apps without a web UI. */
  web?: {
    service: (app: string) => string;
    /** The Service port the Ingress targets. */
    port: number;
    /** The pod's port behind it, for NetworkPolicies (which match pod ports). Default: `port`. */
    targetPort?: number;
    /**
     * Largest request body the app accepts through the ingress (uploads of
     * photos, documents, backups): an nginx size such as `512m`, or `0` for no
     * limit. Default: the controller's (ingress-nginx: 1m; Traefik: none).
     */
    maxBodySize?: string;
  };
  volumes: VolumeTrait[];
  resources: ResourcesModel;
  replicas: number;
  /** Outbound internet access the app needs (model downloads, webhooks). */
  egressInternet?: boolean;
  /**
   * Other apps this one needs, by module (a database, a cache, an LLM server).
   * The model stage links each need to the lab's app of that module (the one
   * named in `dependsOn` when there are several) and adds it to `dependsOn`,
   * so ordering and network policies follow; a missing provider is an error.
   */
  needs?: Need[];
  /** The app asks users to log in before anything else (for the review of public exposure). */
  login?: boolean;
  /** Backups the app takes of the lab (Velero schedules): for the review and the backup plan. */
  backups?: BackupTrait[];
  /**
   * Claims the app's chart creates itself (a StatefulSet's volumeClaimTemplate),
   * so the backup plan and the backup jobs know them although hearth renders no PVC.
   */
  chartVolumes?: { name: string; claim: (app: string) => string; accessMode: 'ReadWriteOnce' | 'ReadWriteMany'; content: VolumeContent }[];
}

export interface BackupTrait {
  name: string;
  /** Cron schedule. */
  schedule: string;
  /** Namespaces covered; ['*'] for all. */
  namespaces: string[];
  /** Where the copies go (a bucket URL). */
  target?: string;
}

export interface Need {
  module: string;
  /** Why, for messages: "a PostgreSQL database". */
  purpose: string;
  /** An optional need links when a provider exists and is skipped otherwise. */
  optional?: boolean;
}

export interface PlatformInstance {
  /** Component id; default: the module name. */
  id?: string;
  /** Directory name in layouts; default: the module's `dir`. */
  dir?: string;
  config?: unknown;
  /** Ingress host (subdomain) for the component's UI, when it has one and an ingress exists. */
  host?: string;
  dependsOn?: string[];
  /** Whether this instance deploys the module's chart (default true when the module has one). */
  chart?: boolean;
}

export interface RenderContext<C> {
  lab: LabModel;
  component: ComponentInstance;
  config: C;
}

export interface CatalogModule<C = any> {
  name: string;
  kind: 'platform' | 'app';
  /** One line: what it is. */
  summary: string;
  layer: Layer;
  /** Short directory name (seed 001: nfs, metallb, prometheus, loki). */
  dir: string;
  /** Default namespace for platform components. */
  namespace?: string;
  chart?: ChartRef;
  /** Settings schema for `apps[i].config` (app modules) or instance config. */
  config?: z.ZodType<C>;
  /** App modules: traits for the stages around them, given the app's settings. */
  app?: (config: C) => AppTraits;
  /** Platform modules: the instances the lab implies (none = not deployed). */
  instances?(lab: LabModel): PlatformInstance[];
  /** For UIs exposed through the ingress: the Service and port. */
  web?: { service: (id: string) => string; port: number };
  /**
   * App modules: checks that need the whole lab (a provider's settings, the
   * secrets mechanism). Run once the model is complete; each problem is an
   * error at `apps[i].<path>` unless it says otherwise.
   */
  check?(ctx: { lab: LabModel; app: AppModel; config: C }): ModuleProblem[];
  render(ctx: RenderContext<C>): ModuleOutput;
}

export interface ModuleProblem {
  /** Path inside the app's entry: ['config', 'vault']. */
  path: (string | number)[];
  message: string;
  hint?: string;
  severity?: 'error' | 'warning';
}

export function defineModule<C>(m: CatalogModule<C>): CatalogModule<C> {
  return m;
}
