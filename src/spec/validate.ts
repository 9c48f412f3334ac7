/**
 * Semantic checks that the schema cannot express: references between parts
 * of the spec, uniqueness, and network arithmetic. Each check pushes issues
 * with the spec path of the offending value; nothing throws.
 *
 * Checks that need the catalog (module names, module settings, dependencies
 * implied by modules) live in the model stage, which knows the catalog.
 */
import { issue, type Issue, type SpecPath } from './issues.js';
import type { LabSpec } from './schema.js';
import { closest, list } from '../lib/text.js';
import { validateBackups, validateInfrastructure } from './validate-infra.js';
import { ipToInt, intToIp, parseCidr, parseRange, cidrContains, cidrHasHostBits, rangesOverlap, isIpv4, type Cidr } from '../lib/ip.js';

/** Namespaces Kubernetes and its distributions own: hearth must not declare them. */
export const RESERVED_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease', 'flux-system', 'argocd'];

function unique<T>(items: readonly T[], keyOf: (t: T) => string | number, path: (i: number) => SpecPath, what: string, out: Issue[]): void {
  const seen = new Map<string | number, number>();
  items.forEach((it, i) => {
    const k = keyOf(it);
    const first = seen.get(k);
    if (first !== undefined) {
      out.push(issue('duplicate-name', path(i), `${what} "${k}" is already defined at index ${first}`, { hint: `${what} names must be unique; rename one of them` }));
    } else seen.set(k, i);
  });
}

function ref(out: Issue[], path: SpecPath, value: string, defined: readonly string[], what: string, where: string): boolean {
  if (defined.includes(value)) return true;
  const near = closest(value, defined);
  out.push(
    issue('unresolved-reference', path, `${what} "${value}" is not defined`, {
      expected: `the name of one of ${where}`,
      hint: `${near ? `did you mean "${near}"? ` : ''}defined: ${list(defined)}`,
    }),
  );
  return false;
}

export function validateSpec(spec: LabSpec): Issue[] {
  const out: Issue[] = [];
  const hostNames = spec.hosts.map((h) => h.name);
  const nodeNames = spec.nodes.map((n) => n.name);
  const nsNames = spec.namespaces.map((n) => n.name);
  const appNames = spec.apps.map((a) => a.name);
  const classNames = spec.storage?.classes.map((c) => c.name) ?? [];
  const issuerNames = spec.tls?.issuers.map((i) => i.name) ?? [];

  // Uniqueness.
  unique(spec.hosts, (h) => h.name, (i) => ['hosts', i, 'name'], 'host', out);
  unique(spec.nodes, (n) => n.name, (i) => ['nodes', i, 'name'], 'node', out);
  spec.nodes.forEach((n, i) => {
    const h = spec.hosts.find((x) => x.name === n.name);
    if (h && !(n.kind === 'bare-metal' && n.host === n.name)) {
      out.push(issue('duplicate-name', ['nodes', i, 'name'], `node "${n.name}" has the same hostname as a host`, { hint: 'hostnames must be unique on the network; only a bare-metal node may share its host name' }));
    }
  });
  unique(spec.namespaces, (n) => n.name, (i) => ['namespaces', i, 'name'], 'namespace', out);
  unique(spec.apps, (a) => a.name, (i) => ['apps', i, 'name'], 'app', out);
  unique(spec.apps, (a) => a.host ?? a.name, (i) => ['apps', i, spec.apps[i].host ? 'host' : 'name'], 'ingress host', out);
  if (spec.storage) unique(spec.storage.classes, (c) => c.name, (i) => ['storage', 'classes', i, 'name'], 'storage class', out);
  if (spec.tls) unique(spec.tls.issuers, (c) => c.name, (i) => ['tls', 'issuers', i, 'name'], 'issuer', out);
  unique(spec.observability.alerts.receivers, (r) => r.name, (i) => ['observability', 'alerts', 'receivers', i, 'name'], 'receiver', out);
  unique(spec.requirements, (r) => r.id.toUpperCase(), (i) => ['requirements', i, 'id'], 'requirement', out);
  unique(spec.decisions, (d) => d.id, (i) => ['decisions', i, 'id'], 'decision', out);
  unique(spec.network.vlans, (v) => v.id, (i) => ['network', 'vlans', i, 'id'], 'VLAN id', out);
  unique(spec.network.vlans, (v) => v.name, (i) => ['network', 'vlans', i, 'name'], 'VLAN', out);
  spec.hosts.forEach((h, hi) => unique(h.storage, (s) => s.name, (i) => ['hosts', hi, 'storage', i, 'name'], 'storage tier', out));

  // Namespaces hearth may own.
  spec.namespaces.forEach((n, i) => {
    if (RESERVED_NAMESPACES.includes(n.name)) {
      out.push(issue('invalid-name', ['namespaces', i, 'name'], `namespace "${n.name}" belongs to Kubernetes or the GitOps engine`, { hint: 'pick another name; hearth renders and prunes the namespaces it declares' }));
    }
  });

  // Nodes → hosts.
  spec.nodes.forEach((n, i) => {
    if (n.kind === 'bare-metal' && n.host === n.name && !hostNames.includes(n.name)) return;
    ref(out, ['nodes', i, 'host'], n.host, hostNames, 'host', 'hosts');
  });

  // Cluster.
  const c = spec.cluster;
  if (c) {
    const seen = new Map<string, string>();
    const members: [string, number, 'controlPlane' | 'workers'][] = [
      ...c.controlPlane.map((n, i) => [n, i, 'controlPlane'] as [string, number, 'controlPlane']),
      ...c.workers.map((n, i) => [n, i, 'workers'] as [string, number, 'workers']),
    ];
    for (const [n, i, role] of members) {
      if (!ref(out, ['cluster', role, i], n, nodeNames, 'node', 'nodes')) continue;
      const prev = seen.get(n);
      if (prev) out.push(issue('duplicate-name', ['cluster', role, i], `node "${n}" is already listed in cluster.${prev}`, { hint: 'list each node once: control-plane nodes also run workloads unless tainted' }));
      else seen.set(n, role);
    }
    if (c.datastore.type === 'external-postgres' && !c.datastore.endpoint) {
      out.push(issue('missing-key', ['cluster', 'datastore', 'endpoint'], 'an external-postgres datastore needs an endpoint', { expected: 'host:port of the PostgreSQL server', hint: 'add endpoint: 192.168.2.30:5432' }));
    }
    if (c.datastore.type !== 'external-postgres' && c.datastore.endpoint) {
      out.push(issue('invalid-combination', ['cluster', 'datastore', 'endpoint'], `an endpoint only applies to external-postgres, not ${c.datastore.type}`, { hint: 'remove endpoint or set type: external-postgres' }));
    }
    if (c.distribution === 'talos' && c.datastore.type !== 'embedded-etcd') {
      out.push(issue('invalid-combination', ['cluster', 'datastore', 'type'], `Talos runs etcd on its control-plane nodes; "${c.datastore.type}" is not available`, { expected: 'embedded-etcd' }));
    }
    if (c.datastore.type === 'sqlite' && c.controlPlane.length > 1) {
      out.push(issue('invalid-combination', ['cluster', 'datastore', 'type'], `sqlite supports a single server, but ${c.controlPlane.length} control-plane nodes are listed`, { hint: 'use embedded-etcd (odd number of servers) or external-postgres for several servers' }));
    }
  }

  // Network arithmetic.
  const net = parseCidr(spec.network.cidr);
  if (net && cidrHasHostBits(spec.network.cidr)) {
    out.push(issue('invalid-format', ['network', 'cidr'], `${spec.network.cidr} has host bits set`, { hint: `did you mean ${intToIp(net.network)}/${net.prefix}?` }));
  }
  const subnets: { cidr: Cidr; label: string }[] = net ? [{ cidr: net, label: `network.cidr ${spec.network.cidr}` }] : [];
  spec.network.vlans.forEach((v) => {
    const vc = v.cidr ? parseCidr(v.cidr) : undefined;
    if (vc) subnets.push({ cidr: vc, label: `VLAN ${v.name} ${v.cidr}` });
  });
  spec.infrastructure?.proxmox?.sdn?.vnets.forEach((v) => {
    const vc = v.cidr ? parseCidr(v.cidr) : undefined;
    if (vc) subnets.push({ cidr: vc, label: `SDN VNet ${v.name} ${v.cidr}` });
  });
  const inSubnet = (ip: string) => subnets.some((s) => cidrContains(s.cidr, ipToInt(ip)));
  const where = list(subnets.map((s) => s.label));
  const addresses = new Map<string, string>();
  const claim = (ip: string, path: SpecPath, what: string, mustBeLocal: boolean) => {
    if (mustBeLocal && net && !inSubnet(ip)) {
      out.push(issue('ip-outside-network', path, `${what} ${ip} is outside the lab network`, { expected: `an address in ${where}`, hint: 'fix the address, or add the VLAN it lives on to network.vlans' }));
    }
    const prev = addresses.get(ip);
    if (prev) out.push(issue('ip-conflict', path, `${what} ${ip} is already used by ${prev}`, { hint: 'every host, node, gateway and virtual IP needs its own address' }));
    else addresses.set(ip, what);
  };
  claim(spec.network.gateway, ['network', 'gateway'], 'gateway', true);
  spec.hosts.forEach((h, i) => h.ip && claim(h.ip, ['hosts', i, 'ip'], `host ${h.name}`, true));
  spec.nodes.forEach((n, i) => {
    const host = spec.hosts.find((h) => h.name === n.host);
    // A bare-metal node is its host: the same address is expected.
    if (n.kind === 'bare-metal' && host?.ip === n.ip) return;
    claim(n.ip, ['nodes', i, 'ip'], `node ${n.name}`, true);
  });
  if (c?.vip) claim(c.vip, ['cluster', 'vip'], 'cluster VIP', true);

  const lb = spec.network.loadBalancer;
  if (lb) {
    const pool = parseRange(lb.pool);
    if (!pool) {
      out.push(issue('invalid-format', ['network', 'loadBalancer', 'pool'], `"${lb.pool}" is not an address range`, { expected: 'first-last (192.168.2.100-192.168.2.120) or a CIDR (192.168.2.96/28)' }));
    } else {
      // In BGP mode the pool is routed to the cluster and may sit outside every local subnet.
      if (net && lb.mode === 'l2' && !subnets.some((s) => cidrContains(s.cidr, pool.first) && cidrContains(s.cidr, pool.last))) {
        out.push(issue('pool-outside-network', ['network', 'loadBalancer', 'pool'], `pool ${lb.pool} is not inside the lab network`, { expected: `a range inside ${where}` }));
      }
      for (const [ip, what] of addresses) {
        const n = ipToInt(ip);
        if (rangesOverlap(pool, { first: n, last: n })) {
          out.push(issue('pool-overlaps-node', ['network', 'loadBalancer', 'pool'], `pool ${lb.pool} contains ${ip}, used by ${what}`, { hint: 'shrink the pool or move the address out of it: MetalLB would hand it to a Service' }));
        }
      }
    }
    if (lb.mode === 'bgp' && !lb.bgp) {
      out.push(issue('missing-key', ['network', 'loadBalancer', 'bgp'], 'BGP mode needs bgp.myAsn and bgp.peers', { hint: 'add bgp: { myAsn: 64512, peers: [{ address: 192.168.2.1, asn: 64513 }] }' }));
    }
    if (lb.mode === 'l2' && lb.bgp) {
      out.push(issue('invalid-combination', ['network', 'loadBalancer', 'bgp'], 'bgp settings are ignored in l2 mode', { hint: 'set mode: bgp or remove bgp' }));
    }
  }

  // Ingress.
  const ing = spec.ingress;
  if (ing) {
    if (ing.bundled && !(ing.controller === 'traefik' && c?.distribution === 'k3s')) {
      out.push(issue('invalid-combination', ['ingress', 'bundled'], `only K3s bundles an ingress controller (Traefik); this lab runs ${c ? c.distribution : 'no cluster'} with ${ing.controller}`, { hint: 'set bundled: false so hearth renders the controller chart' }));
    }
    if (ing.ip) {
      if (!lb) {
        out.push(issue('missing-dependency', ['ingress', 'ip'], 'a fixed ingress IP needs network.loadBalancer', { hint: 'add network.loadBalancer with a pool that contains this address' }));
      } else {
        const pool = parseRange(lb.pool);
        if (pool && !rangesOverlap(pool, { first: ipToInt(ing.ip), last: ipToInt(ing.ip) })) {
          out.push(issue('ip-outside-network', ['ingress', 'ip'], `ingress IP ${ing.ip} is outside the load-balancer pool ${lb.pool}`, { hint: 'pick an address from network.loadBalancer.pool' }));
        }
      }
      const prev = addresses.get(ing.ip);
      if (prev) out.push(issue('ip-conflict', ['ingress', 'ip'], `ingress IP ${ing.ip} is already used by ${prev}`));
    }
  }

  // Storage.
  if (spec.storage) {
    if (spec.storage.default) ref(out, ['storage', 'default'], spec.storage.default, classNames, 'storage class', 'storage.classes');
    spec.storage.classes.forEach((sc, i) => {
      if (sc.type === 'nfs' && !isIpv4(sc.server) && !/\./.test(sc.server)) {
        if (ref(out, ['storage', 'classes', i, 'server'], sc.server, hostNames, 'host', 'hosts (or an IP address)')) {
          const h = spec.hosts.find((x) => x.name === sc.server)!;
          if (!h.ip) out.push(issue('missing-key', ['hosts', hostNames.indexOf(h.name), 'ip'], `host "${h.name}" serves NFS for storage class "${sc.name}" but has no ip`, { hint: 'add ip: to the host' }));
        }
      }
    });
  }

  // TLS.
  if (spec.tls) {
    if (spec.tls.default) ref(out, ['tls', 'default'], spec.tls.default, issuerNames, 'issuer', 'tls.issuers');
    spec.tls.issuers.forEach((is, i) => {
      if (is.type !== 'letsencrypt') return;
      if (is.solver === 'dns01-cloudflare' && !is.cloudflareApiToken) {
        out.push(issue('missing-key', ['tls', 'issuers', i, 'cloudflareApiToken'], 'the dns01-cloudflare solver needs a Cloudflare API token', { expected: '{ secret: <Secret name>, key: <key> } in the cert-manager namespace', hint: 'add cloudflareApiToken: { secret: cloudflare-api-token, key: api-token }' }));
      }
      if (is.solver === 'http01' && !ing) {
        out.push(issue('missing-dependency', ['tls', 'issuers', i, 'solver'], 'HTTP-01 challenges are answered through an ingress controller, and the lab has none', { hint: 'add ingress:, or use solver: dns01-cloudflare' }));
      }
    });
  }

  // Kubernetes parts need a cluster to run in.
  if (!c) {
    const parts: [SpecPath, string][] = [
      ...spec.apps.map((_, i) => [['apps', i], `app "${spec.apps[i].name}"`] as [SpecPath, string]),
      ...(spec.namespaces.length ? [[['namespaces'], 'namespaces'] as [SpecPath, string]] : []),
      ...(spec.ingress ? [[['ingress'], 'an ingress controller'] as [SpecPath, string]] : []),
      ...(spec.storage ? [[['storage'], 'storage classes'] as [SpecPath, string]] : []),
      ...(spec.tls ? [[['tls'], 'certificate issuers'] as [SpecPath, string]] : []),
    ];
    for (const [path, what] of parts) {
      out.push(issue('missing-dependency', path, `${what} run${what.startsWith('app') || what.startsWith('an ') ? 's' : ''} in the Kubernetes cluster, and the lab has none`, { hint: 'add cluster:, or describe services in containers with nodes[].lxc.services' }));
    }
  }

  // GitOps.
  if (spec.gitops.engine !== 'none' && !spec.gitops.repo) {
    out.push(issue('missing-key', ['gitops', 'repo'], `${spec.gitops.engine} needs the Git repository it syncs from`, { hint: 'add repo: { url: https://github.com/you/home-lab, branch: main }' }));
  }
  if (spec.gitops.engine !== 'none' && !c) {
    out.push(issue('missing-dependency', ['gitops', 'engine'], `${spec.gitops.engine} runs in a Kubernetes cluster, and the lab has none`, { hint: 'add cluster:, or set engine: none' }));
  }

  // Observability.
  const recvNames = spec.observability.alerts.receivers.map((r) => r.name);
  if (spec.observability.alerts.default) ref(out, ['observability', 'alerts', 'default'], spec.observability.alerts.default, recvNames, 'receiver', 'observability.alerts.receivers');
  const checkClass = (path: SpecPath, cls: string | undefined) => {
    if (cls === undefined) return;
    if (!spec.storage) out.push(issue('missing-dependency', path, `storage class "${cls}" is named but the lab has no storage block`, { hint: 'add storage: { classes: [...] }' }));
    else ref(out, path, cls, classNames, 'storage class', 'storage.classes');
  };
  checkClass(['observability', 'metrics', 'storage', 'class'], spec.observability.metrics.storage.class);
  checkClass(['observability', 'logs', 'storage', 'class'], spec.observability.logs.storage.class);

  // Secrets.
  const sec = spec.secrets;
  if (sec.mechanism === 'sealed-secrets' && !sec.sealedSecrets) {
    out.push(issue('missing-key', ['secrets', 'sealedSecrets'], "sealed-secrets needs the controller's public certificate", { hint: 'add sealedSecrets: { certificate: ./sealed-secrets.pem } (kubeseal --fetch-cert > sealed-secrets.pem)' }));
  }
  if (sec.mechanism === 'sops' && !sec.sops) {
    out.push(issue('missing-key', ['secrets', 'sops'], 'sops needs at least one age recipient', { hint: 'add sops: { recipients: [age1...] } (age-keygen -y key.txt prints it)' }));
  }
  if (sec.mechanism === 'sops' && spec.gitops.engine === 'argocd') {
    out.push(issue('invalid-combination', ['secrets', 'mechanism'], 'Argo CD cannot decrypt SOPS files without a plugin', { hint: 'use sealed-secrets with argocd, or flux (which decrypts SOPS natively)' }));
  }
  sec.sops?.recipients.forEach((r, i) => {
    if (!/^age1[02-9ac-hj-np-z]{58}$/.test(r)) {
      out.push(
        issue('invalid-format', ['secrets', 'sops', 'recipients', i], r.startsWith('AGE-SECRET-KEY') ? 'this is an age private key' : `"${r.length > 24 ? r.slice(0, 24) + '…' : r}" is not an age X25519 recipient`, {
          expected: 'age1 followed by 58 bech32 characters',
          hint: r.startsWith('AGE-SECRET-KEY') ? 'never put a private key in the spec: use its recipient (age-keygen -y key.txt)' : undefined,
        }),
      );
    }
  });
  if (sec.mechanism === 'external-secrets' && !sec.externalSecrets) {
    out.push(
      issue('missing-key', ['secrets', 'externalSecrets'], 'external-secrets needs the store the ExternalSecrets read', {
        hint: 'add externalSecrets: { store: { type: onepassword, connectHost: ..., vaults: [...], token: { secret, key } } } (or type: vault)',
      }),
    );
  }
  if (sec.mechanism === 'vault' && !sec.vault) {
    out.push(issue('missing-key', ['secrets', 'vault'], 'the vault mechanism needs the Vault server and how to log in', { hint: 'add vault: { server: http://vault.security.svc.cluster.local:8200, auth: { method: kubernetes, role: external-secrets } }' }));
  }
  if (sec.mechanism === 'none' && sec.values.length > 0) {
    out.push(issue('missing-dependency', ['secrets', 'mechanism'], 'secrets.values need a mechanism to reach the cluster', { hint: 'set mechanism: sealed-secrets, sops, external-secrets or vault' }));
  }
  const storeBacked = sec.mechanism === 'external-secrets' || sec.mechanism === 'vault';
  if (!storeBacked) {
    sec.values.forEach((v, i) => {
      for (const [k, src] of Object.entries(v.data)) {
        if ('remote' in src) {
          out.push(
            issue('invalid-combination', ['secrets', 'values', i, 'data', k], `a remote value needs a secret store, and secrets.mechanism is ${sec.mechanism}`, {
              hint: 'use mechanism external-secrets or vault, or give the value as env, file or generate',
            }),
          );
        }
      }
    });
  }
  const controllerApp = (module: string, why: string) => {
    const i = spec.apps.findIndex((a) => (a.module ?? a.name) === module);
    if (i >= 0) out.push(issue('invalid-combination', ['apps', i, 'module'], why, { hint: 'remove this app' }));
  };
  if (sec.mechanism === 'sealed-secrets') controllerApp('sealed-secrets', 'secrets.mechanism: sealed-secrets already deploys the controller (in kube-system, first)');
  if (storeBacked) controllerApp('external-secrets', `secrets.mechanism: ${sec.mechanism} already deploys the External Secrets Operator (first, with the lab's ClusterSecretStore)`);
  unique(sec.values, (v) => `${v.namespace}/${v.name}`, (i) => ['secrets', 'values', i, 'name'], 'secret', out);
  sec.values.forEach((v, i) => ref(out, ['secrets', 'values', i, 'namespace'], v.namespace, nsNames, 'namespace', 'namespaces'));

  // Apps.
  const reqIds = spec.requirements.map((r) => r.id.toUpperCase());
  spec.apps.forEach((a, i) => {
    ref(out, ['apps', i, 'namespace'], a.namespace, nsNames, 'namespace', 'namespaces');
    checkClass(['apps', i, 'storage'], a.storage);
    for (const [v, p] of Object.entries(a.volumes)) checkClass(['apps', i, 'volumes', v, 'class'], p.class);
    if (a.issuer) {
      if (!spec.tls) out.push(issue('missing-dependency', ['apps', i, 'issuer'], `issuer "${a.issuer}" is named but the lab has no tls block`, { hint: 'add tls: { issuers: [...] }' }));
      else ref(out, ['apps', i, 'issuer'], a.issuer, issuerNames, 'issuer', 'tls.issuers');
    }
    a.dependsOn.forEach((d, j) => {
      if (d === a.name) out.push(issue('invalid-value', ['apps', i, 'dependsOn', j], `app "${a.name}" cannot depend on itself`));
      else ref(out, ['apps', i, 'dependsOn', j], d, appNames, 'app', 'apps');
    });
    a.requirements.forEach((r, j) => ref(out, ['apps', i, 'requirements', j], r.toUpperCase(), reqIds, 'requirement', 'requirements'));
    if (a.gpu && !spec.nodes.some((n) => n.gpu) && spec.nodes.length > 0) {
      out.push(issue('missing-dependency', ['apps', i, 'gpu'], `app "${a.name}" asks for a GPU but no node has one`, { hint: 'add gpu: to the node it should run on, or remove gpu: true', severity: 'warning' }));
    }
  });
  // Dependency cycles between apps.
  const byName = new Map(spec.apps.map((a, i) => [a.name, { a, i }]));
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (n: string, trail: string[]) => {
    const entry = byName.get(n);
    if (!entry || state.get(n) === 'done') return;
    if (state.get(n) === 'visiting') {
      const cycle = [...trail.slice(trail.indexOf(n)), n];
      out.push(issue('invalid-value', ['apps', entry.i, 'dependsOn'], `dependency cycle: ${cycle.join(' → ')}`, { hint: 'remove one of these dependsOn entries' }));
      return;
    }
    state.set(n, 'visiting');
    for (const d of entry.a.dependsOn) visit(d, [...trail, n]);
    state.set(n, 'done');
  };
  for (const a of spec.apps) visit(a.name, []);
  validateInfrastructure(spec, out);
  validateBackups(spec, out);
  return dedupe(out);
}

function dedupe(issues: Issue[]): Issue[] {
  const seen = new Set<string>();
  return issues.filter((i) => {
    const k = `${i.code}|${i.path.join('.')}|${i.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

