import { trusted, type Types } from 'mongoose';
import { ClaimModel, type Claim } from '../../models/claim.model';
import { CounterModel, PUBLISHED_CLAIMS_COUNTER } from '../../models/counter.model';
import { SpeakerModel } from '../../models/speaker.model';
import { TopicModel } from '../../models/topic.model';
import { UpdateModel } from '../../models/update.model';
import { storedClaimState } from './claim-state.service';
import { backfillUpdateSummaries } from './update-summaries.service';
import { backfillScorecards, refreshScorecards } from './scorecard.service';

/*
 * What the public side reads without scanning is derived here, on write: each update carries
 * its claim's public state (published?, speaker, topics) for the feed indexes, and speakers,
 * topics and the site keep how many published claims they have. Counts are recounted from an
 * index rather than incremented, so a retried or interrupted write cannot leave them off. A
 * recount is not an edit of the speaker or topic: it leaves their updatedAt alone.
 */

type ClaimRefs = Pick<Claim, 'speaker' | 'topics'>;
type ClaimState = ClaimRefs & Pick<Claim, 'status'>;

export interface UpdatePublicState {
  public: boolean;
  speaker: Types.ObjectId;
  topics: Types.ObjectId[];
}

/** The fields an update copies from its claim. */
export function updatePublicState(claim: ClaimState): UpdatePublicState {
  return { public: claim.status === 'published', speaker: claim.speaker, topics: claim.topics };
}

/** The claim's public state as a new update of it carries it; null for an unknown claim. */
export async function loadUpdatePublicState(claimId: Types.ObjectId): Promise<ReturnType<typeof updatePublicState> | null> {
  const claim = await ClaimModel.findById(claimId, { status: 1, speaker: 1, topics: 1 }).lean();
  return claim ? updatePublicState(claim) : null;
}

/**
 * Recounts the published claims of these speakers and topics, and of the whole site. One
 * after the other: inside a transaction MongoDB runs a session's operations one at a time.
 */
export async function refreshPublishedCounts(speakers: Types.ObjectId[], topics: Types.ObjectId[]): Promise<void> {
  const unique = (ids: Types.ObjectId[]) => [...new Map(ids.map((id) => [String(id), id])).values()];
  for (const speaker of unique(speakers)) {
    const count = await ClaimModel.countDocuments({ status: 'published', speaker });
    await SpeakerModel.updateOne({ _id: speaker }, { $set: { publishedClaims: count } }, { timestamps: false });
  }
  for (const topic of unique(topics)) {
    const count = await ClaimModel.countDocuments({ status: 'published', topics: topic });
    await TopicModel.updateOne({ _id: topic }, { $set: { publishedClaims: count } }, { timestamps: false });
  }
  const count = await ClaimModel.countDocuments({ status: 'published' });
  await CounterModel.updateOne({ _id: PUBLISHED_CLAIMS_COUNTER }, { $set: { value: count } }, { upsert: true });
  await refreshScorecards(speakers, topics);
}

/**
 * After a claim's status, speaker or topics changed: its updates follow (an unpublished
 * claim's updates leave the feeds, a republished one's come back, a new topic moves them
 * between topic feeds), and the counts of the speakers and topics it had and has are redone.
 */
export async function syncClaimPublicState(claimId: Types.ObjectId, before: ClaimRefs | null = null, current: ClaimState | null = null): Promise<void> {
  const claim = current ?? (await ClaimModel.findById(claimId, { status: 1, speaker: 1, topics: 1 }).lean());
  if (!claim) return;
  await UpdateModel.updateMany({ claim: claimId }, { $set: updatePublicState(claim) });
  await refreshPublishedCounts([claim.speaker, ...(before ? [before.speaker] : [])], [...claim.topics, ...(before?.topics ?? [])]);
}

/**
 * Marks (in the counters collection) that every claim got its stored state (tracking.stage,
 * and tracking.openDueAt for every open deadline): the backfill's one-off scan is done. It
 * replaces `migration.openDueAt`, whose open due dates covered checked deadlines only.
 */
export const CLAIM_STATE_MIGRATION = 'migration.claimState';

const BACKFILL_BATCH = 500;

/**
 * Claims stored before their state was: each gets it from the same rule the writers use
 * (storedClaimState), in batches. Written only when there is something to fix: a write here
 * invalidates every cached page.
 */
async function backfillClaimStates(): Promise<void> {
  const missing = { 'tracking.stage': trusted({ $exists: false }) };
  if (!(await ClaimModel.exists(missing))) return;
  const cursor = ClaimModel.find(missing, { 'announced.kind': 1, 'announced.dueAt': 1, 'tracking.measurementCount': 1, 'tracking.delivered': 1 }).lean().cursor();
  let batch: Parameters<typeof ClaimModel.bulkWrite>[0] = [];
  for await (const claim of cursor) {
    const state = storedClaimState(claim.announced, claim.tracking?.measurementCount ?? 0, claim.tracking?.delivered === true);
    batch.push({ updateOne: { filter: { _id: claim._id }, update: { $set: { 'tracking.stage': state.stage, 'tracking.openDueAt': state.openDueAt } } } });
    if (batch.length >= BACKFILL_BATCH) {
      await ClaimModel.bulkWrite(batch);
      batch = [];
    }
  }
  if (batch.length > 0) await ClaimModel.bulkWrite(batch);
}

/**
 * Data written before updates carried their claim's state (or counts existed) gets them
 * once: only updates lacking `public` and speakers or topics lacking a count are touched, so
 * running it again, or from several processes, finds nothing to do after a single index probe.
 */
export async function backfillPublicState(): Promise<{ claims: number }> {
  const pending = await UpdateModel.exists({ public: null });
  const claimIds = pending ? await UpdateModel.distinct('claim', { public: null }) : [];
  for (const claimId of claimIds) {
    const claim = await ClaimModel.findById(claimId, { status: 1, speaker: 1, topics: 1 }).lean();
    await UpdateModel.updateMany({ claim: claimId, public: null }, { $set: claim ? updatePublicState(claim) : { public: false } });
  }
  const [speakers, topics, counter] = await Promise.all([
    SpeakerModel.find({ publishedClaims: null }, { _id: 1 }).lean(),
    TopicModel.find({ publishedClaims: null }, { _id: 1 }).lean(),
    CounterModel.exists({ _id: PUBLISHED_CLAIMS_COUNTER }),
  ]);
  // Finding claims without a stored state means reading every claim, so it is done once per
  // database, then marked done.
  if (!(await CounterModel.exists({ _id: CLAIM_STATE_MIGRATION }))) {
    await backfillClaimStates();
    // The mark is bookkeeping, not public content: written past the models' change hooks.
    await CounterModel.collection.updateOne({ _id: CLAIM_STATE_MIGRATION } as never, { $set: { value: 1 } }, { upsert: true });
  }
  if (claimIds.length > 0 || speakers.length > 0 || topics.length > 0 || !counter) {
    await refreshPublishedCounts(
      speakers.map((s) => s._id),
      topics.map((t) => t._id),
    );
  }
  return { claims: claimIds.length };
}

let backfilled: Promise<unknown> | null = null;

/** The backfills, once per process, before the first public read that depends on them. */
export function ensurePublicStateBackfilled(): Promise<unknown> {
  // The summaries' data rides on the same once-per-process promise: every reader of updates waits on it already.
  backfilled ??= backfillPublicState().then(backfillUpdateSummaries).then(backfillScorecards).catch((err: unknown) => {
    backfilled = null;
    throw err;
  });
  return backfilled;
}

/** For public reads: `trusted` spelled once for the "has published claims" menus. */
export const hasPublishedClaims = () => ({ publishedClaims: trusted({ $gt: 0 }) });
