/**
 * Reads: filter (planner + mingo), `$text`, sort, skip, limit, projection and aggregation.
 * mingo does the query language; this file is the glue that feeds it candidates and handles
 * what mingo does not know about (`$text`, `{ $meta: 'textScore' }`).
 */
import type { Document } from 'bson';
import { Aggregator, Query } from 'mingo';
import { MongoError } from '../errors';
import type { Collection } from './collection';
import { canonicalKey, cloneDocument, isPlainObject } from './document-utils';
import { planCandidates } from './planner';

/** Hidden field carrying the text score through mingo; stripped before replying. */
export const TEXT_SCORE_FIELD = '__ecartTextScore';

export interface EngineCounters {
  /** Documents the filter was evaluated against, summed over all operations. */
  docsExamined: number;
}

export interface MatchResult {
  docs: Document[];
  /** Text score per matched (stored) document, when the filter used `$text`. */
  scores: Map<Document, number> | null;
  docsExamined: number;
  indexName: string | null;
}

export interface MatchOptions {
  /** Stop after this many matches (no sort involved): update-one, delete-one. */
  stopAfter?: number;
}

export function matchDocuments(
  coll: Collection | undefined,
  filter: Document | undefined,
  counters: EngineCounters,
  opts: MatchOptions = {},
): MatchResult {
  const fullFilter = filter ?? {};
  if (!isPlainObject(fullFilter)) throw new MongoError('TypeMismatch', 'filter must be an object');
  const { $text: textOperand, ...rest } = fullFilter;
  assertNoNestedText(rest);
  if (!coll) {
    if (textOperand !== undefined) throw textIndexRequired();
    return { docs: [], scores: null, docsExamined: 0, indexName: null };
  }
  const query = new Query(rest, mingoOptions());

  let candidates: Iterable<Document>;
  let textScores: Map<string, number> | null = null;
  let indexName: string | null = null;
  if (textOperand !== undefined) {
    const textIndex = coll.getTextIndex();
    if (!textIndex) throw textIndexRequired();
    textScores = textIndex.search(textOperand, (id) => coll.getById(id));
    candidates = idsToDocs(coll, textScores.keys());
    indexName = textIndex.spec.name;
  } else {
    const plan = planCandidates(coll, rest);
    indexName = plan.indexName;
    candidates = plan.ids ? idsToDocs(coll, plan.ids) : coll.allDocuments();
  }

  const docs: Document[] = [];
  const scores = textScores ? new Map<Document, number>() : null;
  let examined = 0;
  for (const doc of candidates) {
    examined += 1;
    if (!query.test(doc)) continue;
    docs.push(doc);
    if (scores && textScores) scores.set(doc, textScores.get(canonicalKey(doc._id)) ?? 0);
    if (opts.stopAfter !== undefined && docs.length >= opts.stopAfter) break;
  }
  counters.docsExamined += examined;
  return { docs, scores, docsExamined: examined, indexName };
}

function* idsToDocs(coll: Collection, ids: Iterable<string>): Generator<Document> {
  for (const id of ids) {
    const doc = coll.getById(id);
    if (doc) yield doc;
  }
}

function textIndexRequired(): MongoError {
  return new MongoError('IndexNotFound', 'text index required for $text query');
}

function assertNoNestedText(value: unknown): void {
  if (Array.isArray(value)) {
    value.forEach(assertNoNestedText);
    return;
  }
  if (!isPlainObject(value)) return;
  for (const [k, v] of Object.entries(value)) {
    if (k === '$text') {
      throw new MongoError('BadValue', "$text is only supported at the top level of the filter by Écart's embedded server");
    }
    assertNoNestedText(v);
  }
}

/** mingo's Options type sits in a subpath export that `node10` resolution cannot see. */
type MingoOptions = NonNullable<ConstructorParameters<typeof Query>[1]>;

export function mingoOptions(extra: MingoOptions = {}): MingoOptions {
  return { useStrictMode: true, ...extra };
}

export interface FindSpec {
  filter?: Document;
  sort?: Document;
  skip?: number;
  limit?: number;
  projection?: Document;
}

export interface FindResult {
  docs: Document[];
  docsExamined: number;
  indexName: string | null;
}

export function findDocuments(coll: Collection | undefined, spec: FindSpec, counters: EngineCounters): FindResult {
  const hasSort = spec.sort !== undefined && Object.keys(spec.sort).length > 0;
  const canStopEarly = !hasSort && spec.limit !== undefined && spec.limit > 0;
  const matched = matchDocuments(coll, spec.filter, counters, {
    stopAfter: canStopEarly ? (spec.skip ?? 0) + (spec.limit ?? 0) : undefined,
  });
  let docs = decorateWithScores(matched.docs, matched.scores);
  if (hasSort && spec.sort) docs = sortDocuments(docs, spec.sort, matched.scores !== null);
  const skip = spec.skip ?? 0;
  const end = spec.limit !== undefined && spec.limit > 0 ? skip + spec.limit : undefined;
  docs = docs.slice(skip, end);
  return { docs: projectDocuments(docs, spec.projection, matched.scores !== null), docsExamined: matched.docsExamined, indexName: matched.indexName };
}

function decorateWithScores(docs: Document[], scores: Map<Document, number> | null): Document[] {
  if (!scores) return docs;
  return docs.map((d) => ({ ...d, [TEXT_SCORE_FIELD]: scores.get(d) ?? 0 }));
}

function isTextScoreMeta(value: unknown): boolean {
  return isPlainObject(value) && value.$meta === 'textScore';
}

export function sortDocuments(docs: Document[], sort: Document, hasScores: boolean): Document[] {
  const spec: Record<string, 1 | -1> = {};
  for (const [field, dir] of Object.entries(sort) as [string, unknown][]) {
    if (isTextScoreMeta(dir)) {
      if (!hasScores) throw new MongoError('BadValue', 'query requires text score metadata, but it is not available');
      spec[TEXT_SCORE_FIELD] = -1;
    } else if (dir === 1 || dir === -1) {
      spec[field] = dir;
    } else {
      throw new MongoError('BadValue', `$sort key ordering must be 1 (for ascending) or -1 (for descending)`);
    }
  }
  return new Query({}, mingoOptions()).find<Document>(docs).sort(spec).all();
}

export function projectDocuments(docs: Document[], projection: Document | undefined, hasScores: boolean): Document[] {
  const metaFields: string[] = [];
  const rest: Document = {};
  for (const [field, value] of Object.entries(projection ?? {}) as [string, unknown][]) {
    if (isTextScoreMeta(value)) metaFields.push(field);
    else rest[field] = value;
  }
  if (metaFields.length > 0 && !hasScores) {
    throw new MongoError('BadValue', 'query requires text score metadata, but it is not available');
  }
  const projected =
    Object.keys(rest).length > 0 ? new Query({}, mingoOptions()).find<Document>(docs, rest).all() : docs;
  if (!hasScores) return projected;
  return projected.map((out, i) => {
    const copy: Document = { ...out };
    const score = (docs[i] as Document)[TEXT_SCORE_FIELD] as number;
    delete copy[TEXT_SCORE_FIELD];
    for (const field of metaFields) copy[field] = score;
    return copy;
  });
}

export interface AggregateContext {
  coll: Collection | undefined;
  resolveCollection(name: string): Collection | undefined;
  counters: EngineCounters;
}

const REFUSED_STAGES = new Set(['$out', '$merge', '$changeStream', '$currentOp', '$listSessions', '$collStats', '$indexStats', '$planCacheStats', '$search', '$geoNear']);

export function aggregateDocuments(ctx: AggregateContext, pipeline: Document[]): Document[] {
  if (!Array.isArray(pipeline)) throw new MongoError('TypeMismatch', "'pipeline' option must be specified as an array");
  for (const stage of pipeline) {
    const name = isPlainObject(stage) ? Object.keys(stage)[0] : undefined;
    if (name && REFUSED_STAGES.has(name)) {
      throw new MongoError('NotImplemented', `${name} is not supported by Écart's embedded server; use a real MongoDB (MONGODB_URI)`);
    }
  }
  let stages = pipeline;
  let input: Document[];
  let hasScores = false;
  const first = pipeline[0];
  if (first && isPlainObject(first) && isPlainObject(first.$match)) {
    const matched = matchDocuments(ctx.coll, first.$match, ctx.counters);
    hasScores = matched.scores !== null;
    input = decorateWithScores(matched.docs, matched.scores).map(cloneDocument);
    stages = pipeline.slice(1);
  } else {
    input = ctx.coll ? [...ctx.coll.allDocuments()].map(cloneDocument) : [];
    if (ctx.coll) ctx.counters.docsExamined += input.length;
  }
  assertNoNestedText(stages);
  if (hasScores) stages = rewriteTextScoreMeta(stages) as Document[];
  // mingo edits nested objects in place, so it only ever sees copies of stored documents.
  const aggregator = new Aggregator(
    stages,
    mingoOptions({
      collectionResolver: (name: string) => [...(ctx.resolveCollection(name)?.allDocuments() ?? [])].map(cloneDocument),
    }),
  );
  const out = aggregator.run<Document>(input);
  if (hasScores) for (const doc of out) delete doc[TEXT_SCORE_FIELD];
  return out;
}

/** `{ $meta: 'textScore' }` → a reference to the hidden score field; in $sort, descending. */
function rewriteTextScoreMeta(value: unknown, inSort = false): unknown {
  if (Array.isArray(value)) return value.map((v) => rewriteTextScoreMeta(v, false));
  if (!isPlainObject(value)) return value;
  if (isTextScoreMeta(value)) return `$${TEXT_SCORE_FIELD}`;
  const out: Document = {};
  for (const [k, v] of Object.entries(value)) {
    if (inSort && isTextScoreMeta(v)) out[TEXT_SCORE_FIELD] = -1;
    else out[k] = rewriteTextScoreMeta(v, k === '$sort');
  }
  return out;
}
