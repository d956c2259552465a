import { Types } from 'mongoose';
import { MeasurementModel } from '../../../models/measurement.model';
import type { MeasurementForm } from '../../schemas/claim-form.schemas';
import { diffSnapshots } from '../revisions.service';
import { assertMeasuredAfterClaim, loadClaimForAction, recordActionRevision, recordPublicUpdate, refreshTracking } from './action-steps';
import { measurementFields, measurementSnapshot } from './form-fields';
import { runEditorAction, type EditorActionContext } from './run-editor-action';

/**
 * Adds a measurement to the claim and, in the same transaction, its "created" Revision, its
 * update when the claim is public (dated at Écart's time, `ctx.now`) and the claim's tracking.
 */
export async function addMeasurement(claimId: Types.ObjectId, form: MeasurementForm, summary: string, ctx: EditorActionContext): Promise<Types.ObjectId> {
  return runEditorAction(async () => {
    const claim = await loadClaimForAction(claimId);
    const fields = measurementFields(claim.announced.kind === 'deadline', form);
    assertMeasuredAfterClaim(claim, { ...fields, confirmBeforeAnnouncement: form.confirmBeforeAnnouncement }, ctx.timeZone);
    const saved = await new MeasurementModel({ ...fields, claim: claimId }).save();
    const changes = diffSnapshots(measurementSnapshot({}), measurementSnapshot(saved.toObject()));
    await recordActionRevision(ctx, { claim: claimId, entity: 'measurement', entityId: saved._id, action: 'created', version: saved.__v, changes });
    await recordPublicUpdate(claim, { kind: 'measurement-added', subject: saved._id, at: ctx.now, summary, summaryData: { definition: form.definition } });
    await refreshTracking(claim, fields.asOf, ctx);
    return saved._id;
  });
}
