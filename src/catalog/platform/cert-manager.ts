import { defineModule, type Manifest } from '../types.js';
import { CHARTS } from '../charts.js';
import { meta } from '../meta.js';
import { metricsOn } from './_shared.js';

const ACME = {
  production: 'https://acme-v02.api.letsencrypt.org/directory',
  staging: 'https://acme-staging-v02.api.letsencrypt.org/directory',
};

/** cert-manager with one ClusterIssuer per issuer in the spec. */
export default defineModule({
  name: 'cert-manager',
  kind: 'platform',
  summary: 'cert-manager with Let\'s Encrypt (HTTP-01 / Cloudflare DNS-01) and self-signed CA issuers',
  layer: 'certificates',
  dir: 'cert-manager',
  namespace: 'cert-manager',
  chart: CHARTS.certManager,
  instances: (lab) => (lab.issuers.length > 0 ? [{}] : []),
  render: (ctx) => {
    const { lab } = ctx;
    const metrics = metricsOn(lab);
    const manifests: Manifest[] = [];
    for (const is of lab.issuers) {
      if (is.type === 'letsencrypt') {
        const solver =
          is.solver === 'http01'
            ? { http01: { ingress: { ingressClassName: lab.ingress?.className ?? 'traefik' } } }
            : {
                dns01: { cloudflare: { apiTokenSecretRef: { name: is.cloudflareApiToken!.secret, key: is.cloudflareApiToken!.key } } },
                ...(is.dnsZones.length ? { selector: { dnsZones: is.dnsZones } } : {}),
              };
        manifests.push({
          file: 'cluster-issuer',
          needsCrds: true,
          object: {
            apiVersion: 'cert-manager.io/v1',
            kind: 'ClusterIssuer',
            metadata: meta(ctx, is.name, 'issuer', { namespaced: false }),
            spec: {
              acme: {
                email: is.email,
                server: ACME[is.environment],
                privateKeySecretRef: { name: `${is.name}-account-key` },
                solvers: [solver],
              },
            },
          },
        });
      } else {
        const root = `${is.name}-root`;
        manifests.push(
          {
            file: 'cluster-issuer',
            needsCrds: true,
            object: {
              apiVersion: 'cert-manager.io/v1',
              kind: 'ClusterIssuer',
              metadata: meta(ctx, `${is.name}-selfsigned`, 'issuer', { namespaced: false }),
              spec: { selfSigned: {} },
            },
          },
          {
            file: 'cluster-issuer',
            needsCrds: true,
            object: {
              apiVersion: 'cert-manager.io/v1',
              kind: 'Certificate',
              metadata: meta(ctx, root, 'ca'),
              spec: {
                isCA: true,
                commonName: is.commonName ?? `${lab.name} CA`,
                secretName: root,
                duration: '87600h',
                privateKey: { algorithm: 'ECDSA', size: 256 },
                issuerRef: { name: `${is.name}-selfsigned`, kind: 'ClusterIssuer', group: 'cert-manager.io' },
              },
            },
          },
          {
            file: 'cluster-issuer',
            needsCrds: true,
            object: {
              apiVersion: 'cert-manager.io/v1',
              kind: 'ClusterIssuer',
              metadata: meta(ctx, is.name, 'issuer', { namespaced: false }),
              spec: { ca: { secretName: root } },
            },
          },
        );
      }
    }
    return {
      values: {
        crds: { enabled: true, keep: true },
        prometheus: { enabled: metrics, servicemonitor: { enabled: metrics } },
        resources: { requests: { cpu: '10m', memory: '64Mi' }, limits: { memory: '256Mi' } },
        webhook: { resources: { requests: { cpu: '10m', memory: '32Mi' }, limits: { memory: '128Mi' } } },
        cainjector: { resources: { requests: { cpu: '10m', memory: '64Mi' }, limits: { memory: '256Mi' } } },
      },
      manifests,
    };
  },
});
