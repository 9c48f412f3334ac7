import rule from '../../../src/review/rules/capacity-requests-exceed-nodes.js';
import { ruleTable, testLab } from '../../helpers/review.js';

/** The test lab's nodes: k3s-1 (4 CPUs, 16Gi) and gpu-1 (8 CPUs, 32Gi): 12 CPUs, 48Gi. */
const web = (name: string, requests: { cpu?: string; memory?: string }, replicas = 1) => ({
  name,
  module: 'container',
  namespace: 'apps',
  replicas,
  resources: { requests },
  config: { image: 'nginx:1.29.8-alpine', ports: [{ name: 'http', port: 8080 }] },
});
const talos = {
  cluster: { name: 'test', distribution: 'talos' as const, controlPlane: ['k3s-1'], workers: ['gpu-1'] },
};

ruleTable(rule, {
  valid: [
    { name: 'small apps (the test lab)', lab: testLab([{ name: 'vaultwarden', namespace: 'apps' }, web('blog', { cpu: '500m', memory: '1Gi' }, 2)]) },
    { name: '75% of the CPUs on K3s, where the control plane runs workloads', lab: testLab([web('api', { cpu: '3' }, 3)]) },
    {
      name: 'a repository (nodes unknown)',
      repo: { 'd.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: web, namespace: apps }\nspec: { replicas: 40, template: { spec: { containers: [{ name: web, image: nginx:1.29, resources: { requests: { cpu: "4", memory: 64Gi } } }] } } }\n' },
    },
  ],
  invalid: [
    {
      name: 'one pod larger than any node',
      lab: testLab([web('big', { memory: '40Gi' })]),
      message: /^a pod of big \(big-server\) requests 40 GiB of memory, more than any node it may run on offers \(the largest, gpu-1, has 32 GiB of memory\): it stays Pending$/,
      subjects: ['big'],
      count: 1,
    },
    {
      name: 'requests at 100% of the CPUs',
      lab: testLab([web('api', { cpu: '3' }, 4)]),
      risk: 'medium',
      message: /^the workloads request 12 CPU cores, 100% of the 12 CPU cores on 2 nodes \(k3s-1, gpu-1\): no room is left to reschedule/,
      count: 1,
    },
    {
      name: 'requests above the memory of the nodes',
      lab: testLab([web('api', { memory: '10Gi' }, 5)]),
      risk: 'high',
      message: /^the workloads request 50 GiB of memory, 104% of the 48 GiB on 2 nodes \(k3s-1, gpu-1\): some pods cannot be scheduled \(largest: api \(api-server\) 50 GiB\)$/,
      subjects: ['api'],
      count: 1,
    },
    {
      name: 'Talos keeps the control plane free of workloads',
      lab: testLab([web('api', { cpu: '3' }, 3)], talos),
      risk: 'high',
      message: /request 9 CPU cores, 113% of the 8 CPU cores on 1 node \(gpu-1\)/,
    },
  ],
});
