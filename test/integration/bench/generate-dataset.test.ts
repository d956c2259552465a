/**
 * The benchmark's dataset generator writes what the app would: documents its models accept
 * as they are, derived `tracking` fields the app's own `refreshClaimTracking` agrees with,
 * and one Update per public change. Small (40 claims) so it runs with the suite.
 */
import mongoose, { type Types } from 'mongoose';
import { ClaimModel } from '../../../models/claim.model';
import { MeasurementModel } from '../../../models/measurement.model';
import { SpeakerModel } from '../../../models/speaker.model';
import { TimelineEventModel } from '../../../models/timeline-event.model';
import { TopicModel } from '../../../models/topic.model';
import { UpdateModel } from '../../../models/update.model';
import { refreshClaimTracking } from '../../../server/services/claim-tracking.service';
import { canonical, checkAgainstModel, DEFAULT_NOW, generateDataset, type GeneratedDataset } from '../../bench/generate-dataset';
import { withDatabase, type TestDatabase } from '../../helpers/embedded';
import { ScorecardModel } from '../../../models/scorecard.model';
import { refreshScorecards } from '../../../server/services/scorecard.service';
import { hasPublishedClaims } from '../../../server/services/claim-public-state.service';

const TZ = 'Europe/Paris';
const CLAIMS = 40;
const PER_CLAIM = 3;

let testDb: TestDatabase;
let generated: GeneratedDataset;

beforeAll(async () => {
  testDb = await withDatabase();
  generated = await generateDataset({ uri: testDb.uri, dbName: testDb.dbName, claims: CLAIMS, measurementsPerClaim: PER_CLAIM, seed: 7 });
  await mongoose.connect(testDb.uri, { dbName: testDb.dbName });
});

afterAll(async () => {
  await mongoose.connection.dropDatabase();
  await mongoose.disconnect();
  await testDb.close();
});

const idOf = (id: Types.ObjectId | null | undefined): string => (id ? id.toHexString() : '');
const max = (dates: (Date | null | undefined)[]): number => Math.max(...dates.filter((d): d is Date => d instanceof Date).map((d) => d.getTime()));
/** refreshClaimTracking writes null where a never-refreshed claim has no field: the same thing to a reader. */
const withoutNulls = (value: object | null | undefined) => JSON.stringify(canonical(Object.fromEntries(Object.entries(value ?? {}).filter(([, v]) => v !== null))));

test('when a dataset is generated, then the counts are the ones asked for and every kind of claim is there', async () => {
  expect(generated.counts.claims).toBe(CLAIMS);
  expect(generated.counts.measurements).toBe(CLAIMS * PER_CLAIM);
  expect(await ClaimModel.countDocuments()).toBe(CLAIMS);
  expect(await MeasurementModel.countDocuments()).toBe(CLAIMS * PER_CLAIM);
  expect(await UpdateModel.countDocuments()).toBe(generated.counts.updates);
  expect(await TimelineEventModel.countDocuments()).toBe(generated.counts.timelineEvents);
  expect(await SpeakerModel.countDocuments()).toBe(generated.counts.speakers);
  expect(await TopicModel.countDocuments()).toBe(generated.counts.topics);
  expect(new Set(await ClaimModel.distinct('announced.kind'))).toEqual(new Set(['count', 'money', 'percentage', 'deadline', 'qualitative']));
  expect(new Set(await ClaimModel.distinct('status'))).toEqual(new Set(['published', 'draft', 'deleted']));
});

test('when the stored documents are read back, then each is valid for its model and is exactly what Mongoose would store', async () => {
  const models = [SpeakerModel, TopicModel, ClaimModel, MeasurementModel, TimelineEventModel, UpdateModel] as const;
  let checked = 0;
  for (const model of models) {
    const docs = await (model as unknown as mongoose.Model<unknown>).find().lean<Record<string, unknown>[]>();
    expect(docs.length).toBeGreaterThan(0);
    for (const doc of docs) {
      expect(() => checkAgainstModel(model as unknown as mongoose.Model<unknown>, doc)).not.toThrow();
      checked++;
    }
  }
  expect(checked).toBeGreaterThan(CLAIMS * PER_CLAIM);
});

test("when the app's refreshClaimTracking recomputes every claim's tracking, then nothing changes", async () => {
  const before = await ClaimModel.find({}, { tracking: 1 }).sort({ _id: 1 }).lean();
  for (const claim of before) await refreshClaimTracking(claim._id, null, DEFAULT_NOW, TZ);
  const after = await ClaimModel.find({}, { tracking: 1 }).sort({ _id: 1 }).lean();
  expect(after.map((c) => withoutNulls(c.tracking))).toEqual(before.map((c) => withoutNulls(c.tracking)));
  // Not vacuous: headline figures and scores were computed.
  expect(before.filter((c) => typeof c.tracking?.gapScore === 'number').length).toBeGreaterThan(3);
  expect(before.some((c) => c.tracking?.delivered === true)).toBe(true);
});

test("when the app's refreshScorecards recomputes every speaker's and topic's scorecard, then nothing changes", async () => {
  const read = async () => JSON.stringify(canonical(await ScorecardModel.find({}, { _id: 0, updatedAt: 0 }).sort({ kind: 1, ref: 1 }).lean()));
  const before = await read();
  const [speakers, topics] = await Promise.all([SpeakerModel.find(hasPublishedClaims(), { _id: 1 }).lean(), TopicModel.find(hasPublishedClaims(), { _id: 1 }).lean()]);
  // Not vacuous: every speaker and topic with published claims has its scorecard.
  expect(await ScorecardModel.countDocuments()).toBe(speakers.length + topics.length);
  await refreshScorecards(speakers.map((x) => x._id), topics.map((x) => x._id));
  expect(await read()).toBe(before);
});

test('when a claim is public, then it has one update per public change, and lastUpdateAt is its latest development', async () => {
  const claims = await ClaimModel.find().lean();
  const measurements = await MeasurementModel.find().lean();
  const events = await TimelineEventModel.find().lean();
  const updates = await UpdateModel.find().lean();
  for (const claim of claims) {
    const id = idOf(claim._id);
    const own = measurements.filter((m) => idOf(m.claim) === id);
    const ownEvents = events.filter((e) => idOf(e.claim) === id);
    const ownUpdates = updates.filter((u) => idOf(u.claim) === id);
    expect(claim.tracking?.measurementCount).toBe(own.length);
    if (own.length > 0) expect(claim.tracking?.latestAsOf?.getTime()).toBe(max(own.map((m) => m.asOf)));
    if (claim.status === 'draft') {
      // A draft's changes make no update.
      expect(ownUpdates).toHaveLength(0);
      expect(claim.publishedAt).toBeUndefined();
      if (own.length > 0) expect(claim.tracking?.lastUpdateAt?.getTime()).toBe(max(own.map((m) => m.asOf)));
      continue;
    }
    const kinds = (kind: string) => ownUpdates.filter((u) => u.kind === kind);
    expect(kinds('claim-published')).toHaveLength(1);
    expect(kinds('claim-published')[0]?.at.getTime()).toBe(claim.publishedAt?.getTime());
    expect(kinds('measurement-added').map((u) => idOf(u.subject)).sort()).toEqual(own.map((m) => idOf(m._id)).sort());
    expect(kinds('event-added').length + kinds('statement-added').length).toBe(ownEvents.length);
    expect(kinds('verdict-changed')).toHaveLength(claim.verdict ? 1 : 0);
    expect(kinds('correction').map((u) => idOf(u.subject)).sort()).toEqual(claim.corrections.map((c) => idOf(c._id)).sort());
    for (const m of own) {
      const u = ownUpdates.find((x) => idOf(x.subject) === idOf(m._id));
      // Added (and announced) after it was measured, at the moment the editor saved it.
      expect(u?.at.getTime()).toBe(m.createdAt.getTime());
      expect(u!.at.getTime()).toBeGreaterThanOrEqual(m.asOf.getTime());
    }
    const latestDevelopment = max([claim.publishedAt, ...own.map((m) => m.asOf), ...ownEvents.map((e) => e.at), claim.verdict?.setAt, ...claim.corrections.map((c) => c.at)]);
    expect(claim.tracking?.lastUpdateAt?.getTime()).toBe(latestDevelopment);
    // No development is later than the update that made it public.
    expect(claim.tracking.lastUpdateAt!.getTime()).toBeLessThanOrEqual(max(ownUpdates.map((u) => u.at)));
    expect(claim.updatedAt.getTime()).toBeGreaterThanOrEqual(max(ownUpdates.map((u) => u.at)));
  }
});

test('when the same seed is generated twice, then the documents are the same, ids included', async () => {
  // Two fresh databases: the tests above have refreshed this one's claims.
  const names = [`${testDb.dbName}_a`, `${testDb.dbName}_b`];
  for (const dbName of names) await generateDataset({ uri: testDb.uri, dbName, claims: CLAIMS, measurementsPerClaim: PER_CLAIM, seed: 7 });
  const [a, b] = names.map((name) => mongoose.connection.useDb(name));
  try {
    for (const name of ['speakers', 'topics', 'claims', 'measurements', 'timelineevents', 'updates']) {
      const first = (await a!.db!.collection(name).find().sort({ _id: 1 }).toArray()).map((d) => JSON.stringify(canonical(d)));
      const second = (await b!.db!.collection(name).find().sort({ _id: 1 }).toArray()).map((d) => JSON.stringify(canonical(d)));
      expect(first.length).toBeGreaterThan(0);
      expect(second.length).toBe(first.length);
      const differing = first.findIndex((doc, i) => doc !== second[i]);
      expect(differing === -1 ? null : { collection: name, first: first[differing], second: second[differing] }).toBeNull();
    }
  } finally {
    await a!.dropDatabase();
    await b!.dropDatabase();
  }
});
