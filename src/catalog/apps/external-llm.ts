import { z } from 'zod';
import { defineModule, type Manifest } from '../types.js';
import { meta } from '../meta.js';
import { isIpv4 } from '../../lib/ip.js';
import type { AppModel, LabModel } from '../../model/types.js';
import { defaultDeny, instancePods, networkPolicy, tcpPorts } from './_shared.js';

const IPV4 = /^(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])(\.(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])){3}$/;
const HOSTNAME = /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?(\.[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)*$/;

const Config = z.strictObject({
  externalName: z
    .string()
    .refine((s) => IPV4.test(s) || HOSTNAME.test(s), 'expected a host name (mac-mini.lan), an IPv4 address or the name of a lab host')
    .describe('Where the server runs: a DNS name, an IPv4 address, or the name of a host in `hosts:` that has an ip.'),
  port: z.number().int().min(1).max(65535).default(1234).describe('TCP port of the server (LM Studio: 1234, Ollama: 11434).'),
  apiPath: z
    .string()
    .regex(/^\/[A-Za-z0-9._~\-/]*$/)
    .default('/v1')
    .describe('Path of the OpenAI-compatible API, appended to the URL other apps receive.'),
  egressCidr: z
    .string()
    .regex(/^[0-9.]+\/([0-9]|[12][0-9]|3[0-2])$/)
    .refine((s) => IPV4.test(s.split('/')[0]), 'expected an IPv4 CIDR')
    .optional()
    .describe('For a DNS name under default-deny: the address range dependents may reach (the IP is known automatically otherwise).'),
});

export type ExternalLlmConfig = z.output<typeof Config>;

export function externalLlmService(app: string): string {
  return `${app}-server`;
}

/** The IPv4 the external name stands for, when hearth knows it (an address, or a lab host with an ip). */
export function externalAddress(lab: LabModel, c: ExternalLlmConfig): string | undefined {
  if (isIpv4(c.externalName)) return c.externalName;
  return lab.hosts.find((h) => h.name === c.externalName && h.ip)?.ip;
}

/** In-cluster base URL of the OpenAI-compatible API (`http://<app>-server.<ns>.svc.cluster.local:<port>/v1`). */
export function externalLlmUrl(app: Pick<AppModel, 'name' | 'namespace' | 'config'>): string {
  const c = app.config as ExternalLlmConfig;
  const path = c.apiPath === '/' ? '' : c.apiPath.replace(/\/$/, '');
  return `http://${externalLlmService(app.name)}.${app.namespace}.svc.cluster.local:${c.port}${path}`;
}

/**
 * An LLM server outside the cluster (LM Studio on the Mac host, seed 003) under
 * a cluster-local name: an ExternalName Service for a DNS name, or a
 * selector-less Service with an EndpointSlice for an address (ExternalName
 * cannot hold an IP).
 */
export default defineModule({
  name: 'external-llm',
  kind: 'app',
  summary: 'An LLM server outside the cluster (LM Studio, a desktop Ollama) under a cluster-local Service name',
  layer: 'apps',
  dir: 'external-llm',
  config: Config,
  app: () => ({
    expose: 'internal',
    volumes: [],
    resources: { requests: {}, limits: {} },
    replicas: 0,
  }),
  render: (ctx) => {
    const app = ctx.component.app!;
    const c = ctx.config as ExternalLlmConfig;
    const svc = externalLlmService(app.name);
    const ip = externalAddress(ctx.lab, c);
    const port = { name: 'http', protocol: 'TCP', port: c.port, targetPort: c.port };
    const manifests: Manifest[] = [];
    if (ip) {
      manifests.push({
        file: 'service',
        object: { apiVersion: 'v1', kind: 'Service', metadata: meta(ctx, svc, 'endpoint'), spec: { type: 'ClusterIP', ports: [port] } },
      });
      const m = meta(ctx, svc, 'endpoint');
      m.labels = { ...m.labels, 'kubernetes.io/service-name': svc, 'endpointslice.kubernetes.io/managed-by': 'hearth' };
      manifests.push({
        file: 'endpointslice',
        object: {
          apiVersion: 'discovery.k8s.io/v1',
          kind: 'EndpointSlice',
          metadata: m,
          addressType: 'IPv4',
          ports: [{ name: 'http', protocol: 'TCP', port: c.port }],
          endpoints: [{ addresses: [ip], conditions: { ready: true } }],
        },
      });
    } else {
      manifests.push({
        file: 'service',
        object: {
          apiVersion: 'v1',
          kind: 'Service',
          metadata: meta(ctx, svc, 'endpoint'),
          spec: { type: 'ExternalName', externalName: c.externalName, ports: [port] },
        },
      });
    }
    // Under default-deny, dependents need an egress allow to the address outside the cluster:
    // hearth's own policies only allow pods of their dependencies.
    const cidr = ip ? `${ip}/32` : c.egressCidr;
    if (cidr) {
      const dependents = ctx.lab.apps.filter((a) => a.dependsOn.includes(app.name)).sort((a, b) => a.name.localeCompare(b.name));
      for (const d of dependents) {
        if (!defaultDeny(ctx.lab, d.namespace)) continue;
        manifests.push(
          networkPolicy(
            ctx,
            `${d.name}-to-${app.name}`,
            { podSelector: instancePods(d.name), policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr } }], ports: tcpPorts([c.port]) }] },
            { namespace: d.namespace },
          ),
        );
      }
    }
    return { manifests };
  },
});
