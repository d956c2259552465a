import type { Types } from 'mongoose';
import { MeasurementModel } from '../../../models/measurement.model';
import { AppError } from '../../errors';
import type { MeasurementEditForm } from '../../schemas/claim-form.schemas';
import { diffSnapshots } from '../revisions.service';
import { saveAtVersion } from '../versioned-save.service';
import { assertAtVersion, assertCorrectable, assertMeasuredAfterClaim, loadClaimForAction, publishCorrection, recordActionRevision, refreshTracking } from './action-steps';
import { measurementFields, measurementSnapshot, withKeptSnapshot } from './form-fields';
import { runEditorAction, type EditorActionContext } from './run-editor-action';

/** The claim and its measurement, as documents the action can save. */
export async function loadMeasurementForAction(claimId: Types.ObjectId, measurementId: Types.ObjectId) {
  const claim = await loadClaimForAction(claimId);
  const measurement = await MeasurementModel.findOne({ _id: measurementId, claim: claimId });
  if (!measurement) throw new AppError({ code: 'NOT_FOUND', message: `No measurement ${String(measurementId)} on claim ${String(claimId)}` });
  return { claim, measurement };
}

/**
 * Saves an edited measurement unless someone saved it since the form was opened. An edit
 * makes no new update: the feed item of the measurement keeps its id and date. Only a
 * correction, which the public is told about, makes one.
 */
export async function editMeasurement(claimId: Types.ObjectId, measurementId: Types.ObjectId, form: MeasurementEditForm, ctx: EditorActionContext): Promise<void> {
  await runEditorAction(async () => {
    const { claim, measurement } = await loadMeasurementForAction(claimId, measurementId);
    assertAtVersion('measurement', measurement.__v, form.version);
    assertCorrectable(claim, form);
    const before = measurementSnapshot(measurement.toObject());
    const edited = measurementFields(claim.announced.kind === 'deadline', form);
    const fields = { ...edited, source: withKeptSnapshot(measurement.source, edited.source) };
    assertMeasuredAfterClaim(claim, { ...fields, confirmBeforeAnnouncement: form.confirmBeforeAnnouncement }, ctx.timeZone);
    measurement.set(fields);
    const changes = diffSnapshots(before, measurementSnapshot(measurement.toObject()));
    if (changes.length === 0 && !form.correction) return;
    await saveAtVersion('measurement', measurement, form.version);
    const correction = form.correction ? form.correctionNote : undefined;
    await recordActionRevision(ctx, { claim: claimId, entity: 'measurement', entityId: measurementId, action: 'edited', version: measurement.__v, changes, correction });
    if (correction) await publishCorrection(claim, correction, ctx.now);
    await refreshTracking(claim, null, ctx);
  });
}
