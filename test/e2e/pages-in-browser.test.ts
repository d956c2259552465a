import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium } from '../helpers/browser';
import { ROOT, runScriptToExit, startServerProcess, stopServerProcess, USER_CREATE_CLI, type RunningServer } from '../helpers/server-process';

/**
 * Every page a reader or an editor meets, at phone, tablet and desktop widths, in Debian's
 * Chromium: nothing scrolls sideways, axe finds nothing, and a person can look at the
 * screenshots (test-results/ is ignored by git). To check one more page, add it to a list.
 */
const SHOTS_DIR = path.join(ROOT, 'test-results', 'screenshots', 'pages');
const WIDTHS = [320, 375, 768, 1280] as const;
/** axe is the slow part: every page is checked at the narrowest phone and at desktop width. */
const AXE_WIDTHS: readonly number[] = [320, 1280];
const SHOT_WIDTHS: readonly number[] = [375, 1280];
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21aa'];
const EMAIL = 'admin-pages@redaction.test';
const PASSWORD = 'une phrase de passe assez longue';
const CLAIM_182000 = 'darmanin-182000-faux-pass-sanitaires';

interface PageToCheck {
  name: string;
  /** A path, or one built from ids read in the editor once logged in. */
  path: string | ((ids: EditorIds) => string);
}
interface EditorIds {
  claim: string;
  measurement: string;
  speaker: string;
  topic: string;
}

/** The public site, read without an account (and without a cookie). One claim of each kind in the seed. */
const PUBLIC_PAGES: PageToCheck[] = [
  { name: 'home', path: '/' },
  { name: 'claims', path: '/claims' },
  { name: 'claim-count', path: `/claims/${CLAIM_182000}` },
  { name: 'claim-money', path: '/claims/tes-appel-offres-5-millions-amesys' },
  { name: 'claim-deadline', path: '/claims/ants-retour-normale-demain-matin' },
  { name: 'claim-qualitative', path: '/claims/ants-aucune-perte-de-donnees' },
  { name: 'speaker', path: '/speakers/gerald-darmanin' },
  { name: 'topic', path: '/topics/pass-sanitaire' },
  { name: 'speakers', path: '/speakers' },
  { name: 'topics', path: '/topics' },
  { name: 'method', path: '/methode' },
  { name: 'corrections', path: '/corrections' },
  { name: 'search', path: '/search?q=pass%20sanitaire' },
  { name: 'search-prefix', path: '/search?q=Darm' },
  { name: 'login', path: '/login' },
];

const EDITOR_PAGES: PageToCheck[] = [
  { name: 'editor-dashboard', path: '/editor' },
  { name: 'editor-claim-new', path: '/editor/claims/new' },
  { name: 'editor-claim-hub', path: (ids) => `/editor/claims/${ids.claim}` },
  { name: 'editor-claim-edit', path: (ids) => `/editor/claims/${ids.claim}/edit` },
  { name: 'editor-claim-delete', path: (ids) => `/editor/claims/${ids.claim}/delete` },
  { name: 'editor-measurement-new', path: (ids) => `/editor/claims/${ids.claim}/measurements/new` },
  { name: 'editor-measurement-edit', path: (ids) => `/editor/claims/${ids.claim}/measurements/${ids.measurement}/edit` },
  { name: 'editor-measurement-remove', path: (ids) => `/editor/claims/${ids.claim}/measurements/${ids.measurement}/remove` },
  { name: 'editor-timeline-new', path: (ids) => `/editor/claims/${ids.claim}/timeline/new` },
  { name: 'editor-verdict', path: (ids) => `/editor/claims/${ids.claim}/verdict` },
  { name: 'editor-source-new', path: (ids) => `/editor/claims/${ids.claim}/sources/new` },
  { name: 'editor-speakers', path: '/editor/speakers' },
  { name: 'editor-speaker-new', path: '/editor/speakers/new?for=claim' },
  { name: 'editor-speaker-edit', path: (ids) => `/editor/speakers/${ids.speaker}/edit` },
  { name: 'editor-topic-edit', path: (ids) => `/editor/topics/${ids.topic}/edit` },
  { name: 'admin-users', path: '/admin/users' },
];

let dataDir: string;
let server: RunningServer;
let browser: Browser;
let readerContext: BrowserContext;
let editorContext: BrowserContext;
let ids: EditorIds;

async function logIn(page: Page): Promise<void> {
  await page.goto(`${server.baseUrl}/login?next=%2Feditor`);
  await page.getByLabel('Adresse e-mail').fill(EMAIL);
  await page.getByLabel('Mot de passe').fill(PASSWORD);
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await page.waitForURL('**/editor');
}

const attribute = (page: Page, selector: string, name: string) => page.locator(selector).first().getAttribute(name);

beforeAll(async () => {
  fs.mkdirSync(SHOTS_DIR, { recursive: true });
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ecart-pages-e2e-'));
  server = await startServerProcess({ DATA_DIR: dataDir });
  const created = await runScriptToExit(USER_CREATE_CLI, ['--email', EMAIL, '--role', 'admin', '--name', 'Administratrice'], { DATA_DIR: dataDir, ECART_USER_PASSWORD: PASSWORD, LOG_LEVEL: 'silent' });
  if (created.code !== 0) throw new Error(`user:create failed: ${created.stderr}`);
  browser = await launchChromium();
  readerContext = await browser.newContext();
  editorContext = await browser.newContext();
  const page = await editorContext.newPage();
  await logIn(page);
  const claim = (await attribute(page, '[data-claim-id]:has-text("182 000")', 'data-claim-id')) ?? '';
  await page.goto(`${server.baseUrl}/editor/claims/${claim}`);
  const measurement = (await attribute(page, '[data-measurement-id]', 'data-measurement-id')) ?? '';
  await page.goto(`${server.baseUrl}/editor/speakers`);
  const speaker = (await attribute(page, 'tr[data-id]', 'data-id')) ?? '';
  await page.goto(`${server.baseUrl}/editor/topics`);
  const topic = (await attribute(page, 'tr[data-id]', 'data-id')) ?? '';
  ids = { claim, measurement, speaker, topic };
  await page.close();
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await stopServerProcess(server);
  fs.rmSync(dataDir, { recursive: true, force: true });
});

interface Finding {
  page: string;
  width: number;
  problem: string;
}

/** Visits every page at one width in one tab and lists what is wrong, so one run shows every problem. */
async function checkAtWidth(context: BrowserContext, pages: PageToCheck[], width: number): Promise<{ findings: Finding[]; visited: number }> {
  const page = await context.newPage();
  await page.setViewportSize({ width, height: 900 });
  const findings: Finding[] = [];
  for (const entry of pages) {
    const target = typeof entry.path === 'string' ? entry.path : entry.path(ids);
    const res = await page.goto(`${server.baseUrl}${target}`);
    if (res?.status() !== 200) findings.push({ page: entry.name, width, problem: `status ${res?.status()}` });
    const sizes = await page.evaluate<[number, number]>('[document.documentElement.scrollWidth, document.documentElement.clientWidth]');
    if (sizes[0] > sizes[1]) findings.push({ page: entry.name, width, problem: `scrolls sideways: ${sizes[0]} > ${sizes[1]} px` });
    if (AXE_WIDTHS.includes(width)) {
      const axe = await new AxeBuilder({ page }).withTags(AXE_TAGS).analyze();
      for (const v of axe.violations) findings.push({ page: entry.name, width, problem: `axe ${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}` });
    }
    if (SHOT_WIDTHS.includes(width)) await page.screenshot({ path: path.join(SHOTS_DIR, `${entry.name}-${width}.png`), fullPage: true });
  }
  await page.close();
  return { findings, visited: pages.length };
}

describe('every page at every width in a real browser', () => {
  // One test per width: each stays well inside Jest's timeout even on a loaded machine.
  it.each(WIDTHS)('when the public pages and the editor’s pages are opened %i px wide, then none scrolls sideways and axe reports no violation', async (width) => {
    const findings: Finding[] = [];
    let visited = 0;
    for (const [context, pages] of [[readerContext, PUBLIC_PAGES], [editorContext, EDITOR_PAGES]] as const) {
      const result = await checkAtWidth(context, pages, width);
      findings.push(...result.findings);
      visited += result.visited;
    }
    expect(findings).toEqual([]);
    expect(visited).toBe(PUBLIC_PAGES.length + EDITOR_PAGES.length);
    if (SHOT_WIDTHS.includes(width)) expect(fs.statSync(path.join(SHOTS_DIR, `claim-count-${width}.png`)).size).toBeGreaterThan(10_000);
  });

  it('when the 182 000 claim is printed to A4, then it takes at most 3 pages, without the navigation or a dark panel', async () => {
    const page = await readerContext.newPage();
    await page.goto(`${server.baseUrl}/claims/${CLAIM_182000}`);
    await page.emulateMedia({ media: 'print' });
    const navShown: unknown = await page.evaluate("getComputedStyle(document.querySelector('.site-nav')).display");
    const panelBackground: unknown = await page.evaluate("getComputedStyle(document.querySelector('.gap-panel')).backgroundColor");
    const pdf = await page.pdf({ format: 'A4', printBackground: true });
    fs.writeFileSync(path.join(SHOTS_DIR, 'claim-count-print.pdf'), pdf);
    // Each page of the PDF is one "/Type /Page" object ("/Type /Pages" is the tree that holds them).
    const pages = pdf.toString('latin1').match(/\/Type\s*\/Page(?!s)/g)?.length ?? 0;
    expect(navShown).toBe('none');
    expect(panelBackground).toBe('rgb(255, 255, 255)');
    expect(pages).toBeGreaterThanOrEqual(1);
    expect(pages).toBeLessThanOrEqual(3);
    await page.close();
  });

  it('when an editor picks a kind on the claim form, then only that kind’s fields show, and a refused form lists its errors with links tied to the fields', async () => {
    const page = await editorContext.newPage();
    await page.setViewportSize({ width: 375, height: 900 });
    await page.goto(`${server.baseUrl}/editor/claims/new`);
    expect(await page.getByLabel('Citation mot pour mot').isChecked()).toBe(false);
    const visible = async () => ({
      value: await page.locator('#f-value').isVisible(),
      currency: await page.locator('#f-currency').isVisible(),
      dueAt: await page.locator('#f-dueAt').isVisible(),
    });
    expect(await visible()).toEqual({ value: true, currency: false, dueAt: false });
    await page.locator('#kind-money').check();
    expect(await visible()).toEqual({ value: true, currency: true, dueAt: false });
    await page.locator('#kind-deadline').check();
    expect(await visible()).toEqual({ value: false, currency: false, dueAt: true });

    // What the browser itself checks is filled in; the server refuses the rest (no figure, no source).
    await page.locator('#kind-count').check();
    await page.locator('#f-title').fill('Un titre');
    await page.locator('#f-statement').fill('Une déclaration.');
    await page.locator('#f-speaker').selectOption({ index: 1 });
    await page.locator('#f-saidAt').fill('20/12/2021');
    await page.locator('#f-definition').fill('des choses');
    await page.getByRole('button', { name: 'Enregistrer le brouillon' }).click();
    const summary = page.locator('.form-errors[role="alert"]');
    const links = summary.locator('a');
    expect([await links.count(), await links.nth(0).getAttribute('href'), await links.nth(1).getAttribute('href')]).toEqual([2, '#f-value', '#f-sourceOutlet']);
    for (const field of ['value', 'sourceOutlet']) {
      expect(await page.locator(`#f-${field}`).getAttribute('aria-invalid')).toBe('true');
      expect(await page.locator(`#f-${field}`).getAttribute('aria-describedby')).toBe(`f-${field}-error`);
      expect(await page.locator(`#f-${field}-error`).innerText()).not.toBe('');
    }
    expect(await page.locator('#f-title').inputValue()).toBe('Un titre');
    await page.screenshot({ path: path.join(SHOTS_DIR, 'editor-claim-refused-375.png'), fullPage: true });
    await page.close();
  });

  it('when an editor removes a measurement, then a page asks first, and the claim page then says it was done', async () => {
    const page = await editorContext.newPage();
    await page.goto(`${server.baseUrl}/editor/claims/${ids.claim}/measurements/${ids.measurement}/edit`);
    await page.getByRole('link', { name: /Retirer cette mesure/ }).click();
    await page.waitForURL('**/remove');
    expect(await page.locator('h1').innerText()).toBe('Retirer la mesure');
    // The seeded claim is published: the removal is announced as a correction, with its note.
    await page.getByLabel(/Cette modification corrige une erreur/).check();
    await page.getByLabel(/Note de correction/).fill('La mesure reprenait un chiffre provisoire.');
    await page.getByRole('button', { name: 'Retirer cette mesure' }).click();
    await page.waitForURL(/\/editor\/claims\/[0-9a-f]{24}$/);
    expect(await page.getByRole('status').innerText()).toBe('Mesure retirée.');
    expect(await page.locator(`[data-measurement-id="${ids.measurement}"]`).count()).toBe(0);
    // Shown once: the next page has no message.
    await page.reload();
    expect(await page.locator('.saved-notice').count()).toBe(0);
    await page.close();
  });
});
