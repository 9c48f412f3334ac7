/**
 * The lab spec, written once with zod. Everything else derives from it: the
 * TypeScript types `defineLab()` checks, the JSON Schema `hearth schema`
 * prints for editors, and the first validation pass of `hearth validate`.
 *
 * Shape: one lab = the machines (hosts, nodes), at most one Kubernetes
 * cluster, the platform around it (network, ingress, tls, remote access,
 * storage, gitops, observability), the workloads (namespaces, apps) and the
 * paper trail (requirements, decisions). Later stages add their own blocks
 * (backups, secrets) beside these without changing them.
 */
import { z } from 'zod';
import { BYTES_RE, CPU_RE } from '../lib/quantity.js';

/** DNS-1123 label: what Kubernetes accepts for most object names. */
export const NAME_RE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

const name = z
  .string()
  .max(63)
  .regex(NAME_RE)
  .describe('A lowercase DNS-1123 label: a-z, 0-9 and "-", starting and ending with a letter or digit, at most 63 characters.');

const ipv4 = z
  .string()
  .regex(/^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/)
  .describe('An IPv4 address such as 192.168.2.20.');

const cidr = z
  .string()
  .regex(/^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}\/([0-9]|[12][0-9]|3[0-2])$/)
  .describe('An IPv4 network in CIDR notation such as 192.168.2.0/24.');

const bytes = z.string().regex(BYTES_RE).describe('A size as a Kubernetes quantity: 512Mi, 8Gi, 2Ti.');
const cpu = z
  .union([z.number().positive(), z.string().regex(CPU_RE)])
  .describe('CPU cores: 4, 0.5 or 500m.');

const domainName = z
  .string()
  .max(253)
  .regex(/^(?=.{1,253}$)([a-z0-9]([-a-z0-9]*[a-z0-9])?)(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)+$/)
  .describe('A DNS domain such as home.example.com.');

const labels = z.record(z.string(), z.string()).describe('Kubernetes labels.');

/**
 * A reference to a value held in a Kubernetes Secret: hearth never takes a
 * secret value in the spec, only where to find it.
 */
export const SecretRef = z
  .strictObject({
    secret: name.describe('Name of the Secret (in the namespace of the component that reads it).'),
    key: z.string().min(1).max(253).describe('Key inside the Secret.'),
  })
  .describe('Where a secret value lives: a Secret name and key. Values never appear in the spec.');

const Gpu = z.strictObject({
  vendor: z.enum(['nvidia', 'amd', 'intel', 'apple']).describe('GPU vendor.'),
  model: z.string().optional().describe('Model, e.g. "RTX 3060".'),
  count: z.number().int().positive().default(1).describe('Number of GPUs.'),
});

const Disk = z.strictObject({
  name: name,
  size: bytes,
  type: z.enum(['nvme', 'ssd', 'hdd']).default('ssd'),
  description: z.string().optional(),
});

const StorageTier = z.strictObject({
  name: name.describe('Tier name, e.g. "nvme" or "raid" (seed 002).'),
  path: z.string().startsWith('/').describe('Mount point or share path on the host.'),
  size: bytes.optional(),
  media: z.enum(['nvme', 'ssd', 'hdd', 'mixed']).optional(),
  redundancy: z.enum(['none', 'mirror', 'raid5', 'raid6', 'raid10', 'raidz1', 'raidz2', 'shr', 'shr2']).optional(),
  description: z.string().optional(),
});

/** Proxmox guest id (VMID). */
const vmid = z.number().int().min(100).max(999999999).describe('Proxmox VMID (100-999999999).');
const datastore = z.string().regex(/^[A-Za-z][A-Za-z0-9._-]*$/).describe('A Proxmox datastore id, e.g. local-lvm.');
const bridgeName = z.string().regex(/^[A-Za-z][A-Za-z0-9._-]{0,14}$/);

const GuestNetwork = z
  .strictObject({
    bridge: bridgeName.optional().describe("Bridge to attach to. Default: the host's proxmox.bridge."),
    vlan: z.number().int().min(1).max(4094).optional().describe('VLAN tag (one of network.vlans).'),
    vnet: name.optional().describe('SDN VNet to attach to (infrastructure.proxmox.sdn.vnets) instead of a bridge.'),
  })
  .describe('Where the guest attaches.');

const DataDisk = z.strictObject({
  name: name,
  size: bytes,
  datastore: datastore.optional().describe("Default: the host's proxmox.datastore."),
  backupTier: z.number().int().min(1).max(4).optional().describe('Backup tier (seed 004: 1 = most frequent); tagged on the disk.'),
  description: z.string().optional(),
});

const Vm = z.strictObject({
  id: vmid.optional(),
  template: name.optional().describe('Template to clone (infrastructure.proxmox.templates). Default: the first one.'),
  dataDisks: z.array(DataDisk).default([]).describe('Extra disks beside the system disk (seed 004: data_disk_vm).'),
  network: GuestNetwork.default({}),
  onBoot: z.boolean().default(true),
});

const LxcMount = z.strictObject({
  tier: name.describe("A storage tier of the host (hosts[].storage) whose path is bind-mounted."),
  path: z.string().regex(/^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/).optional().describe('Sub-directory under the tier. Default: the node name.'),
  mountPoint: z.string().regex(/^\/[A-Za-z0-9._/-]*$/).describe('Where it appears inside the container.'),
  readOnly: z.boolean().default(false),
});

const Lxc = z.strictObject({
  id: vmid.optional(),
  template: z.string().regex(/^[A-Za-z][A-Za-z0-9._-]*:vztmpl\/[A-Za-z0-9._+-]+$/).describe('OS template volume: local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst'),
  unprivileged: z.boolean().default(true).describe('Unprivileged (uid-mapped) container. Privileged only where an app cannot run otherwise.'),
  features: z
    .strictObject({
      nesting: z.boolean().default(false).describe('Containers inside (Docker, systemd sandboxing).'),
      keyctl: z.boolean().default(false),
      fuse: z.boolean().default(false),
    })
    .default({ nesting: false, keyctl: false, fuse: false }),
  mounts: z.array(LxcMount).default([]).describe('Bind mounts of host storage tiers (seed 002: NVMe and RAID).'),
  services: z.array(z.string().min(1)).default([]).describe('What runs inside (for docs and review).'),
  network: GuestNetwork.default({}),
  onBoot: z.boolean().default(true),
});

export const Host = z
  .strictObject({
    name: name,
    role: z.enum(['hypervisor', 'nas', 'bare-metal', 'workstation']).describe('What the machine is in the lab.'),
    platform: z
      .enum(['proxmox', 'synology', 'truenas', 'unraid', 'macos', 'linux', 'talos', 'other'])
      .optional()
      .describe('Operating system or appliance.'),
    model: z.string().optional().describe('Hardware model, e.g. "DS920+" or "Mac Mini M4".'),
    cpu: z.number().int().positive().describe('CPU threads available to workloads.'),
    memory: bytes.describe('Memory available to workloads, e.g. 53Gi.'),
    ip: ipv4.optional(),
    disks: z.array(Disk).default([]),
    storage: z.array(StorageTier).default([]).describe('Storage tiers or shares the host offers (mount points, NFS exports).'),
    gpu: Gpu.optional(),
    proxmox: z
      .strictObject({
        node: name.optional().describe('Proxmox node name. Default: the host name.'),
        datastore: datastore.default('local-lvm').describe('Datastore for VM disks and container root filesystems.'),
        snippets: datastore.default('local').describe('Datastore with the "snippets" content type, for cloud-init user data.'),
        bridge: bridgeName.default('vmbr0').describe('Linux bridge guests attach to.'),
        interface: z.string().regex(/^[a-z][a-z0-9._-]{0,14}$/).optional().describe('Physical interface of the SDN underlay (OSPF), e.g. enp1s0.'),
      })
      .optional()
      .describe('Proxmox VE settings of a hypervisor host.'),
    description: z.string().optional(),
  })
  .describe('A physical machine: hypervisor, NAS, bare-metal node or workstation.');

export const Node = z
  .strictObject({
    name: name.describe('Hostname; also the Kubernetes node name.'),
    kind: z.enum(['vm', 'lxc', 'bare-metal']).describe('How the node runs on its host.'),
    host: name.describe('The host it runs on (for bare-metal: the host it is).'),
    cpu: z.number().int().positive().describe('vCPUs allocated.'),
    memory: bytes.describe('Memory allocated.'),
    disk: bytes.optional().describe('System disk size.'),
    ip: ipv4,
    gpu: Gpu.optional().describe('A GPU passed through to this node.'),
    labels: labels.default({}),
    taints: z
      .array(z.string().regex(/^[A-Za-z0-9./_-]+(=[A-Za-z0-9._-]*)?:(NoSchedule|PreferNoSchedule|NoExecute)$/))
      .default([])
      .describe('Taints as key=value:Effect.'),
    vm: Vm.optional().describe('Proxmox VM settings (kind: vm on a Proxmox host).'),
    lxc: Lxc.optional().describe('Proxmox container settings (kind: lxc).'),
    description: z.string().optional(),
  })
  .describe('A machine that runs workloads: a VM or LXC on a host, or the host itself.');

export const Cluster = z
  .strictObject({
    name: name.describe('Cluster name; the Flux layout writes clusters/<name>/.'),
    distribution: z.enum(['k3s', 'talos']),
    version: z.string().optional().describe('Kubernetes / distribution version, e.g. v1.31.4+k3s1.'),
    controlPlane: z.array(name).min(1).describe('Nodes running the control plane.'),
    workers: z.array(name).default([]).describe('Worker nodes.'),
    datastore: z
      .strictObject({
        type: z.enum(['embedded-etcd', 'sqlite', 'external-postgres']).default('embedded-etcd'),
        endpoint: z.string().optional().describe('For external-postgres: host:port of the database.'),
      })
      .default({ type: 'embedded-etcd' })
      .describe('Where cluster state lives.'),
    cni: z.enum(['flannel', 'cilium', 'calico']).optional().describe('Pod network. Default: flannel.'),
    vip: ipv4.optional().describe('Virtual IP for the API server (Talos VIP, kube-vip).'),
    apiServer: z
      .strictObject({
        exposure: z.enum(['lan', 'vpn', 'public']).default('lan').describe('Who can reach the Kubernetes API.'),
      })
      .default({ exposure: 'lan' }),
    podCidr: cidr.optional(),
    serviceCidr: cidr.optional(),
    k3s: z
      .strictObject({
        etcdSnapshots: z
          .strictObject({
            schedule: z.string().default('0 */12 * * *').describe('Cron schedule (seed 001: every 12 hours).'),
            retention: z.number().int().min(1).max(1000).default(14).describe('Snapshots kept (seed 001: 14, 7 days).'),
            dir: z.string().regex(/^\/[A-Za-z0-9._/-]*$/).optional().describe('Where snapshots go, e.g. an NFS mount: /mnt/k3s-snapshots.'),
          })
          .optional()
          .describe('Embedded-etcd snapshots.'),
        tlsSan: z.array(z.string().min(1)).default([]).describe('Extra names or addresses on the API server certificate.'),
      })
      .optional()
      .describe('K3s settings.'),
    talos: z
      .strictObject({
        version: z.string().regex(/^v[0-9]+\.[0-9]+\.[0-9]+$/).optional().describe('Talos version, e.g. v1.11.5.'),
        installDisk: z.string().regex(/^\/dev\/[A-Za-z0-9/_-]+$/).default('/dev/sda'),
      })
      .optional()
      .describe('Talos settings.'),
  })
  .describe('The Kubernetes cluster.');

const Vlan = z.strictObject({
  id: z.number().int().min(1).max(4094),
  name: name,
  cidr: cidr.optional(),
  description: z.string().optional(),
});

export const Network = z
  .strictObject({
    cidr: cidr.describe('The lab LAN.'),
    gateway: ipv4,
    dns: z
      .strictObject({
        servers: z.array(ipv4).default([]),
        provider: z.enum(['router', 'nextdns', 'pihole', 'adguard', 'cloudflare', 'other']).optional(),
      })
      .default({ servers: [] }),
    vlans: z.array(Vlan).default([]),
    loadBalancer: z
      .strictObject({
        provider: z.enum(['metallb']).default('metallb'),
        mode: z.enum(['l2', 'bgp']).default('l2'),
        pool: z
          .string()
          .describe('Addresses handed to LoadBalancer services: a range "192.168.2.100-192.168.2.120" or a CIDR.'),
        bgp: z
          .strictObject({
            myAsn: z.number().int().positive(),
            peers: z.array(z.strictObject({ address: ipv4, asn: z.number().int().positive() })).min(1),
          })
          .optional(),
      })
      .optional(),
    policy: z
      .enum(['default-deny', 'allow-all'])
      .default('default-deny')
      .describe('NetworkPolicy stance for app namespaces: default-deny plus allows derived from dependencies, or none.'),
  })
  .describe('The lab network.');

export const Ingress = z
  .strictObject({
    controller: z.enum(['traefik', 'ingress-nginx']),
    bundled: z
      .boolean()
      .default(false)
      .describe('Use the controller the distribution ships (K3s Traefik) instead of a hearth-managed chart.'),
    ip: ipv4.optional().describe('LoadBalancer IP for the controller; must lie in network.loadBalancer.pool.'),
    className: name.optional().describe('IngressClass name. Default: the controller name (nginx for ingress-nginx).'),
  })
  .describe('The ingress controller.');

const LetsEncrypt = z.strictObject({
  name: name,
  type: z.literal('letsencrypt'),
  email: z.email(),
  environment: z.enum(['production', 'staging']).default('production'),
  solver: z.enum(['http01', 'dns01-cloudflare']).default('http01'),
  cloudflareApiToken: SecretRef.optional().describe('For dns01-cloudflare: the API token Secret (in the cert-manager namespace).'),
  dnsZones: z.array(domainName).default([]).describe('Restrict the issuer to these DNS zones.'),
});

const SelfSignedCa = z.strictObject({
  name: name,
  type: z.literal('selfsigned-ca'),
  commonName: z.string().optional().describe('CA common name. Default: "<lab> CA".'),
});

export const Issuer = z.discriminatedUnion('type', [LetsEncrypt, SelfSignedCa]);

export const Tls = z
  .strictObject({
    issuers: z.array(Issuer).min(1),
    default: name.optional().describe('Issuer for ingresses that do not name one. Default: the first.'),
  })
  .describe('TLS certificates through cert-manager.');

export const RemoteAccess = z
  .discriminatedUnion('type', [
    z.strictObject({ type: z.literal('none') }),
    z.strictObject({
      type: z.literal('tailscale'),
      mode: z.enum(['subnet-router', 'operator']).default('operator'),
      advertiseRoutes: z.array(cidr).default([]),
    }),
    z.strictObject({
      type: z.literal('cloudflare-tunnel'),
      tunnel: z.string().min(1).describe('Tunnel name.'),
      credentials: SecretRef.optional().describe('Secret holding the tunnel credentials JSON.'),
    }),
  ])
  .describe('How the lab is reached from outside.');

const NfsClass = z.strictObject({
  name: name,
  type: z.literal('nfs'),
  server: z.string().min(1).describe('NFS server: an IPv4 address or the name of a host in hosts.'),
  path: z.string().startsWith('/'),
  reclaimPolicy: z.enum(['Delete', 'Retain']).default('Delete'),
  archiveOnDelete: z.boolean().default(false),
  mountOptions: z.array(z.string()).default([]),
});
const LonghornClass = z.strictObject({
  name: name,
  type: z.literal('longhorn'),
  replicas: z.number().int().min(1).max(10).default(3),
  reclaimPolicy: z.enum(['Delete', 'Retain']).default('Delete'),
  dataPath: z.string().startsWith('/').optional(),
});
const LocalPathClass = z.strictObject({
  name: name,
  type: z.literal('local-path'),
  path: z.string().startsWith('/').optional().describe('Directory on each node. Default: the distribution default.'),
  reclaimPolicy: z.enum(['Delete', 'Retain']).default('Delete'),
});

export const StorageClass = z.discriminatedUnion('type', [NfsClass, LonghornClass, LocalPathClass]);

export const Storage = z
  .strictObject({
    default: name.optional().describe('Default StorageClass. Default: the first class.'),
    classes: z.array(StorageClass).min(1),
  })
  .describe('Storage classes.');

export const GitOps = z
  .strictObject({
    engine: z.enum(['flux', 'argocd', 'none']).describe('flux, argocd, or none for plain Helm scripts.'),
    repo: z
      .strictObject({
        url: z.string().regex(/^(https:\/\/|ssh:\/\/|git@)\S+$/),
        branch: z.string().min(1).default('main'),
        path: z.string().default('').describe('Subdirectory of the repository that holds the rendered tree.'),
      })
      .optional()
      .describe('The Git repository the rendered tree is pushed to (required for flux and argocd).'),
    interval: z
      .string()
      .regex(/^[0-9]+(s|m|h)$/)
      .default('10m')
      .describe('Reconcile interval.'),
  })
  .describe('How the rendered tree reaches the cluster.');

const Persist = z.strictObject({
  class: name.optional().describe('StorageClass. Default: storage.default.'),
  size: bytes.optional(),
});

const Receiver = z.discriminatedUnion('type', [
  z.strictObject({
    name: name,
    type: z.literal('email'),
    to: z.email(),
    from: z.email(),
    smarthost: z.string().regex(/^[^\s:]+:\d+$/).describe('host:port of the SMTP server.'),
    username: z.string().optional(),
    password: SecretRef.optional(),
  }),
  z.strictObject({ name: name, type: z.literal('slack'), channel: z.string().min(1), webhookUrl: SecretRef }),
  z.strictObject({ name: name, type: z.literal('telegram'), chatId: z.number().int(), botToken: SecretRef }),
  z.strictObject({ name: name, type: z.literal('discord'), webhookUrl: SecretRef }),
  z.strictObject({ name: name, type: z.literal('webhook'), url: SecretRef }),
]);

export const Observability = z
  .strictObject({
    metrics: z
      .strictObject({
        enabled: z.boolean().default(true),
        retention: z.string().regex(/^[0-9]+(h|d|w|y)$/).default('15d'),
        storage: Persist.default({}),
        grafana: z.boolean().default(true).describe('Deploy Grafana (with an ingress when an ingress controller exists).'),
      })
      .default({ enabled: true, retention: '15d', storage: {}, grafana: true }),
    logs: z
      .strictObject({
        enabled: z.boolean().default(false),
        retention: z.string().regex(/^[0-9]+(h|d|w)$/).default('7d'),
        storage: Persist.default({}),
      })
      .default({ enabled: false, retention: '7d', storage: {} }),
    alerts: z
      .strictObject({
        receivers: z.array(Receiver).default([]),
        default: name.optional().describe('Receiver for alerts no route matches. Default: the first.'),
      })
      .default({ receivers: [] }),
  })
  .describe('Metrics (kube-prometheus-stack), logs (Loki + Alloy) and alerting.');

const Resources = z.strictObject({
  requests: z.strictObject({ cpu: cpu.optional(), memory: bytes.optional() }).optional(),
  limits: z.strictObject({ cpu: cpu.optional(), memory: bytes.optional() }).optional(),
});

export const Namespace = z.strictObject({
  name: name,
  description: z.string().optional(),
  labels: labels.default({}),
  quota: z
    .strictObject({
      cpu: cpu.optional(),
      memory: bytes.optional(),
      storage: bytes.optional(),
      pods: z.number().int().positive().optional(),
    })
    .optional()
    .describe('A ResourceQuota on requests (and limits at the same values).'),
  limits: z
    .strictObject({
      defaultRequest: z.strictObject({ cpu: cpu.optional(), memory: bytes.optional() }).optional(),
      default: z.strictObject({ cpu: cpu.optional(), memory: bytes.optional() }).optional(),
    })
    .optional()
    .describe('A LimitRange with container defaults.'),
  networkPolicy: z.enum(['default-deny', 'allow-all']).optional().describe('Override network.policy for this namespace.'),
});

export const App = z
  .strictObject({
    name: name.describe('Instance name; objects are named {name}-{component}.'),
    module: z.string().min(1).optional().describe('Catalog module (`hearth catalog`). Default: the name.'),
    namespace: name,
    host: name.optional().describe('Subdomain for the ingress. Default: the app name.'),
    expose: z
      .enum(['none', 'internal', 'lan', 'public'])
      .optional()
      .describe('none: no Service outside; internal: cluster only; lan: ingress on the LAN; public: reachable from the internet.'),
    issuer: name.optional().describe('cert-manager issuer for this app. Default: tls.default.'),
    storage: name.optional().describe('StorageClass for the app volumes. Default: storage.default.'),
    volumes: z.record(z.string(), Persist).default({}).describe('Per-volume overrides keyed by the module volume name.'),
    replicas: z.number().int().min(0).optional(),
    resources: Resources.optional(),
    dependsOn: z.array(name).default([]).describe('Other apps this one needs.'),
    requirements: z.array(z.string()).default([]).describe('Requirement ids this app satisfies.'),
    config: z.record(z.string(), z.unknown()).default({}).describe('Module settings; see `hearth catalog <module>`.'),
    values: z.record(z.string(), z.unknown()).default({}).describe('Chart values merged over what hearth renders.'),
    nodeSelector: labels.optional(),
    gpu: z.boolean().optional().describe('Schedule on a GPU node and request a GPU.'),
  })
  .describe('A workload from the catalog.');

export const ComponentOverride = z.strictObject({
  enabled: z.boolean().optional().describe('Turn a platform component off even when the spec implies it.'),
  namespace: name.optional(),
  version: z.string().min(1).optional().describe('Chart version override.'),
  values: z.record(z.string(), z.unknown()).default({}).describe('Chart values merged over what hearth renders.'),
});

const storeSecretRef = z.strictObject({
  secret: name.describe('Secret name.'),
  key: z.string().min(1).max(253).regex(/^[-._a-zA-Z0-9]+$/).describe('Key inside the Secret.'),
  namespace: name.optional().describe('Namespace of the Secret. Default: the namespace of the External Secrets Operator.'),
});

const httpUrl = z.url({ protocol: /^https?$/ });
const kvPath = z.string().regex(/^[A-Za-z0-9_][A-Za-z0-9_./-]*$/);

/** Vault's KV engine and how the External Secrets Operator logs in to it. */
export const VaultServer = z.strictObject({
  server: httpUrl.describe('Vault address, e.g. http://vault.security.svc.cluster.local:8200.'),
  path: kvPath.default('secret').describe('Mount path of the KV engine.'),
  version: z.enum(['v1', 'v2']).default('v2').describe('KV engine version.'),
  auth: z
    .discriminatedUnion('method', [
      z.strictObject({
        method: z.literal('kubernetes'),
        mountPath: kvPath.default('kubernetes').describe('Mount path of the Kubernetes auth method.'),
        role: z.string().min(1).max(128).describe('Vault role bound to the operator service account.'),
      }),
      z.strictObject({ method: z.literal('token'), token: storeSecretRef.describe('Secret holding a Vault token.') }),
    ])
    .describe('kubernetes (a role bound to the operator\'s service account) or token (a Secret holding a Vault token).'),
});

/** A ClusterSecretStore: 1Password Connect or Vault. Shared by secrets.externalSecrets and the external-secrets app module. */
export const SecretStore = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('onepassword'),
    name: name.default('onepassword').describe('ClusterSecretStore name.'),
    connectHost: httpUrl.describe('1Password Connect server URL, e.g. http://onepassword-connect.secrets.svc.cluster.local:8080.'),
    vaults: z.array(z.string().min(1)).min(1).describe('1Password vaults to search, in order.'),
    token: storeSecretRef.describe('Secret holding the Connect access token.'),
  }),
  VaultServer.extend({ type: z.literal('vault'), name: name.default('vault').describe('ClusterSecretStore name.') }),
]);

const SecretSource = z.union([
  z.strictObject({ env: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/).describe('Read the value from this environment variable at build time.') }),
  z.strictObject({ file: z.string().min(1).describe('Read the value from this file, outside the repository (~ and paths relative to the spec work); one trailing newline is dropped.') }),
  z.strictObject({
    remote: z
      .strictObject({
        key: z.string().min(1).describe('Item (1Password) or path under the KV mount (Vault).'),
        property: z.string().min(1).optional().describe('Field of the item. Default: the Secret key.'),
      })
      .describe('With external-secrets or vault: read this item of the store instead of the default {namespace}-{name} item.'),
  }),
  z.strictObject({
    generate: z
      .strictObject({ length: z.number().int().min(12).max(256).default(32), charset: z.enum(['alphanumeric', 'hex']).default('alphanumeric') })
      .describe('Generate a random value once; it is kept, encrypted, in hearth.secrets.lock.'),
  }),
]);

export const SecretValue = z.strictObject({
  name: name,
  namespace: name,
  type: z.string().optional().describe('Secret type, e.g. kubernetes.io/dockerconfigjson. Default: Opaque.'),
  data: z
    .record(z.string().regex(/^[-._a-zA-Z0-9]+$/), SecretSource)
    .describe('Keys and where their values come from: { env: VAR }, { file: path }, { generate: { length: 32 } }, or with a store { remote: { key, property } }.'),
});

export const Secrets = z
  .strictObject({
    mechanism: z
      .enum(['none', 'sealed-secrets', 'sops', 'external-secrets', 'vault'])
      .default('none')
      .describe(
        'How Secrets reach the cluster: sealed-secrets (SealedSecret objects), sops (age-encrypted Secrets, decrypted by Flux or deploy-all.sh), external-secrets (ExternalSecret objects read from 1Password Connect or Vault), vault (Vault holds every value: ExternalSecrets for what charts read, Vault Agent injection for the lab\'s own containers), or none (created by hand).',
      ),
    sealedSecrets: z
      .strictObject({
        certificate: z.string().min(1).describe("The controller's public sealing certificate (kubeseal --fetch-cert > sealed-secrets.pem), relative to the spec."),
        scope: z.enum(['strict', 'namespace-wide', 'cluster-wide']).default('strict'),
      })
      .optional(),
    externalSecrets: z
      .strictObject({
        store: SecretStore.describe('The ClusterSecretStore every ExternalSecret reads from.'),
        refreshInterval: z.string().regex(/^([0-9]+(s|m|h))+$/).default('1h').describe('How often the operator re-reads the store: 1h, 15m.'),
        remoteKey: z
          .string()
          .regex(/\{name\}/)
          .default('{namespace}-{name}')
          .describe('The store item (1Password) or path (Vault) of a Secret, from {namespace} and {name}; each Secret key is a field of it.'),
      })
      .optional(),
    vault: VaultServer.extend({
      refreshInterval: z.string().regex(/^([0-9]+(s|m|h))+$/).default('1h').describe('How often the operator re-reads Vault: 1h, 15m.'),
      remoteKey: z.string().regex(/\{name\}/).default('{namespace}/{name}').describe('The KV path of a Secret, from {namespace} and {name}; each Secret key is a field.'),
    })
      .optional()
      .describe('Vault for the vault mechanism: its KV engine and how the operator logs in.'),
    sops: z.strictObject({ recipients: z.array(z.string()).min(1).describe('age recipients (age1...) that can decrypt.') }).optional(),
    values: z.array(SecretValue).default([]).describe('Secrets the lab needs beyond those catalog modules request.'),
  })
  .describe('Secrets: values come from the environment, files outside the repository, or are generated once; never plaintext in git.');

const sshPublicKey = z
  .string()
  .regex(/^(ssh-ed25519|ssh-rsa|ecdsa-sha2-nistp(256|384|521)|sk-ssh-ed25519@openssh\.com) [A-Za-z0-9+/=]+( [^\n]*)?$/)
  .describe('An SSH public key line (never a private key).');

const Template = z.strictObject({
  name: name,
  vmId: vmid,
  host: name.describe('Proxmox host the template is built on.'),
  os: z.enum(['ubuntu-24.04', 'debian-12', 'talos']).default('ubuntu-24.04'),
  iso: z.string().regex(/^[A-Za-z][A-Za-z0-9._-]*:iso\/[A-Za-z0-9._+-]+$/).optional().describe('Installer ISO volume for Packer, e.g. local:iso/ubuntu-24.04.3-live-server-amd64.iso.'),
  disk: bytes.default('20Gi'),
});

const Sdn = z.strictObject({
  zone: z
    .strictObject({
      name: z.string().regex(/^[a-z][a-z0-9]{0,7}$/).describe('Zone id: up to 8 lowercase letters and digits (Proxmox limit).'),
      type: z.enum(['evpn', 'vxlan']).default('evpn'),
      mtu: z.number().int().min(1280).max(9000).default(1450),
    })
    .describe('The SDN zone (seed 000: EVPN-VXLAN).'),
  controller: z
    .strictObject({
      name: z.string().regex(/^[a-z][a-z0-9]{0,7}$/).default('evpn'),
      asn: z.number().int().min(1).max(4294967294).describe('BGP AS of the EVPN overlay (seed 000: 65000).'),
    })
    .optional()
    .describe('EVPN controller; its peers are the hypervisor hosts.'),
  vnets: z
    .array(
      z.strictObject({
        name: z.string().regex(/^[a-z][a-z0-9]{0,7}$/).describe('VNet id: up to 8 lowercase letters and digits (Proxmox limit).'),
        vni: z.number().int().min(1).max(16777215).describe('VXLAN network identifier.'),
        cidr: cidr.optional(),
        gateway: ipv4.optional(),
        description: z.string().optional(),
      }),
    )
    .min(1),
  underlay: z
    .strictObject({
      protocol: z.literal('ospf').default('ospf'),
      area: z.string().regex(/^[0-9]+(\.[0-9]+){3}$|^[0-9]+$/).default('0.0.0.0'),
    })
    .default({ protocol: 'ospf', area: '0.0.0.0' })
    .describe('Routing between the hypervisors that carries the overlay (FRR).'),
});

export const Infrastructure = z
  .strictObject({
    tool: z.enum(['opentofu', 'terraform']).default('opentofu').describe('Which CLI the docs and scripts call (the HCL is the same).'),
    ssh: z
      .strictObject({
        user: z.string().regex(/^[a-z_][a-z0-9_-]{0,31}$/).default('hearth').describe('Admin user created on VMs.'),
        keys: z.array(sshPublicKey).min(1),
      })
      .optional()
      .describe('Access to the machines hearth provisions.'),
    proxmox: z
      .strictObject({
        endpoint: z.url({ protocol: /^https$/ }).describe('Proxmox VE API URL, e.g. https://192.168.1.10:8006/'),
        insecure: z.boolean().default(false).describe('Accept a self-signed API certificate.'),
        templates: z.array(Template).default([]).describe('VM templates VMs are cloned from (built with Packer).'),
        sdn: Sdn.optional(),
      })
      .optional(),
    lima: z
      .strictObject({
        vmType: z.enum(['vz', 'qemu']).default('vz'),
        network: z.enum(['bridged', 'shared']).default('bridged').describe('socket_vmnet mode: bridged gives each VM a LAN address (seed 003).'),
        interface: z.string().regex(/^[a-z][a-z0-9]{0,14}$/).default('en0').describe('macOS interface bridged to.'),
        image: z
          .strictObject({ url: z.url({ protocol: /^https$/ }), digest: z.string().regex(/^sha256:[a-f0-9]{64}$/).optional() })
          .optional()
          .describe('Cloud image. Default: Ubuntu 24.04 for the host architecture.'),
      })
      .optional(),
  })
  .describe('How the machines are made: Proxmox VMs, containers and SDN, Lima VMs, VM templates.');

const duration = z.string().regex(/^[0-9]+(m|h|d|w)$/).describe('A duration: 15m, 1h, 24h, 7d, 2w.');

const BackupTarget = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('restic'),
    name: name,
    repository: z.string().min(1).describe('A restic repository: a path (on a NAS mount), sftp:user@host:/path, rest:https://host/, s3:https://host/bucket.'),
    offsite: z.boolean().optional().describe('Outside the lab (another site, a cloud). Default: judged from the repository (s3:/b2: and public hosts are off-site).'),
    host: name.optional().describe('The host (hosts[].name) whose disks hold a path repository, for failure domains.'),
    password: SecretRef.describe('Secret and key holding the repository password.'),
    ssh: name.optional().describe('For sftp: repositories reached from the cluster: a Secret with keys id_ed25519 and known_hosts (the backup jobs mount it as ~/.ssh).'),
  }),
  z.strictObject({
    type: z.literal('s3'),
    name: name,
    endpoint: z.url({ protocol: /^https?$/ }).describe('S3-compatible endpoint, e.g. https://s3.us-west-004.backblazeb2.com (Backblaze B2).'),
    bucket: z.string().min(3).max(63),
    prefix: z.string().regex(/^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/).optional(),
    offsite: z.boolean().optional().describe('Default: true unless the endpoint is inside the lab network.'),
    credentials: name.describe('Secret with AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.'),
    password: SecretRef.describe('Secret and key holding the restic repository password.'),
  }),
  z.strictObject({
    type: z.literal('pbs'),
    name: name,
    server: z.string().min(1).describe('Proxmox Backup Server host or address.'),
    datastore: z.string().min(1),
    offsite: z.boolean().default(false),
  }),
]);

const BackupTier = z.strictObject({
  name: name.describe('Tier name: tier1, critical, bulk.'),
  schedule: z.string().min(1).describe('Cron schedule of the backups (five fields, UTC).'),
  rpo: duration.optional().describe('Most data you accept to lose: the schedule must run at least this often.'),
  rto: duration.optional().describe('How long a restore may take (stated for the plan and the runbooks).'),
  retention: z
    .strictObject({
      last: z.number().int().min(1).optional(),
      hourly: z.number().int().min(1).optional(),
      daily: z.number().int().min(1).optional(),
      weekly: z.number().int().min(1).optional(),
      monthly: z.number().int().min(1).optional(),
      yearly: z.number().int().min(1).optional(),
    })
    .default({ daily: 7, weekly: 4, monthly: 6 })
    .describe('restic forget --keep-* of the tier.'),
  targets: z.array(name).min(1).describe('Targets (backups.targets) every backup of the tier goes to.'),
});

export const Backups = z
  .strictObject({
    targets: z.array(BackupTarget).default([]),
    tiers: z.array(BackupTier).default([]),
    assign: z
      .array(
        z.strictObject({
          app: name.optional().describe('An app: all its persistent data (for PostgreSQL: every database it serves).'),
          node: name.optional().describe('A VM or container (backed up whole, e.g. by Proxmox Backup Server).'),
          volume: name.optional().describe("Only this volume of the app (the module's volume name)."),
          tier: name,
        }),
      )
      .default([])
      .describe('Which tier each piece of data belongs to; data left out is reported by the plan and the review.'),
    default: name.optional().describe('Tier for data no assignment names.'),
  })
  .describe('Backup tiers (RPO, RTO, retention, targets) and which data goes in which tier.');

export const ReviewSuppression = z.strictObject({
  rule: z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/).describe('Rule id (hearth review lists them).'),
  subject: z.string().min(1).optional().describe('Only findings about this app or resource. Default: every finding of the rule.'),
  reason: z.string().min(10).describe('Why the risk is accepted: required, at least a sentence.'),
  expires: z.iso.date().optional().describe('YYYY-MM-DD: after this day the finding comes back and the expired suppression is reported.'),
});

export const Review = z
  .strictObject({ suppress: z.array(ReviewSuppression).default([]) })
  .describe('Settings of `hearth review`: accepted risks.');

export const Requirement = z.strictObject({
  id: z.string().regex(/^(FR|NFR)-?[0-9]+[a-z]?$/i).describe('FR12, NFR-3, ...'),
  text: z.string().min(1),
  category: z.string().optional(),
  satisfiedBy: z.array(z.string()).default([]).describe('Components or apps that satisfy it.'),
});

export const DecisionRef = z.strictObject({
  id: z.string().regex(/^ADR-[0-9]{3,}$/),
  title: z.string().min(1),
  status: z.enum(['proposed', 'accepted', 'rejected', 'deprecated', 'superseded']).default('accepted'),
  file: z.string().optional().describe('Path of the decision record.'),
});

export const Lab = z
  .strictObject({
    $schema: z.string().optional(),
    name: name.describe('Lab name: the app.kubernetes.io/part-of label on everything.'),
    description: z.string().optional(),
    domain: domainName,
    subdomainPattern: z
      .string()
      .regex(/\{app\}/)
      .default('{app}.{domain}')
      .describe('Ingress host pattern with {app} and {domain}.'),
    hosts: z.array(Host).default([]),
    nodes: z.array(Node).default([]),
    infrastructure: Infrastructure.optional(),
    cluster: Cluster.optional(),
    network: Network,
    ingress: Ingress.optional(),
    tls: Tls.optional(),
    remoteAccess: RemoteAccess.default({ type: 'none' }),
    storage: Storage.optional(),
    gitops: GitOps,
    observability: Observability.default({
      metrics: { enabled: true, retention: '15d', storage: {}, grafana: true },
      logs: { enabled: false, retention: '7d', storage: {} },
      alerts: { receivers: [] },
    }),
    namespaces: z.array(Namespace).default([]),
    apps: z.array(App).default([]),
    components: z.record(z.string(), ComponentOverride).default({}).describe('Overrides for platform components by id.'),
    secrets: Secrets.default({ mechanism: 'none', values: [] }),
    backups: Backups.optional(),
    review: Review.optional(),
    requirements: z.array(Requirement).default([]),
    decisions: z.array(DecisionRef).default([]),
  })
  .describe('A hearth lab: the machines, the cluster, the platform and the apps, in one file.');

/** What a spec author writes (defaults optional). */
export type LabInput = z.input<typeof Lab>;
/** The parsed spec with defaults filled in. */
export type LabSpec = z.output<typeof Lab>;
export type HostSpec = z.output<typeof Host>;
export type NodeSpec = z.output<typeof Node>;
export type AppSpec = z.output<typeof App>;
export type StorageClassSpec = z.output<typeof StorageClass>;
export type IssuerSpec = z.output<typeof Issuer>;
export type SecretRefSpec = z.output<typeof SecretRef>;
export type NamespaceSpec = z.output<typeof Namespace>;
export type ReceiverSpec = z.output<typeof Receiver>;
export type ResourcesSpec = z.output<typeof Resources>;
export type SecretsSpec = z.output<typeof Secrets>;
export type SecretValueSpec = z.output<typeof SecretValue>;

/** The JSON Schema editors use for hearth.yaml. */
export function labJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(Lab, { io: 'input', target: 'draft-2020-12', unrepresentable: 'any' }) as Record<string, unknown>;
  return { ...schema, $id: 'https://hearth.dev/schema/hearth.schema.json', title: 'hearth lab' };
}
