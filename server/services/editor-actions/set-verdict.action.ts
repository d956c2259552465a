import { Types } from 'mongoose';
import type { VerdictForm } from '../../schemas/claim-form.schemas';
import { moveLastUpdateForward } from '../claim-tracking.service';
import { diffSnapshots } from '../revisions.service';
import { refreshClaimScorecards } from '../scorecard.service';
import { saveAtVersion } from '../versioned-save.service';
import { assertAtVersion, loadClaimForAction, recordActionRevision, recordPublicUpdate } from './action-steps';
import { verdictSnapshot } from './form-fields';
import { runEditorAction, type EditorActionContext } from './run-editor-action';

/**
 * Sets the verdict and its explanation, dated now. Versioned with the claim: two editors
 * rating the same claim at once get a 409, not a silent overwrite. A published claim's new
 * verdict is an update; rewording the same rating's explanation is one too, since readers see it.
 */
export async function setVerdict(claimId: Types.ObjectId, form: VerdictForm, summary: string, ctx: EditorActionContext): Promise<void> {
  await runEditorAction(async () => {
    const doc = await loadClaimForAction(claimId);
    assertAtVersion('claim', doc.__v, form.version);
    const before = verdictSnapshot(doc.toObject());
    doc.set('verdict', { rating: form.rating, explanation: form.explanation, setAt: ctx.now });
    const changes = diffSnapshots(before, verdictSnapshot(doc.toObject()));
    if (changes.length === 0) return;
    await saveAtVersion('claim', doc, form.version);
    await recordActionRevision(ctx, { claim: claimId, entity: 'verdict', entityId: claimId, action: before['verdict.rating'] === null ? 'created' : 'edited', version: doc.__v, changes });
    if (doc.status === 'published') {
      await recordPublicUpdate(doc, { kind: 'verdict-changed', subject: new Types.ObjectId(), at: ctx.now, summary, summaryData: { rating: form.rating } });
      await moveLastUpdateForward(claimId, ctx.now);
      // Its speaker's and topics' totals by verdict follow.
      await refreshClaimScorecards(doc);
    }
  });
}
