import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { ROOT } from '../helpers/labs.js';
import { importDecisions, parseDate, type ImportResult } from '../../src/adr/import.js';
import { computeMatrix, round2 } from '../../src/adr/matrix.js';
import { RecordSchema } from '../../src/adr/model.js';
import { formatRecord, parseRecord } from '../../src/adr/format.js';
import { cleanTitle, fixMojibake } from '../../src/adr/markdown.js';

// The seeds sit beside the repository (../shared/seeds); a copy in test/fixtures/seeds keeps these
// tests running on a clone made anywhere.
const SEEDS = fs.existsSync(path.join(ROOT, '../shared/seeds/000_275ca6818d5ff910.txt')) ? path.join(ROOT, '../shared/seeds') : path.join(ROOT, 'test/fixtures/seeds');
const FIXTURES = path.join(ROOT, 'test/fixtures/adr');

function seed(t: TestContext, name: string): { text: string; file: string } | undefined {
  const file = path.join(SEEDS, name);
  if (!fs.existsSync(file)) {
    t.skip('seeds not present');
    return undefined;
  }
  return { text: fs.readFileSync(file, 'utf8'), file };
}

function fixture(name: string): ImportResult {
  const file = path.join(FIXTURES, name);
  return importDecisions(fs.readFileSync(file, 'utf8'), name);
}

const lines = (r: ImportResult) => r.unmapped.map((u) => u.line);
const byId = (r: ImportResult, id: string) => {
  const rec = r.records.find((x) => x.id === id);
  assert.ok(rec, `${id} imported`);
  return rec;
};

function everyRecordValid(r: ImportResult): void {
  for (const rec of r.records) assert.deepEqual(RecordSchema.parse(rec), rec, `${rec.id} is a valid record`);
}

// ---------------------------------------------------------------------------
// Seed 000: a decision log with options, a weighted matrix, risks and validation

test('seed 000: five decisions with their options, the chosen one, status and date', (t) => {
  const s = seed(t, '000_275ca6818d5ff910.txt');
  if (!s) return;
  const r = importDecisions(s.text, s.file);
  assert.equal(r.format, 'decision-log');
  everyRecordValid(r);
  assert.deepEqual(
    r.records.map((x) => [x.id, x.title, x.status, x.date, x.chosen]),
    [
      ['ADR-001', 'Kubernetes (K3s) over LXC Containers', 'accepted', '2025-09-08', 'K3s'],
      ['ADR-002', 'Proxmox SDN + FRR over VyOS', 'accepted', '2025-09-08', 'Proxmox SDN + FRR'],
      ['ADR-003', 'Custom LLM Platform over Existing Solutions', 'accepted', '2025-09-08', 'Custom LLM Training Platform'],
      ['ADR-004', 'PostgresML + PGAI over Traditional ML Stack', 'accepted', '2025-09-08', 'PostgresML + PGAI'],
      ['ADR-005', 'GitOps with Sealed Secrets over Traditional Secret Management', 'accepted', '2025-09-08', 'Sealed Secrets + 1Password'],
    ],
  );
  assert.deepEqual(
    r.records.map((x) => x.options.map((o) => o.name)),
    [
      ['Continue with LXC Evolution', 'Docker Compose', 'Full Kubernetes', 'K3s'],
      ['Continue VyOS Evolution', 'pfSense/OPNsense', 'Proxmox SDN + FRR'],
      ['Commercial AI Solutions (OpenAI, Claude)', 'Existing Open Source Solutions', 'Custom LLM Training Platform'],
      ['Separate Vector Database (Pinecone, Weaviate)', 'Traditional ML Pipeline (Pandas + Scikit-learn)', 'PostgresML + PGAI'],
      ['Native Kubernetes Secrets', 'HashiCorp Vault', 'External Secrets Operator', 'Sealed Secrets + 1Password'],
    ],
  );
  const k3s = byId(r, 'ADR-001');
  assert.deepEqual(k3s.deciders, ['Christian Groover']);
  assert.match(k3s.context ?? '', /^Current LXC architecture provides stability/);
  assert.deepEqual(k3s.options[3].pros, [
    'Kubernetes compatibility with lower overhead',
    'Single-node optimized but HA capable',
    'External database support (PostgreSQL)',
    'Industry-relevant skills',
    'Extensive Helm ecosystem',
  ]);
  assert.deepEqual(k3s.options[3].cons, ['More complex than LXC', 'Single point of failure risk', 'New technology learning required']);
  assert.deepEqual(k3s.options[0].cons.length, 4);
  // Numbered reasons are the rationale; the matrix and its total line are not repeated there.
  assert.match(byId(r, 'ADR-002').rationale ?? '', /1\. \*\*Resource Efficiency\*\*: Eliminates dedicated router VM/);
  assert.equal(k3s.rationale, '**K3s Selected** based on weighted scoring:');
  // Only decision 1 has a matrix.
  assert.deepEqual(
    r.records.map((x) => Boolean(x.matrix)),
    [true, false, false, false, false],
  );
});

test('seed 000: the weighted matrix is kept exactly as stated', (t) => {
  const s = seed(t, '000_275ca6818d5ff910.txt');
  if (!s) return;
  const m = byId(importDecisions(s.text, s.file), 'ADR-001').matrix;
  assert.ok(m);
  assert.equal(m.scale, 5);
  assert.equal(m.weightsTotal, 100);
  assert.deepEqual(
    m.criteria.map((c) => [c.name, c.weight]),
    [
      ['Resource Efficiency', 25],
      ['Industry Relevance', 20],
      ['Learning Value', 15],
      ['Operational Complexity', 15],
      ['Scalability', 10],
      ['Ecosystem', 10],
      ['Homelab Fit', 5],
    ],
  );
  const criteria = m.criteria.map((c) => c.name);
  const column = (...scores: number[]) => Object.fromEntries(criteria.map((c, i) => [c, scores[i]]));
  assert.deepEqual(m.scores, {
    LXC: column(2, 2, 2, 4, 2, 2, 5),
    Compose: column(4, 3, 3, 5, 2, 3, 4),
    'Full K8s': column(2, 5, 5, 1, 5, 5, 2),
    K3s: column(4, 5, 4, 3, 4, 4, 5),
  });
  // "**Total Score**: K3s (4.1/5), Full K8s (3.6/5), Compose (3.4/5), LXC (2.4/5)", listed best first.
  assert.deepEqual(m.stated, {
    totals: { K3s: 4.1, 'Full K8s': 3.6, Compose: 3.4, LXC: 2.4 },
    ranking: ['K3s', 'Full K8s', 'Compose', 'LXC'],
  });

  const c = computeMatrix(m);
  assert.equal(c.weightsSum, 100);
  assert.equal(round2(c.totals.K3s), 4.1);
  assert.equal(c.ranking[0], 'K3s');
  // The arithmetic (Σ weight × score / 100):
  //   K3s      = (25·4 + 20·5 + 15·4 + 15·3 + 10·4 + 10·4 + 5·5) / 100 = 410/100 = 4.10  (stated 4.1: agrees)
  //   Full K8s = (25·2 + 20·5 + 15·5 + 15·1 + 10·5 + 10·5 + 5·2) / 100 = 350/100 = 3.50  (stated 3.6: off by +0.1)
  //   Compose  = (25·4 + 20·3 + 15·3 + 15·5 + 10·2 + 10·3 + 5·4) / 100 = 350/100 = 3.50  (stated 3.4: off by −0.1)
  //   LXC      = (25·2 + 20·2 + 15·2 + 15·4 + 10·2 + 10·2 + 5·5) / 100 = 245/100 = 2.45  (stated 2.4: 2.45 rounded down)
  // So three of the four stated totals disagree with the table, and the stated order
  // "Full K8s before Compose" is not supported: the table ties them at 3.5.
  assert.deepEqual(
    Object.fromEntries(Object.entries(c.totals).map(([k, v]) => [k, round2(v)])),
    { LXC: 2.45, Compose: 3.5, 'Full K8s': 3.5, K3s: 4.1 },
  );
  const disagree = Object.keys(m.stated?.totals ?? {}).filter((o) => round2(c.totals[o]) !== m.stated?.totals?.[o]);
  assert.deepEqual(disagree.sort(), ['Compose', 'Full K8s', 'LXC']);
  assert.deepEqual(c.ranking, ['K3s', 'Compose', 'Full K8s', 'LXC']);
  assert.notDeepEqual(c.ranking, m.stated?.ranking);
});

test('seed 000: risks, validation and what is reported unmapped', (t) => {
  const s = seed(t, '000_275ca6818d5ff910.txt');
  if (!s) return;
  const r = importDecisions(s.text, s.file);
  // The Risk Assessment Summary names each decision's risk and level; the decision's own
  // Risk Mitigation bullets follow the summary's mitigation.
  assert.deepEqual(
    r.records.map((x) => x.risks.map((k) => [k.risk, k.level])),
    [[['K3s Migration', 'medium']], [['Network Changes', 'low']], [['Custom LLM', 'high']], [['PostgresML', 'medium']], [['Sealed Secrets', 'low']]],
  );
  assert.equal(
    byId(r, 'ADR-001').risks[0].mitigation,
    'Comprehensive backup + rollback plan; External PostgreSQL for data persistence; Comprehensive backup strategy; Documented rollback to LXC if needed; Gradual migration approach',
  );
  // Document-level validation: an item goes to the one decision it names; the others are reported.
  assert.deepEqual(
    r.records.map((x) => x.validation),
    [
      ['K3s cluster operational with all services migrated'],
      ['Network performance equal or better than VyOS'],
      ['Custom LLM providing useful infrastructure assistance'],
      ['PostgresML performing real-time analysis'],
      ['Sealed secrets workflow functioning correctly'],
    ],
  );
  assert.deepEqual(lines(r), [5, 9, 162, 235, 309, 388, 398, 442, 443, 444, 445, 446, 449, 450, 451, 452, 456, 472]);
  const at = (line: number) => r.unmapped.find((u) => u.line === line)?.what ?? '';
  assert.match(at(9), /section "Decision-Making Framework" not mapped/);
  assert.match(at(162), /section "Technical Implementation" \(ADR-002\) not mapped/);
  assert.match(at(235), /section "Technical Architecture" \(ADR-003\)/);
  assert.match(at(5), /field "Context: Technical decision records/);
  assert.match(at(442), /validation item "Deployment time under 30 seconds"/);
});

test('seed 000: firstId renumbers the decisions', (t) => {
  const s = seed(t, '000_275ca6818d5ff910.txt');
  if (!s) return;
  const r = importDecisions(s.text, s.file, { firstId: 12 });
  assert.deepEqual(
    r.records.map((x) => x.id),
    ['ADR-012', 'ADR-013', 'ADR-014', 'ADR-015', 'ADR-016'],
  );
});

// ---------------------------------------------------------------------------
// Seeds 001, 002, 003

test('seed 002: six ADR sections, no status stated (proposed, reported), consequences unlabelled', (t) => {
  const s = seed(t, '002_425c976998bad2e3.txt');
  if (!s) return;
  const r = importDecisions(s.text, s.file);
  assert.equal(r.format, 'adr-sections');
  everyRecordValid(r);
  assert.deepEqual(
    r.records.map((x) => [x.id, x.title, x.status]),
    [
      ['ADR-001', 'LXC Containers over Virtual Machines', 'proposed'],
      ['ADR-002', 'Shared PostgreSQL Database', 'proposed'],
      ['ADR-003', 'Traefik + Cloudflare Tunnel for Ingress', 'proposed'],
      ['ADR-004', 'Tiered Storage Architecture', 'proposed'],
      ['ADR-005', 'Backblaze B2 for Off-site Backups', 'proposed'],
      ['ADR-006', 'Prometheus + Grafana for Monitoring', 'proposed'],
    ],
  );
  const lxc = byId(r, 'ADR-001');
  assert.equal(lxc.context, 'Need to run 15+ services on a single server with 32GB RAM.');
  assert.equal(lxc.decision, 'Use LXC containers (via Proxmox Helper Scripts) instead of full VMs.');
  assert.match(lxc.rationale ?? '', /^- \*\*Resource efficiency\*\*: LXCs share the host kernel/);
  // Unlabelled consequences are neutral: the importer does not judge what the author did not label.
  assert.deepEqual(lxc.consequences, {
    positive: [],
    negative: [],
    neutral: ['Slightly less isolation than VMs (shared kernel)', 'Some applications may require privileged containers', 'GPU passthrough more complex than with VMs'],
  });
  assert.ok(r.records.every((x) => x.consequences.neutral.length === 3));
  assert.deepEqual(lines(r), [3, 7, 28, 49, 70, 91, 112, 133]);
  assert.match(r.unmapped.at(-1)?.what ?? '', /section "Future Considerations" not mapped/);
  assert.match(r.unmapped[1].what, /ADR-001 "LXC Containers over Virtual Machines": no status stated; recorded as proposed/);
});

test('seed 003: one review record, status accepted, what fits mapped, the rest reported', (t) => {
  const s = seed(t, '003_b4e302f2786ad9f9.txt');
  if (!s) return;
  const r = importDecisions(s.text, s.file);
  assert.equal(r.format, 'nygard');
  everyRecordValid(r);
  assert.equal(r.records.length, 1);
  const rec = r.records[0];
  assert.deepEqual([rec.id, rec.title, rec.status, rec.date], ['ADR-001', 'Architecture Review', 'accepted', '2025-06-28']);
  assert.deepEqual(rec.deciders, ['Architect Agent']);
  assert.match(rec.context ?? '', /^Initial architecture review/);
  // Sub-sections of Decision stay in the decision, their headings as bold lines.
  assert.match(rec.decision ?? '', /^\*\*Immediate Actions \(Quick Wins\)\*\*\n\n1\. \*\*Configure Alertmanager receivers\*\*[\s\S]*\| P1 \| \*\*Longhorn\*\*[\s\S]*\*\*Future Considerations \(If Scaling\)\*\*/);
  assert.deepEqual(rec.consequences.positive.length, 3);
  assert.deepEqual(rec.consequences.negative, ['Storage improvement (Longhorn) requires migration planning', 'Some apps may need downtime for PDB implementation']);
  // The "Gaps Identified" table has a risk-level column: one risk a row.
  assert.deepEqual(
    rec.risks.map((k) => [k.risk, k.level]),
    [
      ['Storage: Local-path only (data loss if node fails)', 'high'],
      ['Secrets: Plain K8s secrets (not GitOps-safe)', 'medium'],
      ['Backups: Manual only (recovery time risk)', 'medium'],
      ['Network Policies: None (defense in depth)', 'low'],
      ['Alerting: No receivers configured (alerts go nowhere)', 'low'],
    ],
  );
  assert.deepEqual(
    r.unmapped.map((u) => [u.line, u.what]),
    [
      [9, 'section "Current Architecture" (ADR-001) not mapped'],
      [38, 'section "Strengths" (ADR-001) not mapped'],
      [98, 'paragraph "Production-ready for personal homelab use. For ac…" in "Verdict" (ADR-001) not mapped'],
    ],
  );
});

test('seed 001: every Decision | Choice | Rationale row is a record', (t) => {
  const s = seed(t, '001_404258b2f8234f2c.txt');
  if (!s) return;
  const r = importDecisions(s.text, s.file);
  assert.equal(r.format, 'decision-table');
  everyRecordValid(r);
  assert.equal(r.records.length, 33);
  assert.deepEqual(
    r.records.map((x) => x.id),
    Array.from({ length: 33 }, (_, i) => `ADR-${String(i + 1).padStart(3, '0')}`),
  );
  const count = (tag: string) => r.records.filter((x) => x.tags.includes(tag)).length;
  assert.deepEqual(
    ['storage-architecture', 'observability-architecture', 'security-architecture', 'data-architecture', 'ai-ml-architecture', 'document-management-architecture-paperless-ngx', 'dev-containers-architecture', 'backup-recovery-architecture'].map(count),
    [3, 4, 4, 3, 3, 6, 6, 4],
  );
  const first = r.records[0];
  assert.deepEqual([first.title, first.chosen, first.rationale, first.status, first.date], [
    'NFS Provisioner: nfs-subdir-external-provisioner',
    'nfs-subdir-external-provisioner',
    'Simple, Helm-based, dynamic PVC provisioning',
    'accepted',
    '2025-12-27',
  ]);
  assert.equal(r.records.find((x) => x.title.startsWith('Secrets Management'))?.chosen, 'Native K8s secrets');
  // "Deferred to Phase 2" is a decision not taken yet.
  assert.deepEqual(
    r.records.filter((x) => x.status !== 'accepted').map((x) => [x.title, x.status]),
    [['GPU Support: Deferred to Phase 2', 'proposed']],
  );
  for (const line of [1, 19, 21, 74, 120, 191, 207, 214, 215, 230, 240, 259, 348, 479, 551]) assert.ok(lines(r).includes(line), `line ${line} reported`);
  assert.match(r.unmapped[0].what, /front matter keys not mapped: stepsCompleted/);
});

test('seed 004 holds no record in a shape the importer knows; it says so', (t) => {
  const s = seed(t, '004_b3e58f1541f99a5b.txt');
  if (!s) return;
  const r = importDecisions(s.text, s.file);
  assert.equal(r.format, 'unknown');
  assert.equal(r.records.length, 0);
  assert.match(r.unmapped[0].what, /no decision record found/);
});

// ---------------------------------------------------------------------------
// Hand-written fixtures

test('Nygard (adr-tools): number, date, superseded status with links, prose consequences', () => {
  const r = fixture('0002-store-backups-on-the-nas.md');
  assert.equal(r.format, 'nygard');
  everyRecordValid(r);
  const rec = r.records[0];
  assert.deepEqual([rec.id, rec.title, rec.status, rec.supersededBy, rec.supersedes, rec.date], [
    'ADR-002',
    'Store backups on the NAS',
    'superseded',
    'ADR-005',
    ['ADR-001'],
    '2024-02-11',
  ]);
  assert.ok(rec.links.some((l) => l.rel === 'superseded-by' && l.target === '0005-send-backups-to-object-storage.md'));
  assert.match(rec.decision ?? '', /nightly restic job/);
  assert.deepEqual(rec.consequences.neutral, [
    'Restores need the NAS to be up, so a fire in the cupboard takes both copies.',
    'Backups no longer depend on anyone remembering them.',
  ]);
  assert.deepEqual(r.unmapped, []);
  // firstId renumbers the record; the reference to a record outside the document keeps its number.
  const again = importDecisions(fs.readFileSync(path.join(FIXTURES, '0002-store-backups-on-the-nas.md'), 'utf8'), 'x.md', { firstId: 40 });
  assert.deepEqual([again.records[0].id, again.records[0].supersededBy], ['ADR-040', 'ADR-005']);
});

test('MADR 2: bullet metadata, drivers, chosen option, positive/negative consequences, pros and cons, links', () => {
  const r = fixture('madr2-ingress.md');
  assert.equal(r.format, 'madr2');
  everyRecordValid(r);
  const rec = r.records[0];
  assert.deepEqual([rec.title, rec.status, rec.date, rec.deciders, rec.chosen], ['Pick an ingress controller for the lab', 'accepted', '2024-04-02', ['Robin', 'Sam'], 'Traefik']);
  assert.match(rec.context ?? '', /Which controller should route[\s\S]*Decision drivers:[\s\S]*\* Works on a single K3s node/);
  assert.equal(rec.rationale, 'it already ships with K3s and reads cert-manager certificates as they are.');
  assert.deepEqual(
    rec.options.map((o) => [o.name, o.pros.length, o.cons.length]),
    [
      ['Traefik', 2, 1],
      ['ingress-nginx', 1, 1],
      ['HAProxy Ingress', 1, 1],
    ],
  );
  assert.equal(rec.options[0].description, 'Bundled with K3s as a HelmChart.');
  assert.deepEqual(rec.consequences, {
    positive: ['One fewer chart to upgrade', 'Middlewares cover the basic-auth cases'],
    negative: ['Annotations from older ingress-nginx guides do not carry over'],
    neutral: [],
  });
  assert.deepEqual(
    rec.links.filter((l) => l.rel !== 'imported-from'),
    [
      { rel: 'refined-by', target: '0009-ingress-tls.md' },
      { rel: 'technical-story', target: 'https://git.example.org/lab/issues/12' },
    ],
  );
  assert.deepEqual(r.unmapped, []);
});

test('MADR 3: front matter, Good/Bad/Neutral consequences, Validation, unmapped keys and sections', () => {
  const r = fixture('madr3-secrets.md');
  assert.equal(r.format, 'madr3');
  everyRecordValid(r);
  const rec = r.records[0];
  assert.deepEqual([rec.title, rec.status, rec.date, rec.deciders, rec.chosen], ['Encrypt secrets in Git with SOPS and age', 'accepted', '2024-06-30', ['Robin', 'Sam'], 'SOPS with age keys']);
  assert.deepEqual(rec.consequences, {
    positive: ['secrets are reviewed in pull requests like any other change'],
    negative: ['losing the age key loses every secret'],
    neutral: ['the key still has to be backed up somewhere offline'],
  });
  assert.deepEqual(rec.validation, ['A CI job fails when a file under `secrets/` is not encrypted.']);
  assert.equal(rec.options.find((o) => o.name === 'Sealed Secrets')?.description, 'Neutral: re-sealing is scriptable');
  assert.deepEqual(
    r.unmapped.map((u) => [u.line, u.what]),
    [
      [1, 'front matter keys not mapped: consulted, informed'],
      [53, 'section "More Information" (ADR-001) not mapped'],
    ],
  );
});

// Items keep their Markdown source on one line (code spans, emphasis, links), as hearth's own records do.
test('MADR 4: decision-makers, superseded status in front matter, Confirmation → validation, comments in headings', () => {
  const r = fixture('madr4-storage.md');
  assert.equal(r.format, 'madr4');
  everyRecordValid(r);
  const rec = r.records[0];
  assert.deepEqual([rec.status, rec.supersededBy, rec.deciders, rec.chosen], ['superseded', 'ADR-012', ['Robin', 'Sam'], 'local-path provisioner']);
  assert.deepEqual(rec.validation, ['`kubectl get storageclass` shows local-path as the only default', 'A restore from the nightly backup has been rehearsed once']);
  assert.match(rec.context ?? '', /^The lab has one node[\s\S]*Decision drivers:/);
  assert.deepEqual(
    rec.options.map((o) => o.name),
    ['local-path provisioner', 'Longhorn', 'NFS from the NAS'],
  );
  assert.deepEqual(rec.options[1].cons, ['it wants three nodes to shine']);
  assert.deepEqual(r.unmapped, []);
});

test('mis-encoded emoji, bold headings and missing sections', () => {
  const r = fixture('mojibake.md');
  assert.equal(r.format, 'adr-sections');
  everyRecordValid(r);
  assert.deepEqual(
    r.records.map((x) => [x.id, x.title, x.status]),
    [
      ['ADR-010', 'Longhorn for block storage', 'accepted'],
      ['ADR-011', 'Backups go to B2', 'proposed'],
    ],
  );
  // ADR-010 has no Context, ADR-011 has nothing but Context.
  assert.equal(r.records[0].context, undefined);
  assert.deepEqual(r.records[0].consequences.negative, ['rebuilds saturate the 1 GbE link — plan them for the night']);
  assert.equal(r.records[1].decision, undefined);
  assert.equal(r.records[1].context, 'The NAS and the cluster sit on the same shelf’s worth of power strip.');
  assert.deepEqual(r.unmapped, [{ line: 14, what: 'ADR-011 "Backups go to B2": no status stated; recorded as proposed' }]);
});

test('an unknown extra heading is reported with its line, the rest still maps', () => {
  const r = fixture('extra-heading.md');
  assert.equal(r.format, 'nygard');
  const rec = r.records[0];
  assert.deepEqual([rec.id, rec.status, rec.context, rec.decision], ['ADR-004', 'accepted', 'Two Pi-hole containers drifted apart twice this winter.', 'The router answers DNS for the lab; Pi-hole goes away.']);
  assert.deepEqual(rec.consequences, { positive: ['one box fewer to patch'], negative: ['ad blocking goes with it'], neutral: [] });
  assert.deepEqual(r.unmapped, [{ line: 13, what: 'section "Rollout Notes" (ADR-004) not mapped' }]);
});

test('matrix rows that cannot be read are reported; stated total row, weight sum and ranking are kept', () => {
  const r = fixture('matrix.md');
  everyRecordValid(r);
  const m = r.records[0].matrix;
  assert.ok(m);
  assert.equal(m.weightsTotal, 1);
  assert.deepEqual(
    m.criteria.map((c) => c.name),
    ['Snapshots', 'Footprint', 'Web UI'],
  );
  assert.deepEqual(m.scores['Bare K3s'], { Snapshots: 1, Footprint: 5 });
  assert.deepEqual(m.stated, { totals: { Proxmox: 4.7, Harvester: 3.4, 'Bare K3s': 2 }, weightsSum: 1, ranking: ['Proxmox', 'Harvester', 'Bare K3s'] });
  assert.equal(r.records[0].rationale, 'Proxmox wins on snapshots, which is what the lab needs most.');
  assert.deepEqual(lines(r), [17, 18]);
  assert.match(r.unmapped[0].what, /matrix row "Familiarity".*weight "n\/a" is not a number/);
  assert.match(r.unmapped[1].what, /score "unknown" for "Bare K3s" is not a number/);
});

test('imported records survive the hearth record file (format, then parse, gives the same record)', () => {
  const docs = fs.readdirSync(FIXTURES).map((f) => path.join(FIXTURES, f));
  if (fs.existsSync(SEEDS)) docs.push(...fs.readdirSync(SEEDS).map((f) => path.join(SEEDS, f)));
  let n = 0;
  for (const file of docs) {
    for (const rec of importDecisions(fs.readFileSync(file, 'utf8'), file).records) {
      assert.deepEqual(parseRecord(formatRecord(rec), `${rec.id}.md`), rec, `${path.basename(file)} ${rec.id}`);
      n++;
    }
  }
  assert.ok(n >= 8);
});

// ---------------------------------------------------------------------------
// Helpers

test('fixMojibake repairs MacRoman and Windows-1252 round trips and leaves real text alone', () => {
  assert.equal(fixMojibake('\uF8FFüéØ Goal'), '🎯 Goal');
  assert.equal(fixMojibake('ðŸŽ¯ Goal'), '🎯 Goal');
  assert.equal(fixMojibake('it‚Äôs 9 √ó 4GB'), 'it’s 9 × 4GB');
  assert.equal(fixMojibake('donâ€™t'), 'don’t');
  assert.equal(fixMojibake('Café “élan” naïve'), 'Café “élan” naïve');
  const multi = '# \uF8FFüéØ A\n\n‚îú‚îÄ‚îÄ b\n√ó\n';
  assert.equal(fixMojibake(multi).split('\n').length, multi.split('\n').length);
  assert.equal(cleanTitle('\uF8FFüéØ **Decision-Making Framework**'), 'Decision-Making Framework');
  assert.equal(cleanTitle('ðŸ”„ **Decision 1: K3s**'), 'Decision 1: K3s');
});

test('dates in the shapes records use', () => {
  assert.equal(parseDate('September 8, 2025'), '2025-09-08');
  assert.equal(parseDate('8 Sept 2025'), '2025-09-08');
  assert.equal(parseDate('2024/3/5'), '2024-03-05');
  assert.equal(parseDate('*Date: 2025-06-28*'), '2025-06-28');
  assert.equal(parseDate('2025-02-30'), undefined);
  assert.equal(parseDate('someday'), undefined);
});
