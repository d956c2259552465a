import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../helpers/browser';
import { startServerProcess, stopServerProcess, type RunningServer } from '../helpers/server-process';

let dataDir: string;
let server: RunningServer;
let browser: Browser;

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ecart-e2e-search-'));
  server = await startServerProcess({ DATA_DIR: dataDir });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await stopServerProcess(server);
  fs.rmSync(dataDir, { recursive: true, force: true });
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
