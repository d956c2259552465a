import { trusted, type Types } from 'mongoose';
import { ClaimModel } from '../../models/claim.model';
import { CounterModel } from '../../models/counter.model';
import { MeasurementModel } from '../../models/measurement.model';
import { SpeakerModel } from '../../models/speaker.model';
import { TopicModel } from '../../models/topic.model';
import { foldedWords, isStopWord, MAX_PREFIX, MIN_PREFIX } from './search-text';

/*
 * The write side of search: each claim carries `search` (speaker name, topic names,
 * definitions, word beginnings) so one text index and one multikey index answer a query
 * without joins. Every writer that changes one of those sources calls a function here
 * inside its own transaction: the claim actions, measurement actions, speaker and topic
 * renames, the seed writer; test/bench/generate-dataset.ts builds the same fields with
 * searchFieldsOf.
 */

/** At most this many measurement definitions per claim: they repeat, and the index entry stays small. */
const MAX_DEFINITIONS = 50;

export interface SearchSources {
  title: string;
  speaker: string;
  topics: string[];
  /** The announced definition, then each measurement's. */
  definitions: string[];
}

export interface SearchFields {
  speaker: string;
  topics: string[];
  definitions: string[];
  prefixes: string[];
}

/** `search.definitions`: also written by writeClaimTracking, which reads the measurements anyway. */
export function searchDefinitionsOf(definitions: string[]): string[] {
  return [...new Set(definitions.map((d) => d.trim()).filter((d) => d.length > 0))].slice(0, MAX_DEFINITIONS);
}

/** The derived fields, from their sources: the one rule, shared by every writer. */
export function searchFieldsOf(src: SearchSources): SearchFields {
  const definitions = searchDefinitionsOf(src.definitions);
  const words = new Set([src.title, src.speaker, ...src.topics].flatMap(foldedWords).filter((w) => !isStopWord(w)));
  const prefixes = new Set<string>();
  for (const word of words) for (let n = MIN_PREFIX; n <= Math.min(word.length, MAX_PREFIX); n += 1) prefixes.add(word.slice(0, n));
  return { speaker: src.speaker, topics: src.topics, definitions, prefixes: [...prefixes] };
}

/** Recomputes and stores the claim's search fields from the claim, its speaker, topics and measurements. */
export async function refreshClaimSearch(claimId: Types.ObjectId): Promise<void> {
  const claim = await ClaimModel.findById(claimId, { title: 1, speaker: 1, topics: 1, 'announced.definition': 1 }).lean();
  if (!claim) return;
  const [speaker, topics, measurements] = await Promise.all([
    SpeakerModel.findById(claim.speaker, { name: 1 }).lean(),
    TopicModel.find({ _id: trusted({ $in: claim.topics }) }, { name: 1 }).lean(),
    MeasurementModel.find({ claim: claimId }, { definition: 1 }).limit(MAX_DEFINITIONS * 4).lean(),
  ]);
  const search = searchFieldsOf({
    title: claim.title,
    speaker: speaker?.name ?? '',
    topics: topics.map((t) => t.name),
    definitions: [claim.announced.definition, ...measurements.map((m) => m.definition)],
  });
  await ClaimModel.updateOne({ _id: claimId }, { $set: { search } });
}

/** After a speaker or topic is renamed: its claims' copies of the name. Bounded by its number of claims. */
export async function refreshSearchOfClaimsOf(ref: { speaker: Types.ObjectId } | { topics: Types.ObjectId }): Promise<void> {
  const claims = await ClaimModel.find(ref, { _id: 1 }).lean();
  for (const claim of claims) await refreshClaimSearch(claim._id);
}

/** Marks (in the counters collection) that every claim got its search fields once. */
export const CLAIM_SEARCH_MIGRATION = 'migration.claimSearch';

/** Claims stored before search existed get their fields: read once per database, then marked done. */
export async function backfillClaimSearch(): Promise<number> {
  if (await CounterModel.exists({ _id: CLAIM_SEARCH_MIGRATION })) return 0;
  let count = 0;
  const cursor = ClaimModel.find({ search: trusted({ $exists: false }) }, { _id: 1 }).lean().cursor();
  for await (const claim of cursor) {
    await refreshClaimSearch(claim._id);
    count += 1;
  }
  // The mark is bookkeeping, not public content: written past the models' change hooks.
  await CounterModel.collection.updateOne({ _id: CLAIM_SEARCH_MIGRATION } as never, { $set: { value: 1 } }, { upsert: true });
  return count;
}

let backfilled: Promise<number> | null = null;

/** The backfill, once per process, before the first search. */
export function ensureClaimSearchBackfilled(): Promise<number> {
  backfilled ??= backfillClaimSearch().catch((err: unknown) => {
    backfilled = null;
    throw err;
  });
  return backfilled;
}
