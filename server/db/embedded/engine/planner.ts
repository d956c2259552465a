/**
 * Query planning over the ordered indexes. For a filter (and an optional sort and limit) it
 * builds one candidate plan per usable index, and picks the one that reads least:
 *
 * 1. Bounds. The filter's top-level predicates (and those of a top-level `$and`) become key
 *    intervals on an index: equalities and `$in` on a prefix of its fields give points, a
 *    range (`$gt`, `$gte`, `$lt`, `$lte`) on the next field gives an interval, bracketed by
 *    type as MongoDB does (`$gt: 5` only reaches numbers).
 * 2. Sort. A plan provides the sort when, after its single-valued equality fields, the sort
 *    fields are the next index fields in the same (or all reversed) directions, optionally
 *    ending with `_id` (entries with equal values are ordered by `_id`). It then walks the
 *    index in order and stops at skip + limit.
 * 3. Choice. A plan is dropped when another bounds a superset of its fields and provides
 *    the sort at least as well. If several remain, they race as MongoDB's multi-planner
 *    does: each reads one entry in turn until one has all its results (or, providing the
 *    sort, enough for the limit); the winner goes on from where it stopped.
 * Every candidate is re-checked against the whole filter with mingo, so bounds only have to
 * hold a superset of the matches. A plan is "exact" when its bounds are the filter; then a
 * count reads index entries only.
 */
import type { Document } from 'bson';
import type BTree from 'sorted-btree';
import { isPlainObject } from './document-utils';
import { idOfEntry, type OrderedIndex } from './indexes';
import { HIGH, encodeComponent, encodeValue } from './key-encoding';

/** What the planner needs from a collection, or from an immutable view of one. */
export interface PlannableCollection {
  readonly size: number;
  /** `_id` key → the document's BSON (latin1). */
  readonly docsTree: BTree<string, string>;
  orderedIndexes(): OrderedIndex[];
}

export type SortSpec = [field: string, direction: 1 | -1][];

/** A half-open key interval [start, end). */
export type Interval = [start: string, end: string];

export interface CandidatePlan {
  /** 'COLLSCAN', '_id_' for the primary tree, or the index name. */
  name: string;
  kind: 'collscan' | 'id' | 'index';
  index: OrderedIndex | null;
  intervals: Interval[];
  /** Walk the intervals from the end (descending keys). */
  reverse: boolean;
  providesSort: boolean;
  /** The bounds are exactly the filter: every entry in them is a match. */
  exact: boolean;
  /** Fields the bounds restrict. */
  boundedFields: Set<string>;
  /** Entries may repeat a document (multikey): the runner removes duplicates. */
  dedupe: boolean;
}

interface Range {
  value: unknown;
  inclusive: boolean;
}

interface FieldPredicate {
  eq?: unknown[];
  lower?: Range;
  upper?: Range;
  /** Every condition on the field is expressed by eq/lower/upper, with values the keys compare exactly. */
  exact: boolean;
}

export interface FilterAnalysis {
  fields: Map<string, FieldPredicate>;
  /** Some condition is outside per-field predicates ($or, $expr, $where…). */
  residual: boolean;
}

/** `$in` lists with more values than this in a compound prefix fall back to the previous fields. */
const MAX_POINTS = 10_000;

export function analyseFilter(filter: Document): FilterAnalysis {
  const fields = new Map<string, FieldPredicate>();
  let residual = false;
  const visit = (clause: Document): void => {
    for (const [field, value] of Object.entries(clause) as [string, unknown][]) {
      if (field === '$and' && Array.isArray(value)) {
        for (const sub of value) {
          if (isPlainObject(sub)) visit(sub);
          else residual = true;
        }
        continue;
      }
      if (field === '$comment') continue;
      if (field.startsWith('$')) {
        residual = true;
        continue;
      }
      const predicate = predicateOf(value);
      const existing = fields.get(field);
      fields.set(field, existing ? mergePredicates(existing, predicate) : predicate);
    }
  };
  visit(filter);
  return { fields, residual };
}

function predicateOf(value: unknown): FieldPredicate {
  if (!isOperatorObject(value)) {
    return isPointValue(value) ? { eq: [value], exact: isExactValue(value) } : { exact: false };
  }
  const predicate: FieldPredicate = { exact: true };
  for (const [op, operand] of Object.entries(value) as [string, unknown][]) {
    switch (op) {
      case '$eq':
        if (isPointValue(operand)) {
          predicate.eq = [operand];
          predicate.exact &&= isExactValue(operand);
        } else predicate.exact = false;
        break;
      case '$in':
        if (Array.isArray(operand) && operand.every(isPointValue)) {
          predicate.eq = operand as unknown[];
          predicate.exact &&= operand.every(isExactValue);
        } else predicate.exact = false;
        break;
      case '$gt':
      case '$gte':
        if (isRangeValue(operand)) predicate.lower = { value: operand, inclusive: op === '$gte' };
        else predicate.exact = false;
        break;
      case '$lt':
      case '$lte':
        if (isRangeValue(operand)) predicate.upper = { value: operand, inclusive: op === '$lte' };
        else predicate.exact = false;
        break;
      default:
        predicate.exact = false;
    }
  }
  if (predicate.eq && (predicate.lower || predicate.upper)) {
    // Both kinds on one field: the points are a valid superset; the range is left to mingo.
    delete predicate.lower;
    delete predicate.upper;
    predicate.exact = false;
  }
  if (predicate.lower && predicate.upper && typeTag(predicate.lower.value) !== typeTag(predicate.upper.value)) {
    delete predicate.upper;
    predicate.exact = false;
  }
  return predicate;
}

function mergePredicates(a: FieldPredicate, b: FieldPredicate): FieldPredicate {
  // A field constrained twice (`$and`): either set of bounds is a superset; keep the tighter-looking one.
  const pick = (a.eq?.length ?? Infinity) <= (b.eq?.length ?? Infinity) ? a : b;
  return { ...pick, exact: false };
}

function isOperatorObject(value: unknown): value is Document {
  return isPlainObject(value) && Object.keys(value).length > 0 && Object.keys(value).every((k) => k.startsWith('$'));
}

/**
 * Values whose matches all hold the same key: not arrays (they also match whole arrays), not
 * regexes (pattern match), not operator objects. null is a point: missing fields index as null.
 */
function isPointValue(value: unknown): boolean {
  if (value === undefined || Array.isArray(value) || value instanceof RegExp) return false;
  if (isPlainObject(value)) return !Object.keys(value).some((k) => k.startsWith('$'));
  const bsonType: unknown = value !== null && typeof value === 'object' ? (value as { _bsontype?: unknown })._bsontype : undefined;
  return bsonType !== 'BSONRegExp';
}

/** Values whose key equality is exactly MongoDB's equality, so an index-only count is right. */
function isExactValue(value: unknown): boolean {
  if (typeof value === 'string' || typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value);
  if (value instanceof Date) return Number.isFinite(value.getTime());
  return (value as { _bsontype?: string } | null)?._bsontype === 'ObjectId';
}

function isRangeValue(value: unknown): boolean {
  if (typeof value === 'number') return !Number.isNaN(value);
  if (typeof value === 'string') return true;
  if (value instanceof Date) return Number.isFinite(value.getTime());
  const bsonType = (value as { _bsontype?: string } | null)?._bsontype;
  return bsonType === 'ObjectId' || bsonType === 'Long' || bsonType === 'Int32' || bsonType === 'Double' || bsonType === 'Decimal128';
}

function typeTag(value: unknown): number {
  return encodeValue(value).charCodeAt(0);
}

function chr(code: number): string {
  return String.fromCharCode(code);
}

/** The key interval of one field's range predicate, in that field's direction. */
function rangeInterval(predicate: FieldPredicate, direction: 1 | -1): Interval {
  const tag = typeTag((predicate.lower ?? predicate.upper)?.value);
  const { lower, upper } = predicate;
  if (direction === 1) {
    const start = lower ? encodeComponent(lower.value, 1) + (lower.inclusive ? '' : HIGH) : chr(tag);
    const end = upper ? encodeComponent(upper.value, 1) + (upper.inclusive ? HIGH : '') : chr(tag) + HIGH;
    return [start, end];
  }
  const start = upper ? encodeComponent(upper.value, -1) + (upper.inclusive ? '' : HIGH) : chr(255 - tag);
  const end = lower ? encodeComponent(lower.value, -1) + (lower.inclusive ? HIGH : '') : chr(255 - tag) + HIGH;
  return [start, end];
}

interface IndexShape {
  name: string;
  kind: 'id' | 'index';
  index: OrderedIndex | null;
  fields: string[];
  directions: (1 | -1)[];
  multikeyFields: boolean[];
  complete: boolean;
  sparse: boolean;
}

function shapes(coll: PlannableCollection): IndexShape[] {
  const out: IndexShape[] = [
    { name: '_id_', kind: 'id', index: null, fields: ['_id'], directions: [1], multikeyFields: [false], complete: true, sparse: false },
  ];
  for (const index of coll.orderedIndexes()) {
    if (index.isPartial) continue; // holds only some documents; MongoDB needs the filter to imply it
    out.push({
      name: index.spec.name,
      kind: 'index',
      index,
      fields: index.fields,
      directions: index.directions,
      multikeyFields: index.multikeyFields,
      complete: index.isComplete,
      sparse: index.spec.sparse === true,
    });
  }
  return out;
}

function planFor(shape: IndexShape, analysis: FilterAnalysis, sort: SortSpec): CandidatePlan | null {
  let prefixes: string[] = [''];
  let range: Interval | null = null;
  const bounded = new Set<string>();
  const constant = new Set<string>();
  let exactFields = true;
  let hasNull = false;
  for (let i = 0; i < shape.fields.length; i++) {
    const field = shape.fields[i] as string;
    const direction = shape.directions[i] ?? 1;
    const predicate = analysis.fields.get(field);
    if (!predicate) break;
    if (predicate.eq) {
      const points = [...new Set(predicate.eq.map((v) => encodeComponent(v, direction)))].sort();
      if (prefixes.length * points.length > MAX_POINTS) break;
      if (predicate.eq.some((v) => v === null)) hasNull = true;
      prefixes = prefixes.flatMap((p) => points.map((k) => p + k));
      bounded.add(field);
      if (points.length === 1) constant.add(field);
      exactFields &&= predicate.exact;
      continue;
    }
    if ((predicate.lower || predicate.upper) && shape.multikeyFields[i] !== true) {
      range = rangeInterval(predicate, direction);
      bounded.add(field);
      exactFields &&= predicate.exact;
    }
    break;
  }
  const intervals: Interval[] = prefixes.map((p) => (range ? [p + range[0], p + range[1]] : [p, p + HIGH]));
  const sortMatch = matchSort(shape, constant, sort);
  if (bounded.size === 0 && !(sortMatch.provides && sort.length > 0)) return null;
  if (shape.sparse && (bounded.size === 0 || hasNull)) return null; // a sparse index lacks the documents missing its fields
  const multikey = shape.multikeyFields.some(Boolean);
  const exact =
    !analysis.residual && exactFields && shape.complete && [...analysis.fields.keys()].every((f) => bounded.has(f));
  return {
    name: shape.name,
    kind: shape.kind,
    index: shape.index,
    intervals,
    reverse: sortMatch.reverse,
    providesSort: sortMatch.provides,
    exact,
    boundedFields: bounded,
    dedupe: multikey,
  };
}

/**
 * Whether walking the index gives the sort: constant (single-point) fields are skipped; each
 * sort field must be the next index field, none of them multikey, all in the index's
 * directions or all reversed; `_id` may follow the last index field.
 */
function matchSort(shape: IndexShape, constant: Set<string>, sort: SortSpec): { provides: boolean; reverse: boolean } {
  const wanted = sort.filter(([field]) => !constant.has(field));
  if (wanted.length === 0) return { provides: true, reverse: false };
  const no = { provides: false, reverse: false };
  let scan: 1 | -1 | 0 = 0;
  let i = 0;
  for (const [sortField, sortDir] of wanted) {
    while (i < shape.fields.length && constant.has(shape.fields[i] as string)) i++;
    let relation: 1 | -1;
    if (i < shape.fields.length) {
      if (shape.fields[i] !== sortField || shape.multikeyFields[i] === true) return no;
      relation = sortDir === (shape.directions[i] ?? 1) ? 1 : -1;
      i++;
    } else if (sortField === '_id' && shape.kind === 'index') {
      // Entries with equal values are ordered by _id, ascending in a forward walk.
      relation = sortDir === 1 ? 1 : -1;
    } else {
      return no;
    }
    if (scan !== 0 && scan !== relation) return no;
    scan = relation;
  }
  return { provides: true, reverse: scan === -1 };
}

export function candidatePlans(coll: PlannableCollection, filter: Document, sort: SortSpec): CandidatePlan[] {
  const analysis = analyseFilter(filter);
  const plans: CandidatePlan[] = [];
  for (const shape of shapes(coll)) {
    const plan = planFor(shape, analysis, sort);
    if (plan) plans.push(plan);
  }
  const kept = plans.filter((p) => !plans.some((q) => q !== p && dominates(q, p)));
  if (kept.length > 0) return kept;
  return [
    {
      name: 'COLLSCAN',
      kind: 'collscan',
      index: null,
      intervals: [['', HIGH]],
      reverse: false,
      providesSort: sort.length === 0,
      exact: false,
      boundedFields: new Set(),
      dedupe: false,
    },
  ];
}

/** q reads no more than p: it bounds every field p bounds, and sorts whenever p does. */
function dominates(q: CandidatePlan, p: CandidatePlan): boolean {
  if (p.providesSort && !q.providesSort) return false;
  for (const f of p.boundedFields) if (!q.boundedFields.has(f)) return false;
  if (q.boundedFields.size === p.boundedFields.size && q.providesSort === p.providesSort) {
    // Equal on both counts: keep one, deterministically (fewer intervals, then name).
    if (q.exact !== p.exact) return q.exact;
    if (q.intervals.length !== p.intervals.length) return q.intervals.length < p.intervals.length;
    return q.name < p.name;
  }
  return true;
}

/** Walks a plan's entries in order, yielding `_id` keys, with the document's BSON when the walk has it. */
export function* walkPlan(
  coll: PlannableCollection,
  plan: CandidatePlan,
  counter: { keys: number },
): Generator<[idKey: string, encoded: string | undefined]> {
  if (plan.kind === 'collscan' || plan.kind === 'id') {
    yield* walkTree(coll.docsTree, plan.intervals, plan.reverse, counter, (key, encoded) => [key, encoded]);
    return;
  }
  const tree = (plan.index as OrderedIndex).tree;
  yield* walkTree(tree, plan.intervals, plan.reverse, counter, (entry) => [idOfEntry(entry), undefined]);
}

function* walkTree<V>(
  tree: BTree<string, V>,
  intervals: Interval[],
  reverse: boolean,
  counter: { keys: number },
  pick: (key: string, value: V) => [string, string | undefined],
): Generator<[string, string | undefined]> {
  const ordered = reverse ? [...intervals].reverse() : intervals;
  for (const [start, end] of ordered) {
    if (start >= end) continue;
    if (!reverse) {
      for (const [key, value] of tree.entries(start)) {
        if (key >= end) break;
        counter.keys++;
        yield pick(key, value);
      }
    } else {
      for (const [key, value] of tree.entriesReversed(end)) {
        if (key >= end) continue;
        if (key < start) break;
        counter.keys++;
        yield pick(key, value);
      }
    }
  }
}
