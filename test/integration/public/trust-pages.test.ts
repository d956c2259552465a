import mongoose, { Types } from 'mongoose';
import Parser from 'rss-parser';
import request from 'supertest';
import type { Express } from 'express';
import { ClaimModel } from '../../../models/claim.model';
import { CounterModel } from '../../../models/counter.model';
import { MeasurementModel } from '../../../models/measurement.model';
import { UpdateModel } from '../../../models/update.model';
import { VERDICT_SCALE } from '../../../models/verdict-scale';
import { createApp } from '../../../server/app';
import { publishCorrection } from '../../../server/services/editor-actions/action-steps';
import { backfillUpdateSummaries, UPDATE_SUMMARIES_MIGRATION } from '../../../server/services/update-summaries.service';
import { silentLogger, testConfig } from '../../helpers/app';
import { pageText, startSeededApp, TEST_NOW, type SeededApp } from '../../helpers/seeded-app';

const CLAIM = 'darmanin-182000-faux-pass-sanitaires';
const parser = new Parser();

let seeded: SeededApp;
let english: Express;
const corrections: { slug: string; text: string; at: Date }[] = [];

beforeAll(async () => {
  seeded = await startSeededApp();
  english = createApp({
    config: testConfig({ SITE_LOCALE: 'en' }),
    logger: silentLogger,
    database: { pingDatabase: async () => (await mongoose.connection.db!.admin().ping()).ok === 1 },
    clock: () => TEST_NOW,
  });
  const published = await ClaimModel.find({ status: 'published' }, { slug: 1 }).sort({ slug: 1 }).limit(2).lean();
  // Three corrections on two claims, written out of date order: the page must sort them.
  const plan = [
    { slug: published[0]!.slug, text: 'Deuxième correction : le chiffre venait d’un autre article.', at: new Date('2026-03-02T10:00:00Z') },
    { slug: published[1]!.slug, text: 'Première correction.', at: new Date('2026-02-01T10:00:00Z') },
    { slug: published[1]!.slug, text: 'Troisième correction.', at: new Date('2026-04-03T10:00:00Z') },
  ];
  for (const c of plan) {
    const doc = await ClaimModel.findOne({ slug: c.slug }).orFail();
    await publishCorrection(doc, c.text, c.at);
    corrections.push(c);
  }
  corrections.sort((a, b) => b.at.getTime() - a.at.getTime());
});
afterAll(async () => {
  await seeded.close();
});

describe('the method page', () => {
  it('when /methode is read, then it explains every verdict of the scale, in order, and the zone days are counted in', async () => {
    const res = await request(seeded.app).get('/methode').expect(200);
    const text = pageText(res.text);
    const labels = ['Faux', 'Trompeur', 'Non démontré', 'En partie vrai', 'Vrai'];
    expect(VERDICT_SCALE.map((v) => v.key)).toEqual(['false', 'misleading', 'unproven', 'partly-true', 'true']);
    const positions = labels.map((l) => text.indexOf(`${l} `, text.indexOf('Les verdicts')));
    expect(positions.every((p) => p > 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    expect(text).toContain('Europe/Paris');
    expect(text).toContain('Indicateur indirect');
    expect(res.text).toContain('href="/corrections"');
  });

  it('when the English site serves /methode, then it is titled "Method" and has no French punctuation', async () => {
    const res = await request(english).get('/methode').expect(200);
    expect(res.text).toMatch(/<h1>Method<\/h1>/);
    expect(res.text).not.toMatch(/[«»]|\s:/);
  });

  it('when any page is read, then the footer links to the method and the corrections', async () => {
    const res = await request(seeded.app).get('/').expect(200);
    expect(res.text).toContain('<a href="/methode">Méthode</a>');
    expect(res.text).toContain('<a href="/corrections">Corrections</a>');
  });
});

describe('the corrections page and its feeds', () => {
  it('when /corrections is read, then every public correction is listed newest first, each linking to its claim', async () => {
    const res = await request(seeded.app).get('/corrections').expect(200);
    const text = pageText(res.text);
    const positions = corrections.map((c) => text.indexOf(pageText(c.text)));
    expect(positions.every((p) => p > 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    for (const c of corrections) expect(res.text).toContain(`href="/claims/${c.slug}"`);
    // The French note gets its no-break space at display, not in the database.
    expect(res.text).toContain('Deuxième correction\u00a0:');
    expect(await ClaimModel.exists({ 'corrections.text': 'Deuxième correction : le chiffre venait d’un autre article.' })).toBeTruthy();
  });

  it('when a corrected claim is unpublished, then its corrections leave the page, and come back when it is republished', async () => {
    const slug = corrections[0]!.slug;
    const claim = await ClaimModel.findOne({ slug }).orFail();
    await UpdateModel.updateMany({ claim: claim._id }, { $set: { public: false } });
    expect(pageText((await request(seeded.app).get('/corrections').expect(200)).text)).not.toContain('Troisième correction');
    await UpdateModel.updateMany({ claim: claim._id }, { $set: { public: true } });
    expect(pageText((await request(seeded.app).get('/corrections').expect(200)).text)).toContain('Troisième correction');
  });

  it('when a page past the last or a malformed page is asked for, then 404 and 400', async () => {
    await request(seeded.app).get('/corrections?page=2').expect(404);
    await request(seeded.app).get('/corrections?page=x').expect(400);
  });

  it.each(['/corrections/feed.xml', '/corrections/feed.atom'])('when %s is read by a real feed parser, then it holds the corrections only, newest first', async (path) => {
    const res = await request(seeded.app).get(path).expect(200);
    expect(res.headers['cache-control']).toBe('public, max-age=300');
    const feed = await parser.parseString(res.text);
    expect(feed.items).toHaveLength(corrections.length);
    expect(feed.items.map((i) => new Date(i.isoDate!).toISOString())).toEqual(corrections.map((c) => c.at.toISOString()));
    expect(feed.items.map((i) => i.link?.replace(/^.*\/claims\//, ''))).toEqual(corrections.map((c) => c.slug));
    const ids = (await UpdateModel.find({ kind: 'correction' }, { _id: 1 }).lean()).map((u) => `urn:ecart:update:${u._id.toHexString()}`);
    for (const item of feed.items) expect(ids).toContain(item.guid ?? (item as { id?: string }).id);
  });

  it('when the JSON feed is read, then it lists the same corrections, newest first', async () => {
    const res = await request(seeded.app).get('/corrections/feed.json').expect(200);
    expect(res.headers['content-type']).toBe('application/feed+json; charset=utf-8');
    const json = JSON.parse(res.text) as { feed_url: string; items: { date_published: string; content_text: string }[] };
    expect(json.feed_url).toMatch(/\/corrections\/feed\.json$/);
    expect(json.items.map((i) => i.date_published)).toEqual(corrections.map((c) => c.at.toISOString()));
    expect(json.items[0]!.content_text).toContain('Troisième correction.');
  });
});

describe('the claim page', () => {
  it('when a claim page is read, then it says when it was last updated, from tracking.lastUpdateAt, and links to the method', async () => {
    const claim = await ClaimModel.findOne({ slug: CLAIM }).lean().orFail();
    const res = await request(seeded.app).get(`/claims/${CLAIM}`).expect(200);
    expect(res.text).toMatch(new RegExp(`class="claim__updated">Mis à jour le <time datetime="${claim.tracking.lastUpdateAt!.toISOString()}">`));
    expect(res.text).toContain('href="/methode#ecart"');
  });

  it('when a source has an archived copy, then both links show; without one, no archive link is made up', async () => {
    const claim = await ClaimModel.findOne({ slug: CLAIM }).orFail();
    const url = claim.sources[0]!.url;
    claim.sources[0]!.archiveUrl = 'https://web.archive.org/web/2021/https://example.org/article';
    await claim.save();
    const res = await request(seeded.app).get(`/claims/${CLAIM}`).expect(200);
    const sources = res.text.slice(res.text.indexOf('id="sources-title"'));
    if (url) expect(sources).toContain(`href="${url}"`);
    expect(sources).toContain('href="https://web.archive.org/web/2021/https://example.org/article"');
    expect((sources.match(/class="source__archive"/g) ?? []).length).toBe(1);
  });

  it('when the English site shows a claim, then no French colon, guillemet or "Non attribué" leaks into its interface', async () => {
    const res = await request(english).get(`/claims/${CLAIM}`).expect(200);
    expect(res.text).toContain('What is counted:');
    expect(res.text).toMatch(/class="claim__updated">Updated <time/);
    const page = await request(english).get('/claims').expect(200);
    expect(page.text).not.toContain('Non attribué');
    expect(page.text).toContain('Unattributed');
  });
});

describe('update summaries', () => {
  it('when the same measurement update is read on the French and the English sites, then each writes it in its language', async () => {
    const update = await UpdateModel.findOne({ kind: 'measurement-added', public: true }).sort({ at: -1 }).lean().orFail();
    expect(update.summaryData?.definition).toBeTruthy();
    const claim = await ClaimModel.findById(update.claim, { slug: 1 }).lean().orFail();
    const frJson = JSON.parse((await request(seeded.app).get(`/claims/${claim.slug}/feed.json`).expect(200)).text) as { items: { id: string; content_text: string }[] };
    const enJson = JSON.parse((await request(english).get(`/claims/${claim.slug}/feed.json`).expect(200)).text) as { items: { id: string; content_text: string }[] };
    const id = `urn:ecart:update:${update._id.toHexString()}`;
    expect(frJson.items.find((i) => i.id === id)?.content_text).toContain(`Nouvelle mesure\u00a0: ${update.summaryData!.definition!.slice(0, 20)}`);
    expect(enJson.items.find((i) => i.id === id)?.content_text).toContain(`New measurement: ${update.summaryData!.definition!.slice(0, 20)}`);
  });

  it('when old updates hold only their text, then the backfill gives them data from their subjects once, keeps the text when the subject is gone, and does nothing the second time', async () => {
    const claim = await ClaimModel.findOne({ slug: CLAIM }).lean().orFail();
    const measurement = await MeasurementModel.findOne({ claim: claim._id }).lean().orFail();
    const at = new Date('2026-05-01T00:00:00Z');
    const [withSubject, gone] = await UpdateModel.create([
      { claim: claim._id, kind: 'measurement-added', at, subject: new Types.ObjectId(), summary: 'Nouvelle mesure : ancienne' },
      { claim: claim._id, kind: 'event-added', at, subject: new Types.ObjectId(), summary: 'Événement disparu', public: true },
    ]);
    // The first one's subject is the real measurement (the unique key forbids a second update for it: that one is removed first).
    await UpdateModel.deleteOne({ kind: 'measurement-added', subject: measurement._id });
    await UpdateModel.updateOne({ _id: withSubject!._id }, { $set: { subject: measurement._id } });
    await CounterModel.collection.deleteOne({ _id: UPDATE_SUMMARIES_MIGRATION } as never);

    const first = await backfillUpdateSummaries();
    expect(first.updated).toBeGreaterThanOrEqual(1);
    expect((await UpdateModel.findById(withSubject!._id).lean())?.summaryData).toEqual({ definition: measurement.definition });
    const kept = await UpdateModel.findById(gone!._id).lean();
    expect([kept?.summaryData, kept?.summary]).toEqual([undefined, 'Événement disparu']);
    expect(await CounterModel.exists({ _id: UPDATE_SUMMARIES_MIGRATION })).toBeTruthy();

    expect(await backfillUpdateSummaries()).toEqual({ updated: 0, kept: 0 });
    expect((await UpdateModel.findById(withSubject!._id).lean())?.summaryData).toEqual({ definition: measurement.definition });
  });
});
