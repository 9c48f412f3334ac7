/**
 * Cilium as the cluster's pod network (`cluster.cni: cilium`): seed 004's
 * Talos cluster with Cilium replacing kube-proxy, or K3s with Cilium next to
 * K3s' own kube-proxy.
 *
 * A CNI has to run before anything else can: the GitOps engine's own pods
 * need a network. So Cilium is installed twice from the same values: first
 * by `<infra>/cni/install-cni.sh` (src/render/infra/cni.ts), right after the
 * cluster's first control plane is up, then kept by the GitOps layer, whose
 * HelmRelease / Application uses the same release name (`cilium`) and
 * namespace (`kube-system`) and so takes the bootstrap release over.
 *
 * `cniValues(lab)` are the values both installs share. The GitOps install adds
 * exactly the keys listed in `CILIUM_GITOPS_ONLY` (ServiceMonitors, when the
 * lab runs kube-prometheus-stack): at bootstrap time the ServiceMonitor CRD
 * does not exist yet (prometheus-operator-crds is installed by GitOps, in the
 * `crds` layer, before this `networking` layer), and the chart refuses to
 * render a ServiceMonitor without it.
 *
 * Keys (cilium/cilium install/kubernetes/cilium/values.yaml; the Talos keys
 * from Talos' "Deploying Cilium CNI" guide); evidence in docs/catalog/cilium.md.
 */
import { defineModule, type ChartRef } from '../types.js';
import type { LabModel } from '../../model/types.js';
import { metricsOn } from './_shared.js';

/**
 * Cilium 1.20.2 from https://helm.cilium.io/: Renovate PR
 * shaman007/home-k3s#777 "Update Helm release cilium to v1.20.2" (merged, with
 * the v1.20.2 release notes and image digests), and a pinned download of
 * https://helm.cilium.io/cilium-1.20.2.tgz with its sha256. See
 * docs/catalog/cilium.md.
 */
export const CILIUM_CHART: ChartRef = {
  repo: 'https://helm.cilium.io/',
  repoName: 'cilium',
  chart: 'cilium',
  version: '1.20.2',
  evidence: 'docs/catalog/cilium.md',
};

/** Release name and namespace shared by the bootstrap install and the GitOps one. */
export const CILIUM_RELEASE = { name: 'cilium', namespace: 'kube-system' } as const;

/** Pod CIDRs the distributions use when cluster.podCidr is not set. */
export const DEFAULT_POD_CIDR = {
  /** K3s `--cluster-cidr` default (docs.k3s.io, cli/server). */
  k3s: '10.42.0.0/16',
  /** Talos' DefaultIPv4PodNet (also TALOS_POD_CIDR in src/render/infra/talos.ts). */
  talos: '10.244.0.0/16',
} as const;

/** KubePrism: Talos' API server load balancer on every node (enabled by default on port 7445). */
export const KUBEPRISM = { host: 'localhost', port: 7445 } as const;

/**
 * Capabilities for Talos, from Talos' Cilium guide: the chart's defaults
 * without SYS_MODULE, which Talos never grants (not even to privileged pods).
 */
export const TALOS_CAPABILITIES = {
  ciliumAgent: ['CHOWN', 'KILL', 'NET_ADMIN', 'NET_RAW', 'IPC_LOCK', 'SYS_ADMIN', 'SYS_RESOURCE', 'DAC_OVERRIDE', 'FOWNER', 'SETGID', 'SETUID'],
  cleanCiliumState: ['NET_ADMIN', 'SYS_ADMIN', 'SYS_RESOURCE'],
} as const;

/**
 * Paths of the values only the GitOps install sets (the ServiceMonitors), as
 * key paths into the values. Everything else is identical in both installs.
 */
export const CILIUM_GITOPS_ONLY: readonly (readonly string[])[] = [
  ['prometheus', 'serviceMonitor'],
  ['operator', 'prometheus', 'serviceMonitor'],
];

/** The pod CIDR of the lab's cluster: cluster.podCidr, else the distribution's default. */
export function podCidrOf(lab: LabModel): string {
  const distribution = lab.cluster?.distribution ?? 'k3s';
  return lab.spec.cluster?.podCidr ?? DEFAULT_POD_CIDR[distribution];
}

/**
 * The Helm values of both installs (bootstrap script and GitOps), without the
 * GitOps-only ServiceMonitors. The bootstrap renderer writes exactly this to
 * `<infra>/cni/values.yaml`.
 */
export function cniValues(lab: LabModel): Record<string, unknown> {
  const cluster = lab.cluster;
  const talos = cluster?.distribution === 'talos';
  const nodes = cluster?.nodes.length ?? 1;
  const values: Record<string, unknown> = {};
  if (talos) {
    // Talos deploys no kube-proxy for Cilium (src/render/infra/talos.ts): Cilium replaces it and reaches
    // the API server through KubePrism, since there is no kube-proxy to route the kubernetes Service.
    values.kubeProxyReplacement = true;
    values.k8sServiceHost = KUBEPRISM.host;
    values.k8sServicePort = KUBEPRISM.port;
    // Pod CIDRs come from Kubernetes (Talos' clusterPodNets, allocated per node by the controller manager).
    values.ipam = { mode: 'kubernetes' };
    values.securityContext = {
      capabilities: { ciliumAgent: [...TALOS_CAPABILITIES.ciliumAgent], cleanCiliumState: [...TALOS_CAPABILITIES.cleanCiliumState] },
    };
    // Talos mounts cgroup v2 at /sys/fs/cgroup itself; Cilium must not mount its own.
    values.cgroup = { autoMount: { enabled: false }, hostRoot: '/sys/fs/cgroup' };
  } else {
    // K3s keeps its kube-proxy (the K3s renderer only sets flannel-backend: none and
    // disable-network-policy), so Cilium does not replace it and reaches the API through the
    // kubernetes Service like any pod.
    values.kubeProxyReplacement = false;
    // Cilium's own IPAM hands out the cluster's pod CIDR, as K3s would have with Flannel.
    values.ipam = { mode: 'cluster-pool', operator: { clusterPoolIPv4PodCIDRList: [podCidrOf(lab)] } };
  }
  // The operator's pods refuse to share a node (required anti-affinity): a second replica on a
  // one-node cluster would stay Pending forever.
  values.operator = { replicas: nodes > 1 ? 2 : 1, rollOutPods: true };
  // Restart the agents when their ConfigMap changes, so a values change made in Git takes effect.
  values.rollOutCiliumPods = true;
  values.hubble = {
    // Flows stay observable on each node (`cilium hubble observe` in an agent pod); the relay and
    // the UI are extra Deployments a homelab seldom needs.
    enabled: true,
    relay: { enabled: false },
    ui: { enabled: false },
    // Certificates from a Job and a CronJob instead of Helm: Helm-generated certificates differ on
    // every render (perpetual drift under Argo CD, cilium/cilium#14550) and expire unless the chart
    // is upgraded. The Job runs on the host network, so it works before the pod network does.
    tls: { auto: { enabled: true, method: 'cronJob' } },
  };
  // The certificate Job must also find a node while the only ones are tainted control planes.
  values.certgen = { tolerations: [{ key: 'node-role.kubernetes.io/control-plane', operator: 'Exists', effect: 'NoSchedule' }] };
  // The agents' metrics endpoint needs no CRD; it is on whenever Prometheus runs.
  values.prometheus = { enabled: metricsOn(lab) };
  return values;
}

/** What the GitOps install adds to `cniValues`: the keys in CILIUM_GITOPS_ONLY, when Prometheus runs. */
export function gitopsOnlyValues(lab: LabModel): Record<string, unknown> {
  if (!metricsOn(lab)) return {};
  return {
    prometheus: { serviceMonitor: { enabled: true } },
    operator: { prometheus: { serviceMonitor: { enabled: true } } },
  };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Deep merge of plain value trees (b wins; arrays are replaced, not merged). */
export function mergeValues(a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...a };
  for (const [k, v] of Object.entries(b)) out[k] = isRecord(out[k]) && isRecord(v) ? mergeValues(out[k] as Record<string, unknown>, v) : v;
  return out;
}

export default defineModule({
  name: 'cilium',
  kind: 'platform',
  summary: 'Cilium pod network (eBPF; replaces kube-proxy on Talos), installed at bootstrap and kept by GitOps',
  layer: 'networking',
  dir: 'cilium',
  namespace: CILIUM_RELEASE.namespace,
  chart: CILIUM_CHART,
  // With metrics on, the release also waits for the ServiceMonitor CRD's release (the crds layer
  // orders it already); the dependency is dropped when the lab has no prometheus-operator-crds.
  instances: (lab) => (lab.cluster?.cni === 'cilium' ? [{ dependsOn: ['prometheus-operator-crds'] }] : []),
  render: ({ lab }) => ({ values: mergeValues(cniValues(lab), gitopsOnlyValues(lab)), manifests: [] }),
});
