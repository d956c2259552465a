/**
 * The render cache and the clock: a cached page that depends on "now" changes exactly when
 * its content does (a deadline passing, midnight), with no write involved; and the cache
 * keeps within its byte budget.
 */
import http, { type IncomingHttpHeaders } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import request from 'supertest';
import { ClaimModel } from '../../../models/claim.model';
import { SpeakerModel } from '../../../models/speaker.model';
import { createApp } from '../../../server/app';
import { storedClaimState } from '../../../server/services/claim-state.service';
import { negotiateEncoding, type RenderCacheHandler } from '../../../server/middleware/render-cache';
import type { ContentVersions } from '../../../server/services/content-version.service';
import { silentLogger, testConfig } from '../../helpers/app';
import { pageText, startSeededApp, type SeededApp } from '../../helpers/seeded-app';

const DEADLINE_CLAIM = '/claims/fichier-tes-operationnel-en-2017';

let now = new Date('2017-12-31T10:00:00Z');
let seeded: SeededApp;

beforeAll(async () => {
  seeded = await startSeededApp({ clock: () => now });
});
afterAll(async () => {
  await seeded.close();
});

const stats = (app = seeded.app) => (app.locals.renderCache as RenderCacheHandler).stats;

async function cachedText(path: string, app = seeded.app): Promise<string> {
  await (app.locals.contentVersions as ContentVersions).settled();
  const res = await request(app).get(path).expect(200);
  return pageText(res.text);
}

test('when the injected clock passes a cached deadline, then the page flips to overdue without any write', async () => {
  // Due at 15:00 in Paris, far from midnight, so only the deadline can change the page.
  const speaker = await SpeakerModel.findOne().lean();
  await ClaimModel.create({
    slug: 'echeance-de-test-a-15h',
    title: 'Une échéance de test à 15 h',
    statement: 'Ce sera fait à 15 heures.',
    speaker: speaker!._id,
    saidAt: new Date('2019-05-01T08:00:00Z'),
    status: 'published',
    publishedAt: new Date('2019-05-01T09:00:00Z'),
    announced: { kind: 'deadline', dueAt: new Date('2019-05-02T13:00:00Z'), definition: 'Fait à 15 h' },
    // Its stored state, as the writers keep it: without it, the next public list's one-off backfill would write it.
    tracking: { measurementCount: 0, delivered: false, ...storedClaimState({ kind: 'deadline', dueAt: new Date('2019-05-02T13:00:00Z') }, 0, false) },
  });
  now = new Date('2019-05-02T12:00:00Z');
  const before = await cachedText('/claims/echeance-de-test-a-15h');
  const hits = stats().hits;
  expect(await cachedText('/claims/echeance-de-test-a-15h')).toBe(before);
  expect(stats().hits).toBe(hits + 1);
  expect(before).not.toContain('Échéance passée');

  now = new Date('2019-05-02T13:30:00Z');
  const after = await cachedText('/claims/echeance-de-test-a-15h');
  expect(after).toContain('Échéance passée');
});

test('when midnight passes in the newsroom’s zone, then cached pages with relative days are rendered again', async () => {
  now = new Date('2020-03-10T12:00:00Z');
  await cachedText('/');
  const renders = stats().renders;
  await cachedText('/');
  expect(stats().renders).toBe(renders);
  now = new Date('2020-03-10T23:30:00Z'); // 00:30 on the 11th in Paris
  await cachedText('/');
  expect(stats().renders).toBe(renders + 1);
});

test('when pages exceed the byte budget, then the oldest are dropped and every page is still served', async () => {
  const app = createApp({
    config: testConfig(),
    logger: silentLogger,
    database: { pingDatabase: () => Promise.resolve(true) },
    clock: () => now,
    renderCacheBytes: 120_000,
  });
  const paths = ['/', '/claims', DEADLINE_CLAIM, '/feeds', '/feed.xml', '/api/v1/claims'];
  for (const path of paths) await cachedText(path, app);
  const cache = app.locals.renderCache as RenderCacheHandler;
  expect(cache.stats.stored).toBe(paths.length);
  expect(cache.size.bytes).toBeLessThanOrEqual(120_000);
  expect(cache.size.entries).toBeLessThan(paths.length);
  for (const path of paths) await request(app).get(path).expect(200);
});

test('when a public URL answers an error, then it carries none of the cache validators', async () => {
  await (seeded.app.locals.contentVersions as ContentVersions).settled();
  const res = await request(seeded.app).get('/claims/pas-une-declaration').expect(404);
  expect(res.headers.etag).toBeUndefined();
  expect(res.headers['last-modified']).toBeUndefined();
  expect(res.headers['cache-control'] ?? '').not.toContain('s-maxage');
});

/** A raw GET (no decompression) on a listening copy of the app. */
async function rawGet(path: string, headers: Record<string, string>): Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }> {
  const server = seeded.app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  try {
    const { port } = server.address() as AddressInfo;
    return await new Promise((resolve, reject) => {
      http
        .get({ host: '127.0.0.1', port, path, headers }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
        })
        .on('error', reject);
    });
  } finally {
    server.close();
  }
}

describe('compression of cached responses', () => {
  const PAGE = '/claims';

  beforeAll(async () => {
    await (seeded.app.locals.contentVersions as ContentVersions).settled();
    await rawGet(PAGE, {}); // rendered and stored
  });

  test('when a cached page is asked for with br or gzip, then it is sent compressed, decoding to the very bytes sent plain', async () => {
    const plain = await rawGet(PAGE, {});
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body.length).toBeGreaterThan(5_000);
    const br = await rawGet(PAGE, { 'Accept-Encoding': 'gzip, deflate, br' });
    expect(br.headers['content-encoding']).toBe('br');
    expect(brotliDecompressSync(br.body).equals(plain.body)).toBe(true);
    expect(br.body.length).toBeLessThan(plain.body.length / 3);
    const gz = await rawGet(PAGE, { 'Accept-Encoding': 'gzip;q=1, br;q=0' });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gz.body).equals(plain.body)).toBe(true);
    for (const res of [plain, br, gz]) expect(res.headers.vary).toMatch(/Accept-Encoding/);
    expect(new Set([plain.headers.etag, br.headers.etag, gz.headers.etag]).size).toBe(3);
    expect(Number(br.headers['content-length'])).toBe(br.body.length);
  });

  test('when If-None-Match names any encoding of the page, then the answer is 304 with the ETag of the encoding asked for', async () => {
    const br = await rawGet(PAGE, { 'Accept-Encoding': 'br' });
    const plain = await rawGet(PAGE, {});
    const notModified = await rawGet(PAGE, { 'Accept-Encoding': 'br', 'If-None-Match': plain.headers.etag! });
    expect(notModified.status).toBe(304);
    expect(notModified.headers.etag).toBe(br.headers.etag);
    expect((await rawGet(PAGE, { 'If-None-Match': `W/${br.headers.etag!}` })).status).toBe(304);
  });

  test('when the client refuses every encoding or asks for none, or the response is binary, then it is sent as is', async () => {
    expect((await rawGet(PAGE, { 'Accept-Encoding': 'identity' })).headers['content-encoding']).toBeUndefined();
    expect((await rawGet(PAGE, { 'Accept-Encoding': 'br;q=0, gzip;q=0' })).headers['content-encoding']).toBeUndefined();
    expect((await rawGet(PAGE, { 'Accept-Encoding': '*' })).headers['content-encoding']).toBe('br');
    const png = `${DEADLINE_CLAIM}/share.png`;
    await rawGet(png, {});
    const image = await rawGet(png, { 'Accept-Encoding': 'br, gzip' });
    expect(image.headers['content-type']).toBe('image/png');
    expect(image.headers['content-encoding']).toBeUndefined();
  });
});

test('when Accept-Encoding is parsed, then q-values and * decide, and brotli is preferred', () => {
  expect(negotiateEncoding(undefined)).toBeNull();
  expect(negotiateEncoding('gzip, deflate')).toBe('gzip');
  expect(negotiateEncoding('gzip, br')).toBe('br');
  expect(negotiateEncoding('br;q=0, gzip;q=0.5')).toBe('gzip');
  expect(negotiateEncoding('*;q=0')).toBeNull();
  expect(negotiateEncoding('*, br;q=0')).toBe('gzip');
  expect(negotiateEncoding('compress')).toBeNull();
});
