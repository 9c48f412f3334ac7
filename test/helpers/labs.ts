/** The labs every render test runs over: the examples and the test fixtures. */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Repository root (tests run from dist/test/...). */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

export interface LabDir {
  name: string;
  dir: string;
  /** The lab runs a Kubernetes cluster (seed 002 is containers only). */
  cluster: boolean;
}

export function labDirs(): LabDir[] {
  const out: LabDir[] = [];
  for (const base of ['examples', 'test/fixtures/labs']) {
    const abs = path.join(ROOT, base);
    for (const e of fs.readdirSync(abs, { withFileTypes: true })) {
      if (e.isDirectory() && (fs.existsSync(path.join(abs, e.name, 'hearth.yaml')) || fs.existsSync(path.join(abs, e.name, 'hearth.config.ts')))) {
        const yaml = path.join(abs, e.name, 'hearth.yaml');
        const cluster = !fs.existsSync(yaml) || /^cluster:/m.test(fs.readFileSync(yaml, 'utf8'));
        out.push({ name: e.name, dir: path.join(abs, e.name), cluster });
      }
    }
  }
  return out.sort((a, b) => a.name.localeCompare(b.name));
}

/** Every file under a directory, relative POSIX paths, sorted. */
export function walk(dir: string, rel = ''): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
    const p = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...walk(dir, p));
    else out.push(p);
  }
  return out.sort();
}
