import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { launchChromium, openWatchedPage } from '../helpers/browser';
import { startServerProcess, stopServerProcess, type RunningServer } from '../helpers/server-process';

let dataDir: string;
let server: RunningServer;
let browser: Browser;
const shotsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ecart-shots-'));

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ecart-e2e-'));
  server = await startServerProcess({ DATA_DIR: dataDir });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await stopServerProcess(server);
  fs.rmSync(dataDir, { recursive: true, force: true });
  fs.rmSync(shotsDir, { recursive: true, force: true });
});


describe('the public site in a real browser', () => {
  it('when a reader opens the seeded home page on first start and follows the widest gap, then the claim page shows the gap panel, with no CSP or loading error', async () => {
    const { page, problems } = await openWatchedPage(browser);
    await page.goto(`${server.baseUrl}/`);
    expect(await page.locator('h1').innerText()).toBe('Écart');
    expect(await page.locator('#widest + .card-list .claim-card').count()).toBeGreaterThan(0);
    // A string expression: the test project has no DOM types, the browser runs it as is.
    const stylesheetApplied: unknown = await page.evaluate("getComputedStyle(document.querySelector('.site-header')).borderBottomStyle");
    expect(stylesheetApplied).toBe('solid');
    await page.screenshot({ path: path.join(shotsDir, 'home.png'), fullPage: true });

    await page.locator('#widest + .card-list .claim-card__title a').first().click();
    await page.waitForURL('**/claims/darmanin-182000-faux-pass-sanitaires');
    const panel = (await page.locator('.gap-panel').innerText()).replace(/[\s\u00a0\u202f]+/g, ' ');
    expect(panel).toContain('182 000 faux pass sanitaires');
    expect(panel).toContain('3 601 pass sur liste noire');
    // The headline measurement is a proxy: the panel says so and shows no share of the announcement.
    expect(panel).toContain('Indicateur indirect');
    expect(panel).not.toContain('2,0 %');
    expect(panel).toContain('50,5 fois moins que l’annonce');
    await page.screenshot({ path: path.join(shotsDir, 'claim.png'), fullPage: true });
    expect(fs.statSync(path.join(shotsDir, 'claim.png')).size).toBeGreaterThan(10_000);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('when a reader filters the claims list with the form, then the address carries the filter and only matching claims show', async () => {
    const { page, problems } = await openWatchedPage(browser);
    await page.goto(`${server.baseUrl}/claims`);
    await page.selectOption('select[name="topic"]', 'pass-sanitaire');
    await page.selectOption('select[name="state"]', 'measured');
    await page.click('.filters button[type="submit"]');
    await page.waitForURL(/topic=pass-sanitaire&.*state=measured/);
    const titles = await page.locator('.claim-card__title').allInnerTexts();
    expect(titles).toEqual(['Gérald Darmanin : 182 000 faux pass sanitaires détectés']);
    expect(await page.locator('.badge--measured').count()).toBe(1);
    expect(problems).toEqual([]);
    await page.close();
  });
});

describe('search in a real browser', () => {
  it('when a reader without JavaScript types "Darmanin" in the header field and submits, then the results page lists his claims with the word marked', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${server.baseUrl}/`);
    await page.getByLabel('Rechercher').first().fill('Darmanin');
    await page.locator('.site-search button[type="submit"]').click();
    await page.waitForURL(/\/search\?q=Darmanin$/);
    expect(await page.locator('h1').innerText()).toBe('Recherche');
    const titles = await page.locator('.claim-card__title').allInnerTexts();
    expect(titles.some((t) => t.includes('182 000 faux pass sanitaires'))).toBe(true);
    expect(await page.locator('.claim-card mark').count()).toBeGreaterThan(0);
    expect(await page.locator('.search-facet a').count()).toBeGreaterThan(0);
    await context.close();
  });
});
