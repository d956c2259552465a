import { createHash } from 'node:crypto';
import { trusted, type Types } from 'mongoose';
import { ClaimModel } from '../../../models/claim.model';
import { MeasurementModel } from '../../../models/measurement.model';
import { TimelineEventModel } from '../../../models/timeline-event.model';
import { MAX_SNAPSHOT_BYTES, SnapshotBlobModel, SnapshotModel, type Snapshot } from '../../../models/snapshot.model';
import { AppError } from '../../errors';
import { parseObjectId } from '../editor-reads.service';
import type { FetchedResponse } from './safe-fetch';

export interface StoredSnapshot {
  id: Types.ObjectId;
  fetchedAt: Date;
  sha256: string;
}

/**
 * Stores the bytes once under their hash (a fetch of unchanged bytes adds none), then the
 * record of this fetch. Inside `runEditorAction` both writes join its transaction (Mongoose's
 * transaction AsyncLocalStorage); outside, the blob is written first, so a snapshot never
 * names missing bytes.
 */
export async function storeSnapshot(fetched: FetchedResponse): Promise<StoredSnapshot> {
  if (fetched.bytes.length > MAX_SNAPSHOT_BYTES) {
    throw new AppError({ code: 'PAYLOAD_TOO_LARGE', message: `A snapshot holds at most ${MAX_SNAPSHOT_BYTES} bytes (got ${fetched.bytes.length})` });
  }
  // Recomputed, not trusted: the hash is the blob's address.
  const sha256 = createHash('sha256').update(fetched.bytes).digest('hex');
  await storeBlobOnce(sha256, fetched.bytes, fetched.fetchedAt);
  const snapshot = await SnapshotModel.create({
    url: fetched.url,
    finalUrl: fetched.finalUrl,
    status: fetched.status,
    contentType: fetched.contentType,
    charset: fetched.charset ?? undefined,
    sha256,
    size: fetched.bytes.length,
    fetchedAt: fetched.fetchedAt,
  });
  return { id: snapshot._id, fetchedAt: snapshot.fetchedAt, sha256 };
}

/**
 * An upsert on `_id`: bytes already stored are left as they are. Two processes storing the
 * same new bytes at once both succeed: MongoDB retries an upsert that hits a duplicate key
 * on the equality it queried, and inside transactions the conflict is a transient error
 * that the driver retries.
 */
async function storeBlobOnce(sha256: string, bytes: Buffer, storedAt: Date): Promise<void> {
  // `lastStoredAt` moves with every store, so retention (which deletes a blob only if it was
  // last stored before its cutoff) cannot drop bytes a fetch is storing right now.
  await SnapshotBlobModel.updateOne(
    { _id: sha256 },
    { $setOnInsert: { bytes, size: bytes.length, createdAt: new Date() }, $max: { lastStoredAt: storedAt } },
    { upsert: true, timestamps: false },
  );
}

export type SnapshotReader = 'editor' | 'public';

export interface ReadableSnapshot {
  snapshot: Snapshot & { _id: Types.ObjectId };
  bytes: Buffer;
}

/** What a citation list needs of a model: `distinct` over one of its fields. */
type Distinct = (field: string, filter: Record<string, unknown>) => Promise<unknown[]>;

/**
 * Every place a source can cite a snapshot, with the field naming the claim it belongs to.
 * The one list both the public access check and retention read: a place added here is both
 * public with its claim and kept by retention. (A proposal cites one too, never publicly: see
 * snapshot-retention.service.ts.)
 */
export const SNAPSHOT_CITATIONS: readonly { path: string; claimField: string; distinct: Distinct }[] = [
  { path: 'sources.snapshot', claimField: '_id', distinct: (field, filter) => ClaimModel.distinct(field, filter) },
  { path: 'source.snapshot', claimField: 'claim', distinct: (field, filter) => MeasurementModel.distinct(field, filter) },
  { path: 'source.snapshot', claimField: 'claim', distinct: (field, filter) => TimelineEventModel.distinct(field, filter) },
];

/**
 * Whether the public may read a snapshot: only one cited by a published claim's source, or by
 * the source of one of its measurements or timeline entries. Indexed every way (sparse, on
 * the link).
 */
export async function isSnapshotPublic(id: Types.ObjectId): Promise<boolean> {
  const lists = await Promise.all(SNAPSHOT_CITATIONS.map((c) => c.distinct(c.claimField, { [c.path]: id })));
  const claims = lists.flat();
  if (claims.length === 0) return false;
  return (await ClaimModel.exists({ _id: trusted({ $in: claims }), status: 'published' })) !== null;
}

/**
 * The snapshot and its bytes if this reader may see them; NOT_FOUND otherwise, for a bad id
 * too, and never FORBIDDEN: the public must not learn that an unlinked snapshot exists.
 */
export async function findReadableSnapshot(rawId: string, reader: SnapshotReader): Promise<ReadableSnapshot> {
  const id = parseObjectId(rawId, 'snapshot');
  const snapshot = await SnapshotModel.findById(id).lean();
  if (!snapshot || (reader === 'public' && !(await isSnapshotPublic(id)))) {
    throw new AppError({ code: 'NOT_FOUND', message: `No snapshot ${rawId}` });
  }
  // Hydrated, not lean: Mongoose gives the bytes as a Buffer, lean as a BSON Binary.
  const blob = await SnapshotBlobModel.findById(snapshot.sha256);
  if (!blob) throw new AppError({ code: 'NOT_FOUND', message: `Snapshot ${rawId} has lost its bytes ${snapshot.sha256}` });
  return { snapshot, bytes: blob.bytes };
}
