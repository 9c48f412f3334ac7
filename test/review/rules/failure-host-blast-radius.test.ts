import rule from '../../../src/review/rules/failure-host-blast-radius.js';
import { ruleTable, testLab } from '../../helpers/review.js';
import type { LabInput } from '../../../src/spec/schema.js';

const vaultwarden = { name: 'vaultwarden', namespace: 'apps' };
const ollama = { name: 'ollama', namespace: 'ai', gpu: true };
const openWebui = { name: 'open-webui', namespace: 'ai', dependsOn: ['ollama'] };
/** pve1 runs the control plane, pve2 the GPU worker, the NAS serves the NFS class (192.168.1.5). */
const spread: Partial<LabInput> = {
  hosts: [
    { name: 'pve1', role: 'hypervisor', cpu: 16, memory: '64Gi', ip: '192.168.1.2' },
    { name: 'pve2', role: 'hypervisor', cpu: 16, memory: '64Gi', ip: '192.168.1.3' },
    { name: 'nas', role: 'nas', cpu: 4, memory: '8Gi', ip: '192.168.1.5' },
  ],
  nodes: [
    { name: 'k3s-1', kind: 'vm', host: 'pve1', cpu: 4, memory: '16Gi', ip: '192.168.1.20' },
    { name: 'gpu-1', kind: 'vm', host: 'pve2', cpu: 8, memory: '32Gi', ip: '192.168.1.21', gpu: { vendor: 'nvidia', model: 'RTX 3060' }, labels: { 'hearth.dev/gpu': 'true' } },
  ],
};

ruleTable(rule, {
  valid: [
    {
      name: 'bare-metal nodes and no hosts listed',
      lab: testLab([vaultwarden], {
        hosts: [],
        nodes: [{ name: 'k3s-1', kind: 'bare-metal', host: 'k3s-1', cpu: 8, memory: '32Gi', ip: '192.168.1.20' }],
        cluster: { name: 'test', distribution: 'k3s', controlPlane: ['k3s-1'] },
      }),
    },
    { name: 'a repository (hosts unknown)', repo: { 'd.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: web, namespace: apps }\nspec: { template: { spec: { containers: [{ name: web, image: nginx:1.29 }] } } }\n' } },
  ],
  invalid: [
    {
      name: 'one hypervisor carries every node (the test lab)',
      lab: testLab([vaultwarden]),
      risk: 'medium',
      message: /^when host pve is down, cluster nodes k3s-1 \(control plane\), gpu-1 go with it: every app in the cluster stops \(vaultwarden\)$/,
      subjects: ['pve', 'k3s-1', 'gpu-1'],
      count: 1,
    },
    {
      name: 'nodes spread over two hypervisors, volumes on a NAS',
      lab: testLab([vaultwarden, ollama, openWebui], spread),
      risk: 'info',
      message:
        /^when host (pve1 is down, cluster node k3s-1 \(control plane\) goes with it: the Kubernetes API stops, so nothing is rescheduled while pods elsewhere keep serving, and the apps whose pods ran on k3s-1 stay down$|pve2 is down, cluster node gpu-1 goes with it: ollama stops \(no other node may run it\); .*open-webui stops with an app it depends on; other pods move to the remaining nodes|nas is down: .*vaultwarden stop \(volumes on its NFS exports\))/,
      subjects: ['pve2', 'gpu-1'],
      count: 3,
    },
    {
      name: 'the external datastore runs in a container on the worker host',
      lab: testLab([vaultwarden], {
        hosts: spread.hosts!.slice(0, 2),
        nodes: [
          { name: 'k3s-1', kind: 'vm', host: 'pve1', cpu: 4, memory: '16Gi', ip: '192.168.1.20' },
          { name: 'k3s-2', kind: 'vm', host: 'pve2', cpu: 4, memory: '16Gi', ip: '192.168.1.21' },
          { name: 'pgdb', kind: 'lxc', host: 'pve2', cpu: 2, memory: '4Gi', ip: '192.168.1.40' },
        ],
        cluster: { name: 'test', distribution: 'k3s', controlPlane: ['k3s-1'], workers: ['k3s-2'], datastore: { type: 'external-postgres', endpoint: 'pgdb:5432' } },
      }),
      risk: 'info',
      message:
        /^when host (pve1 is down, cluster node k3s-1 \(control plane\) goes with it: the Kubernetes API stops, so .*k3s-1 stay down|pve2 is down, cluster node k3s-2 and guest pgdb \(the cluster datastore\) beside the cluster go with it: the Kubernetes API stops \(its datastore is here\), so nothing is rescheduled while pods elsewhere keep serving, and the apps whose pods ran on k3s-2 stay down)$/,
      subjects: ['pve2', 'k3s-2', 'pgdb'],
      count: 2,
    },
    {
      name: 'the NAS is a host of the lab',
      lab: testLab([vaultwarden, ollama, openWebui], spread),
      risk: 'info',
      subjects: ['nas'],
    },
  ],
});
