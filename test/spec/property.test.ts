/**
 * Property tests: random text and random mutations of a valid spec never
 * crash the loader, and every rejection says where (a spec path, or a line
 * for file-level problems).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { checkLabText } from '../../src/pipeline.js';
import { renderLab } from '../../src/render/index.js';
import type { Issue } from '../../src/spec/issues.js';

const FILE_LEVEL = new Set(['yaml-syntax', 'yaml-duplicate-key', 'yaml-alias-limit', 'yaml-multiple-documents', 'file-too-large']);



const BASE = {
  name: 'lab',
  domain: 'home.example.com',
  hosts: [{ name: 'pve', role: 'hypervisor', cpu: 8, memory: '32Gi', ip: '192.168.1.2' }],
  nodes: [{ name: 'k3s-1', kind: 'vm', host: 'pve', cpu: 4, memory: '8Gi', ip: '192.168.1.20' }],
  cluster: { name: 'home', distribution: 'k3s', controlPlane: ['k3s-1'] },
  network: { cidr: '192.168.1.0/24', gateway: '192.168.1.1', loadBalancer: { pool: '192.168.1.200-192.168.1.220' } },
  ingress: { controller: 'traefik', ip: '192.168.1.200' },
  tls: { issuers: [{ name: 'le', type: 'letsencrypt', email: 'me@example.com' }] },
  storage: { classes: [{ name: 'local-path', type: 'local-path' }, { name: 'nfs', type: 'nfs', server: '192.168.1.5', path: '/k8s' }] },
  gitops: { engine: 'none' },
  observability: { logs: { enabled: true }, alerts: { receivers: [{ name: 'tg', type: 'telegram', chatId: 1, botToken: { secret: 's', key: 'k' } }] } },
  namespaces: [{ name: 'apps', quota: { cpu: 2, memory: '4Gi' } }],
  apps: [
    { name: 'web', module: 'container', namespace: 'apps', config: { image: 'nginx:1.29', ports: [{ name: 'http', port: 80 }], volumes: [{ name: 'data', mountPath: '/data' }] } },
    { name: 'job', module: 'container', namespace: 'apps', dependsOn: ['web'], config: { image: 'busybox:1.37' } },
  ],
};

/** Run every stage a spec goes through (rendering too when it is valid); throws only on a crash. */
function run(text: string): Issue[] {
  const r = checkLabText(text);
  if (r.model) renderLab(r.model);
  return r.issues;
}

function assertLocated(issues: Issue[]): void {
  for (const i of issues) {
    assert.ok(i.message.length > 0, 'has a message');
    assert.ok(i.line && i.line > 0, `${i.code} "${i.message}" has a line`);
    // Only file-level problems and a root that is not a mapping lack a spec path.
    if (!FILE_LEVEL.has(i.code) && i.code !== 'invalid-type') assert.ok(i.path.length > 0, `${i.code} "${i.message}" has a spec path`);
  }
}

test('the base spec is valid and renders', () => {
  assert.deepEqual(run(stringify(BASE)), []);
});

test('random text never crashes the loader', () => {
  fc.assert(
    fc.property(fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.stringMatching(/^[a-z:\-\[\]{}&*!|>'"#\n ]{0,60}$/)), (text) => {
      assertLocated(run(text));
    }),
    { numRuns: 2000 },
  );
});

type Json = unknown;

/** All paths into a JSON value. */
function paths(v: Json, prefix: (string | number)[] = []): (string | number)[][] {
  const out: (string | number)[][] = [prefix];
  if (Array.isArray(v)) v.forEach((x, i) => out.push(...paths(x, [...prefix, i])));
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) out.push(...paths(x, [...prefix, k]));
  return out;
}

function mutate(base: Json, path: (string | number)[], op: 'set' | 'delete' | 'rename', value: Json, key: string): Json {
  const copy = structuredClone(base) as Record<string | number, Json>;
  if (path.length === 0) return op === 'set' ? value : copy;
  let parent: Record<string | number, Json> = copy;
  for (const seg of path.slice(0, -1)) parent = parent[seg] as Record<string | number, Json>;
  const last = path[path.length - 1];
  if (op === 'set') parent[last] = value;
  else if (op === 'delete') {
    if (Array.isArray(parent)) parent.splice(Number(last), 1);
    else delete parent[last];
  } else if (!Array.isArray(parent)) {
    parent[key] = parent[last];
    delete parent[last];
  }
  return copy;
}

const allPaths = paths(BASE);
const values = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }),
  fc.constantFrom('', 'UPPER', '../x', 'a'.repeat(70), '10.0.0.1', '192.168.1.20', '192.168.1.0/24', '1Gi', 'nfs', 'local-path', 'web', 'apps', 'k3s-1', 'pve', -1, 0, 1e9, null, [], {}),
);

test('mutated specs never crash, and every rejection carries a path', () => {
  fc.assert(
    fc.property(
      fc.array(fc.tuple(fc.constantFrom(...allPaths), fc.constantFrom('set', 'delete', 'rename') as fc.Arbitrary<'set' | 'delete' | 'rename'>, values, fc.constantFrom('nmae', 'extra', 'names', 'type')), { minLength: 1, maxLength: 3 }),
      (muts) => {
        let spec: Json = BASE;
        for (const [p, op, v, k] of muts) {
          try {
            spec = mutate(spec, p, op, v, k);
          } catch {
            // The path no longer exists after an earlier mutation: skip it.
          }
        }
        assertLocated(run(stringify(spec, { aliasDuplicateObjects: false })));
      },
    ),
    { numRuns: 1500 },
  );
});
