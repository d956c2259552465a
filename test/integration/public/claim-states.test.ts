/**
 * One state per claim, wherever it shows: for each kind of claim and each situation, the card
 * in /claims, the claim page's badge, every /claims?state= filter and the API (the claim and
 * the list) agree. Claims are written through the seed writer, as the seed loader does, and
 * read at a pinned "now" (TEST_NOW, 23 November 2026).
 */
import mongoose, { type Types } from 'mongoose';
import request from 'supertest';
import type { ClaimKind } from '../../../models/claim.model';
import { addMeasurement, publishClaim, saveClaimBySlug, saveSpeaker, type MeasurementInput } from '../../../seed/seed-writer';
import { createApp } from '../../../server/app';
import { createTranslator } from '../../../server/i18n';
import { CLAIM_STATE_FILTERS, stateMatchesFilter, type ClaimState } from '../../../server/services/claim-state.service';
import { silentLogger, testConfig } from '../../helpers/app';
import { withDatabase, type TestDatabase } from '../../helpers/embedded';
import { TEST_NOW } from '../../helpers/seeded-app';

const DAY = 86_400_000;
const PAST = new Date(TEST_NOW.getTime() - 200 * DAY);
const FUTURE = new Date(TEST_NOW.getTime() + 200 * DAY);
const SAID = new Date(TEST_NOW.getTime() - 400 * DAY);
const ctx = { now: TEST_NOW, timeZone: testConfig().timeZone };

type Check = Pick<MeasurementInput, 'value' | 'delivered' | 'deliveredAt' | 'sameQuantity'>;

interface Case {
  kind: ClaimKind;
  situation: string;
  dueAt?: Date;
  measurements: Check[];
  expected: ClaimState;
}

const sameQuantity = (value: number): Check => ({ value, sameQuantity: true });
const proxy = (value: number): Check => ({ value, sameQuantity: false });
const notDelivered: Check = { delivered: false, sameQuantity: true };
const delivered: Check = { delivered: true, deliveredAt: new Date(PAST.getTime() - DAY), sameQuantity: true };

const CASES: Case[] = [
  ...(['count', 'money', 'percentage'] as const).flatMap((kind): Case[] => [
    { kind, situation: 'no measurement', measurements: [], expected: 'awaiting' },
    { kind, situation: 'measured same-quantity', measurements: [sameQuantity(40)], expected: 'measured' },
    { kind, situation: 'measured proxy only', measurements: [proxy(3)], expected: 'measured' },
  ]),
  { kind: 'deadline', situation: 'deadline pending', dueAt: FUTURE, measurements: [], expected: 'pending' },
  { kind: 'deadline', situation: 'deadline pending, checked and not yet delivered', dueAt: FUTURE, measurements: [notDelivered], expected: 'pending' },
  { kind: 'deadline', situation: 'deadline passed unverified', dueAt: PAST, measurements: [], expected: 'unverified' },
  { kind: 'deadline', situation: 'late', dueAt: PAST, measurements: [notDelivered], expected: 'late' },
  { kind: 'deadline', situation: 'met', dueAt: PAST, measurements: [notDelivered, delivered], expected: 'met' },
  { kind: 'deadline', situation: 'met before its due date', dueAt: FUTURE, measurements: [delivered], expected: 'met' },
  { kind: 'qualitative', situation: 'no measurement', measurements: [], expected: 'qualitative' },
  { kind: 'qualitative', situation: 'with a measurement', measurements: [sameQuantity(1)], expected: 'qualitative' },
];

const slugOf = (c: Case) => `${c.kind}-${c.situation}`.toLowerCase().replace(/[^a-z0-9]+/g, '-');

function announcedFor(c: Case) {
  switch (c.kind) {
    case 'deadline':
      return { kind: c.kind, dueAt: c.dueAt, duePrecision: 'day' as const, definition: 'Le service est ouvert' };
    case 'qualitative':
      return { kind: c.kind, definition: 'Tout va bien' };
    case 'money':
      return { kind: c.kind, value: 100, currency: 'EUR', definition: 'Euros dépensés' };
    default:
      return { kind: c.kind, value: 100, unit: 'choses', definition: 'Choses comptées' };
  }
}

let db: TestDatabase;
let app: ReturnType<typeof createApp>;

beforeAll(async () => {
  db = await withDatabase();
  await mongoose.connect(db.uri, { dbName: db.dbName });
  await mongoose.connection.syncIndexes();
  const speaker = await saveSpeaker({ slug: 'porte-parole', name: 'Porte-parole', kind: 'person' });
  for (const [i, c] of CASES.entries()) {
    const id: Types.ObjectId = await saveClaimBySlug({
      slug: slugOf(c),
      title: `${c.kind} : ${c.situation}`,
      statement: 'Une déclaration.',
      statementVerbatim: true,
      language: 'fr',
      speaker,
      saidAt: SAID,
      saidAtPrecision: 'day',
      topics: [],
      announced: announcedFor(c),
      sources: [{ outlet: 'Test' }],
    });
    await publishClaim(id, new Date(SAID.getTime() + i * 1000));
    for (const [j, m] of c.measurements.entries()) {
      await addMeasurement(id, { ...m, asOf: new Date(PAST.getTime() + j * DAY), asOfPrecision: 'day', definition: 'Ce qui a été mesuré', source: { outlet: 'Test', publishedPrecision: 'day' } }, 'test', ctx);
    }
  }
  app = createApp({
    config: testConfig(),
    logger: silentLogger,
    database: { pingDatabase: () => Promise.resolve(true) },
    clock: () => TEST_NOW,
  });
});

afterAll(async () => {
  await mongoose.connection.dropDatabase();
  await mongoose.disconnect();
  await db.close();
});

/** The cards of a list page: each claim's slug with its badge's state and label. */
function cardsOf(html: string): Map<string, { card: string; badge: string; label: string }> {
  const cards = [...html.matchAll(/<article class="claim-card claim-card--([a-z-]+)">[\s\S]*?<span class="badge badge--([a-z-]+)">([^<]*)<\/span>[\s\S]*?<a href="\/claims\/([a-z0-9-]+)">/g)];
  return new Map(cards.map((m) => [m[4]!, { card: m[1]!, badge: m[2]!, label: m[3]! }]));
}

describe('claim states', () => {
  let list: Map<string, { card: string; badge: string; label: string }>;
  let filtered: Map<string, Set<string>>;
  let apiList: Map<string, string>;

  beforeAll(async () => {
    list = cardsOf((await request(app).get('/claims').expect(200)).text);
    filtered = new Map();
    for (const filter of CLAIM_STATE_FILTERS) {
      filtered.set(filter, new Set(cardsOf((await request(app).get(`/claims?state=${filter}`).expect(200)).text).keys()));
    }
    const body = (await request(app).get('/api/v1/claims').expect(200)).body as { data: { slug: string; state: string }[] };
    apiList = new Map(body.data.map((c) => [c.slug, c.state]));
  });

  it('when every case is listed, then the list holds each claim once', () => {
    expect(list.size).toBe(CASES.length);
  });

  it.each(CASES.map((c) => [c.kind, c.situation, c.expected, c] as const))(
    'when a %s claim is in situation "%s", then the card, the page, the filters and the API all say %s',
    async (_kind, _situation, expected, c) => {
      const slug = slugOf(c);
      // As the site prints it: the catalogue typeset for French (a no-break space before the colon).
      const label = createTranslator('fr')(`state.${expected}`);
      // The card.
      expect(list.get(slug)).toEqual({ card: expected, badge: expected, label });
      // The claim page.
      const page = (await request(app).get(`/claims/${slug}`).expect(200)).text;
      const badge = /<p class="claim__kicker">\s*<span class="badge badge--([a-z-]+)">([^<]*)<\/span>/.exec(page);
      expect([badge?.[1], badge?.[2]]).toEqual([expected, label]);
      // Every filter lists it exactly when it should.
      for (const filter of CLAIM_STATE_FILTERS) {
        expect({ filter, listed: filtered.get(filter)!.has(slug) }).toEqual({ filter, listed: stateMatchesFilter(expected, filter) });
      }
      // The API, one claim and the list.
      const one = (await request(app).get(`/api/v1/claims/${slug}`).expect(200)).body as { data: { state: string } };
      expect(one.data.state).toBe(expected);
      expect(apiList.get(slug)).toBe(expected);
    },
  );

  it('when the overdue filter is used, then it lists the late and the never-checked past deadlines together, and the home page shows them first', async () => {
    expect([...filtered.get('overdue')!].sort()).toEqual([slugOf(CASES.find((c) => c.expected === 'late')!), slugOf(CASES.find((c) => c.expected === 'unverified')!)].sort());
    const home = (await request(app).get('/').expect(200)).text;
    const open = /<h2 id="open">[\s\S]*?<\/section>/.exec(home)?.[0] ?? '';
    const states = [...cardsOf(open).values()].map((c) => c.badge);
    expect(states.slice(0, 2).sort()).toEqual(['late', 'unverified']);
    expect(states.slice(2).every((s) => s === 'awaiting')).toBe(true);
    // Qualitative claims never wait for a measurement.
    expect(states).not.toContain('qualitative');
  });
});
