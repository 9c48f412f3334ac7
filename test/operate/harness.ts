/** Shared setup of the operate tests: the fake API server, kubeconfigs in temp files, handlers run with output captured. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after } from 'node:test';
import { ExitError, type ExitCode } from '../../src/cli/output.js';
import { ROOT } from '../helpers/labs.js';
import { FakeApiServer, type FakeOptions } from '../helpers/fake-apiserver.js';

export const FLUX_LAB = path.join(ROOT, 'examples/000-proxmox-sdn-k3s');
export const ARGO_LAB = path.join(ROOT, 'examples/003-lima-k3s-argocd');
export const HELM_LAB = path.join(ROOT, 'examples/001-k3s-synology');

const BASE = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-operate-'));
after(() => fs.rmSync(BASE, { recursive: true, force: true }));
let counter = 0;

export function tmpFile(name: string): string {
  const dir = path.join(BASE, `t${++counter}`);
  fs.mkdirSync(dir);
  return path.join(dir, name);
}

export interface Fake {
  server: FakeApiServer;
  kubeconfig: string;
}

/** Start a fake API server and write a kubeconfig for it (context `fake`, plus `other`). */
export async function startFake(opts: FakeOptions = {}): Promise<Fake> {
  const server = await FakeApiServer.start(opts);
  const kubeconfig = server.writeKubeconfig(tmpFile('kubeconfig'), { extraContexts: ['other'] });
  return { server, kubeconfig };
}

export interface Captured {
  code: ExitCode;
  stdout: string;
  stderr: string;
}

/**
 * Run a CLI handler with stdout and stderr captured, mapping a thrown
 * ExitError the way src/cli/index.ts's main() does (`hearth: message` on
 * stderr, its code).
 */
export async function run(fn: () => Promise<ExitCode>): Promise<Captured> {
  let stdout = '';
  let stderr = '';
  const out = process.stdout.write.bind(process.stdout);
  const err = process.stderr.write.bind(process.stderr);
  // Strings are the handler's; the test runner talks to its parent through stdout in binary chunks, which pass through.
  process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    if (typeof chunk !== 'string') return (out as (...a: unknown[]) => boolean)(chunk, ...rest);
    stdout += chunk;
    return true;
  }) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    if (typeof chunk !== 'string') return (err as (...a: unknown[]) => boolean)(chunk, ...rest);
    stderr += chunk;
    return true;
  }) as typeof process.stderr.write;
  let code: ExitCode;
  try {
    code = await fn();
  } catch (e) {
    if (!(e instanceof ExitError)) throw e;
    stderr += `hearth: ${e.message}\n`;
    code = e.code;
  } finally {
    process.stdout.write = out;
    process.stderr.write = err;
  }
  return { code, stdout, stderr };
}

/** Seed what `flux install` + `flux create source git` leave in a cluster. */
export function seedFlux(server: FakeApiServer): void {
  server.put({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'flux-system' } });
  server.put({
    apiVersion: 'source.toolkit.fluxcd.io/v1',
    kind: 'GitRepository',
    metadata: { name: 'flux-system', namespace: 'flux-system' },
    spec: { interval: '1m', url: 'https://github.com/example/sdn-lab', ref: { branch: 'main' } },
  });
}
