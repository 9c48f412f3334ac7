/**
 * Facts of a hearth lab: the model (hosts, nodes, cluster, storage, apps)
 * plus every object it renders. Objects point back at the spec entry that
 * made them (an app, a platform component), so findings carry spec paths.
 */
import { parseAllDocuments } from 'yaml';
import type { LabModel } from '../model/types.js';
import type { RenderedFile } from '../render/files.js';
import { parseBytes } from '../lib/quantity.js';
import { addObjects, type Located } from './objects.js';
import type { Facts, StorageClassFact, Where } from './types.js';

export function emptyFacts(source: Facts['source'], name: string): Facts {
  return {
    source,
    name,
    hosts: [],
    nodes: [],
    storageClasses: [],
    workloads: [],
    pvcs: [],
    pdbs: [],
    ingresses: [],
    services: [],
    issuers: [],
    secrets: [],
    namespaces: [],
    charts: [],
    backups: [],
    apps: [],
    observability: { metrics: false, alertReceivers: undefined, logs: false, serviceMonitors: new Set() },
    updateAutomation: false,
    assumptions: [],
    notes: [],
  };
}

export function factsFromLab(lab: LabModel, files: readonly RenderedFile[]): Facts {
  const spec = lab.spec;
  const facts = emptyFacts('spec', lab.name);
  const componentPath = new Map<string, Where>();
  for (const c of lab.components) componentPath.set(c.id, { specPath: c.app ? ['apps', c.app.index] : ['components', c.id] });

  spec.hosts.forEach((h, i) =>
    facts.hosts.push({
      name: h.name,
      role: h.role,
      platform: h.platform,
      cpu: h.cpu,
      memoryBytes: parseBytes(h.memory),
      ip: h.ip,
      storageTiers: h.storage.map((t) => ({ name: t.name, path: t.path, redundancy: t.redundancy })),
      gpu: !!h.gpu,
      where: { specPath: ['hosts', i] },
    }),
  );
  const cp = new Set(spec.cluster?.controlPlane ?? []);
  const members = new Set([...(spec.cluster?.controlPlane ?? []), ...(spec.cluster?.workers ?? [])]);
  spec.nodes.forEach((n, i) =>
    facts.nodes.push({
      name: n.name,
      host: n.host,
      ip: n.ip,
      kind: n.kind,
      controlPlane: cp.has(n.name),
      inCluster: members.has(n.name),
      cpu: n.cpu,
      memoryBytes: parseBytes(n.memory),
      gpu: !!n.gpu,
      labels: n.labels,
      taints: n.taints,
      where: { specPath: ['nodes', i] },
    }),
  );
  if (lab.cluster) {
    facts.cluster = {
      distribution: lab.cluster.distribution,
      datastore: lab.cluster.datastore,
      apiExposure: lab.cluster.apiExposure,
      cni: lab.cluster.cni,
      vip: lab.cluster.vip,
      etcdSnapshots: spec.cluster?.k3s?.etcdSnapshots,
      where: { specPath: ['cluster'] },
    };
    if (spec.cluster?.k3s?.etcdSnapshots && lab.cluster.datastore.type === 'embedded-etcd') {
      const s = spec.cluster.k3s.etcdSnapshots;
      facts.backups.push({ kind: 'k3s-etcd', name: 'etcd-snapshots', schedule: s.schedule, namespaces: [], target: s.dir, where: { specPath: ['cluster', 'k3s', 'etcdSnapshots'] } });
    }
  }
  const scIndex = new Map((spec.storage?.classes ?? []).map((c, i) => [c.name, i]));
  for (const sc of lab.storageClasses) {
    const f: StorageClassFact = {
      name: sc.name,
      kind: sc.type === 'nfs' ? 'nfs' : sc.type === 'local-path' ? 'local' : 'replicated',
      server: sc.server,
      replicas: sc.spec.type === 'longhorn' ? sc.spec.replicas : undefined,
      isDefault: sc.isDefault,
      where: { specPath: ['storage', 'classes', scIndex.get(sc.name) ?? 0] },
    };
    facts.storageClasses.push(f);
  }

  // Backup tiers of the spec: each assignment (or the default tier) covers data.
  const b = spec.backups;
  if (b) {
    const tierOf = new Map(b.tiers.map((t, i) => [t.name, { t, i }]));
    const targetOf = new Map(b.targets.map((t) => [t.name, t]));
    const targetText = (names: string[]) =>
      names
        .map((n) => targetOf.get(n))
        .map((t) => (!t ? '' : t.type === 's3' ? `s3:${t.endpoint}/${t.bucket}` : t.type === 'pbs' ? `pbs:${t.server}` : t.repository))
        .filter(Boolean)
        .join(' ');
    const add = (name: string, tierName: string, namespaces: string[], claims: string[] | undefined, where: Where) => {
      const e = tierOf.get(tierName);
      if (!e) return;
      facts.backups.push({ kind: 'tier', name: `${tierName}/${name}`, schedule: e.t.schedule, namespaces, claims, target: targetText(e.t.targets), where });
    };
    b.assign.forEach((a, i) => {
      const app = a.app ? lab.apps.find((x) => x.name === a.app) : undefined;
      if (app) add(a.app!, a.tier, a.volume ? [] : [app.namespace], a.volume ? [`${app.name}-${a.volume}`] : undefined, { specPath: ['backups', 'assign', i] });
    });
    if (b.default) add('default', b.default, ['*'], undefined, { specPath: ['backups', 'default'] });
  }

  // The rendered objects, each located at the spec entry that made it.
  const objects: Located[] = [];
  for (const f of files) {
    if (!f.path.endsWith('.yaml')) continue;
    for (const d of parseAllDocuments(f.contents)) {
      const o = d.toJS() as Record<string, unknown> | null;
      if (!o || typeof o !== 'object' || typeof o.kind !== 'string') continue;
      const labels = ((o.metadata as Record<string, unknown> | undefined)?.labels ?? {}) as Record<string, string>;
      const at = componentPath.get(labels['app.kubernetes.io/instance'] ?? '');
      objects.push({ object: o, where: { ...(at ?? {}), file: f.path } });
    }
  }
  addObjects(facts, objects);
  // The model is authoritative for classes and charts; the rendered copies would count twice.
  const modelClasses = new Set(facts.storageClasses.filter((s) => s.where.specPath).map((s) => s.name));
  facts.storageClasses = facts.storageClasses.filter((s) => s.where.specPath || !modelClasses.has(s.name));
  facts.charts = lab.components
    .filter((c) => c.chart)
    .map((c) => ({ name: c.id, namespace: c.namespace, chart: c.chart!.chart, version: c.chart!.version, repo: c.chart!.repo, where: componentPath.get(c.id)! }));

  // Apps: what each declares, and the workloads of chart-based apps (their objects come from the chart).
  for (const app of lab.apps) {
    const where = componentPath.get(app.name)!;
    facts.apps.push({ name: app.name, module: app.module, namespace: app.namespace, dependsOn: app.dependsOn, expose: app.expose, login: app.traits.login, links: app.links, where });
    for (const b of app.traits.backups ?? []) facts.backups.push({ kind: app.module, name: `${app.name}/${b.name}`, schedule: b.schedule, namespaces: b.namespaces, target: b.target, where });
    const content = new Map(app.volumes.map((v) => [v.claim, v.content]));
    for (const p of facts.pvcs) if (p.namespace === app.namespace && content.has(p.name)) p.content = content.get(p.name);
    for (const ing of facts.ingresses) if (ing.app === app.name) ing.exposure = app.expose === 'public' ? 'public' : 'lan';
    const component = lab.components.find((c) => c.id === app.name)!;
    const own = facts.workloads.some((w) => w.app === app.name && w.namespace === app.namespace);
    if (component.chart && !own) {
      facts.workloads.push({
        kind: 'HelmRelease',
        name: app.name,
        namespace: app.namespace,
        app: app.name,
        replicas: app.replicas,
        containers: [{ name: app.name, image: `${component.chart.chart}:${component.chart.version}`, requests: app.resources.requests, limits: app.resources.limits, privileged: false, probes: true, env: [] }],
        claims: app.volumes.map((v) => v.claim),
        podLabels: {},
        labels: {},
        nodeSelector: app.nodeSelector,
        gpu: app.gpu,
        hostNetwork: false,
        spread: false,
        fromChart: true,
        where,
      });
      // Volumes the chart creates from hearth's claim settings: known to the model, not as objects.
      for (const v of app.volumes) {
        if (!facts.pvcs.some((p) => p.name === v.claim && p.namespace === app.namespace)) {
          facts.pvcs.push({ name: v.claim, namespace: app.namespace, storageClass: v.storageClass, size: v.size, content: v.content, app: app.name, where });
        }
      }
    }
  }
  for (const p of facts.pvcs) if (!p.storageClass) p.storageClass = lab.defaultStorageClass;
  // Issuers come from the spec (their objects are rendered as ClusterIssuers too).
  facts.issuers = lab.issuers.map((iss, i) => ({ name: iss.name, kind: 'ClusterIssuer' as const, where: { specPath: ['tls', 'issuers', i] } }));
  for (const ing of facts.ingresses) if (ing.exposure === 'unknown') ing.exposure = 'lan';

  // Namespaces the lab declares keep their spec paths.
  for (const n of facts.namespaces) {
    const i = spec.namespaces.findIndex((x) => x.name === n.name);
    if (i >= 0) n.where = { specPath: ['namespaces', i] };
  }

  facts.observability.metrics = lab.monitoringNamespace !== undefined;
  facts.observability.alertReceivers = lab.receivers.length;
  facts.observability.logs = spec.observability.logs.enabled;
  facts.remoteAccess = { type: spec.remoteAccess.type, where: { specPath: ['remoteAccess'] } };
  facts.gitops = { engine: lab.gitops.engine, where: { specPath: ['gitops', 'engine'] } };
  facts.secretsMechanism = spec.secrets.mechanism;
  facts.updateAutomation = true; // hearth writes renovate.json for the lab's repository
  return facts;
}
