/**
 * Mechanisms app modules share: pieces of settings schemas (names, Secret
 * keys, time zones, pinned images, plain env), scheduling on NVIDIA GPUs,
 * security contexts and probes, NetworkPolicies, and builders for the
 * Deployment/StatefulSet + Service + ConfigMap objects most raw-manifest
 * modules render.
 *
 * Only mechanisms live here. What is particular to an app (images, ports,
 * paths, probe paths and timings, update strategies, descriptions, defaults)
 * stays in its module, which passes it in. Schemas here carry no description:
 * a module's `.describe()` is what `hearth validate` shows as "expected".
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { Manifest, RenderContext } from '../types.js';
import { meta, type MetaSource } from '../meta.js';
import { NAME_RE } from '../../spec/schema.js';
import type { AppModel, LabModel, ResourceAmounts, VolumeModel } from '../../model/types.js';
import { PRIVATE_CIDRS, isPrivateIpv4 } from '../../lib/ip.js';

// ---------------------------------------------------------------------------
// Settings schemas

/** A DNS-label object name (Secret, PVC), pattern checked before length. */
export const k8sName = z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/).max(63);

/**
 * The same names with the length checked first, as the lab schema's names
 * are. Both accept the same strings; the order only shows in the issues of a
 * name that breaks both rules, and each module keeps the order it had.
 */
export const objectName = z.string().max(63).regex(NAME_RE);

const SECRET_KEY_RE = /^[-._a-zA-Z0-9]+$/;

/** A key inside a Secret (the characters Kubernetes allows). */
export const secretKey = z.string().regex(SECRET_KEY_RE);

/** A key inside a Secret with Kubernetes' length bounds (1-253), checked before the characters. */
export const boundedSecretKey = z.string().min(1).max(253).regex(SECRET_KEY_RE);

/** An IPv4 address. */
export const ipv4 = z.string().regex(/^((25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/);

/** Names of env vars that must not carry literal values. */
export const SECRET_ENV = /(PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|CREDENTIALS?)/i;

/** Plain environment variables (written to git): valid names, none that looks like a secret. Default: none. */
export const plainEnv = z
  .record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/), z.string())
  .default({})
  .superRefine((env, ctx) => {
    for (const k of Object.keys(env)) {
      if (SECRET_ENV.test(k)) ctx.addIssue({ code: 'custom', path: [k], message: `"${k}" looks like a secret; env values are written to git in plaintext` });
    }
  });

/** Whether the runtime's IANA database knows the zone. */
export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** An IANA time zone name (TZ): Area/Location, checked against the runtime's database. */
export const timeZone = z
  .string()
  .regex(/^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+){0,2}$/)
  .refine(isTimeZone, 'not a time zone of the IANA database');

/** An image reference pinned with a tag or a digest. */
export const pinnedImage = z
  .string()
  .regex(/^[a-z0-9][a-z0-9._\-/]*(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(@sha256:[a-f0-9]{64})?$/)
  .refine((s) => /:[^/]+$/.test(s) || s.includes('@sha256:'), 'pin the image with a tag or a digest');

/** A pinned image whose tag is not `latest`. */
export const pinnedImageNotLatest = pinnedImage.refine((s) => !/:latest$/.test(s), 'latest is not a pin: use a version tag or a digest');

// ---------------------------------------------------------------------------
// Scheduling

/** `{ nodeSelector }` to spread into a pod spec or chart values, or nothing for an empty selector. */
export function nodeSelectorOf(selector: Record<string, string>): { nodeSelector?: Record<string, string> } {
  return Object.keys(selector).length ? { nodeSelector: selector } : {};
}

/** The lab's nodes with an NVIDIA GPU (the only vendor the nvidia runtime class and device plugin serve). */
export function nvidiaNodes(lab: LabModel) {
  return lab.nodes.filter((n) => n.gpu && n.gpu.vendor === 'nvidia');
}

/**
 * Node selector that lands a GPU workload on a GPU node: the app's own
 * nodeSelector when set, else the labels every NVIDIA node of the lab shares,
 * else the label NVIDIA GPU feature discovery puts on GPU nodes.
 */
export function gpuNodeSelector(lab: LabModel, app: AppModel): Record<string, string> {
  if (Object.keys(app.nodeSelector).length > 0) return app.nodeSelector;
  const nodes = nvidiaNodes(lab);
  if (nodes.length > 0) {
    const [first, ...rest] = nodes.map((n) => n.labels ?? {});
    const shared = Object.fromEntries(Object.entries(first).filter(([k, v]) => rest.every((l) => l[k] === v)));
    if (Object.keys(shared).length > 0) return shared;
  }
  return { 'nvidia.com/gpu.present': 'true' };
}

export const GPU_TOLERATION = { key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' } as const;

/** Pod spec fields of a pod with an NVIDIA GPU: the nvidia runtime class and the GPU taint's toleration. */
export function nvidiaRuntime() {
  return { runtimeClassName: 'nvidia', tolerations: [GPU_TOLERATION] };
}

/** Pod spec fields that put a pod on a GPU node with the nvidia runtime (see gpuNodeSelector). */
export function gpuScheduling(lab: LabModel, app: AppModel) {
  return { runtimeClassName: 'nvidia', nodeSelector: gpuNodeSelector(lab, app), tolerations: [GPU_TOLERATION] };
}

/** Limits plus `count` NVIDIA GPUs (the limits unchanged for 0). */
export function gpuLimits(limits: ResourceAmounts, count: number): Record<string, string> {
  return { ...(limits as Record<string, string>), ...(count > 0 ? { 'nvidia.com/gpu': String(count) } : {}) };
}

// ---------------------------------------------------------------------------
// Containers: security contexts, probes, env, volumes

/** Container security for images whose init starts as root (s6-overlay) and drops to the app user itself. */
export function rootInitSecurity() {
  return { allowPrivilegeEscalation: false, seccompProfile: { type: 'RuntimeDefault' } };
}

/** Container security for an image that runs as a fixed non-root user: no capabilities, no escalation. */
export function nonRootSecurity(uid: number, opts: { gid?: number; readOnlyRootFilesystem?: boolean } = {}) {
  return {
    allowPrivilegeEscalation: false,
    runAsNonRoot: true,
    runAsUser: uid,
    runAsGroup: opts.gid ?? uid,
    ...(opts.readOnlyRootFilesystem ? { readOnlyRootFilesystem: true } : {}),
    capabilities: { drop: ['ALL'] },
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

/** Pod security for non-root pods; `fsGroup: true` also gives the group the pod's volumes (changed only when the root differs). */
export function nonRootPod(uid: number, gid: number, opts: { fsGroup?: boolean } = {}) {
  return {
    runAsNonRoot: true,
    runAsUser: uid,
    runAsGroup: gid,
    ...(opts.fsGroup ? { fsGroup: gid, fsGroupChangePolicy: 'OnRootMismatch' } : {}),
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

/**
 * The probes of a container from one handler (httpGet, tcpSocket, exec, plus
 * any timeout): readiness every 10 s, liveness every 30 s with five misses
 * allowed, and, for slow first starts, a startup probe with its own timing.
 */
export function probes(handler: Record<string, unknown>, startup?: { periodSeconds: number; failureThreshold: number }) {
  return {
    ...(startup ? { startupProbe: { ...handler, ...startup } } : {}),
    readinessProbe: { ...handler, periodSeconds: 10 },
    livenessProbe: { ...handler, periodSeconds: 30, failureThreshold: 5 },
  };
}

/** An env var read from a key of a Secret. */
export function secretEnv(name: string, secret: string, key: string) {
  return { name, valueFrom: { secretKeyRef: { name: secret, key } } };
}

export function containerPort(name: string, port: number, protocol = 'TCP') {
  return { name, containerPort: port, protocol };
}

/** Mounts of the app's volumes at their mount paths. */
export function volumeMounts(volumes: VolumeModel[]) {
  return volumes.map((v) => ({ name: v.name, mountPath: v.mountPath }));
}

/** Pod volumes for the app's PVCs. */
export function claimVolumes(volumes: VolumeModel[]) {
  return volumes.map((v) => ({ name: v.name, persistentVolumeClaim: { claimName: v.claim } }));
}

// ---------------------------------------------------------------------------
// Objects

/** A ConfigMap of the component (role `config`, file `configmap` unless given). */
export function configMap(ctx: MetaSource, name: string, data: Record<string, string>, opts: { file?: string; component?: string } = {}): Manifest {
  return { file: opts.file ?? 'configmap', object: { apiVersion: 'v1', kind: 'ConfigMap', metadata: meta(ctx, name, opts.component ?? 'config'), data } };
}

/** The entries sorted by key (stable ConfigMap data and checksums). */
export function sortedData(entries: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.keys(entries).sort().map((k) => [k, entries[k]]));
}

/** Hex SHA-256 of the text. */
export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Checksum of ConfigMap data for a pod annotation: a changed ConfigMap rolls the pods. */
export function dataChecksum(data: Record<string, string>): string {
  return sha256(JSON.stringify(data));
}

interface PodControllerOptions {
  /** Object name. */
  name: string;
  /** The `app.kubernetes.io/component` of the object and its pods. Default: server. */
  component?: string;
  /** Selector labels: name and instance, plus whatever sets these pods apart. */
  selector: Record<string, string>;
  replicas: number;
  /** Pod template annotations (config checksums). */
  podAnnotations?: Record<string, string>;
  /** The pod spec, as the module writes it. */
  pod: Record<string, unknown>;
  file?: string;
}

/** A Deployment of the component: standard labels, the selector, the pod template around `pod`. */
export function deployment(ctx: MetaSource, o: PodControllerOptions & { strategy?: Record<string, unknown> }): Manifest {
  return podController(ctx, 'Deployment', o);
}

/** A StatefulSet of the component, governed by the headless Service `serviceName`. */
export function statefulSet(ctx: MetaSource, o: PodControllerOptions & { serviceName: string; annotations?: Record<string, string> }): Manifest {
  return podController(ctx, 'StatefulSet', o);
}

function podController(
  ctx: MetaSource,
  kind: 'Deployment' | 'StatefulSet',
  o: PodControllerOptions & { strategy?: Record<string, unknown>; serviceName?: string; annotations?: Record<string, string> },
): Manifest {
  const component = o.component ?? 'server';
  return {
    file: o.file ?? kind.toLowerCase(),
    object: {
      apiVersion: 'apps/v1',
      kind,
      metadata: meta(ctx, o.name, component, { annotations: o.annotations }),
      spec: {
        ...(o.serviceName ? { serviceName: o.serviceName } : {}),
        replicas: o.replicas,
        ...(o.strategy ? { strategy: o.strategy } : {}),
        selector: { matchLabels: o.selector },
        template: {
          metadata: {
            labels: { ...o.selector, 'app.kubernetes.io/component': component, 'app.kubernetes.io/part-of': ctx.lab.name },
            ...(o.podAnnotations ? { annotations: o.podAnnotations } : {}),
          },
          spec: o.pod,
        },
      },
    },
  };
}

/** A Service port that targets the container port of the same name. */
export function servicePort(name: string, port: number, protocol = 'TCP') {
  return { name, port, targetPort: name, protocol };
}

/** A Service of the component in front of the selected pods: ClusterIP unless `headless` or another type. */
export function service(
  ctx: MetaSource,
  o: {
    name: string;
    component?: string;
    selector: Record<string, string>;
    ports: Record<string, unknown>[];
    type?: 'ClusterIP' | 'LoadBalancer';
    headless?: boolean;
    annotations?: Record<string, string>;
    file?: string;
  },
): Manifest {
  const spec = o.headless ? { clusterIP: 'None', selector: o.selector, ports: o.ports } : { type: o.type ?? 'ClusterIP', selector: o.selector, ports: o.ports };
  return {
    file: o.file ?? 'service',
    object: { apiVersion: 'v1', kind: 'Service', metadata: meta(ctx, o.name, o.component ?? 'server', { annotations: o.annotations }), spec },
  };
}

// ---------------------------------------------------------------------------
// NetworkPolicies

/** Whether the namespace runs hearth's default-deny policies (modules then add the allows they need). */
export function defaultDeny(lab: LabModel, namespace: string): boolean {
  return lab.namespaces.find((n) => n.name === namespace)?.networkPolicy === 'default-deny';
}

/** A pod selector for every pod of an app (hearth labels them instance=<app>). */
export function instancePods(app: string) {
  return { matchLabels: { 'app.kubernetes.io/instance': app } };
}

/** Egress rule to the internet: any address outside the private ranges. */
export function internetEgress() {
  return { to: [{ ipBlock: { cidr: '0.0.0.0/0', except: [...PRIVATE_CIDRS] } }] };
}

/** Egress to a service URL at a private address (an in-cluster Service or a LAN IP); undefined for public hosts, which internet egress covers. */
export function egressTo(server: string): Record<string, unknown> | undefined {
  const u = new URL(server);
  const port = Number(u.port || (u.protocol === 'https:' ? 443 : 80));
  const svc = /^[a-z0-9-]+\.([a-z0-9-]+)\.svc(\.cluster\.local)?$/.exec(u.hostname);
  if (svc) return { to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': svc[1] } } }] };
  if (isPrivateIpv4(u.hostname)) return { to: [{ ipBlock: { cidr: `${u.hostname}/32` } }], ports: [{ protocol: 'TCP', port }] };
  return undefined;
}

/** NetworkPolicy port entries, TCP. */
export function tcpPorts(ports: number[]) {
  return ports.map((port) => ({ protocol: 'TCP', port }));
}

/** A NetworkPolicy of the component (in its namespace unless given). */
export function networkPolicy(ctx: MetaSource, name: string, spec: Record<string, unknown>, opts: { file?: string; namespace?: string } = {}): Manifest {
  return {
    file: opts.file ?? 'network-policy',
    object: { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: meta(ctx, name, 'network-policy', opts.namespace ? { namespace: opts.namespace } : {}), spec },
  };
}

/** The Kubernetes API port of K3s and Talos control planes. */
export const KUBE_API_PORT = 6443;

/** Where the Kubernetes API answers: the control-plane nodes and the VIP, sorted, each once. */
export function controlPlaneAddresses(lab: LabModel): string[] {
  return [...new Set([...(lab.cluster?.controlPlane.map((n) => n.ip) ?? []), ...(lab.cluster?.vip ? [lab.cluster.vip] : [])])].sort();
}

/**
 * Under default-deny: egress to the Kubernetes API (control-plane nodes and
 * the VIP on 6443; policies see the endpoint after the Service DNAT), the API
 * server's calls on the given ports (admission webhooks, service proxy), and
 * any extra egress rules. Nothing in namespaces without default-deny.
 */
export function controlPlanePolicy(ctx: RenderContext<unknown>, ingressPorts: number[] = [], extraEgress: Record<string, unknown>[] = []): Manifest[] {
  const { namespace } = ctx.component;
  const instance = ctx.component.app?.name ?? ctx.component.id;
  if (!defaultDeny(ctx.lab, namespace)) return [];
  const ips = controlPlaneAddresses(ctx.lab);
  const spec: Record<string, unknown> = {
    podSelector: instancePods(instance),
    policyTypes: ingressPorts.length ? ['Ingress', 'Egress'] : ['Egress'],
  };
  if (ingressPorts.length) spec.ingress = [{ ports: tcpPorts(ingressPorts) }];
  spec.egress = [{ ...(ips.length ? { to: ips.map((ip) => ({ ipBlock: { cidr: `${ip}/32` } })) } : {}), ports: tcpPorts([KUBE_API_PORT]) }, ...extraEgress];
  return [networkPolicy(ctx, `${instance}-control-plane`, spec)];
}

/**
 * A data volume an app may borrow instead of owning (a media library shared
 * by Plex, qBittorrent and File Browser): when `claim` names an existing PVC,
 * the container mount and the pod volume for it; otherwise nothing (the
 * app's own volume comes from its traits).
 */
export function borrowedClaim(name: string, mountPath: string, claim: string | undefined) {
  return claim
    ? { mounts: [{ name, mountPath }], volumes: [{ name, persistentVolumeClaim: { claimName: claim } }] }
    : { mounts: [], volumes: [] };
}
