import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { SEED_DATA } from '../../seed/data/seed-data';
import { embedHeight } from '../../server/services/oembed.service';
import { launchChromium, openWatchedPage } from '../helpers/browser';
import { ROOT, startServerProcess, stopServerProcess, type RunningServer } from '../helpers/server-process';

/** Kept after the run (test-results/ is git-ignored) so a person can look at the card. */
const SHOTS_DIR = path.join(ROOT, 'test-results', 'screenshots', 'embed');
const DARMANIN = 'darmanin-182000-faux-pass-sanitaires';

let dataDir: string;
let server: RunningServer;
let browser: Browser;

beforeAll(async () => {
  fs.mkdirSync(SHOTS_DIR, { recursive: true });
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ecart-e2e-embed-'));
  server = await startServerProcess({ DATA_DIR: dataDir });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await stopServerProcess(server);
  fs.rmSync(dataDir, { recursive: true, force: true });
});

/** A string expression: the test project has no DOM types, the browser runs it as is. */
const LAYOUT = `({
  scrollWidth: document.documentElement.scrollWidth,
  cardBottom: Math.ceil(document.querySelector('.embed-card').getBoundingClientRect().bottom),
  stylesheet: getComputedStyle(document.querySelector('.gap-panel')).backgroundColor,
})`;

interface Layout {
  scrollWidth: number;
  cardBottom: number;
  stylesheet: string;
}

/**
 * A publisher's article on another site than Écart's: a little server of its own, reached as
 * "localhost" while Écart is reached as 127.0.0.1 (another host and port, so another origin
 * and another site). Both are loopback addresses: Chromium refuses to let a public address
 * frame a local one whatever our policy says, which is not what this test is about.
 */
async function startPublisher(frames: { src: string; width: number; height: number }[]): Promise<{ url: string; close: () => Promise<void> }> {
  const iframes = frames.map((f) => `<iframe src="${f.src}" width="${f.width}" height="${f.height}" title="test"></iframe>`).join('\n');
  const html = `<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Article</title></head><body><p>Un article du journal.</p>${iframes}</body></html>`;
  const publisher = http.createServer((_req, res) => res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end(html));
  await new Promise<void>((resolve) => publisher.listen(0, '127.0.0.1', resolve));
  const { port } = publisher.address() as AddressInfo;
  return {
    url: `http://localhost:${port}/article`,
    close: () =>
      new Promise((resolve) => {
        // The browser keeps its connections alive; they would hold close() (and Jest) open.
        publisher.closeAllConnections();
        publisher.close(() => resolve());
      }),
  };
}

/** Polls `condition` for up to `ms`; the browser reports CSP refusals a moment after the load event. */
async function waitUntil(condition: () => boolean, ms = 3000): Promise<boolean> {
  const end = Date.now() + ms;
  while (!condition() && Date.now() < end) await new Promise((resolve) => setTimeout(resolve, 50));
  return condition();
}

describe('the embeddable card in a real browser', () => {
  it('when the card is opened 400 px wide, then it shows the gap without horizontal overflow, within the height oEmbed announces', async () => {
    const { page, problems } = await openWatchedPage(browser);
    await page.setViewportSize({ width: 400, height: 600 });
    await page.goto(`${server.baseUrl}/embed/claims/${DARMANIN}`);
    const panel = (await page.locator('.gap-panel').innerText()).replace(/[\s\u00a0\u202f]+/g, ' ');
    expect(panel).toContain('182 000 faux pass sanitaires');
    expect(panel).toContain('3 601 pass sur liste noire');
    expect(panel).toContain('Indicateur indirect');
    const layout = await page.evaluate<Layout>(LAYOUT);
    // The dark panel proves embed.css loaded under the strict CSP.
    expect(layout.stylesheet).toBe('rgb(22, 24, 29)');
    expect(layout.scrollWidth).toBeLessThanOrEqual(400);
    expect(layout.cardBottom).toBeLessThanOrEqual(embedHeight(400));
    const link = page.locator('.embed-card__more a');
    expect(await link.getAttribute('target')).toBe('_blank');
    expect(await link.getAttribute('rel')).toBe('noopener');
    await page.screenshot({ path: path.join(SHOTS_DIR, 'embed-400.png') });
    expect(fs.statSync(path.join(SHOTS_DIR, 'embed-400.png')).size).toBeGreaterThan(10_000);
    await page.setViewportSize({ width: 600, height: embedHeight(600) });
    await page.screenshot({ path: path.join(SHOTS_DIR, 'embed-600.png') });
    // The other shapes of gap, for a person to look at: a deadline, a sum of money, a claim without a figure.
    await page.setViewportSize({ width: 400, height: embedHeight(400) });
    for (const slug of ['ants-retour-normale-demain-matin', 'tes-appel-offres-5-millions-amesys', 'ants-aucune-perte-de-donnees']) {
      await page.goto(`${server.baseUrl}/embed/claims/${slug}`);
      await page.screenshot({ path: path.join(SHOTS_DIR, `embed-400-${slug}.png`) });
    }
    expect(problems).toEqual([]);
    await page.close();
  });

  it('when every seeded claim is embedded from 320 to 600 px wide, then none overflows sideways or outgrows its announced height', async () => {
    const page = await browser.newPage();
    const misfits: string[] = [];
    for (const width of [320, 400, 480, 600]) {
      await page.setViewportSize({ width, height: embedHeight(width) });
      for (const claim of SEED_DATA.claims) {
        await page.goto(`${server.baseUrl}/embed/claims/${claim.slug}`);
        const layout = await page.evaluate<Layout>(LAYOUT);
        if (layout.scrollWidth > width || layout.cardBottom > embedHeight(width)) misfits.push(`${claim.slug} at ${width}px: ${JSON.stringify(layout)}`);
      }
    }
    expect(misfits).toEqual([]);
    await page.close();
  });

  it("when a publisher's page on another site frames the card and a claim page, then only the card loads", async () => {
    const { page, problems } = await openWatchedPage(browser);
    const publisher = await startPublisher([
      { src: `${server.baseUrl}/embed/claims/${DARMANIN}`, width: 400, height: embedHeight(400) },
      { src: `${server.baseUrl}/claims/${DARMANIN}`, width: 400, height: 300 },
    ]);
    try {
      await page.goto(publisher.url);
      const card = page.frames().find((f) => f.url().endsWith(`/embed/claims/${DARMANIN}`));
      expect(card).toBeDefined();
      await card?.waitForSelector('.gap-panel');
      expect((await card?.locator('.gap-figure--factor').innerText())?.replace(/[\s\u202f]+/g, ' ')).toContain('50,5');
      await page.locator('iframe').first().screenshot({ path: path.join(SHOTS_DIR, 'embed-in-publisher-page.png') });
      // The claim page refuses to be framed: the browser reports it and shows no content of ours.
      const reported = await waitUntil(() => problems.some((p) => p.includes("frame-ancestors 'none'")));
      expect(reported).toBe(true);
      const others = page.frames().filter((f) => f !== page.mainFrame() && f !== card);
      expect(others).toHaveLength(1);
      expect(await others[0]?.locator('.gap-panel').count()).toBe(0);
      // Besides that refusal (the CSP report and the refused load), nothing went wrong: no error from the card.
      const refusal = (p: string) => p.includes("frame-ancestors 'none'") || p === `failed: ${server.baseUrl}/claims/${DARMANIN}`;
      expect(problems.filter((p) => !refusal(p))).toEqual([]);
    } finally {
      await page.close();
      await publisher.close();
    }
  });
});
