/**
 * Oracles for the machine layer's rendered files: the real tools their users
 * run, wrapped so a test gets either a clean result or an error carrying the
 * tool's own output.
 *
 * - terraformFmtCheck: `terraform fmt -check -recursive` (no provider download
 *   needed; TF_CLI_CONFIG_FILE=/dev/null keeps the machine's CLI config out).
 * - fmtCheckHcl: the same formatter for HCL files terraform fmt will not open
 *   by name (`.pkr.hcl`, `.tfvars.example`): each is checked under a `.tf` name
 *   (terraform fmt, packer fmt and hclwrite share one formatter).
 * - parseHcl: HashiCorp's HCL parser (@cdktf/hcl2json, the Go library in WASM).
 * - shellcheck / bashN: shellcheck and `bash -n`.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from '@cdktf/hcl2json';
import type { RenderedFile } from '../../src/render/files.js';

function output(e: unknown): string {
  const x = e as { stdout?: string | Buffer; stderr?: string | Buffer; message?: string };
  return [x.stdout, x.stderr].map((s) => String(s ?? '')).join('').trim() || String(x.message ?? e);
}

/** terraform fmt -check over a directory tree; returns the files it would change (empty when all are formatted). */
export function terraformFmtCheck(dir: string): string[] {
  try {
    execFileSync('terraform', ['fmt', '-check', '-recursive', dir], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, TF_CLI_CONFIG_FILE: '/dev/null' },
    });
    return [];
  } catch (e) {
    const out = String((e as { stdout?: string }).stdout ?? '');
    if (!out.trim()) throw new Error(`terraform fmt failed: ${output(e)}`);
    return out.trim().split('\n');
  }
}

/** terraform fmt -check for HCL files by content, whatever their extension; returns the paths it would change. */
export function fmtCheckHcl(files: readonly RenderedFile[]): string[] {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-fmt-'));
  try {
    const names = new Map<string, string>();
    files.forEach((f, i) => {
      const name = `f${i}.tf`;
      names.set(name, f.path);
      fs.writeFileSync(path.join(dir, name), f.contents);
    });
    return terraformFmtCheck(dir).map((p) => names.get(path.basename(p)) ?? p);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Parse HCL to JSON with HashiCorp's parser; throws with line and column on invalid HCL. */
export async function parseHcl(name: string, text: string): Promise<any> {
  return parse(name, text);
}

/** Write rendered files under `dir` (executable ones 0755). */
export function writeFiles(files: readonly RenderedFile[], dir: string): void {
  for (const f of files) {
    const p = path.join(dir, f.path);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.writeFileSync(p, f.contents, { mode: f.executable ? 0o755 : 0o644 });
  }
}

/** shellcheck the scripts; throws with shellcheck's findings. */
export function shellcheck(paths: readonly string[]): void {
  if (paths.length === 0) return;
  try {
    execFileSync('shellcheck', ['--format=gcc', ...paths], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    throw new Error(`shellcheck:\n${output(e)}`);
  }
}

/** bash -n (syntax only); throws with bash's message. */
export function bashN(file: string): void {
  try {
    execFileSync('bash', ['-n', file], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    throw new Error(`bash -n ${file}:\n${output(e)}`);
  }
}
