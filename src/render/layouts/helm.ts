/**
 * Plain Helm layout (gitops engine `none`), exactly as seed 001 lays it out:
 *
 *   infrastructure/<dir>/values-homelab.yaml + raw manifests
 *   applications/<app>/...     monitoring/<dir>/...
 *   scripts/deploy-all.sh      helm upgrade --install in deployment order
 *   scripts/health-check.sh    nodes, workloads, PVCs, certificates, releases
 *   docs/components.md         what is deployed where, with chart versions
 */
import { LAYER_FOLDER } from '../../catalog/types.js';
import type { LabModel } from '../../model/types.js';
import type { RenderedComponent } from '../components.js';
import { namespaceObjects } from '../objects.js';
import { manifestFiles, yamlFile, GENERATED_HEADER, type RenderedFile } from '../files.js';
import { helmRepositories } from './shared.js';
import { renovateHelmComment } from '../renovate.js';

/** `kubectl apply`, or `sops --decrypt | kubectl apply` for SOPS-encrypted files. */
function applyStep(path: string, manifests: RenderedComponent['manifests'], file: string): string {
  const sops = manifests.some((m) => `${m.file}.yaml` === file && 'sops' in m.object);
  return sops ? `sops --decrypt ${path} | kubectl apply -f -` : `kubectl apply -f ${path}`;
}

function componentDir(rc: RenderedComponent): string {
  const c = rc.instance;
  return `${LAYER_FOLDER[c.layer]}/${c.kind === 'app' ? c.id : c.module.dir}`;
}

/** Quote for bash when a word is not obviously safe. */
function sh(s: string): string {
  return /^[A-Za-z0-9_./:=@+-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

export function renderHelm(lab: LabModel, components: RenderedComponent[]): RenderedFile[] {
  const files: RenderedFile[] = [];
  const nsFiles = manifestFiles('infrastructure/namespaces', namespaceObjects(lab), files);
  const steps: string[] = [];
  steps.push(`step "namespaces"`);
  for (const f of nsFiles) steps.push(`kubectl apply -f infrastructure/namespaces/${f}`);

  for (const rc of components) {
    const c = rc.instance;
    const dir = componentDir(rc);
    const pre = manifestFiles(dir, rc.manifests, files);
    const post = manifestFiles(dir, rc.config, files);
    steps.push('');
    steps.push(`step ${sh(`${c.id} (${c.layer})`)}`);
    for (const f of pre) steps.push(applyStep(`${dir}/${f}`, rc.manifests, f));
    if (rc.values && c.chart) {
      files.push(yamlFile(`${dir}/values-homelab.yaml`, [rc.values]));
      steps.push(renovateHelmComment(c.chart));
      steps.push(
        [
          `helm upgrade --install ${sh(c.id)} ${sh(`${c.chart.repoName}/${c.chart.chart}`)}`,
          `  --version ${sh(c.chart.version)}`,
          `  --namespace ${sh(c.namespace)}`,
          `  -f ${dir}/values-homelab.yaml`,
          `  --wait --timeout 15m`,
        ].join(' \\\n'),
      );
    }
    for (const f of post) steps.push(`kubectl apply -f ${dir}/${f}`);
  }

  const repos = helmRepositories(components);
  const deploy = `#!/usr/bin/env bash
${GENERATED_HEADER}# Deploys the lab in order: namespaces, then each layer (storage, networking,
# certificates, ingress, observability, apps). Safe to re-run.
set -euo pipefail
cd "$(dirname "$0")/.."

for tool in kubectl helm${lab.spec.secrets.mechanism === 'sops' ? ' sops' : ''}; do
  command -v "$tool" >/dev/null 2>&1 || { echo "deploy-all: $tool is not installed" >&2; exit 1; }
done
kubectl cluster-info >/dev/null || { echo "deploy-all: cannot reach the cluster (check KUBECONFIG and the current context)" >&2; exit 1; }

step() { printf '\\n==> %s\\n' "$1"; }

${repos.map((r) => `helm repo add --force-update ${sh(r.repoName)} ${sh(r.repo)}`).join('\n')}
${repos.length ? 'helm repo update' : ''}

${steps.join('\n')}

printf '\\nDeployed. Run scripts/health-check.sh to verify.\\n'
`;
  files.push({ path: 'scripts/deploy-all.sh', contents: deploy.replace(/\n{3,}/g, '\n\n'), executable: true });
  files.push({ path: 'scripts/health-check.sh', contents: healthCheck(lab, components), executable: true });
  files.push({ path: 'docs/components.md', contents: componentsDoc(lab, components) });
  return files;
}

function healthCheck(lab: LabModel, components: RenderedComponent[]): string {
  const namespaces = [...new Set(components.map((c) => c.instance.namespace))].sort();
  const releases = components.filter((c) => c.values && c.instance.chart).map((c) => `${c.instance.namespace}/${c.instance.id}`);
  return `#!/usr/bin/env bash
${GENERATED_HEADER}# Checks the lab: nodes Ready, Helm releases deployed, workloads available,
# PVCs bound, certificates ready. Exits 1 when anything is unhealthy.
set -uo pipefail

failures=0
fail() { printf 'FAIL %s\\n' "$1"; failures=$((failures + 1)); }
ok() { printf 'ok   %s\\n' "$1"; }

command -v kubectl >/dev/null 2>&1 || { echo "health-check: kubectl is not installed" >&2; exit 2; }

expected_nodes=${lab.cluster?.nodes.length ?? 0}
ready_nodes=$(kubectl get nodes --no-headers 2>/dev/null | awk '$2 == "Ready"' | wc -l)
if [ "$ready_nodes" -ge "$expected_nodes" ]; then ok "nodes ready: $ready_nodes/$expected_nodes"; else fail "nodes ready: $ready_nodes/$expected_nodes"; fi

for release in ${releases.map(sh).join(' ')}; do
  ns=\${release%%/*}
  name=\${release#*/}
  status=$(helm status "$name" -n "$ns" -o json 2>/dev/null | sed -n 's/.*"status":"\\([a-z-]*\\)".*/\\1/p' | head -n 1)
  if [ "$status" = "deployed" ]; then ok "helm release $release"; else fail "helm release $release: \${status:-missing}"; fi
done

for ns in ${namespaces.map(sh).join(' ')}; do
  if ! kubectl get namespace "$ns" >/dev/null 2>&1; then fail "namespace $ns missing"; continue; fi
  if kubectl -n "$ns" wait --for=condition=Available deployment --all --timeout=60s >/dev/null 2>&1; then ok "deployments in $ns available"; else fail "deployments in $ns not available"; fi
  while read -r sts ready; do
    [ -z "$sts" ] && continue
    if [ "\${ready%%/*}" = "\${ready#*/}" ]; then ok "statefulset $ns/$sts $ready"; else fail "statefulset $ns/$sts $ready"; fi
  done < <(kubectl -n "$ns" get statefulsets --no-headers 2>/dev/null | awk '{print $1, $2}')
done

while read -r ns pvc phase; do
  [ -z "$ns" ] && continue
  if [ "$phase" = "Bound" ]; then ok "pvc $ns/$pvc"; else fail "pvc $ns/$pvc is $phase"; fi
done < <(kubectl get pvc -A --no-headers 2>/dev/null | awk '{print $1, $2, $3}')
${
  lab.issuers.length
    ? `
while read -r ns cert ready; do
  [ -z "$ns" ] && continue
  if [ "$ready" = "True" ]; then ok "certificate $ns/$cert"; else fail "certificate $ns/$cert not ready"; fi
done < <(kubectl get certificates -A --no-headers 2>/dev/null | awk '{print $1, $2, $3}')
`
    : ''
}
if [ "$failures" -gt 0 ]; then printf '\\n%d check(s) failed\\n' "$failures"; exit 1; fi
printf '\\nall checks passed\\n'
`;
}

function componentsDoc(lab: LabModel, components: RenderedComponent[]): string {
  const rows = components.map((rc) => {
    const c = rc.instance;
    const chart = c.chart && rc.values ? `${c.chart.chart} ${c.chart.version}` : 'manifests';
    const url = c.host ?? c.app?.host;
    return `| ${c.id} | ${c.layer} | ${c.namespace} | ${chart} | ${url ? `https://${url}` : ''} | \`${componentDir(rc)}/\` |`;
  });
  return `<!-- Generated by hearth. Do not edit: change the lab spec and run \`hearth build\`. -->
# ${lab.name}: components

Deployed by \`scripts/deploy-all.sh\` in this order.

| component | layer | namespace | chart | URL | files |
|---|---|---|---|---|---|
${rows.join('\n')}
`;
}
