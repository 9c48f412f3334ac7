/**
 * The review stage: rules read one shape of facts (`Facts`), whether they
 * come from a hearth spec (the model plus everything it renders) or from an
 * existing repository of Kubernetes YAML. What the input does not say (how
 * many nodes, which hosts) stays undefined, and the facts carry the
 * assumptions the review made about it.
 */
import type { SpecPath } from '../spec/issues.js';
import type { VolumeContent } from '../catalog/types.js';

export type Risk = 'high' | 'medium' | 'low' | 'info';
export const RISKS: readonly Risk[] = ['high', 'medium', 'low', 'info'];

export type Category =
  | 'failure-domains'
  | 'storage'
  | 'backups'
  | 'secrets'
  | 'exposure'
  | 'reliability'
  | 'capacity'
  | 'observability'
  | 'network'
  | 'supply-chain'
  | 'conventions'
  | 'input';

/** Where a fact or finding lives: a spec path (spec input) or a file and line (repository input). */
export interface Where {
  specPath?: SpecPath;
  file?: string;
  line?: number;
}

export interface HostFact {
  name: string;
  role?: string;
  platform?: string;
  cpu?: number;
  memoryBytes?: number;
  ip?: string;
  storageTiers: { name: string; path: string; redundancy?: string }[];
  gpu: boolean;
  where: Where;
}

export interface NodeFact {
  name: string;
  host?: string;
  ip?: string;
  kind?: 'vm' | 'lxc' | 'bare-metal';
  controlPlane: boolean;
  /** In the cluster (control plane or worker); false for machines beside it. */
  inCluster: boolean;
  cpu?: number;
  memoryBytes?: number;
  gpu: boolean;
  labels: Record<string, string>;
  taints: string[];
  where: Where;
}

export interface ClusterFact {
  distribution?: string;
  datastore?: { type: string; endpoint?: string };
  apiExposure?: 'lan' | 'vpn' | 'public';
  cni?: string;
  vip?: string;
  etcdSnapshots?: { schedule: string; retention: number; dir?: string };
  where: Where;
}

export interface StorageClassFact {
  name: string;
  /** nfs: one server; local: node-local disks; replicated: Longhorn, Ceph...; unknown otherwise. */
  kind: 'nfs' | 'local' | 'replicated' | 'unknown';
  provisioner?: string;
  server?: string;
  replicas?: number;
  isDefault: boolean;
  where: Where;
}

export interface Amounts {
  cpu?: string;
  memory?: string;
}

export interface ContainerFact {
  name: string;
  image?: string;
  requests: Amounts;
  limits: Amounts;
  privileged: boolean;
  probes: boolean;
  /** Environment variables: names, and whether each carries a literal value (never the value itself). */
  env: { name: string; literal: boolean }[];
}

export interface WorkloadFact {
  kind: string;
  name: string;
  namespace: string;
  /** The app it belongs to (hearth app, or app.kubernetes.io/instance / name). */
  app?: string;
  replicas: number;
  containers: ContainerFact[];
  /** PVC names mounted. */
  claims: string[];
  podLabels: Record<string, string>;
  labels: Record<string, string>;
  nodeSelector: Record<string, string>;
  gpu: boolean;
  hostNetwork: boolean;
  /** Pod anti-affinity or topology spread constraints spread the replicas. */
  spread: boolean;
  /** Stands for a chart's workloads whose objects the review cannot see (HelmRelease, Application). */
  fromChart: boolean;
  where: Where;
}

export interface PvcFact {
  name: string;
  namespace: string;
  storageClass?: string;
  size?: string;
  content?: VolumeContent;
  app?: string;
  where: Where;
}

export interface PdbFact {
  name: string;
  namespace: string;
  selector: Record<string, string>;
  minAvailable?: number | string;
  maxUnavailable?: number | string;
  where: Where;
}

export interface IngressFact {
  name: string;
  namespace: string;
  hosts: string[];
  tls: boolean;
  issuer?: string;
  /** Authentication in front (forward-auth, oauth2-proxy, basic auth annotations). */
  auth: boolean;
  /** Reachable from the internet (through a tunnel or a public address); unknown for plain repositories. */
  exposure: 'lan' | 'public' | 'unknown';
  app?: string;
  where: Where;
}

export interface ServiceFact {
  name: string;
  namespace: string;
  type: 'ClusterIP' | 'NodePort' | 'LoadBalancer' | 'ExternalName' | string;
  ports: number[];
  app?: string;
  where: Where;
}

export interface IssuerFact {
  name: string;
  kind: 'ClusterIssuer' | 'Issuer';
  namespace?: string;
  where: Where;
}

export interface SecretFact {
  name: string;
  namespace?: string;
  kind: 'plain' | 'sealed' | 'external' | 'sops';
  /** Keys holding values (plain Secrets). */
  keys: string[];
  /** Every value is a reference or placeholder (op://, vault:, ${VAR}, <path:...>): nothing secret is in the file. */
  referencesOnly?: boolean;
  where: Where;
}

export interface NamespaceFact {
  name: string;
  networkPolicies: number;
  defaultDeny: boolean;
  /** kube-system and friends: not the lab's. */
  system: boolean;
  where: Where;
}

export interface ChartFact {
  name: string;
  namespace?: string;
  chart: string;
  version?: string;
  repo?: string;
  where: Where;
}

export interface BackupFact {
  /** velero, k3s-etcd, longhorn, cronjob, spec. */
  kind: string;
  name: string;
  schedule?: string;
  /** Namespaces covered ('*' for all). */
  namespaces: string[];
  /** Specific claims covered (VolSync sourcePVC), when the backup names them. */
  claims?: string[];
  /** Where the copies go (bucket URL, NFS path), when known. */
  target?: string;
  offsite?: boolean;
  where: Where;
}

export interface AppFact {
  name: string;
  module?: string;
  namespace: string;
  dependsOn: string[];
  expose?: string;
  /** The app has its own login (undefined: not known). */
  login?: boolean;
  /** Modules it needs, resolved to the apps that serve them (postgresql → pg). */
  links: Record<string, string>;
  where: Where;
}

export interface Facts {
  source: 'spec' | 'repo';
  name: string;
  hosts: HostFact[];
  nodes: NodeFact[];
  cluster?: ClusterFact;
  storageClasses: StorageClassFact[];
  workloads: WorkloadFact[];
  pvcs: PvcFact[];
  pdbs: PdbFact[];
  ingresses: IngressFact[];
  services: ServiceFact[];
  issuers: IssuerFact[];
  secrets: SecretFact[];
  namespaces: NamespaceFact[];
  charts: ChartFact[];
  backups: BackupFact[];
  apps: AppFact[];
  observability: { metrics: boolean; alertReceivers: number | undefined; logs: boolean; serviceMonitors: Set<string> };
  remoteAccess?: { type: string; where: Where };
  /** A GitOps engine deploys the lab. */
  gitops?: { engine: string; where: Where };
  /** Decision records beside the spec (decisions/), with what lint found and the decisions the spec no longer follows. */
  decisions?: {
    records: { id: string; title: string; status: string; file: string }[];
    findings: { rule: string; risk: Risk; record: string; message: string; fix: string; file: string }[];
    violations: { record: string; title: string; path: string; decided: string; actual?: string; file: string; specPath?: (string | number)[] }[];
  };
  /** The lab's secrets mechanism (spec input): none, sealed-secrets, sops, external-secrets or vault. */
  secretsMechanism?: string;
  /** Renovate (or another updater) keeps pins current. */
  updateAutomation: boolean;
  /** What the review assumed where the input does not say. */
  assumptions: string[];
  /** Files skipped or unreadable, for the report (invalid YAML is a finding of the input rule). */
  notes: { where: Where; message: string; kind: 'skipped' | 'invalid' }[];
}

export interface Finding {
  rule: string;
  risk: Risk;
  category: Category;
  /** One sentence: what is wrong. */
  message: string;
  /** Where: the first is the primary location. */
  where: Where[];
  /** Resources or apps involved. */
  subjects: string[];
  /** Why it matters. */
  why: string;
  /** How to fix it. */
  fix: string;
}

export interface RuleContext {
  facts: Facts;
  /** Report a finding; risk defaults to the rule's. */
  report(f: { message: string; where?: Where | Where[]; subjects?: string[]; risk?: Risk; fix?: string }): void;
}

export interface Rule {
  id: string;
  category: Category;
  /** Default risk. */
  risk: Risk;
  /** One line: what the rule finds. */
  title: string;
  why: string;
  fix: string;
  /** Applies to: spec input, repository input, or both. */
  inputs?: readonly ('spec' | 'repo')[];
  check(ctx: RuleContext): void;
  /** A strength to state when the rule finds nothing and applies (the report's Strengths section). */
  strength?: (facts: Facts) => string | undefined;
}

export function defineRule(r: Rule): Rule {
  return r;
}
