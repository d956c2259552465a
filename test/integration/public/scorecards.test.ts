import request from 'supertest';
import { Types } from 'mongoose';
import { ClaimModel } from '../../../models/claim.model';
import { MeasurementModel } from '../../../models/measurement.model';
import { SpeakerModel } from '../../../models/speaker.model';
import { TopicModel } from '../../../models/topic.model';
import { VERDICT_KEYS } from '../../../models/verdict-scale';
import { claimState, CLAIM_STATES } from '../../../server/services/claim-state.service';
import { computeDeadlineStatus, computeNumericGap, realisedShare } from '../../../server/services/gap.service';
import { loadScorecard, medianOfSorted, scorecardAt } from '../../../server/services/scorecard.service';
import { hasPublishedClaims } from '../../../server/services/claim-public-state.service';
import { createTestAccount, csrfToken, logIn, type Agent } from '../../helpers/accounts';
import { formFields } from '../../helpers/forms';
import { startSeededApp, TEST_NOW, type SeededApp } from '../../helpers/seeded-app';

/*
 * A scorecard is kept on write; these tests recount it from the claims themselves after each
 * kind of editor action (through the real HTTP forms), with the rules the claims' own pages
 * use: the state rule, the verdict, the gap of the headline measurement, the deadline status.
 */

const TZ = 'Europe/Paris';
let seeded: SeededApp;
let editor: Agent;
let admin: Agent;
let token: string;
let adminToken: string;
let speakerA: Types.ObjectId;
let speakerB: Types.ObjectId;
let topic: Types.ObjectId;

beforeAll(async () => {
  seeded = await startSeededApp();
  editor = await logIn(seeded.app, await createTestAccount('editor'));
  token = await csrfToken(editor, '/editor/claims/new');
  admin = await logIn(seeded.app, await createTestAccount('admin'));
  adminToken = await csrfToken(admin, '/editor');
  const [a, b] = await SpeakerModel.create([
    { slug: 'orateur-bilan-a', name: 'Orateur Bilan A' },
    { slug: 'orateur-bilan-b', name: 'Orateur Bilan B' },
  ]);
  speakerA = a!._id;
  speakerB = b!._id;
  topic = (await TopicModel.create({ slug: 'theme-bilan', name: 'Thème bilan' }))._id;
});
afterAll(async () => {
  await seeded.close();
});

let n = 0;
async function createClaim(overrides: Record<string, string> = {}): Promise<string> {
  n += 1;
  const title = `Bilan ${n} ${Date.now()}`;
  await editor
    .post('/editor/claims/new')
    .type('form')
    .send({
      _csrf: token, title, statement: 'Une déclaration chiffrée.', statementVerbatim: 'on', speaker: String(speakerA), saidAt: '20/12/2021',
      topics: [String(topic)], kind: 'count', value: '1 000', unit: 'choses', definition: 'choses comptées', sourceOutlet: 'Le Monde', ...overrides,
    })
    .expect(303);
  return String((await ClaimModel.findOne({ title }).lean())!._id);
}
const publish = (id: string) => editor.post(`/editor/claims/${id}/publish`).type('form').send({ _csrf: token }).expect(303);
const unpublish = (id: string) => editor.post(`/editor/claims/${id}/unpublish`).type('form').send({ _csrf: token }).expect(303);
async function measure(id: string, overrides: Record<string, string> = {}): Promise<string> {
  await editor
    .post(`/editor/claims/${id}/measurements/new`)
    .type('form')
    // An empty override leaves the field out, as an unticked box does.
    .send(Object.fromEntries(Object.entries({ _csrf: token, value: '400', asOf: '29/12/2021 16:00', definition: 'choses comptées', sameQuantity: 'on', sourceOutlet: 'Insee', ...overrides }).filter(([, v]) => v !== '')))
    .expect(303);
  return String((await MeasurementModel.findOne({ claim: id }).sort({ createdAt: -1, _id: -1 }).lean())!._id);
}
async function rate(id: string, rating: string): Promise<void> {
  const version = String((await ClaimModel.findById(id).lean())!.__v);
  await editor.post(`/editor/claims/${id}/verdict`).type('form').send({ _csrf: token, rating, explanation: 'Les données le disent.', version }).expect(303);
}
async function edit(id: string, changes: Record<string, string | string[]>): Promise<void> {
  const fields = formFields((await editor.get(`/editor/claims/${id}/edit`).expect(200)).text);
  await editor.post(`/editor/claims/${id}/edit`).type('form').send({ ...fields, _csrf: token, ...changes }).expect(303);
}

/** The scorecard recounted from the published claims and their measurements, as each claim's page works it out. */
async function recount(match: Record<string, unknown>) {
  const claims = await ClaimModel.find({ status: 'published', ...match }).lean();
  const states = new Map(CLAIM_STATES.map((s) => [s, 0]));
  const verdicts = new Map<string, number>();
  const shares: number[] = [];
  let daysOverdue = 0;
  for (const claim of claims) {
    const state = claimState(claim, TEST_NOW);
    states.set(state, (states.get(state) ?? 0) + 1);
    const rating = claim.verdict?.rating ?? 'none';
    verdicts.set(rating, (verdicts.get(rating) ?? 0) + 1);
    const measurements = await MeasurementModel.find({ claim: claim._id }).lean();
    if (claim.announced.kind === 'count' && measurements.length > 0) {
      const gap = computeNumericGap({
        announced: claim.announced.value!,
        announcedAt: claim.saidAt,
        measurements: measurements.map((m) => ({ id: String(m._id), value: m.value!, asOf: m.asOf, sameQuantity: m.sameQuantity })),
        now: TEST_NOW,
        timeZone: TZ,
      });
      const share = gap.headline ? realisedShare(gap.headline) : null;
      if (share !== null) shares.push(share);
    }
    if (state === 'late' || state === 'unverified') {
      const status = computeDeadlineStatus({
        dueAt: claim.announced.dueAt!,
        announcedAt: claim.saidAt,
        measurements: measurements.map((m) => ({ id: String(m._id), asOf: m.asOf, delivered: m.delivered ?? false, deliveredAt: null })),
        now: TEST_NOW,
        timeZone: TZ,
      });
      daysOverdue += status.daysOverdue ?? 0;
    }
  }
  const get = (s: (typeof CLAIM_STATES)[number]) => states.get(s) ?? 0;
  return {
    claims: claims.length,
    states: CLAIM_STATES.map((key) => ({ key, count: get(key) })),
    verdicts: [...VERDICT_KEYS, 'none'].filter((k) => verdicts.has(k)).map((key) => ({ key, count: verdicts.get(key) })),
    medianShare: medianOfSorted(shares.sort((a, b) => a - b)),
    overdue: get('late') + get('unverified'),
    daysOverdue,
  };
}

async function stored(kind: 'speaker' | 'topic', ref: Types.ObjectId) {
  const view = scorecardAt(await loadScorecard(kind, ref), TEST_NOW, TZ);
  return { claims: view.claims, states: view.states, verdicts: view.verdicts, medianShare: view.medianShare, overdue: view.deadlines.overdue, daysOverdue: view.deadlines.daysOverdue };
}

async function expectScorecardsMatchClaims(): Promise<void> {
  expect(await stored('speaker', speakerA)).toEqual(await recount({ speaker: speakerA }));
  expect(await stored('speaker', speakerB)).toEqual(await recount({ speaker: speakerB }));
  expect(await stored('topic', topic)).toEqual(await recount({ topics: topic }));
}

describe('scorecards kept on write', () => {
  it('when claims are added, measured, rated, edited, moved, unpublished, republished and deleted, then every scorecard equals a recount from the claims', async () => {
    const counted = await createClaim();
    await publish(counted);
    await expectScorecardsMatchClaims();
    expect((await stored('speaker', speakerA)).states.find((s) => s.key === 'awaiting')!.count).toBe(1);

    const measurementId = await measure(counted);
    await measure(counted, { value: '900', asOf: '10/01/2022', sameQuantity: '', definition: 'un indicateur approchant' });
    const second = await createClaim({ value: '2 000' });
    await publish(second);
    await measure(second, { value: '1 500' });
    await expectScorecardsMatchClaims();
    expect((await stored('speaker', speakerA)).medianShare).toBeCloseTo((40 + 75) / 2, 5);

    const promise = await createClaim({ kind: 'deadline', value: '', unit: '', dueAt: '31/12/2025' });
    await publish(promise);
    const late = await createClaim({ kind: 'deadline', value: '', unit: '', dueAt: '01/06/2026' });
    await publish(late);
    await measure(late, { value: '', asOf: '01/07/2026', delivered: 'no', definition: 'pas encore livré' });
    const upcoming = await createClaim({ kind: 'deadline', value: '', unit: '', dueAt: '31/12/2030' });
    await publish(upcoming);
    await expectScorecardsMatchClaims();
    const deadlines = scorecardAt(await loadScorecard('speaker', speakerA), TEST_NOW, TZ).deadlines;
    expect(deadlines).toMatchObject({ overdue: 2, pending: 1 });
    expect(deadlines.daysOverdue).toBeGreaterThan(300);

    await rate(counted, 'false');
    await rate(second, 'partly-true');
    await expectScorecardsMatchClaims();

    await edit(second, { value: '3 000' });
    await expectScorecardsMatchClaims();
    await editor
      .post(`/editor/claims/${counted}/measurements/${measurementId}/remove`)
      .type('form')
      .send({ _csrf: token, version: '0', correction: 'on', correctionNote: 'Cette mesure portait sur une autre période.' })
      .expect(303);
    await expectScorecardsMatchClaims();

    await edit(second, { speaker: String(speakerB) });
    await expectScorecardsMatchClaims();
    expect((await stored('speaker', speakerB)).claims).toBe(1);

    await unpublish(promise);
    await expectScorecardsMatchClaims();
    await publish(promise);
    await expectScorecardsMatchClaims();

    await admin.post(`/editor/claims/${upcoming}/delete`).type('form').send({ _csrf: adminToken }).expect(303);
    await expectScorecardsMatchClaims();
    expect((await stored('topic', topic)).claims).toBe(await ClaimModel.countDocuments({ status: 'published', topics: topic }));
  });

  it('when the speaker page and /speakers are read, then they show the scorecard the claims add up to, with an accessible chart', async () => {
    const expected = await recount({ speaker: speakerA });
    const html = (await request(seeded.app).get('/speakers/orateur-bilan-a').expect(200)).text;
    for (const { key, count } of expected.states) expect(html).toContain(`data-state="${key}">${count}<`);
    expect(html).toMatch(/<svg class="scorecard-chart"[^>]*role="img"[^>]*aria-labelledby="scorecard-chart-title scorecard-chart-desc"/);
    expect(html).toContain('<title id="scorecard-chart-title">');
    expect(html).toContain('<desc id="scorecard-chart-desc">');
    expect(html).toContain(`data-deadlines="overdue">${expected.overdue}<`);
    expect(html).toContain('indicateur approchant');
    const index = (await request(seeded.app).get('/speakers').expect(200)).text;
    expect(index).toContain('href="/speakers/orateur-bilan-a"');
    expect(index).toContain('href="/speakers/gerald-darmanin"');
    await request(seeded.app).get('/topics').expect(200);
    await request(seeded.app).get('/speakers?page=abc').expect(400);
  });

  it('when a speaker or topic is read through the API, then it carries the scorecard its claims add up to', async () => {
    const profiles: [string, Record<string, unknown>][] = [
      ['/api/v1/speakers/orateur-bilan-a', { speaker: speakerA }],
      ['/api/v1/topics/theme-bilan', { topics: topic }],
    ];
    for (const [path, match] of profiles) {
      const expected = await recount(match);
      const { data } = (await request(seeded.app).get(path).expect(200)).body as { data: { scorecard: unknown } };
      expect(data.scorecard).toEqual({
        claims: expected.claims,
        states: Object.fromEntries(expected.states.map((s) => [s.key, s.count])),
        verdicts: expected.verdicts.map((v) => ({ rating: v.key === 'none' ? null : v.key, count: v.count })),
        medianRealisedPercent: expected.medianShare === null ? null : Math.round(expected.medianShare * 100) / 100,
        medianOverClaims: expect.any(Number),
        proxyHeadlinesLeftOut: expect.any(Number),
        deadlines: expect.objectContaining({ overdue: expected.overdue, daysOverdue: expected.daysOverdue }),
      });
      expect((data.scorecard as { claims: number }).claims).toBeGreaterThan(0);
    }
  });
});

describe('scorecards of the seed', () => {
  it('when the seed is loaded, then every speaker’s and topic’s scorecard equals a recount from its claims', async () => {
    for (const speaker of await SpeakerModel.find(hasPublishedClaims()).lean()) {
      expect({ slug: speaker.slug, ...(await stored('speaker', speaker._id)) }).toEqual({ slug: speaker.slug, ...(await recount({ speaker: speaker._id })) });
    }
    for (const t of await TopicModel.find(hasPublishedClaims()).lean()) {
      expect({ slug: t.slug, ...(await stored('topic', t._id)) }).toEqual({ slug: t.slug, ...(await recount({ topics: t._id })) });
    }
  });
});
