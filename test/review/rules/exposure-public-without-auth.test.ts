import rule from '../../../src/review/rules/exposure-public-without-auth.js';
import { ruleTable, testLab } from '../../helpers/review.js';

const ingress = (name: string, host: string, annotations = '{}') =>
  `apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: { name: ${name}, namespace: apps, labels: { app.kubernetes.io/instance: ${name} }, annotations: ${annotations} }\nspec:\n  rules: [{ host: ${host}, http: { paths: [{ path: /, pathType: Prefix, backend: { service: { name: ${name}, port: { number: 80 } } } }] } }]\n`;

ruleTable(rule, {
  valid: [
    { name: 'an app on the LAN', lab: testLab([{ name: 'homepage', namespace: 'apps', expose: 'lan' }]) },
    {
      name: 'a public app behind forward-auth',
      lab: testLab([{ name: 'homepage', namespace: 'apps', expose: 'public' }]),
      edit: (f) => (f.ingresses.find((i) => i.app === 'homepage')!.auth = true),
    },
    { name: 'a public admin UI (reported by exposure-admin-ui-public)', lab: testLab([{ name: 'vault', namespace: 'apps', expose: 'public' }]) },
    { name: 'a repository ingress: whether it is public is not known', repo: { 'i.yaml': ingress('wiki', 'wiki.example.com') } },
  ],
  invalid: [
    {
      name: 'a public start page with no login',
      lab: testLab([{ name: 'homepage', namespace: 'apps', expose: 'public' }]),
      message: /^Ingress apps\/homepage-ingress publishes homepage \(homepage\.lab\.example\.com\) to the internet with no authentication in front, and the app is not known to ask for a login/,
      count: 1,
      subjects: ['homepage'],
    },
    {
      name: 'a public app with its own login',
      lab: testLab([{ name: 'vaultwarden', namespace: 'apps', expose: 'public' }]),
      risk: 'info',
      message: /vaultwarden .* relies on the app's own login$/,
      count: 1,
    },
    {
      name: 'a repository ingress known to be public, its middleware not an auth one',
      repo: { 'i.yaml': ingress('wiki', 'wiki.example.com', '{ traefik.ingress.kubernetes.io/router.middlewares: "apps-compress@kubernetescrd" }') },
      edit: (f) => (f.ingresses[0].exposure = 'public'),
      message: /apps\/wiki publishes wiki \(wiki\.example\.com\)/,
      subjects: ['wiki'],
    },
  ],
});
