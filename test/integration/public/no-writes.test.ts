import mongoose from 'mongoose';
import request from 'supertest';
import type { Express } from 'express';
import { createApp, SESSION_PATHS } from '../../../server/app';
import { startEmbeddedServer, type EmbeddedServer } from '../../../server/db/embedded';
import type { RenderCacheHandler } from '../../../server/middleware/render-cache';
import { ContentVersions } from '../../../server/services/content-version.service';
import { ClaimModel } from '../../../models/claim.model';
import { MeasurementModel } from '../../../models/measurement.model';
import { SessionModel } from '../../../models/session.model';
import { storeSnapshot } from '../../../server/services/sources/snapshot.service';
import { SEED_DATA } from '../../../seed/data/seed-data';
import { loadSeed } from '../../../seed/load-seed';
import { silentLogger, testConfig } from '../../helpers/app';
import { TEST_NOW } from '../../helpers/seeded-app';

/*
 * No public page writes to the database, and neither does an anonymous visit to the login
 * page: the embedded server counts every change it applies (serverStatus ecart.counters.writes),
 * and this file has a server of its own, so no other test's writes land in the count.
 */

const CLAIM = 'darmanin-182000-faux-pass-sanitaires';
const SPEAKER = 'gerald-darmanin';
const TOPIC = 'pass-sanitaire';

/** One URL per public GET route (pattern → URL); the test below checks the table is complete. */
const PUBLIC_URLS: Record<string, string> = {
  '/': '/',
  '/claims': '/claims?page=1',
  '/claims/:slug': `/claims/${CLAIM}`,
  '/search': '/search?q=pass%20sanitaire',
  '/speakers': '/speakers',
  '/topics': '/topics?page=1',
  '/speakers/:slug': `/speakers/${SPEAKER}`,
  '/topics/:slug': `/topics/${TOPIC}`,
  '/feeds': '/feeds',
  '/methode': '/methode',
  '/corrections': '/corrections',
  '/corrections/feed.xml': '/corrections/feed.xml',
  '/corrections/feed.atom': '/corrections/feed.atom',
  '/corrections/feed.json': '/corrections/feed.json',
  '/feed.xml': '/feed.xml',
  '/feed.atom': '/feed.atom',
  '/feed.json': '/feed.json',
  '/claims/:slug/feed.xml': `/claims/${CLAIM}/feed.xml`,
  '/claims/:slug/feed.atom': `/claims/${CLAIM}/feed.atom`,
  '/claims/:slug/feed.json': `/claims/${CLAIM}/feed.json`,
  '/topics/:slug/feed.xml': `/topics/${TOPIC}/feed.xml`,
  '/topics/:slug/feed.atom': `/topics/${TOPIC}/feed.atom`,
  '/topics/:slug/feed.json': `/topics/${TOPIC}/feed.json`,
  '/speakers/:slug/feed.xml': `/speakers/${SPEAKER}/feed.xml`,
  '/speakers/:slug/feed.atom': `/speakers/${SPEAKER}/feed.atom`,
  '/speakers/:slug/feed.json': `/speakers/${SPEAKER}/feed.json`,
  '/api/v1/claims': '/api/v1/claims',
  '/api/v1/claims/:slug': `/api/v1/claims/${CLAIM}`,
  '/api/v1/search': '/api/v1/search?q=Darm',
  '/api/v1/updates': '/api/v1/updates',
  '/api/v1/speakers': '/api/v1/speakers',
  '/api/v1/speakers/:slug': `/api/v1/speakers/${SPEAKER}`,
  '/api/v1/topics': '/api/v1/topics',
  '/api/v1/topics/:slug': `/api/v1/topics/${TOPIC}`,
  '/claims.csv': '/claims.csv',
  '/claims/:slug/measurements.csv': `/claims/${CLAIM}/measurements.csv`,
  '/claims/:slug/chart.svg': `/claims/${CLAIM}/chart.svg`,
  '/claims/:slug/chart.png': `/claims/${CLAIM}/chart.png`,
  '/claims/:slug/share.png': `/claims/${CLAIM}/share.png`,
  '/embed/claims/:slug': `/embed/claims/${CLAIM}`,
  '/oembed': `/oembed?url=${encodeURIComponent(`${testConfig().siteUrl}/claims/${CLAIM}`)}`,
  '/sitemap.xml': '/sitemap.xml',
  '/robots.txt': '/robots.txt',
  '/healthz': '/healthz',
  '/readyz': '/readyz',
  // A stored copy linked from the seeded claim's measurement: its id is known once stored (beforeAll).
  '/snapshots/:id': '/snapshots/(stored in beforeAll)',
};

/** Pages that answer something other than 200 on purpose, and must not write either. */
const OTHER_URLS = ['/claims/nothing-here', '/api/v1/claims/nothing-here', '/nothing-here', '/claims?page=abc', '/login', '/login?next=%2Feditor', '/editor'];

let server: EmbeddedServer;
let app: Express;

beforeAll(async () => {
  server = await startEmbeddedServer();
  await mongoose.connect(server.uri, { dbName: 'no_writes' });
  await mongoose.connection.syncIndexes();
  const config = testConfig();
  await loadSeed(SEED_DATA, { now: TEST_NOW, timeZone: config.timeZone });
  PUBLIC_URLS['/snapshots/:id'] = `/snapshots/${await storeLinkedSnapshot()}`;
  app = createApp({
    config,
    logger: silentLogger,
    database: { pingDatabase: async () => (await mongoose.connection.db!.admin().ping()).ok === 1 },
    clock: () => TEST_NOW,
    contentVersions: new ContentVersions({ clock: () => TEST_NOW, timeZone: config.timeZone }),
  });
});
afterAll(async () => {
  await mongoose.disconnect();
  await server.close();
});

/** A snapshot linked from a measurement of the published seeded claim, as the archive button leaves it. */
async function storeLinkedSnapshot(): Promise<string> {
  const bytes = Buffer.from('date;passes\n2021-12-29;3601\n');
  const stored = await storeSnapshot({ url: 'https://example.org/passes.csv', finalUrl: 'https://example.org/passes.csv', status: 200, contentType: 'text/csv', charset: 'utf-8', bytes, sha256: '', fetchedAt: TEST_NOW });
  const claim = (await ClaimModel.findOne({ slug: CLAIM }).lean())!;
  await MeasurementModel.updateOne({ claim: claim._id }, { $set: { 'source.snapshot': stored.id, 'source.snapshotAt': TEST_NOW } });
  return String(stored.id);
}

async function writes(): Promise<number> {
  const status = await mongoose.connection.db!.admin().command({ serverStatus: 1 });
  return (status as unknown as { ecart: { counters: { writes: number } } }).ecart.counters.writes;
}

/** Every GET route path the app has, from its routers (the API router is mounted on /api). */
function getRoutes(router: unknown, prefix = ''): string[] {
  const stack = (router as { stack?: { route?: { path: string; methods: Record<string, boolean> }; handle?: unknown }[] }).stack ?? [];
  return stack.flatMap((layer) => {
    if (layer.route) return layer.route.methods.get ? [`${prefix}${layer.route.path}`] : [];
    const inner = getRoutes(layer.handle);
    return inner.map((path) => (path.startsWith('/v1/') ? `/api${path}` : path));
  });
}

/** Each URL once, through the real render (not a cached copy), with the statuses seen. */
async function visitAll(urls: string[]): Promise<string[]> {
  const seen: string[] = [];
  for (const url of urls) {
    (app.locals.renderCache as RenderCacheHandler).clear();
    const res = await request(app).get(url);
    seen.push(`${res.status} ${url}`);
  }
  return seen;
}

describe('no database writes for anonymous visitors', () => {
  it('when the app’s routes are listed, then every public GET route has a URL in this test’s table', () => {
    const routes = getRoutes((app as unknown as { router: unknown }).router);
    const isPublic = (path: string) => !SESSION_PATHS.some((p) => path === p || path.startsWith(`${p}/`));
    expect(routes.filter(isPublic).filter((path) => !(path in PUBLIC_URLS))).toEqual([]);
    expect(routes.filter(isPublic).length).toBeGreaterThanOrEqual(30);
  });

  it('when every public page, the login page and some error pages are read after start-up has settled, then the database counts no write at all', async () => {
    const urls = [...Object.values(PUBLIC_URLS), ...OTHER_URLS];
    // Start-up may write once (content version, one-time backfills): let it happen, then measure.
    await visitAll(urls);
    await (app.locals.contentVersions as ContentVersions).settled();

    const before = await writes();
    const seen = await visitAll(urls);
    const after = await writes();
    expect(seen.filter((line) => Object.values(PUBLIC_URLS).some((url) => line === `200 ${url}`))).toHaveLength(Object.keys(PUBLIC_URLS).length);
    expect(after - before).toBe(0);
  });

  it('when 200 anonymous visitors open the login page, then no session is stored and nothing is written', async () => {
    await (app.locals.contentVersions as ContentVersions).settled();
    const before = await writes();
    for (let i = 0; i < 200; i += 1) {
      const res = await request(app).get('/login').expect(200);
      expect((res.headers['set-cookie'] as unknown as string[] | undefined)?.some((c) => c.startsWith('ecart.sid='))).toBeFalsy();
    }
    expect((await writes()) - before).toBe(0);
    expect(await SessionModel.countDocuments()).toBe(0);
  });

  it('when the counter is read around a write, then it moves (the measure above can fail)', async () => {
    const before = await writes();
    await SessionModel.collection.insertOne({ _id: 'probe' as never, expires: new Date() });
    expect((await writes()) - before).toBe(1);
    await SessionModel.collection.deleteOne({ _id: 'probe' as never });
  });
});
