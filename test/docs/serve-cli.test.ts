/**
 * `hearth serve` end to end: it builds the site, serves it on 127.0.0.1,
 * rebuilds when the spec changes (the served page then says what the new
 * spec says), and stops cleanly on SIGINT.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BIN } from '../helpers/cli.js';
import { ROOT } from '../helpers/labs.js';

test('hearth serve: serves the site, rebuilds on a spec change, stops on SIGINT', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-serve-'));
  fs.cpSync(path.join(ROOT, 'examples/003-lima-k3s-argocd'), dir, { recursive: true });
  const child = spawn(process.execPath, [BIN, 'serve', dir, '--date', '2026-11-01'], { env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const until = async (re: RegExp, ms = 30_000) => {
    const start = Date.now();
    while (!re.test(stdout)) {
      if (Date.now() - start > ms || child.exitCode !== null) throw new Error(`waited for ${re}: stdout ${stdout} stderr ${stderr}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    return re.exec(stdout)!;
  };
  try {
    const url = (await until(/at (http:\/\/127\.0\.0\.1:\d+\/)/))[1];
    const index = await fetch(url);
    assert.equal(index.status, 200);
    assert.match(await index.text(), /<nav/);
    const arch = await (await fetch(`${url}architecture.html`)).text();
    assert.match(arch, /Homelab on Lima VMs/);
    // Change the spec: the served architecture page follows.
    const spec = path.join(dir, 'hearth.yaml');
    fs.writeFileSync(spec, fs.readFileSync(spec, 'utf8').replace(/^description: .*$/m, 'description: Rebuilt while serving.'));
    await until(/rebuilt: [1-9]\d* changed/);
    assert.match(await (await fetch(`${url}architecture.html`)).text(), /Rebuilt while serving\./);
    assert.equal((await fetch(`${url}api/status.json`)).status, 404, 'no live status without a kube context');
  } finally {
    child.kill('SIGINT');
    const code = await new Promise<number | null>((r) => child.on('close', r));
    fs.rmSync(dir, { recursive: true, force: true });
    assert.equal(code, 0, stderr);
  }
});
