/**
 * The pod network's bootstrap install, under `<root>/cni/`, when the cluster
 * runs Cilium or Calico (`cluster.cni`; Flannel comes with K3s and Talos):
 *
 *   <root>/cni/values.yaml      the Helm values (the module's `cniValues(lab)`)
 *   <root>/cni/install-cni.sh   helm repo add + helm upgrade --install --wait, then waits for Ready nodes
 *
 * Nothing runs on a node without a CNI: nodes stay NotReady, so the GitOps
 * engine cannot start either. The script therefore installs the CNI right after
 * the cluster is up (Talos: after `talhelper gencommand bootstrap` and
 * `kubeconfig`; K3s: after install-master.sh and kubeconfig-setup.sh), and the
 * GitOps layer takes the release over afterwards under the same release name
 * and namespace:
 * - Flux: helm-controller finds a release in Helm's storage that no
 *   HelmRelease manages yet ("Unmanaged") and upgrades it in place instead of
 *   installing (fluxcd/helm-controller internal/reconcile: state Unmanaged
 *   leads to an upgrade, with a test for it; fluxcd/helm-controller#1096).
 * - Argo CD: renders the chart with the same `helm.releaseName` and applies the
 *   objects over the existing ones (server-side apply); Helm's release record of
 *   the bootstrap install is left unused.
 * - Plain Helm: scripts/deploy-all.sh runs `helm upgrade --install` for the same
 *   release.
 *
 * The values are the GitOps values minus the documented GitOps-only keys
 * (CILIUM_GITOPS_ONLY: the ServiceMonitors, whose CRD GitOps installs later;
 * Calico has none).
 */
import type { LabModel } from '../../model/types.js';
import type { ChartRef } from '../../catalog/types.js';
import { LAYER_FOLDER, type Layer } from '../../catalog/types.js';
import { toYamlDocuments, type JsonValue } from '../../lib/yaml-emit.js';
import { GENERATED_HEADER, type RenderedFile } from '../files.js';
import { renovateHelmComment } from '../renovate.js';
import type { InfraRenderer } from './index.js';
import { CILIUM_CHART, CILIUM_RELEASE, CILIUM_GITOPS_ONLY, cniValues as ciliumValues } from '../../catalog/platform/cilium.js';
import {
  CALICO_CHART,
  CALICO_CRDS_CHART,
  CALICO_RELEASE,
  CALICO_CRDS_RELEASE,
  CALICO_NAMESPACE_LABELS,
  cniValues as calicoValues,
} from '../../catalog/platform/calico.js';

/** Attempts (5 s apart) when waiting for the API server and the first node: 5 minutes. */
export const WAIT_ATTEMPTS = 60;
/** `helm --wait` and `kubectl wait` timeout. */
export const WAIT_TIMEOUT = '15m';

interface Release {
  /** Catalog module (GitOps component id) that keeps this release. */
  module: string;
  layer: Layer;
  name: string;
  namespace: string;
  chart: ChartRef;
  /** Whether the release takes values.yaml. */
  values: boolean;
  what: string;
}

interface CniPlan {
  title: string;
  releases: Release[];
  values: Record<string, unknown>;
  /** Key paths only the GitOps release sets. */
  gitopsOnly: readonly (readonly string[])[];
  /** A namespace to create and label before Helm runs. */
  namespace?: { name: string; labels: Record<string, string> };
}

function plan(lab: LabModel): CniPlan | undefined {
  const cni = lab.cluster?.cni;
  if (cni === 'cilium') {
    return {
      title: 'Cilium',
      releases: [
        { module: 'cilium', layer: 'networking', name: CILIUM_RELEASE.name, namespace: CILIUM_RELEASE.namespace, chart: CILIUM_CHART, values: true, what: 'Cilium' },
      ],
      values: ciliumValues(lab),
      gitopsOnly: CILIUM_GITOPS_ONLY,
    };
  }
  if (cni === 'calico') {
    return {
      title: 'Calico',
      releases: [
        {
          module: 'calico-crds', layer: 'crds', name: CALICO_CRDS_RELEASE.name, namespace: CALICO_CRDS_RELEASE.namespace, chart: CALICO_CRDS_CHART,
          values: false, what: 'Calico CRDs',
        },
        { module: 'calico', layer: 'networking', name: CALICO_RELEASE.name, namespace: CALICO_RELEASE.namespace, chart: CALICO_CHART, values: true, what: 'Tigera operator' },
      ],
      values: calicoValues(lab),
      gitopsOnly: [],
      namespace: { name: CALICO_RELEASE.namespace, labels: { ...CALICO_NAMESPACE_LABELS } },
    };
  }
  return undefined;
}

/** Where the GitOps layer keeps a release, as rendered in this repository. */
function gitopsFile(lab: LabModel, r: Release): string {
  switch (lab.gitops.engine) {
    case 'flux':
      return `infrastructure/${r.layer}/${r.module}/helmrelease.yaml`;
    case 'argocd':
      return `argocd/apps/${r.module}.yaml`;
    default:
      return `${LAYER_FOLDER[r.layer]}/${r.module}/values-homelab.yaml`;
  }
}

function takeover(lab: LabModel, p: CniPlan): string[] {
  const files = p.releases.map((r) => `  ${r.namespace}/${r.name}: ${gitopsFile(lab, r)}`);
  switch (lab.gitops.engine) {
    case 'flux':
      return [
        'Flux takes over afterwards. Its HelmReleases use the same release names and namespaces:',
        ...files,
        "so helm-controller finds these releases in Helm's storage, not yet managed by any HelmRelease,",
        'and upgrades them in place instead of installing them again.',
      ];
    case 'argocd':
      return [
        'Argo CD takes over afterwards. Its Applications render the same charts with the same release names:',
        ...files,
        "and apply them over these objects. Argo CD does not use Helm's release record, which stays behind",
        'unused: from then on, change the values in Git, not by running this script.',
      ];
    default:
      return ['scripts/deploy-all.sh upgrades the same releases afterwards:', ...files];
  }
}

function comment(lines: readonly string[]): string {
  return lines.map((l) => (l === '' ? '#' : `# ${l.replace(/[\r\n]+/g, ' ')}`)).join('\n') + '\n';
}

/** A word for bash: as is when obviously safe, else single-quoted. */
function shq(s: string): string {
  return /^[A-Za-z0-9_./:=@+-]+$/.test(s) ? s : sq(s);
}

/** Always single-quoted (assignments: a bare `CLUSTER=test` reads like a command to shellcheck). */
function sq(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

function valuesFile(dir: string, p: CniPlan): RenderedFile {
  const r = p.releases.find((x) => x.values)!;
  const lines = [
    `Helm values of release ${r.namespace}/${r.name} (chart ${r.chart.chart}, version pinned in install-cni.sh), installed by install-cni.sh.`,
    ...(p.gitopsOnly.length
      ? [
          `The GitOps release has these values plus ${p.gitopsOnly.map((k) => k.join('.')).join(' and ')}`,
          '(when Prometheus runs): ServiceMonitors need a CRD that GitOps installs later.',
        ]
      : ['The GitOps release has exactly these values.']),
    `Both come from the ${r.module} module: change the lab spec, not this file.`,
  ];
  return { path: `${dir}/values.yaml`, contents: GENERATED_HEADER + comment(lines) + toYamlDocuments([p.values as JsonValue]) };
}

function script(lab: LabModel, p: CniPlan): string {
  const cluster = lab.cluster!;
  const talos = cluster.distribution === 'talos';
  const first = cluster.controlPlane[0];
  const context = talos ? `admin@${cluster.name}` : cluster.name;
  const repos = [...new Map(p.releases.map((r) => [r.chart.repoName, r.chart.repo])).entries()];

  const header = [
    `Install ${p.title}, the pod network of cluster ${cluster.name}, with Helm from this workstation.`,
    'No pod starts before a CNI runs (nodes stay NotReady), not even the GitOps engine, so run this',
    talos
      ? 'right after `talhelper gencommand bootstrap | bash` and `talhelper gencommand kubeconfig | bash` (in ../talos).'
      : 'right after ../k3s/install-master.sh and ../k3s/kubeconfig-setup.sh (the first server is enough).',
    '',
    `Kubernetes context: $KUBE_CONTEXT, else "${context}" (${talos ? 'the name talosctl kubeconfig gives it' : 'the name kubeconfig-setup.sh gives it'})`,
    'when the kubeconfig has it, else the current one. The script waits for the API server and for',
    `node ${first.name} (a check that the context is this cluster), then runs:`,
    ...repos.map(([name, url]) => `  helm repo add --force-update ${name} ${url}`),
    ...(p.namespace ? [`  kubectl create namespace ${p.namespace.name}; kubectl label namespace ${p.namespace.name} ${Object.entries(p.namespace.labels).map(([k, v]) => `${k}=${v}`).join(' ')}`] : []),
    ...p.releases.map(
      (r) => `  helm upgrade --install ${r.name} ${r.chart.repoName}/${r.chart.chart} --version <pinned below> --namespace ${r.namespace}${r.values ? ' --values values.yaml' : ''} --wait`,
    ),
    'and waits until every node is Ready. Safe to re-run: the same chart and values change nothing.',
    '',
    ...takeover(lab, p),
  ];
  if (p.namespace) {
    header.push(
      '',
      `The ${p.namespace.name} namespace is labelled for Pod Security "privileged" (the operator runs on the host network;`,
      'Talos enforces "baseline" by default). GitOps applies the Namespace without that label and leaves it in place.',
    );
  }

  const body: string[] = [
    '#!/usr/bin/env bash',
    GENERATED_HEADER + comment(header).trimEnd(),
    'set -euo pipefail',
    '',
    'HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)',
    `CLUSTER=${sq(cluster.name)}`,
    `FIRST_NODE=${sq(first.name)}`,
    `PREFERRED_CONTEXT=${sq(context)}`,
    'KUBE_CONTEXT=${KUBE_CONTEXT:-}',
    `ATTEMPTS=\${CNI_WAIT_ATTEMPTS:-${WAIT_ATTEMPTS}}`,
    '',
  ];
  if (!talos) {
    body.push(
      '# kubeconfig-setup.sh writes this cluster\'s kubeconfig here.',
      'if [ -z "${KUBECONFIG:-}" ] && [ -f "$HOME/.kube/$CLUSTER.yaml" ]; then',
      '  export KUBECONFIG="$HOME/.kube/$CLUSTER.yaml"',
      'fi',
      '',
    );
  }
  body.push(
    'for tool in kubectl helm; do',
    '  command -v "$tool" >/dev/null 2>&1 || { echo "install-cni.sh: $tool is not installed" >&2; exit 1; }',
    'done',
    '',
    'if [ -z "$KUBE_CONTEXT" ] && kubectl config get-contexts -o name 2>/dev/null | grep -qxF "$PREFERRED_CONTEXT"; then',
    '  KUBE_CONTEXT=$PREFERRED_CONTEXT',
    'fi',
    '',
    '# kubectl and helm against the chosen context.',
    'k() { if [ -n "$KUBE_CONTEXT" ]; then kubectl --context "$KUBE_CONTEXT" "$@"; else kubectl "$@"; fi; }',
    'h() { if [ -n "$KUBE_CONTEXT" ]; then helm --kube-context "$KUBE_CONTEXT" "$@"; else helm "$@"; fi; }',
    '',
    '# Run a command until it succeeds: $ATTEMPTS tries, 5 seconds apart.',
    'wait_for() {',
    '  local what=$1 tries=1',
    '  shift',
    '  until "$@" >/dev/null 2>&1; do',
    '    if [ "$tries" -ge "$ATTEMPTS" ]; then',
    '      echo "install-cni.sh: gave up waiting for $what" >&2',
    '      return 1',
    '    fi',
    '    tries=$((tries + 1))',
    '    sleep 5',
    '  done',
    '}',
    '',
    'echo "==> Cluster $CLUSTER, context ${KUBE_CONTEXT:-$(kubectl config current-context 2>/dev/null || echo none)}"',
    'echo "==> Waiting for the Kubernetes API server"',
    'wait_for "the Kubernetes API server" k get --raw=/readyz',
    'echo "==> Waiting for node $FIRST_NODE to register"',
    'if ! wait_for "node $FIRST_NODE" k get node "$FIRST_NODE"; then',
    '  echo "install-cni.sh: node $FIRST_NODE is not in this cluster: is the context the one of cluster $CLUSTER? (set KUBE_CONTEXT)" >&2',
    '  exit 1',
    'fi',
    '',
  );
  for (const [name, url] of repos) {
    body.push(`echo "==> helm repo add ${name} ${url}"`, `helm repo add --force-update ${shq(name)} ${shq(url)}`, '');
  }
  if (p.namespace) {
    const ns = p.namespace.name;
    const labels = Object.entries(p.namespace.labels).map(([k, v]) => shq(`${k}=${v}`));
    body.push(
      `echo "==> Namespace ${ns} (${Object.entries(p.namespace.labels).map(([k, v]) => `${k}=${v}`).join(', ')})"`,
      `k get namespace ${shq(ns)} >/dev/null 2>&1 || k create namespace ${shq(ns)}`,
      `k label namespace ${shq(ns)} ${labels.join(' ')} --overwrite`,
      '',
    );
  }
  for (const r of p.releases) {
    body.push(
      `echo "==> ${r.what}: helm upgrade --install ${r.name} ${r.chart.repoName}/${r.chart.chart} --namespace ${r.namespace}"`,
      renovateHelmComment(r.chart),
      [
        `h upgrade --install ${shq(r.name)} ${shq(`${r.chart.repoName}/${r.chart.chart}`)}`,
        `  --version ${shq(r.chart.version)}`,
        `  --namespace ${shq(r.namespace)}`,
        ...(r.values ? ['  --values "$HERE/values.yaml"'] : []),
        `  --wait --timeout ${WAIT_TIMEOUT}`,
      ].join(' \\\n'),
      '',
    );
  }
  body.push(
    'echo "==> Waiting for the nodes to become Ready"',
    `k wait --for=condition=Ready nodes --all --timeout=${WAIT_TIMEOUT}`,
    'k get nodes -o wide',
    `echo "${p.title} is running. Next: ${[...(talos ? [] : ['../k3s/install-worker.sh (agents get the CNI from its DaemonSet)']), lab.gitops.engine === 'none' ? 'scripts/deploy-all.sh' : 'bootstrap the GitOps engine'].join(', then ')}."`,
  );
  return body.join('\n') + '\n';
}

export const renderCni: InfraRenderer = (lab: LabModel, root: string): RenderedFile[] => {
  const p = lab.cluster && lab.cluster.controlPlane.length > 0 ? plan(lab) : undefined;
  if (!p) return [];
  const dir = `${root}/cni`;
  return [
    { path: `${dir}/install-cni.sh`, contents: script(lab, p), executable: true },
    valuesFile(dir, p),
  ];
};
