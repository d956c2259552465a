/**
 * The claim chart on the page, its downloads, the share image and its meta tags, on the
 * seeded app; and the PNGs rendered once per content version.
 */
import request from 'supertest';
import { ClaimModel } from '../../../models/claim.model';
import type { RenderCacheHandler } from '../../../server/middleware/render-cache';
import type { ContentVersions } from '../../../server/services/content-version.service';
import { pngRenderCount } from '../../../server/services/svg-render.service';
import { startSeededApp, type SeededApp } from '../../helpers/seeded-app';

const SLUG = 'darmanin-182000-faux-pass-sanitaires';
let seeded: SeededApp;

beforeAll(async () => {
  seeded = await startSeededApp();
});
afterAll(async () => {
  await seeded.close();
});

function binary(res: request.Response, done: (err: Error | null, body: Buffer) => void): void {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => done(null, Buffer.concat(chunks)));
}

async function png(path: string): Promise<Buffer> {
  await (seeded.app.locals.contentVersions as ContentVersions).settled();
  const res = await request(seeded.app).get(path).buffer(true).parse(binary).expect(200);
  expect(res.headers['content-type']).toBe('image/png');
  return res.body as Buffer;
}

test('when a claim has measurements, then its page shows the chart as an image with a title, a desc stating the gap, and the data table', async () => {
  const res = await request(seeded.app).get(`/claims/${SLUG}`).expect(200);
  expect(res.text).toMatch(/<svg class="chart__svg"[^>]*role="img" aria-labelledby="chart-wide-title chart-wide-desc"/);
  expect(res.text).toContain('<title id="chart-wide-title">');
  const desc = /<desc id="chart-wide-desc">([^<]*)<\/desc>/.exec(res.text)![1]!;
  expect(desc).toContain('182\u202f000 faux pass sanitaires');
  expect(desc).toContain('3\u202f601 pass sur liste noire');
  expect(desc).toContain('indicateur indirect');
  expect(desc).toContain('Échelle logarithmique');
  expect(res.text).toMatch(/<table class="chart__table">\s*<caption>Les données du graphique<\/caption>/);
  expect(res.text.match(/<tr class="chart__row--proxy">/g)).toHaveLength(2);
  expect(res.text).toContain(`href="/claims/${SLUG}/measurements.csv"`);
  expect(res.text).not.toMatch(/ style="/);
});

test('when the chart is downloaded, then SVG and PNG answer with their content types', async () => {
  const svg = await request(seeded.app).get(`/claims/${SLUG}/chart.svg`).expect(200);
  expect(svg.headers['content-type']).toBe('image/svg+xml; charset=utf-8');
  expect(String(svg.body instanceof Buffer ? svg.body.toString('utf8') : svg.text)).toContain('xmlns="http://www.w3.org/2000/svg"');
  const image = await png(`/claims/${SLUG}/chart.png`);
  expect(image.subarray(1, 4).toString('ascii')).toBe('PNG');
  expect(image.readUInt32BE(16)).toBe(1600);
});

test('when a claim page is served, then og:image is the absolute share image with its size and text, and the card is large', async () => {
  const res = await request(seeded.app).get(`/claims/${SLUG}`).expect(200);
  expect(res.text).toMatch(new RegExp(`<meta property="og:image" content="https?://[^"]+/claims/${SLUG}/share\\.png">`));
  expect(res.text).toContain('<meta property="og:image:width" content="1200">');
  expect(res.text).toContain('<meta property="og:image:height" content="630">');
  expect(res.text).toMatch(/<meta property="og:image:alt" content="Gérald Darmanin : 182[^"]*Trompeur\.">/);
  expect(res.text).toContain('<meta name="twitter:card" content="summary_large_image">');
  const share = await png(`/claims/${SLUG}/share.png`);
  expect([share.readUInt32BE(16), share.readUInt32BE(20)]).toEqual([1200, 630]);
});

test('when a share image is asked twice, then it is rendered once; after a write to the claim, it is rendered again, and differs', async () => {
  const path = `/claims/${SLUG}/share.png`;
  const first = await png(path);
  const renders = pngRenderCount();
  const hits = (seeded.app.locals.renderCache as RenderCacheHandler).stats.hits;
  expect((await png(path)).equals(first)).toBe(true);
  expect(pngRenderCount()).toBe(renders);
  expect((seeded.app.locals.renderCache as RenderCacheHandler).stats.hits).toBe(hits + 1);

  await ClaimModel.updateOne({ slug: SLUG }, { $set: { title: 'Gérald Darmanin : 182 000 faux pass, titre corrigé' } });
  const after = await png(path);
  expect(pngRenderCount()).toBe(renders + 1);
  expect(after.equals(first)).toBe(false);
});

test('when the claim is unknown or has nothing to plot, then the chart files are 404 and a share image still exists for a published claim', async () => {
  await request(seeded.app).get('/claims/pas-de-telle-declaration/share.png').expect(404);
  await request(seeded.app).get('/claims/pas-de-telle-declaration/chart.svg').expect(404);
  // A qualitative claim: no chart, but a share image.
  await request(seeded.app).get('/claims/ants-aucune-perte-de-donnees/chart.svg').expect(404);
  await png('/claims/ants-aucune-perte-de-donnees/share.png');
  const page = await request(seeded.app).get('/claims/ants-aucune-perte-de-donnees').expect(200);
  expect(page.text).not.toContain('chart__svg');
  // A deadline whose only check is dated to the month and undated in delivery has no place on a line of days.
  await request(seeded.app).get('/claims/ants-retour-normale-demain-matin/chart.svg').expect(404);
});

test('when claim cards show a measured figure, then they carry the gap bar with its text alternative', async () => {
  const res = await request(seeded.app).get('/claims').expect(200);
  expect(res.text).toMatch(/<svg class="gap-bar__svg"[^>]*role="img" aria-label="Mesuré\u00a0: 3\u202f601 pass sur liste noire, pour 182\u202f000 faux pass sanitaires annoncés \(barres à l’échelle logarithmique\)\. La mesure est un indicateur indirect\."/);
});
