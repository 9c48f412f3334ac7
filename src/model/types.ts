/**
 * The resolved model: the spec with defaults filled in, references resolved
 * and the platform components it implies. Every stage after the model
 * (render, review, docs) reads this and never the raw spec.
 *
 * This file holds types only, so the catalog (which the model stage consults)
 * can name them without a runtime import cycle.
 */
import type {
  LabSpec,
  HostSpec,
  NodeSpec,
  IssuerSpec,
  NamespaceSpec,
  ReceiverSpec,
  StorageClassSpec,
} from '../spec/schema.js';
import type { CatalogModule, Layer, ChartRef, AppTraits, VolumeContent } from '../catalog/types.js';

export type Exposure = 'none' | 'internal' | 'lan' | 'public';

export interface ResourceAmounts {
  cpu?: string;
  memory?: string;
}

export interface ResourcesModel {
  requests: ResourceAmounts;
  limits: ResourceAmounts;
}

export interface VolumeModel {
  /** Module volume name (`data`, `media`). */
  name: string;
  /** PVC name: `{app}-{volume}`. */
  claim: string;
  storageClass: string;
  size: string;
  mountPath: string;
  accessMode: 'ReadWriteOnce' | 'ReadWriteMany';
  /** What the volume holds (the module's trait; default files). */
  content: VolumeContent;
}

export interface AppModel {
  name: string;
  module: string;
  namespace: string;
  /** Fully qualified ingress host, when exposed through the ingress. */
  host?: string;
  url?: string;
  expose: Exposure;
  issuer?: string;
  volumes: VolumeModel[];
  replicas: number;
  resources: ResourcesModel;
  dependsOn: string[];
  requirements: string[];
  /** Module settings, parsed by the module's own schema. */
  config: unknown;
  /** Chart values (or object overrides) from the spec, merged last. */
  values: Record<string, unknown>;
  nodeSelector: Record<string, string>;
  gpu: boolean;
  /** What the module declares for this app's settings (computed once, here). */
  traits: AppTraits;
  /** Needs resolved to providers: module name → the app that serves this one. */
  links: Record<string, string>;
  /** Index in spec.apps, for issue paths. */
  index: number;
}

export interface ComponentInstance {
  /** Unique id: the module name for platform components, the app name for apps. */
  id: string;
  module: CatalogModule;
  kind: 'platform' | 'app';
  layer: Layer;
  namespace: string;
  chart?: ChartRef;
  /** Chart values from the spec (`components.<id>.values` or `apps[i].values`). */
  overrides: Record<string, unknown>;
  dependsOn: string[];
  app?: AppModel;
  /** Instance settings of platform components (which NFS class, ...). */
  config?: unknown;
  /** Ingress host for platform UIs (Grafana), when exposed. */
  host?: string;
}

export interface StorageClassModel {
  spec: StorageClassSpec;
  name: string;
  type: StorageClassSpec['type'];
  isDefault: boolean;
  /** Provided by the distribution (K3s local-path) rather than a hearth chart. */
  bundled: boolean;
  /** For NFS: the server address, resolved from a host name if needed. */
  server?: string;
}

export interface ClusterModel {
  name: string;
  distribution: 'k3s' | 'talos';
  version?: string;
  cni: 'flannel' | 'cilium' | 'calico';
  datastore: { type: 'embedded-etcd' | 'sqlite' | 'external-postgres'; endpoint?: string };
  controlPlane: NodeSpec[];
  workers: NodeSpec[];
  nodes: NodeSpec[];
  vip?: string;
  apiExposure: 'lan' | 'vpn' | 'public';
}

export interface NamespaceModel {
  name: string;
  /** Declared in the spec (apps live here) or implied by a platform component. */
  origin: 'spec' | 'platform';
  spec?: NamespaceSpec;
  labels: Record<string, string>;
  networkPolicy: 'default-deny' | 'allow-all';
}

export interface IngressModel {
  controller: 'traefik' | 'ingress-nginx';
  bundled: boolean;
  className: string;
  ip?: string;
  /** Namespace the controller pods run in (for NetworkPolicy allows). */
  namespace: string;
}

/** A piece of persistent data and its backup tier (src/model/backups.ts). */
export interface BackupSet {
  /** `vaultwarden/data`, `postgresql/paperless` (a database), `node pgdb`, `cluster state (etcd)`. */
  id: string;
  /** Object-name safe: `vaultwarden-data`, `postgresql-paperless`. */
  slug: string;
  kind: 'volume' | 'database' | 'guest' | 'cluster-state';
  content?: string;
  /** Tier name, when the data has one. */
  tier?: string;
  /** Volumes and databases: the app holding the data, its namespace, volume and claim. */
  app?: string;
  namespace?: string;
  volume?: string;
  claim?: string;
  storageClass?: string;
  accessMode?: 'ReadWriteOnce' | 'ReadWriteMany';
  /** Databases of a shared PostgreSQL: the database name. */
  database?: string;
  /** Guests: the node name. */
  node?: string;
}

export interface LabModel {
  spec: LabSpec;
  name: string;
  domain: string;
  hosts: HostSpec[];
  nodes: NodeSpec[];
  cluster?: ClusterModel;
  ingress?: IngressModel;
  issuers: IssuerSpec[];
  defaultIssuer?: string;
  storageClasses: StorageClassModel[];
  defaultStorageClass?: string;
  gitops: LabSpec['gitops'];
  receivers: ReceiverSpec[];
  namespaces: NamespaceModel[];
  apps: AppModel[];
  /** Platform components and apps, in deployment order (layer, then id). */
  components: ComponentInstance[];
  /** Namespace of the monitoring stack, when metrics are on. */
  monitoringNamespace?: string;
  /** Every piece of persistent data and its backup tier. */
  backupSets: BackupSet[];
}
