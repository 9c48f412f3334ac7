/**
 * Run every component's module and add the manifests hearth writes itself,
 * giving each layout the same list of rendered components to arrange.
 */
import { mergeValues } from '../lib/k8s.js';
import type { LabModel, ComponentInstance } from '../model/types.js';
import type { Manifest, SecretRequest } from '../catalog/types.js';
import { appObjects, ingressObject } from './objects.js';

export interface RenderedComponent {
  instance: ComponentInstance;
  /** Chart values (module output with the spec's overrides merged last), when the component has a chart. */
  values?: Record<string, unknown>;
  /** Manifests applied before or with the chart. */
  manifests: Manifest[];
  /** Custom resources applied once the chart (and its CRDs) is ready. */
  config: Manifest[];
  /** Secrets the module asked for; the secrets stage turns them into objects. */
  secrets: SecretRequest[];
}

/** Apply order within a component: what others reference first. */
const KIND_ORDER = ['Namespace', 'StorageClass', 'ConfigMap', 'Secret', 'PersistentVolumeClaim', 'ServiceAccount', 'Deployment', 'StatefulSet', 'DaemonSet', 'CronJob', 'Job', 'Service', 'Ingress', 'NetworkPolicy'];

function kindRank(m: Manifest): number {
  const i = KIND_ORDER.indexOf(m.object.kind);
  return i < 0 ? KIND_ORDER.length : i;
}

export function renderComponents(lab: LabModel): RenderedComponent[] {
  return lab.components.map((c) => {
    const config = c.kind === 'app' ? c.app!.config : c.config;
    const out = c.module.render({ lab, component: c, config });
    let manifests = [...out.manifests];
    if (c.kind === 'app') manifests.push(...appObjects(lab, c));
    else if (c.host && c.module.web && lab.ingress) {
      manifests.push({ file: 'ingress', object: ingressObject(lab, c, c.host, c.module.web.service(c.id), c.module.web.port, lab.defaultIssuer) });
    }
    manifests = manifests.map((m, i) => ({ m, i })).sort((a, b) => kindRank(a.m) - kindRank(b.m) || a.i - b.i).map((x) => x.m);
    const values = c.chart ? mergeValues(out.values ?? {}, c.overrides) : undefined;
    return {
      instance: c,
      values,
      manifests: manifests.filter((m) => !m.needsCrds),
      config: manifests.filter((m) => m.needsCrds),
      secrets: out.secrets ?? [],
    };
  });
}
