/**
 * Kubernetes objects → facts, shared by both inputs: the objects a hearth
 * spec renders and the objects found in a repository. Unknown kinds are
 * ignored; nothing here throws on odd shapes (real repositories hold every
 * shape), a value of the wrong type is treated as absent.
 */
import type { Amounts, ContainerFact, Facts, Where, WorkloadFact } from './types.js';

export interface Located {
  object: Record<string, unknown>;
  where: Where;
}

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const obj = (v: unknown): Obj => (isObj(v) ? v : {});
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined);
const strMap = (v: unknown): Record<string, string> => {
  const out: Record<string, string> = {};
  for (const [k, x] of Object.entries(obj(v))) if (typeof x === 'string' || typeof x === 'number' || typeof x === 'boolean') out[k] = String(x);
  return out;
};

export const SYSTEM_NAMESPACES = new Set(['kube-system', 'kube-public', 'kube-node-lease', 'default', 'flux-system', 'argocd']);

const WORKLOAD_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'CronJob', 'Job', 'ReplicaSet', 'Pod']);

/** An app name from the labels people use. */
export function appOf(labels: Record<string, string>): string | undefined {
  return labels['app.kubernetes.io/instance'] ?? labels['app.kubernetes.io/name'] ?? labels['app'];
}

function amounts(v: unknown): Amounts {
  const o = obj(v);
  return { cpu: str(o.cpu), memory: str(o.memory) };
}

function containers(pod: Obj): ContainerFact[] {
  return arr(pod.containers).map((c) => {
    const o = obj(c);
    const res = obj(o.resources);
    return {
      name: str(o.name) ?? '',
      image: str(o.image),
      requests: amounts(res.requests),
      limits: amounts(res.limits),
      privileged: obj(o.securityContext).privileged === true,
      probes: isObj(o.readinessProbe) || isObj(o.livenessProbe) || isObj(o.startupProbe),
      env: arr(o.env).map((e) => {
        const x = obj(e);
        // A reference or placeholder (${VAR}, op://, vault:) is not a literal secret value.
        return { name: str(x.name) ?? '', literal: typeof x.value === 'string' ? x.value !== '' && !REFERENCE.test(x.value.trim()) : typeof x.value === 'number' };
      }),
    };
  });
}

function podSpec(kind: string, spec: Obj): { pod: Obj; meta: Obj } {
  if (kind === 'Pod') return { pod: spec, meta: {} };
  if (kind === 'CronJob') {
    const t = obj(obj(obj(obj(spec.jobTemplate).spec).template));
    return { pod: obj(t.spec), meta: obj(t.metadata) };
  }
  const t = obj(spec.template);
  return { pod: obj(t.spec), meta: obj(t.metadata) };
}

export function workloadFact(kind: string, o: Obj, where: Where): WorkloadFact {
  const meta = obj(o.metadata);
  const spec = obj(o.spec);
  const { pod, meta: podMeta } = podSpec(kind, spec);
  const labels = strMap(meta.labels);
  const podLabels = strMap(podMeta.labels);
  const cs = containers(pod);
  const claims = arr(pod.volumes)
    .map((v) => str(obj(obj(v).persistentVolumeClaim).claimName))
    .filter((c): c is string => !!c);
  for (const t of arr(spec.volumeClaimTemplates)) {
    const n = str(obj(obj(t).metadata).name);
    if (n) claims.push(`${n}-${str(meta.name) ?? ''}-0`);
  }
  const replicas = kind === 'Deployment' || kind === 'StatefulSet' || kind === 'ReplicaSet' ? (typeof spec.replicas === 'number' ? spec.replicas : 1) : 1;
  return {
    kind,
    name: str(meta.name) ?? '',
    namespace: str(meta.namespace) ?? 'default',
    app: appOf({ ...labels, ...podLabels }),
    replicas,
    containers: cs,
    claims,
    podLabels,
    labels,
    nodeSelector: strMap(pod.nodeSelector),
    gpu: arr(pod.containers).some((c) => {
      const r = obj(obj(c).resources);
      return Object.keys({ ...obj(r.limits), ...obj(r.requests) }).some((k) => /(^|[./])gpu$|gpu\.intel\.com/.test(k));
    }),
    hostNetwork: pod.hostNetwork === true,
    spread: isObj(obj(pod.affinity).podAntiAffinity) || arr(pod.topologySpreadConstraints).length > 0,
    fromChart: false,
    where,
  };
}

/** A value that names a secret kept elsewhere, or a placeholder filled in at deploy time. */
const REFERENCE = /^(op:\/\/|ref\+|vault:|<path:|\$\{[A-Za-z_][A-Za-z0-9_]*(:[-=][^}]*)?\}$|ENC\[)/;

const AUTH_ANNOTATIONS = [
  'nginx.ingress.kubernetes.io/auth-url',
  'nginx.ingress.kubernetes.io/auth-type',
  'nginx.ingress.kubernetes.io/auth-signin',
  'traefik.ingress.kubernetes.io/router.middlewares',
];

/** Add what the objects say to the facts. */
export function addObjects(facts: Facts, objects: readonly Located[], opts: { defaultNamespace?: string } = {}): void {
  const netpols = new Map<string, { count: number; defaultDeny: boolean }>();
  const seenNs = new Map<string, Where>();
  for (const { object: o, where } of objects) {
    const kind = str(o.kind);
    const apiVersion = str(o.apiVersion) ?? '';
    if (!kind) continue;
    const meta = obj(o.metadata);
    const name = str(meta.name) ?? '';
    const namespace = str(meta.namespace) ?? opts.defaultNamespace;
    const spec = obj(o.spec);
    const labels = strMap(meta.labels);
    if (namespace) seenNs.set(namespace, seenNs.get(namespace) ?? where);
    if (WORKLOAD_KINDS.has(kind) && (apiVersion.startsWith('apps/') || apiVersion === 'v1' || apiVersion.startsWith('batch/'))) {
      const w = workloadFact(kind, o, where);
      if (!str(meta.namespace) && opts.defaultNamespace) w.namespace = opts.defaultNamespace;
      facts.workloads.push(w);
      if (kind === 'CronJob' && /backup|dump|restic|snapshot/i.test(name)) {
        facts.backups.push({ kind: 'cronjob', name, schedule: str(spec.schedule), namespaces: [w.namespace], where });
      }
      continue;
    }
    switch (kind) {
      case 'Namespace':
        seenNs.set(name, where);
        break;
      case 'PersistentVolumeClaim':
        facts.pvcs.push({ name, namespace: namespace ?? 'default', storageClass: str(spec.storageClassName), size: str(obj(obj(spec.resources).requests).storage), app: appOf(labels), where });
        break;
      case 'PodDisruptionBudget':
        facts.pdbs.push({
          name,
          namespace: namespace ?? 'default',
          selector: strMap(obj(spec.selector).matchLabels),
          minAvailable: (spec.minAvailable as number | string | undefined) ?? undefined,
          maxUnavailable: (spec.maxUnavailable as number | string | undefined) ?? undefined,
          where,
        });
        break;
      case 'Ingress': {
        const ann = strMap(meta.annotations);
        const hosts = arr(spec.rules).map((r) => str(obj(r).host)).filter((h): h is string => !!h);
        facts.ingresses.push({
          name,
          namespace: namespace ?? 'default',
          hosts,
          tls: arr(spec.tls).length > 0,
          issuer: ann['cert-manager.io/cluster-issuer'] ?? ann['cert-manager.io/issuer'],
          auth: AUTH_ANNOTATIONS.some((a) => a in ann && (a !== 'traefik.ingress.kubernetes.io/router.middlewares' || /auth|authelia|authentik|oauth/i.test(ann[a]))),
          exposure: 'unknown',
          app: appOf(labels),
          where,
        });
        break;
      }
      case 'Service':
        facts.services.push({
          name,
          namespace: namespace ?? 'default',
          type: str(spec.type) ?? 'ClusterIP',
          ports: arr(spec.ports).map((p) => Number(obj(p).port)).filter((n) => Number.isFinite(n)),
          app: appOf({ ...labels, ...strMap(spec.selector) }),
          where,
        });
        break;
      case 'ClusterIssuer':
      case 'Issuer':
        if (apiVersion.startsWith('cert-manager.io')) facts.issuers.push({ name, kind, namespace: kind === 'Issuer' ? namespace : undefined, where });
        break;
      case 'Secret':
        if (isObj(o.sops)) facts.secrets.push({ name, namespace, kind: 'sops', keys: Object.keys({ ...obj(o.data), ...obj(o.stringData) }), where });
        else {
          const values = { ...obj(o.data), ...obj(o.stringData) };
          const keys = Object.keys(values);
          const type = str(o.type) ?? 'Opaque';
          // References resolved outside git (1Password CLI, vals, Vault, argocd-vault-plugin) and substitution placeholders hold nothing secret.
          const stringValues = Object.entries(obj(o.stringData)).map(([, v]) => str(v) ?? '');
          const referencesOnly = keys.length > 0 && Object.keys(obj(o.data)).length === 0 && stringValues.every((v) => REFERENCE.test(v.trim()));
          // Service-account tokens and Helm release records carry no lab secret.
          if (type !== 'kubernetes.io/service-account-token' && type !== 'helm.sh/release.v1') facts.secrets.push({ name, namespace, kind: 'plain', keys, referencesOnly, where });
        }
        break;
      case 'SealedSecret':
        facts.secrets.push({ name, namespace, kind: 'sealed', keys: Object.keys(obj(spec.encryptedData)), where });
        break;
      case 'ExternalSecret':
        facts.secrets.push({ name, namespace, kind: 'external', keys: arr(spec.data).map((d) => str(obj(d).secretKey) ?? ''), where });
        break;
      case 'NetworkPolicy':
      case 'CiliumNetworkPolicy': {
        const ns = namespace ?? 'default';
        const e = netpols.get(ns) ?? { count: 0, defaultDeny: false };
        e.count++;
        const sel = obj(spec.podSelector ?? spec.endpointSelector);
        if (Object.keys(obj(sel.matchLabels)).length === 0 && arr(sel.matchExpressions).length === 0) e.defaultDeny = true;
        netpols.set(ns, e);
        break;
      }
      case 'StorageClass': {
        const provisioner = str(o.provisioner) ?? '';
        const params = strMap(o.parameters);
        const k = /nfs/i.test(provisioner) ? 'nfs' : /local-path|local\.|hostpath|openebs.io\/local|topolvm/i.test(provisioner) ? 'local' : /longhorn|ceph|rbd|cephfs|portworx|linstor|mayastor/i.test(provisioner) ? 'replicated' : 'unknown';
        facts.storageClasses.push({
          name,
          kind: k,
          provisioner,
          server: params.server,
          replicas: params.numberOfReplicas ? Number(params.numberOfReplicas) : undefined,
          isDefault: strMap(meta.annotations)['storageclass.kubernetes.io/is-default-class'] === 'true',
          where,
        });
        break;
      }
      case 'HelmRelease': {
        const chart = obj(obj(spec.chart).spec);
        const ref = obj(spec.chartRef);
        facts.charts.push({
          name,
          namespace,
          chart: str(chart.chart) ?? str(ref.name) ?? name,
          version: str(chart.version),
          repo: str(obj(chart.sourceRef).name) ?? str(ref.kind),
          where,
        });
        break;
      }
      case 'Application': {
        if (!apiVersion.startsWith('argoproj.io')) break;
        const sources = [obj(spec.source), ...arr(spec.sources).map(obj)].filter((s) => Object.keys(s).length);
        for (const s of sources) {
          if (str(s.chart)) facts.charts.push({ name, namespace: str(obj(spec.destination).namespace), chart: str(s.chart)!, version: str(s.targetRevision), repo: str(s.repoURL), where });
        }
        break;
      }
      case 'Schedule':
        if (apiVersion.startsWith('velero.io')) {
          const t = obj(spec.template);
          const incl = arr(t.includedNamespaces).map(str).filter((x): x is string => !!x);
          facts.backups.push({ kind: 'velero', name, schedule: str(spec.schedule), namespaces: incl.length ? incl : ['*'], where });
        }
        break;
      case 'RecurringJob':
        if (apiVersion.startsWith('longhorn.io') && str(spec.task) === 'backup') facts.backups.push({ kind: 'longhorn', name, schedule: str(spec.cron), namespaces: ['*'], where });
        break;
      case 'ReplicationSource':
        // VolSync: copies one PVC (restic, rclone, rsync) on a schedule.
        if (apiVersion.startsWith('volsync.backube')) {
          const pvc = str(spec.sourcePVC);
          facts.backups.push({ kind: 'volsync', name, schedule: str(obj(spec.trigger).schedule), namespaces: [], claims: pvc ? [pvc] : [], where });
        }
        break;
      case 'SnapshotSchedule':
      case 'ScheduledBackup':
        // kopiur (Kopia snapshots of PVCs) and CloudNativePG scheduled backups: their namespace, or the component they ship with.
        if (/kopiur|cnpg\.io|postgresql\.cnpg/.test(apiVersion)) {
          facts.backups.push({ kind: apiVersion.split('/')[0], name, schedule: str(spec.schedule) ?? str(obj(spec.schedule).cron), namespaces: namespace ? [namespace] : [], where });
        }
        break;
      case 'ServiceMonitor':
      case 'PodMonitor':
        facts.observability.serviceMonitors.add(`${namespace ?? ''}/${appOf(strMap(obj(spec.selector).matchLabels)) ?? name}`);
        facts.observability.metrics = true;
        break;
      case 'PrometheusRule':
        facts.observability.metrics = true;
        break;
    }
  }
  for (const [ns, w] of seenNs) {
    if (facts.namespaces.some((n) => n.name === ns)) continue;
    const np = netpols.get(ns);
    facts.namespaces.push({ name: ns, networkPolicies: np?.count ?? 0, defaultDeny: np?.defaultDeny ?? false, system: SYSTEM_NAMESPACES.has(ns), where: w });
  }
  for (const n of facts.namespaces) {
    const np = netpols.get(n.name);
    if (np) {
      n.networkPolicies = Math.max(n.networkPolicies, np.count);
      n.defaultDeny ||= np.defaultDeny;
    }
  }
}
