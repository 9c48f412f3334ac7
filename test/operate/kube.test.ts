/**
 * Cluster access: kubeconfig loading and the errors users meet (nothing
 * listening, unknown context, refused credentials, a certificate that does
 * not verify), each a message that says what to do; and the pass-through
 * serializer that keeps applied objects byte-for-byte what was rendered.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import { execFileSync } from 'node:child_process';
import { status, diff, bootstrap } from '../../src/cli/commands/operate.js';
import { Kube, KubeError, parseDuration, formatDuration } from '../../src/operate/kube.js';
import { startFake, run, tmpFile, FLUX_LAB } from './harness.js';

/** A port nothing listens on: bound, then closed. */
async function closedPort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

describe('errors', () => {
  test('unreachable server (closed port): clear message, exit 2', async () => {
    const { server } = await startFake();
    const port = await closedPort();
    const kubeconfig = server.writeKubeconfig(tmpFile('kubeconfig'), { server: `https://127.0.0.1:${port}` });
    await server.close();
    for (const cmd of [status, diff]) {
      const r = await run(() => cmd(FLUX_LAB, { kubeconfig }));
      assert.equal(r.code, 2);
      assert.equal(r.stdout, '');
      assert.match(r.stderr, new RegExp(`^hearth: cannot reach https://127\\.0\\.0\\.1:${port} \\(context "fake"\\): ECONNREFUSED\\n {2}check the VPN/Tailscale, that this machine is on the cluster's network, then \`kubectl --context fake cluster-info\`\\n$`));
    }
    const r = await run(() => bootstrap(FLUX_LAB, { kubeconfig }));
    assert.equal(r.code, 2);
    assert.match(r.stdout, new RegExp(`^FAIL {2}connect to https://127\\.0\\.0\\.1:${port} \\(context fake\\): cannot reach`, 'm'));
    assert.match(r.stderr, /ECONNREFUSED\n {2}check the VPN\/Tailscale.*\napplied: nothing; not applied: Kustomization flux-system\/infra-namespaces/s);
  });

  test('a server that accepts connections and never answers: a timeout, reported as unreachable', async () => {
    const { server } = await startFake();
    const sockets: net.Socket[] = [];
    // Accept, then say nothing (a hung API server, a proxy that never forwards).
    const silent = net.createServer((socket) => void sockets.push(socket));
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const port = (silent.address() as net.AddressInfo).port;
    const kubeconfig = server.writeKubeconfig(tmpFile('kubeconfig'), { server: `https://127.0.0.1:${port}` });
    await server.close();
    try {
      const kube = await Kube.connect({ kubeconfig, requestTimeoutMs: 300 });
      const t0 = Date.now();
      await assert.rejects(kube.ping(), (e: KubeError) => {
        assert.equal(e.kind, 'unreachable');
        assert.equal(e.message, `cannot reach https://127.0.0.1:${port} (context "fake"): no answer within 300ms`);
        assert.match(e.hint!, /check the VPN\/Tailscale/);
        return true;
      });
      assert.ok(Date.now() - t0 < 5000);
    } finally {
      for (const socket of sockets) socket.destroy();
      silent.close();
    }
  });

  test('unknown context: the contexts the kubeconfig has', async () => {
    const { server, kubeconfig } = await startFake();
    try {
      const r = await run(() => status(FLUX_LAB, { kubeconfig, context: 'prod' }));
      assert.equal(r.code, 2);
      assert.equal(r.stderr, `hearth: no context "prod" in ${kubeconfig}: contexts are fake, other\n  pass one of them with --context (\`kubectl config get-contexts\` lists them)\n`);
      assert.deepEqual(server.requests, [], 'no request is made');
      // The other context works.
      const ok = await run(() => status(FLUX_LAB, { kubeconfig, context: 'other' }));
      assert.match(ok.stdout, /in context other/);
    } finally {
      await server.close();
    }
  });

  test('expired token (401): credentials refused, how to refresh them', async () => {
    const { server, kubeconfig } = await startFake();
    try {
      server.setToken('rotated-token');
      const r = await run(() => diff(FLUX_LAB, { kubeconfig }));
      assert.equal(r.code, 2);
      assert.match(r.stderr, new RegExp(`^hearth: credentials for context "fake" were refused by ${server.url.replace(/\./g, '\\.')} \\(401 Unauthorized: expired or revoked\\?\\)\\n {2}refresh them: `));
      assert.match(r.stderr, /`kubectl --context fake auth whoami`/);
      assert.ok(server.requests.every((q) => q.status === 401));
    } finally {
      await server.close();
    }
  });

  test('no kubeconfig file', async () => {
    const r = await run(() => status(FLUX_LAB, { kubeconfig: '/nonexistent/kubeconfig' }));
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^hearth: no kubeconfig at \/nonexistent\/kubeconfig\n/);
  });

  test('KUBECONFIG names a file that does not exist', async () => {
    const saved = process.env.KUBECONFIG;
    process.env.KUBECONFIG = '/nonexistent/a:/nonexistent/b';
    try {
      await assert.rejects(Kube.connect(), (e: KubeError) => e.kind === 'config' && /KUBECONFIG names \/nonexistent\/a:\/nonexistent\/b, which does not exist/.test(e.message));
    } finally {
      if (saved === undefined) delete process.env.KUBECONFIG;
      else process.env.KUBECONFIG = saved;
    }
  });

  test('the default loading rules read KUBECONFIG', async () => {
    const { server, kubeconfig } = await startFake();
    const saved = process.env.KUBECONFIG;
    process.env.KUBECONFIG = kubeconfig;
    try {
      const kube = await Kube.connect();
      assert.equal(kube.context, 'fake');
      assert.equal(kube.server, server.url);
      await kube.ping();
    } finally {
      if (saved === undefined) delete process.env.KUBECONFIG;
      else process.env.KUBECONFIG = saved;
      await server.close();
    }
  });

  test("a certificate the kubeconfig's CA does not verify", async () => {
    const { server } = await startFake();
    try {
      const key = tmpFile('key.pem');
      const cert = `${key}.crt`;
      execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=other-ca'], { stdio: 'ignore' });
      const file = server.writeKubeconfig(tmpFile('kubeconfig'));
      const config = JSON.parse(fs.readFileSync(file, 'utf8'));
      config.clusters[0].cluster['certificate-authority-data'] = fs.readFileSync(cert).toString('base64');
      fs.writeFileSync(file, JSON.stringify(config));
      const r = await run(() => status(FLUX_LAB, { kubeconfig: file }));
      assert.equal(r.code, 2);
      assert.match(r.stderr, /^hearth: TLS verification of https:\/\/127\.0\.0\.1:\d+ failed \(context "fake"\): [A-Z_]+\n {2}the kubeconfig's certificate authority does not match/);
    } finally {
      await server.close();
    }
  });
});

describe('objects', () => {
  test('apply sends the object as rendered (no typed-model loss) and reads return server JSON', async () => {
    const { server, kubeconfig } = await startFake();
    try {
      const kube = await Kube.connect({ kubeconfig });
      // LimitRange's `default` is `_default` in client-node's typed model: a typed round trip would drop it.
      const lr = {
        apiVersion: 'v1',
        kind: 'LimitRange',
        metadata: { name: 'defaults', namespace: 'default', labels: { a: 'b' } },
        spec: { limits: [{ type: 'Container', default: { memory: '512Mi' }, defaultRequest: { cpu: '50m' } }] },
      };
      const applied = await kube.apply(lr);
      assert.deepEqual((applied.spec as { limits: unknown[] }).limits, lr.spec.limits);
      assert.deepEqual(server.get({ kind: 'LimitRange', name: 'defaults' })!.spec, lr.spec);
      const read = await kube.get({ apiVersion: 'v1', kind: 'LimitRange', name: 'defaults', namespace: 'default' });
      assert.equal(typeof (read!.metadata as { creationTimestamp?: unknown }).creationTimestamp, 'string');
      const listed = await kube.list('v1', 'LimitRange', { labelSelector: 'a=b' });
      assert.equal(listed.items.length, 1);
      assert.equal(listed.items[0].kind, 'LimitRange', 'kind filled in on list items');
      assert.equal(await kube.get({ apiVersion: 'v1', kind: 'LimitRange', name: 'nope', namespace: 'default' }), undefined);
      assert.equal(await kube.resource('example.com/v1', 'Nothing'), undefined);
      await assert.rejects(kube.apply({ apiVersion: 'example.com/v1', kind: 'Nothing', metadata: { name: 'x' } }), (e: KubeError) => e.kind === 'not-served');
    } finally {
      await server.close();
    }
  });

  test('a namespaced apply into a namespace that does not exist names it', async () => {
    const { server, kubeconfig } = await startFake();
    try {
      const kube = await Kube.connect({ kubeconfig });
      await assert.rejects(kube.apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'missing' } }), (e: KubeError) => e.status === 404 && /namespaces "missing" not found/.test(e.message));
    } finally {
      await server.close();
    }
  });
});

test('durations', () => {
  assert.equal(parseDuration('10m'), 600_000);
  assert.equal(parseDuration('90s'), 90_000);
  assert.equal(parseDuration('1h30m'), 5_400_000);
  assert.equal(parseDuration('1500ms'), 1500);
  assert.equal(parseDuration('45'), 45_000);
  assert.equal(parseDuration('soon'), undefined);
  assert.equal(parseDuration('0s'), undefined);
  assert.equal(parseDuration(''), undefined);
  assert.equal(formatDuration(600_000), '10m');
  assert.equal(formatDuration(192_000), '3m12s');
  assert.equal(formatDuration(3_900_000), '1h5m');
});
