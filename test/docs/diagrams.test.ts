/**
 * Tests of the docs diagrams (src/docs/diagrams.ts, src/docs/graphviz.ts)
 * over every example. The oracles are the two tools that read the sources:
 * Graphviz (renders the DOT, and its JSON output gives the parsed nodes,
 * clusters and edges) and Mermaid's browser bundle in Chromium (parses and
 * renders the flowchart, and its flowchart database gives what it parsed).
 * The content checks compare those parsed graphs with the model and the
 * backup plan: who reaches which app from the internet, which hosts an app's
 * data depends on.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { Graphviz } from '@hpcc-js/wasm-graphviz';
import type { Browser, Page } from 'playwright-core';
import { diagramSources, nodeId, clusterId, type Diagram } from '../../src/docs/diagrams.js';
import { renderSvg, diagramFiles } from '../../src/docs/graphviz.js';
import { DIAGRAMS, DOC_PATHS, type DocsInput, type DiagramName } from '../../src/docs/types.js';
import { EXAMPLES, exampleDocsInput } from '../helpers/docs-input.js';
import { launchBrowser } from '../helpers/browser.js';
import { ROOT } from '../helpers/labs.js';

const MERMAID_JS = path.join(ROOT, 'node_modules/mermaid/dist/mermaid.min.js');

/** A graph as a tool parsed it: nodes, clusters (with every node inside, nested included) and edges. */
interface Parsed {
  nodes: Set<string>;
  clusters: Map<string, Set<string>>;
  /** `from`/`to` are node ids, or cluster ids for edges that end on a cluster. */
  edges: { from: string; to: string; label: string; dashed: boolean }[];
}

let gv: Graphviz;
const inputs = new Map<string, DocsInput>();
const sources = new Map<string, Diagram[]>();

before(async () => {
  gv = await Graphviz.load();
  for (const ex of EXAMPLES) {
    const input = await exampleDocsInput(ex);
    inputs.set(ex, input);
    sources.set(ex, diagramSources(input));
  }
});

function diagram(ex: string, name: DiagramName): Diagram {
  return sources.get(ex)!.find((d) => d.name === name)!;
}

/** The DOT as Graphviz reads it (its `json` output). */
function parseDot(dot: string): Parsed {
  const j = JSON.parse(gv.dot(dot, 'json')) as {
    _subgraph_cnt?: number;
    objects?: { _gvid: number; name: string; nodes?: number[] }[];
    edges?: { tail: number; head: number; label?: string; style?: string; lhead?: string; ltail?: string }[];
  };
  const objects = j.objects ?? [];
  const nsub = j._subgraph_cnt ?? 0;
  const byGvid = new Map(objects.map((o) => [o._gvid, o.name]));
  const nodes = new Set(objects.slice(nsub).map((o) => o.name));
  const clusters = new Map(objects.slice(0, nsub).map((o) => [o.name, new Set((o.nodes ?? []).map((n) => byGvid.get(n)!))]));
  const edges = (j.edges ?? []).map((e) => ({
    from: e.ltail ?? byGvid.get(e.tail)!,
    to: e.lhead ?? byGvid.get(e.head)!,
    label: (e.label ?? '').replace(/&amp;/g, '&').replace(/\\(.)/g, '$1'),
    dashed: e.style === 'dashed',
  }));
  return { nodes, clusters, edges };
}

/** Nodes reachable from `start` (an edge to or from a cluster stands for all its nodes). */
function reachable(g: Parsed, start: string, without: string[] = []): Set<string> {
  const expand = (id: string) => [...(g.clusters.get(id) ?? [id])];
  const out = new Map<string, string[]>();
  for (const e of g.edges) for (const f of expand(e.from)) out.set(f, [...(out.get(f) ?? []), ...expand(e.to)]);
  const seen = new Set<string>([start]);
  const todo = [start];
  while (todo.length) {
    for (const n of out.get(todo.pop()!) ?? []) {
      if (seen.has(n) || without.includes(n)) continue;
      seen.add(n);
      todo.push(n);
    }
  }
  return seen;
}

function hasEdge(g: Parsed, from: string, to: string): boolean {
  return g.edges.some((e) => e.from === from && e.to === to);
}

function titles(svg: string): Set<string> {
  return new Set([...svg.matchAll(/<title>([^<]*)<\/title>/g)].map((m) => m[1]));
}

describe('diagram sources', () => {
  test('one diagram per name in DIAGRAMS, in that order, with a title and both sources', () => {
    for (const ex of EXAMPLES) {
      const ds = sources.get(ex)!;
      assert.deepEqual(
        ds.map((d) => d.name),
        [...DIAGRAMS],
        ex,
      );
      for (const d of ds) {
        assert.ok(d.title.includes(inputs.get(ex)!.model.name), `${ex} ${d.name}: ${d.title}`);
        assert.match(d.dot, /^digraph "/, `${ex} ${d.name}`);
        assert.match(d.mermaid, /^flowchart (TB|BT|LR)\n/, `${ex} ${d.name}`);
      }
    }
  });

  test('deterministic: two calls, and shuffled model arrays, give the same sources', () => {
    for (const ex of EXAMPLES) {
      const input = inputs.get(ex)!;
      assert.deepEqual(diagramSources(input), sources.get(ex), ex);
      const m = input.model;
      const shuffled: DocsInput = {
        ...input,
        model: {
          ...m,
          hosts: [...m.hosts].reverse(),
          nodes: [...m.nodes].reverse(),
          apps: [...m.apps].reverse(),
          components: [...m.components].reverse(),
          storageClasses: [...m.storageClasses].reverse(),
          cluster: m.cluster && { ...m.cluster, nodes: [...m.cluster.nodes].reverse(), controlPlane: [...m.cluster.controlPlane].reverse(), workers: [...m.cluster.workers].reverse() },
        },
        plan: { ...input.plan, rows: [...input.plan.rows].reverse() },
      };
      assert.deepEqual(diagramSources(shuffled), sources.get(ex), `${ex}: output depends on input order`);
    }
  });
});

describe('Graphviz', () => {
  test('every diagram of every example renders, with a <title> for each node it should have', async () => {
    for (const ex of EXAMPLES) {
      const m = inputs.get(ex)!.model;
      const svgs = new Map<DiagramName, Set<string>>();
      for (const d of sources.get(ex)!) svgs.set(d.name, titles(await renderSvg(d.dot)));
      const has = (name: DiagramName, ids: string[]) => {
        const t = svgs.get(name)!;
        for (const id of ids) assert.ok(t.has(id), `${ex} ${name}: no node ${id}`);
      };
      const hosts = m.hosts.map((h) => nodeId('host', h.name));
      const guests = m.nodes.filter((n) => n.kind !== 'bare-metal').map((n) => nodeId('guest', n.name));
      const components = m.components.map((c) => nodeId('component', c.id));
      has('layers', [...hosts, ...guests, ...components, ...(m.cluster ? [nodeId('k8s', m.cluster.name)] : [])]);
      has('dependencies', components);
      has('network', [nodeId('net', 'internet'), ...m.apps.map((a) => nodeId('component', a.name)), ...m.apps.filter((a) => a.host).map((a) => nodeId('route', a.host!))]);
      has('failure-domains', [...hosts, ...guests, ...m.apps.map((a) => nodeId('component', a.name)), ...m.storageClasses.map((s) => nodeId('sc', s.name))]);
    }
  });

  test('a DOT syntax error is an error, not an empty picture', async () => {
    await assert.rejects(renderSvg('digraph { a -> }'));
  });

  test('the SVG is byte-identical across runs, self-contained, and its ids do not clash between diagrams', async () => {
    for (const ex of EXAMPLES) {
      const a = await diagramFiles(inputs.get(ex)!);
      const b = await diagramFiles(inputs.get(ex)!);
      assert.deepEqual(a, b, ex);
      assert.deepEqual(
        a.map((f) => f.path),
        DIAGRAMS.flatMap((n) => [DOC_PATHS.diagram(n, 'dot'), DOC_PATHS.diagram(n, 'mmd'), DOC_PATHS.diagram(n, 'svg')]),
      );
      const ids: string[] = [];
      for (const f of a.filter((x) => x.path.endsWith('.svg'))) {
        assert.match(f.contents, /^<svg [^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/, `${ex} ${f.path}: starts with <svg xmlns>`);
        assert.ok(!/Generated by graphviz|graphviz version|<\?xml|<!DOCTYPE/i.test(f.contents), `${ex} ${f.path}: generator comment or prolog left`);
        assert.ok(!/(href|src)="(?!#)/.test(f.contents), `${ex} ${f.path}: refers to another file`);
        ids.push(...[...f.contents.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]));
      }
      const dupes = ids.filter((id, i) => ids.indexOf(id) !== i);
      assert.deepEqual(dupes, [], `${ex}: SVG ids repeat across diagrams (they share a page)`);
    }
  });
});

describe('content', () => {
  test('layers: lab 002 has no Kubernetes layer; its LXC guests run the services on the host', () => {
    const g = parseDot(diagram('002-proxmox-lxc', 'layers').dot);
    assert.equal([...g.nodes].filter((n) => n.startsWith('n_k8s_')).length, 0);
    assert.ok(!g.clusters.has(clusterId('kubernetes')));
    const m = inputs.get('002-proxmox-lxc')!.model;
    const fromHost = reachable(g, nodeId('host', 'pve'));
    for (const n of m.nodes) for (const s of n.lxc?.services ?? []) assert.ok(fromHost.has(nodeId('service', `${n.name}/${s}`)), `${n.name}/${s}`);
  });

  test('layers: in a cluster lab, each node joins the cluster from its host, and the stack goes up to the apps', () => {
    for (const ex of EXAMPLES) {
      const m = inputs.get(ex)!.model;
      if (!m.cluster) continue;
      const g = parseDot(diagram(ex, 'layers').dot);
      const k8s = nodeId('k8s', m.cluster.name);
      for (const n of m.cluster.nodes) {
        assert.ok(hasEdge(g, nodeId('guest', n.name), k8s), `${ex}: ${n.name} → cluster`);
        assert.ok(hasEdge(g, nodeId('host', n.host), nodeId('guest', n.name)), `${ex}: ${n.host} → ${n.name}`);
      }
      const up = reachable(g, k8s);
      for (const c of m.components) assert.ok(up.has(nodeId('component', c.id)), `${ex}: ${c.id} is not above the cluster`);
    }
  });

  test('dependencies: every dependsOn of every component is an edge', () => {
    for (const ex of EXAMPLES) {
      const m = inputs.get(ex)!.model;
      const g = parseDot(diagram(ex, 'dependencies').dot);
      for (const c of m.components) {
        assert.ok(g.clusters.get(clusterId(`layer_${c.layer}`))?.has(nodeId('component', c.id)), `${ex}: ${c.id} not in its layer ${c.layer}`);
        for (const d of c.dependsOn) assert.ok(hasEdge(g, nodeId('component', c.id), nodeId('component', d)), `${ex}: ${c.id} → ${d}`);
      }
    }
    // Seed 000: the RAG platform's links to its providers, named by purpose.
    const g = parseDot(diagram('000-proxmox-sdn-k3s', 'dependencies').dot);
    const e = g.edges.find((x) => x.from === nodeId('component', 'rag') && x.to === nodeId('component', 'postgresql'));
    assert.match(e?.label ?? '', /PostgreSQL/);
  });

  test('network: public apps are reached from the internet, every other app is not', () => {
    for (const ex of EXAMPLES) {
      const m = inputs.get(ex)!.model;
      const d = diagram(ex, 'network');
      const g = parseDot(d.dot);
      const fromInternet = reachable(g, nodeId('net', 'internet'));
      const fromLan = reachable(g, nodeId('net', 'lan'));
      for (const a of m.apps) {
        const id = nodeId('component', a.name);
        // The tunnel connector is where public traffic enters the cluster, so it is reached too.
        const expected = a.expose === 'public' || (a.module === 'cloudflared' && m.spec.remoteAccess.type === 'cloudflare-tunnel');
        assert.equal(fromInternet.has(id), expected, `${ex}: ${a.name} (${a.expose}) reached from the internet: ${fromInternet.has(id)}`);
        if (a.host) assert.ok(fromLan.has(id), `${ex}: ${a.name} not reached from the LAN`);
      }
      assert.ok(d.dot.includes(m.spec.network.cidr), `${ex}: LAN CIDR`);
      if (m.ingress?.ip) assert.ok(d.dot.includes(m.ingress.ip), `${ex}: ingress IP`);
    }
  });

  test('network: with a Cloudflare tunnel, the tunnel sits between the internet and the ingress', () => {
    const g = parseDot(diagram('003-lima-k3s-argocd', 'network').dot);
    const internet = nodeId('net', 'internet');
    const tunnel = nodeId('net', 'cloudflare-tunnel');
    const ingress = g.clusters.get(clusterId('ingress'))!;
    const vaultwardenRoute = nodeId('route', 'vaultwarden.lab.example.net');
    assert.ok(hasEdge(g, internet, tunnel));
    assert.ok(ingress.has(vaultwardenRoute));
    assert.ok(reachable(g, internet).has(vaultwardenRoute));
    // Take the tunnel away and nothing of the ingress is reachable from the internet.
    const cut = reachable(g, internet, [tunnel]);
    assert.deepEqual([...ingress].filter((n) => cut.has(n)), []);
    // Only public hosts go through it: a LAN app's route is not reachable from the tunnel.
    assert.ok(!reachable(g, tunnel).has(nodeId('route', 'homepage.lab.example.net')));
    // Lab 002 has no cluster: the tunnel ends on the guest that runs cloudflared.
    const g2 = parseDot(diagram('002-proxmox-lxc', 'network').dot);
    assert.ok(hasEdge(g2, nodeId('net', 'cloudflare-tunnel'), nodeId('guest', 'proxy')));
    // Lab 001 is reached over Tailscale: its devices reach the LAN apps, the internet reaches nothing.
    const g1 = parseDot(diagram('001-k3s-synology', 'network').dot);
    assert.ok(reachable(g1, nodeId('net', 'tailnet')).has(nodeId('component', 'paperless')));
  });

  test('failure domains: every host the backup plan names for a data set is reached from its app', () => {
    for (const ex of EXAMPLES) {
      const input = inputs.get(ex)!;
      const m = input.model;
      const g = parseDot(diagram(ex, 'failure-domains').dot);
      let checked = 0;
      for (const r of input.plan.rows) {
        const start =
          r.kind === 'volume' || r.kind === 'database'
            ? nodeId('component', r.dataSet.split('/')[0])
            : r.kind === 'guest'
              ? nodeId('guest', r.dataSet.replace(/^node /, ''))
              : nodeId('k8s', m.cluster!.name);
        const reach = reachable(g, start);
        for (const domain of r.domains) {
          const host = domain.split(' ').pop()!;
          assert.ok(reach.has(nodeId('host', host)), `${ex}: ${r.dataSet} lives on ${domain} but ${start} does not reach ${host}`);
          checked++;
        }
      }
      for (const n of m.nodes.filter((x) => x.kind !== 'bare-metal')) assert.ok(hasEdge(g, nodeId('guest', n.name), nodeId('host', n.host)), `${ex}: ${n.name} → ${n.host}`);
      assert.ok(checked > 0, `${ex}: no domain checked`);
    }
  });

  test('failure domains: an app with an NFS volume depends on the NAS, a stateless one does not', () => {
    const g = parseDot(diagram('001-k3s-synology', 'failure-domains').dot);
    const nas = nodeId('host', 'synology');
    assert.ok(hasEdge(g, nodeId('component', 'paperless'), nodeId('sc', 'nfs-client')));
    assert.ok(hasEdge(g, nodeId('sc', 'nfs-client'), nas));
    assert.ok(reachable(g, nodeId('component', 'paperless')).has(nas));
    assert.ok(reachable(g, nodeId('component', 'paperless')).has(nodeId('host', 'pve')), 'paperless runs on the cluster on pve too');
    assert.ok(!reachable(g, nodeId('component', 'devbox')).has(nas), 'devbox keeps nothing on the NAS');
    // Seed 004: the external-llm app fronts the Ollama VM on pve-b.
    const g4 = parseDot(diagram('004-proxmox-talos-longhorn', 'failure-domains').dot);
    assert.ok(hasEdge(g4, nodeId('component', 'ollama-vm'), nodeId('guest', 'ollama')));
  });
});

describe('Mermaid in Chromium', () => {
  let browser: Browser | undefined;
  let page: Page;
  const errors: string[] = [];

  before(async () => {
    browser = await launchBrowser();
    page = await browser.newPage();
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(e.message));
    await page.setContent('<!doctype html><html><body><div id="out"></div></body></html>');
    await page.addScriptTag({ path: MERMAID_JS });
    await page.evaluate(() => (globalThis as any).mermaid.initialize({ startOnLoad: false }));
  });
  after(async () => {
    await browser?.close();
  });

  /** Parses and renders in the page; returns what Mermaid parsed and the rendered text. */
  async function mermaidGraph(src: string, renderId: string): Promise<Parsed & { text: string }> {
    const r = await page.evaluate(
      async ({ src, renderId }) => {
        const mermaid = (globalThis as any).mermaid;
        await mermaid.parse(src);
        const d = await mermaid.mermaidAPI.getDiagramFromText(src);
        const v = d.db.getVertices();
        const sub = d.db.getSubGraphs() as { id: string; nodes: string[] }[];
        const { svg } = await mermaid.render(renderId, src);
        const out = document.getElementById('out')!;
        out.innerHTML = svg;
        return {
          vertices: (v instanceof Map ? [...v.keys()] : Object.keys(v)) as string[],
          subgraphs: sub.map((s) => ({ id: s.id, nodes: s.nodes })),
          edges: (d.db.getEdges() as { start: string; end: string; text: string; stroke: string }[]).map((e) => ({ from: e.start, to: e.end, label: e.text, dashed: e.stroke === 'dotted' })),
          text: out.textContent ?? '',
        };
      },
      { src, renderId },
    );
    const subIds = new Set(r.subgraphs.map((s) => s.id));
    const direct = new Map(r.subgraphs.map((s) => [s.id, s.nodes]));
    const all = (id: string): string[] => (direct.get(id) ?? []).flatMap((n) => (subIds.has(n) ? all(n) : [n]));
    return {
      nodes: new Set(r.vertices.filter((v) => !subIds.has(v))),
      clusters: new Map(r.subgraphs.map((s) => [s.id, new Set(all(s.id))])),
      edges: r.edges,
      text: r.text,
    };
  }

  const sortEdges = (g: Parsed) => g.edges.map((e) => `${e.from} -> ${e.to} [${e.label}]${e.dashed ? ' dashed' : ''}`).sort();

  test('every diagram of every example parses and renders, and says what the DOT says', async () => {
    for (const ex of EXAMPLES) {
      for (const d of sources.get(ex)!) {
        const before = errors.length;
        const mm = await mermaidGraph(d.mermaid, `m-${ex}-${d.name}`);
        assert.deepEqual(errors.slice(before), [], `${ex} ${d.name}: console errors`);
        const dot = parseDot(d.dot);
        assert.deepEqual([...mm.nodes].sort(), [...dot.nodes].sort(), `${ex} ${d.name}: nodes`);
        assert.deepEqual([...mm.clusters.keys()].sort(), [...dot.clusters.keys()].sort(), `${ex} ${d.name}: clusters`);
        for (const [id, members] of dot.clusters) assert.deepEqual([...mm.clusters.get(id)!].sort(), [...members].sort(), `${ex} ${d.name}: members of ${id}`);
        assert.deepEqual(sortEdges(mm), sortEdges(dot), `${ex} ${d.name}: edges`);
        for (const a of inputs.get(ex)!.model.apps) if (d.name === 'network' && a.host) assert.ok(mm.text.includes(a.host), `${ex}: ${a.host} not drawn`);
      }
    }
  });

  test('labels with quotes, <, >, &, braces, brackets and escapes show as written in both languages', async () => {
    const input = inputs.get('002-proxmox-lxc')!;
    const weird = 'we"ird <b>x</b> &amp; & {c} [d] (e) #35; 50% |p| \\n `t` ;:';
    const model = { ...input.model, nodes: input.model.nodes.map((n) => (n.name === 'proxy' && n.lxc ? { ...n, lxc: { ...n.lxc, services: [...n.lxc.services, weird] } } : n)) };
    for (const d of diagramSources({ ...input, model })) {
      if (!d.dot.includes('we\\"ird')) continue;
      const svg = await renderSvg(d.dot);
      const gvText = await page.evaluate((svg) => {
        const out = document.getElementById('out')!;
        out.innerHTML = svg;
        return [...out.querySelectorAll('text')].map((t) => t.textContent).join('\n');
      }, svg);
      assert.ok(gvText.split('\n').some((l) => l.includes(weird)), `${d.name}: Graphviz shows ${JSON.stringify(gvText.split('\n').filter((l) => l.includes('ird')))}`);
      const before = errors.length;
      const mm = await mermaidGraph(d.mermaid, `weird-${d.name}`);
      assert.deepEqual(errors.slice(before), []);
      assert.ok(mm.text.includes(weird), `${d.name}: Mermaid shows ${JSON.stringify(mm.text.slice(mm.text.indexOf('ird') - 10, mm.text.indexOf('ird') + 60))}`);
      assert.deepEqual([...mm.nodes].sort(), [...parseDot(d.dot).nodes].sort(), `${d.name}: ids stay the same in both languages`);
    }
  });
});
