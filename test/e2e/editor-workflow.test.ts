import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, openWatchedPage } from '../helpers/browser';
import { ROOT, runScriptToExit, startServerProcess, stopServerProcess, USER_CREATE_CLI, type RunningServer } from '../helpers/server-process';

/** Kept after the run (and ignored by git), so a person can look at what the editor saw. */
const SHOTS_DIR = path.join(ROOT, 'test-results', 'screenshots', 'editor');
const EMAIL = 'redactrice@redaction.test';
const PASSWORD = 'une phrase de passe assez longue';

let dataDir: string;
let server: RunningServer;
let browser: Browser;

beforeAll(async () => {
  fs.mkdirSync(SHOTS_DIR, { recursive: true });
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ecart-editor-e2e-'));
  server = await startServerProcess({ DATA_DIR: dataDir });
  // The first account, made the documented way while the server runs.
  const created = await runScriptToExit(USER_CREATE_CLI, ['--email', EMAIL, '--role', 'editor', '--name', 'Rédactrice'], { DATA_DIR: dataDir, ECART_USER_PASSWORD: PASSWORD, LOG_LEVEL: 'silent' });
  if (created.code !== 0) throw new Error(`user:create failed: ${created.stderr}`);
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await stopServerProcess(server);
  fs.rmSync(dataDir, { recursive: true, force: true });
});


const shot = (page: Page, name: string) => page.screenshot({ path: path.join(SHOTS_DIR, `${name}.png`), fullPage: true });
const flat = (text: string) => text.replace(/[\s\u00a0\u202f]+/g, ' ');

describe('the editor’s workflow in a real browser', () => {
  it('when an editor logs in, records a claim, adds a measurement and publishes, then the public page shows the gap', async () => {
    const { page, problems } = await openWatchedPage(browser);
    await page.goto(`${server.baseUrl}/editor`);
    await page.waitForURL('**/login?next=%2Feditor');
    await page.getByLabel('Adresse e-mail').fill(EMAIL);
    await page.getByLabel('Mot de passe').fill(PASSWORD);
    await shot(page, '01-login');
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await page.waitForURL('**/editor');

    await page.getByRole('link', { name: 'Nouvelle déclaration' }).click();
    await page.getByLabel('Titre (75 caractères au plus)').fill('182 000 faux pass sanitaires, selon le ministre');
    await page.getByLabel('Déclaration', { exact: true }).fill('182 000 faux pass sanitaires ont été détectés.');
    await page.getByLabel('Auteur').selectOption({ index: 1 });
    await page.getByLabel('Date (ex. 29/12/2021 ou 29/12/2021 16:00)').fill('20 décembre 2021');
    await page.getByLabel('Valeur annoncée (ex. 182 000 ou 3,5)').fill('182 000');
    await page.getByLabel('Unité', { exact: true }).fill('faux pass sanitaires');
    await page.getByLabel('Ce qui est compté, précisément').fill('faux pass sanitaires détectés');
    // First a mistake: the form comes back with the message and everything typed.
    await page.getByLabel('Média ou organisme').fill('');
    await page.getByRole('button', { name: 'Enregistrer le brouillon' }).click();
    expect(flat(await page.locator('[data-field="sourceOutlet"]').innerText())).toContain('Indiquez au moins le média');
    expect(await page.getByLabel('Valeur annoncée (ex. 182 000 ou 3,5)').inputValue()).toBe('182 000');
    await shot(page, '02-claim-form-refused');
    await page.getByLabel('Média ou organisme').fill('France Info');
    await page.getByRole('button', { name: 'Enregistrer le brouillon' }).click();
    await page.waitForURL(/\/editor\/claims\/[0-9a-f]{24}$/);
    expect(flat(await page.locator('.editor-claim__status').innerText())).toContain('Statut : Brouillon');

    await page.getByRole('link', { name: 'Ajouter une mesure' }).click();
    await page.getByLabel('Valeur mesurée (ex. 3 601)').fill('3 601');
    await page.getByLabel('Date de la mesure (ex. 29/12/2021 16:00)').fill('29/12/2021 16:00');
    await page.getByLabel('Ce qui est compté, précisément').fill('pass placés sur liste noire');
    await page.getByLabel('Média ou organisme').fill('Direction générale de la santé');
    await shot(page, '03-measurement-form');
    await page.getByRole('button', { name: 'Ajouter la mesure' }).click();
    await page.waitForURL(/\/editor\/claims\/[0-9a-f]{24}$/);
    expect(flat(await page.locator('[data-measurement-id]').innerText())).toContain('3 601 faux pass sanitaires');

    await page.getByRole('link', { name: 'Aperçu' }).click();
    expect(flat(await page.locator('.preview-banner').innerText())).toContain('Aperçu réservé à la rédaction');
    await page.goBack();

    await page.getByRole('button', { name: 'Publier' }).click();
    await page.waitForURL(/\/editor\/claims\/[0-9a-f]{24}$/);
    expect(flat(await page.locator('.editor-claim__status').innerText())).toContain('Statut : Publiée');
    await shot(page, '04-claim-hub');

    await page.getByRole('link', { name: 'Page publique' }).click();
    await page.waitForURL('**/claims/182-000-faux-pass-sanitaires-selon-le-ministre');
    const panel = flat(await page.locator('.gap-panel').innerText());
    expect(panel).toContain('182 000 faux pass sanitaires');
    expect(panel).toContain('3 601');
    expect(panel).toContain('2,0 %');
    expect(panel).toContain('50,5 fois moins que l’annonce');
    await shot(page, '05-public-claim');

    await page.goto(`${server.baseUrl}/editor`);
    await shot(page, '06-dashboard');
    // The one refused form is the only thing the browser may report; no CSP or script error.
    expect(problems).toEqual(['Failed to load resource: the server responded with a status of 422 (Unprocessable Entity)']);
    for (const name of ['01-login', '04-claim-hub', '05-public-claim']) expect(fs.statSync(path.join(SHOTS_DIR, `${name}.png`)).size).toBeGreaterThan(10_000);
  });

  it('when two editors edit the same seeded claim in two browsers, then the second save shows a 409 with the first one’s change and keeps what they typed', async () => {
    const first = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const second = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const [pageA, pageB] = await Promise.all([first.newPage(), second.newPage()]);
    for (const page of [pageA, pageB]) {
      await page.goto(`${server.baseUrl}/login?next=%2Feditor`);
      await page.getByLabel('Adresse e-mail').fill(EMAIL);
      await page.getByLabel('Mot de passe').fill(PASSWORD);
      await page.getByRole('button', { name: 'Se connecter' }).click();
      await page.waitForURL('**/editor');
      await page.locator('[data-section="recent"] a', { hasText: 'Gérald Darmanin : 182 000 faux pass' }).click();
      await page.getByRole('link', { name: 'Modifier la déclaration' }).click();
    }
    const appearance = (page: Page) => page.getByLabel('Où (interview, communiqué…)');
    await appearance(pageA).fill('Interview au Parisien');
    await pageA.getByRole('button', { name: 'Enregistrer les modifications' }).click();
    await pageA.waitForURL(/\/editor\/claims\/[0-9a-f]{24}$/);

    await appearance(pageB).fill('Conférence de presse');
    await pageB.getByRole('button', { name: 'Enregistrer les modifications' }).click();
    const conflict = flat(await pageB.locator('.conflict').innerText());
    expect(conflict).toContain('Quelqu’un a enregistré cette fiche pendant que vous la modifiiez');
    expect(conflict).toContain('Interview au Parisien');
    expect(await appearance(pageB).inputValue()).toBe('Conférence de presse');
    await shot(pageB, '07-conflict-409');

    // Having read the other change, the second editor saves on purpose; the history has both.
    await pageB.getByRole('button', { name: 'Enregistrer les modifications' }).click();
    await pageB.waitForURL(/\/editor\/claims\/[0-9a-f]{24}$/);
    await pageB.getByRole('link', { name: 'Historique' }).click();
    const history = flat(await pageB.locator('.editor-history').innerText());
    expect(history.indexOf('Conférence de presse')).toBeGreaterThan(-1);
    expect(history.indexOf('Interview au Parisien')).toBeGreaterThan(-1);
    await shot(pageB, '08-history');
    await Promise.all([first.close(), second.close()]);
  });
});
