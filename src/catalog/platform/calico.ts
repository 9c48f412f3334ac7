/**
 * Calico as the cluster's pod network (`cluster.cni: calico`; seed 000: K3s
 * with "Calico CNI + MetalLB BGP peering"), installed through the Tigera
 * operator's Helm chart.
 *
 * Two releases, in namespace `tigera-operator`, as Calico's Helm guide has
 * them since v3.32 (projectcalico/calico#11727 moved the CRDs out of the
 * operator chart; #12860/#12864: installing the operator chart alone fails
 * with `no matches for kind "Installation"`):
 *   - `calico-crds`: chart `crd.projectcalico.org.v1`, the CRDs (crds layer);
 *   - `calico`: chart `tigera-operator`, the operator plus the Installation
 *     custom resource built from `installation.*` values (networking layer).
 *
 * Like Cilium, both are installed first by `<infra>/cni/install-cni.sh`
 * (src/render/infra/cni.ts) and then kept by the GitOps layer under the same
 * release names. Calico's values are identical in both installs: the chart has
 * no ServiceMonitors, so nothing depends on CRDs that arrive later.
 *
 * Keys: the tigera-operator chart's values.yaml (v3.32.2) and the operator's
 * Installation API; evidence in docs/catalog/calico.md.
 */
import { defineModule, type ChartRef } from '../types.js';
import type { LabModel } from '../../model/types.js';
import { podCidrOf } from './cilium.js';

const HELM_REPO = 'https://docs.tigera.io/calico/charts';

/**
 * Calico v3.33.1: GitHub release projectcalico/calico v3.33.1 ("Latest", 16 Nov),
 * whose assets are tigera-operator-v3.33.1.tgz and crd.projectcalico.org.v1-v3.33.1.tgz;
 * the same charts are served by the Helm repository (v3.33.0 fetched from it with Helm
 * by devantler-tech/ksail's test fixture). Chart versions carry the `v`.
 */
export const CALICO_VERSION = 'v3.33.1';

export const CALICO_CHART: ChartRef = {
  repo: HELM_REPO,
  repoName: 'projectcalico',
  chart: 'tigera-operator',
  version: CALICO_VERSION,
  evidence: 'docs/catalog/calico.md',
};

/** The CRD chart released with the operator chart (same version: they must match). */
export const CALICO_CRDS_CHART: ChartRef = {
  repo: HELM_REPO,
  repoName: 'projectcalico',
  chart: 'crd.projectcalico.org.v1',
  version: CALICO_VERSION,
  evidence: 'docs/catalog/calico.md',
};

export const CALICO_NAMESPACE = 'tigera-operator';
/** Release names shared by the bootstrap install and the GitOps one (Calico's Helm guide uses these). */
export const CALICO_RELEASE = { name: 'calico', namespace: CALICO_NAMESPACE } as const;
export const CALICO_CRDS_RELEASE = { name: 'calico-crds', namespace: CALICO_NAMESPACE } as const;

/**
 * Pod Security label the operator's namespace needs: the operator runs on the
 * host network, which the `baseline` level Talos enforces by default forbids
 * (Calico's own tigera-operator.yaml manifest carries the same label).
 */
export const CALICO_NAMESPACE_LABELS = { 'pod-security.kubernetes.io/enforce': 'privileged' } as const;

/** Calico's values are the same in both installs: nothing is GitOps-only. */
export const CALICO_GITOPS_ONLY: readonly (readonly string[])[] = [];

/**
 * The tigera-operator chart values of both installs (bootstrap script and
 * GitOps). The bootstrap renderer writes exactly this to `<infra>/cni/values.yaml`.
 */
export function cniValues(lab: LabModel): Record<string, unknown> {
  const cluster = lab.cluster;
  const k3s = cluster?.distribution !== 'talos';
  const nodes = cluster?.nodes.length ?? 1;
  const calicoNetwork: Record<string, unknown> = {
    // No BGP from Calico: pod routes are programmed by Felix for VXLAN pools, and MetalLB's
    // speakers already peer with the routers on TCP 179 (seed 000), where Calico's BIRD would too.
    bgp: 'Disabled',
    // Both distributions run kube-proxy in its default iptables mode here; Calico's nftables data
    // plane requires kube-proxy in nftables mode.
    linuxDataplane: 'Iptables',
  };
  // K3s: containers must be allowed to forward IP (K3s' "Custom CNI" notes for Calico).
  if (k3s) calicoNetwork.containerIPForwarding = 'Enabled';
  calicoNetwork.ipPools = [
    {
      name: 'default-ipv4-ippool',
      cidr: podCidrOf(lab),
      blockSize: 26,
      // VXLAN only between subnets: nodes on the same LAN route pod traffic directly.
      encapsulation: 'VXLANCrossSubnet',
      natOutgoing: 'Enabled',
      nodeSelector: 'all()',
    },
  ];
  return {
    installation: {
      enabled: true,
      // No kubernetesProvider: K3s and Talos are not among its values (EKS, GKE, AKS, RKE2,
      // OpenShift, DockerEnterprise, TKG, Kind); empty lets the operator detect.
      calicoNetwork,
      // No Calico CSI driver (Talos' guide; also the chart's default since v3.32).
      kubeletVolumePluginPath: 'None',
      // Typha and calico-kube-controllers: one replica on a one-node cluster.
      controlPlaneReplicas: nodes > 1 ? 2 : 1,
    },
    // The aggregated projectcalico.org/v3 API server, the Goldmane flow aggregator and the Whisker
    // UI are optional extras; Kubernetes NetworkPolicies (what hearth renders) need none of them.
    apiServer: { enabled: false },
    goldmane: { enabled: false },
    whisker: { enabled: false },
  };
}

/** The Calico CRDs (crd.projectcalico.org/v1 and operator.tigera.io/v1), installed before the operator chart. */
export const calicoCrds = defineModule({
  name: 'calico-crds',
  kind: 'platform',
  summary: 'Calico CRDs (crd.projectcalico.org, operator.tigera.io), installed before the Tigera operator',
  layer: 'crds',
  dir: 'calico-crds',
  namespace: CALICO_NAMESPACE,
  chart: CALICO_CRDS_CHART,
  instances: (lab) => (lab.cluster?.cni === 'calico' ? [{}] : []),
  render: () => ({ values: {}, manifests: [] }),
});

export default defineModule({
  name: 'calico',
  kind: 'platform',
  summary: 'Calico pod network through the Tigera operator (VXLAN cross-subnet, no BGP), installed at bootstrap and kept by GitOps',
  layer: 'networking',
  dir: 'calico',
  namespace: CALICO_NAMESPACE,
  chart: CALICO_CHART,
  instances: (lab) => (lab.cluster?.cni === 'calico' ? [{ dependsOn: ['calico-crds'] }] : []),
  render: ({ lab }) => ({ values: cniValues(lab), manifests: [] }),
});
