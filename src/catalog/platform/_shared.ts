/** Helpers shared by platform modules. */
import type { LabModel } from '../../model/types.js';

/** Annotation MetalLB reads to pin a Service to an address (metallb.io prefix since 0.15). */
export function loadBalancerAnnotations(ip: string | undefined): Record<string, string> {
  return ip ? { 'metallb.io/loadBalancerIPs': ip } : {};
}

/** True when kube-prometheus-stack runs, so charts may create ServiceMonitors. */
export function metricsOn(lab: LabModel): boolean {
  return lab.monitoringNamespace !== undefined;
}

/** Namespace of a component by id, if the lab deploys it. */
export function namespaceOf(lab: LabModel, id: string): string | undefined {
  return lab.components.find((c) => c.id === id)?.namespace;
}
