import { Types } from 'mongoose';
import { TimelineEventModel } from '../../../models/timeline-event.model';
import type { TimelineForm } from '../../schemas/claim-form.schemas';
import { moveLastUpdateForward } from '../claim-tracking.service';
import { diffSnapshots } from '../revisions.service';
import { loadClaimForAction, recordActionRevision, recordPublicUpdate } from './action-steps';
import { timelineFields, timelineSnapshot } from './form-fields';
import { runEditorAction, type EditorActionContext } from './run-editor-action';

/** A statement or an event on the claim's timeline, its Revision, and an update if the claim is published. */
export async function addTimelineEntry(claimId: Types.ObjectId, form: TimelineForm, summary: string, ctx: EditorActionContext): Promise<Types.ObjectId> {
  return runEditorAction(async () => {
    const claim = await loadClaimForAction(claimId);
    const saved = await new TimelineEventModel({ ...timelineFields(form), claim: claimId }).save();
    const changes = diffSnapshots(timelineSnapshot({}), timelineSnapshot(saved.toObject()));
    await recordActionRevision(ctx, { claim: claimId, entity: form.kind, entityId: saved._id, action: 'created', changes });
    await recordPublicUpdate(claim, { kind: form.kind === 'event' ? 'event-added' : 'statement-added', subject: saved._id, at: ctx.now, summary, summaryData: { who: form.who, text: form.text } });
    await moveLastUpdateForward(claimId, saved.at);
    return saved._id;
  });
}
