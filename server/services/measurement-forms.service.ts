import { Types } from 'mongoose';
import { MeasurementModel } from '../../models/measurement.model';
import { AppError } from '../errors';
import type { MeasurementEditForm, MeasurementForm, RemovalForm } from '../schemas/claim-form.schemas';
import { assertCorrectable, assertNotFuture, findClaimForEditor, publishCorrection, sourceOf } from './claim-forms.service';
import { saveAtVersion, staleVersion } from './editing-guards.service';
import { addMeasurement, type EditingContext } from './claims-editing.service';
import { refreshClaimTracking } from './claim-tracking.service';
import { diffSnapshots, recordRevision, snapshotOf, type Actor, type Snapshot } from './revisions.service';

/** The measurement fields the history tracks, in the form's order. */
export const MEASUREMENT_HISTORY_FIELDS = [
  'value',
  'unit',
  'delivered',
  'asOf',
  'asOfPrecision',
  'definition',
  'sameQuantity',
  'methodNotes',
  'source.outlet',
  'source.title',
  'source.url',
  'source.publishedAt',
] as const;

function measurementSnapshot(measurement: object): Snapshot {
  return snapshotOf(measurement, MEASUREMENT_HISTORY_FIELDS);
}

/** A deadline is measured by whether it was delivered; every other kind by a value. */
function measurementFields(deadline: boolean, form: MeasurementForm) {
  if (deadline && form.delivered === undefined) {
    throw new AppError({ code: 'VALIDATION', message: 'Delivered?', details: { delivered: 'measurement.form.delivered.required' } });
  }
  if (!deadline && form.value === undefined) {
    throw new AppError({ code: 'VALIDATION', message: 'Value missing', details: { value: 'claim.form.value.required' } });
  }
  return {
    value: form.value,
    unit: form.unit,
    delivered: deadline ? form.delivered === 'yes' : undefined,
    asOf: form.asOf.at,
    asOfPrecision: form.asOf.precision,
    definition: form.definition,
    sameQuantity: form.sameQuantity,
    source: sourceOf(form),
    methodNotes: form.methodNotes,
  };
}

export async function addMeasurementFromForm(claimId: Types.ObjectId, form: MeasurementForm, summary: string, actor: Actor, ctx: EditingContext): Promise<Types.ObjectId> {
  const claim = await findClaimForEditor(claimId);
  assertNotFuture({ asOf: form.asOf.at }, ctx.now);
  const fields = measurementFields(claim.announced.kind === 'deadline', form);
  const id = await addMeasurement(claimId, fields, summary, ctx);
  const saved = await MeasurementModel.findById(id).lean();
  const changes = diffSnapshots(measurementSnapshot({}), measurementSnapshot(saved ?? {}));
  await recordRevision({ claim: claimId, entity: 'measurement', entityId: id, action: 'created', actor, at: ctx.now, version: saved?.__v ?? 0, changes });
  return id;
}

/** The measurement, provided it belongs to that claim and the claim is not deleted. */
export async function findMeasurementForEditor(claimId: Types.ObjectId, measurementId: Types.ObjectId) {
  const claim = await findClaimForEditor(claimId);
  const measurement = await MeasurementModel.findOne({ _id: measurementId, claim: claimId }).lean();
  if (!measurement) throw new AppError({ code: 'NOT_FOUND', message: `No measurement ${String(measurementId)} on claim ${String(claimId)}` });
  return { claim, measurement };
}

async function loadForChange(claimId: Types.ObjectId, measurementId: Types.ObjectId, version: number) {
  const { claim } = await findMeasurementForEditor(claimId, measurementId);
  const doc = await MeasurementModel.findOne({ _id: measurementId, claim: claimId });
  if (!doc) throw new AppError({ code: 'NOT_FOUND', message: `No measurement ${String(measurementId)}` });
  if (doc.__v !== version) throw staleVersion('measurement', doc.__v);
  return { claim, doc };
}

/**
 * Saves an edited measurement unless someone saved it since the form was opened. An edit
 * makes no new update: the feed item of the measurement keeps its id and date. Only a
 * correction, which the public is told about, makes one.
 */
export async function updateMeasurementFromForm(
  claimId: Types.ObjectId,
  measurementId: Types.ObjectId,
  form: MeasurementEditForm,
  actor: Actor,
  ctx: EditingContext,
): Promise<void> {
  const { claim, doc } = await loadForChange(claimId, measurementId, form.version);
  assertCorrectable(claim, form);
  assertNotFuture({ asOf: form.asOf.at }, ctx.now);
  const before = measurementSnapshot(doc.toObject());
  doc.set(measurementFields(claim.announced.kind === 'deadline', form));
  const changes = diffSnapshots(before, measurementSnapshot(doc.toObject()));
  if (changes.length === 0 && !form.correction) return;
  await saveAtVersion('measurement', doc, form.version);
  await recordRevision({ claim: claimId, entity: 'measurement', entityId: measurementId, action: 'edited', actor, at: ctx.now, version: doc.__v, changes, correction: form.correction ? form.correctionNote : undefined });
  if (form.correction && form.correctionNote) await publishCorrection(claimId, form.correctionNote, ctx.now);
  await refreshClaimTracking(claimId, null, ctx.now, ctx.timeZone);
}

/** Removes a measurement. Its history keeps every value it had; a correction tells the public. */
export async function removeMeasurement(claimId: Types.ObjectId, measurementId: Types.ObjectId, form: RemovalForm, actor: Actor, ctx: EditingContext): Promise<void> {
  const { claim, doc } = await loadForChange(claimId, measurementId, form.version);
  assertCorrectable(claim, form);
  // Readers have seen it: a published figure never disappears without a word to them.
  if (claim.status === 'published' && !form.correction) {
    throw new AppError({ code: 'VALIDATION', message: 'Removing a published measurement needs a correction', details: { correctionNote: 'correction.required_for_removal' } });
  }
  const res = await MeasurementModel.deleteOne({ _id: measurementId, __v: form.version });
  if (res.deletedCount !== 1) throw staleVersion('measurement', (await MeasurementModel.findById(measurementId, { __v: 1 }).lean())?.__v);
  const changes = diffSnapshots(measurementSnapshot(doc.toObject()), measurementSnapshot({}));
  await recordRevision({ claim: claimId, entity: 'measurement', entityId: measurementId, action: 'removed', actor, at: ctx.now, version: form.version + 1, changes, correction: form.correction ? form.correctionNote : undefined });
  if (form.correction && form.correctionNote) await publishCorrection(claimId, form.correctionNote, ctx.now);
  await refreshClaimTracking(claimId, null, ctx.now, ctx.timeZone);
}

/** A claim's measurements for its editors' page, in date order. */
export async function listClaimMeasurements(claimId: Types.ObjectId) {
  return MeasurementModel.find({ claim: claimId }).sort({ asOf: 1, _id: 1 }).lean();
}
