/**
 * The generated site of real examples in Debian's Chromium (playwright-core):
 * every page opens from disk without a console error or a failed request,
 * every in-site link on it resolves, search finds an app and leads to its
 * component page, and the architecture page with its diagrams screenshots.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { launchBrowser } from '../helpers/browser.js';
import { generateDocs } from '../../src/docs/index.js';
import { exampleDocsInput } from '../helpers/docs-input.js';

let browser: Browser;
let dir: string;

before(async () => {
  browser = await launchBrowser();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-docs-browser-'));
});
after(async () => {
  await browser?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function writeSite(name: string): Promise<{ root: string; pages: string[] }> {
  const files = await generateDocs(await exampleDocsInput(name), { date: '2026-11-01', site: true });
  const root = path.join(dir, name);
  for (const f of files) {
    fs.mkdirSync(path.dirname(path.join(root, f.path)), { recursive: true });
    fs.writeFileSync(path.join(root, f.path), f.contents);
  }
  return { root, pages: files.filter((f) => f.path.endsWith('.html')).map((f) => f.path) };
}

for (const name of ['003-lima-k3s-argocd', '002-proxmox-lxc']) {
  test(`site of ${name}: every page from file:// without console errors; its links resolve`, async () => {
    const { root, pages } = await writeSite(name);
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(`${page.url()}: console ${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`${page.url()}: ${e.message}`));
    page.on('requestfailed', (r) => problems.push(`${page.url()}: failed ${r.url()}`));
    for (const p of pages) {
      await page.goto(pathToFileURL(path.join(root, p)).href);
      assert.ok(((await page.locator('main h1').first().textContent()) ?? '').trim().length > 0, `${p} has a heading`);
      // Every in-site link names a file that exists (the link checker checks the same from the text).
      const hrefs = await page.$$eval('a[href]', (as) => as.map((a) => (a as HTMLAnchorElement).href));
      for (const h of hrefs.filter((x) => x.startsWith('file:'))) {
        const file = decodeURIComponent(new URL(h).pathname);
        assert.ok(fs.existsSync(file), `${p} links to missing ${file}`);
      }
    }
    assert.deepEqual(problems, []);
    await page.close();
  });
}

test('site of 003: search finds an app and leads to its component page; the architecture page screenshots with its diagrams', async () => {
  const { root } = await writeSite('003-lima-k3s-argocd');
  const input = await exampleDocsInput('003-lima-k3s-argocd');
  const app = input.model.apps.find((a) => a.host)!;
  const page = await browser.newPage();
  await page.goto(pathToFileURL(path.join(root, 'index.html')).href);
  await page.waitForSelector('html[data-hearth-search="ready"]');
  await page.getByRole('searchbox', { name: 'Search the docs' }).fill(app.name);
  const result = page.locator('#hearth-search-results a', { hasText: app.name }).first();
  await result.waitFor();
  await page.locator(`#hearth-search-results a[href*="components/${app.name}.html"]`).first().click();
  await page.waitForURL(new RegExp(`components/${app.name}\\.html`));
  assert.equal((await page.locator('main h1').first().textContent())?.trim(), app.name);
  assert.ok((await page.locator('main').textContent())!.includes(app.host!), 'the component page shows its host');

  await page.goto(pathToFileURL(path.join(root, 'architecture.html')).href);
  const diagrams = page.locator('main svg');
  assert.ok((await diagrams.count()) >= 3, 'layer, network and failure-domain diagrams inline');
  const box = await diagrams.first().boundingBox();
  assert.ok(box && box.width > 100 && box.height > 50, `the layer diagram has a size: ${JSON.stringify(box)}`);
  const png = await page.screenshot({ fullPage: true });
  assert.ok(png.length > 10_000 && png.subarray(1, 4).toString() === 'PNG');
  fs.writeFileSync(path.join(dir, 'architecture.png'), png);
  await page.close();
});
