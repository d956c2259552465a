import mongoose from 'mongoose';
import Parser from 'rss-parser';
import request from 'supertest';
import { ClaimModel } from '../../../models/claim.model';
import { MeasurementModel } from '../../../models/measurement.model';
import { UpdateModel } from '../../../models/update.model';
import { pageText, startSeededApp, type SeededApp } from '../../helpers/seeded-app';
import { createTestAccount, csrfToken, logIn, type Agent } from '../../helpers/accounts';

const CLAIM = 'darmanin-182000-faux-pass-sanitaires';
const parser = new Parser();

let seeded: SeededApp;
let editor: Agent;
let token: string;

beforeAll(async () => {
  seeded = await startSeededApp();
  editor = await logIn(seeded.app, await createTestAccount('editor'));
  token = await csrfToken(editor, '/editor');
});
afterAll(async () => {
  await seeded.close();
});

async function readFeed(path: string) {
  const res = await request(seeded.app).get(path).expect(200);
  return { res, feed: await parser.parseString(res.text) };
}

async function publishedUpdateCount(filter: Record<string, unknown> = {}): Promise<number> {
  const published = new Set((await ClaimModel.find({ status: 'published', ...filter }, { _id: 1 }).lean()).map((c) => String(c._id)));
  return (await UpdateModel.find({}).lean()).filter((u) => published.has(String(u.claim))).length;
}

describe('feeds of updates', () => {
  it.each([
    ['/feed.xml', 'application/rss+xml; charset=utf-8'],
    ['/feed.atom', 'application/atom+xml; charset=utf-8'],
  ])('when %s is read by a real feed parser, then it has one item per update of a published claim, each with its own GUID and date', async (path, contentType) => {
    const { res, feed } = await readFeed(path);
    expect(res.headers['content-type']).toBe(contentType);
    expect(feed.items).toHaveLength(Math.min(50, await publishedUpdateCount()));
    const updates = await UpdateModel.find({}).lean();
    // RSS names it guid, Atom id.
    const guidOf = (item: Parser.Item): string => item.guid ?? (item as { id?: string }).id ?? '';
    for (const item of feed.items) {
      const id = guidOf(item).replace('urn:ecart:update:', '');
      const update = updates.find((u) => u._id.toHexString() === id);
      expect([guidOf(item), update?.at.toISOString()]).toEqual([`urn:ecart:update:${id}`, new Date(item.isoDate!).toISOString()]);
    }
    expect(new Set(feed.items.map(guidOf)).size).toBe(feed.items.length);
  });

  it('when the JSON Feed is read, then it is JSON Feed with the same items as the RSS feed', async () => {
    const res = await request(seeded.app).get('/feed.json').expect(200);
    expect(res.headers['content-type']).toBe('application/feed+json; charset=utf-8');
    const json = JSON.parse(res.text) as { version: string; items: { id: string }[] };
    expect(json.version).toBe('https://jsonfeed.org/version/1');
    const rss = await readFeed('/feed.xml');
    expect(json.items.map((i) => i.id)).toEqual(rss.feed.items.map((i) => i.guid));
  });

  it('when the 182 000 claim’s feed is read, then its items are that claim’s updates, titled with what happened and carrying the gap', async () => {
    const claim = (await ClaimModel.findOne({ slug: CLAIM }).lean())!;
    const { feed } = await readFeed(`/claims/${CLAIM}/feed.xml`);
    expect(feed.items).toHaveLength(await UpdateModel.countDocuments({ claim: claim._id }));
    const titles = feed.items.map((i) => i.title!.replace(/[\u00a0\u202f]/g, ' '));
    // A proxy measurement is titled as one, never as a share of the announcement.
    expect(titles).toContain(`${claim.title} : nouvelle mesure par un indicateur indirect, 3 601 pass sur liste noire`);
    expect(titles.join(' ')).not.toContain('% de l’annonce');
    expect(titles).toContain(`${claim.title} : déclaration publiée`);
    const measured = feed.items.find((i) => i.title!.includes('3 601') || i.title!.includes('3\u202f601'))!;
    expect(measured.link).toBe(`http://localhost:3000/claims/${CLAIM}`);
    const content = measured.content!.replace(/[\u00a0\u202f]/g, ' ');
    expect(content).toContain('Indicateur indirect : 3 601 pass sur liste noire ; il ne compte pas la même chose que l’annonce.');
    expect(content).toContain('Selon cet indicateur indirect, l’annonce est 50,5 fois plus élevée.');
    expect(content).not.toContain('2,0 %');
  });

  it.each(['/topics/pass-sanitaire/feed.xml', '/speakers/gerald-darmanin/feed.atom'])('when %s is read, then it parses and only holds updates of that topic’s or speaker’s claims', async (path) => {
    const { feed } = await readFeed(path);
    expect(feed.items.length).toBeGreaterThan(0);
    const slugs = new Set(feed.items.map((i) => i.link!.replace('http://localhost:3000/claims/', '')));
    const claims = await ClaimModel.find({ slug: mongoose.trusted({ $in: [...slugs] }) }).populate<{ topics: { slug: string }[]; speaker: { slug: string } }>('topics speaker').lean();
    for (const claim of claims) {
      if (path.startsWith('/topics')) expect(claim.topics.map((t) => t.slug)).toContain('pass-sanitaire');
      else expect(claim.speaker.slug).toBe('gerald-darmanin');
    }
    expect(claims).toHaveLength(slugs.size);
  });

  it.each(['/claims/nothing-here/feed.xml', '/topics/nothing/feed.json', '/speakers/nobody/feed.atom'])('when %s names nothing, then it is a 404', async (path) => {
    await request(seeded.app).get(path).expect(404);
  });

  it('when a reader asks again with the ETag or the Last-Modified date, then the answer is 304 with no body', async () => {
    const first = await request(seeded.app).get('/feed.xml').expect(200);
    expect(first.headers.etag).toBeDefined();
    expect(first.headers['last-modified']).toBeDefined();
    const again = await request(seeded.app).get('/feed.xml').set('If-None-Match', first.headers.etag as string).expect(304);
    expect(again.text).toBe('');
    await request(seeded.app).get('/feed.xml').set('If-Modified-Since', first.headers['last-modified'] as string).expect(304);
  });

  it('when a claim in the feed is edited after the reader’s copy, then If-Modified-Since gets the new feed, not a 304', async () => {
    const first = await request(seeded.app).get(`/claims/${CLAIM}/feed.atom`).expect(200);
    // HTTP dates have whole seconds: the edit must land in a later second than the last change.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    await ClaimModel.updateOne({ slug: CLAIM }, { $set: { title: 'Un titre corrigé pour le flux' } });
    const again = await request(seeded.app).get(`/claims/${CLAIM}/feed.atom`).set('If-Modified-Since', first.headers['last-modified'] as string).expect(200);
    expect(again.text).toContain('Un titre corrigé pour le flux');
  });

  it('when a measurement is published, then the site and claim feeds gain exactly one item; editing it changes no older item’s GUID or date', async () => {
    const claim = (await ClaimModel.findOne({ slug: CLAIM }).lean())!;
    const before = (await readFeed('/feed.xml')).feed.items;
    const beforeClaim = (await readFeed(`/claims/${CLAIM}/feed.xml`)).feed.items;
    await editor
      .post(`/editor/claims/${String(claim._id)}/measurements/new`)
      .type('form')
      .send({ _csrf: token, value: '4 000', asOf: '15/01/2022', definition: 'pass placés sur liste noire', unit: 'pass sur liste noire', sourceOutlet: 'Test' })
      .expect(303);
    const after = (await readFeed('/feed.xml')).feed.items;
    const afterClaim = (await readFeed(`/claims/${CLAIM}/feed.xml`)).feed.items;
    const added = after.filter((i) => !before.some((b) => b.guid === i.guid));
    expect(added).toHaveLength(1);
    expect(added[0]!.title!.replace(/[\u00a0\u202f]/g, ' ')).toContain('nouvelle mesure par un indicateur indirect, 4 000 pass sur liste noire');
    expect(afterClaim).toHaveLength(beforeClaim.length + 1);

    const measurement = (await MeasurementModel.findOne({ claim: claim._id, value: 4000 }).lean())!;
    await editor
      .post(`/editor/claims/${String(claim._id)}/measurements/${String(measurement._id)}/edit`)
      .type('form')
      .send({ _csrf: token, value: '4 100', asOf: '15/01/2022', definition: 'pass placés sur liste noire', unit: 'pass sur liste noire', sourceOutlet: 'Test', version: '0' })
      .expect(303);
    const edited = (await readFeed('/feed.xml')).feed.items;
    expect(edited.map((i) => [i.guid, i.isoDate])).toEqual(after.map((i) => [i.guid, i.isoDate]));
  });
});

describe('discovery', () => {
  it.each(['/', '/claims', `/claims/${CLAIM}`, '/nothing-here'])('when %s is read, then its head offers the site feeds', async (path) => {
    const res = await request(seeded.app).get(path);
    expect(res.text).toContain('<link rel="alternate" type="application/rss+xml" title="Écart\u00a0: toutes les mises à jour (RSS)" href="/feed.xml">');
    expect(res.text).toContain('type="application/atom+xml"');
    expect(res.text).toContain('type="application/feed+json"');
  });

  it('when a claim page is read, then its head and its foot offer that claim’s own feeds', async () => {
    const res = await request(seeded.app).get(`/claims/${CLAIM}`).expect(200);
    expect(res.text).toContain(`<link rel="alternate" type="application/rss+xml"`);
    expect(res.text).toContain(`href="/claims/${CLAIM}/feed.xml"`);
    expect(pageText(res.text)).toContain('Suivre cette déclaration RSS · Atom · JSON Feed');
  });

  it('when /feeds is read, then it lists the site feed and a feed per topic and speaker that all answer', async () => {
    const res = await request(seeded.app).get('/feeds').expect(200);
    const hrefs = [...res.text.matchAll(/href="(\/[^"]*feed\.(?:xml|atom|json))"/g)].map((m) => m[1]!);
    expect(hrefs).toContain('/feed.xml');
    expect(hrefs).toContain('/topics/pass-sanitaire/feed.atom');
    expect(hrefs).toContain('/speakers/gerald-darmanin/feed.json');
    for (const href of new Set(hrefs)) expect([href, (await request(seeded.app).get(href)).status]).toEqual([href, 200]);
  });
});
