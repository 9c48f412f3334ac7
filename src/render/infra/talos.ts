/**
 * Talos: a talhelper `talconfig.yaml` and the machine-config patches it
 * references, under `<root>/talos/` (seed 004: Talos VMs on Proxmox with
 * Cilium and Longhorn).
 *
 * What hearth writes is everything *except* the cluster secrets: talhelper
 * merges `talconfig.yaml` + `patches/*.yaml` + the operator's
 * `talsecret.sops.yaml` (from `talhelper gensecret`, encrypted with SOPS) into
 * one machine config per node (`talhelper genconfig`). The secrets file is
 * never generated here; the header of talconfig.yaml and docs/infra/talos.md
 * say how to create it.
 *
 * Field names follow talhelper's JSON schema (budimanjojo/talhelper,
 * pkg/config/schemas/talconfig.json, v3): TalhelperConfig, Node, NodeConfigs
 * (the `controlPlane`/`worker` groups), Device, Route, DeviceVIPConfig,
 * Schematic. Patch keys follow Talos' v1alpha1 config schema
 * (siderolabs/talos, website/content/v1.11/schemas/config.schema.json):
 * ClusterNetworkConfig.cni.name ("flannel" | "custom" | "none"),
 * ProxyConfig.disabled, KubeletConfig.extraMounts (ExtraMount: destination,
 * type, source, options), KubeletConfig.extraConfig.
 *
 * Versions (see docs/infra/talos.md for the evidence):
 * - Talos v1.11.5 (siderolabs/talos release PR #12153, 2025-11-06), whose
 *   image set pins Kubernetes v1.34.1; Talos 1.11 supports Kubernetes
 *   1.29-1.34 (Talos support matrix).
 * - Talos 1.12 supports Kubernetes 1.30-1.35 and shipped 1.35.0 with v1.12.0
 *   (siderolabs/talos PR #12452).
 */
import type { LabModel } from '../../model/types.js';
import type { HostSpec, LabSpec, NodeSpec } from '../../spec/schema.js';
import { cidrContains, ipToInt, parseCidr } from '../../lib/ip.js';
import { toYamlDocuments, type JsonValue } from '../../lib/yaml-emit.js';
import { GENERATED_HEADER, type RenderedFile } from '../files.js';
import type { InfraRenderer } from './index.js';

/** Talos release used when cluster.talos.version is not set. */
export const TALOS_DEFAULT_VERSION = 'v1.11.5';

/**
 * Per Talos minor: the Kubernetes minors it supports (Talos support matrix)
 * and the Kubernetes release hearth pins when cluster.version is not set
 * (the one that Talos release line ships).
 */
export const TALOS_KUBERNETES: Readonly<Record<string, { minMinor: number; maxMinor: number; pin: string }>> = {
  '1.11': { minMinor: 29, maxMinor: 34, pin: 'v1.34.1' },
  '1.12': { minMinor: 30, maxMinor: 35, pin: 'v1.35.0' },
};

/** Talos' own defaults (pkg/machinery/constants: DefaultIPv4PodNet, DefaultIPv4ServiceNet). */
export const TALOS_POD_CIDR = '10.244.0.0/16';
export const TALOS_SERVICE_CIDR = '10.96.0.0/12';

/** Longhorn's data directory on a Talos node (inside /var, the only writable tree). */
export const LONGHORN_PATH = '/var/lib/longhorn';

/** Official Talos system extensions, by the reason a node needs them. */
export const EXTENSIONS = {
  longhorn: ['siderolabs/iscsi-tools', 'siderolabs/util-linux-tools'],
  proxmox: ['siderolabs/qemu-guest-agent'],
} as const;

const SCHEMA_MODELINE = '# yaml-language-server: $schema=https://raw.githubusercontent.com/budimanjojo/talhelper/master/pkg/config/schemas/talconfig.json\n';

function minorOf(version: string): string | undefined {
  const m = /^v?(\d+)\.(\d+)/.exec(version);
  return m ? `${m[1]}.${m[2]}` : undefined;
}

/** Whether a Talos release supports a Kubernetes release; undefined when hearth does not know that Talos line. */
export function talosSupportsKubernetes(talosVersion: string, kubernetesVersion: string): boolean | undefined {
  const t = minorOf(talosVersion);
  const row = t ? TALOS_KUBERNETES[t] : undefined;
  const k = /^v?1\.(\d+)\./.exec(kubernetesVersion);
  if (!row || !k) return undefined;
  const minor = Number(k[1]);
  return minor >= row.minMinor && minor <= row.maxMinor;
}

/** The Kubernetes version to pin: cluster.version (its vX.Y.Z part), else the Talos line's release, else none (Talos picks). */
export function kubernetesVersionFor(talosVersion: string, clusterVersion: string | undefined): string | undefined {
  if (clusterVersion) {
    const m = /^v?(\d+\.\d+\.\d+)/.exec(clusterVersion);
    if (m) return `v${m[1]}`;
  }
  const t = minorOf(talosVersion);
  return t ? TALOS_KUBERNETES[t]?.pin : undefined;
}

interface Subnet {
  prefix: number;
  gateway?: string;
}

/** The subnet a node address lives in: the LAN, an SDN VNet or a VLAN, with its gateway when known. */
function subnetOf(spec: LabSpec, ip: string): Subnet | undefined {
  const addr = ipToInt(ip);
  const candidates: { cidr?: string; gateway?: string }[] = [
    { cidr: spec.network.cidr, gateway: spec.network.gateway },
    ...(spec.infrastructure?.proxmox?.sdn?.vnets ?? []).map((v) => ({ cidr: v.cidr, gateway: v.gateway })),
    ...spec.network.vlans.map((v) => ({ cidr: v.cidr, gateway: undefined })),
  ];
  for (const c of candidates) {
    const parsed = c.cidr ? parseCidr(c.cidr) : undefined;
    if (parsed && cidrContains(parsed, addr)) return { prefix: parsed.prefix, gateway: c.gateway };
  }
  return undefined;
}

interface Taint {
  key: string;
  value: string;
  effect: string;
}

/** `key=value:Effect` or `key:Effect` (the spec's taint syntax). */
function parseTaint(t: string): Taint {
  const colon = t.lastIndexOf(':');
  const effect = t.slice(colon + 1);
  const kv = t.slice(0, colon);
  const eq = kv.indexOf('=');
  return eq < 0 ? { key: kv, value: '', effect } : { key: kv.slice(0, eq), value: kv.slice(eq + 1), effect };
}

/**
 * Talos' machine.nodeTaints: key → "value:Effect", or "Effect" alone when the
 * taint has no value (Talos' NodeTaintSpecController cuts the string at the
 * first ":" and reads a string without one as the effect).
 */
function talosTaints(taints: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const t of taints.map(parseTaint).sort((a, b) => a.key.localeCompare(b.key))) {
    out[t.key] = t.value === '' ? t.effect : `${t.value}:${t.effect}`;
  }
  return out;
}

function sortedRecord(r: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(r).sort(([a], [b]) => a.localeCompare(b)));
}

function isProxmoxVm(node: NodeSpec, hosts: Map<string, HostSpec>): boolean {
  return node.kind === 'vm' && hosts.get(node.host)?.platform === 'proxmox';
}

function yamlWithComments(path: string, comments: readonly string[], doc: JsonValue): RenderedFile {
  const lines = comments.map((c) => (c === '' ? '#\n' : `# ${c}\n`)).join('');
  return { path, contents: GENERATED_HEADER + lines + toYamlDocuments([doc]) };
}

function schematicOf(extensions: readonly string[]): JsonValue {
  return { customization: { systemExtensions: { officialExtensions: [...extensions] } } };
}

export const renderTalos: InfraRenderer = (lab: LabModel, root: string): RenderedFile[] => {
  const spec = lab.spec;
  const cluster = lab.cluster;
  if (spec.cluster?.distribution !== 'talos' || !cluster) return [];
  const dir = `${root}/talos`;
  const files: RenderedFile[] = [];
  const hosts = new Map(spec.hosts.map((h) => [h.name, h]));

  const talosVersion = spec.cluster.talos?.version ?? TALOS_DEFAULT_VERSION;
  const kubernetesVersion = kubernetesVersionFor(talosVersion, spec.cluster.version);
  const supported = kubernetesVersion ? talosSupportsKubernetes(talosVersion, kubernetesVersion) : undefined;
  const installDisk = spec.cluster.talos?.installDisk ?? '/dev/sda';
  const controlPlane = cluster.controlPlane;
  const workers = cluster.workers;
  const endpointHost = cluster.vip ?? controlPlane[0]?.ip;
  const nameservers = [...spec.network.dns.servers];

  // Longhorn: every node may host replicas and attach volumes.
  const longhornClasses = lab.storageClasses.filter((c) => c.spec.type === 'longhorn');
  const longhorn = longhornClasses.length > 0;
  const longhornPaths = [
    ...new Set([LONGHORN_PATH, ...longhornClasses.map((c) => (c.spec.type === 'longhorn' ? c.spec.dataPath : undefined)).filter((p): p is string => !!p)]),
  ].sort();

  // Cluster-wide patches (every node), referenced from the top-level `patches`.
  const patches: string[] = [];
  const cni = cluster.cni;
  if (cni !== 'flannel') {
    const name = cni === 'cilium' ? 'Cilium' : 'Calico';
    const doc: JsonValue = {
      cluster: {
        network: { cni: { name: 'none' } },
        ...(cni === 'cilium' ? { proxy: { disabled: true } } : {}),
      },
    };
    files.push(
      yamlWithComments(
        `${dir}/patches/cluster-network.yaml`,
        cni === 'cilium'
          ? [
              `${name} is installed by ../cni/install-cni.sh right after bootstrap (GitOps keeps it afterwards): Talos deploys no CNI (cni.name: none) and no kube-proxy,`,
              'because Cilium replaces it (kubeProxyReplacement; reach the API through KubePrism, localhost:7445).',
              'Nodes stay NotReady until Cilium runs.',
            ]
          : [`${name} is installed by ../cni/install-cni.sh right after bootstrap (GitOps keeps it afterwards): Talos deploys no CNI (cni.name: none). Nodes stay NotReady until it runs.`],
        doc,
      ),
    );
    patches.push('@./patches/cluster-network.yaml');
  }
  if (longhorn) {
    files.push(
      yamlWithComments(
        `${dir}/patches/longhorn.yaml`,
        [
          'Longhorn on Talos: the kubelet runs in a container, so Longhorn\'s data directory is bind-mounted',
          'into it with shared propagation (rshared) for volume mounts to reach pods.',
          `The iscsi-tools and util-linux-tools system extensions come from the Image Factory schematic in talconfig.yaml.`,
        ],
        {
          machine: {
            kubelet: {
              extraMounts: longhornPaths.map((p) => ({ destination: p, type: 'bind', source: p, options: ['bind', 'rshared', 'rw'] })),
            },
          },
        },
      ),
    );
    patches.push('@./patches/longhorn.yaml');
  }

  // System extensions per node: a node gets a schematic only when it needs one.
  const extensionsOf = (n: NodeSpec): string[] =>
    [...(longhorn ? EXTENSIONS.longhorn : []), ...(isProxmoxVm(n, hosts) ? EXTENSIONS.proxmox : [])].sort();
  const groupSchematic = (group: NodeSpec[]): string[] | undefined => {
    if (group.length === 0) return undefined;
    const first = extensionsOf(group[0]).join(',');
    return group.every((n) => extensionsOf(n).join(',') === first) ? extensionsOf(group[0]) : undefined;
  };
  const cpShared = groupSchematic(controlPlane);
  const workerShared = groupSchematic(workers);

  const nodeEntry = (n: NodeSpec, isControlPlane: boolean): JsonValue => {
    const subnet = subnetOf(spec, n.ip);
    const iface: Record<string, JsonValue> = {
      // One NIC per VM or machine: select it by "physical" instead of guessing its predictable name.
      deviceSelector: { physical: true },
      dhcp: false,
      addresses: [`${n.ip}/${subnet?.prefix ?? 32}`],
    };
    if (subnet?.gateway) iface.routes = [{ network: '0.0.0.0/0', gateway: subnet.gateway }];
    if (isControlPlane && cluster.vip) iface.vip = { ip: cluster.vip };
    const entry: Record<string, JsonValue> = {
      hostname: n.name,
      ipAddress: n.ip,
      controlPlane: isControlPlane,
      installDisk,
    };
    if (nameservers.length) entry.nameservers = nameservers;
    entry.networkInterfaces = [iface];
    if (Object.keys(n.labels).length) entry.nodeLabels = sortedRecord(n.labels);
    // Control planes apply taints through Talos; a worker's kubelet may only set taints when it registers
    // (NodeRestriction), so its taints go into KubeletConfiguration.registerWithTaints in a per-node patch.
    if (n.taints.length && isControlPlane) entry.nodeTaints = talosTaints(n.taints);
    if (n.taints.length && !isControlPlane) {
      const file = `patches/node-${n.name}.yaml`;
      const registerWithTaints = n.taints
        .map(parseTaint)
        .sort((a, b) => a.key.localeCompare(b.key) || a.effect.localeCompare(b.effect))
        .map((t) => ({ key: t.key, ...(t.value ? { value: t.value } : {}), effect: t.effect }));
      files.push(
        yamlWithComments(
          `${dir}/${file}`,
          [`Taints of worker ${n.name}, set by its kubelet when it registers (a worker may not change its own taints later).`],
          { machine: { kubelet: { extraConfig: { registerWithTaints } } } },
        ),
      );
      entry.patches = [`@./${file}`];
    }
    const shared = isControlPlane ? cpShared : workerShared;
    const ext = extensionsOf(n);
    if (!shared && ext.length) entry.schematic = schematicOf(ext);
    return entry;
  };

  const nodes = [...controlPlane.map((n) => nodeEntry(n, true)), ...workers.map((n) => nodeEntry(n, false))];

  const talconfig: Record<string, JsonValue> = {
    clusterName: cluster.name,
    talosVersion,
  };
  if (kubernetesVersion) talconfig.kubernetesVersion = kubernetesVersion;
  talconfig.endpoint = `https://${endpointHost}:6443`;
  talconfig.allowSchedulingOnControlPlanes = workers.length === 0;
  talconfig.clusterPodNets = [spec.cluster.podCidr ?? TALOS_POD_CIDR];
  talconfig.clusterSvcNets = [spec.cluster.serviceCidr ?? TALOS_SERVICE_CIDR];
  if (cni !== 'flannel') talconfig.cniConfig = { name: 'none' };
  if (patches.length) talconfig.patches = patches;
  talconfig.nodes = nodes;
  if (cpShared?.length) talconfig.controlPlane = { schematic: schematicOf(cpShared) };
  if (workerShared?.length) talconfig.worker = { schematic: schematicOf(workerShared) };

  const recipients = spec.secrets.sops?.recipients ?? [];
  const comments = [
    `Talos cluster "${cluster.name}" for talhelper: \`talhelper genconfig\` merges this file, patches/ and the`,
    'cluster secrets into one machine config per node under clusterconfig/.',
    '',
    'The cluster secrets are never generated by hearth. Create and encrypt them once, then generate',
    'and apply the configs (in this directory; nodes booted from the Talos ISO wait in maintenance mode):',
    '  talhelper gensecret > talsecret.sops.yaml',
    `  sops --encrypt --in-place --age ${recipients.length ? recipients.join(',') : '<age recipient>'} talsecret.sops.yaml`,
    '  talhelper genconfig',
    '  talhelper gencommand apply --extra-flags=--insecure | bash',
    '  talhelper gencommand bootstrap | bash',
    '  talhelper gencommand kubeconfig | bash',
    'Commit talsecret.sops.yaml (encrypted) with this file. clusterconfig/ holds plaintext secrets: never commit it.',
  ];
  if (supported === false) {
    const row = TALOS_KUBERNETES[minorOf(talosVersion)!];
    comments.push(
      '',
      `WARNING: Talos ${talosVersion} supports Kubernetes 1.${row.minMinor}-1.${row.maxMinor}; ${kubernetesVersion} (cluster.version) is outside that range.`,
    );
  } else if (!kubernetesVersion) {
    comments.push('', `kubernetesVersion is left to Talos ${talosVersion}'s default: hearth has no verified pairing for that release line.`);
  }
  files.unshift({
    path: `${dir}/talconfig.yaml`,
    contents: GENERATED_HEADER + SCHEMA_MODELINE + comments.map((c) => (c === '' ? '#\n' : `# ${c}\n`)).join('') + toYamlDocuments([talconfig]),
  });
  files.push({
    path: `${dir}/.gitignore`,
    contents: GENERATED_HEADER + '# talhelper genconfig output and unencrypted secrets.\nclusterconfig/\ntalsecret.yaml\n',
  });
  return files.sort((a, b) => a.path.localeCompare(b.path));
};
