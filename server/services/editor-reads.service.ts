import { trusted, Types } from 'mongoose';
import { ClaimModel } from '../../models/claim.model';
import { MeasurementModel } from '../../models/measurement.model';
import { SpeakerModel } from '../../models/speaker.model';
import { TopicModel } from '../../models/topic.model';
import { AppError } from '../errors';

/*
 * What the editor's pages read: the claim being worked on, its measurements, the form's
 * choices. The writes are the editor actions (editor-actions/), one file per action.
 */

/** A 24-hex id from the URL, or a 404: anything else names no document. */
export function parseObjectId(id: string, what = 'document'): Types.ObjectId {
  if (!/^[0-9a-f]{24}$/i.test(id)) throw new AppError({ code: 'NOT_FOUND', message: `No ${what} ${id}` });
  return new Types.ObjectId(id);
}

export function parseClaimId(id: string): Types.ObjectId {
  return parseObjectId(id, 'claim');
}

/** The claims editors work on: every status but a soft-deleted one. */
export const notDeleted = () => ({ status: trusted({ $ne: 'deleted' }) });

/** A claim an editor may work on: any status but deleted. */
export async function findClaimForEditor(claimId: Types.ObjectId) {
  const claim = await ClaimModel.findOne({ _id: claimId, ...notDeleted() }).lean();
  if (!claim) throw new AppError({ code: 'NOT_FOUND', message: `No claim ${String(claimId)}` });
  return claim;
}

/** The measurement, provided it belongs to that claim and the claim is not deleted. */
export async function findMeasurementForEditor(claimId: Types.ObjectId, measurementId: Types.ObjectId) {
  const claim = await findClaimForEditor(claimId);
  const measurement = await MeasurementModel.findOne({ _id: measurementId, claim: claimId }).lean();
  if (!measurement) throw new AppError({ code: 'NOT_FOUND', message: `No measurement ${String(measurementId)} on claim ${String(claimId)}` });
  return { claim, measurement };
}

/** A claim's measurements for its editors' page, in date order. */
export async function listClaimMeasurements(claimId: Types.ObjectId) {
  return MeasurementModel.find({ claim: claimId }).sort({ asOf: 1, _id: 1 }).lean();
}

/** The choices of the claim form's selects. */
export async function listClaimFormChoices() {
  const [speakers, topics] = await Promise.all([
    SpeakerModel.find({}, { name: 1 }).sort({ name: 1 }).lean(),
    TopicModel.find({}, { name: 1 }).sort({ name: 1 }).lean(),
  ]);
  return { speakers: speakers.map((s) => ({ id: String(s._id), name: s.name })), topics: topics.map((t) => ({ id: String(t._id), name: t.name })) };
}
