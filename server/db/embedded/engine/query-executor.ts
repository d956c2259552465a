/**
 * Reads: filter (planner + mingo), `$text`, sort, skip, limit, projection and aggregation.
 * mingo does the query language; this file is the glue that feeds it candidates and handles
 * what mingo does not know about (`$text`, `{ $meta: 'textScore' }`).
 */
import type { Document } from 'bson';
import { Aggregator, Query } from 'mingo';
import { MongoError } from '../errors';
import { decodeDocument, decodeEncodedFields } from './collection';
import { fieldNames } from './bson-fields';
import { isPlainObject } from './document-utils';
import { candidatePlans, walkPlan, type CandidatePlan, type PlannableCollection, type SortSpec } from './planner';
import type { TextIndex } from './text-search';

/** Hidden field carrying the text score through mingo; stripped before replying. */
export const TEXT_SCORE_FIELD = '__ecartTextScore';

export interface EngineCounters {
  /** Documents the filter was evaluated against, summed over all operations. */
  docsExamined: number;
  /** Index (or document-tree) entries read, summed over all operations. */
  keysExamined: number;
  /**
   * Changes applied (a document inserted, updated or deleted, a collection or index created
   * or dropped), transactions and TTL deletions included: what "this request wrote nothing"
   * is measured with.
   */
  writes: number;
}

/** What a read needs from a collection, or from a transaction's immutable view of one. */
export interface ReadTarget extends PlannableCollection {
  readonly ns: string;
  getDoc(idKey: string): Document | undefined;
  /** The document with only the named top-level fields decoded (see bson-fields.ts). */
  getFields(idKey: string, wanted: readonly Uint8Array[]): Document | undefined;
  getTextIndex(): TextIndex | null;
}

export interface ExecutionStats {
  docsExamined: number;
  keysExamined: number;
  /** The winning plan: 'COLLSCAN', '_id_', an index name, or the text index. */
  indexName: string | null;
  /** Whether the documents came out in the requested order (no in-memory sort). */
  sortedByIndex: boolean;
  reverse: boolean;
  plansConsidered: number;
}

export interface MatchResult {
  docs: Document[];
  /** Text score per matched document, when the filter used `$text`. */
  scores: Map<Document, number> | null;
  stats: ExecutionStats;
}

export interface MatchOptions {
  /** Stop after this many matches (no sort involved): update-one, delete-one, find with a limit. */
  stopAfter?: number;
  /** The order wanted; a plan that provides it stops at `stopAfter`, others sort afterwards. */
  sort?: SortSpec;
  /**
   * The top-level fields the caller will read (see `neededFields`): only those are decoded.
   * Unset, whole documents are. A claim's statement and sources are never decoded for a
   * list or a facet count that reads its speaker and dates.
   */
  fields?: readonly Uint8Array[] | null;
}

/** Decodes what the read needs: the named fields, or the whole document. */
function readDoc(target: ReadTarget, idKey: string, encoded: string | undefined, fields: readonly Uint8Array[] | null | undefined): Document | undefined {
  if (fields) return encoded !== undefined ? decodeEncodedFields(encoded, fields) : target.getFields(idKey, fields);
  return encoded !== undefined ? decodeDocument(encoded) : target.getDoc(idKey);
}

const LOGICAL_OPERATORS = new Set(['$and', '$or', '$nor']);

/**
 * The top-level fields a filter reads, or null when it cannot tell (`$expr`, `$where`,
 * `$jsonSchema`…: then whole documents are decoded). `$text` reads the text index.
 */
export function filterRoots(filter: Document): string[] | null {
  const roots: string[] = [];
  for (const [key, value] of Object.entries(filter) as [string, unknown][]) {
    if (key === '$text' || key === '$comment') continue;
    if (LOGICAL_OPERATORS.has(key)) {
      if (!Array.isArray(value)) return null;
      for (const clause of value) {
        const inner = isPlainObject(clause) ? filterRoots(clause) : null;
        if (!inner) return null;
        roots.push(...inner);
      }
    } else if (key.startsWith('$')) {
      return null;
    } else {
      roots.push(key.split('.')[0] as string);
    }
  }
  return roots;
}

/**
 * The top-level fields an inclusion projection keeps (`{ a: 1, 'b.c': 1, s: { $meta: 'textScore' } }`),
 * or null for anything else (exclusions, expressions, `$slice`, `$elemMatch`, only `$meta`): whole documents then.
 */
export function inclusionRoots(projection: Document | undefined): string[] | null {
  if (!projection || Object.keys(projection).length === 0) return null;
  const roots: string[] = [];
  for (const [key, value] of Object.entries(projection) as [string, unknown][]) {
    if (isTextScoreMeta(value)) continue;
    if (key === '_id' && (value === 0 || value === false)) continue;
    if (value !== 1 && value !== true) return null;
    roots.push(key.split('.')[0] as string);
  }
  // `{ score: { $meta: 'textScore' } }` or `{ _id: 0 }` alone keeps every other field.
  return roots.length > 0 ? roots : null;
}

/**
 * What to decode for a read that filters, sorts and then keeps an inclusion projection: the
 * union of their top-level fields and `_id`; null (everything) when any part cannot say.
 */
export function neededFields(filter: Document | undefined, sort: Document | undefined, projection: Document | undefined): Uint8Array[] | null {
  const kept = inclusionRoots(projection);
  const read = filterRoots(filter ?? {});
  if (!kept || !read) return null;
  const sorted = Object.keys(sort ?? {}).map((k) => k.split('.')[0] as string);
  return fieldNames(['_id', ...kept, ...read, ...sorted]);
}

/** MongoDB's multi-planner gives each candidate a trial of this many reads in total. */
const TRIAL_WORKS = 10_000;

class PlanRunner {
  readonly matches: Document[] = [];
  eof = false;
  docs = 0;
  private readonly iterator: Generator<[string, string | undefined]>;
  private readonly seen: Set<string> | null;
  readonly keys = { keys: 0 };

  constructor(
    private readonly target: ReadTarget,
    readonly plan: CandidatePlan,
    private readonly query: Query,
    private readonly fields: readonly Uint8Array[] | null | undefined,
  ) {
    this.iterator = walkPlan(target, plan, this.keys);
    this.seen = plan.dedupe ? new Set() : null;
  }

  /** Reads one entry; false once the plan has nothing more. */
  step(): boolean {
    const next = this.iterator.next();
    if (next.done === true) {
      this.eof = true;
      return false;
    }
    const [idKey, encoded] = next.value;
    if (this.seen) {
      if (this.seen.has(idKey)) return true;
      this.seen.add(idKey);
    }
    const doc = readDoc(this.target, idKey, encoded, this.fields);
    if (doc === undefined) return true;
    this.docs++;
    // An exact plan's entries are all matches (as countDocuments relies on): mingo's $in over
    // a few hundred ids hashed the whole list for every document.
    if (this.plan.exact || this.query.test(doc)) this.matches.push(doc);
    return true;
  }

  /** Has what the caller asked for: everything, or (in order) the first `need` matches. */
  done(need: number | undefined): boolean {
    return this.eof || (need !== undefined && this.plan.providesSort && this.matches.length >= need);
  }
}

/**
 * Runs a filter through the best plan (see planner.ts). The documents come back in the
 * sort's order when the winning plan provides it (`stats.sortedByIndex`), else in index order.
 */
function executePlans(
  target: ReadTarget,
  filter: Document,
  query: Query,
  sort: SortSpec,
  need: number | undefined,
  fields: readonly Uint8Array[] | null | undefined,
): { docs: Document[]; stats: ExecutionStats } {
  const plans = candidatePlans(target, filter, sort);
  const runners = plans.map((plan) => new PlanRunner(target, plan, query, fields));
  let winner: PlanRunner | undefined = runners.length === 1 ? runners[0] : undefined;
  if (!winner) {
    let works = 0;
    race: while (works < TRIAL_WORKS) {
      for (const runner of runners) {
        runner.step();
        works++;
        if (runner.done(need)) {
          winner = runner;
          break race;
        }
      }
    }
    winner ??= runners.reduce((best, r) => (productivity(r) > productivity(best) ? r : best));
  }
  const chosen = winner;
  while (!chosen.done(need)) chosen.step();
  let docsExamined = 0;
  let keysExamined = 0;
  for (const r of runners) {
    docsExamined += r.docs;
    keysExamined += r.keys.keys;
  }
  return {
    docs: chosen.matches,
    stats: {
      docsExamined,
      keysExamined,
      indexName: chosen.plan.name,
      sortedByIndex: chosen.plan.providesSort,
      reverse: chosen.plan.reverse,
      plansConsidered: plans.length,
    },
  };
}

function productivity(runner: PlanRunner): number {
  const works = Math.max(1, runner.keys.keys);
  return runner.matches.length / works + (runner.plan.providesSort ? 1e-9 : 0);
}

export function matchDocuments(
  target: ReadTarget | undefined,
  filter: Document | undefined,
  counters: EngineCounters,
  opts: MatchOptions = {},
): MatchResult {
  const fullFilter = filter ?? {};
  if (!isPlainObject(fullFilter)) throw new MongoError('TypeMismatch', 'filter must be an object');
  const { $text: textOperand, ...rest } = fullFilter;
  assertNoNestedText(rest);
  const emptyStats: ExecutionStats = { docsExamined: 0, keysExamined: 0, indexName: null, sortedByIndex: true, reverse: false, plansConsidered: 0 };
  if (!target) {
    if (textOperand !== undefined) throw textIndexRequired();
    return { docs: [], scores: null, stats: emptyStats };
  }
  const query = new Query(rest, mingoOptions());

  if (textOperand !== undefined) {
    const textIndex = target.getTextIndex();
    if (!textIndex) throw textIndexRequired();
    const textScores = textIndex.search(textOperand, (id) => target.getDoc(id));
    const docs: Document[] = [];
    const scores = new Map<Document, number>();
    let examined = 0;
    for (const [idKey, score] of textScores) {
      const doc = readDoc(target, idKey, undefined, opts.fields);
      if (!doc) continue;
      examined++;
      if (!query.test(doc)) continue;
      docs.push(doc);
      scores.set(doc, score);
      if (opts.stopAfter !== undefined && !opts.sort?.length && docs.length >= opts.stopAfter) break;
    }
    counters.docsExamined += examined;
    counters.keysExamined += textScores.size;
    const stats = { ...emptyStats, docsExamined: examined, keysExamined: textScores.size, indexName: textIndex.spec.name, sortedByIndex: false, plansConsidered: 1 };
    return { docs, scores, stats };
  }

  const { docs, stats } = executePlans(target, rest, query, opts.sort ?? [], opts.stopAfter, opts.fields);
  counters.docsExamined += stats.docsExamined;
  counters.keysExamined += stats.keysExamined;
  return { docs, scores: null, stats };
}

/**
 * Counts matches. When a plan's bounds are exactly the filter, only index entries are read
 * (no document is decoded); otherwise it counts what the best plan matches.
 */
export function countDocuments(target: ReadTarget | undefined, filter: Document | undefined, counters: EngineCounters): { n: number; stats: ExecutionStats } {
  const fullFilter = filter ?? {};
  if (!isPlainObject(fullFilter)) throw new MongoError('TypeMismatch', 'filter must be an object');
  if (target && Object.keys(fullFilter).length === 0) {
    return { n: target.size, stats: { docsExamined: 0, keysExamined: 0, indexName: 'COUNT', sortedByIndex: true, reverse: false, plansConsidered: 0 } };
  }
  if (target && fullFilter.$text === undefined) {
    const exact = candidatePlans(target, fullFilter, []).find((p) => p.exact && p.kind !== 'collscan');
    if (exact) {
      const keys = { keys: 0 };
      const seen = exact.dedupe ? new Set<string>() : null;
      let n = 0;
      for (const [idKey] of walkPlan(target, exact, keys)) {
        if (seen) {
          if (seen.has(idKey)) continue;
          seen.add(idKey);
        }
        n++;
      }
      counters.keysExamined += keys.keys;
      return { n, stats: { docsExamined: 0, keysExamined: keys.keys, indexName: exact.name, sortedByIndex: true, reverse: false, plansConsidered: 1 } };
    }
  }
  const matched = matchDocuments(target, fullFilter, counters);
  return { n: matched.docs.length, stats: matched.stats };
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
  stats: ExecutionStats;
}

/** The sort as the planner takes it, or null when it sorts by text score (done in memory). */
export function parseSort(sort: Document | undefined): SortSpec | null {
  const out: SortSpec = [];
  for (const [field, dir] of Object.entries(sort ?? {}) as [string, unknown][]) {
    if (isTextScoreMeta(dir)) return null;
    if (dir === 1 || dir === -1) out.push([field, dir]);
    else if (typeof dir === 'number' && (dir === 1.0 || dir === -1.0)) out.push([field, dir > 0 ? 1 : -1]);
    else throw new MongoError('BadValue', `$sort key ordering must be 1 (for ascending) or -1 (for descending)`);
  }
  return out;
}

export function findDocuments(coll: ReadTarget | undefined, spec: FindSpec, counters: EngineCounters): FindResult {
  const hasSort = spec.sort !== undefined && Object.keys(spec.sort).length > 0;
  const limited = spec.limit !== undefined && spec.limit > 0;
  const sort = hasSort ? parseSort(spec.sort) : [];
  // A sort by text score is done in memory, after every match is known.
  const byScore = hasSort && sort === null;
  const matched = matchDocuments(coll, spec.filter, counters, {
    stopAfter: limited && !byScore ? (spec.skip ?? 0) + (spec.limit ?? 0) : undefined,
    sort: sort ?? [],
    fields: neededFields(spec.filter, spec.sort, spec.projection),
  });
  let docs = decorateWithScores(matched.docs, matched.scores);
  if (hasSort && spec.sort && (byScore || !matched.stats.sortedByIndex)) docs = sortDocuments(docs, spec.sort, matched.scores !== null);
  const skip = spec.skip ?? 0;
  const end = limited ? skip + (spec.limit ?? 0) : undefined;
  docs = docs.slice(skip, end);
  return {
    docs: projectDocuments(docs, spec.projection, matched.scores !== null),
    stats: matched.stats,
  };
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
  coll: ReadTarget | undefined;
  resolveCollection(name: string): ReadTarget | undefined;
  counters: EngineCounters;
}

const REFUSED_STAGES = new Set(['$out', '$merge', '$changeStream', '$currentOp', '$listSessions', '$collStats', '$indexStats', '$planCacheStats', '$search', '$geoNear']);

function stageName(stage: unknown): string | undefined {
  return isPlainObject(stage) ? Object.keys(stage)[0] : undefined;
}

function nonNegativeInteger(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : undefined;
}

/** `{ $group: { _id: <constant>, n: { $sum: 1 } } }`: what countDocuments sends. */
function countGroup(stage: unknown): { id: unknown; field: string } | null {
  if (!isPlainObject(stage) || !isPlainObject(stage.$group)) return null;
  const group = stage.$group;
  const keys = Object.keys(group);
  const id: unknown = group._id;
  if (keys.length !== 2 || !('_id' in group)) return null;
  if (!(id === null || typeof id === 'number' || (typeof id === 'string' && !id.startsWith('$')))) return null;
  const field = keys.find((k) => k !== '_id') as string;
  const acc: unknown = group[field];
  return isPlainObject(acc) && Object.keys(acc).length === 1 && acc.$sum === 1 ? { id, field } : null;
}

export interface AggregateResult {
  docs: Document[];
  stats: ExecutionStats;
}

/**
 * Runs a pipeline. The planner takes the leading `$match`, `$sort`, `$skip` and `$limit`
 * (so a sorted, limited pipeline reads only what it returns), and a count
 * (`$match` + `$group: { _id: const, n: { $sum: 1 } }`) reads index entries only when it can;
 * mingo runs the rest.
 */
export function aggregateDocuments(ctx: AggregateContext, pipeline: Document[]): AggregateResult {
  if (!Array.isArray(pipeline)) throw new MongoError('TypeMismatch', "'pipeline' option must be specified as an array");
  for (const stage of pipeline) {
    const name = stageName(stage);
    if (name && REFUSED_STAGES.has(name)) {
      throw new MongoError('NotImplemented', `${name} is not supported by Écart's embedded server; use a real MongoDB (MONGODB_URI)`);
    }
  }
  let i = 0;
  let filter: Document = {};
  if (stageName(pipeline[0]) === '$match' && isPlainObject((pipeline[0] as Document).$match)) {
    filter = (pipeline[0] as Document).$match as Document;
    i = 1;
  }
  const hasText = filter.$text !== undefined;

  const group = countGroup(pipeline[i]);
  if (group && i + 1 === pipeline.length && !hasText) {
    const { n, stats } = countDocuments(ctx.coll, filter, ctx.counters);
    return { docs: n > 0 ? [{ _id: group.id, [group.field]: n }] : [], stats };
  }

  let sort: Document | undefined;
  if (!hasText && stageName(pipeline[i]) === '$sort' && isPlainObject((pipeline[i] as Document).$sort)) {
    sort = (pipeline[i] as Document).$sort as Document;
    i++;
  }
  let skip: number | undefined;
  let limit: number | undefined;
  // With $text, skip and limit stay with mingo: the scores must reach the later stages.
  if (!hasText && stageName(pipeline[i]) === '$skip' && nonNegativeInteger((pipeline[i] as Document).$skip) !== undefined) {
    skip = nonNegativeInteger((pipeline[i] as Document).$skip);
    i++;
  }
  if (!hasText && stageName(pipeline[i]) === '$limit' && nonNegativeInteger((pipeline[i] as Document).$limit)) {
    limit = nonNegativeInteger((pipeline[i] as Document).$limit);
    i++;
  }

  let input: Document[];
  let stats: ExecutionStats;
  let hasScores = false;
  if (sort || skip !== undefined || limit !== undefined) {
    const found = findDocuments(ctx.coll, { filter, sort, skip, limit }, ctx.counters);
    input = found.docs;
    stats = found.stats;
  } else {
    // A `$project` right after the match says which fields the rest of the pipeline can see.
    const next = pipeline[i];
    const projection = stageName(next) === '$project' && isPlainObject(next?.$project) ? next.$project : undefined;
    const matched = matchDocuments(ctx.coll, filter, ctx.counters, { fields: neededFields(filter, undefined, projection) });
    hasScores = matched.scores !== null;
    input = decorateWithScores(matched.docs, matched.scores);
    stats = matched.stats;
  }
  let stages = pipeline.slice(i);
  if (stages.length === 0) return { docs: input, stats };
  for (const stage of stages) {
    if (stageName(stage) === '$match' && isPlainObject(stage.$match) && stage.$match.$text !== undefined) {
      throw new MongoError('Location17313', '$match with $text is only allowed as the first pipeline stage');
    }
  }
  assertNoNestedText(stages);
  if (hasScores) stages = rewriteTextScoreMeta(stages) as Document[];
  // Documents are decoded afresh on every read, so mingo may edit them in place.
  const aggregator = new Aggregator(
    stages,
    mingoOptions({
      collectionResolver: (name: string) => matchDocuments(ctx.resolveCollection(name), {}, ctx.counters).docs,
    }),
  );
  const out = aggregator.run<Document>(input);
  if (hasScores) for (const doc of out) stripTextScore(doc);
  return { docs: out, stats };
}

/** Removes the hidden score wherever a stage put a scored document ($facet, $push: '$$ROOT'). */
function stripTextScore(value: unknown): void {
  if (Array.isArray(value)) value.forEach(stripTextScore);
  else if (isPlainObject(value)) {
    delete value[TEXT_SCORE_FIELD];
    Object.values(value).forEach(stripTextScore);
  }
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
