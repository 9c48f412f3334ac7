/**
 * Spec → model: fill in defaults, resolve references, consult the catalog for
 * modules and their settings, and work out which platform components the
 * lab implies. Catalog-dependent checks report issues here; the result is
 * the one model every later stage reads.
 */
import type { LabSpec } from '../spec/schema.js';
import { issue, type Issue } from '../spec/issues.js';
import { convertZodIssue } from '../spec/check.js';
import { catalog as defaultCatalog, LAYERS, type CatalogModule } from '../catalog/index.js';
import { closest, list } from '../lib/text.js';
import { resolveBackupSets } from './backups.js';
import type {
  LabModel,
  AppModel,
  ComponentInstance,
  NamespaceModel,
  StorageClassModel,
  ClusterModel,
  IngressModel,
  VolumeModel,
  ResourcesModel,
} from './types.js';

export interface ResolveResult {
  model?: LabModel;
  issues: Issue[];
}

function fqdn(spec: LabSpec, sub: string): string {
  return spec.subdomainPattern.replaceAll('{app}', sub).replaceAll('{domain}', spec.domain);
}

function str(v: string | number | undefined): string | undefined {
  return v === undefined ? undefined : String(v);
}

export interface ResolveOptions {
  /** The module registry (tests pass one with extra modules). Default: the catalog. */
  catalog?: ReadonlyMap<string, CatalogModule>;
}

export function resolveLab(spec: LabSpec, opts: ResolveOptions = {}): ResolveResult {
  const registry = opts.catalog ?? defaultCatalog;
  const getModule = (name: string) => registry.get(name);
  const platformModules = () => [...registry.values()].filter((m) => m.kind === 'platform');
  const appModules = () => [...registry.values()].filter((m) => m.kind === 'app');
  const issues: Issue[] = [];
  const nodeByName = new Map(spec.nodes.map((n) => [n.name, n]));
  const hostByName = new Map(spec.hosts.map((h) => [h.name, h]));

  let cluster: ClusterModel | undefined;
  if (spec.cluster) {
    const c = spec.cluster;
    const controlPlane = c.controlPlane.map((n) => nodeByName.get(n)!).filter(Boolean);
    const workers = c.workers.map((n) => nodeByName.get(n)!).filter(Boolean);
    cluster = {
      name: c.name,
      distribution: c.distribution,
      version: c.version,
      cni: c.cni ?? 'flannel',
      datastore: c.datastore,
      controlPlane,
      workers,
      nodes: [...controlPlane, ...workers],
      vip: c.vip,
      apiExposure: c.apiServer.exposure,
    };
  }

  const defaultClass = spec.storage ? (spec.storage.default ?? spec.storage.classes[0].name) : undefined;
  const storageClasses: StorageClassModel[] = (spec.storage?.classes ?? []).map((sc) => ({
    spec: sc,
    name: sc.name,
    type: sc.type,
    isDefault: sc.name === defaultClass,
    bundled: sc.type === 'local-path' && cluster?.distribution === 'k3s' && sc.name === 'local-path',
    server: sc.type === 'nfs' ? (hostByName.get(sc.server)?.ip ?? sc.server) : undefined,
  }));

  const overrides = spec.components;
  const ingressModule = spec.ingress ? getModule(spec.ingress.controller) : undefined;
  let ingress: IngressModel | undefined;
  if (spec.ingress) {
    const i = spec.ingress;
    ingress = {
      controller: i.controller,
      bundled: i.bundled,
      className: i.className ?? (i.controller === 'traefik' ? 'traefik' : 'nginx'),
      ip: i.ip,
      namespace: i.bundled ? 'kube-system' : (overrides[i.controller]?.namespace ?? ingressModule?.namespace ?? i.controller),
    };
    if (i.controller === 'ingress-nginx') {
      issues.push(
        issue('invalid-combination', ['ingress', 'controller'], 'ingress-nginx was retired upstream in March 2026 and receives no fixes', {
          severity: 'warning',
          hint: 'plan a move to controller: traefik',
        }),
      );
    }
  }

  const model: LabModel = {
    spec,
    name: spec.name,
    domain: spec.domain,
    hosts: spec.hosts,
    nodes: spec.nodes,
    cluster,
    ingress,
    issuers: spec.tls?.issuers ?? [],
    defaultIssuer: spec.tls ? (spec.tls.default ?? spec.tls.issuers[0].name) : undefined,
    storageClasses,
    defaultStorageClass: defaultClass,
    gitops: spec.gitops,
    receivers: spec.observability.alerts.receivers,
    namespaces: [],
    apps: [],
    components: [],
    backupSets: [],
  };

  // Apps: module lookup, settings, traits.
  const appComponents: ComponentInstance[] = [];
  const knownApps = appModules().map((m) => m.name);
  spec.apps.forEach((a, index) => {
    const moduleName = a.module ?? a.name;
    const mod = getModule(moduleName);
    const modPath = a.module ? ['apps', index, 'module'] : ['apps', index, 'name'];
    if (!mod || mod.kind !== 'app') {
      const near = closest(moduleName, knownApps);
      issues.push(
        issue('unresolved-reference', modPath, `no catalog module named "${moduleName}"`, {
          expected: 'an app module from `hearth catalog`',
          hint: `${near ? `did you mean "${near}"? ` : ''}set module: to one of: ${list(knownApps)}`,
        }),
      );
      return;
    }
    let config: unknown = a.config;
    if (mod.config) {
      const r = mod.config.safeParse(a.config);
      if (!r.success) {
        for (const zi of r.error.issues) issues.push(...convertZodIssue(zi, a.config, mod.config, ['apps', index, 'config']));
        return;
      }
      config = r.data;
    }
    if (!mod.chart && Object.keys(a.values).length > 0) {
      issues.push(issue('invalid-value', ['apps', index, 'values'], `module ${mod.name} renders no Helm chart, so chart values do nothing`, { severity: 'warning', hint: 'use config: for module settings, or remove values:' }));
    }
    const traits = mod.app!(config);
    const expose = a.expose ?? traits.expose;
    if ((expose === 'lan' || expose === 'public') && !traits.web) {
      issues.push(issue('invalid-value', ['apps', index, 'expose'], `${mod.name} has no web port to expose`, { expected: 'none or internal' }));
    }
    if ((expose === 'lan' || expose === 'public') && traits.web && !ingress) {
      issues.push(issue('missing-dependency', ['apps', index, 'expose'], `app "${a.name}" is exposed (${expose}) but the lab has no ingress controller`, { hint: 'add ingress: { controller: traefik }, or set expose: internal' }));
    }
    for (const v of Object.keys(a.volumes)) {
      if (!traits.volumes.some((t) => t.name === v)) {
        issues.push(
          issue('unresolved-reference', ['apps', index, 'volumes', v], `module ${mod.name} has no volume "${v}"`, {
            hint: `volumes: ${list(traits.volumes.map((t) => t.name))}`,
          }),
        );
      }
    }
    const volumes: VolumeModel[] = traits.volumes.map((t) => {
      const o = a.volumes[t.name] ?? {};
      return {
        name: t.name,
        claim: `${a.name}-${t.name}`,
        storageClass: o.class ?? a.storage ?? defaultClass ?? '',
        size: o.size ?? t.size,
        mountPath: t.mountPath,
        accessMode: t.accessMode ?? 'ReadWriteOnce',
        content: t.content ?? 'files',
      };
    });
    volumes.forEach((v) => {
      if (!v.storageClass) {
        issues.push(issue('missing-dependency', ['apps', index, 'storage'], `app "${a.name}" needs a volume (${v.name}) but the lab defines no storage class`, { hint: 'add storage: { classes: [...] }' }));
      }
    });
    const resources: ResourcesModel = {
      requests: { ...traits.resources.requests, ...pickDefined({ cpu: str(a.resources?.requests?.cpu), memory: a.resources?.requests?.memory }) },
      limits: { ...traits.resources.limits, ...pickDefined({ cpu: str(a.resources?.limits?.cpu), memory: a.resources?.limits?.memory }) },
    };
    const exposed = (expose === 'lan' || expose === 'public') && traits.web && ingress;
    const host = exposed ? fqdn(spec, a.host ?? a.name) : undefined;
    const app: AppModel = {
      name: a.name,
      module: mod.name,
      namespace: a.namespace,
      host,
      url: host ? `https://${host}` : undefined,
      expose,
      issuer: exposed ? (a.issuer ?? model.defaultIssuer) : undefined,
      volumes,
      replicas: a.replicas ?? traits.replicas,
      resources,
      dependsOn: a.dependsOn,
      requirements: a.requirements.map((r) => r.toUpperCase()),
      config,
      values: a.values,
      nodeSelector: a.nodeSelector ?? {},
      gpu: a.gpu ?? false,
      traits,
      links: {},
      index,
    };
    model.apps.push(app);
    appComponents.push({
      id: a.name,
      module: mod,
      kind: 'app',
      layer: 'apps',
      namespace: a.namespace,
      chart: mod.chart,
      overrides: a.values,
      dependsOn: a.dependsOn,
      app,
    });
  });

  // Needs: link each to the lab's app of the needed module.
  const componentOf = new Map(appComponents.map((x) => [x.id, x]));
  for (const app of model.apps) {
    const c = componentOf.get(app.name)!;
    for (const need of app.traits.needs ?? []) {
      const providers = model.apps.filter((p) => p.module === need.module && p.name !== app.name);
      const named = providers.filter((p) => app.dependsOn.includes(p.name));
      const chosen = named.length === 1 ? named[0] : providers.length === 1 ? providers[0] : undefined;
      if (!chosen) {
        if (need.optional && providers.length === 0) continue;
        issues.push(
          providers.length === 0
            ? issue('missing-dependency', ['apps', app.index, 'module'], `${app.module} needs ${need.purpose}, and the lab has no ${need.module} app`, {
                hint: `add { name: ${need.module}, namespace: ${app.namespace} } to apps`,
              })
            : issue('missing-dependency', ['apps', app.index, 'dependsOn'], `${app.module} needs ${need.purpose}; the lab has several ${need.module} apps (${list(providers.map((p) => p.name))})`, {
                hint: 'name the one to use in dependsOn',
              }),
        );
        continue;
      }
      app.links[need.module] = chosen.name;
      if (!app.dependsOn.includes(chosen.name)) {
        app.dependsOn = [...app.dependsOn, chosen.name];
        c.dependsOn = app.dependsOn;
      }
    }
  }

  // Backup data sets (platform components such as the backup jobs read them).
  const backups = resolveBackupSets(model);
  model.backupSets = backups.sets;
  issues.push(...backups.issues);

  // Platform components implied by the spec.
  const platform: ComponentInstance[] = [];
  const platformIds = new Set<string>();
  for (const mod of platformModules()) {
    for (const inst of mod.instances?.(model) ?? []) {
      const id = inst.id ?? mod.name;
      platformIds.add(id);
      const o = overrides[id];
      if (o?.enabled === false) continue;
      const chart = mod.chart && inst.chart !== false ? { ...mod.chart, version: o?.version ?? mod.chart.version } : undefined;
      platform.push({
        id,
        module: withDir(mod, inst.dir),
        kind: 'platform',
        layer: mod.layer,
        namespace: o?.namespace ?? mod.namespace ?? id,
        chart,
        overrides: o?.values ?? {},
        dependsOn: inst.dependsOn ?? [],
        host: inst.host,
        config: inst.config,
      });
    }
  }
  const allPlatformIds = new Set([...platformIds, ...platformModules().map((m) => m.name)]);
  for (const id of Object.keys(overrides)) {
    if (!allPlatformIds.has(id)) {
      const near = closest(id, [...allPlatformIds]);
      issues.push(
        issue('unresolved-reference', ['components', id], `no platform component "${id}"`, {
          hint: `${near ? `did you mean "${near}"? ` : ''}components: ${list([...allPlatformIds].sort())}`,
        }),
      );
    } else if (!platformIds.has(id) && overrides[id].enabled !== false) {
      issues.push(issue('invalid-value', ['components', id], `component "${id}" is not part of this lab, so its overrides do nothing`, { severity: 'warning', hint: 'remove the entry, or add what implies the component (e.g. ingress:, tls:, storage:)' }));
    }
  }
  for (const c of platform) c.dependsOn = c.dependsOn.filter((d) => platform.some((p) => p.id === d));
  const monitoring = platform.find((c) => c.id === 'kube-prometheus-stack');
  model.monitoringNamespace = monitoring?.namespace;
  if (ingress && !ingress.bundled) ingress.namespace = platform.find((c) => c.id === ingress!.controller)?.namespace ?? ingress.namespace;

  // Platform UI hosts must not clash with app hosts.
  const hosts = new Map(model.apps.filter((a) => a.host).map((a) => [a.host!, `apps[${a.index}]`]));
  for (const c of platform) {
    if (!c.host) continue;
    const h = fqdn(spec, c.host);
    const prev = hosts.get(h);
    if (prev) issues.push(issue('duplicate-name', ['apps', Number(prev.slice(5, -1)), 'host'], `host ${h} is also used by the platform component ${c.id}`, { hint: `pick another host for the app` }));
    c.host = h;
  }

  const layerIndex = (l: string) => LAYERS.indexOf(l as (typeof LAYERS)[number]);
  model.components = [...platform, ...appComponents].sort((a, b) => layerIndex(a.layer) - layerIndex(b.layer) || a.id.localeCompare(b.id));

  // Namespaces: the spec's own, then those platform components need.
  // A declared namespace that also hosts platform charts keeps allow-all unless the
  // spec says otherwise: hearth cannot derive every flow those charts need.
  const platformNamespaces = new Set(platform.map((c) => c.namespace));
  const namespaces: NamespaceModel[] = spec.namespaces.map((n) => ({
    name: n.name,
    origin: 'spec',
    spec: n,
    labels: n.labels,
    networkPolicy: n.networkPolicy ?? (platformNamespaces.has(n.name) ? 'allow-all' : spec.network.policy),
  }));
  for (const c of platform) {
    if (namespaces.some((n) => n.name === c.namespace) || ['kube-system', 'default'].includes(c.namespace)) continue;
    namespaces.push({ name: c.namespace, origin: 'platform', labels: {}, networkPolicy: 'allow-all' });
  }
  model.namespaces = namespaces.sort((a, b) => a.name.localeCompare(b.name));

  // Module checks that need the whole lab.
  for (const app of model.apps) {
    const mod = componentOf.get(app.name)?.module;
    for (const p of mod?.check?.({ lab: model, app, config: app.config }) ?? []) {
      issues.push(issue('module-config', ['apps', app.index, ...p.path], p.message, { hint: p.hint, severity: p.severity }));
    }
  }

  // Requirement traceability references.
  const ids = new Set([...model.components.map((c) => c.id)]);
  spec.requirements.forEach((r, i) =>
    r.satisfiedBy.forEach((s, j) => {
      if (!ids.has(s)) {
        const near = closest(s, ids);
        issues.push(issue('unresolved-reference', ['requirements', i, 'satisfiedBy', j], `"${s}" is neither an app nor a platform component of this lab`, { hint: `${near ? `did you mean "${near}"? ` : ''}components: ${list([...ids].sort())}` }));
      }
    }),
  );

  return { model, issues };
}

function pickDefined<T extends Record<string, unknown>>(o: T): Partial<T> {
  const out: Partial<T> = {};
  for (const k of Object.keys(o) as (keyof T)[]) if (o[k] !== undefined) out[k] = o[k];
  return out;
}

/** A module view with an instance-specific directory name. */
function withDir(mod: CatalogModule, dir: string | undefined): CatalogModule {
  return dir && dir !== mod.dir ? { ...mod, dir } : mod;
}
