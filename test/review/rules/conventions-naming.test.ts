import rule from '../../../src/review/rules/conventions-naming.js';
import { ruleTable, testLab } from '../../helpers/review.js';

const deploy = (name: string, app?: string) =>
  `apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: ${name}, namespace: apps${app ? `, labels: { app.kubernetes.io/instance: ${app} }` : ''} }\nspec: { template: { spec: { containers: [{ name: main, image: "nginx:1.29" }] } } }\n`;
const repo = (...ws: [string, string?][]) => Object.fromEntries(ws.map(([n, a], i) => [`${i}.yaml`, deploy(n, a)]));

ruleTable(rule, {
  valid: [
    { name: 'hearth objects ({name}-{component})', lab: testLab([{ name: 'vaultwarden', namespace: 'apps' }, { name: 'homepage', namespace: 'apps' }, { name: 'postgresql', namespace: 'data' }, { name: 'redis', namespace: 'data' }]) },
    { name: 'every workload follows', repo: repo(['postgres-primary', 'postgres'], ['prometheus-server', 'prometheus'], ['traefik-ingress', 'traefik']) },
    { name: 'a single-component app named after itself', repo: repo(['postgres-primary', 'postgres'], ['prometheus-server', 'prometheus'], ['redis', 'redis']) },
    { name: 'too few workloads to call it a convention', repo: repo(['postgres-primary', 'postgres'], ['web', 'blog']) },
    { name: 'most workloads do not follow (no convention)', repo: repo(['postgres-primary', 'postgres'], ['web', 'blog'], ['api', 'shop']) },
    { name: 'workloads without the instance label are not judged', repo: repo(['postgres-primary', 'postgres'], ['prometheus-server', 'prometheus'], ['traefik-ingress', 'traefik'], ['web'], ['api']) },
  ],
  invalid: [
    {
      name: 'one workload off the pattern',
      repo: repo(['postgres-primary', 'postgres'], ['prometheus-server', 'prometheus'], ['traefik-ingress', 'traefik'], ['web', 'blog']),
      message: /^1 of 4 workloads break the \{app\}-\{component\} naming the others follow, so their names do not say which app they belong to: apps\/web \(app blog\)/,
      count: 1,
      subjects: ['web'],
    },
    { name: 'a prefix without the dash does not count', repo: repo(['postgres-primary', 'postgres'], ['prometheus-server', 'prometheus'], ['traefik-ingress', 'traefik'], ['grafanaweb', 'grafana']), subjects: ['grafanaweb'] },
  ],
});
