/**
 * The operate commands as a real process (bin/hearth.js): exit codes, plain
 * output when stdout is a pipe; and the CLI bundle keeps
 * @kubernetes/client-node out (imported on first use only).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { build } from 'esbuild';
import { ROOT } from '../helpers/labs.js';
import { startFake, seedFlux, FLUX_LAB } from './harness.js';

const ENTRY = path.join(ROOT, 'bin/hearth.js');

function cli(args: string[], env: Record<string, string> = {}): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [ENTRY, ...args], { cwd: ROOT, env: { ...process.env, HEARTH_DEBUG: '', NO_COLOR: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('error', reject);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

test('--help lists bootstrap, diff and status with their options', async () => {
  const r = await cli(['--help']);
  assert.equal(r.status, 0);
  assert.match(r.stdout, /^ {2}bootstrap \[options\] \[lab\] +install the GitOps engine's root objects/m);
  assert.match(r.stdout, /^ {2}diff \[options\] \[lab\] +compare the live objects hearth owns/m);
  assert.match(r.stdout, /^ {2}status \[options\] \[lab\] +every component's health/m);
  const b = await cli(['bootstrap', '--help']);
  assert.match(b.stdout, /--context <name>/);
  assert.match(b.stdout, /--kubeconfig <file>/);
  assert.match(b.stdout, /--timeout <duration> [^-]*\(default: "10m"\)/);
});

test('bootstrap, status and diff in a process: plain lines, exit codes 0, 1, 2', async () => {
  const { server, kubeconfig } = await startFake();
  try {
    seedFlux(server);
    server.readyAfter({ kind: 'Kustomization' }, 100);
    const boot = await cli(['bootstrap', FLUX_LAB, '--kubeconfig', kubeconfig, '--context', 'fake', '--timeout', '30s']);
    assert.equal(boot.status, 0, boot.stderr);
    assert.match(boot.stdout, /^ok {4}Kustomization flux-system\/apps Ready \(\d+s\)$/m);
    assert.doesNotMatch(boot.stdout, /\x1b/);

    // The Kustomizations are Ready; the workloads they would create are not there: status exit 1.
    const st = await cli(['status', FLUX_LAB, '--kubeconfig', kubeconfig]);
    assert.equal(st.status, 1);
    assert.match(st.stdout, /^flux +Kustomization +apps +flux-system +Ready /m);
    assert.match(st.stdout, /^postgresql +StatefulSet +postgresql +data +Missing +not found in the cluster$/m);

    // Everything rendered missing but the Kustomizations: diff exit 1, JSON on stdout.
    const df = await cli(['diff', FLUX_LAB, '--kubeconfig', kubeconfig, '--json']);
    assert.equal(df.status, 1);
    const result = JSON.parse(df.stdout) as { changed: unknown[]; missing: { kind: string }[]; secrets?: string };
    assert.deepEqual(result.changed, []);
    assert.ok(!result.missing.some((m) => m.kind === 'Kustomization'));
    assert.equal(result.secrets, 'sealed-secrets');

    const wrong = await cli(['status', FLUX_LAB, '--kubeconfig', kubeconfig, '--context', 'nope']);
    assert.equal(wrong.status, 2);
    assert.match(wrong.stderr, /^hearth: no context "nope" in .*: contexts are fake, other$/m);
  } finally {
    await server.close();
  }
});

test('the CLI bundle leaves @kubernetes/client-node out: it is imported on first use only', async () => {
  const out = await build({
    entryPoints: [path.join(ROOT, 'dist/src/cli/commands/operate.js')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    write: false,
    logLevel: 'silent',
  });
  const text = out.outputFiles[0].text;
  assert.doesNotMatch(text, /class KubernetesObjectApi/);
  assert.doesNotMatch(text, /node_modules\/@kubernetes\/client-node/);
  assert.match(text, /(var|const) CLIENT_NODE = "@kubernetes\/client-node"/);
});
