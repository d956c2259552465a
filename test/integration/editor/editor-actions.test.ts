import mongoose, { Types } from 'mongoose';
import { ClaimModel } from '../../../models/claim.model';
import { ContentVersionModel, SITE_VERSION_ID } from '../../../models/content-version.model';
import { MeasurementModel } from '../../../models/measurement.model';
import { RevisionModel } from '../../../models/revision.model';
import { UpdateModel } from '../../../models/update.model';
import type { MeasurementForm } from '../../../server/schemas/claim-form.schemas';
import { versionBumpsSettled } from '../../../server/services/content-version.service';
import { addMeasurement } from '../../../server/services/editor-actions/add-measurement.action';
import type { EditorActionContext } from '../../../server/services/editor-actions/run-editor-action';
import * as revisions from '../../../server/services/revisions.service';
import { startSeededApp, TEST_NOW, type SeededApp } from '../../helpers/seeded-app';

let seeded: SeededApp;
let claimId: Types.ObjectId;
const ctx: EditorActionContext = { actor: { id: new Types.ObjectId().toHexString(), name: 'Rédactrice' }, now: TEST_NOW, timeZone: 'Europe/Paris' };

const form = (definition: string): MeasurementForm => ({
  value: 3601,
  asOf: { at: new Date('2021-12-29T15:00:00Z'), precision: 'instant' },
  definition,
  sameQuantity: true,
  confirmBeforeAnnouncement: false,
  sourceOutlet: 'Ministère de la santé',
});

/** What an action on the claim leaves behind: its measurements, their updates and revisions, the tracking. */
async function traces() {
  const claim = await ClaimModel.findById(claimId, { tracking: 1 }).lean();
  return {
    measurements: await MeasurementModel.countDocuments({ claim: claimId }),
    updates: await UpdateModel.countDocuments({ claim: claimId }),
    revisions: await RevisionModel.countDocuments({ claim: claimId }),
    counted: claim?.tracking?.measurementCount,
  };
}

const siteVersion = async () => (await ContentVersionModel.findById(SITE_VERSION_ID).lean())?.version ?? 0;

beforeAll(async () => {
  seeded = await startSeededApp();
  claimId = (await ClaimModel.findOne({ status: 'published' }).lean())!._id;
});
afterAll(async () => {
  await seeded.close();
});
afterEach(() => {
  jest.restoreAllMocks();
});

describe('an editor action is one transaction', () => {
  it('when its last write fails, then none of its writes is stored', async () => {
    const before = await traces();
    jest.spyOn(revisions, 'recordRevision').mockRejectedValueOnce(new Error('the revision could not be written'));
    await expect(addMeasurement(claimId, form('mesure refusée'), 'Nouvelle mesure', ctx)).rejects.toThrow('the revision could not be written');
    expect(await traces()).toEqual(before);
    expect(await MeasurementModel.exists({ definition: 'mesure refusée' })).toBeNull();
  });

  it('when it succeeds, then the measurement, its update, its revision and the tracking are all stored', async () => {
    const before = await traces();
    const id = await addMeasurement(claimId, form('mesure acceptée'), 'Nouvelle mesure', ctx);
    expect(await traces()).toEqual({ measurements: before.measurements + 1, updates: before.updates + 1, revisions: before.revisions + 1, counted: (before.counted ?? 0) + 1 });
    expect(await UpdateModel.exists({ claim: claimId, kind: 'measurement-added', subject: id })).not.toBeNull();
    expect(await RevisionModel.exists({ entity: 'measurement', entityId: id, action: 'created' })).not.toBeNull();
  });

  it('when it writes several public collections, then the content version moves once, after the commit', async () => {
    await versionBumpsSettled();
    const before = await siteVersion();
    await addMeasurement(claimId, form('mesure versionnée'), 'Nouvelle mesure', ctx);
    await versionBumpsSettled();
    expect(await siteVersion()).toBe(before + 1);
  });

  it('when editors add measurements to one claim at once, then every one is stored and counted', async () => {
    const before = await traces();
    const ids = await Promise.all([1, 2, 3, 4, 5].map((n) => addMeasurement(claimId, form(`mesure simultanée ${n}`), 'Nouvelle mesure', ctx)));
    expect(new Set(ids.map(String)).size).toBe(5);
    const after = await traces();
    expect(after.measurements).toBe(before.measurements + 5);
    expect(after.counted).toBe(after.measurements);
    expect(after.updates).toBe(before.updates + 5);
  });
});

describe('an editor action reads what it needs once', () => {
  afterEach(() => {
    mongoose.set('debug', false);
  });

  it('when a measurement is added to a published claim, then the claim is read once and each collection written once', async () => {
    const operations: string[] = [];
    mongoose.set('debug', (collection: string, method: string) => {
      if (collection !== 'contentversions') operations.push(`${collection}.${method}`);
    });
    await addMeasurement(claimId, form('mesure comptée'), 'Nouvelle mesure', ctx);
    mongoose.set('debug', false);
    // Then the scorecards of its speaker and topics, each recomputed from an index range of their published claims.
    const claim = (await ClaimModel.findById(claimId, { topics: 1 }).lean())!;
    const scorecards = Array.from({ length: 1 + claim.topics.length }, () => ['claims.find', 'scorecards.updateOne']).flat();
    expect(operations).toEqual(['claims.findOne', 'measurements.insertOne', 'revisions.insertOne', 'updates.updateOne', 'measurements.find', 'claims.updateOne', ...scorecards]);
  });
});
