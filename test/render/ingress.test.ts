import { test } from 'node:test';
import assert from 'node:assert/strict';
import { testLab, renderWith, objects, schemaErrors } from '../helpers/module-harness.js';

const apps = [
  { name: 'photos', module: 'immich', namespace: 'media' },
  { name: 'redis', namespace: 'media' },
  { name: 'vaultwarden', namespace: 'apps' },
  { name: 'bot', module: 'container', namespace: 'apps', config: { image: 'ghcr.io/example/bot:1.0.0', ports: [{ name: 'http', port: 8080 }] } },
];

function bodySizes(controller: 'traefik' | 'ingress-nginx') {
  const r = renderWith([], testLab(apps, { ingress: { controller, ip: '192.168.1.200' } }));
  assert.deepEqual(r.issues.filter((i) => i.severity === 'error'), []);
  const ingresses = objects(r.files).filter((o) => o.kind === 'Ingress');
  return { r, sizes: Object.fromEntries(ingresses.map((i) => [i.metadata.name, i.metadata.annotations?.['nginx.ingress.kubernetes.io/proxy-body-size']])) };
}

test('ingress-nginx: upload apps lift the 1m body limit to what they accept; others keep the default', async () => {
  const { r, sizes } = bodySizes('ingress-nginx');
  assert.deepEqual(sizes, { 'photos-ingress': '0', 'vaultwarden-ingress': '525m', 'bot-ingress': undefined, 'kube-prometheus-stack-ingress': undefined });
  assert.deepEqual(await schemaErrors(r.files), []);
});

test('traefik sets no body limit: no nginx annotations', () => {
  const { sizes } = bodySizes('traefik');
  assert.deepEqual(sizes, { 'photos-ingress': undefined, 'vaultwarden-ingress': undefined, 'bot-ingress': undefined, 'kube-prometheus-stack-ingress': undefined });
});
