import rule from '../../../src/review/rules/reliability-missing-requests-limits.js';
import { ruleTable, testLab } from '../../helpers/review.js';

const deploy = (ns: string, containers: string) => `apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: web, namespace: ${ns}, labels: { app.kubernetes.io/instance: blog } }\nspec: { template: { spec: { containers: ${containers} } } }\n`;
const sized = '{ name: web, image: "nginx:1.29", resources: { requests: { cpu: 50m, memory: 64Mi }, limits: { memory: 256Mi } } }';

ruleTable(rule, {
  valid: [
    { name: 'hearth apps (amounts always rendered)', lab: testLab([{ name: 'vaultwarden', namespace: 'apps' }, { name: 'ollama', namespace: 'ai' }]) },
    { name: 'requests and a memory limit, no CPU limit', repo: { 'd.yaml': deploy('apps', `[${sized}]`) } },
    { name: 'limits only (Kubernetes copies them into the requests)', repo: { 'd.yaml': deploy('apps', '[{ name: web, image: "nginx:1.29", resources: { limits: { cpu: 500m, memory: 256Mi } } }]') } },
    { name: 'kube-system (the distribution\'s)', repo: { 'd.yaml': deploy('kube-system', '[{ name: web, image: "nginx:1.29" }]') } },
    { name: 'a kustomize patch (container without an image)', repo: { 'p.yaml': deploy('apps', '[{ name: web, env: [{ name: A, value: b }] }]') } },
  ],
  invalid: [
    { name: 'a container with no resources', repo: { 'd.yaml': deploy('apps', '[{ name: web, image: "nginx:1.29" }]') }, message: /^Deployment apps\/web leaves resources unset for container web \(no requests, no memory limit\): one memory leak can take the node/, count: 1, subjects: ['blog'] },
    { name: 'a memory limit but no CPU request', repo: { 'd.yaml': deploy('apps', '[{ name: web, image: "nginx:1.29", resources: { limits: { memory: 256Mi } } }]') }, message: /container web \(no CPU request\): the scheduler does not reserve what it uses/, count: 1 },
    {
      name: 'one finding per workload, naming each container',
      repo: { 'd.yaml': deploy('apps', `[${sized}, { name: sidecar, image: "busybox:1.37", resources: { requests: { cpu: 10m } } }, { name: exporter, image: "exporter:1.0", resources: { requests: { cpu: 10m, memory: 16Mi } } }]`) },
      message: /leaves resources unset for containers sidecar \(no memory request, no memory limit\); exporter \(no memory limit\)/,
      count: 1,
    },
    {
      name: 'a spec workload whose memory limit is missing',
      lab: testLab([{ name: 'vaultwarden', namespace: 'apps' }]),
      edit: (f) => {
        for (const w of f.workloads) for (const c of w.containers) delete c.limits.memory;
      },
      message: /vaultwarden-server .*no memory limit/,
      subjects: ['vaultwarden'],
    },
  ],
});
