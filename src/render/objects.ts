/**
 * The raw manifests hearth writes itself, the same in every layout:
 * Namespaces (with quotas, limit ranges and baseline network policies) and,
 * per app, PVCs, the Ingress and the NetworkPolicy derived from dependencies.
 */
import { recurringLabels } from '../catalog/platform/longhorn.js';
import { standardLabels, type K8sObject } from '../lib/k8s.js';
import type { LabModel, ComponentInstance, NamespaceModel } from '../model/types.js';
import type { Manifest } from '../catalog/types.js';
import { PRIVATE_CIDRS } from '../lib/ip.js';

const INSTANCE = 'app.kubernetes.io/instance';
const NS_NAME = 'kubernetes.io/metadata.name';


function labels(lab: LabModel, name: string, instance: string, component: string) {
  return standardLabels(lab.name, name, instance, component);
}

/** Objects of the namespaces layer. */
export function namespaceObjects(lab: LabModel): Manifest[] {
  const out: Manifest[] = [];
  for (const ns of lab.namespaces) {
    out.push({
      file: 'namespaces',
      object: {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name: ns.name, labels: { ...ns.labels, ...labels(lab, 'namespace', ns.name, 'namespace') } },
      },
    });
  }
  for (const ns of lab.namespaces) {
    const q = ns.spec?.quota;
    if (q) {
      const hard: Record<string, string> = {};
      if (q.cpu !== undefined) hard['requests.cpu'] = hard['limits.cpu'] = String(q.cpu);
      if (q.memory) hard['requests.memory'] = hard['limits.memory'] = q.memory;
      if (q.storage) hard['requests.storage'] = q.storage;
      if (q.pods !== undefined) hard.pods = String(q.pods);
      out.push({
        file: 'resource-quotas',
        object: { apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name: `${ns.name}-quota`, namespace: ns.name, labels: labels(lab, 'namespace', ns.name, 'quota') }, spec: { hard } },
      });
    }
    const l = ns.spec?.limits;
    if (l) {
      const item: Record<string, unknown> = { type: 'Container' };
      if (l.default) item.default = amounts(l.default);
      if (l.defaultRequest) item.defaultRequest = amounts(l.defaultRequest);
      out.push({
        file: 'limit-ranges',
        object: { apiVersion: 'v1', kind: 'LimitRange', metadata: { name: `${ns.name}-limits`, namespace: ns.name, labels: labels(lab, 'namespace', ns.name, 'limits') }, spec: { limits: [item] } },
      });
    }
  }
  for (const ns of lab.namespaces) out.push(...baselinePolicies(lab, ns));
  return out;
}

function amounts(a: { cpu?: string | number; memory?: string }): Record<string, string> {
  const o: Record<string, string> = {};
  if (a.cpu !== undefined) o.cpu = String(a.cpu);
  if (a.memory) o.memory = a.memory;
  return o;
}

/** default-deny plus DNS for namespaces under the default-deny stance. */
function baselinePolicies(lab: LabModel, ns: NamespaceModel): Manifest[] {
  if (ns.networkPolicy !== 'default-deny' || ns.origin !== 'spec') return [];
  const meta = (name: string) => ({ name, namespace: ns.name, labels: labels(lab, 'network-policy', ns.name, 'network-policy') });
  return [
    {
      file: 'network-policies',
      object: { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: meta('default-deny'), spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] } },
    },
    {
      file: 'network-policies',
      object: {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'NetworkPolicy',
        metadata: meta('allow-dns'),
        spec: {
          podSelector: {},
          policyTypes: ['Egress'],
          egress: [
            {
              to: [{ namespaceSelector: { matchLabels: { [NS_NAME]: 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
              ports: [
                { protocol: 'UDP', port: 53 },
                { protocol: 'TCP', port: 53 },
              ],
            },
          ],
        },
      },
    },
  ];
}

/** A Longhorn volume with a backup tier joins the tier's recurring snapshot group. */
function longhornTierLabels(lab: LabModel, app: string, v: { name: string; storageClass: string }): Record<string, string> {
  const set = lab.backupSets.find((s) => s.app === app && s.volume === v.name && s.tier);
  const longhorn = lab.storageClasses.find((c) => c.name === v.storageClass)?.type === 'longhorn';
  return set && longhorn ? recurringLabels(set.tier!) : {};
}

/** PVCs, Ingress and NetworkPolicy for one app. */
export function appObjects(lab: LabModel, c: ComponentInstance): Manifest[] {
  const app = c.app!;
  const out: Manifest[] = [];
  const traits = app.traits;
  for (const v of app.volumes) {
    out.push({
      file: 'pvc',
      object: {
        apiVersion: 'v1',
        kind: 'PersistentVolumeClaim',
        metadata: { name: v.claim, namespace: app.namespace, labels: { ...labels(lab, c.module.name, app.name, v.name), ...longhornTierLabels(lab, app.name, v) } },
        spec: { accessModes: [v.accessMode], storageClassName: v.storageClass, resources: { requests: { storage: v.size } } },
      },
    });
  }
  if (app.host && traits.web && lab.ingress) {
    out.push({ file: 'ingress', object: ingressObject(lab, c, app.host, traits.web.service(app.name), traits.web.port, app.issuer, traits.web.maxBodySize) });
  }
  const ns = lab.namespaces.find((n) => n.name === app.namespace);
  if (ns?.networkPolicy === 'default-deny') out.push({ file: 'network-policy', object: appPolicy(lab, c, traits.egressInternet ?? false, traits.web && (traits.web.targetPort ?? traits.web.port)) });
  return out;
}

/** An Ingress with TLS from the issuer, host from the subdomain pattern. */
export function ingressObject(lab: LabModel, c: ComponentInstance, host: string, service: string, port: number, issuer: string | undefined, maxBodySize?: string): K8sObject {
  const annotations: Record<string, string> = {};
  if (issuer) annotations['cert-manager.io/cluster-issuer'] = issuer;
  // ingress-nginx refuses bodies over 1m by default; Traefik sets no limit.
  if (maxBodySize !== undefined && lab.ingress?.controller === 'ingress-nginx') annotations['nginx.ingress.kubernetes.io/proxy-body-size'] = maxBodySize;
  const hasAnnotations = Object.keys(annotations).length > 0;
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: {
      name: `${c.id}-ingress`,
      namespace: c.namespace,
      labels: labels(lab, c.module.name, c.id, 'ingress'),
      ...(hasAnnotations ? { annotations } : {}),
    },
    spec: {
      ingressClassName: lab.ingress!.className,
      ...(issuer ? { tls: [{ hosts: [host], secretName: `${c.id}-tls` }] } : {}),
      rules: [{ host, http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: service, port: { number: port } } } }] } }],
    },
  };
}

const appIndex = new WeakMap<LabModel, Map<string, LabModel['apps'][number]>>();

function peer(lab: LabModel, appName: string) {
  let idx = appIndex.get(lab);
  if (!idx) appIndex.set(lab, (idx = new Map(lab.apps.map((x) => [x.name, x]))));
  const a = idx.get(appName)!;
  return { namespaceSelector: { matchLabels: { [NS_NAME]: a.namespace } }, podSelector: { matchLabels: { [INSTANCE]: a.name } } };
}

const dependentsCache = new WeakMap<LabModel, Map<string, string[]>>();

/** App name → the apps that depend on it, sorted (computed once per model). */
function dependentsOf(lab: LabModel): Map<string, string[]> {
  let m = dependentsCache.get(lab);
  if (!m) {
    m = new Map();
    for (const a of lab.apps) for (const d of a.dependsOn) (m.get(d) ?? m.set(d, []).get(d)!).push(a.name);
    for (const list of m.values()) list.sort();
    dependentsCache.set(lab, m);
  }
  return m;
}

/** Allows derived from the spec: ingress controller, Prometheus, dependents in, dependencies and internet out. */
function appPolicy(lab: LabModel, c: ComponentInstance, internet: boolean, webPort: number | undefined): K8sObject {
  const app = c.app!;
  const ingress: Record<string, unknown>[] = [];
  if (app.host && lab.ingress && webPort) {
    ingress.push({ from: [{ namespaceSelector: { matchLabels: { [NS_NAME]: lab.ingress.namespace } } }], ports: [{ protocol: 'TCP', port: webPort }] });
  }
  if (lab.monitoringNamespace) ingress.push({ from: [{ namespaceSelector: { matchLabels: { [NS_NAME]: lab.monitoringNamespace } } }] });
  const dependents = dependentsOf(lab).get(app.name) ?? [];
  if (dependents.length) ingress.push({ from: dependents.map((d) => peer(lab, d)) });
  const egress: Record<string, unknown>[] = [];
  if (app.dependsOn.length) egress.push({ to: [...app.dependsOn].sort().map((d) => peer(lab, d)) });
  if (internet) egress.push({ to: [{ ipBlock: { cidr: '0.0.0.0/0', except: [...PRIVATE_CIDRS] } }] });
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: `${app.name}-network`, namespace: app.namespace, labels: labels(lab, c.module.name, app.name, 'network-policy') },
    spec: {
      podSelector: { matchLabels: { [INSTANCE]: app.name } },
      policyTypes: ['Ingress', 'Egress'],
      ...(ingress.length ? { ingress } : {}),
      ...(egress.length ? { egress } : {}),
    },
  };
}
