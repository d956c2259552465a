import { trusted, Types } from 'mongoose';
import { ClaimModel } from '../../../models/claim.model';
import { syncClaimPublicState } from '../claim-public-state.service';
import { moveLastUpdateForward } from '../claim-tracking.service';
import { loadClaimForAction, recordActionRevision, recordPublicUpdate } from './action-steps';
import { runEditorAction, type EditorActionContext } from './run-editor-action';

/**
 * Puts the claim on the public site. Its earlier updates show again, the counts follow, and
 * the publication is news: its own update (a republication after an unpublish too).
 * publishedAt is the first publication: ClaimReview's date does not move on a republish.
 */
export async function publishClaim(claimId: Types.ObjectId, ctx: EditorActionContext): Promise<void> {
  await runEditorAction(async () => {
    const claim = await loadClaimForAction(claimId);
    if (claim.status === 'published') return;
    const before = claim.status;
    claim.status = 'published';
    await ClaimModel.updateOne({ _id: claimId, publishedAt: trusted({ $exists: false }) }, { $set: { publishedAt: ctx.now } });
    await ClaimModel.updateOne({ _id: claimId }, { $set: { status: 'published' } });
    await syncClaimPublicState(claimId, null, claim);
    await recordPublicUpdate(claim, { kind: 'claim-published', subject: new Types.ObjectId(), at: ctx.now, summary: claim.title, summaryData: { title: claim.title } });
    await moveLastUpdateForward(claimId, ctx.now);
    await recordActionRevision(ctx, { claim: claimId, entity: 'claim', entityId: claimId, action: 'published', changes: [{ field: 'status', before, after: 'published' }] });
  });
}
