import type { Types } from 'mongoose';
import type { ClaimEditForm } from '../../schemas/claim-form.schemas';
import { refreshClaimSearch } from '../claim-search.service';
import { syncClaimPublicState } from '../claim-public-state.service';
import { diffSnapshots } from '../revisions.service';
import { saveAtVersion } from '../versioned-save.service';
import { withdrawClaimSources } from '../sources/data-sources.service';
import { assertAtVersion, assertCorrectable, checkReferences, loadClaimForAction, publishCorrection, recordActionRevision, refreshTracking } from './action-steps';
import { claimFields, claimSnapshot, sourceOf } from './form-fields';
import { runEditorAction, type EditorActionContext } from './run-editor-action';

/**
 * Saves an edited claim if nobody saved it since the editor's form was opened (its version);
 * otherwise a CONFLICT carrying the current version. With it, in one transaction: the
 * field-by-field Revision, the correction when one is published, the public state of its
 * updates and counts when its speaker or topics moved, and its tracking.
 */
export async function editClaim(claimId: Types.ObjectId, form: ClaimEditForm, ctx: EditorActionContext): Promise<void> {
  await runEditorAction(async () => {
    const doc = await loadClaimForAction(claimId);
    assertAtVersion('claim', doc.__v, form.version);
    assertCorrectable(doc, form);
    const before = claimSnapshot(doc.toObject());
    const refsBefore = { speaker: doc.speaker, topics: [...doc.topics] };
    const fields = claimFields(form, await checkReferences(form), ctx.timeZone);
    // A multiple select sends topics in menu order: the same set, reordered, is no change.
    const sameTopics = fields.topics.length === doc.topics.length && fields.topics.every((t) => doc.topics.some((d) => d.equals(t)));
    doc.set({ ...fields, topics: sameTopics ? doc.topics : fields.topics });
    const [first, ...others] = doc.sources;
    doc.set('sources', [{ ...(first ? first.toObject() : {}), ...sourceOf(form) }, ...others]);
    const changes = diffSnapshots(before, claimSnapshot(doc.toObject()));
    if (changes.length === 0 && !form.correction) return;
    await saveAtVersion('claim', doc, form.version);
    await refreshClaimSearch(claimId);
    // A new speaker or topic moves the claim's updates between feeds and changes the menus' counts.
    if (!refsBefore.speaker.equals(doc.speaker) || !sameTopics) await syncClaimPublicState(claimId, refsBefore, doc);
    const correction = form.correction ? form.correctionNote : undefined;
    await recordActionRevision(ctx, { claim: claimId, entity: 'claim', entityId: claimId, action: 'edited', version: doc.__v, changes, correction });
    if (correction) await publishCorrection(doc, correction, ctx.now);
    // The announced figure or date may have changed: the list's gap and state follow.
    await refreshTracking(doc, null, ctx);
    // A claim that no longer announces a figure cannot take a number read from a file.
    if (doc.announced.kind === 'deadline' || doc.announced.kind === 'qualitative') await withdrawClaimSources(claimId, ctx);
  });
}
