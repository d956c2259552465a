import { trusted, type Types } from 'mongoose';
import { ProposalModel } from '../../../models/proposal.model';
import { SnapshotBlobModel, SnapshotModel } from '../../../models/snapshot.model';
import { SNAPSHOT_CITATIONS } from './snapshot.service';

/**
 * How long a copy that nothing cites is kept after its fetch: long enough for an editor to
 * look back at what a source sent last month, short enough that an hourly source whose file
 * changes at every fetch does not fill the database (a 1 MB file: 8.7 GB a year).
 */
export const SNAPSHOT_RETENTION_DAYS = 30;
const DAY_MS = 86_400_000;

interface OldCopy {
  _id: Types.ObjectId;
  sha256: string;
  fetchedAt: Date;
}

export interface PruneResult {
  snapshots: number;
  blobs: number;
}

/** The ids among `ids` that a measurement, a claim, a timeline entry or a proposal cites (each by an index). */
async function citedSnapshots(ids: Types.ObjectId[]): Promise<Set<string>> {
  const $in = trusted({ $in: ids });
  const lists: unknown[][] = await Promise.all([
    ...SNAPSHOT_CITATIONS.map((c) => c.distinct(c.path, { [c.path]: $in })),
    ProposalModel.distinct('snapshot', { snapshot: $in }),
  ]);
  return new Set(lists.flat().map(String));
}

/**
 * Drops the copies fetched before the retention cutoff that nothing cites, then the bytes no
 * copy names any more. It walks the old copies in pages of `batch` (oldest first, cited ones
 * skipped), up to `maxScan` of them per call. Safe with several processes and with fetches
 * running: deletes are idempotent, and a blob is deleted only if it was last stored before
 * the cutoff (storeSnapshot moves `lastStoredAt` before it writes its copy), so bytes being
 * stored again are never lost. A citation is made from a fresh copy (a proposal, an approval,
 * "Archiver la source"), never from one this old.
 */
export async function pruneSnapshots(now: Date, { keepDays = SNAPSHOT_RETENTION_DAYS, batch = 500, maxScan = 20_000 } = {}): Promise<PruneResult> {
  const cutoff = new Date(now.getTime() - keepDays * DAY_MS);
  const result: PruneResult = { snapshots: 0, blobs: 0 };
  let after: OldCopy | null = null;
  for (let scanned = 0; scanned < maxScan; ) {
    // One index range (fetchedAt, _id); the copies of `after`'s instant already seen are skipped here.
    const last: OldCopy | null = after;
    const found = await SnapshotModel.find({ fetchedAt: trusted({ ...(last ? { $gte: last.fetchedAt } : {}), $lt: cutoff }) }, { _id: 1, sha256: 1, fetchedAt: 1 })
      .sort({ fetchedAt: 1, _id: 1 })
      .limit(batch)
      .lean<OldCopy[]>();
    const page: OldCopy[] = last ? found.filter((s) => s.fetchedAt > last.fetchedAt || String(s._id) > String(last._id)) : found;
    if (page.length === 0) break;
    scanned += page.length;
    after = page.at(-1)!;
    const cited = await citedSnapshots(page.map((s) => s._id));
    const dropped = page.filter((s) => !cited.has(String(s._id)));
    if (dropped.length > 0) await dropCopies(dropped, cutoff, result);
    if (found.length < batch) break;
  }
  return result;
}

async function dropCopies(dropped: OldCopy[], cutoff: Date, result: PruneResult): Promise<void> {
  result.snapshots += (await SnapshotModel.deleteMany({ _id: trusted({ $in: dropped.map((s) => s._id) }) })).deletedCount;
  for (const sha256 of new Set(dropped.map((s) => s.sha256))) {
    if (await SnapshotModel.exists({ sha256 })) continue;
    result.blobs += (await SnapshotBlobModel.deleteOne({ _id: sha256, lastStoredAt: trusted({ $lt: cutoff }) })).deletedCount;
  }
}
