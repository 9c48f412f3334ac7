/**
 * The lab's four diagrams (DIAGRAMS): the layer stack, the component
 * dependencies, the traffic flow into the lab and its failure domains. Each
 * is built once as a small graph (nodes, clusters, edges) from the docs input
 * and written twice, as Graphviz DOT and as a Mermaid flowchart, so both
 * describe the same nodes and edges. Pure and deterministic: inputs are
 * sorted, ids are stable (`n_<kind>_<slug>`, `cluster_<slug>`), labels are
 * escaped for each language.
 */
import { LAYERS, type Layer } from '../catalog/types.js';
import type { AppModel, ComponentInstance, LabModel, StorageClassModel } from '../model/types.js';
import type { HostSpec, NodeSpec } from '../spec/schema.js';
import { DIAGRAMS, type DiagramName, type DocsInput } from './types.js';

export interface Diagram {
  name: DiagramName;
  title: string;
  dot: string;
  mermaid: string;
}

// ---------------------------------------------------------------------------
// The graph both languages are written from.

type Direction = 'TB' | 'BT' | 'LR';
type Shape = 'box' | 'rounded' | 'cylinder' | 'stadium' | 'hexagon' | 'note';

/** Fill and stroke per kind of node; `bundled` pieces (shipped by the distribution) are drawn dashed. */
const TONES = {
  external: ['#e0f7fa', '#00838f'],
  host: ['#eceff1', '#37474f'],
  guest: ['#e3f2fd', '#1565c0'],
  cluster: ['#e8eaf6', '#283593'],
  platform: ['#f3e5f5', '#6a1b9a'],
  bundled: ['#fafafa', '#8e24aa'],
  app: ['#e8f5e9', '#2e7d32'],
  public: ['#ffebee', '#c62828'],
  lan: ['#fff8e1', '#ef6c00'],
  internal: ['#f5f5f5', '#757575'],
  storage: ['#fff3e0', '#e65100'],
  note: ['#fffde7', '#827717'],
} as const;
type Tone = keyof typeof TONES;

interface GNode {
  id: string;
  lines: string[];
  shape: Shape;
  tone: Tone;
  parent?: string;
}
interface GCluster {
  id: string;
  label: string;
  parent?: string;
  /** DOT only (a layout hint, not a node or edge): keep the cluster's nodes on one rank. */
  sameRank?: boolean;
}
interface GEdge {
  from: string;
  to: string;
  labels: string[];
  dashed: boolean;
}

function slug(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '') || 'x';
}

/** The id of a node: `n_<kind>_<slug>` (letters, digits and `_`: safe in DOT and Mermaid). */
export function nodeId(kind: string, name: string): string {
  return `n_${slug(kind)}_${slug(name)}`;
}

/** The id of a cluster (DOT needs the `cluster` prefix to draw a box). */
export function clusterId(name: string): string {
  return `cluster_${slug(name)}`;
}

/** One line of a label: whitespace collapsed (labels break lines themselves). */
function line(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}

class Graph {
  private readonly nodes = new Map<string, GNode>();
  private readonly clusters = new Map<string, GCluster>();
  private readonly edges = new Map<string, GEdge>();
  /** kind/name → id, and the ids handed out (two names with one slug get `_2`, `_3`). */
  private readonly ids = new Map<string, string>();
  private readonly taken = new Set<string>();

  constructor(
    readonly name: DiagramName,
    readonly direction: Direction,
  ) {}

  id(kind: string, name: string): string {
    const key = `${kind}\u0000${name}`;
    let id = this.ids.get(key);
    if (!id) {
      const base = nodeId(kind, name);
      id = base;
      for (let i = 2; this.taken.has(id); i++) id = `${base}_${i}`;
      this.ids.set(key, id);
      this.taken.add(id);
    }
    return id;
  }

  cluster(name: string, label: string, parent?: string, opts: { sameRank?: boolean } = {}): string {
    const id = clusterId(name);
    if (!this.clusters.has(id)) this.clusters.set(id, { id, label: line(label), parent, sameRank: opts.sameRank });
    return id;
  }

  /** Adds a node once (the first description wins) and returns its id. */
  node(id: string, lines: (string | undefined | false)[], opts: { shape?: Shape; tone: Tone; parent?: string }): string {
    if (!this.nodes.has(id)) {
      const ls = lines.filter((l): l is string => typeof l === 'string' && l.trim() !== '').map(line);
      this.nodes.set(id, { id, lines: ls.length ? ls : [id], shape: opts.shape ?? 'box', tone: opts.tone, parent: opts.parent });
    }
    return id;
  }

  has(id: string): boolean {
    return this.nodes.has(id);
  }

  /** Adds a line to a node's label (what is only known once the edges are in). */
  note(id: string, text: string): void {
    this.nodes.get(id)?.lines.push(line(text));
  }

  hasEdgeFrom(id: string): boolean {
    return [...this.edges.values()].some((e) => e.from === id);
  }

  /** An edge between nodes or clusters; edges between the same two ends merge their labels. */
  edge(from: string, to: string, label?: string, opts: { dashed?: boolean } = {}): void {
    const key = `${from}\u0000${to}`;
    const e = this.edges.get(key) ?? { from, to, labels: [], dashed: true };
    if (label && !e.labels.includes(line(label))) e.labels.push(line(label));
    e.dashed = e.dashed && !!opts.dashed;
    this.edges.set(key, e);
  }

  // --- what both writers read

  /** Nodes inside a cluster, directly or in nested clusters. */
  private members(cluster: string): GNode[] {
    const direct = [...this.nodes.values()].filter((n) => n.parent === cluster);
    const nested = [...this.clusters.values()].filter((c) => c.parent === cluster).flatMap((c) => this.members(c.id));
    return [...direct, ...nested];
  }

  /** Clusters with at least one node (empty ones are left out of both languages). */
  private liveClusters(parent?: string): GCluster[] {
    return [...this.clusters.values()].filter((c) => c.parent === parent && this.members(c.id).length > 0);
  }

  /** Edges in a stable order; an end that is a cluster is anchored on its first node (DOT `lhead`/`ltail`). */
  private resolvedEdges(): (GEdge & { tail: string; head: string; ltail?: string; lhead?: string })[] {
    const out: (GEdge & { tail: string; head: string; ltail?: string; lhead?: string })[] = [];
    const end = (id: string): { node: string; cluster?: string } | undefined => {
      if (this.nodes.has(id)) return { node: id };
      if (this.clusters.has(id)) {
        const first = this.members(id)[0];
        return first ? { node: first.id, cluster: id } : undefined;
      }
      throw new Error(`diagram ${this.name}: edge end ${id} is neither a node nor a cluster`);
    };
    for (const e of [...this.edges.values()].sort((a, b) => cmp(a.from, b.from) || cmp(a.to, b.to))) {
      const t = end(e.from);
      const h = end(e.to);
      if (!t || !h) continue;
      out.push({ ...e, labels: [...e.labels].sort(cmp), tail: t.node, head: h.node, ltail: t.cluster, lhead: h.cluster });
    }
    return out;
  }

  toDot(): string {
    const q = dotString;
    const out: string[] = [`digraph ${q(this.name)} {`];
    out.push(
      `  graph [id=${q(this.name)}, rankdir=${this.direction}, compound=true, newrank=true, nodesep=0.3, ranksep=0.5, fontname="Helvetica,Arial,sans-serif", fontsize=11, labeljust=l];`,
      `  node [fontname="Helvetica,Arial,sans-serif", fontsize=10, margin="0.15,0.07"];`,
      `  edge [fontname="Helvetica,Arial,sans-serif", fontsize=9, color="#616161", fontcolor="#424242"];`,
    );
    const nodeLine = (n: GNode, indent: string) => {
      const [fill, stroke] = TONES[n.tone];
      const { shape, style } = DOT_SHAPES[n.shape];
      const styles = [style, 'filled', ...(n.tone === 'bundled' ? ['dashed'] : [])].filter(Boolean).join(',');
      return `${indent}${q(n.id)} [id=${q(`${this.name}__${n.id}`)}, label=${dotLabel(n.lines)}, shape=${shape}, style=${q(styles)}, fillcolor=${q(fill)}, color=${q(stroke)}];`;
    };
    const emit = (parent: string | undefined, indent: string) => {
      for (const n of this.nodes.values()) if (n.parent === parent) out.push(nodeLine(n, indent));
      for (const c of this.liveClusters(parent)) {
        out.push(`${indent}subgraph ${q(c.id)} {`);
        out.push(`${indent}  graph [id=${q(`${this.name}__${c.id}`)}, label=${dotLabel([c.label])}, style="rounded,filled", fillcolor="#fcfcfc", color="#9e9e9e", fontcolor="#212121"];`);
        if (c.sameRank) out.push(`${indent}  rank=same;`);
        emit(c.id, `${indent}  `);
        out.push(`${indent}}`);
      }
    };
    emit(undefined, '  ');
    for (const e of this.resolvedEdges()) {
      const attrs = [`id=${q(`${this.name}__e__${e.from}__${e.to}`)}`];
      if (e.labels.length) attrs.push(`label=${dotLabel([e.labels.join(', ')])}`);
      if (e.dashed) attrs.push('style=dashed');
      if (e.ltail) attrs.push(`ltail=${q(e.ltail)}`);
      if (e.lhead) attrs.push(`lhead=${q(e.lhead)}`);
      out.push(`  ${q(e.tail)} -> ${q(e.head)} [${attrs.join(', ')}];`);
    }
    out.push('}');
    return out.join('\n') + '\n';
  }

  toMermaid(): string {
    const out: string[] = [`flowchart ${this.direction}`];
    const emit = (parent: string | undefined, indent: string) => {
      for (const n of this.nodes.values()) {
        if (n.parent !== parent) continue;
        const [open, close] = MERMAID_SHAPES[n.shape];
        // Lines break on a newline inside the string: with `<br>` Mermaid would also break on a literal backslash-n.
        out.push(`${indent}${n.id}${open}"${n.lines.map(mermaidText).join('\n')}"${close}`);
      }
      for (const c of this.liveClusters(parent)) {
        out.push(`${indent}subgraph ${c.id} ["${mermaidText(c.label)}"]`);
        emit(c.id, `${indent}  `);
        out.push(`${indent}end`);
      }
    };
    emit(undefined, '  ');
    for (const e of this.resolvedEdges()) {
      const arrow = e.dashed ? '-.->' : '-->';
      const label = e.labels.length ? `|"${mermaidText(e.labels.join(', '))}"|` : '';
      out.push(`  ${e.from} ${arrow}${label} ${e.to}`);
    }
    const used = new Map<Tone, string[]>();
    for (const n of this.nodes.values()) used.set(n.tone, [...(used.get(n.tone) ?? []), n.id]);
    for (const tone of Object.keys(TONES) as Tone[]) {
      const ids = used.get(tone);
      if (!ids) continue;
      const [fill, stroke] = TONES[tone];
      out.push(`  classDef t_${tone} fill:${fill},stroke:${stroke},color:#212121${tone === 'bundled' ? ',stroke-dasharray:4 3' : ''}`);
      out.push(`  class ${ids.join(',')} t_${tone}`);
    }
    return out.join('\n') + '\n';
  }
}

const DOT_SHAPES: Record<Shape, { shape: string; style?: string }> = {
  box: { shape: 'box' },
  rounded: { shape: 'box', style: 'rounded' },
  cylinder: { shape: 'cylinder' },
  stadium: { shape: 'oval' },
  hexagon: { shape: 'hexagon' },
  note: { shape: 'note' },
};

const MERMAID_SHAPES: Record<Shape, [string, string]> = {
  box: ['[', ']'],
  rounded: ['(', ')'],
  cylinder: ['[(', ')]'],
  stadium: ['([', '])'],
  hexagon: ['{{', '}}'],
  note: ['>', ']'],
};

/**
 * A DOT double-quoted string. Graphviz reads `\` escapes (`\n`, `\N`, ...)
 * and HTML entities (`&amp;`) in labels, so both are escaped to stay literal.
 */
function dotString(s: string): string {
  return `"${s.replace(/\\/g, '\\\\').replace(/&/g, '&amp;').replace(/"/g, '\\"').replace(/\r?\n/g, ' ')}"`;
}

function dotLabel(lines: string[]): string {
  // Lines are joined with DOT's `\n` after escaping each one.
  return `"${lines.map((l) => dotString(l).slice(1, -1)).join('\\n')}"`;
}

/**
 * Text inside a quoted Mermaid label: Mermaid's own entity codes (`#quot;`,
 * `#35;`) for what would end the string, start an entity, read as HTML, or
 * as Mermaid's own markup (a backslash-n is a line break, backticks Markdown).
 */
function mermaidText(s: string): string {
  return s
    .replace(/#/g, '#35;')
    .replace(/\\/g, '#92;')
    .replace(/&/g, '#38;')
    .replace(/"/g, '#quot;')
    .replace(/</g, '#lt;')
    .replace(/>/g, '#gt;')
    .replace(/`/g, '#96;');
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function byName<T extends { name: string }>(xs: readonly T[]): T[] {
  return [...xs].sort((a, b) => cmp(a.name, b.name));
}

function byId<T extends { id: string }>(xs: readonly T[]): T[] {
  return [...xs].sort((a, b) => cmp(a.id, b.id));
}

// ---------------------------------------------------------------------------
// Facts about the lab the diagrams share.

const DISTRIBUTION = { k3s: 'K3s', talos: 'Talos' } as const;

const LAYER_TITLE: Record<Layer, string> = {
  namespaces: 'Namespaces',
  crds: 'CRDs and controllers',
  storage: 'Storage',
  networking: 'Networking',
  certificates: 'Certificates',
  ingress: 'Ingress',
  observability: 'Observability',
  apps: 'Apps',
};

/** Guests: machines that run on a host (VMs, containers), as opposed to bare-metal nodes. */
function guests(lab: LabModel): NodeSpec[] {
  return byName(lab.nodes.filter((n) => n.kind !== 'bare-metal'));
}

function guestKind(lab: LabModel, n: NodeSpec): string {
  const host = lab.hosts.find((h) => h.name === n.host);
  if (n.kind === 'lxc') return n.lxc?.id ? `Proxmox LXC ${n.lxc.id}` : 'LXC container';
  if (n.kind === 'vm') {
    if (host?.platform === 'proxmox') return n.vm?.id ? `Proxmox VM ${n.vm.id}` : 'Proxmox VM';
    if (lab.spec.infrastructure?.lima && host?.platform === 'macos') return 'Lima VM';
    return 'VM';
  }
  return 'bare metal';
}

function hostLines(h: HostSpec, withSize: boolean): string[] {
  return [h.name, [h.role, h.platform, h.model].filter(Boolean).join(', '), h.ip ?? '', withSize ? `${h.cpu} CPU, ${h.memory}` : ''];
}

function guestLines(lab: LabModel, n: NodeSpec, withSize: boolean): string[] {
  const disks = n.vm?.dataDisks ?? [];
  return [
    n.name,
    guestKind(lab, n),
    n.ip,
    withSize ? `${n.cpu} vCPU, ${n.memory}` : '',
    disks.length ? `data disks: ${byName(disks).map((d) => `${d.name} ${d.size}`).join(', ')}` : '',
  ];
}

function clusterLines(lab: LabModel): string[] {
  const c = lab.cluster!;
  return [
    `${DISTRIBUTION[c.distribution]} cluster ${c.name}`,
    c.version ?? '',
    `CNI ${c.cni}, datastore ${c.datastore.type}`,
    c.vip ? `API VIP ${c.vip}` : '',
  ];
}

/** Cluster members with their role, sorted by name. */
function members(lab: LabModel): { node: NodeSpec; role: 'control plane' | 'worker' }[] {
  const c = lab.cluster;
  if (!c) return [];
  const cp = new Set(c.controlPlane.map((n) => n.name));
  return byName(c.nodes).map((node) => ({ node, role: cp.has(node.name) ? 'control plane' : 'worker' }));
}

/** The diagram node a cluster member is: its guest, or its host when bare metal. */
function memberNode(g: Graph, n: NodeSpec): string {
  return n.kind === 'bare-metal' ? g.id('host', n.host) : g.id('guest', n.name);
}

/** What the distribution ships instead of a hearth chart: drawn dashed, in its layer. */
interface Bundled {
  key: string;
  layer: Layer;
  lines: string[];
}

function bundled(lab: LabModel): Bundled[] {
  const c = lab.cluster;
  if (!c) return [];
  const dist = DISTRIBUTION[c.distribution];
  const out: Bundled[] = [];
  if (lab.storageClasses.some((s) => s.bundled)) out.push({ key: 'local-path-provisioner', layer: 'storage', lines: ['local-path-provisioner', `bundled with ${dist}`] });
  if (c.cni === 'flannel') out.push({ key: 'flannel', layer: 'networking', lines: ['flannel (CNI)', `bundled with ${dist}`] });
  if (c.distribution === 'k3s' && !lab.spec.network.loadBalancer) out.push({ key: 'servicelb', layer: 'networking', lines: ['ServiceLB', 'bundled with K3s'] });
  if (lab.ingress?.bundled) out.push({ key: lab.ingress.controller, layer: 'ingress', lines: [lab.ingress.controller, `bundled with ${dist}`, lab.ingress.namespace] });
  return out.sort((a, b) => cmp(a.key, b.key));
}

function appLines(c: ComponentInstance): string[] {
  return [c.id, c.module.name !== c.id ? c.module.name : '', `namespace ${c.namespace}`];
}

/** The node (component or bundled piece) that provisions a storage class. */
function storageProvider(g: Graph, lab: LabModel, sc: StorageClassModel): string | undefined {
  if (sc.bundled) return g.id('bundled', 'local-path-provisioner');
  const c = lab.components.find(
    (x) =>
      (sc.type === 'nfs' && x.module.name === 'nfs-provisioner' && (x.config as { className?: string } | undefined)?.className === sc.name) ||
      (sc.type === 'longhorn' && x.module.name === 'longhorn') ||
      (sc.type === 'local-path' && x.module.name === 'local-path'),
  );
  return c ? g.id('component', c.id) : undefined;
}

function ingressProvider(g: Graph, lab: LabModel): string | undefined {
  if (!lab.ingress) return undefined;
  if (lab.ingress.bundled) return g.id('bundled', lab.ingress.controller);
  const c = lab.components.find((x) => x.layer === 'ingress' && x.module.name === lab.ingress!.controller);
  return c ? g.id('component', c.id) : undefined;
}

/** A guest or host by address or name (NFS servers, datastore endpoints, external names). */
function machineAt(g: Graph, lab: LabModel, address: string): string | undefined {
  const n = lab.nodes.find((x) => x.ip === address || x.name === address);
  if (n) return n.kind === 'bare-metal' ? g.id('host', n.host) : g.id('guest', n.name);
  const h = lab.hosts.find((x) => x.ip === address || x.name === address);
  return h ? g.id('host', h.name) : undefined;
}

function lxcServices(lab: LabModel): { guest: NodeSpec; service: string }[] {
  return guests(lab).flatMap((n) => [...new Set(n.lxc?.services ?? [])].sort(cmp).map((service) => ({ guest: n, service })));
}

// ---------------------------------------------------------------------------
// 1. The layer stack: hardware → virtualization → Kubernetes → platform layers → apps.

function layersGraph(input: DocsInput): Graph {
  const lab = input.model;
  const g = new Graph('layers', 'BT');
  const stack = { sameRank: true };
  const hw = g.cluster('hardware', 'Hardware', undefined, stack);
  for (const h of byName(lab.hosts)) g.node(g.id('host', h.name), hostLines(h, true), { tone: 'host', parent: hw });
  const virt = g.cluster('virtualization', 'Virtualization', undefined, stack);
  for (const n of guests(lab)) {
    const id = g.node(g.id('guest', n.name), guestLines(lab, n, true), { tone: 'guest', parent: virt });
    g.edge(g.id('host', n.host), id);
  }
  let below: string | undefined;
  if (lab.cluster) {
    const k8s = g.cluster('kubernetes', 'Kubernetes', undefined, stack);
    below = g.node(g.id('k8s', lab.cluster.name), clusterLines(lab), { tone: 'cluster', parent: k8s });
    for (const m of members(lab)) g.edge(memberNode(g, m.node), below, m.role);
  }
  // Every layer with something in it, in deployment order; the apps layer also holds what LXC guests run.
  const extras = bundled(lab);
  const services = lxcServices(lab);
  for (const layer of LAYERS) {
    const comps = byId(lab.components.filter((c) => c.layer === layer));
    const own = extras.filter((b) => b.layer === layer);
    const guestServices = layer === 'apps' ? services : [];
    if (comps.length + own.length + guestServices.length === 0) continue;
    const cl = g.cluster(`layer_${layer}`, LAYER_TITLE[layer], undefined, stack);
    for (const c of comps) {
      if (c.kind === 'app') g.node(g.id('component', c.id), appLines(c), { tone: 'app', parent: cl });
      else g.node(g.id('component', c.id), [c.id, c.chart ? `${c.chart.chart} ${c.chart.version}` : '', `namespace ${c.namespace}`], { tone: 'platform', parent: cl });
    }
    for (const b of own) g.node(g.id('bundled', b.key), b.lines, { tone: 'bundled', parent: cl });
    for (const s of guestServices) {
      const id = g.node(g.id('service', `${s.guest.name}/${s.service}`), [s.service, `in ${s.guest.name}`], { tone: 'app', parent: cl });
      g.edge(g.id('guest', s.guest.name), id);
    }
    // The stack runs on the cluster: a layer of guest services alone does not.
    if (below && comps.length + own.length > 0) g.edge(below, cl);
    if (comps.length + own.length > 0) below = cl;
  }
  return g;
}

// ---------------------------------------------------------------------------
// 2. Component dependencies, clustered by layer.

function dependenciesGraph(input: DocsInput): Graph {
  const lab = input.model;
  const g = new Graph('dependencies', 'LR');
  const extras = bundled(lab);
  for (const layer of LAYERS) {
    const comps = byId(lab.components.filter((c) => c.layer === layer));
    const own = extras.filter((b) => b.layer === layer);
    if (comps.length + own.length === 0) continue;
    const cl = g.cluster(`layer_${layer}`, LAYER_TITLE[layer]);
    for (const c of comps) g.node(g.id('component', c.id), appLines(c), { tone: c.kind === 'app' ? 'app' : 'platform', parent: cl });
    for (const b of own) g.node(g.id('bundled', b.key), b.lines, { tone: 'bundled', parent: cl });
  }
  if (lab.components.length === 0) {
    g.node(g.id('note', 'no-components'), ['No Kubernetes components:', lab.cluster ? 'the lab deploys nothing into its cluster' : 'the lab has no cluster; its services run in guests'], { shape: 'note', tone: 'note' });
    return g;
  }
  const certManager = lab.components.find((c) => c.module.name === 'cert-manager');
  const ingress = ingressProvider(g, lab);
  for (const c of byId(lab.components)) {
    const from = g.id('component', c.id);
    const app: AppModel | undefined = c.app;
    for (const dep of [...c.dependsOn].sort(cmp)) {
      if (!lab.components.some((x) => x.id === dep)) continue;
      const need = app ? Object.keys(app.links).find((m) => app.links[m] === dep) : undefined;
      const purpose = need ? (app!.traits.needs?.find((n) => n.module === need)?.purpose ?? need) : undefined;
      g.edge(from, g.id('component', dep), purpose);
    }
    // Dependencies the layers imply (dashed): volumes on a provisioner, routes on the ingress, certificates from cert-manager.
    const classes = [...new Set((app?.volumes ?? []).map((v) => v.storageClass))].sort(cmp);
    for (const name of classes) {
      const sc = lab.storageClasses.find((s) => s.name === name);
      const provider = sc && storageProvider(g, lab, sc);
      if (provider && g.has(provider)) g.edge(from, provider, `volumes (${name})`, { dashed: true });
    }
    const host = app?.host ?? c.host;
    if (host && ingress && g.has(ingress)) g.edge(from, ingress, 'ingress', { dashed: true });
    if (app?.issuer && certManager) g.edge(from, g.id('component', certManager.id), `certificate (${app.issuer})`, { dashed: true });
  }
  return g;
}

// ---------------------------------------------------------------------------
// 3. Traffic: internet → remote access → load balancer → ingress → apps.

function lbLines(lab: LabModel): string[] {
  const lb = lab.spec.network.loadBalancer;
  if (lb && lab.components.some((c) => c.module.name === 'metallb')) {
    const bgp = lb.mode === 'bgp' && lb.bgp ? `AS ${lb.bgp.myAsn}, peers ${lb.bgp.peers.map((p) => `${p.address} (AS ${p.asn})`).join(', ')}` : '';
    return [`MetalLB (${lb.mode.toUpperCase()})`, `pool ${lb.pool}`, bgp];
  }
  if (lab.cluster?.distribution === 'k3s' && !lb) return ['ServiceLB (bundled with K3s)', 'on the node addresses'];
  return ['no LoadBalancer provider'];
}

function networkGraph(input: DocsInput): Graph {
  const lab = input.model;
  const net = lab.spec.network;
  const ra = lab.spec.remoteAccess;
  const g = new Graph('network', 'TB');
  const internet = g.node(g.id('net', 'internet'), ['Internet'], { shape: 'stadium', tone: 'external' });
  const lan = g.node(g.id('net', 'lan'), ['LAN clients', net.cidr, `gateway ${net.gateway}`], { shape: 'stadium', tone: 'external' });
  const noInbound = () => {
    if (!g.hasEdgeFrom(internet)) g.note(internet, 'no inbound path');
  };

  // Tunnel connectors: cloudflared apps in the cluster, or guests that run cloudflared.
  const apps = byName(lab.apps);
  const connectors = lab.cluster ? apps.filter((a) => a.module === 'cloudflared') : [];
  const connectorGuests = lab.cluster ? [] : guests(lab).filter((n) => n.lxc?.services.includes('cloudflared'));
  let tunnel: string | undefined;
  if (ra.type === 'cloudflare-tunnel') {
    const none = connectors.length + connectorGuests.length === 0 ? 'no connector in the lab' : '';
    tunnel = g.node(g.id('net', 'cloudflare-tunnel'), ['Cloudflare Tunnel', ra.tunnel, none], { shape: 'hexagon', tone: 'external' });
    g.edge(internet, tunnel, 'public hosts');
  }
  if (ra.type === 'tailscale') {
    const tailnet = g.node(g.id('net', 'tailnet'), ['Tailnet devices'], { shape: 'stadium', tone: 'external' });
    const ts = g.node(g.id('net', 'tailscale'), ['Tailscale', ra.mode, ra.advertiseRoutes.length ? `advertises ${ra.advertiseRoutes.join(', ')}` : ''], { shape: 'hexagon', tone: 'external' });
    g.edge(tailnet, ts, 'VPN');
    g.edge(ts, lan, ra.mode === 'subnet-router' ? 'subnet routes' : 'operator proxies');
  }

  if (!lab.cluster) {
    // No Kubernetes: the guests are the services, reached on their LAN addresses.
    const cl = g.cluster('guests', `Guests on the LAN ${net.cidr}`);
    for (const n of guests(lab)) {
      const services = [...new Set(n.lxc?.services ?? [])].sort(cmp);
      const id = g.node(g.id('guest', n.name), [n.name, n.ip, services.length ? `runs ${services.join(', ')}` : guestKind(lab, n)], { tone: 'guest', parent: cl });
      g.edge(lan, id);
      if (tunnel && connectorGuests.includes(n)) g.edge(tunnel, id, 'tunnel connector');
    }
    noInbound();
    return g;
  }

  const c = lab.cluster;
  const kc = g.cluster('k8s', `Kubernetes cluster ${c.name}`);
  const api = g.node(g.id('net', 'kube-api'), ['Kubernetes API', `${c.vip ?? c.controlPlane[0]?.ip ?? ''}:6443`, `exposure: ${c.apiExposure}`], { tone: 'cluster', parent: kc });
  g.edge(lan, api, 'kubectl');
  if (c.apiExposure === 'public') g.edge(internet, api, 'kubectl');

  const exposure = {
    public: g.cluster('public', 'Public: reachable from the internet', kc),
    lan: g.cluster('lan_only', 'LAN only', kc),
    internal: g.cluster('internal', 'Inside the cluster only (no ingress)', kc),
  };
  for (const a of apps) {
    const comp = lab.components.find((x) => x.id === a.name)!;
    const group = a.host ? (a.expose === 'public' ? 'public' : 'lan') : 'internal';
    const tone: Tone = group;
    g.node(g.id('component', a.name), [...appLines(comp), a.expose === 'none' ? 'expose: none' : ''], { tone, parent: exposure[group] });
  }
  const uis = byId(lab.components.filter((x) => x.kind === 'platform' && x.host));
  for (const u of uis) g.node(g.id('component', u.id), [u.id, 'platform UI', `namespace ${u.namespace}`], { tone: 'lan', parent: exposure.lan });

  if (tunnel) for (const a of connectors) g.edge(tunnel, g.id('component', a.name), 'tunnel connector');

  if (lab.ingress) {
    const ing = lab.ingress;
    const lb = g.node(g.id('net', 'load-balancer'), lbLines(lab), { tone: 'platform', parent: kc });
    const ic = g.cluster('ingress', `Ingress (${ing.controller})`, kc);
    const ctrl = g.node(
      g.id('net', 'ingress-controller'),
      [ing.controller, ing.bundled ? 'bundled' : 'hearth chart', `class ${ing.className}`, ing.ip ? `IP ${ing.ip}` : ''],
      { tone: ing.bundled ? 'bundled' : 'platform', parent: ic },
    );
    g.edge(lan, lb, ing.ip ? `http(s) to ${ing.ip}` : 'http(s)');
    g.edge(lb, ctrl);
    const routes: { host: string; target: string; port?: string; exposure: string }[] = [
      ...apps
        .filter((a): a is AppModel & { host: string } => !!a.host)
        .map((a) => ({ host: a.host, target: a.name, port: a.traits.web ? `${a.traits.web.service(a.name)}:${a.traits.web.port}` : undefined, exposure: a.expose })),
      ...uis.map((u) => ({ host: u.host!, target: u.id, port: u.module.web ? `${u.module.web.service(u.id)}:${u.module.web.port}` : undefined, exposure: 'lan' })),
    ].sort((a, b) => cmp(a.host, b.host));
    const publicRoutes: string[] = [];
    for (const r of routes) {
      const route = g.node(g.id('route', r.host), [r.host, r.port ? `→ ${r.port}` : ''], { shape: 'rounded', tone: r.exposure === 'public' ? 'public' : 'lan', parent: ic });
      g.edge(ctrl, route);
      g.edge(route, g.id('component', r.target));
      if (r.exposure === 'public') publicRoutes.push(route);
    }
    // The tunnel carries only public hosts (src/catalog/apps/cloudflared.ts: publicRoutes).
    for (const a of connectors) for (const r of publicRoutes) g.edge(g.id('component', a.name), r);
    if (publicRoutes.length && !tunnel) {
      const gw = g.node(g.id('net', 'gateway'), ['Gateway', net.gateway, 'port forward'], { shape: 'hexagon', tone: 'external' });
      g.edge(internet, gw, 'public hosts');
      for (const r of publicRoutes) g.edge(gw, r, ing.ip ? `to ${ing.ip}` : undefined);
    }
  }
  // Extra cloudflared rules (SSH, TCP, hosts outside the lab) go straight to their origin.
  for (const a of connectors) {
    const routes = (a.config as { routes?: { hostname: string; service: string }[] }).routes ?? [];
    for (const r of [...routes].sort((x, y) => cmp(x.hostname, y.hostname))) {
      const id = g.node(g.id('origin', r.hostname), [r.hostname, `→ ${r.service}`], { shape: 'rounded', tone: 'public' });
      g.edge(g.id('component', a.name), id);
    }
  }
  noInbound();
  return g;
}

// ---------------------------------------------------------------------------
// 4. Failure domains: apps → storage classes → nodes → physical hosts.

function failureDomainsGraph(input: DocsInput): Graph {
  const lab = input.model;
  const g = new Graph('failure-domains', 'LR');
  const hostsCl = g.cluster('hosts', 'Physical hosts');
  for (const h of byName(lab.hosts)) {
    // The backup plan says which data sets live on each host (its failure domains).
    const data = input.plan.rows.filter((r) => r.domains.some((d) => d === h.name || d.endsWith(` ${h.name}`))).length;
    g.node(g.id('host', h.name), [...hostLines(h, false), data ? `${data} data set${data === 1 ? '' : 's'} live here (backup plan)` : ''], {
      shape: h.role === 'nas' ? 'cylinder' : 'box',
      tone: 'host',
      parent: hostsCl,
    });
  }
  const guestsCl = g.cluster('guests', 'Guests');
  for (const n of guests(lab)) {
    const id = g.node(g.id('guest', n.name), guestLines(lab, n, false), { tone: 'guest', parent: guestsCl });
    const tiers = [...new Set((n.lxc?.mounts ?? []).map((m) => m.tier))].sort(cmp);
    g.edge(id, g.id('host', n.host), tiers.length ? `runs on, mounts ${tiers.join(', ')}` : 'runs on');
  }
  let k8s: string | undefined;
  if (lab.cluster) {
    const c = lab.cluster;
    k8s = g.node(g.id('k8s', c.name), clusterLines(lab), { tone: 'cluster' });
    for (const m of members(lab)) g.edge(k8s, memberNode(g, m.node), m.role);
    if (c.datastore.type === 'external-postgres' && c.datastore.endpoint) {
      const address = c.datastore.endpoint.replace(/:\d+$/, '');
      const at = machineAt(g, lab, address) ?? g.node(g.id('external', address), ['external datastore', c.datastore.endpoint], { tone: 'external' });
      g.edge(k8s, at, 'datastore (PostgreSQL)');
    }
  }
  const scCl = g.cluster('storage', 'Storage classes');
  const memberIds = members(lab).map((m) => memberNode(g, m.node));
  for (const sc of byName(lab.storageClasses)) {
    const spec = sc.spec;
    const what =
      spec.type === 'nfs' ? `NFS ${sc.server ?? spec.server}:${spec.path}` : spec.type === 'longhorn' ? `Longhorn, ${spec.replicas} replica${spec.replicas === 1 ? '' : 's'}` : 'node-local disk';
    const id = g.node(g.id('sc', sc.name), [sc.name, what, sc.isDefault ? 'default' : ''], { shape: 'cylinder', tone: 'storage', parent: scCl });
    if (spec.type === 'nfs') {
      const server = sc.server ?? spec.server;
      const at = machineAt(g, lab, server) ?? machineAt(g, lab, spec.server) ?? g.node(g.id('external', server), ['NFS server', server], { shape: 'cylinder', tone: 'external' });
      g.edge(id, at, 'NFS server');
    } else {
      for (const m of memberIds) g.edge(id, m, spec.type === 'longhorn' ? 'replica' : 'node-local disk');
    }
  }
  const appsCl = g.cluster('apps', lab.cluster ? 'Apps' : 'Services');
  for (const a of byName(lab.apps)) {
    const comp = lab.components.find((x) => x.id === a.name)!;
    const id = g.node(g.id('component', a.name), appLines(comp), { tone: 'app', parent: appsCl });
    if (k8s) g.edge(id, k8s, 'runs on', { dashed: true });
    const byClass = new Map<string, string[]>();
    for (const v of a.volumes) byClass.set(v.storageClass, [...(byClass.get(v.storageClass) ?? []), v.content === 'cache' ? `${v.name} (cache)` : v.name]);
    for (const [cls, vols] of [...byClass].sort((x, y) => cmp(x[0], y[0]))) {
      if (g.has(g.id('sc', cls))) g.edge(id, g.id('sc', cls), `volumes ${vols.sort(cmp).join(', ')}`);
    }
    for (const dep of [...a.dependsOn].sort(cmp)) if (lab.apps.some((x) => x.name === dep)) g.edge(id, g.id('component', dep), 'needs', { dashed: true });
    // Apps that front a machine outside the cluster (external-llm: an Ollama VM, LM Studio on the Mac).
    const ext = (a.config as { externalName?: unknown } | undefined)?.externalName;
    if (typeof ext === 'string') {
      const limaHost = ext === 'host.lima.internal' && lab.spec.infrastructure?.lima ? [...new Set(lab.nodes.filter((n) => lab.hosts.find((h) => h.name === n.host)?.platform === 'macos').map((n) => n.host))] : [];
      const at = machineAt(g, lab, ext) ?? (limaHost.length === 1 ? g.id('host', limaHost[0]) : undefined);
      if (at) g.edge(id, at, `calls ${ext}`);
    }
  }
  for (const s of lxcServices(lab)) {
    const id = g.node(g.id('service', `${s.guest.name}/${s.service}`), [s.service, `in ${s.guest.name}`], { tone: 'app', parent: appsCl });
    g.edge(id, g.id('guest', s.guest.name), 'runs in');
  }
  return g;
}

// ---------------------------------------------------------------------------

const BUILDERS: Record<DiagramName, { title: (lab: LabModel) => string; build: (input: DocsInput) => Graph }> = {
  layers: { title: (lab) => `Layer stack of ${lab.name}`, build: layersGraph },
  dependencies: { title: (lab) => `Component dependencies of ${lab.name}`, build: dependenciesGraph },
  network: { title: (lab) => `Traffic into ${lab.name}`, build: networkGraph },
  'failure-domains': { title: (lab) => `Failure domains of ${lab.name}`, build: failureDomainsGraph },
};

/** The lab's diagrams, one per name in DIAGRAMS and in that order, as DOT and Mermaid. */
export function diagramSources(input: DocsInput): Diagram[] {
  return DIAGRAMS.map((name) => {
    const b = BUILDERS[name];
    const g = b.build(input);
    return { name, title: b.title(input.model), dot: g.toDot(), mermaid: g.toMermaid() };
  });
}
