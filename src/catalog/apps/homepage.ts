import { z } from 'zod';
import { defineModule, type Manifest } from '../types.js';
import { meta } from '../meta.js';
import { selectorLabels } from '../../lib/k8s.js';
import { toYaml, type JsonValue } from '../../lib/yaml-emit.js';
import type { LabModel, AppModel } from '../../model/types.js';
import { configMap, containerPort, controlPlaneAddresses, dataChecksum, defaultDeny, deployment, instancePods, KUBE_API_PORT, networkPolicy, nodeSelectorOf, nonRootSecurity, probes, service, servicePort, tcpPorts } from './_shared.js';

/**
 * Pin: docs/research/app-charts.md (§1 table, §2.15): code index ids
 * 56884633737 (v1.13.2@sha256:…), 61488013005, 70358682148, 59484589695.
 */
export const HOMEPAGE_IMAGE = 'ghcr.io/gethomepage/homepage:v1.13.2';

/** Next.js port (Dockerfile: ENV PORT=3000). */
const PORT = 3000;
/** Owner of the app files (Dockerfile: COPY --chown=1000:1000). */
const UID = 1000;

/** The files homepage reads from /app/config, all generated. */
export const CONFIG_FILES = ['bookmarks.yaml', 'custom.css', 'custom.js', 'docker.yaml', 'kubernetes.yaml', 'services.yaml', 'settings.yaml', 'widgets.yaml'] as const;

/**
 * Dashboard Icons names (github.com/walkxcode/dashboard-icons, png/<name>.png
 * present in the stored copy), keyed by module name or UI host label.
 */
const ICONS: Record<string, string> = {
  'home-assistant': 'home-assistant.png',
  plex: 'plex.png',
  qbittorrent: 'qbittorrent.png',
  vaultwarden: 'vaultwarden.png',
  filebrowser: 'filebrowser.png',
  grafana: 'grafana.png',
};

const Config = z.strictObject({
  title: z.string().min(1).max(100).optional().describe('Page title. Default: the lab name.'),
  kubernetes: z
    .boolean()
    .default(true)
    .describe('Show pod status and cluster CPU/memory: a read-only ClusterRole for homepage\'s ServiceAccount (kubernetes.yaml mode: cluster).'),
  bookmarks: z
    .array(
      z.strictObject({
        group: z.string().min(1).max(60),
        name: z.string().min(1).max(60),
        href: z.url({ protocol: /^https?$/ }),
        abbr: z.string().min(1).max(2).optional().describe('Two letters shown instead of an icon.'),
      }),
    )
    .default([])
    .describe('Links outside the lab (router, NAS, docs), grouped as given.'),
});

export type HomepageConfig = z.output<typeof Config>;

/** "Plex Media Server (official image, …)" → "Plex Media Server". */
function shortSummary(summary: string): string {
  return summary.replace(/\s*\(.*\)\s*$/, '');
}

interface Entry {
  group: string;
  name: string;
  service: Record<string, JsonValue>;
}

/** Every app and platform UI of the lab that has a URL, except homepage itself. */
export function dashboardEntries(lab: LabModel, self: AppModel, kubernetes: boolean): Entry[] {
  const out: Entry[] = [];
  for (const a of lab.apps) {
    if (!a.host || a.name === self.name) continue;
    const mod = lab.components.find((c) => c.kind === 'app' && c.id === a.name)?.module;
    const icon = ICONS[a.module];
    out.push({
      group: a.namespace,
      name: a.name,
      service: {
        href: `https://${a.host}`,
        ...(mod ? { description: shortSummary(mod.summary) } : {}),
        ...(icon ? { icon } : {}),
        // Pod status and CPU/memory: hearth labels every app's pods with instance=<app>.
        ...(kubernetes ? { namespace: a.namespace, app: a.name, podSelector: `app.kubernetes.io/instance=${a.name}` } : {}),
      },
    });
  }
  for (const c of lab.components) {
    if (c.kind !== 'platform' || !c.host || !c.module.web || !lab.ingress) continue;
    const label = c.host.split('.')[0];
    const icon = ICONS[label] ?? ICONS[c.module.name];
    out.push({
      group: c.namespace,
      name: label,
      service: { href: `https://${c.host}`, description: shortSummary(c.module.summary), ...(icon ? { icon } : {}) },
    });
  }
  return out;
}

/** services.yaml: one group per namespace (sorted), services sorted by name. */
export function servicesYaml(entries: Entry[]): string {
  const groups = [...new Set(entries.map((e) => e.group))].sort();
  const doc: JsonValue = groups.map((g) => ({
    [g]: entries
      .filter((e) => e.group === g)
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((e) => ({ [e.name]: e.service })),
  }));
  return toYaml(doc);
}

function bookmarksYaml(bookmarks: HomepageConfig['bookmarks']): string {
  const groups = [...new Set(bookmarks.map((b) => b.group))];
  const doc: JsonValue = groups.map((g) => ({
    [g]: bookmarks.filter((b) => b.group === g).map((b) => ({ [b.name]: [{ ...(b.abbr ? { abbr: b.abbr } : {}), href: b.href }] })),
  }));
  return toYaml(doc);
}

function widgetsYaml(kubernetes: boolean): string {
  const doc: JsonValue = kubernetes
    ? [
        {
          kubernetes: {
            cluster: { show: true, cpu: true, memory: true, showLabel: true, label: 'cluster' },
            nodes: { show: true, cpu: true, memory: true, showLabel: true },
          },
        },
      ]
    : [{ resources: { cpu: true, memory: true } }];
  return toYaml(doc);
}

/** Homepage: a start page generated from the lab (its apps and platform UIs), non-root, config in a ConfigMap. */
export default defineModule({
  name: 'homepage',
  kind: 'app',
  summary: 'Homepage start page listing the lab\'s apps and UIs, generated from the spec',
  layer: 'apps',
  dir: 'homepage',
  config: Config,
  app: () => ({
    expose: 'lan',
    web: { service: (app) => `${app}-server`, port: PORT },
    volumes: [],
    resources: { requests: { cpu: '50m', memory: '128Mi' }, limits: { memory: '512Mi' } },
    replicas: 1,
  }),
  render: (ctx) => {
    const app = ctx.component.app!;
    const c = ctx.config as HomepageConfig;
    const lab = ctx.lab;
    const server = `${app.name}-server`;
    const config = `${app.name}-config`;
    const reader = `${app.name}-reader`;
    const selector = selectorLabels('homepage', app.name);
    const manifests: Manifest[] = [];

    const data: Record<(typeof CONFIG_FILES)[number], string> = {
      'bookmarks.yaml': bookmarksYaml(c.bookmarks),
      'custom.css': '',
      'custom.js': '',
      'docker.yaml': toYaml({}),
      'kubernetes.yaml': toYaml({ mode: c.kubernetes ? 'cluster' : 'disabled' }),
      'services.yaml': servicesYaml(dashboardEntries(lab, app, c.kubernetes)),
      'settings.yaml': toYaml({ title: c.title ?? lab.name }),
      'widgets.yaml': widgetsYaml(c.kubernetes),
    };
    manifests.push(configMap(ctx, config, data));

    if (c.kubernetes) {
      manifests.push(
        { file: 'rbac', object: { apiVersion: 'v1', kind: 'ServiceAccount', metadata: meta(ctx, server, 'server') } },
        {
          file: 'rbac',
          object: {
            apiVersion: 'rbac.authorization.k8s.io/v1',
            kind: 'ClusterRole',
            metadata: meta(ctx, reader, 'rbac', { namespaced: false }),
            // Read-only, as in homepage's Kubernetes install docs.
            rules: [
              { apiGroups: [''], resources: ['namespaces', 'pods', 'nodes'], verbs: ['get', 'list'] },
              { apiGroups: ['networking.k8s.io'], resources: ['ingresses'], verbs: ['get', 'list'] },
              { apiGroups: ['traefik.io'], resources: ['ingressroutes'], verbs: ['get', 'list'] },
              { apiGroups: ['gateway.networking.k8s.io'], resources: ['httproutes', 'gateways'], verbs: ['get', 'list'] },
              { apiGroups: ['metrics.k8s.io'], resources: ['nodes', 'pods'], verbs: ['get', 'list'] },
            ],
          },
        },
        {
          file: 'rbac',
          object: {
            apiVersion: 'rbac.authorization.k8s.io/v1',
            kind: 'ClusterRoleBinding',
            metadata: meta(ctx, reader, 'rbac', { namespaced: false }),
            roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: reader },
            subjects: [{ kind: 'ServiceAccount', name: server, namespace: app.namespace }],
          },
        },
      );
    }

    const allowedHosts = app.host ?? `localhost:${PORT}`;
    const probe = { httpGet: { path: '/api/healthcheck', port: 'http' } };
    const container = {
      name: 'homepage',
      image: HOMEPAGE_IMAGE,
      ports: [containerPort('http', PORT)],
      // Required since v1: requests whose Host is not listed fail "Host validation".
      env: [{ name: 'HOMEPAGE_ALLOWED_HOSTS', value: allowedHosts }],
      resources: { requests: app.resources.requests, limits: app.resources.limits },
      securityContext: nonRootSecurity(UID),
      ...probes(probe),
      volumeMounts: [
        // Writable /app/config (logs/, skeleton files homepage adds), generated files on top.
        { name: 'config-dir', mountPath: '/app/config' },
        ...CONFIG_FILES.map((f) => ({ name: 'config', mountPath: `/app/config/${f}`, subPath: f, readOnly: true })),
      ],
    };

    manifests.push(
      deployment(ctx, {
        name: server,
        selector,
        replicas: app.replicas,
        // Stateless: no volumes to hand over.
        strategy: { type: 'RollingUpdate' },
        // Files mounted with subPath never update in place: a changed ConfigMap rolls the pod instead.
        podAnnotations: { 'checksum/config': dataChecksum(data) },
        pod: {
          ...(c.kubernetes ? { serviceAccountName: server, automountServiceAccountToken: true } : { automountServiceAccountToken: false }),
          securityContext: { fsGroup: UID },
          ...nodeSelectorOf(app.nodeSelector),
          containers: [container],
          volumes: [
            { name: 'config-dir', emptyDir: { sizeLimit: '64Mi' } },
            { name: 'config', configMap: { name: config } },
          ],
        },
      }),
      service(ctx, { name: server, selector, ports: [servicePort('http', PORT)] }),
    );

    // Under default-deny the API server (on the control-plane nodes) must be allowed explicitly.
    const apiAddresses = controlPlaneAddresses(lab);
    if (c.kubernetes && defaultDeny(lab, app.namespace) && apiAddresses.length) {
      manifests.push(
        networkPolicy(ctx, `${app.name}-kube-api`, {
          podSelector: instancePods(app.name),
          policyTypes: ['Egress'],
          egress: [{ to: apiAddresses.map((ip) => ({ ipBlock: { cidr: `${ip}/32` } })), ports: tcpPorts([KUBE_API_PORT]) }],
        }),
      );
    }
    return { manifests };
  },
});
