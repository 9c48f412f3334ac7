import rule from '../../../src/review/rules/exposure-ingress-without-tls.js';
import { ruleTable, testLab } from '../../helpers/review.js';

const ingress = (tls: string, host = 'wiki.example.com') =>
  `apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: { name: wiki, namespace: apps, labels: { app.kubernetes.io/name: wiki } }\nspec:\n${tls}  rules: [{ host: ${host}, http: { paths: [{ path: /, pathType: Prefix, backend: { service: { name: wiki, port: { number: 80 } } } }] } }]\n`;
const apps = [{ name: 'vaultwarden', namespace: 'apps' }];

ruleTable(rule, {
  valid: [
    { name: 'a lab with a certificate issuer', lab: testLab(apps) },
    { name: 'an ingress with a tls section', repo: { 'i.yaml': ingress('  tls: [{ hosts: [wiki.example.com], secretName: wiki-tls }]\n') } },
    { name: 'an ingress with no host (the default backend)', repo: { 'i.yaml': 'apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: { name: default, namespace: apps }\nspec: { defaultBackend: { service: { name: web, port: { number: 80 } } } }\n' } },
  ],
  invalid: [
    { name: 'a lab with no issuer (the app and Grafana)', lab: testLab(apps, { tls: undefined }), message: /^Ingress (apps\/vaultwarden-ingress serves vaultwarden|monitoring\/kube-prometheus-stack-ingress serves grafana)\.lab\.example\.com with no tls section: logins and cookies travel in cleartext$/, count: 2, subjects: ['vaultwarden'] },
    { name: 'a repository ingress without tls', repo: { 'i.yaml': ingress('') }, message: /apps\/wiki serves wiki\.example\.com with no tls section: unless the controller terminates TLS/, count: 1, subjects: ['wiki'] },
  ],
});
