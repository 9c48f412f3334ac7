import fs from 'node:fs';
import path from 'node:path';
import { labJsonSchema } from '../../spec/schema.js';
import { ExitError, type ExitCode } from '../output.js';
import { packageRoot } from '../../lib/package-root.js';

/** The repository's examples/ folder, shipped with the package. */
export function examplesDir(): string {
  return path.join(packageRoot(), 'examples');
}

export function exampleNames(): string[] {
  const dir = examplesDir();
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && fs.existsSync(path.join(dir, e.name, 'hearth.yaml')))
    .map((e) => e.name)
    .sort();
}

export const SCHEMA_FILE = 'hearth.schema.json';
const MODELINE = `# yaml-language-server: $schema=./${SCHEMA_FILE}\n`;

const STARTER = `${MODELINE}# A single-node K3s lab. Run \`hearth validate\` after each change and
# \`hearth build\` to render the repository; \`hearth schema\` lists every key.
name: home-lab
domain: home.example.com

hosts:
  - name: pve
    role: hypervisor
    platform: proxmox
    cpu: 8
    memory: 32Gi

nodes:
  - name: k3s-server
    kind: vm
    host: pve
    cpu: 4
    memory: 8Gi
    disk: 64Gi
    ip: 192.168.1.20

cluster:
  name: home
  distribution: k3s
  controlPlane: [k3s-server]

network:
  cidr: 192.168.1.0/24
  gateway: 192.168.1.1
  loadBalancer:
    pool: 192.168.1.200-192.168.1.220

ingress:
  controller: traefik
  ip: 192.168.1.200

tls:
  issuers:
    - name: letsencrypt
      type: letsencrypt
      email: you@example.com

storage:
  classes:
    - name: local-path
      type: local-path

gitops:
  engine: none

namespaces:
  - name: apps

apps: []
`;

export async function init(dir: string, opts: { example?: string; force?: boolean }): Promise<ExitCode> {
  let text = STARTER;
  if (opts.example) {
    const names = exampleNames();
    if (!names.includes(opts.example)) {
      throw new ExitError(`no example named "${opts.example}"; examples: ${names.join(', ') || 'none'}`);
    }
    const src = fs.readFileSync(path.join(examplesDir(), opts.example, 'hearth.yaml'), 'utf8');
    text = MODELINE + src.replace(/^# yaml-language-server:.*\n/m, '');
  }
  const target = path.join(dir, 'hearth.yaml');
  if (fs.existsSync(target) && !opts.force) throw new ExitError(`${target} exists; pass --force to replace it`);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, SCHEMA_FILE), JSON.stringify(labJsonSchema(), null, 2) + '\n');
  fs.writeFileSync(target, text);
  process.stdout.write(`wrote ${target} and ${path.join(dir, SCHEMA_FILE)}\nnext: hearth validate ${dir} && hearth build ${dir}\n`);
  return 0;
}
