/**
 * `npm run bench`: times `hearth build` as a whole process on synthetic labs
 * of 10, 100, 1,000 and 5,000 apps (each app: Deployment, Service, Ingress,
 * PVC, ConfigMap, NetworkPolicy), every catalog module at once, `hearth review`
 * of a repository of 10,000 objects, and CLI cold start (`hearth --version`).
 * Prints a Markdown table with median wall time and peak RSS; paste it into
 * BENCHMARKS.md. Each build writes into a fresh directory (the worst case).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { toYaml, type JsonValue } from '../src/lib/yaml-emit.js';
import { catalog } from '../src/catalog/index.js';

function catalogSize(): number {
  return catalog.size;
}

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const BIN = path.join(ROOT, 'bin/hearth.js');
const RUNS = Number(process.env.BENCH_RUNS ?? 5);

/** A synthetic lab with `n` apps spread over 10 namespaces. */
export function syntheticLab(n: number): JsonValue {
  const namespaces = Array.from({ length: 10 }, (_, i) => ({ name: `ns-${i}` }));
  const apps = Array.from({ length: n }, (_, i) => ({
    name: `app-${i}`,
    module: 'container',
    namespace: `ns-${i % 10}`,
    config: {
      image: `ghcr.io/example/app-${i}:1.0.${i}`,
      ports: [{ name: 'http', port: 8080 }],
      env: { APP_ID: String(i), LOG_LEVEL: 'info' },
      volumes: [{ name: 'data', mountPath: '/data', size: '1Gi' }],
    },
  }));
  return {
    name: 'bench-lab',
    domain: 'bench.example.com',
    hosts: [{ name: 'pve', role: 'hypervisor', cpu: 64, memory: '512Gi' }],
    nodes: [{ name: 'k3s-1', kind: 'vm', host: 'pve', cpu: 32, memory: '256Gi', ip: '10.0.0.10' }],
    cluster: { name: 'bench', distribution: 'k3s', controlPlane: ['k3s-1'] },
    network: { cidr: '10.0.0.0/16', gateway: '10.0.0.1', loadBalancer: { pool: '10.0.200.0-10.0.200.255' }, policy: 'default-deny' },
    ingress: { controller: 'traefik', ip: '10.0.200.1' },
    tls: { issuers: [{ name: 'le', type: 'letsencrypt', email: 'ops@example.com' }] },
    storage: { classes: [{ name: 'nfs', type: 'nfs', server: '10.0.0.5', path: '/k8s' }] },
    gitops: { engine: 'flux', repo: { url: 'https://github.com/example/bench' } },
    namespaces,
    apps,
  } as JsonValue;
}

/** A repository of `files` files, each holding a Deployment, Service, PVC, Ingress and NetworkPolicy of one app. */
export function writeSyntheticRepo(dir: string, files: number): void {
  for (let i = 0; i < files; i++) {
    const ns = `ns-${i % 20}`;
    const app = `app-${i}`;
    const labels = { 'app.kubernetes.io/name': app, 'app.kubernetes.io/instance': app };
    const docs: JsonValue[] = [
      { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: app, namespace: ns, labels }, spec: { replicas: 1, selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers: [{ name: app, image: `ghcr.io/example/${app}:1.0.${i}`, resources: { requests: { cpu: '10m', memory: '32Mi' }, limits: { memory: '64Mi' } }, volumeMounts: [{ name: 'data', mountPath: '/data' }] }], volumes: [{ name: 'data', persistentVolumeClaim: { claimName: `${app}-data` } }] } } } },
      { apiVersion: 'v1', kind: 'Service', metadata: { name: app, namespace: ns, labels }, spec: { selector: labels, ports: [{ port: 80 }] } },
      { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: `${app}-data`, namespace: ns, labels }, spec: { storageClassName: 'nfs', accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } },
      { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: app, namespace: ns, labels, annotations: { 'cert-manager.io/cluster-issuer': 'le' } }, spec: { tls: [{ hosts: [`${app}.example.com`] }], rules: [{ host: `${app}.example.com` }] } },
      { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: app, namespace: ns }, spec: { podSelector: {} } },
    ];
    const sub = path.join(dir, ns);
    fs.mkdirSync(sub, { recursive: true });
    fs.writeFileSync(path.join(sub, `${app}.yaml`), docs.map((d) => toYaml(d)).join('---\n'));
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Run the CLI once; wall time in ms and peak RSS in MiB (reported by the child at exit). */
function runOnce(args: string[]): { ms: number; rssMiB: number; files?: number } {
  const hook = 'data:text/javascript,process.on("exit",()=>process.stderr.write("\\nHEARTH_MAXRSS_KB="+process.resourceUsage().maxRSS+"\\n"))';
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, ['--import', hook, BIN, ...args], { encoding: 'utf8', maxBuffer: 1 << 28 });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`hearth ${args.join(' ')} failed:\n${r.stderr}`);
  const kb = Number(/HEARTH_MAXRSS_KB=(\d+)/.exec(r.stderr)?.[1] ?? 0);
  const files = Number(/wrote (\d+) files/.exec(r.stdout)?.[1] ?? NaN);
  return { ms, rssMiB: kb / 1024, files };
}

function main(): void {
  // tmpfs by default: this VM's disk slows down after many large deletes (online
  // discard), which would measure the disk rather than hearth. BENCH_DIR overrides.
  const base = process.env.BENCH_DIR ?? (fs.existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir());
  const work = fs.mkdtempSync(path.join(base, 'hearth-bench-'));
  const rows: string[] = [];
  try {
    for (const n of [10, 100, 1000, 5000]) {
      const spec = path.join(work, `lab-${n}.yaml`);
      fs.writeFileSync(spec, toYaml(syntheticLab(n)));
      const times: number[] = [];
      const rss: number[] = [];
      let files = 0;
      for (let i = 0; i < RUNS; i++) {
        const out = path.join(work, `out-${n}-${i}`);
        const r = runOnce(['build', spec, '--out', out]);
        times.push(r.ms);
        rss.push(r.rssMiB);
        files = r.files ?? files;
        fs.rmSync(out, { recursive: true, force: true });
      }
      rows.push(`| build, ${n} apps | ${files} | ${median(times).toFixed(0)} ms | ${Math.max(...rss).toFixed(0)} MiB |`);
      process.stderr.write(`${n} apps: ${times.map((t) => t.toFixed(0)).join(', ')} ms\n`);
    }
    // Every catalog module at once (the every-module fixture lab).
    const every = path.join(ROOT, 'test/fixtures/labs/every-module/hearth.yaml');
    const et: number[] = [];
    const er: number[] = [];
    let ef = 0;
    for (let i = 0; i < RUNS; i++) {
      const out = path.join(work, `out-every-${i}`);
      const r = runOnce(['build', every, '--out', out]);
      et.push(r.ms);
      er.push(r.rssMiB);
      ef = r.files ?? ef;
      fs.rmSync(out, { recursive: true, force: true });
    }
    rows.push(`| build, every catalog module (${catalogSize()} modules, every-module fixture) | ${ef} | ${median(et).toFixed(0)} ms | ${Math.max(...er).toFixed(0)} MiB |`);
    // hearth review of a repository of 10,000 objects (2,000 files of 5 documents).
    const repo = path.join(work, 'repo-10k');
    writeSyntheticRepo(repo, 2000);
    const rt: number[] = [];
    const rr: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const r = runOnce(['review', repo, '--format', 'json']);
      rt.push(r.ms);
      rr.push(r.rssMiB);
    }
    rows.push(`| review of a repository, 10,000 objects in 2,000 files | — | ${median(rt).toFixed(0)} ms | ${Math.max(...rr).toFixed(0)} MiB |`);
    const cold = Array.from({ length: RUNS * 2 }, () => runOnce(['--version']));
    rows.push(`| \`hearth --version\` (cold start) | — | ${median(cold.map((c) => c.ms)).toFixed(0)} ms | ${Math.max(...cold.map((c) => c.rssMiB)).toFixed(0)} MiB |`);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
  process.stdout.write(
    [
      `Node ${process.version}, ${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB; median of ${RUNS} runs (cold start: ${RUNS * 2}); fresh output directory each run, under ${base}.`,
      '',
      '| case | files written | median wall time | peak RSS |',
      '|---|---|---|---|',
      ...rows,
      '',
    ].join('\n'),
  );
}

if (process.argv[1] === fileURLToPath(import.meta.url)) main();
