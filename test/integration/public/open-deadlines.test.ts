/**
 * The state filters are index ranges on stored fields (tracking.stage, tracking.openDueAt),
 * kept by the writers through storedClaimState; data written before those fields existed gets
 * them from the one-off backfill, and every state list is the same before and after.
 */
import request from 'supertest';
import { ClaimModel } from '../../../models/claim.model';
import { CounterModel } from '../../../models/counter.model';
import { backfillPublicState, CLAIM_STATE_MIGRATION } from '../../../server/services/claim-public-state.service';
import { CLAIM_STATE_FILTERS } from '../../../server/services/claim-state.service';
import { MeasurementModel } from '../../../models/measurement.model';
import { refreshClaimTracking } from '../../../server/services/claim-tracking.service';
import { testConfig } from '../../helpers/app';
import { startSeededApp, TEST_NOW, type SeededApp } from '../../helpers/seeded-app';

let seeded: SeededApp;
beforeAll(async () => {
  seeded = await startSeededApp();
  // The seed's "en 2017" deadline, checked and found not delivered.
  const claim = (await ClaimModel.findOne({ slug: 'fichier-tes-operationnel-en-2017' }).lean())!;
  await MeasurementModel.create({
    claim: claim._id,
    asOf: new Date('2018-03-01T12:00:00Z'),
    delivered: false,
    definition: 'Mise en service du fichier TES constatée',
    sameQuantity: true,
    source: { outlet: 'Test' },
  });
  await refreshClaimTracking(claim._id, null, TEST_NOW, testConfig().timeZone);
});
afterAll(async () => {
  await seeded.close();
});

const listed = async (state: string): Promise<string[]> => {
  const res = await request(seeded.app).get(`/claims?state=${state}`).expect(200);
  return [...res.text.matchAll(/<h3 class="claim-card__title"><a href="\/claims\/([a-z0-9-]+)"/g)].map((m) => m[1]!).sort();
};

const everyList = async (): Promise<Record<string, string[]>> =>
  Object.fromEntries(await Promise.all(CLAIM_STATE_FILTERS.map(async (f) => [f, await listed(f)] as const)));

test('when the stored states are missing (data from before), then the backfill restores them and every state list is unchanged', async () => {
  const undelivered = (await ClaimModel.find({ 'announced.kind': 'deadline' }).lean()).filter((c) => c.tracking?.delivered !== true);
  expect(undelivered.length).toBeGreaterThan(0);
  // Every undelivered deadline has its due date stored, checked or not.
  for (const claim of undelivered) expect(claim.tracking?.openDueAt).toEqual(claim.announced.dueAt);
  const before = await everyList();
  expect(before.late).toEqual(['fichier-tes-operationnel-en-2017']);
  expect(before.overdue).toContain('fichier-tes-operationnel-en-2017');

  // A database from before: no stored states, and no mark that the backfill ran.
  await ClaimModel.collection.updateMany({}, { $unset: { 'tracking.openDueAt': '', 'tracking.stage': '' } });
  await CounterModel.deleteOne({ _id: CLAIM_STATE_MIGRATION });
  await backfillPublicState();

  for (const claim of undelivered) {
    expect((await ClaimModel.findById(claim._id).lean())?.tracking?.openDueAt).toEqual(claim.announced.dueAt);
  }
  expect(await ClaimModel.collection.countDocuments({ 'tracking.openDueAt': { $type: 'date' } })).toBe(undelivered.length);
  expect(await ClaimModel.collection.countDocuments({ 'tracking.stage': { $exists: false } })).toBe(0);
  expect(await everyList()).toEqual(before);
  // Done once: a second run does not scan the claims again.
  expect(await CounterModel.exists({ _id: CLAIM_STATE_MIGRATION })).not.toBeNull();
});
