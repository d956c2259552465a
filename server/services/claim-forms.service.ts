import { trusted, Types } from 'mongoose';
import { ClaimModel } from '../../models/claim.model';
import { SpeakerModel } from '../../models/speaker.model';
import { TopicModel } from '../../models/topic.model';
import { AppError } from '../errors';
import type { ClaimEditForm, ClaimForm, EditMeta } from '../schemas/claim-form.schemas';
import { bumpLastUpdate, publishClaim, type EditingContext } from './claims-editing.service';
import { deadlineInstant } from './newsroom-input.service';
import { syncClaimPublicState } from './claim-public-state.service';
import { refreshClaimTracking } from './claim-tracking.service';
import { diffSnapshots, recordRevision, snapshotOf, type Actor, type Snapshot } from './revisions.service';
import { notDeleted, parseObjectId, saveAtVersion, staleVersion } from './editing-guards.service';
import { createUnderFreeSlug } from './slugs.service';
import { recordUpdate } from './updates.service';

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

export function sourceOf(form: Pick<ClaimForm, 'sourceOutlet' | 'sourceTitle' | 'sourceUrl' | 'sourcePublishedAt'>) {
  return {
    outlet: form.sourceOutlet,
    title: form.sourceTitle,
    url: form.sourceUrl,
    publishedAt: form.sourcePublishedAt?.at,
    publishedPrecision: form.sourcePublishedAt?.precision ?? 'day',
  };
}

export function parseClaimId(id: string): Types.ObjectId {
  return parseObjectId(id, 'claim');
}

/** The claim fields the history tracks, in the form's order. */
export const CLAIM_HISTORY_FIELDS = [
  'title',
  'statement',
  'statementVerbatim',
  'speaker',
  'speakerRole',
  'saidAt',
  'saidAtPrecision',
  'appearance',
  'topics',
  'announced.kind',
  'announced.value',
  'announced.unit',
  'announced.currency',
  'announced.dueAt',
  'announced.duePrecision',
  'announced.definition',
  'sources.0.outlet',
  'sources.0.title',
  'sources.0.url',
  'sources.0.publishedAt',
  'status',
] as const;

async function checkReferences(form: ClaimForm): Promise<Types.ObjectId[]> {
  if (!(await SpeakerModel.exists({ _id: form.speaker }))) {
    throw new AppError({ code: 'VALIDATION', message: 'Unknown speaker', details: { speaker: 'claim.form.speaker.required' } });
  }
  const topics = [...new Set(form.topics)];
  if ((await TopicModel.countDocuments({ _id: trusted({ $in: topics }) })) !== topics.length) {
    throw new AppError({ code: 'VALIDATION', message: 'Unknown topic', details: { topics: 'claim.form.topic.unknown' } });
  }
  return topics.map((t) => new Types.ObjectId(t));
}

/** The claim's fields as the form sets them. Sources beyond the first (seeded ones) are kept as they are. */
function claimFields(form: ClaimForm, topics: Types.ObjectId[], timeZone: string) {
  const numeric = form.kind === 'count' || form.kind === 'money' || form.kind === 'percentage';
  return {
    title: form.title,
    statement: form.statement,
    statementVerbatim: form.statementVerbatim,
    speaker: new Types.ObjectId(form.speaker),
    speakerRole: form.speakerRole,
    saidAt: form.saidAt.at,
    saidAtPrecision: form.saidAt.precision,
    appearance: form.appearance,
    topics,
    announced: {
      kind: form.kind,
      value: numeric ? form.value : undefined,
      unit: form.unit,
      currency: form.kind === 'money' ? form.currency : undefined,
      dueAt: form.kind === 'deadline' && form.dueAt ? deadlineInstant(form.dueAt, timeZone) : undefined,
      duePrecision: form.kind === 'deadline' ? form.dueAt?.precision : undefined,
      definition: form.definition,
    },
  };
}

function claimSnapshot(claim: object): Snapshot {
  return snapshotOf(claim, CLAIM_HISTORY_FIELDS);
}

/**
 * Creates the claim as a draft under a fresh slug. Inserted rather than upserted by slug
 * (saveClaimBySlug), so that a title that clashes never overwrites another claim: the unique
 * index refuses the insert and the next suffix is tried.
 */
export async function createDraftClaim(form: ClaimForm, actor: Actor, { now, timeZone }: EditingContext): Promise<{ id: Types.ObjectId; slug: string }> {
  assertNotFuture({ saidAt: form.saidAt.at }, now);
  const fields = {
    ...claimFields(form, await checkReferences(form), timeZone),
    status: 'draft' as const,
    sources: [sourceOf(form)],
    tracking: { measurementCount: 0, delivered: false },
  };
  return createUnderFreeSlug(ClaimModel, slugFromTitle(form.title), async (slug) => {
    const doc = await ClaimModel.create({ ...fields, slug });
    const changes = diffSnapshots(claimSnapshot({}), claimSnapshot(doc.toObject()));
    await recordRevision({ claim: doc._id, entity: 'claim', entityId: doc._id, action: 'created', actor, at: now, version: doc.__v, changes });
    return { id: doc._id, slug };
  });
}

/** A claim an editor may work on: any status but deleted. */
export async function findClaimForEditor(claimId: Types.ObjectId) {
  const claim = await ClaimModel.findOne({ _id: claimId, ...notDeleted() }).lean();
  if (!claim) throw new AppError({ code: 'NOT_FOUND', message: `No claim ${String(claimId)}` });
  return claim;
}

/** How far ahead of Écart's clock a date of something already said or measured may be: time zones, not typos. */
const FUTURE_MARGIN_MS = 24 * 60 * 60 * 1000;

/**
 * What was said, measured or done cannot be dated after today: "2031" for "2021" would pin the
 * claim to the top of "latest" for years and make a future figure the headline.
 */
export function assertNotFuture(dates: Record<string, Date>, now: Date): void {
  const details: Record<string, string> = {};
  for (const [field, at] of Object.entries(dates)) if (at.getTime() > now.getTime() + FUTURE_MARGIN_MS) details[field] = 'form.date.future';
  if (Object.keys(details).length > 0) throw new AppError({ code: 'VALIDATION', message: 'Date in the future', details });
}

/**
 * A correction is public: it goes on the claim page and into the feeds. Only a published
 * claim has readers to correct for; a draft is simply edited.
 */
export function assertCorrectable(claim: { status: string }, meta: Pick<EditMeta, 'correction'>): void {
  if (meta.correction && claim.status !== 'published') {
    throw new AppError({ code: 'VALIDATION', message: 'Only a published claim takes corrections', details: { correctionNote: 'correction.draft' } });
  }
}

/** Adds the public correction note to the claim and its update to the feeds. */
export async function publishCorrection(claimId: Types.ObjectId, note: string, now: Date): Promise<void> {
  const correctionId = new Types.ObjectId();
  await ClaimModel.updateOne({ _id: claimId }, { $push: { corrections: { _id: correctionId, at: now, text: note } } }, { runValidators: true });
  await recordUpdate({ claim: claimId, kind: 'correction', subject: correctionId, at: now, summary: note.slice(0, 500) });
  await bumpLastUpdate(claimId, now);
}

/**
 * Saves an edited claim if nobody saved it since the editor's form was opened (its version);
 * otherwise a CONFLICT carrying the current version. Records the field-by-field change.
 */
export async function updateClaimFromForm(claimId: Types.ObjectId, form: ClaimEditForm, actor: Actor, ctx: EditingContext): Promise<void> {
  const doc = await ClaimModel.findOne({ _id: claimId, ...notDeleted() });
  if (!doc) throw new AppError({ code: 'NOT_FOUND', message: `No claim ${String(claimId)}` });
  if (doc.__v !== form.version) throw staleVersion('claim', doc.__v);
  assertCorrectable(doc, form);
  assertNotFuture({ saidAt: form.saidAt.at }, ctx.now);
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
  // A new speaker or topic moves the claim's updates between feeds and changes the menus' counts.
  if (!refsBefore.speaker.equals(doc.speaker) || !sameTopics) await syncClaimPublicState(claimId, refsBefore);
  await recordRevision({ claim: claimId, entity: 'claim', entityId: claimId, action: 'edited', actor, at: ctx.now, version: doc.__v, changes, correction: form.correction ? form.correctionNote : undefined });
  if (form.correction && form.correctionNote) await publishCorrection(claimId, form.correctionNote, ctx.now);
  // The announced figure or date may have changed: the list's gap and state follow.
  await refreshClaimTracking(claimId, null, ctx.now, ctx.timeZone);
}

export async function publishClaimNow(claimId: Types.ObjectId, actor: Actor, now: Date): Promise<void> {
  const claim = await findClaimForEditor(claimId);
  if (claim.status === 'published') return;
  // A republication after an unpublish is news again: its own update.
  await publishClaim(claimId, now, now, new Types.ObjectId());
  await recordRevision({ claim: claimId, entity: 'claim', entityId: claimId, action: 'published', actor, at: now, changes: [{ field: 'status', before: claim.status, after: 'published' }] });
}

/** Back to draft: off the public site. Its past updates stay, but the feeds hide unpublished claims. */
export async function unpublishClaim(claimId: Types.ObjectId, actor: Actor, now: Date): Promise<void> {
  const claim = await findClaimForEditor(claimId);
  if (claim.status !== 'published') return;
  await ClaimModel.updateOne({ _id: claimId }, { $set: { status: 'draft' } });
  await syncClaimPublicState(claimId);
  await recordRevision({ claim: claimId, entity: 'claim', entityId: claimId, action: 'unpublished', actor, at: now, changes: [{ field: 'status', before: 'published', after: 'draft' }] });
}

/** Admins only (the route checks): off the public site and the dashboard, kept with its history. */
export async function softDeleteClaim(claimId: Types.ObjectId, actor: Actor, now: Date): Promise<void> {
  const claim = await findClaimForEditor(claimId);
  await ClaimModel.updateOne({ _id: claimId }, { $set: { status: 'deleted', deletedAt: now } });
  await syncClaimPublicState(claimId);
  await recordRevision({ claim: claimId, entity: 'claim', entityId: claimId, action: 'deleted', actor, at: now, changes: [{ field: 'status', before: claim.status, after: 'deleted' }] });
}

/** The choices of the claim form's selects. */
export async function listClaimFormChoices() {
  const [speakers, topics] = await Promise.all([
    SpeakerModel.find({}, { name: 1 }).sort({ name: 1 }).lean(),
    TopicModel.find({}, { name: 1 }).sort({ name: 1 }).lean(),
  ]);
  return { speakers: speakers.map((s) => ({ id: String(s._id), name: s.name })), topics: topics.map((t) => ({ id: String(t._id), name: t.name })) };
}
