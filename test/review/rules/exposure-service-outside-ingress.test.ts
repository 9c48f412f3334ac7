import rule from '../../../src/review/rules/exposure-service-outside-ingress.js';
import { ruleTable, testLab } from '../../helpers/review.js';

const svc = (name: string, ns: string, type: string, ports: number[], app = name) =>
  `apiVersion: v1\nkind: Service\nmetadata: { name: ${name}, namespace: ${ns} }\nspec:\n  type: ${type}\n  selector: { app.kubernetes.io/name: ${app} }\n  ports: [${ports.map((p) => `{ name: p${p}, port: ${p} }`).join(', ')}]\n`;
const devLab = testLab([
  { name: 'devbox', module: 'dev-containers', namespace: 'apps', config: { authorizedKeys: ['ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAINf8xgUtNRW8e51lqv2vhPDpNUpt8BYTV7CBZWEY/hcU tom@laptop'], containers: [{ name: 'tom', gitUser: { name: 'Tom', email: 'tom@example.com' } }] } },
  { name: 'nginx', module: 'nginx-proxy', namespace: 'apps', host: 'dev', config: { ip: '192.168.1.210' } },
]);

ruleTable(rule, {
  valid: [
    { name: 'the dev containers\' SSH stream proxy (nginx-proxy)', lab: devLab },
    { name: 'qBittorrent\'s peer port (exposePeers)', lab: testLab([{ name: 'qbittorrent', namespace: 'media', config: { exposePeers: true } }]) },
    { name: 'the ingress controller\'s LoadBalancer', repo: { 's.yaml': svc('ingress-nginx-controller', 'networking', 'LoadBalancer', [80, 443], 'ingress-nginx') } },
    { name: 'Traefik in its namespace', repo: { 's.yaml': svc('traefik', 'traefik', 'LoadBalancer', [80, 443]) } },
    { name: 'DNS and the Kubernetes API (own protocols)', repo: { 'dns.yaml': svc('blocky', 'network', 'LoadBalancer', [53]), 'api.yaml': svc('kube-api', 'default', 'LoadBalancer', [6443]) } },
    { name: 'a ClusterIP Service', repo: { 's.yaml': svc('wiki', 'apps', 'ClusterIP', [80]) } },
  ],
  invalid: [
    {
      name: 'a web app on a LoadBalancer',
      repo: { 's.yaml': svc('home-assistant', 'home', 'LoadBalancer', [8123]) },
      message: /^Service home\/home-assistant \(LoadBalancer\) opens port 8123 of home-assistant directly on the network: the ingress's TLS and authentication do not apply/,
      count: 1,
      subjects: ['home-assistant'],
    },
    { name: 'a NodePort with SSH and HTTP (SSH not named)', repo: { 's.yaml': svc('gitea', 'dev', 'NodePort', [22, 3000]) }, message: /\(NodePort\) opens port 3000 of gitea directly on the nodes/, count: 1 },
    {
      name: 'a lab app given a LoadBalancer',
      lab: testLab([{ name: 'vaultwarden', namespace: 'apps' }]),
      edit: (f) => (f.services.find((s) => s.app === 'vaultwarden')!.type = 'LoadBalancer'),
      message: /^Service apps\/vaultwarden-server \(LoadBalancer\) opens port 8080 of vaultwarden/,
      subjects: ['vaultwarden'],
    },
  ],
});
