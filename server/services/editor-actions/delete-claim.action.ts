import type { Types } from 'mongoose';
import { ClaimModel } from '../../../models/claim.model';
import { syncClaimPublicState } from '../claim-public-state.service';
import { withdrawClaimSources } from '../sources/data-sources.service';
import { loadClaimForAction, recordActionRevision } from './action-steps';
import { runEditorAction, type EditorActionContext } from './run-editor-action';

/** Admins only (the route checks): off the public site and the dashboard, kept with its history; its data sources stop. */
export async function deleteClaim(claimId: Types.ObjectId, ctx: EditorActionContext): Promise<void> {
  await runEditorAction(async () => {
    const claim = await loadClaimForAction(claimId);
    const before = claim.status;
    await ClaimModel.updateOne({ _id: claimId }, { $set: { status: 'deleted', deletedAt: ctx.now } });
    claim.status = 'deleted';
    await syncClaimPublicState(claimId, null, claim);
    await withdrawClaimSources(claimId, ctx);
    await recordActionRevision(ctx, { claim: claimId, entity: 'claim', entityId: claimId, action: 'deleted', changes: [{ field: 'status', before, after: 'deleted' }] });
  });
}
