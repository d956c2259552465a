import type { Types } from 'mongoose';
import { MeasurementModel } from '../../../models/measurement.model';
import { AppError } from '../../errors';
import type { RemovalForm } from '../../schemas/claim-form.schemas';
import { diffSnapshots } from '../revisions.service';
import { staleVersion } from '../versioned-save.service';
import { assertAtVersion, assertCorrectable, publishCorrection, recordActionRevision, refreshTracking } from './action-steps';
import { loadMeasurementForAction } from './edit-measurement.action';
import { measurementSnapshot } from './form-fields';
import { runEditorAction, type EditorActionContext } from './run-editor-action';

/** Removes a measurement. Its history keeps every value it had; a correction tells the public. */
export async function removeMeasurement(claimId: Types.ObjectId, measurementId: Types.ObjectId, form: RemovalForm, ctx: EditorActionContext): Promise<void> {
  await runEditorAction(async () => {
    const { claim, measurement } = await loadMeasurementForAction(claimId, measurementId);
    assertAtVersion('measurement', measurement.__v, form.version);
    assertCorrectable(claim, form);
    // Readers have seen it: a published figure never disappears without a word to them.
    if (claim.status === 'published' && !form.correction) {
      throw new AppError({ code: 'VALIDATION', message: 'Removing a published measurement needs a correction', details: { correctionNote: 'correction.required_for_removal' } });
    }
    const res = await MeasurementModel.deleteOne({ _id: measurementId, __v: form.version });
    if (res.deletedCount !== 1) throw staleVersion('measurement', measurement.__v);
    const changes = diffSnapshots(measurementSnapshot(measurement.toObject()), measurementSnapshot({}));
    const correction = form.correction ? form.correctionNote : undefined;
    await recordActionRevision(ctx, { claim: claimId, entity: 'measurement', entityId: measurementId, action: 'removed', version: form.version + 1, changes, correction });
    if (correction) await publishCorrection(claim, correction, ctx.now);
    await refreshTracking(claim, null, ctx);
  });
}
