/** Running the real CLI in end-to-end tests. */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { ROOT } from './labs.js';

export const BIN = path.join(ROOT, 'bin/hearth.js');

export interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Run `node bin/hearth.js ...args`; async so the tests of a file can run side by side. */
export function hearth(args: string[], cwd: string = ROOT): Promise<Run> {
  const start = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd,
      env: { ...process.env, HEARTH_DEBUG: '', NO_COLOR: '1', FORCE_COLOR: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.on('error', reject);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr, ms: Date.now() - start });
    });
  });
}
