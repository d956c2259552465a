import { randomBytes } from 'node:crypto';
import { Types } from 'mongoose';
import { ClaimModel } from '../../../models/claim.model';
import { MeasurementModel } from '../../../models/measurement.model';
import { ProposalModel } from '../../../models/proposal.model';
import { SnapshotBlobModel, SnapshotModel } from '../../../models/snapshot.model';
import type { FetchedResponse } from '../../../server/services/sources/safe-fetch';
import { pruneSnapshots, SNAPSHOT_RETENTION_DAYS } from '../../../server/services/sources/snapshot-retention.service';
import { storeSnapshot } from '../../../server/services/sources/snapshot.service';
import { startSeededApp, type SeededApp } from '../../helpers/seeded-app';

/*
 * Retention of stored copies: what nothing cites goes SNAPSHOT_RETENTION_DAYS after its fetch,
 * and its bytes with the last copy naming them; what a measurement, a claim or a proposal
 * cites stays; bytes stored again since the cutoff are never dropped.
 */

const NOW = new Date('2026-11-30T12:00:00Z');
const DAY = 86_400_000;
const daysAgo = (n: number) => new Date(NOW.getTime() - n * DAY);
const OLD = SNAPSHOT_RETENTION_DAYS + 5;

let seeded: SeededApp;
beforeAll(async () => {
  seeded = await startSeededApp();
});
afterAll(async () => {
  await seeded.close();
});
beforeEach(async () => {
  await SnapshotModel.deleteMany({});
  await SnapshotBlobModel.deleteMany({});
});

function fetched(bytes: Buffer, fetchedAt: Date): FetchedResponse {
  return { url: 'https://data.example.org/passes.csv', finalUrl: 'https://data.example.org/passes.csv', status: 200, contentType: 'text/csv', charset: null, bytes, sha256: '', fetchedAt };
}
const store = (bytes: Buffer, at: Date) => storeSnapshot(fetched(bytes, at));
const exists = async (id: Types.ObjectId) => (await SnapshotModel.exists({ _id: id })) !== null;
const blobExists = async (sha: string) => (await SnapshotBlobModel.exists({ _id: sha })) !== null;

test('when old copies are pruned, then only those nothing cites go, and bytes go with the last copy naming them', async () => {
  const claim = (await ClaimModel.findOne({ status: 'published' }).lean())!;
  const uncited = await store(randomBytes(64), daysAgo(OLD));
  const byMeasurement = await store(randomBytes(64), daysAgo(OLD));
  const byClaim = await store(randomBytes(64), daysAgo(OLD));
  const byProposal = await store(randomBytes(64), daysAgo(OLD));
  const recent = await store(randomBytes(64), daysAgo(1));
  const shared = randomBytes(64);
  const oldShared = await store(shared, daysAgo(OLD + 10));
  const newShared = await store(shared, daysAgo(2));
  await MeasurementModel.create({ claim: claim._id, value: 1, asOf: daysAgo(OLD), definition: 'test', source: { outlet: 'Test', snapshot: byMeasurement.id } });
  await ClaimModel.updateOne({ _id: claim._id }, { $set: { 'sources.0.snapshot': byClaim.id } });
  await ProposalModel.collection.insertOne({ snapshot: byProposal.id });

  expect(await pruneSnapshots(NOW)).toEqual({ snapshots: 2, blobs: 1 });
  expect(await exists(uncited.id)).toBe(false);
  expect(await blobExists(uncited.sha256)).toBe(false);
  for (const kept of [byMeasurement, byClaim, byProposal, recent, newShared]) expect(await exists(kept.id)).toBe(true);
  for (const kept of [byMeasurement, byClaim, byProposal, recent]) expect(await blobExists(kept.sha256)).toBe(true);
  expect(await exists(oldShared.id)).toBe(false);
  expect(await blobExists(newShared.sha256)).toBe(true);
  expect(await pruneSnapshots(NOW)).toEqual({ snapshots: 0, blobs: 0 });
});

test('when bytes were stored again after the cutoff but their new copy is not written yet, then pruning their old copy keeps the bytes', async () => {
  const bytes = randomBytes(64);
  const old = await store(bytes, daysAgo(OLD));
  // A fetch of the same bytes has just run its blob upsert (lastStoredAt now), not yet its copy.
  await SnapshotBlobModel.updateOne({ _id: old.sha256 }, { $max: { lastStoredAt: NOW } });
  expect(await pruneSnapshots(NOW)).toEqual({ snapshots: 1, blobs: 0 });
  expect(await blobExists(old.sha256)).toBe(true);
});

test('when the oldest copies are all cited, then pruning walks past them to the uncited ones', async () => {
  const claim = (await ClaimModel.findOne({ status: 'published' }).lean())!;
  const cited = [];
  for (let i = 0; i < 7; i++) cited.push(await store(randomBytes(32), daysAgo(OLD + 20 - i)));
  for (const copy of cited) await MeasurementModel.create({ claim: claim._id, value: 1, asOf: daysAgo(OLD), definition: 'test', source: { outlet: 'Test', snapshot: copy.id } });
  const later = [];
  for (let i = 0; i < 4; i++) later.push(await store(randomBytes(32), daysAgo(OLD)));
  expect(await pruneSnapshots(NOW, { batch: 3 })).toEqual({ snapshots: 4, blobs: 4 });
  for (const copy of cited) expect(await exists(copy.id)).toBe(true);
  for (const copy of later) expect(await exists(copy.id)).toBe(false);
});
