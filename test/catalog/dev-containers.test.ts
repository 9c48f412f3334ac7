import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import devContainers, { DEV_CONTAINER_IMAGE, START_SCRIPT, sshBackends, checkPublicKey } from '../../src/catalog/apps/dev-containers.js';
import { testLab, renderWith, objects, schemaErrors, kustomizeAll } from '../helpers/module-harness.js';

// Public keys (made with ssh-keygen for this test; public keys are not secrets).
const ED25519 = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAINf8xgUtNRW8e51lqv2vhPDpNUpt8BYTV7CBZWEY/hcU alice@laptop';
const ECDSA =
  'ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBC9uYd+9SMW21rYZCtDbrQCQRuoj6IJlHDv2zlWU8/a37q0iEtjck3ZsHaKlUnrrcokYnda6mJFQaHN4BZRIJrw= bob@desktop';

const namespaces = { namespaces: [{ name: 'apps' }, { name: 'dev' }] };

const devbox = {
  name: 'devbox',
  module: 'dev-containers',
  namespace: 'dev',
  config: {
    containers: [
      { name: 'alice', gitUser: { name: 'Alice Example', email: 'alice@example.com' }, devPorts: [3000] },
      { name: 'bob', image: 'ghcr.io/example/devbox:1.2.0', user: 'dev', sshPort: 2222, cpu: 2, memory: '8Gi', workspaceSize: '50Gi', sudo: true },
      { name: 'carol', running: false },
    ],
    authorizedKeys: [ED25519, ECDSA],
    gitCredentialsSecret: 'git-credentials',
  },
};

test('dev-containers: a Deployment, Service and local workspace per container that pass the oracles', async () => {
  const r = renderWith([devContainers], testLab([devbox], namespaces));
  assert.deepEqual(r.issues.filter((i) => i.severity === 'error'), []);
  assert.deepEqual(await schemaErrors(r.files), []);
  kustomizeAll(r.files);
  const objs = objects(r.files);

  const cm = objs.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'devbox-ssh-keys')!;
  assert.equal(cm.data.authorized_keys, `${ED25519}\n${ECDSA}\n`);
  assert.ok(r.files.some((f) => f.path.endsWith('/devbox/ssh-configmap.yaml')), 'seed 001 file name');
  assert.ok(r.files.some((f) => f.path.endsWith('/devbox/dev-container-alice.yaml')), 'one file per container');

  const pvcs = objs.filter((o) => o.kind === 'PersistentVolumeClaim').map((p) => [p.metadata.name, p.spec.storageClassName, p.spec.resources.requests.storage, p.spec.accessModes[0]]);
  assert.deepEqual(pvcs, [
    ['devbox-alice-workspace', 'local-path', '20Gi', 'ReadWriteOnce'],
    ['devbox-bob-workspace', 'local-path', '50Gi', 'ReadWriteOnce'],
    ['devbox-carol-workspace', 'local-path', '20Gi', 'ReadWriteOnce'],
  ]);

  const deps = objs.filter((o) => o.kind === 'Deployment');
  assert.deepEqual(
    deps.map((d) => [d.metadata.name, d.spec.replicas, d.spec.strategy.type]),
    [
      ['devbox-alice', 1, 'Recreate'],
      ['devbox-bob', 1, 'Recreate'],
      ['devbox-carol', 0, 'Recreate'],
    ],
  );
  const alice = deps[0];
  const pod = alice.spec.template.spec;
  const c = pod.containers[0];
  assert.equal(c.image, DEV_CONTAINER_IMAGE);
  assert.equal(c.image, 'mcr.microsoft.com/devcontainers/base:2.2.3-trixie');
  assert.deepEqual(c.command, ['/bin/sh', '-c', START_SCRIPT]);
  assert.match(START_SCRIPT, /exec \/usr\/sbin\/sshd -D -e/);
  assert.match(START_SCRIPT, /install -m 0600 -o "\$user" -g "\$group" \/etc\/hearth\/ssh\/authorized_keys "\$home\/\.ssh\/authorized_keys"/);
  assert.match(START_SCRIPT, /install -d -m 0700 -o "\$user" -g "\$group" "\$home\/\.ssh"/);
  assert.match(START_SCRIPT, /git config --system worktree\.guessRemote true/);
  const env = Object.fromEntries(c.env.map((e: any) => [e.name, e.value]));
  assert.deepEqual(env, { DEV_USER: 'vscode', PERSIST_HOME: '.vscode-server .claude', GIT_USER_NAME: 'Alice Example', GIT_USER_EMAIL: 'alice@example.com' });
  assert.deepEqual(
    c.ports.map((p: any) => [p.name, p.containerPort]),
    [
      ['ssh', 22],
      ['dev-3000', 3000],
    ],
  );
  assert.deepEqual(c.volumeMounts, [
    { name: 'workspace', mountPath: '/workspaces' },
    { name: 'ssh-keys', mountPath: '/etc/hearth/ssh', readOnly: true },
    { name: 'git-credentials', mountPath: '/etc/hearth/git', readOnly: true },
  ]);
  assert.deepEqual(pod.volumes[0], { name: 'workspace', persistentVolumeClaim: { claimName: 'devbox-alice-workspace' } });
  assert.deepEqual(pod.volumes[2].secret, { secretName: 'git-credentials', defaultMode: 0o400, items: [{ key: 'git-credentials', path: 'git-credentials' }] });
  assert.equal(c.securityContext.allowPrivilegeEscalation, false);
  assert.deepEqual(c.securityContext.capabilities.drop, ['ALL']);
  assert.ok(!c.securityContext.capabilities.add.includes('NET_RAW') && !c.securityContext.capabilities.add.includes('SYS_ADMIN'));
  assert.equal(c.securityContext.runAsNonRoot, undefined, 'sshd starts as root');
  assert.deepEqual(c.resources, { requests: { cpu: '250m', memory: '1Gi' }, limits: { memory: '4Gi' } });
  assert.deepEqual(c.startupProbe.tcpSocket, { port: 'ssh' });
  assert.match(alice.spec.template.metadata.annotations['checksum/config'], /^[a-f0-9]{64}$/);
  assert.equal(alice.spec.selector.matchLabels['hearth.dev/dev-container'], 'alice');

  const bob = deps[1].spec.template.spec.containers[0];
  assert.equal(bob.image, 'ghcr.io/example/devbox:1.2.0');
  assert.equal(bob.securityContext.allowPrivilegeEscalation, true, 'sudo: true');
  assert.deepEqual(bob.resources, { requests: { cpu: '2', memory: '8Gi' }, limits: { memory: '8Gi' } });
  assert.equal(bob.env.find((e: any) => e.name === 'DEV_USER').value, 'dev');

  const svcs = objs.filter((o) => o.kind === 'Service');
  assert.deepEqual(
    svcs.map((s) => [s.metadata.name, s.spec.type, s.spec.ports.map((p: any) => `${p.name}:${p.port}`).join(',')]),
    [
      ['devbox-alice', 'ClusterIP', 'ssh:22,dev-3000:3000'],
      ['devbox-bob', 'ClusterIP', 'ssh:22'],
      ['devbox-carol', 'ClusterIP', 'ssh:22'],
    ],
  );
  assert.deepEqual(svcs[0].spec.selector, { 'app.kubernetes.io/name': 'dev-containers', 'app.kubernetes.io/instance': 'devbox', 'hearth.dev/dev-container': 'alice' });
  assert.ok(!objs.some((o) => o.kind === 'Ingress' && o.metadata.namespace === 'dev'), 'internal: SSH goes through nginx-proxy');
  const net = objs.find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === 'devbox-network')!;
  assert.ok(net.spec.egress.some((e: any) => e.to[0].ipBlock?.cidr === '0.0.0.0/0'), 'internet egress for git and packages');
  assert.ok(!objs.some((o) => o.metadata?.name === 'devbox-ssh'), 'no SSH allow without an nginx-proxy in the lab');

  // Proxy ports for nginx-proxy: explicit sshPort kept, the others from 2201 in spec order.
  assert.deepEqual(
    sshBackends(r.model!).map((b) => [b.service, b.namespace, b.port, b.listen, b.user]),
    [
      ['devbox-alice', 'dev', 22, 2201, 'vscode'],
      ['devbox-bob', 'dev', 22, 2222, 'dev'],
      ['devbox-carol', 'dev', 22, 2202, 'vscode'],
    ],
  );
});

test('dev-containers: the start script is valid POSIX sh (sh -n, shellcheck)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-dev-'));
  try {
    const file = path.join(dir, 'start.sh');
    fs.writeFileSync(file, START_SCRIPT);
    execFileSync('sh', ['-n', file]);
    execFileSync('shellcheck', ['-s', 'sh', file], { stdio: ['ignore', 'pipe', 'pipe'] });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('dev-containers: workspaces fall back to the app storage or the default class without local-path', () => {
  const storage = { default: 'nfs', classes: [{ name: 'nfs', type: 'nfs' as const, server: '192.168.1.5', path: '/k8s' }, { name: 'fast', type: 'local-path' as const }] };
  const one = { ...devbox, config: { containers: [{ name: 'x' }], authorizedKeys: [ED25519] } };
  const pvc = (lab: ReturnType<typeof testLab>) => objects(renderWith([devContainers], lab).files).find((o) => o.kind === 'PersistentVolumeClaim')!.spec.storageClassName;
  assert.equal(pvc(testLab([one], { ...namespaces, storage })), 'fast', 'the local-path class by type, whatever its name');
  assert.equal(pvc(testLab([one], { ...namespaces, storage: { default: 'nfs', classes: [storage.classes[0]] } })), 'nfs');
  assert.equal(pvc(testLab([{ ...one, storage: 'nfs' }], { ...namespaces, storage })), 'nfs', 'apps[i].storage wins');
});

test('dev-containers: malformed keys and duplicate names are reported at their paths', () => {
  const bad = testLab(
    [
      {
        ...devbox,
        config: {
          containers: [{ name: 'a' }, { name: 'a', sshPort: 8080 }],
          authorizedKeys: ['ssh-ed25519 not-base64 me@host', '-----BEGIN OPENSSH PRIVATE KEY-----', ED25519.replace('AAAAC3NzaC1lZDI1NTE5', 'AAAAB3NzaC1yc2EAAAAD')],
        },
      },
    ],
    namespaces,
  );
  const r = renderWith([devContainers], bad);
  const paths = r.issues.filter((i) => i.severity === 'error').map((i) => i.path.join('.'));
  for (const p of ['apps.0.config.authorizedKeys.0', 'apps.0.config.authorizedKeys.1', 'apps.0.config.authorizedKeys.2', 'apps.0.config.containers.1.sshPort']) {
    assert.ok(paths.includes(p), `${p} in\n${paths.join('\n')}`);
  }
  assert.match(checkPublicKey('-----BEGIN OPENSSH PRIVATE KEY-----') ?? '', /private key/);
  assert.match(checkPublicKey(ED25519.replace('ssh-ed25519', 'ssh-rsa')) ?? '', /does not hold a ssh-rsa key/);
  assert.equal(checkPublicKey(ED25519), undefined);
  assert.equal(checkPublicKey(ECDSA), undefined);
  const dup = renderWith([devContainers], testLab([{ ...devbox, config: { containers: [{ name: 'a' }, { name: 'a' }], authorizedKeys: [ED25519] } }], namespaces));
  assert.ok(dup.issues.some((i) => i.path.join('.') === 'apps.0.config.containers.1.name'));
});
