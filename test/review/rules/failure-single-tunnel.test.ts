import rule from '../../../src/review/rules/failure-single-tunnel.js';
import { ruleTable, testLab } from '../../helpers/review.js';
import type { LabInput } from '../../../src/spec/schema.js';

const remoteAccess: LabInput['remoteAccess'] = { type: 'cloudflare-tunnel', tunnel: 'home', credentials: { secret: 'tunnel-creds', key: 'home.json' } };
const blog = { name: 'blog', module: 'container', namespace: 'apps', expose: 'public' as const, config: { image: 'nginx:1.29.8-alpine', ports: [{ name: 'http', port: 8080 }] } };
const tunnel = (replicas?: number) => ({ name: 'tunnel', module: 'cloudflared', namespace: 'apps', ...(replicas !== undefined ? { replicas } : {}) });
const deploy = (replicas: number, image = 'cloudflare/cloudflared:2026.9.3') =>
  `apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: cloudflared, namespace: network }\nspec:\n  replicas: ${replicas}\n  template: { spec: { containers: [{ name: cloudflared, image: "${image}", args: [tunnel, run] }] } }\n`;

ruleTable(rule, {
  valid: [
    { name: 'the cloudflared module (two replicas, spread)', lab: testLab([tunnel(), blog], { remoteAccess }) },
    {
      name: 'one replica on a one-node cluster (a second would share the node)',
      lab: testLab([tunnel(1), blog], { remoteAccess, nodes: [{ name: 'k3s-1', kind: 'vm', host: 'pve', cpu: 4, memory: '16Gi', ip: '192.168.1.20' }], cluster: { name: 'test', distribution: 'k3s', controlPlane: ['k3s-1'] } }),
    },
    { name: 'a repository with two connectors', repo: { 'cloudflared.yaml': deploy(2) } },
    { name: 'a repository with another image', repo: { 'web.yaml': deploy(1, 'nginx:1.29') } },
  ],
  invalid: [
    {
      name: 'the cloudflared module at one replica',
      lab: testLab([tunnel(1), blog], { remoteAccess }),
      message: /the Cloudflare tunnel connector tunnel \(apps\/tunnel-tunnel\) runs a single replica: when its pod or its node is down, every public app \(blog\) is unreachable from the internet/,
      subjects: ['tunnel'],
      count: 1,
    },
    {
      name: 'a repository Deployment of cloudflared with one replica (image by digest)',
      repo: { 'cloudflared.yaml': deploy(1, 'docker.io/cloudflare/cloudflared:2026.9.3@sha256:0000000000000000000000000000000000000000000000000000000000000000') },
      message: /connector network\/cloudflared runs a single replica: .*everything published through the tunnel is unreachable/,
      count: 1,
    },
  ],
});
