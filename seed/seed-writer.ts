import { trusted, Types } from 'mongoose';
import { ClaimModel, type Claim } from '../models/claim.model';
import { MeasurementModel, type Measurement } from '../models/measurement.model';
import type { Source } from '../models/source.schema';
import { SpeakerModel, type Speaker } from '../models/speaker.model';
import { TimelineEventModel, type TimelineEvent } from '../models/timeline-event.model';
import { TopicModel, type Topic } from '../models/topic.model';
import { AppError } from '../server/errors';
import { syncClaimPublicState } from '../server/services/claim-public-state.service';
import { refreshClaimSearch } from '../server/services/claim-search.service';
import { storedClaimState } from '../server/services/claim-state.service';
import { moveLastUpdateForward, refreshClaimTracking } from '../server/services/claim-tracking.service';
import { refreshScorecardsOfClaim } from '../server/services/scorecard.service';
import { recordUpdate } from '../server/services/updates.service';

/*
 * The seed's writes: idempotent by slug and by stable ids, so loading the seed again changes
 * nothing. Not an editor action: nobody acts (no Revision), and re-running it is how a
 * partly loaded seed is completed, so it needs no transaction.
 */

export interface EditingContext {
  now: Date;
  timeZone: string;
}

type Fields<T> = Omit<T, 'createdAt' | 'updatedAt'>;

export async function saveSpeaker(input: Omit<Fields<Speaker>, 'sameAs' | 'publishedClaims'> & { sameAs?: string[] }): Promise<Types.ObjectId> {
  const doc = await SpeakerModel.findOneAndUpdate({ slug: input.slug }, { $set: input, $setOnInsert: { publishedClaims: 0 } }, { upsert: true, new: true, runValidators: true });
  return doc._id;
}

export async function saveTopic(input: Omit<Fields<Topic>, 'publishedClaims'>): Promise<Types.ObjectId> {
  const doc = await TopicModel.findOneAndUpdate({ slug: input.slug }, { $set: input, $setOnInsert: { publishedClaims: 0 } }, { upsert: true, new: true, runValidators: true });
  return doc._id;
}

export type ClaimInput = Omit<Fields<Claim>, 'tracking' | 'status' | 'publishedAt' | 'corrections' | 'verdict' | 'sources'> & {
  sources: Partial<Source>[];
};

/** Creates the claim, or updates the one with the same slug, as a draft or as it stands. */
export async function saveClaimBySlug(input: ClaimInput): Promise<Types.ObjectId> {
  const before = await ClaimModel.findOne({ slug: input.slug }, { speaker: 1, topics: 1 }).lean();
  const doc = await ClaimModel.findOneAndUpdate(
    { slug: input.slug },
    { $set: input, $setOnInsert: { status: 'draft', tracking: { measurementCount: 0, delivered: false } } },
    { upsert: true, new: true, runValidators: true },
  );
  // A new claim's state, or a reloaded one's whose kind or due date changed.
  const state = storedClaimState(doc.announced, doc.tracking?.measurementCount ?? 0, doc.tracking?.delivered === true);
  if (doc.tracking?.stage !== state.stage || doc.tracking.openDueAt?.getTime() !== state.openDueAt?.getTime()) {
    await ClaimModel.updateOne({ _id: doc._id }, { $set: { 'tracking.stage': state.stage, 'tracking.openDueAt': state.openDueAt } });
  }
  // A reloaded seed may give the claim another speaker or topics.
  if (before) await syncClaimPublicState(doc._id, before);
  await refreshClaimSearch(doc._id);
  return doc._id;
}

/** Only what the public can see makes an update: a draft's changes make none. */
function isPublic(claim: { status: string }): boolean {
  return claim.status === 'published';
}

async function requireClaim(claimId: Types.ObjectId) {
  const claim = await ClaimModel.findById(claimId, { title: 1, status: 1 }).lean();
  if (!claim) throw new AppError({ code: 'NOT_FOUND', message: `No claim ${String(claimId)}` });
  return claim;
}

/**
 * Publishes the claim at `at` (Écart's own time). `developedAt` is the date of the latest
 * development, used to order claims; it defaults to the publication time.
 */
export async function publishClaim(claimId: Types.ObjectId, at: Date, developedAt: Date = at, subject: Types.ObjectId = claimId): Promise<void> {
  const claim = await requireClaim(claimId);
  if (claim.status !== 'published') {
    // publishedAt is the first publication: ClaimReview's date does not move on a republish.
    await ClaimModel.updateOne({ _id: claimId }, { $set: { status: 'published' } });
    await ClaimModel.updateOne({ _id: claimId, publishedAt: trusted({ $exists: false }) }, { $set: { publishedAt: at } });
    // Its earlier updates (a republication's included) show again.
    await syncClaimPublicState(claimId);
  }
  // The seed's subject is the claim (loading twice is one update); each publication from the editor is its own.
  await recordUpdate({ claim: claimId, kind: 'claim-published', subject, at, summary: claim.title, summaryData: { title: claim.title } });
  await moveLastUpdateForward(claimId, developedAt);
}

export type MeasurementInput = Omit<Fields<Measurement>, 'claim'> & { _id?: Types.ObjectId };

/**
 * Adds (or, with a known _id, rewrites) a measurement, records the update at Écart's own
 * time (`ctx.now`) and refreshes the claim's tracking, ordered by the measurement's date.
 */
export async function addMeasurement(
  claimId: Types.ObjectId,
  input: MeasurementInput,
  summary: string,
  ctx: EditingContext,
): Promise<Types.ObjectId> {
  const claim = await requireClaim(claimId);
  const _id = input._id ?? new Types.ObjectId();
  await MeasurementModel.findOneAndUpdate({ _id }, { $set: { ...input, _id, claim: claimId } }, { upsert: true, runValidators: true });
  if (isPublic(claim)) await recordUpdate({ claim: claimId, kind: 'measurement-added', subject: _id, at: ctx.now, summary, summaryData: { definition: input.definition } });
  // Also refreshes the claim's search.definitions.
  await refreshClaimTracking(claimId, input.asOf, ctx.now, ctx.timeZone);
  return _id;
}

export type TimelineEventInput = Omit<Fields<TimelineEvent>, 'claim'> & { _id?: Types.ObjectId };

/** Adds a statement or an event to the claim's timeline, with its update at Écart's time. */
export async function addTimelineEvent(
  claimId: Types.ObjectId,
  input: TimelineEventInput,
  summary: string,
  ctx: EditingContext,
): Promise<Types.ObjectId> {
  const claim = await requireClaim(claimId);
  const _id = input._id ?? new Types.ObjectId();
  await TimelineEventModel.findOneAndUpdate({ _id }, { $set: { ...input, _id, claim: claimId } }, { upsert: true, runValidators: true });
  const kind = input.kind === 'event' ? 'event-added' : 'statement-added';
  if (isPublic(claim)) await recordUpdate({ claim: claimId, kind, subject: _id, at: ctx.now, summary, summaryData: { who: input.who, text: input.text } });
  await moveLastUpdateForward(claimId, input.at);
  return _id;
}

/** The seed's verdict is identified by when it was set (loading twice is one update); the editor's each get a fresh subject. */
export async function recordVerdictUpdate(claimId: Types.ObjectId, setAt: Date, summary: string, subject = Types.ObjectId.createFromTime(Math.floor(setAt.getTime() / 1000)), rating?: string): Promise<void> {
  await recordUpdate({ claim: claimId, kind: 'verdict-changed', subject, at: setAt, summary, ...(rating ? { summaryData: { rating } } : {}) });
}

export async function setVerdict(
  claimId: Types.ObjectId,
  verdict: NonNullable<Claim['verdict']>,
  summary: string,
): Promise<void> {
  const claim = await requireClaim(claimId);
  await ClaimModel.updateOne({ _id: claimId }, { $set: { verdict } }, { runValidators: true });
  if (isPublic(claim)) await recordVerdictUpdate(claimId, verdict.setAt, summary, undefined, verdict.rating);
  await moveLastUpdateForward(claimId, verdict.setAt);
  // Its speaker's and topics' totals by verdict follow (scorecard.service).
  await refreshScorecardsOfClaim(claimId);
}
