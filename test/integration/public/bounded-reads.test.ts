import mongoose, { Types } from 'mongoose';
import request from 'supertest';
import { ClaimModel } from '../../../models/claim.model';
import { MeasurementModel } from '../../../models/measurement.model';
import { SpeakerModel } from '../../../models/speaker.model';
import { TopicModel } from '../../../models/topic.model';
import { UpdateModel } from '../../../models/update.model';
import { createApp } from '../../../server/app';
import { ContentVersions } from '../../../server/services/content-version.service';
import type { RenderCacheHandler } from '../../../server/middleware/render-cache';
import { startEmbeddedServer, type EmbeddedServer } from '../../../server/db/embedded';
import { refreshPublishedCounts, updatePublicState } from '../../../server/services/claim-public-state.service';
import { silentLogger, testConfig } from '../../helpers/app';
import { TEST_NOW } from '../../helpers/seeded-app';

/*
 * Whatever the totals, a public page reads what it shows. The engine counts every document and
 * index entry it reads; this file has an embedded server of its own, so no other test's
 * queries land in the counts, and measures each URL through the real app.
 */

const CORE = 60;
const HOUR = 3_600_000;
let server: EmbeddedServer;
let app: ReturnType<typeof createApp>;

beforeAll(async () => {
  mongoose.set('sanitizeFilter', true);
  server = await startEmbeddedServer();
  await mongoose.connect(server.uri, { dbName: 'bounded' });
  await mongoose.connection.syncIndexes();
  app = createApp({
    config: testConfig(),
    logger: silentLogger,
    database: { pingDatabase: () => Promise.resolve(true) },
    clock: () => TEST_NOW,
    // Polled rarely here, so the version's own reads never land in a page's counts.
    contentVersions: new ContentVersions({ clock: () => TEST_NOW, timeZone: testConfig().timeZone, pollMs: 3_600_000 }),
  });
});
afterAll(async () => {
  await mongoose.disconnect();
  await server.close();
});

interface Counters {
  docsExamined: number;
  keysExamined: number;
}

async function counters(): Promise<Counters> {
  const status = await mongoose.connection.db!.admin().command({ serverStatus: 1 });
  return (status as unknown as { ecart: { counters: Counters } }).ecart.counters;
}

async function examinedBy(url: string): Promise<Counters> {
  await (app.locals.contentVersions as ContentVersions).settled();
  // What a render reads, not a cached copy.
  (app.locals.renderCache as RenderCacheHandler).clear();
  const before = await counters();
  await request(app).get(url).expect(200);
  const after = await counters();
  return { docsExamined: after.docsExamined - before.docsExamined, keysExamined: after.keysExamined - before.keysExamined };
}

/**
 * `total` published claims as the app writes them: the newest CORE by speaker "core" on topic
 * "core", each with its publication update carrying the claim's public state; the rest, older,
 * by another speaker on another topic. Pages and feeds show the same items at any total.
 */
async function buildDataset(total: number): Promise<void> {
  await Promise.all(Object.values(mongoose.connection.collections).map((c) => c.deleteMany({})));
  const [core, other] = await SpeakerModel.insertMany([
    { slug: 'core', name: 'Core Speaker', publishedClaims: 0 },
    { slug: 'other', name: 'Other Speaker', publishedClaims: 0 },
  ]);
  const [coreTopic, otherTopic] = await TopicModel.insertMany([
    { slug: 'core', name: 'Core', publishedClaims: 0 },
    { slug: 'other', name: 'Other', publishedClaims: 0 },
  ]);
  const claims = Array.from({ length: total }, (_, i) => {
    const inCore = i < CORE;
    const at = new Date(TEST_NOW.getTime() - (i + 1) * HOUR);
    return {
      _id: new Types.ObjectId(),
      slug: `claim-${i}`,
      title: `Claim ${i}`,
      statement: `Statement ${i}`,
      speaker: inCore ? core!._id : other!._id,
      topics: [inCore ? coreTopic!._id : otherTopic!._id],
      saidAt: new Date(at.getTime() - 30 * 24 * HOUR),
      status: 'published' as const,
      publishedAt: at,
      announced: { kind: 'count' as const, value: 1000 + i, definition: 'things counted' },
      tracking: { measurementCount: 1, lastUpdateAt: at, gapScore: (total - i) / total, headlineValue: 500, headlineAsOf: at },
      createdAt: at,
      updatedAt: at,
    };
  });
  for (let i = 0; i < claims.length; i += 1000) await ClaimModel.insertMany(claims.slice(i, i + 1000));
  const updates = claims.map((c) => ({ claim: c._id, kind: 'claim-published' as const, subject: c._id, at: c.publishedAt, summary: c.title, ...updatePublicState(c) }));
  for (let i = 0; i < updates.length; i += 1000) await UpdateModel.insertMany(updates.slice(i, i + 1000));
  await MeasurementModel.create({ claim: claims[0]!._id, value: 500, asOf: claims[0]!.publishedAt, definition: 'things counted', sameQuantity: true, source: { outlet: 'Insee' } });
  await refreshPublishedCounts([core!._id, other!._id], [coreTopic!._id, otherTopic!._id]);
}

const URLS = [
  '/claims/claim-0',
  '/claims',
  '/claims?sort=gap',
  '/claims?topic=core',
  '/claims?speaker=core&page=2',
  '/feed.xml',
  '/claims/claim-0/feed.xml',
  '/topics/core/feed.xml',
  '/speakers/core/feed.xml',
  '/api/v1/claims',
  '/',
  '/speakers/core',
  '/topics/core',
  '/speakers',
  '/topics',
];

/**
 * Read too, but not bounded on both counts: /api/v1/updates reads the same documents but its
 * total counts index entries (every public update, no document decoded).
 */
const LOOSER = ['/api/v1/updates'];

/**
 * The speaker and topic whose claims grow with the total: their pages list the latest 50 and
 * read the scorecard kept on write, so they read about as much at 5 000 claims as at 100.
 */
const GROWING = ['/speakers/other', '/topics/other'];

async function examineAll(total: number): Promise<Record<string, Counters>> {
  await buildDataset(total);
  // The first request of a process runs the one-off backfill check; it is not a page's work.
  await request(app).get('/claims').expect(200);
  const figures: Record<string, Counters> = {};
  for (const url of [...URLS, ...LOOSER, ...GROWING]) figures[url] = await examinedBy(url);
  return figures;
}

describe('bounded reads', () => {
  it('when the site has 5 000 published claims instead of 100, then each page, feed and API list reads the same documents and index entries', async () => {
    const small = await examineAll(100);
    const large = await examineAll(5000);
    expect(await ClaimModel.countDocuments({ status: 'published' })).toBe(5000);
    process.stdout.write(`docs/keys examined at 100 → 5 000 claims:\n${[...URLS, ...LOOSER].map((u) => `  ${u}: ${small[u]!.docsExamined}/${small[u]!.keysExamined} → ${large[u]!.docsExamined}/${large[u]!.keysExamined}`).join('\n')}\n`);
    for (const url of URLS) expect({ url, ...large[url] }).toEqual({ url, ...small[url] });
    expect(large['/api/v1/updates']!.docsExamined).toBe(small['/api/v1/updates']!.docsExamined);
    // And small: a page reads about what it shows, far below the 5 000 claims.
    for (const url of [...URLS, ...LOOSER]) expect(large[url]!.docsExamined).toBeLessThan(250);
    // 4 940 claims by "other": its page reads its latest 50 and one scorecard, never the rest.
    for (const url of GROWING) {
      expect(large[url]!.docsExamined).toBeLessThan(60);
      expect(large[url]!.keysExamined).toBeLessThan(60);
    }
  });

  it('when a claim list or feed is asked for, then the page shows the newest items of the whole set', async () => {
    await buildDataset(300);
    const feed = await request(app).get('/topics/core/feed.xml').expect(200);
    expect(feed.text).toContain('Claim 0');
    expect(feed.text).not.toContain('Claim 60<');
    const api = await request(app).get('/api/v1/claims?topic=core').expect(200);
    expect(api.body.pagination).toMatchObject({ total: CORE, pageCount: 3 });
    expect((await request(app).get('/api/v1/claims').expect(200)).body.pagination).toMatchObject({ total: 300 });
  });
});
