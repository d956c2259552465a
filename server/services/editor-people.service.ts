import type { Types } from 'mongoose';
import { SpeakerModel } from '../../models/speaker.model';
import { TopicModel } from '../../models/topic.model';
import { AppError } from '../errors';
import { refreshSearchOfClaimsOf } from './claim-search.service';
import type { SpeakerForm, TopicForm } from '../schemas/people.schemas';
import { parseObjectId } from './editor-reads.service';
import { createUnderFreeSlug, slugFromTitle } from './slugs.service';
import { saveAtVersion } from './versioned-save.service';

type Kind = 'speaker' | 'topic';

function notFound(kind: Kind, id: string): AppError {
  return new AppError({ code: 'NOT_FOUND', message: `No ${kind} ${id}` });
}

/** A document written outside Mongoose (by hand, by an import) may lack __v: it counts as version 0. */
export function versionOf(versionKey: unknown): number {
  return typeof versionKey === 'number' ? versionKey : 0;
}

/** The entry `load` finds under the URL's id, or a 404 (a malformed id included). */
async function entryOr404<T>(kind: Kind, id: string, load: (id: Types.ObjectId) => PromiseLike<T>): Promise<NonNullable<T>> {
  const entry = await load(parseObjectId(id, kind));
  if (!entry) throw notFound(kind, id);
  return entry;
}

const SPEAKER_FIELDS = { slug: 1, name: 1, role: 1, organisation: 1, sameAs: 1, kind: 1, __v: 1 } as const;
const TOPIC_FIELDS = { slug: 1, name: 1, __v: 1 } as const;

export function listSpeakers() {
  return SpeakerModel.find({}, SPEAKER_FIELDS).sort({ name: 1, _id: 1 }).lean();
}

export function findSpeaker(id: string) {
  return entryOr404('speaker', id, (oid) => SpeakerModel.findById(oid, SPEAKER_FIELDS).lean());
}

/** A new speaker under a slug made from the name; the slug never changes afterwards, so public links hold. */
export function createSpeaker(form: SpeakerForm): Promise<{ id: Types.ObjectId; slug: string }> {
  return createUnderFreeSlug(SpeakerModel, slugFromTitle(form.name), async (slug) => ({ id: (await SpeakerModel.create({ ...form, slug, publishedClaims: 0 }))._id, slug }));
}

export async function updateSpeaker(id: string, form: SpeakerForm, version: number): Promise<void> {
  const doc = await entryOr404('speaker', id, (oid) => SpeakerModel.findById(oid));
  // Set one by one so an emptied optional field is unset, not left as it was.
  doc.set('name', form.name);
  doc.set('role', form.role);
  doc.set('organisation', form.organisation);
  doc.set('kind', form.kind);
  doc.set('sameAs', form.sameAs);
  const renamed = doc.isModified('name');
  await saveAtVersion('speaker', doc, version);
  // Search reads the name from copies on the claims.
  if (renamed) await refreshSearchOfClaimsOf({ speaker: doc._id });
}

export function listTopics() {
  return TopicModel.find({}, TOPIC_FIELDS).sort({ name: 1, _id: 1 }).lean();
}

export function findTopic(id: string) {
  return entryOr404('topic', id, (oid) => TopicModel.findById(oid, TOPIC_FIELDS).lean());
}

export function createTopic(form: TopicForm): Promise<{ id: Types.ObjectId; slug: string }> {
  return createUnderFreeSlug(TopicModel, slugFromTitle(form.name), async (slug) => ({ id: (await TopicModel.create({ ...form, slug, publishedClaims: 0 }))._id, slug }));
}

export async function updateTopic(id: string, form: TopicForm, version: number): Promise<void> {
  const doc = await entryOr404('topic', id, (oid) => TopicModel.findById(oid));
  doc.set('name', form.name);
  const renamed = doc.isModified('name');
  await saveAtVersion('topic', doc, version);
  if (renamed) await refreshSearchOfClaimsOf({ topics: doc._id });
}
