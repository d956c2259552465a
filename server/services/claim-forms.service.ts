import { isValidObjectId, trusted, Types } from 'mongoose';
import { ClaimModel } from '../../models/claim.model';
import { SpeakerModel } from '../../models/speaker.model';
import { TopicModel } from '../../models/topic.model';
import { AppError } from '../errors';
import type { ClaimForm, MeasurementForm } from '../schemas/claim-form.schemas';
import { addMeasurement, publishClaim, type EditingContext } from './claims-editing.service';

const SLUG_MAX = 80;

/** "Le « pass » à 182 000 !" → "le-pass-a-182-000". */
export function slugFromTitle(title: string): string {
  const slug = title
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, SLUG_MAX)
    .replace(/-+$/, '');
  return slug === '' ? 'declaration' : slug;
}

function isDuplicateKey(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 11000;
}

function sourceOf(form: Pick<ClaimForm, 'sourceOutlet' | 'sourceTitle' | 'sourceUrl' | 'sourcePublishedAt'>) {
  return {
    outlet: form.sourceOutlet,
    title: form.sourceTitle,
    url: form.sourceUrl,
    publishedAt: form.sourcePublishedAt?.at,
    publishedPrecision: form.sourcePublishedAt?.precision ?? 'day',
  };
}

export function parseClaimId(id: string): Types.ObjectId {
  if (!isValidObjectId(id) || !/^[0-9a-f]{24}$/i.test(id)) throw new AppError({ code: 'NOT_FOUND', message: `No claim ${id}` });
  return new Types.ObjectId(id);
}

/**
 * Creates the claim as a draft under a fresh slug. Inserted rather than upserted by slug
 * (saveClaimBySlug), so that a title that clashes never overwrites another claim: the unique
 * index refuses the insert and the next suffix is tried.
 */
export async function createDraftClaim(form: ClaimForm): Promise<{ id: Types.ObjectId; slug: string }> {
  if (!(await SpeakerModel.exists({ _id: form.speaker }))) {
    throw new AppError({ code: 'VALIDATION', message: 'Unknown speaker', details: { speaker: 'claim.form.speaker.required' } });
  }
  const topics = [...new Set(form.topics)];
  if ((await TopicModel.countDocuments({ _id: trusted({ $in: topics }) })) !== topics.length) {
    throw new AppError({ code: 'VALIDATION', message: 'Unknown topic', details: { topics: 'claim.form.topic.unknown' } });
  }
  const numeric = form.kind === 'count' || form.kind === 'money' || form.kind === 'percentage';
  const fields = {
    title: form.title,
    statement: form.statement,
    statementVerbatim: form.statementVerbatim,
    speaker: new Types.ObjectId(form.speaker),
    speakerRole: form.speakerRole,
    saidAt: form.saidAt.at,
    saidAtPrecision: form.saidAt.precision,
    appearance: form.appearance,
    topics: topics.map((t) => new Types.ObjectId(t)),
    status: 'draft' as const,
    announced: {
      kind: form.kind,
      value: numeric ? form.value : undefined,
      unit: form.unit,
      currency: form.kind === 'money' ? form.currency : undefined,
      dueAt: form.kind === 'deadline' ? form.dueAt?.at : undefined,
      duePrecision: form.kind === 'deadline' ? form.dueAt?.precision : undefined,
      definition: form.definition,
    },
    sources: [sourceOf(form)],
    tracking: { measurementCount: 0, delivered: false },
  };
  const base = slugFromTitle(form.title);
  // The connection sets sanitizeFilter, so these operators are marked trusted(): `base` holds only [a-z0-9-].
  const taken = new Set((await ClaimModel.find({ slug: trusted({ $regex: `^${base}(-\\d+)?$` }) }, { slug: 1 }).lean()).map((c) => c.slug));
  for (let n = 1; n < 1000; n += 1) {
    const slug = n === 1 ? base : `${base}-${n}`;
    if (taken.has(slug)) continue;
    try {
      const doc = await ClaimModel.create({ ...fields, slug });
      return { id: doc._id, slug };
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
    }
  }
  throw new AppError({ code: 'CONFLICT', message: `No free slug for "${base}"` });
}

export async function findClaimForEditor(claimId: Types.ObjectId) {
  const claim = await ClaimModel.findById(claimId, { title: 1, slug: 1, status: 1, announced: 1 }).lean();
  if (!claim) throw new AppError({ code: 'NOT_FOUND', message: `No claim ${String(claimId)}` });
  return claim;
}

export async function publishClaimNow(claimId: Types.ObjectId, now: Date): Promise<void> {
  await findClaimForEditor(claimId);
  await publishClaim(claimId, now);
}

/** Back to draft: off the public site. Its past updates stay, but the feeds hide unpublished claims. */
export async function unpublishClaim(claimId: Types.ObjectId): Promise<void> {
  const res = await ClaimModel.updateOne({ _id: claimId }, { $set: { status: 'draft' } });
  if (res.matchedCount === 0) throw new AppError({ code: 'NOT_FOUND', message: `No claim ${String(claimId)}` });
}

/** A deadline is measured by whether it was delivered; every other kind by a value. */
export async function addMeasurementFromForm(claimId: Types.ObjectId, form: MeasurementForm, summary: string, ctx: EditingContext): Promise<Types.ObjectId> {
  const claim = await findClaimForEditor(claimId);
  const deadline = claim.announced.kind === 'deadline';
  if (deadline && form.delivered === undefined) {
    throw new AppError({ code: 'VALIDATION', message: 'Delivered?', details: { delivered: 'measurement.form.delivered.required' } });
  }
  if (!deadline && form.value === undefined) {
    throw new AppError({ code: 'VALIDATION', message: 'Value missing', details: { value: 'claim.form.value.required' } });
  }
  return addMeasurement(
    claimId,
    {
      value: form.value,
      unit: form.unit,
      delivered: deadline ? form.delivered === 'yes' : undefined,
      asOf: form.asOf.at,
      asOfPrecision: form.asOf.precision,
      definition: form.definition,
      sameQuantity: form.sameQuantity,
      source: sourceOf(form),
      methodNotes: form.methodNotes,
    },
    summary,
    ctx,
  );
}

/** The choices of the claim form's selects. */
export async function listClaimFormChoices() {
  const [speakers, topics] = await Promise.all([
    SpeakerModel.find({}, { name: 1 }).sort({ name: 1 }).lean(),
    TopicModel.find({}, { name: 1 }).sort({ name: 1 }).lean(),
  ]);
  return { speakers: speakers.map((s) => ({ id: String(s._id), name: s.name })), topics: topics.map((t) => ({ id: String(t._id), name: t.name })) };
}
