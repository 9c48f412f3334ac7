/**
 * The docs site in a real browser (Debian's Chromium via playwright-core):
 * from file:// every page is reached through the navigation without a
 * console error, search leads to a component page, a screenshot renders;
 * served by serveDocs, a component page shows its live status and reloads
 * when told to.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser } from '../helpers/browser.js';
import { buildSite, siteAssets } from '../../src/docs/site.js';
import { serveDocs } from '../../src/docs/serve.js';
import type { DocFile } from '../../src/docs/types.js';

const SVG = `<?xml version="1.0" encoding="UTF-8" standalone="no"?>
<svg width="160pt" height="60pt" viewBox="0 0 160 60" xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">
<g id="graph0" class="graph"><title>layers</title>
<g id="node1" class="node"><title>web</title><a xlink:href="../components/web.md"><ellipse fill="#eef" stroke="black" cx="80" cy="30" rx="60" ry="20"/><text text-anchor="middle" x="80" y="35">web</text></a></g>
</g></svg>
`;

const PAGES: DocFile[] = [
  { path: 'README.md', contents: '# Homelab docs\n\nStart with the [architecture](architecture.md) and the [web component](components/web.md).\n' },
  {
    path: 'architecture.md',
    contents: '# Architecture\n\n![Layers of the lab](diagrams/layers.svg)\n\n## Network layout\n\n| VLAN | Use |\n|---|---|\n| 20 | cluster |\n\n```sh\nkubectl get nodes\n```\n',
  },
  { path: 'components/README.md', contents: '# Components\n\n* [Web](web.md)\n' },
  { path: 'components/web.md', contents: '# Web front end\n\nServes the dashboard; see [its runbook](../runbooks/web-restore.md).\n\n![Layers](../diagrams/layers.svg)\n' },
  { path: 'runbooks/README.md', contents: '# Runbooks\n\n* [Restore web](web-restore.md)\n' },
  { path: 'runbooks/web-restore.md', contents: '# Restore web\n\n1. Stop it.\n2. Restore.\n' },
  { path: 'decisions/README.md', contents: '# Decisions\n\n* [ADR-001](ADR-001-use-k3s.md)\n' },
  { path: 'decisions/ADR-001-use-k3s.md', contents: '---\nid: ADR-001\ntitle: Use k3s\nstatus: accepted\n---\n\n# ADR-001: Use k3s\n\nk3s is small.\n' },
  { path: 'traceability.md', contents: '# Traceability\n\n| Spec | File |\n|---|---|\n| a | b |\n' },
  { path: 'backup-plan.md', contents: '# Backup plan\n\nNightly.\n' },
  { path: 'review.md', contents: '# Review\n\nNo findings.\n' },
  { path: 'diagrams/layers.svg', contents: SVG },
];

let browser: Browser;
let dir: string;
let siteDir: string;
let htmlPages: string[];

before(async () => {
  browser = await launchBrowser();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-site-browser-'));
  siteDir = path.join(dir, 'site');
  const site = buildSite(PAGES, { title: 'Test lab', components: [{ id: 'web', name: 'Web' }], assets: siteAssets() });
  for (const f of site) {
    fs.mkdirSync(path.dirname(path.join(siteDir, f.path)), { recursive: true });
    fs.writeFileSync(path.join(siteDir, f.path), f.contents);
  }
  htmlPages = site.filter((f) => f.path.endsWith('.html')).map((f) => f.path).sort();
});

after(async () => {
  await browser?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

/** Console errors, page errors, failed requests and HTTP errors of a page. */
function watch(page: Page): string[] {
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('requestfailed', (r) => {
    // A page navigating away aborts its open event stream: not a failure.
    if (!r.url().endsWith('/api/events')) problems.push(`request failed: ${r.url()} ${r.failure()?.errorText ?? ''}`);
  });
  page.on('response', (r) => {
    if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`);
  });
  return problems;
}

function relOf(url: string): string {
  return path.relative(siteDir, decodeURIComponent(new URL(url).pathname)).split(path.sep).join('/');
}

test('from file://, every page is reached through the navigation, without errors', async () => {
  const page = await browser.newPage();
  const problems = watch(page);
  await page.goto(pathToFileURL(path.join(siteDir, 'index.html')).href);
  const nav = page.getByRole('navigation', { name: 'Documentation' });
  const labels = await nav.getByRole('link').allTextContents();
  assert.deepEqual(labels, ['Overview', 'Architecture', 'Components', 'Web', 'Runbooks', 'Restore web', 'Decisions', 'ADR-001: Use k3s', 'Traceability', 'Backup plan', 'Review']);
  const visited = new Set<string>([relOf(page.url())]);
  for (const label of labels) {
    await nav.getByRole('link', { name: label, exact: true }).click();
    await page.waitForLoadState('load');
    await page.waitForSelector('html[data-hearth-search="ready"]');
    visited.add(relOf(page.url()));
    assert.equal(await page.locator('nav [aria-current="page"]').textContent(), label, `${label}: marked as the current page`);
    assert.ok(((await page.locator('main h1').textContent()) ?? '').length > 0);
    // No live status from file:// (and no request for it).
    assert.equal(await page.locator('[data-hearth-status]:not([hidden])').count(), 0);
  }
  assert.deepEqual([...visited].sort(), htmlPages, 'every page was visited');
  assert.deepEqual(problems, []);
  await page.close();
});

test('search finds the component page and its result leads there', async () => {
  const page = await browser.newPage();
  const problems = watch(page);
  await page.goto(pathToFileURL(path.join(siteDir, 'decisions/ADR-001-use-k3s.html')).href);
  await page.waitForSelector('html[data-hearth-search="ready"]');
  const input = page.getByRole('searchbox', { name: 'Search the docs' });
  await input.fill('dashboard');
  const result = page.locator('#hearth-search-results a', { hasText: 'Web front end' });
  await result.first().waitFor();
  await result.first().click();
  await page.waitForURL(/\/components\/web\.html(#.*)?$/);
  assert.equal(await page.locator('main h1').textContent(), 'Web front end');
  // A search with no match says so.
  await page.getByRole('searchbox', { name: 'Search the docs' }).fill('zzqqxx');
  await page.locator('#hearth-search-results p', { hasText: 'No results' }).waitFor();
  assert.deepEqual(problems, []);
  await page.close();
});

test('pages render: a screenshot of the architecture page', async () => {
  const page = await browser.newPage({ viewport: { width: 1200, height: 800 } });
  const problems = watch(page);
  await page.goto(pathToFileURL(path.join(siteDir, 'architecture.html')).href);
  const svg = page.locator('main figure.diagram svg');
  assert.ok(await svg.isVisible(), 'the inline diagram is visible');
  const box = await svg.boundingBox();
  assert.ok(box && box.width > 50 && box.height > 20, 'the diagram has a size');
  const shot = path.join(dir, 'architecture.png');
  await page.screenshot({ path: shot, fullPage: true });
  const png = fs.readFileSync(shot);
  assert.ok(png.length > 1000, 'a non-trivial PNG');
  assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  // Narrow screens: the navigation starts folded.
  await page.setViewportSize({ width: 400, height: 800 });
  await page.reload();
  assert.equal(await page.locator('.site-nav details').getAttribute('open'), null);
  assert.deepEqual(problems, []);
  await page.close();
});

test('served by serveDocs: live status on the component page, and reload() reloads it', async () => {
  let calls = 0;
  const server = await serveDocs({
    root: siteDir,
    status: async () => {
      calls++;
      return {
        lab: 'test',
        healthy: true,
        rows: [
          { component: 'web', kind: 'Deployment', name: 'web', namespace: 'apps', state: 'Ready', healthy: true, detail: '2/2 ready' },
          { component: 'db', kind: 'StatefulSet', name: 'db', namespace: 'apps', state: 'NotReady', healthy: false, detail: '0/1 ready' },
        ],
      };
    },
  });
  const page = await browser.newPage();
  const problems = watch(page);
  try {
    await page.goto(`${server.url}components/web.html`);
    const status = page.locator('[data-hearth-status="web"]');
    await status.waitFor({ state: 'visible' });
    const text = (await status.textContent()) ?? '';
    assert.match(text, /Live status: healthy \(1 of 1 ready\)/);
    assert.match(text, /Deployment apps\/web: Ready \(2\/2 ready\)/);
    assert.ok(!text.includes('StatefulSet'), 'only this component');
    assert.equal(calls, 1);

    // Pages without a placeholder do not ask for status.
    await page.goto(`${server.url}architecture.html`);
    await page.waitForSelector('html[data-hearth-live="connected"]');
    assert.equal(calls, 1);

    await page.goto(`${server.url}components/web.html`);
    await page.waitForSelector('html[data-hearth-live="connected"]');
    await page.evaluate(() => {
      (window as unknown as { beforeReload: boolean }).beforeReload = true;
    });
    const loaded = page.waitForEvent('load');
    server.reload();
    await loaded;
    await page.waitForSelector('html[data-hearth-live="connected"]');
    assert.equal(await page.evaluate(() => (window as unknown as { beforeReload?: boolean }).beforeReload), undefined, 'the page was reloaded');
    await status.waitFor({ state: 'visible' });
    assert.equal(calls, 3, 'status asked again after the reload');
    assert.deepEqual(problems, []);
  } finally {
    await page.close();
    await server.close();
  }
});
