import { Types } from 'mongoose';
import type { ClaimDocument } from '../../../models/claim.model';
import { MeasurementModel } from '../../../models/measurement.model';
import type { MeasurementForm } from '../../schemas/claim-form.schemas';
import { diffSnapshots } from '../revisions.service';
import { assertMeasuredAfterClaim, loadClaimForAction, recordActionRevision, recordPublicUpdate, refreshTracking } from './action-steps';
import { measurementFields, measurementSnapshot } from './form-fields';
import { runEditorAction, type EditorActionContext } from './run-editor-action';

/** What the source of a measurement gets besides the form's fields: the stored copy it was read from. */
export interface SourceArchive {
  snapshot?: Types.ObjectId;
  snapshotAt?: Date;
}

/**
 * The steps of adding a measurement, inside the caller's transaction: the measurement, its
 * "created" Revision, its update when the claim is public (dated at Écart's time, `ctx.now`)
 * and the claim's tracking. Shared by addMeasurement and the approval of a proposal.
 */
export async function storeMeasurement(claim: ClaimDocument, form: MeasurementForm, summary: string, ctx: EditorActionContext, archive: SourceArchive = {}): Promise<Types.ObjectId> {
  const fields = measurementFields(claim.announced.kind === 'deadline', form);
  assertMeasuredAfterClaim(claim, { ...fields, confirmBeforeAnnouncement: form.confirmBeforeAnnouncement }, ctx.timeZone);
  const source = { ...fields.source, ...archive };
  const saved = await new MeasurementModel({ ...fields, source, claim: claim._id }).save();
  const changes = diffSnapshots(measurementSnapshot({}), measurementSnapshot(saved.toObject()));
  await recordActionRevision(ctx, { claim: claim._id, entity: 'measurement', entityId: saved._id, action: 'created', version: saved.__v, changes });
  await recordPublicUpdate(claim, { kind: 'measurement-added', subject: saved._id, at: ctx.now, summary, summaryData: { definition: form.definition } });
  await refreshTracking(claim, fields.asOf, ctx);
  return saved._id;
}

/** Adds a measurement to the claim, everything it changes in one transaction (see storeMeasurement). */
export async function addMeasurement(claimId: Types.ObjectId, form: MeasurementForm, summary: string, ctx: EditorActionContext): Promise<Types.ObjectId> {
  return runEditorAction(async () => storeMeasurement(await loadClaimForAction(claimId), form, summary, ctx));
}
