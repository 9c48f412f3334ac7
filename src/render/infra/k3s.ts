/**
 * K3s on the lab's nodes: one `config.yaml` per node (what K3s reads from
 * /etc/rancher/k3s/config.yaml) and seed 001's three scripts, which run on the
 * operator's workstation and reach the nodes over SSH:
 *
 *   <root>/k3s/nodes/<node>/config.yaml   the node's K3s configuration
 *   <root>/k3s/install-master.sh          servers: the first one, then the others
 *   <root>/k3s/install-worker.sh          agents
 *   <root>/k3s/kubeconfig-setup.sh        ~/.kube/<cluster>.yaml with a context named after the cluster
 *
 * Keys are the `k3s server` / `k3s agent` flags without their dashes
 * (docs.k3s.io/installation/configuration, cli/server, cli/agent). Nothing
 * secret is rendered: the join token is copied by the scripts from the first
 * server's /var/lib/rancher/k3s/server/node-token into /etc/rancher/k3s/cluster-token
 * (`token-file`), and an external PostgreSQL datastore URL, which holds a
 * password, reaches the servers as a drop-in file
 * (/etc/rancher/k3s/config.yaml.d/datastore.yaml, mode 0600) written from the
 * operator's K3S_DATASTORE_ENDPOINT. K3s reads drop-ins after config.yaml
 * (docs.k3s.io/installation/configuration, "Multiple Config Files").
 *
 * The plan (`k3sPlan`) is shared with the Ansible renderer, which does the
 * same with a playbook.
 */
import type { LabModel } from '../../model/types.js';
import type { NodeSpec } from '../../spec/schema.js';
import { GENERATED_HEADER, type RenderedFile } from '../files.js';
import { toYaml, type JsonValue } from '../../lib/yaml-emit.js';
import type { InfraRenderer } from './index.js';

/**
 * K3s release installed when cluster.version is not set. Verified to exist in
 * the K3s release notes (k3s-io/docs, docs/release-notes/v1.35.X.md:
 * v1.35.4+k3s1, released Apr 27 2026; Kubernetes v1.35.4).
 */
export const K3S_DEFAULT_VERSION = 'v1.35.4+k3s1';
/** The official install script (docs.k3s.io/installation/configuration). */
export const K3S_INSTALL_URL = 'https://get.k3s.io';
export const K3S_CONFIG = '/etc/rancher/k3s/config.yaml';
/** Written by the scripts (and the playbook) from the first server's node-token; never rendered. */
export const K3S_TOKEN_FILE = '/etc/rancher/k3s/cluster-token';
export const K3S_NODE_TOKEN = '/var/lib/rancher/k3s/server/node-token';
/** Drop-in holding `datastore-endpoint` for an external PostgreSQL datastore (mode 0600, never rendered). */
export const K3S_DATASTORE_DROPIN = '/etc/rancher/k3s/config.yaml.d/datastore.yaml';

export interface K3sNodePlan {
  node: NodeSpec;
  role: 'server' | 'agent';
  first: boolean;
  /** The K3s configuration of the node, keys in the order they are written. */
  config: Record<string, JsonValue>;
}

export interface K3sPlan {
  cluster: string;
  version: string;
  sshUser: string;
  first: NodeSpec;
  servers: K3sNodePlan[];
  agents: K3sNodePlan[];
  /** Where clients reach the API server: the VIP, else the first server. */
  apiAddress: string;
  datastore: 'embedded-etcd' | 'sqlite' | 'external-postgres';
  /** For external-postgres: host:port from the spec (a check on the operator's URL). */
  datastoreEndpoint?: string;
  /** Packaged components K3s should not deploy. */
  disable: string[];
  snapshotDir?: string;
}

/**
 * Packaged components (docs.k3s.io/installation/packaged-components) that the
 * lab replaces:
 * - traefik, unless the lab's ingress is K3s' bundled Traefik: hearth deploys
 *   its own Traefik or ingress-nginx chart, and without an ingress a second,
 *   unmanaged controller would take ports 80/443 on a LoadBalancer address;
 * - servicelb when MetalLB hands out LoadBalancer addresses (both would answer);
 * - local-storage when no StorageClass is local-path: on K3s every local-path
 *   class is served by the bundled provisioner (src/catalog/platform/local-path.ts
 *   deploys no chart there), so it stays whenever one is declared.
 */
export function k3sDisabled(lab: LabModel): string[] {
  const out: string[] = [];
  if (!lab.storageClasses.some((c) => c.type === 'local-path')) out.push('local-storage');
  if (lab.spec.network.loadBalancer) out.push('servicelb');
  if (!(lab.ingress?.controller === 'traefik' && lab.ingress.bundled)) out.push('traefik');
  return out.sort();
}

function unique(xs: string[]): string[] {
  return [...new Set(xs)];
}

export function k3sPlan(lab: LabModel): K3sPlan | undefined {
  const c = lab.cluster;
  if (!c || c.distribution !== 'k3s' || c.controlPlane.length === 0) return undefined;
  const spec = lab.spec.cluster!;
  const first = c.controlPlane[0];
  const firstUrl = `https://${first.ip}:6443`;
  const apiAddress = c.vip ?? first.ip;
  const datastore = c.datastore.type;
  const disable = k3sDisabled(lab);
  const snapshots = datastore === 'embedded-etcd' ? spec.k3s?.etcdSnapshots : undefined;
  const extraSans = spec.k3s?.tlsSan ?? [];
  const nonFlannel = c.cni === 'cilium' || c.cni === 'calico';

  const identity = (n: NodeSpec): Record<string, JsonValue> => {
    const out: Record<string, JsonValue> = { 'node-name': n.name, 'node-ip': n.ip };
    const labels = Object.entries(n.labels)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([k, v]) => `${k}=${v}`);
    if (labels.length) out['node-label'] = labels;
    if (n.taints.length) out['node-taint'] = [...n.taints];
    return out;
  };

  const servers: K3sNodePlan[] = c.controlPlane.map((n, i) => {
    const isFirst = i === 0;
    const config: Record<string, JsonValue> = identity(n);
    if (isFirst && datastore === 'embedded-etcd') config['cluster-init'] = true;
    // With an external datastore, servers meet in the database; with etcd they join the first server.
    if (!isFirst && datastore !== 'external-postgres') config.server = firstUrl;
    if (!isFirst) config['token-file'] = K3S_TOKEN_FILE;
    config['tls-san'] = unique([...(c.vip ? [c.vip] : []), n.ip, ...extraSans]);
    config['write-kubeconfig-mode'] = '0600';
    if (spec.podCidr) config['cluster-cidr'] = spec.podCidr;
    if (spec.serviceCidr) config['service-cidr'] = spec.serviceCidr;
    if (nonFlannel) {
      config['flannel-backend'] = 'none';
      config['disable-network-policy'] = true;
    }
    if (disable.length) config.disable = [...disable];
    if (snapshots) {
      config['etcd-snapshot-schedule-cron'] = snapshots.schedule;
      config['etcd-snapshot-retention'] = snapshots.retention;
      if (snapshots.dir) config['etcd-snapshot-dir'] = snapshots.dir;
    }
    return { node: n, role: 'server', first: isFirst, config };
  });

  // Agents register through the fixed registration address: the VIP when there is one.
  const agents: K3sNodePlan[] = c.workers.map((n) => {
    const config: Record<string, JsonValue> = identity(n);
    config.server = `https://${apiAddress}:6443`;
    config['token-file'] = K3S_TOKEN_FILE;
    return { node: n, role: 'agent', first: false, config };
  });

  return {
    cluster: c.name,
    version: c.version ?? K3S_DEFAULT_VERSION,
    sshUser: lab.spec.infrastructure?.ssh?.user ?? 'hearth',
    first,
    servers,
    agents,
    apiAddress,
    datastore,
    datastoreEndpoint: datastore === 'external-postgres' ? c.datastore.endpoint : undefined,
    disable,
    snapshotDir: snapshots?.dir,
  };
}

function configFile(root: string, plan: K3sPlan, np: K3sNodePlan): RenderedFile {
  const n = np.node;
  const lines = [
    `K3s configuration of ${n.name} (${np.role}${np.first ? ', the first server' : ''}) in cluster ${plan.cluster}.`,
    `Installed as ${K3S_CONFIG} by ${np.role === 'server' ? 'install-master.sh' : 'install-worker.sh'} (or ansible/k3s.yml).`,
  ];
  if (np.config['token-file']) lines.push(`The join token in ${K3S_TOKEN_FILE} is copied from ${plan.first.name}'s ${K3S_NODE_TOKEN}; it is not in this file.`);
  if (np.role === 'server' && plan.datastore === 'external-postgres') {
    lines.push(
      `datastore-endpoint is not here: it holds the database password. The scripts write it to ${K3S_DATASTORE_DROPIN}`,
      '(mode 0600) from K3S_DATASTORE_ENDPOINT; K3s reads config.yaml.d/*.yaml after this file.',
    );
  }
  const header = GENERATED_HEADER + lines.map((l) => `# ${oneLine(l)}\n`).join('');
  return { path: `${root}/k3s/nodes/${n.name}/config.yaml`, contents: header + toYaml(np.config) };
}

// ---------------------------------------------------------------------------
// Scripts. Values from the spec that reach shell code are DNS-1123 node names,
// IPv4 addresses, the SSH user and snapshot paths (all restricted by the
// schema's patterns) or go through shq() (cluster.version, the datastore
// endpoint); free text only reaches comments, on one line.

const SH_HEADER = '#!/usr/bin/env bash\n' + GENERATED_HEADER;

/** A word for bash: as is when obviously safe, else single-quoted. */
export function shq(s: string): string {
  return /^[A-Za-z0-9_./:=@+-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** Text from the spec on one comment line. */
function oneLine(s: string): string {
  return s.replace(/[\r\n]+/g, ' ');
}


/** The opening of an install script: header comment, strict mode, SSH settings, the node list and the SSH helpers. */
function scriptPrelude(header: string[], sshUser: string, arrayName: string, nodes: readonly { name: string }[]): string[] {
  return [
    SH_HEADER + header.map((l) => (l ? `# ${oneLine(l)}` : '#')).join('\n'),
    'set -euo pipefail',
    '',
    `SSH_USER=\${SSH_USER:-${sshUser}}`,
    'HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)',
    `${arrayName}=(${nodes.map((n) => n.name).join(' ')})`,
    '',
    SSH_FUNCS,
    '',
  ];
}
function caseTable(fn: string, nodes: NodeSpec[], what: string, script: string): string {
  const names = nodes.map((n) => n.name).join(' ');
  return [
    `${fn}() {`,
    '  case "$1" in',
    ...nodes.map((n) => `    ${n.name}) echo ${n.ip} ;;`),
    `    *) echo "${script}: $1 is not ${what} (${names || 'none'})" >&2; return 1 ;;`,
    '  esac',
    '}',
  ].join('\n');
}

const SSH_FUNCS = `SSH_OPTS=(-o BatchMode=yes -o StrictHostKeyChecking=accept-new)

# Run a command on a node (given by address) as the SSH user.
on() {
  local ip=$1
  shift
  # The arguments are the command line for the node's shell: they are meant to expand there.
  # shellcheck disable=SC2029
  ssh "\${SSH_OPTS[@]}" "$SSH_USER@$ip" "$@"
}`;

/** The part that runs on a node as root: install the staged config, then the pinned K3s, unless both are current. */
function remoteInstall(plan: K3sPlan, role: 'server' | 'agent', snapshotDir?: string): string {
  const service = role === 'server' ? 'k3s' : 'k3s-agent';
  const lines = [
    'set -euo pipefail',
    `version=${shq(plan.version)}`,
    'staged=/etc/rancher/k3s/config.yaml.hearth',
  ];
  if (snapshotDir) {
    lines.push(
      `if ! mountpoint -q ${snapshotDir}; then`,
      `  echo "warning: ${snapshotDir} is not a mount point: etcd snapshots would stay on this node's disk" >&2`,
      'fi',
    );
  }
  lines.push(
    "current=$(k3s --version 2>/dev/null | awk 'NR == 1 {print $3}' || true)",
    `if [ "$current" = "$version" ] && cmp -s "$staged" ${K3S_CONFIG} && systemctl is-active --quiet ${service}; then`,
    '  rm -f "$staged"',
    `  echo "K3s $version is running with this configuration: nothing to do"`,
    '  exit 0',
    'fi',
    `install -m 0600 "$staged" ${K3S_CONFIG}`,
    'rm -f "$staged"',
    `curl -sfL ${K3S_INSTALL_URL} | INSTALL_K3S_VERSION="$version" sh -s - ${role}`,
  );
  return lines.join('\n');
}

/** Copy a node's config.yaml to a staging path on the node (root-owned). */
const STAGE_FUNC = `# Stage nodes/<node>/config.yaml on the node; the install step moves it into place.
stage_config() {
  local node=$1 ip=$2
  on "$ip" 'sudo install -d -m 0755 /etc/rancher/k3s && sudo tee /etc/rancher/k3s/config.yaml.hearth >/dev/null' <"$HERE/nodes/$node/config.yaml"
}`;

const TOKEN_WRITE = `sudo install -d -m 0755 /etc/rancher/k3s && sudo sh -c "umask 077 && cat > ${K3S_TOKEN_FILE}"`;

function fetchTokenFunc(plan: K3sPlan): string {
  return `# The join token of ${plan.first.name}, printed on stdout (waits up to 5 minutes for a starting server).
first_token() {
  on ${plan.first.ip} 'sudo bash -s' <<'REMOTE'
for _ in $(seq 60); do
  test -s ${K3S_NODE_TOKEN} && break
  sleep 5
done
cat ${K3S_NODE_TOKEN}
REMOTE
}`;
}

function installMaster(plan: K3sPlan): string {
  const servers = plan.servers.map((s) => s.node);
  const ext = plan.datastore === 'external-postgres';
  const header = [
    `Install the K3s servers of cluster ${plan.cluster} (K3s ${plan.version}) from this workstation, over SSH`,
    `as $SSH_USER (default ${plan.sshUser}, with password-less sudo on the nodes).`,
    '',
    `  ./install-master.sh          every server in order: ${servers.map((n) => n.name).join(', ')}`,
    `  ./install-master.sh NODE     one server (${plan.first.name} must be installed before the others)`,
    '',
    `Each node's nodes/<node>/config.yaml becomes ${K3S_CONFIG}, then the official install`,
    `script (${K3S_INSTALL_URL}) installs the pinned version. ${plan.first.name} ${plan.datastore === 'embedded-etcd' ? 'initialises embedded etcd' : plan.datastore === 'sqlite' ? 'keeps the cluster state in SQLite' : 'keeps the cluster state in PostgreSQL'}; the others`,
    `receive its join token in ${K3S_TOKEN_FILE} (mode 0600), piped over SSH from`,
    `${plan.first.name}'s ${K3S_NODE_TOKEN}: it is never written on this machine.`,
  ];
  if (ext) {
    header.push(
      '',
      'The datastore URL (postgres://user:password@host:port/database) comes from K3S_DATASTORE_ENDPOINT,',
      'or from the file named by K3S_DATASTORE_ENDPOINT_FILE, and is written on each server to',
      `${K3S_DATASTORE_DROPIN} (mode 0600), which K3s reads after config.yaml.`,
    );
  }
  header.push('', 'Safe to re-run: a node whose K3s version and configuration are current is left alone.');

  const body: string[] = [
    ...scriptPrelude(header, plan.sshUser, 'SERVERS', servers),
    caseTable('server_ip', servers, 'a K3s server of this cluster', 'install-master.sh'),
    '',
    STAGE_FUNC,
    '',
  ];
  if (servers.length > 1) body.push(fetchTokenFunc(plan), '');
  if (ext) {
    const ep = plan.datastoreEndpoint;
    body.push(
      '# The datastore URL, from K3S_DATASTORE_ENDPOINT or the file K3S_DATASTORE_ENDPOINT_FILE names.',
      'datastore_endpoint() {',
      '  local url=${K3S_DATASTORE_ENDPOINT:-}',
      '  if [ -z "$url" ] && [ -n "${K3S_DATASTORE_ENDPOINT_FILE:-}" ]; then',
      '    url=$(<"$K3S_DATASTORE_ENDPOINT_FILE")',
      '  fi',
      '  if [ -z "$url" ]; then',
      '    echo "install-master.sh: set K3S_DATASTORE_ENDPOINT (postgres://user:password@host:port/database) or K3S_DATASTORE_ENDPOINT_FILE" >&2',
      '    return 1',
      '  fi',
      '  case "$url" in',
      '    postgres://*) ;;',
      '    *) echo "install-master.sh: the datastore URL must start with postgres://" >&2; return 1 ;;',
      '  esac',
    );
    if (ep) {
      const q = shq(ep);
      body.push(
        '  case "$url" in',
        `    *@${q}/* | *@${q} | *@${q}\\?*) ;;`,
        `    *) echo ${shq(`install-master.sh: the datastore URL does not point at ${ep} (cluster.datastore.endpoint)`)} >&2; return 1 ;;`,
        '  esac',
      );
    }
    body.push(
      "  printf \"datastore-endpoint: '%s'\\n\" \"${url//\\'/\\'\\'}\"",
      '}',
      '',
    );
  }
  body.push(
    'install_server() {',
    '  local node=$1 ip',
    '  ip=$(server_ip "$node")',
    '  echo "==> $node ($ip)"',
  );
  if (servers.length > 1) {
    body.push(
      `  if [ "$node" != ${plan.first.name} ]; then`,
      '    local token',
      '    token=$(first_token)',
      `    [ -n "$token" ] || { echo "install-master.sh: no join token on ${plan.first.name}: install it first" >&2; return 1; }`,
      `    printf '%s\\n' "$token" | on "$ip" '${TOKEN_WRITE}'`,
      '  fi',
    );
  }
  if (ext) {
    body.push(
      '  local dropin',
      '  dropin=$(datastore_endpoint)',
      `  printf '%s\\n' "$dropin" | on "$ip" 'sudo install -d -m 0755 /etc/rancher/k3s/config.yaml.d && sudo sh -c "umask 077 && cat > ${K3S_DATASTORE_DROPIN}"'`,
    );
  }
  body.push(
    '  stage_config "$node" "$ip"',
    "  on \"$ip\" 'sudo bash -s' <<'REMOTE'",
    remoteInstall(plan, 'server', plan.snapshotDir),
    'REMOTE',
    '}',
    '',
    'if [ $# -gt 0 ]; then',
    '  for node in "$@"; do install_server "$node"; done',
    'else',
    '  for node in "${SERVERS[@]}"; do install_server "$node"; done',
    'fi',
  );
  if (plan.agents.length) body.push(`echo "Next: ./install-worker.sh, then ./kubeconfig-setup.sh"`);
  else body.push(`echo "Next: ./kubeconfig-setup.sh"`);
  return body.join('\n') + '\n';
}

function installWorker(plan: K3sPlan): string {
  const agents = plan.agents.map((a) => a.node);
  const header = [
    `Join the K3s agents of cluster ${plan.cluster} (K3s ${plan.version}) from this workstation, over SSH`,
    `as $SSH_USER (default ${plan.sshUser}, with password-less sudo on the nodes). Run install-master.sh first.`,
    '',
    `  ./install-worker.sh          every agent: ${agents.map((n) => n.name).join(', ') || '(this cluster has none)'}`,
    '  ./install-worker.sh NODE     one agent',
    '',
    `Agents register at https://${plan.apiAddress}:6443. The join token comes from K3S_TOKEN, else from the`,
    `file named by K3S_TOKEN_FILE, else from ${plan.first.name}'s ${K3S_NODE_TOKEN} over SSH; it is`,
    `written to ${K3S_TOKEN_FILE} (mode 0600) on the node, never into this repository.`,
    '',
    'Safe to re-run: a node whose K3s version and configuration are current is left alone.',
  ];
  const body: string[] = [
    ...scriptPrelude(header, plan.sshUser, 'AGENTS', agents),
    caseTable('agent_ip', agents, 'a K3s agent of this cluster', 'install-worker.sh'),
    '',
    STAGE_FUNC,
    '',
    fetchTokenFunc(plan),
    '',
    '# The token from K3S_TOKEN, K3S_TOKEN_FILE or the first server, on stdout.',
    'join_token() {',
    '  if [ -n "${K3S_TOKEN:-}" ]; then',
    '    printf \'%s\\n\' "$K3S_TOKEN"',
    '  elif [ -n "${K3S_TOKEN_FILE:-}" ]; then',
    '    cat "$K3S_TOKEN_FILE"',
    '  else',
    '    first_token',
    '  fi',
    '}',
    '',
    'install_agent() {',
    '  local node=$1 ip',
    '  ip=$(agent_ip "$node")',
    '  echo "==> $node ($ip)"',
    '  local token',
    '  token=$(join_token)',
    '  [ -n "$token" ] || { echo "install-worker.sh: empty join token" >&2; return 1; }',
    `  printf '%s\\n' "$token" | on "$ip" '${TOKEN_WRITE}'`,
    '  stage_config "$node" "$ip"',
    "  on \"$ip\" 'sudo bash -s' <<'REMOTE'",
    remoteInstall(plan, 'agent'),
    'REMOTE',
    '}',
    '',
    'if [ $# -gt 0 ]; then',
    '  for node in "$@"; do install_agent "$node"; done',
    'elif [ ${#AGENTS[@]} -eq 0 ]; then',
    `  echo "Cluster ${plan.cluster} has no agents: nothing to do"`,
    'else',
    '  for node in "${AGENTS[@]}"; do install_agent "$node"; done',
    'fi',
  ];
  return body.join('\n') + '\n';
}

function kubeconfigSetup(plan: K3sPlan): string {
  const api = `https://${plan.apiAddress}:6443`;
  const header = [
    `Set up kubectl on this workstation for cluster ${plan.cluster}: copies /etc/rancher/k3s/k3s.yaml from`,
    `${plan.first.name} over SSH (as $SSH_USER, default ${plan.sshUser}), points it at ${api}`,
    `${plan.apiAddress === plan.first.ip ? '(the first server)' : '(the cluster VIP)'} and names its cluster, user and context "${plan.cluster}".`,
    '',
    `Writes $KUBECONFIG_OUT (default ~/.kube/${plan.cluster}.yaml, mode 0600) and, when kubectl is`,
    `installed, merges it into ~/.kube/config and switches to the "${plan.cluster}" context.`,
    'Safe to re-run: the merged entries are replaced.',
  ];
  const body = [
    SH_HEADER + header.map((l) => (l ? `# ${oneLine(l)}` : '#')).join('\n'),
    'set -euo pipefail',
    '',
    `SSH_USER=\${SSH_USER:-${plan.sshUser}}`,
    `NAME="${plan.cluster}"`,
    `API="${api}"`,
    'OUT=${KUBECONFIG_OUT:-$HOME/.kube/$NAME.yaml}',
    '',
    'umask 077',
    'mkdir -p "$(dirname "$OUT")"',
    'tmp=$(mktemp)',
    "trap 'rm -f \"$tmp\"' EXIT",
    `ssh -o BatchMode=yes -o StrictHostKeyChecking=accept-new "$SSH_USER@${plan.first.ip}" 'sudo cat /etc/rancher/k3s/k3s.yaml' >"$tmp"`,
    '# K3s names everything "default" and points at 127.0.0.1 (sed -E works with GNU and BSD sed).',
    'sed -E \\',
    '  -e "s#server: https://127\\.0\\.0\\.1:6443#server: $API#" \\',
    '  -e "s/^([ -]*(name|cluster|user|current-context): )default$/\\1$NAME/" \\',
    '  "$tmp" >"$OUT"',
    'chmod 0600 "$OUT"',
    'echo "Wrote $OUT (context $NAME, server $API)"',
    '',
    'if command -v kubectl >/dev/null 2>&1; then',
    '  mkdir -p "$HOME/.kube"',
    '  merged=$(mktemp)',
    '  if [ -f "$HOME/.kube/config" ]; then',
    '    # The new file comes first: its entries win over stale ones of the same name.',
    '    KUBECONFIG="$OUT:$HOME/.kube/config" kubectl config view --flatten >"$merged"',
    '  else',
    '    cp "$OUT" "$merged"',
    '  fi',
    '  install -m 0600 "$merged" "$HOME/.kube/config"',
    '  rm -f "$merged"',
    '  kubectl config use-context "$NAME"',
    '  echo "Try: kubectl get nodes -o wide"',
    'else',
    '  echo "kubectl is not installed: use KUBECONFIG=$OUT"',
    'fi',
  ];
  return body.join('\n') + '\n';
}

export const renderK3s: InfraRenderer = (lab, root) => {
  const plan = k3sPlan(lab);
  if (!plan) return [];
  const files: RenderedFile[] = [];
  for (const np of [...plan.servers, ...plan.agents]) files.push(configFile(root, plan, np));
  files.push({ path: `${root}/k3s/install-master.sh`, contents: installMaster(plan), executable: true });
  files.push({ path: `${root}/k3s/install-worker.sh`, contents: installWorker(plan), executable: true });
  files.push({ path: `${root}/k3s/kubeconfig-setup.sh`, contents: kubeconfigSetup(plan), executable: true });
  return files;
};
