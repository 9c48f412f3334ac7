import { loadLab } from '../../pipeline.js';
import { renderComponents } from '../../render/components.js';
import { toYaml, type JsonValue } from '../../lib/yaml-emit.js';
import type { LabModel } from '../../model/types.js';
import { printIssues, printJson, type ExitCode } from '../output.js';

/** The resolved model as data: the spec with defaults, and every component with its values. */
export function explainModel(model: LabModel): Record<string, unknown> {
  const rendered = renderComponents(model);
  return {
    lab: { name: model.name, domain: model.domain, gitops: model.gitops },
    cluster: model.cluster && {
      name: model.cluster.name,
      distribution: model.cluster.distribution,
      cni: model.cluster.cni,
      datastore: model.cluster.datastore,
      controlPlane: model.cluster.controlPlane.map((n) => n.name),
      workers: model.cluster.workers.map((n) => n.name),
    },
    ingress: model.ingress,
    storageClasses: model.storageClasses.map((s) => ({ name: s.name, type: s.type, default: s.isDefault, bundled: s.bundled, ...(s.server ? { server: s.server } : {}) })),
    namespaces: model.namespaces.map((n) => ({ name: n.name, origin: n.origin, networkPolicy: n.networkPolicy })),
    components: rendered.map((rc) => ({
      id: rc.instance.id,
      module: rc.instance.module.name,
      layer: rc.instance.layer,
      namespace: rc.instance.namespace,
      ...(rc.instance.chart && rc.values ? { chart: `${rc.instance.chart.repo} ${rc.instance.chart.chart} ${rc.instance.chart.version}` } : {}),
      ...(rc.instance.host ?? rc.instance.app?.host ? { url: `https://${rc.instance.host ?? rc.instance.app?.host}` } : {}),
      ...(rc.instance.dependsOn.length ? { dependsOn: rc.instance.dependsOn } : {}),
      ...(rc.values ? { values: rc.values } : {}),
      objects: [...rc.manifests, ...rc.config].map((m) => `${m.object.kind}/${m.object.metadata.name}`),
    })),
    spec: model.spec,
  };
}

export async function explain(target: string, opts: { json?: boolean }): Promise<ExitCode> {
  const r = await loadLab(target);
  printIssues(r.issues);
  if (!r.model) return 2;
  const data = JSON.parse(JSON.stringify(explainModel(r.model)));
  if (opts.json) printJson(data);
  else process.stdout.write(toYaml(data as JsonValue));
  return 0;
}
