import type { Types } from 'mongoose';
import { ClaimModel } from '../../../models/claim.model';
import type { ClaimForm } from '../../schemas/claim-form.schemas';
import { refreshClaimSearch } from '../claim-search.service';
import { storedClaimState } from '../claim-state.service';
import { diffSnapshots } from '../revisions.service';
import { createUnderFreeSlug, slugFromTitle } from '../slugs.service';
import { checkReferences, recordActionRevision } from './action-steps';
import { claimFields, claimSnapshot, sourceOf } from './form-fields';
import { runEditorAction, type EditorActionContext } from './run-editor-action';

/**
 * Creates the claim as a draft under a fresh slug, with its "created" Revision. Inserted,
 * never upserted by slug, so a title that clashes never overwrites another claim: a slug
 * taken meanwhile by another editor aborts the transaction on the unique index, and the
 * action runs again with the next free one.
 */
export async function createClaim(form: ClaimForm, ctx: EditorActionContext): Promise<{ id: Types.ObjectId; slug: string }> {
  return createUnderFreeSlug(ClaimModel, slugFromTitle(form.title), (slug) =>
    runEditorAction(async () => {
      const claim = claimFields(form, await checkReferences(form), ctx.timeZone);
      // Not measured yet: its state is its kind's first (awaiting, qualitative, or a deadline open until its due date).
      const tracking = { measurementCount: 0, delivered: false, ...storedClaimState(claim.announced, 0, false) };
      const fields = { ...claim, status: 'draft' as const, sources: [sourceOf(form)], tracking };
      const doc = await new ClaimModel({ ...fields, slug }).save();
      await refreshClaimSearch(doc._id);
      const changes = diffSnapshots(claimSnapshot({}), claimSnapshot(doc.toObject()));
      await recordActionRevision(ctx, { claim: doc._id, entity: 'claim', entityId: doc._id, action: 'created', version: doc.__v, changes });
      return { id: doc._id, slug };
    }),
  );
}
