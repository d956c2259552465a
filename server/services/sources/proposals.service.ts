import mongoose, { mongo, Types } from 'mongoose';
import { DataSourceModel, type DataSource } from '../../../models/data-source.model';
import { MeasurementModel } from '../../../models/measurement.model';
import { ProposalModel } from '../../../models/proposal.model';
import { AppError } from '../../errors';
import { recordActionRevision } from '../editor-actions/action-steps';
import { runEditorAction, type EditorActionContext } from '../editor-actions/run-editor-action';
import type { Reading } from './source-reader';

/*
 * Turning readings into proposals, and the editors' queue of them.
 *
 * The dedup rule: a reading is NOT proposed when
 * - the file dates its values: a proposal with the same value and the same date was already
 *   made from this source (whatever became of it: approved, rejected or pending), or the
 *   claim already has a measurement with that value and date from the source's URL;
 * - the file gives no date (the value is dated by the fetch): the value equals the last one
 *   proposed from this source. A value that goes 5 → 6 → 5 is proposed three times.
 * Race-proof: each proposal carries a key unique per source ({value}@{date}, or
 * {value}@after:{last proposal's id} when undated), so two processes reading the same new
 * value at once make one proposal; the loser's insert fails on the unique index.
 */

type SourceRef = Pick<DataSource, 'claim' | 'url' | 'unit' | 'definition' | 'sameQuantity' | 'outlet' | 'lastProposal'> & { _id: Types.ObjectId };

/** The stored copy of the response a reading came from. */
export interface SnapshotRef {
  id: Types.ObjectId;
  fetchedAt: Date;
}

/** The key that makes a reading "the same value" for this source; null when it is unchanged. */
export function dedupKeyOf(source: Pick<DataSource, 'lastProposal'>, reading: Pick<Reading, 'value' | 'asOf' | 'dated'>): string | null {
  if (reading.dated) return `${reading.value}@${reading.asOf.toISOString()}`;
  const last = source.lastProposal;
  if (last?.value === reading.value) return null;
  return `${reading.value}@after:${last?.id ? String(last.id) : 'none'}`;
}

const isDuplicateKey = (err: unknown) => err instanceof mongo.MongoServerError && err.code === 11000;

/** What `proposeReading` did. */
export type ProposalOutcome = { kind: 'proposed'; id: Types.ObjectId } | { kind: 'unchanged' };

async function alreadyMeasured(source: SourceRef, reading: Reading): Promise<boolean> {
  if (!reading.dated) return false;
  return (await MeasurementModel.exists({ claim: source.claim, value: reading.value, asOf: reading.asOf, 'source.url': source.url })) !== null;
}

/** Thrown inside the proposal's transaction when the source is gone or its lease taken back. */
class LeaseLost extends Error {}

/**
 * Makes a proposal of a new reading; an unchanged one makes none. In one transaction with
 * the source's `lastProposal`, and only while this fetch still holds the source's lease: a
 * source deleted, edited (which drops the lease) or withdrawn with its claim while the fetch
 * ran gets no proposal from it, so the queue never offers what cannot be approved. (Not an
 * editor action: no Revision, no content version bump; nothing public changes.)
 */
export async function proposeReading(leased: { source: SourceRef; token: string }, reading: Reading, snapshot: SnapshotRef | null, fetchedAt: Date): Promise<ProposalOutcome> {
  const { source, token } = leased;
  const dedupKey = dedupKeyOf(source, reading);
  if (dedupKey === null || (await alreadyMeasured(source, reading))) return { kind: 'unchanged' };
  const id = new Types.ObjectId();
  try {
    await mongoose.connection.transaction(async () => {
      const held = await DataSourceModel.updateOne(
        { _id: source._id, 'lease.token': token },
        { $set: { lastProposal: { id, value: reading.value, asOf: reading.asOf } } },
      );
      if (held.matchedCount === 0) throw new LeaseLost();
      await ProposalModel.create([
        {
          _id: id,
          claim: source.claim,
          source: source._id,
          dedupKey,
          value: reading.value,
          asOf: reading.asOf,
          asOfPrecision: reading.asOfPrecision,
          unit: source.unit,
          definition: source.definition,
          sameQuantity: source.sameQuantity,
          outlet: source.outlet,
          sourceUrl: source.url,
          matchedRow: reading.matchedRow,
          matchedPath: reading.matchedPath,
          snapshot: snapshot?.id,
          snapshotAt: snapshot?.fetchedAt,
          fetchedAt,
        },
      ]);
    });
  } catch (err) {
    if (err instanceof LeaseLost || isDuplicateKey(err)) return { kind: 'unchanged' };
    throw err;
  }
  return { kind: 'proposed', id };
}

const QUEUE_LIMIT = 50;

/** The dashboard's queue: pending proposals, oldest first, with their claims' titles, and how many there are. */
export async function listPendingProposals() {
  const [proposals, count] = await Promise.all([
    ProposalModel.find({ status: 'pending' }).sort({ createdAt: 1, _id: 1 }).limit(QUEUE_LIMIT).populate<{ claim: { _id: Types.ObjectId; title: string } }>('claim', 'title').lean(),
    ProposalModel.countDocuments({ status: 'pending' }),
  ]);
  return { proposals, count };
}

/** A claim's pending proposals, for its editor page. */
export async function listClaimProposals(claimId: Types.ObjectId) {
  return ProposalModel.find({ claim: claimId, status: 'pending' }).sort({ createdAt: 1, _id: 1 }).limit(QUEUE_LIMIT).lean();
}

export async function findProposal(id: Types.ObjectId) {
  const proposal = await ProposalModel.findById(id).lean();
  if (!proposal) throw new AppError({ code: 'NOT_FOUND', message: `No proposal ${String(id)}` });
  return proposal;
}

/**
 * Rejects a pending proposal, with its Revision in the claim's history (one transaction);
 * one already decided is a conflict (someone else decided first).
 */
export async function rejectProposal(id: Types.ObjectId, reason: string | undefined, ctx: EditorActionContext): Promise<void> {
  await runEditorAction(async () => {
    const { actor, now } = ctx;
    const proposal = await ProposalModel.findOneAndUpdate(
      { _id: id, status: 'pending' },
      { $set: { status: 'rejected', decidedAt: now, decidedBy: actor.id, decidedByName: actor.name, ...(reason ? { rejectionReason: reason } : {}) } },
    ).lean();
    if (!proposal) {
      await findProposal(id);
      throw new AppError({ code: 'CONFLICT', message: `Proposal ${String(id)} was already decided` });
    }
    // The history reads "Proposition rejetée: Valeur 4 200 → —", with the reason when given.
    const changes = [{ field: 'value', before: proposal.value, after: null }, ...(reason ? [{ field: 'rejectionReason', before: null, after: reason }] : [])];
    await recordActionRevision(ctx, { claim: proposal.claim, entity: 'proposal', entityId: id, action: 'rejected', changes });
  });
}
