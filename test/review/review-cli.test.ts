/**
 * `hearth review` end to end: seed 003's gap table reproduced with its risk
 * levels, SARIF valid against the SARIF 2.1.0 schema, suppressions with
 * reasons and expiry, --fail-on, repositories with odd input, bad input.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import AjvDraft04 from 'ajv-draft-04';
import { hearth } from '../helpers/cli.js';
import { ROOT } from '../helpers/labs.js';

const require = createRequire(import.meta.url);
const SARIF_SCHEMA = require('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json');
const EX003 = path.join(ROOT, 'examples/003-lima-k3s-argocd');

function tmp(t: { after: (fn: () => void) => void }): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-review-'));
  t.after(() => fs.rmSync(d, { recursive: true, force: true }));
  return d;
}

test('seed 003: every row of the hand-written gap table, with the seed\'s own risk level', async () => {
  const r = await hearth(['review', EX003, '--format', 'json', '--date', '2026-11-22']);
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  const risk = (rule: string) => out.findings.find((f: { rule: string }) => f.rule === rule)?.risk;
  // | Storage | Local-path only | High | Secrets | Plain K8s secrets | Medium | Backups | Manual only | Medium |
  // | Network Policies | None | Low | Alerting | No receivers configured | Low |
  assert.deepEqual(
    {
      storage: risk('storage-node-local-data'),
      secrets: risk('secrets-outside-gitops'),
      backups: risk('backups-missing'),
      network: risk('network-no-policy'),
      alerting: risk('observability-no-alert-receiver'),
    },
    { storage: 'high', secrets: 'medium', backups: 'medium', network: 'low', alerting: 'low' },
  );
  const f = out.findings.find((x: { rule: string }) => x.rule === 'storage-node-local-data');
  assert.ok(f.where.every((w: { file: string; line: number }) => w.file.endsWith('hearth.yaml') && w.line > 0), 'spec findings point into hearth.yaml');
});

test('markdown follows the seed-003 layout and is deterministic', async () => {
  const a = await hearth(['review', EX003, '--format', 'markdown', '--date', '2026-11-22']);
  const b = await hearth(['review', EX003, '--format', 'markdown', '--date', '2026-11-22']);
  assert.equal(a.status, 0);
  assert.equal(a.stdout, b.stdout);
  const md = a.stdout;
  for (const h of ['# Architecture Review: mac-mini-lab (2026-11-22)', '## Current Architecture', '### Deployed Applications', '### Strengths', '### Gaps Identified', '| Area | Current State | Risk Level |', '### Immediate Actions', '### Medium-Term Improvements', '## Verdict']) {
    assert.ok(md.includes(h), h);
  }
  assert.match(md, /\| Storage \| .*node-local storage.* \| \*\*High\*\*/);
  assert.match(md, /\| Network \| .*NetworkPolicy.* \| \*\*Low\*\*/);
});

test('SARIF 2.1.0: valid against the schema, one result per finding, rules with help links', async () => {
  const r = await hearth(['review', EX003, '--format', 'sarif', '--date', '2026-11-22']);
  assert.equal(r.status, 0, r.stderr);
  const log = JSON.parse(r.stdout);
  // The published schema has a pattern that is invalid under the u flag (a stray ']'): compile without it.
  const Ajv = ((AjvDraft04 as unknown as { default?: unknown }).default ?? AjvDraft04) as new (o: object) => { compile(s: object): ((d: unknown) => boolean) & { errors?: unknown } };
  const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
  const validate = ajv.compile(SARIF_SCHEMA);
  assert.ok(validate(log), JSON.stringify(validate.errors, null, 2));
  const json = JSON.parse((await hearth(['review', EX003, '--format', 'json', '--date', '2026-11-22'])).stdout);
  assert.equal(log.runs[0].results.length, json.findings.length);
  const res = log.runs[0].results.find((x: { ruleId: string }) => x.ruleId === 'storage-node-local-data');
  assert.equal(res.level, 'error');
  assert.match(res.locations[0].physicalLocation.artifactLocation.uri, /examples\/003-lima-k3s-argocd\/hearth\.yaml$/);
  assert.ok(res.locations[0].physicalLocation.region.startLine > 0);
  const rule = log.runs[0].tool.driver.rules[res.ruleIndex];
  assert.equal(rule.id, 'storage-node-local-data');
  assert.match(rule.helpUri, /docs\/rules\/storage-node-local-data\.md$/);
});

test('--fail-on: exit 1 when a finding reaches the threshold, 0 otherwise', async () => {
  assert.equal((await hearth(['review', EX003, '--fail-on', 'high', '--format', 'json'])).status, 1);
  const dir = path.join(ROOT, 'test/fixtures/labs/flux-ha');
  const clean = await hearth(['review', dir, '--format', 'json']);
  const counts = JSON.parse(clean.stdout).counts;
  assert.equal((await hearth(['review', dir, '--fail-on', 'high'])).status, counts.high > 0 ? 1 : 0);
});

test('suppressions need a reason; matched ones hide findings, expired and unused ones are reported', async (t) => {
  const dir = tmp(t);
  fs.copyFileSync(path.join(EX003, 'hearth.yaml'), path.join(dir, 'hearth.yaml'));
  const base = fs.readFileSync(path.join(dir, 'hearth.yaml'), 'utf8');
  fs.writeFileSync(
    path.join(dir, 'hearth.yaml'),
    base +
      'review:\n  suppress:\n' +
      '    - { rule: network-no-policy, reason: "flat LAN lab, accepted until the migration", expires: "2027-01-31" }\n' +
      '    - { rule: observability-no-alert-receiver, reason: "Telegram bot is being set up", expires: "2026-01-01" }\n' +
      '    - { rule: exposure-api-public, reason: "kept for the day the API goes public" }\n',
  );
  const r = await hearth(['review', dir, '--format', 'json', '--date', '2026-11-22']);
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  const rules = out.findings.map((f: { rule: string }) => f.rule);
  assert.ok(!rules.includes('network-no-policy'), 'suppressed');
  assert.deepEqual(out.suppressed.map((s: { rule: string }) => s.rule), ['network-no-policy']);
  assert.ok(rules.includes('observability-no-alert-receiver'), 'an expired suppression no longer hides');
  assert.ok(rules.includes('review-suppression-expired'));
  assert.ok(rules.includes('review-suppression-unused'));
  // No reason: invalid spec, exit 2.
  fs.writeFileSync(path.join(dir, 'hearth.yaml'), base + 'review:\n  suppress:\n    - { rule: network-no-policy }\n');
  const bad = await hearth(['review', dir]);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /review\.suppress\[0\]\.reason/);
});

test('a repository: plaintext Secrets, Helm templates skipped, invalid YAML noted, unknown kinds ignored; .hearth-review.yaml suppressions', async (t) => {
  const dir = tmp(t);
  const w = (p: string, s: string) => {
    fs.mkdirSync(path.dirname(path.join(dir, p)), { recursive: true });
    fs.writeFileSync(path.join(dir, p), s);
  };
  w('apps/db/secret.yaml', 'apiVersion: v1\nkind: Secret\nmetadata: { name: db, namespace: apps }\nstringData: { password: hunter2 }\n');
  w('apps/db/deploy.yaml', '# a comment\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata: { name: db, namespace: apps }\nspec: { template: { spec: { containers: [{ name: db, image: postgres:18 }] } } }\n---\napiVersion: example.com/v9\nkind: Widget\nmetadata: { name: w }\n');
  w('charts/x/templates/cm.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}\n');
  w('broken.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: [unclosed\n');
  const r = await hearth(['review', dir, '--format', 'json']);
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  const secret = out.findings.find((f: { rule: string }) => f.rule === 'secrets-plaintext-in-git');
  assert.deepEqual(secret.where[0], { file: 'apps/db/secret.yaml', line: 1 });
  assert.ok(out.notes.some((n: { kind: string; where: { file: string } }) => n.kind === 'skipped' && n.where.file === 'charts/x/templates/cm.yaml'));
  assert.ok(out.notes.some((n: { kind: string; where: { file: string } }) => n.kind === 'invalid' && n.where.file === 'broken.yaml'));
  assert.ok(out.assumptions.length > 0, 'says what it assumed');
  const deploy = await hearth(['review', dir, '--format', 'sarif']);
  const loc = JSON.parse(deploy.stdout).runs[0].results.find((x: { ruleId: string }) => x.ruleId === 'secrets-plaintext-in-git').locations[0].physicalLocation;
  assert.deepEqual(loc, { artifactLocation: { uri: 'apps/db/secret.yaml' }, region: { startLine: 1 } });
  w('.hearth-review.yaml', 'suppress:\n  - rule: secrets-plaintext-in-git\n    subject: db\n    reason: test fixture with a fake password\n');
  const s = JSON.parse((await hearth(['review', dir, '--format', 'json'])).stdout);
  assert.ok(!s.findings.some((f: { rule: string }) => f.rule === 'secrets-plaintext-in-git'));
  w('.hearth-review.yaml', 'suppress:\n  - rule: secrets-plaintext-in-git\n');
  const bad = await hearth(['review', dir]);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /reason/);
});

test('bad arguments: unknown format or threshold, nothing to review — exit 2 with a message', async () => {
  for (const args of [['review', EX003, '--format', 'html'], ['review', EX003, '--fail-on', 'critical'], ['review', '/nonexistent/path']]) {
    const r = await hearth(args);
    assert.equal(r.status, 2, args.join(' '));
    assert.ok(r.stderr.length > 0 && !/\n\s+at /.test(r.stderr), 'a message, no stack trace');
  }
});
