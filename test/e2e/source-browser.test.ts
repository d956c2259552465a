import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../helpers/browser';
import { ROOT, runScriptToExit, startServerProcess, stopServerProcess, USER_CREATE_CLI, type RunningServer } from '../helpers/server-process';
import { startSourceServer, type SourceServer } from '../helpers/source-server';

/**
 * An editor's data source in a real browser: set it up on a claim, try it, save it, read it
 * now, approve the proposal from the dashboard, then see the measurement on the public page
 * and in the feed. Every new editor page is checked with axe.
 */
const SHOTS_DIR = path.join(ROOT, 'test-results', 'screenshots', 'sources');
const EMAIL = 'sources@redaction.test';
const PASSWORD = 'une phrase de passe assez longue';
const SLUG = 'darmanin-182000-faux-pass-sanitaires';
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21aa'];

let dataDir: string;
let server: RunningServer;
let source: SourceServer;
let browser: Browser;

beforeAll(async () => {
  fs.mkdirSync(SHOTS_DIR, { recursive: true });
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ecart-sources-e2e-'));
  source = await startSourceServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/csv; charset=utf-8' });
    res.end('date,region,total\n2022-01-10,Bretagne,4100\n2022-01-15,Bretagne,4200\n2022-01-15,Corse,7\n');
  });
  // No poller round during the test: the editor's "read now" does what a round would.
  server = await startServerProcess({ DATA_DIR: dataDir, FETCH_ALLOW_PRIVATE: '127.0.0.1', SOURCE_POLL_SECONDS: '0' });
  const created = await runScriptToExit(USER_CREATE_CLI, ['--email', EMAIL, '--role', 'editor', '--name', 'Rédactrice'], { DATA_DIR: dataDir, ECART_USER_PASSWORD: PASSWORD, LOG_LEVEL: 'silent' });
  if (created.code !== 0) throw new Error(`user:create failed: ${created.stderr}`);
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await stopServerProcess(server);
  await source?.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const flat = (text: string) => text.replace(/[\s\u00a0\u202f]+/g, ' ');
const shot = (page: Page, name: string) => page.screenshot({ path: path.join(SHOTS_DIR, `${name}.png`), fullPage: true });

/** axe's violations on the page as it stands, as short lines (empty when none). */
async function axeViolations(page: Page, name: string): Promise<string[]> {
  const result = await new AxeBuilder({ page }).withTags(AXE_TAGS).analyze();
  return result.violations.map((v) => `${name}: ${v.id} ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

describe('a data source in a real browser', () => {
  it('when an editor sets up a source, tries it, saves it, reads it and approves the proposal, then the measurement is on the public page and in the feed, and axe finds nothing on the new pages', async () => {
    // axe needs a page of a context of its own.
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('console', (msg) => {
      if (msg.type() === 'error' || msg.type() === 'warning') problems.push(msg.text());
    });
    page.on('pageerror', (err) => problems.push(err.message));
    const violations: string[] = [];
    await page.goto(`${server.baseUrl}/login?next=%2Feditor`);
    await page.getByLabel('Adresse e-mail').fill(EMAIL);
    await page.getByLabel('Mot de passe').fill(PASSWORD);
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await page.waitForURL('**/editor');

    const claimId = await page.locator('[data-claim-id]:has-text("182 000")').first().getAttribute('data-claim-id');
    await page.goto(`${server.baseUrl}/editor/claims/${claimId}`);
    await page.getByRole('link', { name: 'Ajouter une source de données' }).click();
    violations.push(...(await axeViolations(page, 'source-form')));
    const url = source.url('/passes.csv');
    await page.getByLabel('Adresse du fichier (CSV ou JSON)').fill(url);
    await page.getByLabel('Colonne (CSV) ou chemin JSON de la valeur').fill('total');
    await page.getByLabel('Filtre de ligne (CSV) : colonne').fill('region');
    await page.getByLabel('Filtre de ligne (CSV) : valeur').fill('Bretagne');
    await page.getByLabel('Colonne ou chemin JSON de la date (facultatif)').fill('date');
    await page.getByLabel('Ce qui est compté, précisément').fill('pass sanitaires sur liste noire');
    await page.getByLabel('Unité', { exact: true }).fill('pass sur liste noire');
    await page.getByLabel('Même quantité que l’annonce').uncheck();
    await page.getByLabel('Qui publie ces données').fill('Ministère de l’Intérieur');

    // First a mistake: a bad address comes back with its message and everything typed.
    await page.getByLabel('Adresse du fichier (CSV ou JSON)').fill('ftp://example.org/passes.csv');
    await page.getByRole('button', { name: 'Essayer maintenant' }).click();
    expect(flat(await page.locator('[data-field="url"]').innerText())).toContain('commençant par http:// ou https://');
    expect(await page.getByLabel('Filtre de ligne (CSV) : valeur').inputValue()).toBe('Bretagne');
    violations.push(...(await axeViolations(page, 'source-form-refused')));

    await page.getByLabel('Adresse du fichier (CSV ou JSON)').fill(url);
    await page.getByRole('button', { name: 'Essayer maintenant' }).click();
    const preview = flat(await page.locator('.source-preview').innerText());
    expect(preview).toContain('4 200 pass sur liste noire');
    expect(preview).toContain('15 janvier 2022');
    expect(preview).toContain('Ligne 3 du fichier');
    violations.push(...(await axeViolations(page, 'source-preview')));
    await shot(page, '01-source-preview');

    await page.getByRole('button', { name: 'Enregistrer la source' }).click();
    await page.waitForURL(`**/editor/claims/${claimId}`);
    expect(flat(await page.locator('[data-source-id]').innerText())).toContain('Pas encore lue.');
    await page.getByRole('button', { name: 'Lire maintenant' }).click();
    await page.waitForURL(`**/editor/claims/${claimId}`);
    expect(flat(await page.locator('[data-source-id]').innerText())).toContain('Dernière valeur lue : 4 200 pass sur liste noire');
    violations.push(...(await axeViolations(page, 'claim-hub-with-source')));
    await shot(page, '02-claim-hub');

    await page.goto(`${server.baseUrl}/editor`);
    const queue = page.locator('[data-section="proposals"]');
    expect(flat(await queue.locator('h2').innerText())).toBe('Propositions à valider (1)');
    violations.push(...(await axeViolations(page, 'dashboard-with-proposal')));
    await queue.getByRole('link').first().click();
    await page.waitForURL(/\/editor\/proposals\/[0-9a-f]{24}$/);
    expect(flat(await page.locator('[data-proposal-value]').innerText())).toContain('4 200 pass sur liste noire');
    violations.push(...(await axeViolations(page, 'proposal')));
    await shot(page, '03-proposal');
    await page.getByRole('link', { name: 'Modifier puis approuver' }).click();
    expect(await page.getByLabel('Valeur mesurée (ex. 3 601)').inputValue()).toBe('4 200');
    violations.push(...(await axeViolations(page, 'proposal-edit')));
    await page.goBack();
    await page.getByRole('button', { name: 'Approuver' }).click();
    await page.waitForURL(`**/editor/claims/${claimId}`);
    expect(flat(await page.locator('.editor-claim').innerText())).toContain('4 200 pass sur liste noire');

    const reader = await browser.newPage();
    // The content version reaches the render cache within a poll (250 ms): retry briefly.
    let publicText = '';
    for (let i = 0; i < 40 && !publicText.includes('4 200'); i += 1) {
      await reader.goto(`${server.baseUrl}/claims/${SLUG}`);
      publicText = flat(await reader.locator('main').innerText());
      if (!publicText.includes('4 200')) await reader.waitForTimeout(250);
    }
    expect(publicText).toContain('4 200 pass sur liste noire');
    const feed = flat(await (await reader.request.get(`${server.baseUrl}/claims/${SLUG}/feed.xml`)).text());
    expect(feed).toMatch(/<item> <title>[^<]*: nouvelle mesure par un indicateur indirect, 4 200 pass sur liste noire<\/title>/);
    await reader.close();

    expect(violations).toEqual([]);
    // The refused form's 422 is the one load failure expected.
    expect(problems.filter((p) => !p.includes('status of 422'))).toEqual([]);
    await context.close();
  });
});
