import { DateTime } from 'luxon';
import { trusted, Types } from 'mongoose';
import { ClaimModel, type ClaimDocument } from '../../../models/claim.model';
import { SpeakerModel } from '../../../models/speaker.model';
import { TopicModel } from '../../../models/topic.model';
import type { UpdateKind } from '../../../models/update.model';
import { AppError } from '../../errors';
import type { ClaimForm, EditMeta } from '../../schemas/claim-form.schemas';
import { updatePublicState } from '../claim-public-state.service';
import { moveLastUpdateForward, writeClaimTracking } from '../claim-tracking.service';
import { notDeleted } from '../editor-reads.service';
import { recordRevision, type FieldChange, type RevisionInput } from '../revisions.service';
import { recordUpdate, type UpdateSummaryData } from '../updates.service';
import { staleVersion } from '../versioned-save.service';
import type { EditorActionContext } from './run-editor-action';

/*
 * The steps editor actions share. Each runs inside the action's transaction
 * (runEditorAction) and works on the claim the action loaded once.
 */

/** The claim an action works on, as a document it can save: any status but deleted. */
export async function loadClaimForAction(claimId: Types.ObjectId): Promise<ClaimDocument> {
  const claim = await ClaimModel.findOne({ _id: claimId, ...notDeleted() });
  if (!claim) throw new AppError({ code: 'NOT_FOUND', message: `No claim ${String(claimId)}` });
  return claim;
}

/** Refuses a form opened on another version than the stored one: someone saved in between. */
export function assertAtVersion(entity: string, stored: number | undefined, formVersion: number): void {
  if ((stored ?? 0) !== formVersion) throw staleVersion(entity, stored ?? 0);
}

/**
 * A measurement dated before the claim was made is usually a typo ("2017" for "2021"), and
 * sometimes a deliberate baseline: it is stored only once the editor has confirmed it. A
 * measurement known to the month or the year counts as before only if that whole period is.
 */
export function assertMeasuredAfterClaim(
  claim: { saidAt: Date },
  measured: { asOf: Date; asOfPrecision: string; confirmBeforeAnnouncement: boolean },
  timeZone: string,
): void {
  if (measured.confirmBeforeAnnouncement) return;
  const unit = measured.asOfPrecision === 'year' ? 'year' : measured.asOfPrecision === 'month' ? 'month' : measured.asOfPrecision === 'day' ? 'day' : null;
  const periodEnd = unit ? DateTime.fromJSDate(measured.asOf, { zone: timeZone }).endOf(unit).toJSDate() : measured.asOf;
  if (periodEnd.getTime() < claim.saidAt.getTime()) {
    throw new AppError({ code: 'VALIDATION', message: 'Measurement dated before the announcement', details: { asOf: 'measurement.form.asOf.before_announcement' } });
  }
}

/**
 * A correction is public: it goes on the claim page and into the feeds. Only a published
 * claim has readers to correct for; a draft is simply edited.
 */
export function assertCorrectable(claim: { status: string }, meta: Pick<EditMeta, 'correction'>): void {
  if (meta.correction && claim.status !== 'published') {
    throw new AppError({ code: 'VALIDATION', message: 'Only a published claim takes corrections', details: { correctionNote: 'correction.draft' } });
  }
}

/** The form's speaker and topics, which must exist: the topics as ids, once each. */
export async function checkReferences(form: Pick<ClaimForm, 'speaker' | 'topics'>): Promise<Types.ObjectId[]> {
  if (!(await SpeakerModel.exists({ _id: form.speaker }))) {
    throw new AppError({ code: 'VALIDATION', message: 'Unknown speaker', details: { speaker: 'claim.form.speaker.required' } });
  }
  const topics = [...new Set(form.topics)];
  if ((await TopicModel.countDocuments({ _id: trusted({ $in: topics }) })) !== topics.length) {
    throw new AppError({ code: 'VALIDATION', message: 'Unknown topic', details: { topics: 'claim.form.topic.unknown' } });
  }
  return topics.map((t) => new Types.ObjectId(t));
}

/** Only what the public can see makes an update: a draft's changes make none. */
export async function recordPublicUpdate(claim: ClaimDocument, update: { kind: UpdateKind; subject: Types.ObjectId; at: Date; summary: string; summaryData?: UpdateSummaryData }): Promise<void> {
  if (claim.status !== 'published') return;
  await recordUpdate({ claim: claim._id, ...update }, updatePublicState(claim));
}

/** The Revision of an action by the context's actor, at its time. */
export async function recordActionRevision(
  ctx: EditorActionContext,
  revision: Omit<RevisionInput, 'actor' | 'at' | 'changes'> & { changes: FieldChange[] },
): Promise<void> {
  await recordRevision({ ...revision, actor: ctx.actor, at: ctx.now });
}

/** Adds the public correction note to the claim and its update to the feeds. */
export async function publishCorrection(claim: ClaimDocument, note: string, now: Date): Promise<void> {
  const correctionId = new Types.ObjectId();
  await ClaimModel.updateOne({ _id: claim._id }, { $push: { corrections: { _id: correctionId, at: now, text: note } } }, { runValidators: true });
  await recordPublicUpdate(claim, { kind: 'correction', subject: correctionId, at: now, summary: note.slice(0, 500), summaryData: { text: note } });
  await moveLastUpdateForward(claim._id, now);
}

/** The claim's derived tracking after its measurements or announced figure changed. */
export async function refreshTracking(claim: ClaimDocument, lastUpdateAt: Date | null, ctx: EditorActionContext): Promise<void> {
  await writeClaimTracking(claim.toObject(), lastUpdateAt, ctx.now, ctx.timeZone);
}
