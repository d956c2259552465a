import { Types } from 'mongoose';
import { ClaimModel } from '../../models/claim.model';
import { TimelineEventModel } from '../../models/timeline-event.model';
import { AppError } from '../errors';
import type { TimelineForm, VerdictForm } from '../schemas/claim-form.schemas';
import { assertNotFuture, findClaimForEditor, sourceOf } from './claim-forms.service';
import { notDeleted, saveAtVersion, staleVersion } from './editing-guards.service';
import { addTimelineEvent, bumpLastUpdate, recordVerdictUpdate, type EditingContext } from './claims-editing.service';
import { diffSnapshots, recordRevision, snapshotOf } from './revisions.service';
import type { Actor } from './revisions.service';

const TIMELINE_HISTORY_FIELDS = ['kind', 'at', 'atPrecision', 'who', 'text', 'verbatim', 'source.outlet', 'source.title', 'source.url', 'source.publishedAt'] as const;
const VERDICT_HISTORY_FIELDS = ['verdict.rating', 'verdict.explanation'] as const;

/** A statement or an event on the claim's timeline; an update only if the claim is published. */
export async function addTimelineEntryFromForm(claimId: Types.ObjectId, form: TimelineForm, summary: string, actor: Actor, ctx: EditingContext): Promise<Types.ObjectId> {
  await findClaimForEditor(claimId);
  assertNotFuture({ at: form.at.at }, ctx.now);
  const id = await addTimelineEvent(
    claimId,
    { kind: form.kind, at: form.at.at, atPrecision: form.at.precision, who: form.who, text: form.text, verbatim: form.verbatim, source: sourceOf(form) },
    summary,
    ctx,
  );
  const saved = await TimelineEventModel.findById(id).lean();
  const changes = diffSnapshots(snapshotOf({}, TIMELINE_HISTORY_FIELDS), snapshotOf(saved ?? {}, TIMELINE_HISTORY_FIELDS));
  await recordRevision({ claim: claimId, entity: form.kind, entityId: id, action: 'created', actor, at: ctx.now, changes });
  return id;
}

/**
 * Sets the verdict and its explanation, dated now. Versioned with the claim: two editors
 * rating the same claim at once get a 409, not a silent overwrite. A published claim's new
 * verdict is an update; rewording the same rating's explanation is one too, since readers see it.
 */
export async function setVerdictFromForm(claimId: Types.ObjectId, form: VerdictForm, summary: string, actor: Actor, ctx: EditingContext): Promise<void> {
  const doc = await ClaimModel.findOne({ _id: claimId, ...notDeleted() });
  if (!doc) throw new AppError({ code: 'NOT_FOUND', message: `No claim ${String(claimId)}` });
  if (doc.__v !== form.version) throw staleVersion('claim', doc.__v);
  const before = snapshotOf(doc.toObject(), VERDICT_HISTORY_FIELDS);
  doc.set('verdict', { rating: form.rating, explanation: form.explanation, setAt: ctx.now });
  const changes = diffSnapshots(before, snapshotOf(doc.toObject(), VERDICT_HISTORY_FIELDS));
  if (changes.length === 0) return;
  await saveAtVersion('claim', doc, form.version);
  await recordRevision({ claim: claimId, entity: 'verdict', entityId: claimId, action: before['verdict.rating'] === null ? 'created' : 'edited', actor, at: ctx.now, version: doc.__v, changes });
  if (doc.status === 'published') {
    await recordVerdictUpdate(claimId, ctx.now, summary, new Types.ObjectId());
    await bumpLastUpdate(claimId, ctx.now);
  }
}
