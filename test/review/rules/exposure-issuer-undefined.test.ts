import rule from '../../../src/review/rules/exposure-issuer-undefined.js';
import { ruleTable, testLab } from '../../helpers/review.js';

const ingress = (name: string, ns: string, annotation: string) =>
  `apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: { name: ${name}, namespace: ${ns}, annotations: { ${annotation} } }\nspec:\n  tls: [{ hosts: [${name}.example.com], secretName: ${name}-tls }]\n  rules: [{ host: ${name}.example.com }]\n`;
const clusterIssuer = 'apiVersion: cert-manager.io/v1\nkind: ClusterIssuer\nmetadata: { name: letsencrypt-prod }\nspec: { acme: { server: https://acme-v02.api.letsencrypt.org/directory } }\n';
const issuer = 'apiVersion: cert-manager.io/v1\nkind: Issuer\nmetadata: { name: internal-ca, namespace: apps }\nspec: { ca: { secretName: ca } }\n';
const apps = [{ name: 'vaultwarden', namespace: 'apps' }];

ruleTable(rule, {
  valid: [
    { name: 'a lab whose apps use its issuer', lab: testLab(apps) },
    { name: 'a ClusterIssuer the repository defines', repo: { 'ci.yaml': clusterIssuer, 'i.yaml': ingress('wiki', 'apps', 'cert-manager.io/cluster-issuer: letsencrypt-prod') } },
    { name: 'a namespaced Issuer in the same namespace', repo: { 'is.yaml': issuer, 'i.yaml': ingress('wiki', 'apps', 'cert-manager.io/issuer: internal-ca') } },
    { name: 'a repository defining no issuer (they may come from elsewhere)', repo: { 'i.yaml': ingress('wiki', 'apps', 'cert-manager.io/cluster-issuer: letsencrypt-prod') } },
    { name: 'an ingress without a tls section (no certificate requested)', repo: { 'ci.yaml': clusterIssuer, 'i.yaml': ingress('wiki', 'apps', 'cert-manager.io/cluster-issuer: letsencrypt').replace(/  tls: .*\n/, '') } },
    { name: 'a Flux substitution', repo: { 'ci.yaml': clusterIssuer, 'i.yaml': ingress('wiki', 'apps', 'cert-manager.io/cluster-issuer: "${CLUSTER_ISSUER}"') } },
  ],
  invalid: [
    {
      name: 'a typo in the issuer name, two ingresses',
      repo: { 'ci.yaml': clusterIssuer, 'a.yaml': ingress('wiki', 'apps', 'cert-manager.io/cluster-issuer: letsencrypt'), 'b.yaml': ingress('chat', 'ai', 'cert-manager.io/cluster-issuer: letsencrypt') },
      message: /^issuer letsencrypt, named by 2 Ingresses ai\/chat, apps\/wiki, is not defined \(defined: letsencrypt-prod\): their certificates are never issued/,
      count: 1,
      subjects: ['letsencrypt', 'chat', 'wiki'],
    },
    { name: 'an Issuer of another namespace', repo: { 'is.yaml': issuer, 'i.yaml': ingress('chat', 'ai', 'cert-manager.io/issuer: internal-ca') }, message: /issuer internal-ca, named by Ingress ai\/chat, is not defined \(defined: apps\/internal-ca\): its certificate is never issued/, count: 1 },
    {
      name: 'a lab ingress naming an issuer the lab does not define',
      lab: testLab(apps),
      edit: (f) => (f.ingresses.find((i) => i.app === 'vaultwarden')!.issuer = 'letsencrypt-staging'),
      message: /issuer letsencrypt-staging, named by Ingress apps\/vaultwarden-ingress, is not defined \(defined: letsencrypt\)/,
      subjects: ['vaultwarden'],
    },
  ],
});
