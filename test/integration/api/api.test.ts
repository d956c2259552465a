import { trusted } from 'mongoose';
import request from 'supertest';
import { ClaimModel } from '../../../models/claim.model';
import { MeasurementModel } from '../../../models/measurement.model';
import { SpeakerModel } from '../../../models/speaker.model';
import { UpdateModel } from '../../../models/update.model';
import { SEED_DATA } from '../../../seed/data/seed-data';
import { testConfig } from '../../helpers/app';
import { startSeededApp, TEST_NOW, type SeededApp } from '../../helpers/seeded-app';
import { refreshPublishedCounts, updatePublicState } from '../../../server/services/claim-public-state.service';

const SITE_URL = testConfig().siteUrl;
const DARMANIN = 'darmanin-182000-faux-pass-sanitaires';

let seeded: SeededApp;
beforeAll(async () => {
  seeded = await startSeededApp();
});
afterAll(async () => {
  await seeded.close();
});

/** The parts of the API's answers these tests read. */
interface Row {
  id: string;
  slug: string;
  url: string;
  state: string;
  kind: string;
  summary: string;
  daysAfterAnnouncement: number | null;
}
interface List {
  data: Row[];
  pagination: { page: number; pageCount: number; total: number; perPage: number };
}
interface ErrorBody {
  error: { status: number; message: string; details: Record<string, string> };
}
interface ClaimBody {
  data: Row & {
    announced: { dueAt: string | null };
    saidAt: string;
    headline: unknown;
    verdict: unknown;
    gap: { daysOverdue?: number };
    measurements: (Row & { source: unknown })[];
    timeline: Row[];
  };
}
const slugsOf = (body: List) => body.data.map((c) => c.slug);

async function getJson<T = List>(path: string, status = 200): Promise<{ body: T; headers: Record<string, string> }> {
  const res = await request(seeded.app).get(path);
  expect(res.status).toBe(status);
  expect(res.type).toBe('application/json');
  return { body: res.body as T, headers: res.headers };
}

describe('GET /api/v1/claims', () => {
  it('when no filter is given, then every published claim is listed with an absolute url, in the order of /claims', async () => {
    const res = await getJson('/api/v1/claims');
    const stored = await ClaimModel.find({ status: 'published' }).sort({ 'tracking.lastUpdateAt': -1, _id: -1 }).lean();
    expect(slugsOf(res.body)).toEqual(stored.map((c) => c.slug));
    expect(res.body.pagination).toEqual({ page: 1, pageCount: 1, total: SEED_DATA.claims.length, perPage: 20 });
    for (const claim of res.body.data) expect(claim.url).toBe(`${SITE_URL}/claims/${claim.slug}`);
    expect(res.headers['cache-control']).toBe('public, max-age=60');
  });

  it('when there are more claims than a page holds, then page 1 and 2 split them without overlap and a page beyond is empty', async () => {
    const template = await ClaimModel.findOne({ slug: 'attal-plan-100-millions-cyberattaques' }).lean();
    await ClaimModel.insertMany(
      Array.from({ length: 25 }, (_, i) => ({
        ...template,
        _id: undefined,
        slug: `api-test-claim-${String(i).padStart(2, '0')}`,
        title: `API test ${i}`,
        tracking: { ...template!.tracking, lastUpdateAt: new Date(Date.UTC(2000, 0, 1 + i)) },
      })),
    );
    // The counts the publishing use-case keeps, for claims inserted behind its back.
    await refreshPublishedCounts([template!.speaker], template!.topics);
    try {
      const total = await ClaimModel.countDocuments({ status: 'published' });
      expect(total).toBe(SEED_DATA.claims.length + 25);
      const one = (await getJson('/api/v1/claims')).body;
      const two = (await getJson('/api/v1/claims?page=2')).body;
      expect(one.data).toHaveLength(20);
      expect(two.data).toHaveLength(total - 20);
      expect(slugsOf(one).filter((s) => slugsOf(two).includes(s))).toEqual([]);
      expect(two.pagination).toEqual({ page: 2, pageCount: 2, total, perPage: 20 });
      // Past the end is not an error: the pagination says how many pages there are.
      const beyond = (await getJson('/api/v1/claims?page=3')).body;
      expect(beyond).toEqual({ data: [], pagination: { page: 3, pageCount: 2, total, perPage: 20 } });
    } finally {
      await ClaimModel.deleteMany({ slug: trusted({ $regex: '^api-test-claim-' }) });
      await refreshPublishedCounts([template!.speaker], template!.topics);
    }
  });

  it('when filtered by topic, speaker, verdict or state, then only matching claims are listed', async () => {
    expect(slugsOf((await getJson('/api/v1/claims?topic=pass-sanitaire')).body)).toEqual([DARMANIN]);
    const attal = SEED_DATA.claims.filter((c) => c.speaker === 'gabriel-attal').map((c) => c.slug);
    expect(attal.length).toBeGreaterThan(0);
    expect(slugsOf((await getJson('/api/v1/claims?speaker=gabriel-attal')).body).sort()).toEqual(attal.sort());
    const misleading = await ClaimModel.find({ status: 'published', 'verdict.rating': 'misleading' }).lean();
    expect(misleading.length).toBeGreaterThan(0);
    expect(slugsOf((await getJson('/api/v1/claims?verdict=misleading')).body).sort()).toEqual(misleading.map((c) => c.slug).sort());
    const measured = (await getJson('/api/v1/claims?state=measured')).body;
    const awaiting = (await getJson('/api/v1/claims?state=awaiting')).body;
    expect(slugsOf(measured)).toContain(DARMANIN);
    expect(slugsOf(awaiting)).toContain('attal-plan-100-millions-cyberattaques');
    expect(measured.data.every((c) => c.state === 'measured')).toBe(true);
    expect(awaiting.data.every((c) => c.state === 'awaiting')).toBe(true);
    // Every claim is in exactly one state, and each state filter lists exactly the claims in it.
    let total = 0;
    for (const state of ['awaiting', 'measured', 'qualitative', 'pending', 'unverified', 'late', 'met']) {
      const page = (await getJson(`/api/v1/claims?state=${state}`)).body;
      expect(page.data.every((c) => c.state === state)).toBe(true);
      total += page.pagination.total;
    }
    expect(total).toBe(SEED_DATA.claims.length);
    const overdue = (await getJson('/api/v1/claims?state=overdue')).body;
    expect(overdue.data.every((c) => c.state === 'unverified' || c.state === 'late')).toBe(true);
  });

  it('when an unknown topic is asked for, then the answer is a JSON 400 naming the parameter', async () => {
    const res = await getJson<ErrorBody>('/api/v1/claims?topic=nothing-here', 400);
    expect(res.body.error).toMatchObject({ status: 400, message: 'No topic "nothing-here"', details: { topic: 'unknown' } });
  });
});

describe('bad parameters', () => {
  it.each([
    ['/api/v1/claims?page=-1', 'page'],
    ['/api/v1/claims?page=abc', 'page'],
    ['/api/v1/claims?verdict=meh', 'verdict'],
    ['/api/v1/claims?state=lost', 'state'],
    ['/api/v1/claims?sort=random', 'sort'],
    ['/api/v1/claims?topic[$ne]=x', 'topic[$ne]'],
    ['/api/v1/claims?topic=a&topic=b', 'topic'],
    ['/api/v1/updates?after=not-a-date', 'after'],
    ['/api/v1/updates?after=2021-02-30', 'after'],
    // No zone: its instant would depend on the server's.
    ['/api/v1/updates?after=2021-12-20T10:00:00', 'after'],
    ['/api/v1/updates?page=0', 'page'],
  ])('when the address is %s, then the answer is a JSON 400 naming %s', async (path, param) => {
    const res = await getJson<ErrorBody>(path, 400);
    expect(res.body.error.status).toBe(400);
    expect(res.body.error.message).toContain(param);
    expect(Object.keys(res.body.error.details)).toEqual([param]);
    expect(res.headers['cache-control']).toBe('no-store');
  });
});

describe('not found', () => {
  it.each(['/api/v1/claims/no-such-claim', '/api/v1/nothing', '/api/v2/claims', '/api', '/api/v1/speakers/nobody'])(
    'when %s is asked for, then the answer is a JSON 404, not the HTML page',
    async (path) => {
      const res = await getJson<ErrorBody>(path, 404);
      expect(res.body.error).toMatchObject({ status: 404, details: {} });
      expect(typeof res.body.error.message).toBe('string');
    },
  );

  it('when a claim is a draft, then the API does not show it', async () => {
    await ClaimModel.updateOne({ slug: DARMANIN }, { $set: { status: 'draft' } });
    try {
      await getJson(`/api/v1/claims/${DARMANIN}`, 404);
      expect(slugsOf((await getJson('/api/v1/claims')).body)).not.toContain(DARMANIN);
    } finally {
      await ClaimModel.updateOne({ slug: DARMANIN }, { $set: { status: 'published' } });
    }
  });
});

describe('GET /api/v1/claims/:slug', () => {
  it('when the 182 000 claim is asked for, then it comes with its measurements, its gap, its timeline and its verdict', async () => {
    const { data } = (await getJson<ClaimBody>(`/api/v1/claims/${DARMANIN}`)).body;
    expect(data.url).toBe(`${SITE_URL}/claims/${DARMANIN}`);
    expect(data.announced).toMatchObject({ kind: 'count', value: 182000, unit: 'faux pass sanitaires' });
    expect(data.saidAt).toBe('2021-12-19T23:00:00.000Z');
    const stored = await MeasurementModel.find({ claim: (await ClaimModel.findOne({ slug: DARMANIN }).lean())!._id }).sort({ asOf: 1 }).lean();
    expect(data.measurements.map((m) => m.id)).toEqual(stored.map((m) => String(m._id)));
    expect(data.measurements).toMatchObject([
      { value: 3307, unit: 'pass sanitaires sur liste noire', proxy: true, asOf: '2021-12-19T23:00:00.000Z', asOfPrecision: 'day' },
      { value: 3601, unit: 'pass sur liste noire', proxy: true, asOf: '2021-12-28T23:00:00.000Z', asOfPrecision: 'day', definition: 'pass sanitaires sur liste noire' },
    ]);
    expect(data.measurements[1]?.source).toMatchObject({ outlet: 'Numerama', publishedPrecision: 'month' });
    expect(data.gap).toEqual({
      kind: 'numeric',
      state: 'measured',
      daysSinceAnnouncement: expect.any(Number),
      headline: {
        measurementId: String(stored[1]!._id),
        value: 3601,
        asOf: '2021-12-28T23:00:00.000Z',
        proxy: true,
        absoluteGap: 182000 - 3601,
        percentRealised: 1.98,
        factor: 50.54,
        direction: 'above',
      },
    });
    expect(data.headline).toMatchObject({ value: 3601, proxy: true, percentRealised: 1.98, factor: 50.54 });
    expect(data.verdict).toMatchObject({ rating: 'misleading' });
    expect(data.timeline[0]).toMatchObject({ kind: 'statement-original', daysAfterAnnouncement: 0, who: 'Gérald Darmanin' });
    const measurementEntries = data.timeline.filter((e) => e.kind === 'measurement');
    expect(measurementEntries.map((e) => [e.id, e.daysAfterAnnouncement])).toEqual([
      [String(stored[0]!._id), 0],
      [String(stored[1]!._id), 9],
    ]);
    expect(data.timeline.at(-1)).toMatchObject({ kind: 'verdict', at: TEST_NOW.toISOString() });
  });

  it('when a deadline nobody has checked is past due, then its gap says unverified and counts the days', async () => {
    const { data } = (await getJson<ClaimBody>('/api/v1/claims/fichier-tes-operationnel-en-2017')).body;
    expect(data.headline).toBeNull();
    expect(data.gap).toMatchObject({ kind: 'deadline', state: 'unverified', dueAt: data.announced.dueAt, decidingMeasurementId: null });
    expect(data.gap.daysOverdue).toBeGreaterThan(3000);
  });
});

describe('GET /api/v1/updates', () => {
  it('when `after` is given, then only later updates of published claims are listed, newest first', async () => {
    const published = await ClaimModel.findOne({ slug: DARMANIN }).lean();
    const template = await ClaimModel.findOne({ slug: 'attal-plan-100-millions-cyberattaques' }).lean();
    const draft = await ClaimModel.create({ ...template, _id: undefined, slug: 'api-test-draft', status: 'draft' });
    const later = (hours: number) => new Date(TEST_NOW.getTime() + hours * 3_600_000);
    const created = await UpdateModel.insertMany([
      // As the app writes them: each carries its claim's public state.
      { claim: published!._id, kind: 'measurement-added', at: later(1), summary: 'API test: one hour later', ...updatePublicState(published!) },
      { claim: published!._id, kind: 'correction', at: later(2), summary: 'API test: two hours later', ...updatePublicState(published!) },
      { claim: draft._id, kind: 'measurement-added', at: later(3), summary: 'API test: a draft’s update', ...updatePublicState(draft) },
    ]);
    try {
      const res = await getJson(`/api/v1/updates?after=${encodeURIComponent(TEST_NOW.toISOString())}`);
      expect(res.body.data).toEqual([
        {
          id: String(created[1]!._id),
          kind: 'correction',
          at: later(2).toISOString(),
          summary: 'API test: two hours later',
          claim: { slug: DARMANIN, title: published!.title, url: `${SITE_URL}/claims/${DARMANIN}` },
        },
        expect.objectContaining({ id: String(created[0]!._id), at: later(1).toISOString() }),
      ]);
      expect(res.body.pagination).toEqual({ page: 1, pageCount: 1, total: 2, perPage: 50 });

      const all = (await getJson('/api/v1/updates')).body;
      const publishedIds = await ClaimModel.distinct('_id', { status: 'published' });
      expect(all.pagination.total).toBe(await UpdateModel.countDocuments({ claim: trusted({ $in: publishedIds }) }));
      expect(all.data[0]?.id).toBe(String(created[1]!._id));
      expect(all.data.map((u) => u.summary)).not.toContain('API test: a draft’s update');
      // A bare date is midnight UTC.
      expect((await getJson('/api/v1/updates?after=2100-01-01')).body.data).toEqual([]);
    } finally {
      await UpdateModel.deleteMany({ _id: trusted({ $in: created.map((u) => u._id) }) });
      await ClaimModel.deleteOne({ _id: draft._id });
    }
  });
});

describe('speakers and topics', () => {
  it('when speakers are listed, then they are exactly those with published claims, each with its page url', async () => {
    const { data } = (await getJson('/api/v1/speakers')).body;
    const ids = await ClaimModel.distinct('speaker', { status: 'published' });
    const stored = await SpeakerModel.find({ _id: trusted({ $in: ids }) }).lean();
    expect(data.map((s) => s.slug).sort()).toEqual(stored.map((s) => s.slug).sort());
    expect(data.find((s) => s.slug === 'gerald-darmanin')).toEqual({
      slug: 'gerald-darmanin',
      name: 'Gérald Darmanin',
      role: 'ministre de l’Intérieur',
      organisation: 'ministère de l’Intérieur',
      url: `${SITE_URL}/speakers/gerald-darmanin`,
    });
  });

  it('when one topic is asked for, then it carries its claim count and verdict totals', async () => {
    const { data } = (await getJson<{ data: Row & { claimsApiUrl: string } }>('/api/v1/topics/pass-sanitaire')).body;
    expect(data).toMatchObject({ slug: 'pass-sanitaire', claimCount: 1, verdictTotals: [{ rating: 'misleading', count: 1 }] });
    expect(data.claimsApiUrl).toBe(`${SITE_URL}/api/v1/claims?topic=pass-sanitaire`);
    const topics = (await getJson('/api/v1/topics')).body.data.map((t) => t.slug);
    expect(topics).toContain('pass-sanitaire');
  });
});

describe('CORS and cookies', () => {
  it('when another site reads the API, then any origin is allowed without credentials and no cookie is set', async () => {
    const res = await request(seeded.app).get('/api/v1/claims').set('Origin', 'https://example.org');
    expect(res.status).toBe(200);
    expect(res.headers['access-control-allow-origin']).toBe('*');
    expect(res.headers['access-control-allow-credentials']).toBeUndefined();
    expect(res.headers['set-cookie']).toBeUndefined();
  });

  it('when a browser sends a preflight, then only GET and HEAD are allowed', async () => {
    const res = await request(seeded.app)
      .options('/api/v1/claims')
      .set('Origin', 'https://example.org')
      .set('Access-Control-Request-Method', 'GET');
    expect(res.status).toBe(204);
    expect(res.headers['access-control-allow-origin']).toBe('*');
    expect(res.headers['access-control-allow-methods']).toBe('GET,HEAD');
    expect(res.headers['set-cookie']).toBeUndefined();
  });

  it('when an error is returned, then it carries the CORS header too, so the client can read it', async () => {
    const res = await request(seeded.app).get('/api/v1/claims?page=-1').set('Origin', 'https://example.org');
    expect(res.status).toBe(400);
    expect(res.headers['access-control-allow-origin']).toBe('*');
  });
});
