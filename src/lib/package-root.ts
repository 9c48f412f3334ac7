/** The installed hearth package's root directory (works from dist/src and from the bundle). */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | undefined;

export function packageRoot(): string {
  if (cached) return cached;
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pj = path.join(dir, 'package.json');
    if (existsSync(pj) && (JSON.parse(readFileSync(pj, 'utf8')) as { name?: string }).name === 'hearth') return (cached = dir);
    const up = path.dirname(dir);
    if (up === dir) throw new Error('cannot find the hearth package root');
    dir = up;
  }
}
