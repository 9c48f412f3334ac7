import rule from '../../../src/review/rules/supply-chain-unpinned-image.js';
import { ruleTable, testLab } from '../../helpers/review.js';

const deploy = (...images: string[]) =>
  `apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: web, namespace: apps }\nspec: { template: { spec: { containers: [${images.map((i, n) => `{ name: c${n}, image: "${i}" }`).join(', ')}] } } }\n`;
const digest = 'sha256:' + 'a'.repeat(64);
const bot = (image: string) => ({ name: 'bot', module: 'container', namespace: 'apps', config: { image } });

ruleTable(rule, {
  valid: [
    { name: 'hearth apps (pinned by the catalog)', lab: testLab([{ name: 'vaultwarden', namespace: 'apps' }, { name: 'ollama', namespace: 'ai' }]) },
    { name: 'version tags', repo: { 'd.yaml': deploy('nginx:1.29.8-alpine', 'ghcr.io/home-assistant/home-assistant:2026.9.2') } },
    { name: 'digests, with or without a moving tag', repo: { 'd.yaml': deploy(`nginx@${digest}`, `nginx:latest@${digest}`) } },
    { name: 'a registry with a port and a tag', repo: { 'd.yaml': deploy('registry.lan:5000/tools/app:1.2.3') } },
    { name: 'substitution variables (Flux postBuild)', repo: { 'd.yaml': deploy('ghcr.io/example/app:${APP_VERSION}') } },
  ],
  invalid: [
    { name: 'a spec container on latest', lab: testLab([bot('ghcr.io/example/bot:latest')]), message: /^Deployment apps\/bot-server runs unpinned image ghcr.io\/example\/bot:latest: any restart/, count: 1, subjects: ['bot'] },
    { name: 'no tag', repo: { 'd.yaml': deploy('nginx') }, message: /unpinned image nginx \(no tag, so latest\)/, count: 1 },
    { name: 'a registry port is not a tag', repo: { 'd.yaml': deploy('registry.lan:5000/tools/app') }, message: /registry.lan:5000\/tools\/app \(no tag/, count: 1 },
    { name: 'moving tags, one finding per workload', repo: { 'd.yaml': deploy('lscr.io/linuxserver/plex:Latest', 'ghcr.io/example/app:nightly', 'busybox:1.37') }, message: /unpinned images lscr.io\/linuxserver\/plex:Latest, ghcr.io\/example\/app:nightly:/, count: 1 },
  ],
});
