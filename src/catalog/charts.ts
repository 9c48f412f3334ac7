/**
 * Every chart pin in one place, each checked against the chart's published
 * releases. The evidence for each version is in docs/research/*.md; Renovate
 * keeps them current in the lab repository (see renovate.json in the output).
 */
import type { ChartRef } from './types.js';

const research = 'docs/research/platform-charts.md';

export const CHARTS = {
  traefik: { repo: 'https://traefik.github.io/charts', repoName: 'traefik', chart: 'traefik', version: '41.6.0', evidence: research },
  ingressNginx: { repo: 'https://kubernetes.github.io/ingress-nginx', repoName: 'ingress-nginx', chart: 'ingress-nginx', version: '4.15.1', evidence: research },
  certManager: { repo: 'https://charts.jetstack.io', repoName: 'jetstack', chart: 'cert-manager', version: 'v1.21.2', evidence: research },
  metallb: { repo: 'https://metallb.github.io/metallb', repoName: 'metallb', chart: 'metallb', version: '0.16.1', evidence: research },
  nfsProvisioner: {
    repo: 'https://kubernetes-sigs.github.io/nfs-subdir-external-provisioner/',
    repoName: 'nfs-subdir-external-provisioner',
    chart: 'nfs-subdir-external-provisioner',
    version: '4.0.18',
    evidence: research,
  },
  longhorn: { repo: 'https://charts.longhorn.io', repoName: 'longhorn', chart: 'longhorn', version: '1.12.1', evidence: research },
  localPath: { repo: 'https://charts.containeroo.ch', repoName: 'containeroo', chart: 'local-path-provisioner', version: '0.0.37', evidence: research },
  prometheusOperatorCrds: {
    repo: 'https://prometheus-community.github.io/helm-charts',
    repoName: 'prometheus-community',
    chart: 'prometheus-operator-crds',
    version: '31.0.0',
    evidence: research,
  },
  kubePrometheusStack: {
    repo: 'https://prometheus-community.github.io/helm-charts',
    repoName: 'prometheus-community',
    chart: 'kube-prometheus-stack',
    version: '88.1.5',
    evidence: research,
  },
  loki: { repo: 'https://grafana-community.github.io/helm-charts', repoName: 'grafana-community', chart: 'loki', version: '18.13.7', evidence: research },
  alloy: { repo: 'https://grafana.github.io/helm-charts', repoName: 'grafana', chart: 'alloy', version: '1.12.1', evidence: research },
} satisfies Record<string, ChartRef>;
