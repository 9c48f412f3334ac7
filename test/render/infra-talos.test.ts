/**
 * Talos renderer: talhelper's talconfig.yaml and the machine-config patches.
 *
 * No talhelper or talosctl binary can be installed here, so the oracle is the
 * structure of talhelper's own JSON schema (budimanjojo/talhelper,
 * pkg/config/schemas/talconfig.json, v3) and of Talos' v1alpha1 config schema
 * (siderolabs/talos, website/content/v1.11/schemas/config.schema.json),
 * transcribed below as the field names of each object the renderer writes
 * (every object there is `additionalProperties: false`, so an unknown key is an
 * error in the real tools too).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse, parseAllDocuments } from 'yaml';
import { testLab, renderWith } from '../helpers/module-harness.js';
import type { LabInput } from '../../src/spec/schema.js';
import type { RenderedFile } from '../../src/render/files.js';
import { infraRoot } from '../../src/render/infra/index.js';
import { renderTalos, talosSupportsKubernetes, kubernetesVersionFor } from '../../src/render/infra/talos.js';

// ---------------------------------------------------------------------------
// A JSON-Schema subset: objects with known keys (additionalProperties: false),
// required keys, arrays, maps of strings, enums.
type Shape =
  | { t: 'str'; enum?: string[] }
  | { t: 'bool' }
  | { t: 'int' }
  | { t: 'any' }
  | { t: 'arr'; of: Shape }
  | { t: 'map'; of: Shape }
  | { t: 'obj'; props: Record<string, Shape>; required?: string[]; oneOfRequired?: string[] };

const str: Shape = { t: 'str' };
const bool: Shape = { t: 'bool' };
const int: Shape = { t: 'int' };
const any: Shape = { t: 'any' };
const arr = (of: Shape): Shape => ({ t: 'arr', of });
const strMap: Shape = { t: 'map', of: str };
const obj = (props: Record<string, Shape>, required: string[] = [], oneOfRequired?: string[]): Shape => ({ t: 'obj', props, required, oneOfRequired });

function check(v: unknown, s: Shape, path: string, out: string[]): void {
  switch (s.t) {
    case 'any':
      return;
    case 'str':
      if (typeof v !== 'string') out.push(`${path}: expected string, got ${JSON.stringify(v)}`);
      else if (s.enum && !s.enum.includes(v)) out.push(`${path}: "${v}" not one of ${s.enum.join(', ')}`);
      return;
    case 'bool':
      if (typeof v !== 'boolean') out.push(`${path}: expected boolean, got ${JSON.stringify(v)}`);
      return;
    case 'int':
      if (!Number.isInteger(v)) out.push(`${path}: expected integer, got ${JSON.stringify(v)}`);
      return;
    case 'arr':
      if (!Array.isArray(v)) out.push(`${path}: expected array`);
      else v.forEach((x, i) => check(x, s.of, `${path}[${i}]`, out));
      return;
    case 'map':
      if (!v || typeof v !== 'object' || Array.isArray(v)) out.push(`${path}: expected map`);
      else for (const [k, x] of Object.entries(v)) check(x, s.of, `${path}.${k}`, out);
      return;
    case 'obj': {
      if (!v || typeof v !== 'object' || Array.isArray(v)) {
        out.push(`${path}: expected object`);
        return;
      }
      const o = v as Record<string, unknown>;
      for (const [k, x] of Object.entries(o)) {
        if (!(k in s.props)) out.push(`${path}.${k}: unknown field`);
        else check(x, s.props[k], `${path}.${k}`, out);
      }
      for (const r of s.required ?? []) if (!(r in o)) out.push(`${path}.${r}: required`);
      if (s.oneOfRequired && s.oneOfRequired.filter((r) => r in o).length !== 1) out.push(`${path}: exactly one of ${s.oneOfRequired.join(', ')} required`);
      return;
    }
  }
}

// talhelper v3 talconfig.json, the definitions hearth writes into.
const Route = obj({ network: str, gateway: str, source: str, metric: int, mtu: int });
const DeviceVIPConfig = obj({ ip: str, equinixMetal: any, hcloud: any });
const NetworkDeviceSelector = obj({ busPath: str, hardwareAddr: str, permanentAddr: str, pciID: str, driver: str, physical: bool });
const Device = obj({
  interface: str, deviceSelector: NetworkDeviceSelector, addresses: arr(str), cidr: str, routes: arr(Route), bond: any, bridge: any,
  bridgePort: any, vlans: any, mtu: int, dhcp: bool, ignore: bool, dummy: bool, dhcpOptions: any, wireguard: any, vip: DeviceVIPConfig,
});
const Schematic = obj({
  overlay: any,
  customization: obj({ extraKernelArgs: arr(str), meta: any, systemExtensions: obj({ officialExtensions: arr(str) }), secureboot: any }),
});
const nodeConfigProps: Record<string, Shape> = {
  nodeLabels: strMap, nodeAnnotations: strMap, nodeTaints: strMap, machineDisks: any, machineFiles: any, disableSearchDomain: bool,
  kernelModules: any, nameservers: arr(str), networkInterfaces: arr(Device), extraManifests: arr(str), certSANs: arr(str), patches: arr(str),
  talosImageURL: str, noSchematicValidate: bool, schematic: Schematic, imageSchematic: Schematic, machineSpec: any, ingressFirewall: any,
  extensionServices: any, volumes: any, userVolumes: any, filenameTmpl: str,
};
const NodeConfigs = obj(nodeConfigProps);
const Node = obj(
  {
    hostname: str, ipAddress: str, controlPlane: bool, installDisk: str, installDiskSelector: any, ignoreHostname: bool,
    overridePatches: bool, overrideExtraManifests: bool, overrideMachineCertSANs: bool, ...nodeConfigProps,
  },
  ['hostname', 'ipAddress'],
  ['installDisk', 'installDiskSelector'],
);
const TalhelperConfig = obj(
  {
    clusterName: str, talosVersion: str, kubernetesVersion: str, endpoint: str, domain: str, allowSchedulingOnMasters: bool,
    allowSchedulingOnControlPlanes: bool, additionalMachineCertSans: arr(str), additionalApiServerCertSans: arr(str), inlineManifests: any,
    clusterPodNets: arr(str), clusterSvcNets: arr(str), cniConfig: obj({ name: str, urls: arr(str), flannel: any }), patches: arr(str),
    nodes: arr(Node), imageFactory: any, controlPlane: NodeConfigs, worker: NodeConfigs,
  },
  ['clusterName', 'endpoint', 'nodes'],
);

// Talos v1.11 v1alpha1 config: the parts the patches touch (a strategic-merge patch is a partial Config).
const ExtraMount = obj({ destination: str, type: str, source: str, options: arr(str), uidMappings: any, gidMappings: any }, ['destination', 'source', 'options']);
const Taint = obj({ key: str, value: str, effect: { t: 'str', enum: ['NoSchedule', 'PreferNoSchedule', 'NoExecute'] }, timeAdded: any }, ['key', 'effect']);
const KubeletConfig = obj({
  image: str, clusterDNS: arr(str), extraArgs: strMap, extraMounts: arr(ExtraMount),
  // extraConfig is a KubeletConfiguration (kubelet.config.k8s.io/v1beta1); hearth sets registerWithTaints only.
  extraConfig: obj({ registerWithTaints: arr(Taint) }),
  credentialProviderConfig: any, defaultRuntimeSeccompProfileEnabled: bool, registerWithFQDN: bool, nodeIP: any,
  skipNodeRegistration: bool, disableManifestsDirectory: bool,
});
const MachineConfig = obj(Object.fromEntries(
  ['type', 'token', 'ca', 'acceptedCAs', 'certSANs', 'controlPlane', 'pods', 'network', 'disks', 'install', 'files', 'env', 'time', 'sysctls',
    'sysfs', 'registries', 'systemDiskEncryption', 'features', 'udev', 'logging', 'kernel', 'seccompProfiles', 'baseRuntimeSpecOverrides',
    'nodeLabels', 'nodeAnnotations', 'nodeTaints'].map((k) => [k, any] as [string, Shape]).concat([['kubelet', KubeletConfig]]),
));
const ClusterConfig = obj(Object.fromEntries(
  ['id', 'secret', 'controlPlane', 'clusterName', 'token', 'aescbcEncryptionSecret', 'secretboxEncryptionSecret', 'ca', 'acceptedCAs',
    'aggregatorCA', 'serviceAccount', 'apiServer', 'controllerManager', 'scheduler', 'discovery', 'etcd', 'coreDNS', 'externalCloudProvider',
    'extraManifests', 'extraManifestHeaders', 'inlineManifests', 'adminKubeconfig', 'allowSchedulingOnControlPlanes']
    .map((k) => [k, any] as [string, Shape])
    .concat([
      ['network', obj({ cni: obj({ name: { t: 'str', enum: ['flannel', 'custom', 'none'] }, urls: arr(str), flannel: any }), dnsDomain: str, podSubnets: arr(str), serviceSubnets: arr(str) })],
      ['proxy', obj({ disabled: bool, image: str, mode: str, extraArgs: strMap })],
    ]),
));
const ConfigPatch = obj({ machine: MachineConfig, cluster: ClusterConfig });

function errorsOf(v: unknown, s: Shape, root: string): string[] {
  const out: string[] = [];
  check(v, s, root, out);
  return out;
}

// ---------------------------------------------------------------------------
const AGE = 'age18malfgd62w4vxg759wmtd2lrl0uwaj42m09sug7utex7v0ewtg3sxyr2c9';

/** Seed 004: one Proxmox host, a Talos control plane and a worker as VMs, VIP, Cilium, Longhorn. */
function seed004(extra: Partial<LabInput> = {}): LabInput {
  return testLab([], {
    hosts: [
      {
        name: 'pve', role: 'hypervisor', platform: 'proxmox', cpu: 16, memory: '64Gi', ip: '192.168.1.2',
        proxmox: { datastore: 'local-zfs', snippets: 'local', bridge: 'vmbr0' },
      },
    ],
    nodes: [
      { name: 'talos-cp-1', kind: 'vm', host: 'pve', cpu: 4, memory: '8Gi', disk: '64Gi', ip: '192.168.1.21', vm: { id: 201 } },
      {
        name: 'talos-worker-1', kind: 'vm', host: 'pve', cpu: 8, memory: '24Gi', disk: '64Gi', ip: '192.168.1.22',
        labels: { 'hearth.dev/storage': 'longhorn', 'hearth.dev/gpu': 'false' },
        taints: ['dedicated=storage:PreferNoSchedule'],
        vm: { id: 202, dataDisks: [{ name: 'longhorn', size: '200Gi', backupTier: 2 }] },
      },
    ],
    cluster: {
      name: 'homelab', distribution: 'talos', controlPlane: ['talos-cp-1'], workers: ['talos-worker-1'],
      cni: 'cilium', vip: '192.168.1.20', talos: { installDisk: '/dev/sda' },
    },
    network: {
      cidr: '192.168.1.0/24', gateway: '192.168.1.1', dns: { servers: ['192.168.1.1', '1.1.1.1'] },
      loadBalancer: { pool: '192.168.1.200-192.168.1.220' }, policy: 'default-deny',
    },
    infrastructure: {
      tool: 'opentofu',
      proxmox: { endpoint: 'https://192.168.1.2:8006/', templates: [{ name: 'talos', vmId: 9000, host: 'pve', os: 'talos' }] },
    },
    storage: { default: 'longhorn', classes: [{ name: 'longhorn', type: 'longhorn', replicas: 2 }] },
    secrets: { mechanism: 'sops', sops: { recipients: [AGE] }, values: [] },
    ...extra,
  });
}

/** Three bare-metal control planes, no workers, Flannel, no Longhorn, plain Helm. */
function threeControlPlanes(extra: Partial<LabInput> = {}): LabInput {
  const host = (name: string) => ({ name, role: 'bare-metal' as const, platform: 'talos' as const, cpu: 8, memory: '32Gi' });
  const node = (name: string, ip: string) => ({ name, kind: 'bare-metal' as const, host: name, cpu: 8, memory: '32Gi', ip });
  return testLab([], {
    hosts: [host('cp-1'), host('cp-2'), host('cp-3')],
    nodes: [
      { ...node('cp-1', '10.0.0.11'), labels: { zone: 'rack-a', 'hearth.dev/gpu': 'true' }, taints: ['nvidia.com/gpu:NoSchedule', 'dedicated=ai:NoExecute'] },
      node('cp-2', '10.0.0.12'),
      node('cp-3', '10.0.0.13'),
    ],
    cluster: { name: 'ha', distribution: 'talos', controlPlane: ['cp-1', 'cp-2', 'cp-3'], vip: '10.0.0.10', podCidr: '10.42.0.0/16', serviceCidr: '10.43.0.0/16' },
    network: { cidr: '10.0.0.0/24', gateway: '10.0.0.1', loadBalancer: { pool: '10.0.0.200-10.0.0.220' }, policy: 'default-deny' },
    ingress: { controller: 'traefik', ip: '10.0.0.200' },
    storage: { default: 'nfs', classes: [{ name: 'nfs', type: 'nfs', server: '10.0.0.5', path: '/k8s' }] },
    gitops: { engine: 'none' },
    ...extra,
  });
}

function render(input: LabInput) {
  const r = renderWith([], input);
  assert.deepEqual(r.issues.filter((i) => i.severity === 'error'), [], 'the test lab must validate');
  const model = r.model!;
  const root = infraRoot(model);
  return { model, root, files: renderTalos(model, root) };
}

function byPath(files: RenderedFile[]): Map<string, string> {
  return new Map(files.map((f) => [f.path, f.contents]));
}

function yamlOf(files: RenderedFile[], path: string): any {
  const f = files.find((x) => x.path === path);
  assert.ok(f, `${path} is rendered (have: ${files.map((x) => x.path).join(', ')})`);
  const docs = parseAllDocuments(f.contents);
  assert.equal(docs.length, 1, `${path}: one YAML document`);
  assert.deepEqual(docs[0].errors, [], `${path}: valid YAML`);
  return docs[0].toJS();
}

const LONGHORN_EXTENSIONS = ['siderolabs/iscsi-tools', 'siderolabs/qemu-guest-agent', 'siderolabs/util-linux-tools'];

test('seed 004: talconfig.yaml for talhelper, field by field', () => {
  const { root, files } = render(seed004());
  assert.equal(root, 'infra');
  assert.deepEqual(files.map((f) => f.path), [
    'infra/talos/.gitignore',
    'infra/talos/patches/cluster-network.yaml',
    'infra/talos/patches/longhorn.yaml',
    'infra/talos/patches/node-talos-worker-1.yaml',
    'infra/talos/talconfig.yaml',
  ]);
  const tc = yamlOf(files, 'infra/talos/talconfig.yaml');
  const schematic = { customization: { systemExtensions: { officialExtensions: LONGHORN_EXTENSIONS } } };
  assert.deepEqual(tc, {
    clusterName: 'homelab',
    talosVersion: 'v1.11.5',
    kubernetesVersion: 'v1.34.1',
    endpoint: 'https://192.168.1.20:6443',
    allowSchedulingOnControlPlanes: false,
    clusterPodNets: ['10.244.0.0/16'],
    clusterSvcNets: ['10.96.0.0/12'],
    cniConfig: { name: 'none' },
    patches: ['@./patches/cluster-network.yaml', '@./patches/longhorn.yaml'],
    nodes: [
      {
        hostname: 'talos-cp-1',
        ipAddress: '192.168.1.21',
        controlPlane: true,
        installDisk: '/dev/sda',
        nameservers: ['192.168.1.1', '1.1.1.1'],
        networkInterfaces: [
          {
            deviceSelector: { physical: true },
            dhcp: false,
            addresses: ['192.168.1.21/24'],
            routes: [{ network: '0.0.0.0/0', gateway: '192.168.1.1' }],
            vip: { ip: '192.168.1.20' },
          },
        ],
      },
      {
        hostname: 'talos-worker-1',
        ipAddress: '192.168.1.22',
        controlPlane: false,
        installDisk: '/dev/sda',
        nameservers: ['192.168.1.1', '1.1.1.1'],
        networkInterfaces: [
          {
            deviceSelector: { physical: true },
            dhcp: false,
            addresses: ['192.168.1.22/24'],
            routes: [{ network: '0.0.0.0/0', gateway: '192.168.1.1' }],
          },
        ],
        nodeLabels: { 'hearth.dev/gpu': 'false', 'hearth.dev/storage': 'longhorn' },
        patches: ['@./patches/node-talos-worker-1.yaml'],
      },
    ],
    controlPlane: { schematic },
    worker: { schematic },
  });
  assert.deepEqual(errorsOf(tc, TalhelperConfig, 'talconfig'), []);
  // Key order as written (a reader finds the cluster first, the nodes after).
  assert.deepEqual(Object.keys(tc).slice(0, 4), ['clusterName', 'talosVersion', 'kubernetesVersion', 'endpoint']);
});

test('seed 004: machine-config patches (Cilium without kube-proxy, Longhorn mounts, worker taints at registration)', () => {
  const { files } = render(seed004());
  const net = yamlOf(files, 'infra/talos/patches/cluster-network.yaml');
  assert.deepEqual(net, { cluster: { network: { cni: { name: 'none' } }, proxy: { disabled: true } } });
  const longhorn = yamlOf(files, 'infra/talos/patches/longhorn.yaml');
  assert.deepEqual(longhorn, {
    machine: { kubelet: { extraMounts: [{ destination: '/var/lib/longhorn', type: 'bind', source: '/var/lib/longhorn', options: ['bind', 'rshared', 'rw'] }] } },
  });
  const worker = yamlOf(files, 'infra/talos/patches/node-talos-worker-1.yaml');
  assert.deepEqual(worker, { machine: { kubelet: { extraConfig: { registerWithTaints: [{ key: 'dedicated', value: 'storage', effect: 'PreferNoSchedule' }] } } } });
  for (const [p, v] of [['cluster-network', net], ['longhorn', longhorn], ['node-talos-worker-1', worker]] as const) {
    assert.deepEqual(errorsOf(v, ConfigPatch, p), [], `${p} uses Talos v1alpha1 keys only`);
  }
  // talconfig's cniConfig and the patch agree: Talos installs no CNI.
  const tc = yamlOf(files, 'infra/talos/talconfig.yaml');
  assert.equal(tc.cniConfig.name, net.cluster.network.cni.name);
  // Every patch a talconfig references is rendered, and every rendered patch is referenced.
  const referenced = [...tc.patches, ...tc.nodes.flatMap((n: any) => n.patches ?? [])].map((p: string) => `infra/talos/${p.replace(/^@\.\//, '')}`).sort();
  assert.deepEqual(referenced, files.filter((f) => f.path.includes('/patches/')).map((f) => f.path).sort());
});

test('seed 004: comments and headers: generated-by, the secrets are the operator\'s, how to create and encrypt them', () => {
  const { files } = render(seed004());
  const f = byPath(files);
  for (const [p, c] of f) assert.ok(c.startsWith('# Generated by hearth. Do not edit: change the lab spec and run `hearth build`.\n'), `${p} header`);
  const tc = f.get('infra/talos/talconfig.yaml')!;
  assert.match(tc, /^# yaml-language-server: \$schema=https:\/\/raw\.githubusercontent\.com\/budimanjojo\/talhelper\/master\/pkg\/config\/schemas\/talconfig\.json$/m);
  assert.match(tc, /^# {3}talhelper gensecret > talsecret\.sops\.yaml$/m);
  assert.ok(tc.includes(`#   sops --encrypt --in-place --age ${AGE} talsecret.sops.yaml\n`));
  assert.match(tc, /^# {3}talhelper genconfig$/m);
  assert.match(tc, /^# {3}talhelper gencommand bootstrap \| bash$/m);
  assert.equal(f.get('infra/talos/.gitignore'), '# Generated by hearth. Do not edit: change the lab spec and run `hearth build`.\n# talhelper genconfig output and unencrypted secrets.\nclusterconfig/\ntalsecret.yaml\n');
  // The comments are comments: the parsed document has no trace of them.
  assert.ok(!JSON.stringify(parse(tc)).includes('gensecret'));
});

test('no secrets: no secrets file, no key material, no secret-bearing Talos fields', () => {
  const { files } = render(seed004());
  assert.ok(!files.some((f) => /talsecret|secret\.ya?ml|talosconfig|clusterconfig\//.test(f.path)));
  const forbidden = new Set(['secret', 'secrets', 'token', 'ca', 'crt', 'key', 'aescbcEncryptionSecret', 'secretboxEncryptionSecret', 'bootstraptoken', 'trustdinfo', 'certs']);
  const walk = (v: unknown, path: string, keysOnly: boolean): void => {
    if (Array.isArray(v)) v.forEach((x, i) => walk(x, `${path}[${i}]`, keysOnly));
    else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        // A Taint has a `key` field (the taint key): the only place the word is allowed.
        if (forbidden.has(k) && !(k === 'key' && path.endsWith(']'))) assert.fail(`${path}.${k} looks like a secret`);
        walk(x, `${path}.${k}`, keysOnly);
      }
    }
  };
  for (const f of files.filter((x) => x.path.endsWith('.yaml'))) walk(parse(f.contents), f.path, true);
  for (const f of files) assert.doesNotMatch(f.contents, /BEGIN [A-Z ]*PRIVATE KEY|AGE-SECRET-KEY|LS0tLS1CRUdJTi/);
});

test('deterministic: rendering twice gives the same bytes; label order in the spec does not matter', () => {
  const a = render(seed004()).files;
  const b = render(seed004()).files;
  assert.deepEqual(a, b);
  const reordered = seed004();
  reordered.nodes![1] = { ...reordered.nodes![1], labels: { 'hearth.dev/gpu': 'false', 'hearth.dev/storage': 'longhorn' } };
  assert.deepEqual(render(reordered).files, a);
});

test('three control planes, plain Helm: infrastructure/talos, VIP on every control plane, scheduling allowed, Flannel, no schematic', () => {
  const { root, files } = render(threeControlPlanes());
  assert.equal(root, 'infrastructure');
  assert.deepEqual(files.map((f) => f.path), ['infrastructure/talos/.gitignore', 'infrastructure/talos/talconfig.yaml']);
  const tc = yamlOf(files, 'infrastructure/talos/talconfig.yaml');
  assert.deepEqual(errorsOf(tc, TalhelperConfig, 'talconfig'), []);
  assert.equal(tc.endpoint, 'https://10.0.0.10:6443');
  assert.equal(tc.allowSchedulingOnControlPlanes, true);
  assert.deepEqual(tc.clusterPodNets, ['10.42.0.0/16']);
  assert.deepEqual(tc.clusterSvcNets, ['10.43.0.0/16']);
  // Flannel is Talos' own default CNI: no cniConfig, no kube-proxy patch; no Longhorn, bare metal: no extensions.
  for (const k of ['cniConfig', 'patches', 'controlPlane', 'worker']) assert.ok(!(k in tc), `no ${k}`);
  assert.deepEqual(tc.nodes.map((n: any) => [n.hostname, n.controlPlane, n.networkInterfaces[0].addresses[0], n.networkInterfaces[0].vip?.ip]), [
    ['cp-1', true, '10.0.0.11/24', '10.0.0.10'],
    ['cp-2', true, '10.0.0.12/24', '10.0.0.10'],
    ['cp-3', true, '10.0.0.13/24', '10.0.0.10'],
  ]);
  assert.ok(tc.nodes.every((n: any) => !('schematic' in n) && !('nameservers' in n)));
  // Control-plane taints go through Talos' nodeTaints: "value:Effect", or the effect alone without a value.
  assert.deepEqual(tc.nodes[0].nodeTaints, { dedicated: 'ai:NoExecute', 'nvidia.com/gpu': 'NoSchedule' });
  assert.deepEqual(tc.nodes[0].nodeLabels, { 'hearth.dev/gpu': 'true', zone: 'rack-a' });
  assert.ok(!('nodeTaints' in tc.nodes[1]) && !('nodeLabels' in tc.nodes[1]));
});

test('without a VIP the endpoint is the first control plane; no vip on interfaces', () => {
  const input = threeControlPlanes();
  input.cluster = { ...input.cluster!, vip: undefined };
  const tc = yamlOf(render(input).files, 'infrastructure/talos/talconfig.yaml');
  assert.equal(tc.endpoint, 'https://10.0.0.11:6443');
  assert.ok(tc.nodes.every((n: any) => !('vip' in n.networkInterfaces[0])));
});

test('schematics: per node when a group mixes Proxmox VMs and bare metal; Calico: no CNI, kube-proxy kept', () => {
  const input = seed004({ cluster: { name: 'mixed', distribution: 'talos', controlPlane: ['talos-cp-1', 'metal-1'], workers: [], cni: 'calico', vip: '192.168.1.20' } });
  input.hosts = [...input.hosts!, { name: 'metal-1', role: 'bare-metal', platform: 'talos', cpu: 8, memory: '32Gi' }];
  input.nodes = [input.nodes![0], { name: 'metal-1', kind: 'bare-metal', host: 'metal-1', cpu: 8, memory: '32Gi', ip: '192.168.1.23' }];
  input.storage = { default: 'longhorn', classes: [{ name: 'longhorn', type: 'longhorn', replicas: 2, dataPath: '/var/mnt/longhorn' }] };
  const { files } = render(input);
  const tc = yamlOf(files, 'infra/talos/talconfig.yaml');
  assert.deepEqual(errorsOf(tc, TalhelperConfig, 'talconfig'), []);
  assert.ok(!('controlPlane' in tc) && !('worker' in tc));
  assert.deepEqual(tc.nodes.map((n: any) => n.schematic.customization.systemExtensions.officialExtensions), [
    LONGHORN_EXTENSIONS,
    ['siderolabs/iscsi-tools', 'siderolabs/util-linux-tools'],
  ]);
  assert.equal(tc.allowSchedulingOnControlPlanes, true);
  assert.deepEqual(yamlOf(files, 'infra/talos/patches/cluster-network.yaml'), { cluster: { network: { cni: { name: 'none' } } } });
  // A Longhorn data path of its own is mounted too, beside Longhorn's default.
  assert.deepEqual(yamlOf(files, 'infra/talos/patches/longhorn.yaml').machine.kubelet.extraMounts.map((m: any) => m.destination), ['/var/lib/longhorn', '/var/mnt/longhorn']);
});

test('versions: Talos line pins its Kubernetes; cluster.version wins; unsupported pairs and unknown lines are flagged', () => {
  assert.equal(kubernetesVersionFor('v1.11.5', undefined), 'v1.34.1');
  assert.equal(kubernetesVersionFor('v1.12.2', undefined), 'v1.35.0');
  assert.equal(kubernetesVersionFor('v1.11.5', 'v1.33.6'), 'v1.33.6');
  assert.equal(kubernetesVersionFor('v1.11.5', '1.32.4'), 'v1.32.4');
  assert.equal(kubernetesVersionFor('v1.9.6', undefined), undefined);
  assert.equal(talosSupportsKubernetes('v1.11.5', 'v1.34.1'), true);
  assert.equal(talosSupportsKubernetes('v1.11.5', 'v1.29.0'), true);
  assert.equal(talosSupportsKubernetes('v1.11.5', 'v1.35.0'), false);
  assert.equal(talosSupportsKubernetes('v1.11.5', 'v1.28.9'), false);
  assert.equal(talosSupportsKubernetes('v1.12.2', 'v1.35.0'), true);
  assert.equal(talosSupportsKubernetes('v1.9.6', 'v1.32.0'), undefined);

  const v112 = seed004();
  v112.cluster = { ...v112.cluster!, talos: { version: 'v1.12.2', installDisk: '/dev/vda' } };
  const a = yamlOf(render(v112).files, 'infra/talos/talconfig.yaml');
  assert.deepEqual([a.talosVersion, a.kubernetesVersion, a.nodes[0].installDisk], ['v1.12.2', 'v1.35.0', '/dev/vda']);

  const tooNew = seed004();
  tooNew.cluster = { ...tooNew.cluster!, version: 'v1.35.0' };
  const t = byPath(render(tooNew).files).get('infra/talos/talconfig.yaml')!;
  assert.equal(parse(t).kubernetesVersion, 'v1.35.0');
  assert.match(t, /^# WARNING: Talos v1\.11\.5 supports Kubernetes 1\.29-1\.34; v1\.35\.0 \(cluster\.version\) is outside that range\.$/m);
  assert.doesNotMatch(byPath(render(seed004()).files).get('infra/talos/talconfig.yaml')!, /WARNING/);

  const old = seed004();
  old.cluster = { ...old.cluster!, talos: { version: 'v1.9.6', installDisk: '/dev/sda' } };
  const o = byPath(render(old).files).get('infra/talos/talconfig.yaml')!;
  assert.ok(!('kubernetesVersion' in parse(o)));
  assert.match(o, /^# kubernetesVersion is left to Talos v1\.9\.6's default/m);
});

test('a K3s cluster gets no Talos files', () => {
  const r = renderWith([], testLab([]));
  assert.deepEqual(renderTalos(r.model!, 'infra'), []);
});

test('the schema check can fail: unknown and missing talhelper fields are reported', () => {
  const { files } = render(seed004());
  const tc = yamlOf(files, 'infra/talos/talconfig.yaml');
  const broken = structuredClone(tc);
  broken.nodes[0].ip = broken.nodes[0].ipAddress;
  delete broken.nodes[0].ipAddress;
  broken.nodes[1].networkInterfaces[0].gateway = '192.168.1.1';
  delete broken.endpoint;
  assert.deepEqual(errorsOf(broken, TalhelperConfig, 'talconfig').sort(), [
    'talconfig.endpoint: required',
    'talconfig.nodes[0].ip: unknown field',
    'talconfig.nodes[0].ipAddress: required',
    'talconfig.nodes[1].networkInterfaces[0].gateway: unknown field',
  ]);
  assert.deepEqual(errorsOf({ cluster: { network: { cni: { name: 'cilium' } } } }, ConfigPatch, 'p'), ['p.cluster.network.cni.name: "cilium" not one of flannel, custom, none']);
});
