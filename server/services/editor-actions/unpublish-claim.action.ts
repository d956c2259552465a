import type { Types } from 'mongoose';
import { ClaimModel } from '../../../models/claim.model';
import { syncClaimPublicState } from '../claim-public-state.service';
import { loadClaimForAction, recordActionRevision } from './action-steps';
import { runEditorAction, type EditorActionContext } from './run-editor-action';

/** Back to draft: off the public site. Its past updates stay, but the feeds hide unpublished claims. */
export async function unpublishClaim(claimId: Types.ObjectId, ctx: EditorActionContext): Promise<void> {
  await runEditorAction(async () => {
    const claim = await loadClaimForAction(claimId);
    if (claim.status !== 'published') return;
    await ClaimModel.updateOne({ _id: claimId }, { $set: { status: 'draft' } });
    claim.status = 'draft';
    await syncClaimPublicState(claimId, null, claim);
    await recordActionRevision(ctx, { claim: claimId, entity: 'claim', entityId: claimId, action: 'unpublished', changes: [{ field: 'status', before: 'published', after: 'draft' }] });
  });
}
