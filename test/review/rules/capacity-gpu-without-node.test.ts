import rule from '../../../src/review/rules/capacity-gpu-without-node.js';
import { ruleTable, testLab } from '../../helpers/review.js';
import type { Facts } from '../../../src/review/types.js';

const ollama = { name: 'ollama', namespace: 'ai', gpu: true };
const k3s1 = { name: 'k3s-1', kind: 'vm' as const, host: 'pve', cpu: 4, memory: '16Gi', ip: '192.168.1.20' };
const gpuDeploy =
  'apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: llm, namespace: ai, labels: { app.kubernetes.io/instance: llm } }\nspec: { template: { spec: { containers: [{ name: llm, image: "vllm/vllm-openai:v0.27.1", resources: { limits: { gpu.intel.com/i915: 1 } } }] } } }\n';
/** A repository reviewed with nodes known (facts a future input could carry). */
const withCpuNode = (f: Facts) => {
  f.nodes.push({ name: 'node-1', controlPlane: true, inCluster: true, cpu: 8, memoryBytes: 32 * 2 ** 30, gpu: false, labels: {}, taints: [], where: { file: 'nodes' } });
};

ruleTable(rule, {
  valid: [
    { name: 'a GPU app and a GPU node (the test lab)', lab: testLab([ollama]) },
    { name: 'no app asks for a GPU', lab: testLab([{ name: 'ollama', namespace: 'ai' }], { nodes: [k3s1], cluster: { name: 'test', distribution: 'k3s', controlPlane: ['k3s-1'] } }) },
    { name: 'a repository: the nodes are not known', repo: { 'llm.yaml': gpuDeploy } },
  ],
  invalid: [
    {
      name: 'a GPU app on a cluster without a GPU node',
      lab: testLab([ollama], { nodes: [k3s1], cluster: { name: 'test', distribution: 'k3s', controlPlane: ['k3s-1'] } }),
      message: /^ollama requests a GPU, but no node of the cluster has one: its pod stays Pending and the app never starts$/,
      subjects: ['ollama'],
      count: 1,
    },
    {
      name: 'the GPU sits on a VM outside the cluster',
      lab: testLab([ollama], {
        nodes: [k3s1, { name: 'llm-vm', kind: 'vm', host: 'pve', cpu: 4, memory: '16Gi', ip: '192.168.1.30', gpu: { vendor: 'nvidia' } }],
        cluster: { name: 'test', distribution: 'k3s', controlPlane: ['k3s-1'] },
      }),
      message: /no node of the cluster has one \(llm-vm has a GPU but is not in the cluster\)/,
    },
    {
      name: 'the host has a GPU no node is given',
      lab: testLab([ollama], {
        hosts: [{ name: 'pve', role: 'hypervisor', cpu: 16, memory: '64Gi', ip: '192.168.1.2', gpu: { vendor: 'nvidia', model: 'RTX 3060' } }],
        nodes: [k3s1],
        cluster: { name: 'test', distribution: 'k3s', controlPlane: ['k3s-1'] },
      }),
      message: /\(host pve has a GPU that no node is given\)/,
    },
    {
      name: 'a repository selecting GPU nodes by the feature-discovery label, nodes known',
      repo: { 'llm.yaml': gpuDeploy.replace('resources: { limits: { gpu.intel.com/i915: 1 } }', 'resources: {}').replace('template: { spec: {', 'template: { spec: { nodeSelector: { nvidia.com/gpu.present: "true" },') },
      edit: withCpuNode,
      message: /^llm requests a GPU/,
      count: 1,
    },
    { name: 'a repository whose nodes are known, none with a GPU', repo: { 'llm.yaml': gpuDeploy }, edit: withCpuNode, message: /^llm requests a GPU/, subjects: ['llm'] },
    {
      name: 'an nvidia.com/gpu request in a manifest hearth renders (container module), no GPU node',
      lab: testLab([{ name: 'transcoder', module: 'container', namespace: 'media', gpu: true, config: { image: 'ghcr.io/example/transcoder:1.0.0' } }], { nodes: [k3s1], cluster: { name: 'test', distribution: 'k3s', controlPlane: ['k3s-1'] } }),
      message: /^transcoder requests a GPU/,
      count: 1,
    },
  ],
});
