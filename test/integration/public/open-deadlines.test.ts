/**
 * "Overdue" is one indexed range on tracking.openDueAt, kept by refreshClaimTracking; data
 * written before the field existed gets it from the one-off backfill, and the overdue list
 * is the same before and after.
 */
import request from 'supertest';
import { ClaimModel } from '../../../models/claim.model';
import { CounterModel } from '../../../models/counter.model';
import { backfillPublicState, OPEN_DUE_AT_MIGRATION } from '../../../server/services/claim-public-state.service';
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

const overdueSlugs = async (): Promise<string[]> => {
  const res = await request(seeded.app).get('/claims?state=overdue').expect(200);
  return [...res.text.matchAll(/href="\/claims\/([a-z0-9-]+)"/g)].map((m) => m[1]!).sort();
};

test('when the stored open due dates are missing (data from before), then the backfill restores them and the overdue list is unchanged', async () => {
  const checkedUndelivered = (await ClaimModel.find({ 'announced.kind': 'deadline' }).lean()).filter(
    (c) => (c.tracking?.measurementCount ?? 0) > 0 && c.tracking?.delivered !== true,
  );
  expect(checkedUndelivered.length).toBeGreaterThan(0);
  for (const claim of checkedUndelivered) expect(claim.tracking?.openDueAt).toEqual(claim.announced.dueAt);
  const before = await overdueSlugs();
  expect(before).toContain('fichier-tes-operationnel-en-2017');

  // A database from before: no open due dates, and no mark that the backfill ran.
  await ClaimModel.collection.updateMany({}, { $unset: { 'tracking.openDueAt': '' } });
  await CounterModel.deleteOne({ _id: OPEN_DUE_AT_MIGRATION });
  await backfillPublicState();

  for (const claim of checkedUndelivered) {
    expect((await ClaimModel.findById(claim._id).lean())?.tracking?.openDueAt).toEqual(claim.announced.dueAt);
  }
  expect(await ClaimModel.collection.countDocuments({ 'tracking.openDueAt': { $type: 'date' } })).toBe(checkedUndelivered.length);
  expect(await overdueSlugs()).toEqual(before);
  // Done once: a second run does not scan the claims again.
  expect(await CounterModel.exists({ _id: OPEN_DUE_AT_MIGRATION })).not.toBeNull();
});
