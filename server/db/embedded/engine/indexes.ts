/**
 * Secondary (non-text) indexes, kept in key order in a B+ tree (sorted-btree). Each entry is
 * a key alone: the order-preserving encoding of the indexed values (see key-encoding.ts),
 * then the document's `_id` key, so equal values stay distinct entries, sorted by `_id`,
 * then two chars giving the `_id` key's length, so the `_id` can be cut back out of the
 * entry (`idOfEntry`). The suffix never decides an order: what precedes it is prefix-free.
 *
 * The tree gives the planner what a hash map could not: equality on a prefix of the
 * fields, ranges, and walking the entries in the order a sort asks for, stopping at the
 * limit. `clone()` is O(1) (copy-on-write), which is how a snapshot or a transaction gets
 * an immutable view without copying anything.
 */
import type { Document } from 'bson';
import BTree from 'sorted-btree';
import { bulkLoad } from 'sorted-btree/extended/bulkLoad';
import { Query } from 'mingo';
import type { IndexSpec } from '../persistence.types';
import { MongoError } from '../errors';
import { formatKeyValue, valuesAtPath } from './document-utils';
import { HIGH, encodeComponent, encodeId } from './key-encoding';

export interface IndexEntry {
  /** The encoded values, without the `_id` suffix. */
  key: string;
  /** One value per index field, for keyValue in E11000 errors. */
  values: unknown[];
}

/** Compound keys over several array fields explode combinatorially; MongoDB refuses them too. */
const MAX_KEYS_PER_DOCUMENT = 10_000;
/** Wider nodes than sorted-btree's default 32: fewer objects per entry, faster scans. */
export const BTREE_NODE_SIZE = 64;
/** How full bulk-loaded leaves are: room for later inserts without splitting at once, little waste. */
const BULK_LOAD_FACTOR = 0.9;

/** Keys are byte strings: plain `<` orders them (sorted-btree's default comparator checks types first). */
export function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function newTree<V = string>(): BTree<string, V> {
  return new BTree<string, V>(undefined, compareKeys, BTREE_NODE_SIZE);
}

/** An index entry: the encoded values, the `_id` key, and that key's length in two chars. */
export function entryKey(tupleKey: string, id: string): string {
  return tupleKey + id + String.fromCharCode(id.length >>> 16, id.length & 0xffff);
}

/** The `_id` key inside an index entry. */
export function idOfEntry(entry: string): string {
  const length = (entry.charCodeAt(entry.length - 2) << 16) | entry.charCodeAt(entry.length - 1);
  return entry.slice(entry.length - 2 - length, entry.length - 2);
}

/** Builds a key-only tree from entries already in strictly ascending order, in O(n); throws otherwise. */
export function treeFromSortedKeys(keys: string[]): BTree<string, undefined> {
  return bulkLoad(keys, new Array<undefined>(keys.length).fill(undefined), BTREE_NODE_SIZE, compareKeys, BULK_LOAD_FACTOR);
}

/** Builds a key-only tree from entries in any order: a native sort, then an O(n) bulk load. */
export function treeFromKeys(keys: string[]): BTree<string, undefined> {
  keys.sort();
  const unique: string[] = [];
  for (const key of keys) if (unique.length === 0 || unique[unique.length - 1] !== key) unique.push(key);
  return bulkLoad(unique, new Array<undefined>(unique.length).fill(undefined), BTREE_NODE_SIZE, compareKeys, BULK_LOAD_FACTOR);
}

/**
 * Builds a tree from pairs in any order, in O(n log n) for the sort and O(n) for the tree:
 * several times faster than inserting them one by one, which matters at start-up.
 */
export function treeFromPairs(keys: string[], values: string[], sorted: boolean): BTree<string, string> {
  if (!sorted) {
    const order = keys.map((_, i) => i).sort((i, j) => compareKeys(keys[i] as string, keys[j] as string));
    const sortedKeys: string[] = [];
    const sortedValues: string[] = [];
    for (const i of order) {
      // A key met twice (the same entry loaded twice) is kept once, as set() would.
      if (sortedKeys.length > 0 && sortedKeys[sortedKeys.length - 1] === keys[i]) continue;
      sortedKeys.push(keys[i] as string);
      sortedValues.push(values[i] as string);
    }
    keys = sortedKeys;
    values = sortedValues;
  }
  return bulkLoad(keys, values, BTREE_NODE_SIZE, compareKeys, BULK_LOAD_FACTOR);
}

export class OrderedIndex {
  readonly spec: IndexSpec;
  readonly fields: string[];
  readonly directions: (1 | -1)[];
  /** Entries (see entryKey), without values. */
  tree: BTree<string, undefined>;
  /**
   * Per field: set once a document held several values there (an array). Such a field can
   * take equality bounds but not ranges, and cannot provide a sort (MongoDB's multikey paths).
   */
  multikeyFields: boolean[];
  private readonly partialFilter: Query | null;
  /** While bulk loading: entries collected, not yet in the tree. */
  private pending: string[] | null = null;

  constructor(spec: IndexSpec, tree?: BTree<string, undefined>, multikeyFields?: boolean[]) {
    this.spec = spec;
    this.fields = Object.keys(spec.key);
    this.directions = Object.values(spec.key).map((d) => (d === -1 ? -1 : 1));
    this.tree = tree ?? newTree<undefined>();
    this.multikeyFields = multikeyFields ? [...multikeyFields] : this.fields.map(() => false);
    this.partialFilter = spec.partialFilterExpression ? new Query(spec.partialFilterExpression, {}) : null;
  }

  /** An immutable view of this index as it is now (O(1)). */
  clone(): OrderedIndex {
    return new OrderedIndex(this.spec, this.tree.clone(), this.multikeyFields);
  }

  get multikey(): boolean {
    return this.multikeyFields.some(Boolean);
  }

  get isUnique(): boolean {
    return this.spec.unique === true;
  }

  /** Holds every document (partial and sparse indexes leave some out), so it can answer any query on its fields. */
  get isComplete(): boolean {
    return this.partialFilter === null && this.spec.sparse !== true;
  }

  get isPartial(): boolean {
    return this.partialFilter !== null;
  }

  /** The keys a document contributes, or none when sparse/partial rules leave it out. */
  entriesFor(doc: Document): IndexEntry[] {
    if (this.partialFilter && !this.partialFilter.test(doc)) return [];
    const perField = this.fields.map((f) => valuesAtPath(doc, f));
    if (this.spec.sparse === true && perField.every((vals) => vals.every((v) => v === undefined))) return [];
    perField.forEach((vals, i) => {
      if (vals.length > 1 || Array.isArray(vals[0])) this.multikeyFields[i] = true;
    });
    if (perField.every((vals) => vals.length === 1)) {
      const values = perField.map((vals) => vals[0]);
      return [{ key: this.encodeTuple(values), values }];
    }
    let tuples: unknown[][] = [[]];
    for (const vals of perField) {
      const next: unknown[][] = [];
      for (const t of tuples) for (const v of vals) next.push([...t, v]);
      tuples = next;
      if (tuples.length > MAX_KEYS_PER_DOCUMENT) {
        throw new MongoError('CannotCreateIndex', `cannot index parallel arrays for index ${this.spec.name}`);
      }
    }
    const seen = new Map<string, IndexEntry>();
    for (const values of tuples) {
      const key = this.encodeTuple(values);
      if (!seen.has(key)) seen.set(key, { key, values });
    }
    return [...seen.values()];
  }

  encodeTuple(values: unknown[]): string {
    let key = '';
    for (let i = 0; i < values.length; i++) key += encodeComponent(values[i], this.directions[i] ?? 1);
    return key;
  }

  /** Throws the E11000 error if any of `entries` is already held by another document. */
  checkUnique(ns: string, entries: IndexEntry[], ownId: string | null): void {
    if (!this.isUnique) return;
    for (const entry of entries) {
      const holder = this.firstHolder(entry.key, ownId);
      if (holder !== undefined) throw duplicateKeyError(ns, this.spec, this.fields, entry.values);
    }
  }

  /** The `_id` key of a document other than `exceptId` holding exactly this encoded tuple. */
  private firstHolder(tupleKey: string, exceptId: string | null): string | undefined {
    let found: string | undefined;
    this.tree.forRange(tupleKey, tupleKey + HIGH, false, (entry) => {
      const id = idOfEntry(entry);
      if (id !== exceptId) {
        found = id;
        return { break: true };
      }
      return undefined;
    });
    return found;
  }

  add(id: string, entries: IndexEntry[]): void {
    if (this.pending) {
      for (const entry of entries) this.pending.push(entryKey(entry.key, id));
      return;
    }
    for (const entry of entries) this.tree.set(entryKey(entry.key, id), undefined);
  }

  /** Stored entries (from a snapshot of the same key encoding): the tree, at once. False if they are not usable. */
  loadSortedKeys(keys: string[], multikeyFields: unknown): boolean {
    if (!Array.isArray(multikeyFields) || multikeyFields.length !== this.fields.length) return false;
    try {
      this.tree = treeFromSortedKeys(keys);
    } catch {
      return false; // not strictly ascending: not what we wrote
    }
    this.multikeyFields = multikeyFields.map((m) => m === true);
    this.pending = null;
    return true;
  }

  /** Entries added from now on are only collected, then built into the tree at once by endBulk(). */
  beginBulk(): void {
    this.pending ??= [];
  }

  endBulk(): void {
    const pending = this.pending;
    if (!pending) return;
    this.pending = null;
    for (const key of this.tree.keys()) pending.push(key);
    this.tree = treeFromKeys(pending);
  }

  remove(id: string, entries: IndexEntry[]): void {
    for (const entry of entries) this.tree.delete(entryKey(entry.key, id));
  }
}

export function duplicateKeyError(ns: string, spec: IndexSpec, fields: string[], values: unknown[]): MongoError {
  const keyValue: Document = {};
  fields.forEach((f, i) => {
    keyValue[f] = values[i] === undefined ? null : values[i];
  });
  const keyPattern: Document = { ...spec.key };
  const shown = fields.map((f, i) => `${f}: ${formatKeyValue(values[i])}`).join(', ');
  return new MongoError(
    'DuplicateKey',
    `E11000 duplicate key error collection: ${ns} index: ${spec.name} dup key: { ${shown} }`,
    { keyPattern, keyValue },
  );
}

/** The primary key of a document: its `_id`, order-preserving. */
export function idKeyOf(id: unknown): string {
  return encodeId(id);
}
