/**
 * One collection: documents keyed by their encoded `_id`, its ordered secondary indexes and
 * its optional text index. Every mutation goes through here so indexes never drift from the
 * documents, and every mutation reports a JournalOp (to make it durable) with the closure
 * that undoes it (to roll back a transaction, or a write the journal could not store).
 *
 * Documents are held as their BSON bytes in a latin1 string: one compact object per
 * document, which the garbage collector never has to trace into, decoded when read. The
 * document tree and the index trees are B+ trees whose clone() is O(1) (copy-on-write),
 * which gives snapshots and transactions an immutable view at no cost.
 */
import { ObjectId, deserialize, serialize, type Document } from 'bson';
import BTree from 'sorted-btree';
import type { CollectionSnapshot, IndexKeysSnapshot, IndexSpec, JournalOp } from '../persistence.types';
import { KEY_ENCODING_VERSION } from './key-encoding';
import { MongoError } from '../errors';
import { canonicalKey, isPlainObject } from './document-utils';
import { OrderedIndex, compareKeys, duplicateKeyError, idKeyOf, newTree, treeFromPairs, type IndexEntry } from './indexes';
import type { PlannableCollection } from './planner';
import { TextIndex, isTextIndexKey } from './text-search';
import { decodeFields, fieldNames } from './bson-fields';

export const ID_INDEX_SPEC: IndexSpec = { name: '_id_', key: { _id: 1 } };

/** As the store reads them: Long stays Long, so an int64 is never rewritten as a double. */
const READ_OPTIONS = { promoteLongs: false, promoteValues: true, promoteBuffers: false, bsonRegExp: false } as const;

export function decodeDocument(encoded: string): Document {
  return deserialize(Buffer.from(encoded, 'latin1'), READ_OPTIONS);
}

export function decodeBytes(bytes: Uint8Array): Document {
  return deserialize(bytes, READ_OPTIONS);
}

function encodeDocument(doc: Document): { bytes: Uint8Array; encoded: string } {
  const bytes = serialize(doc);
  return { bytes, encoded: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1') };
}

function bytesOf(encoded: string): Uint8Array {
  return Buffer.from(encoded, 'latin1');
}

/** A stored document with only the named top-level fields decoded (see bson-fields.ts). */
export function decodeEncodedFields(encoded: string, wanted: readonly Uint8Array[]): Document {
  return decodeFields(bytesOf(encoded), wanted);
}

export interface CollectionHooks {
  /** Records a change for the journal, with how to undo it; a no-op while loading. */
  emit(op: JournalOp, undo: () => void, idKey?: string): void;
}

export interface WriteOptions {
  /** Replay applies a state that was valid when written, so it must not fail on it. */
  enforceUnique?: boolean;
  /** The document being replaced, when the caller has it decoded already. */
  previous?: Document;
}

export class Collection implements PlannableCollection {
  readonly db: string;
  readonly name: string;
  readonly options: Document;
  private readonly hooks: CollectionHooks;
  docsTree: BTree<string, string> = newTree();
  /** While loading: documents collected in arrival order, built into the tree by endLoad(). */
  private loading: {
    keys: string[];
    values: string[];
    sorted: boolean;
    fields: Uint8Array[] | null;
    /** Indexes whose stored keys the snapshot announced: not computed from the documents. */
    stored: Set<string>;
    /** Stored keys that arrived and were usable. */
    loaded: Set<string>;
  } | null = null;
  private readonly indexes = new Map<string, OrderedIndex>();
  private textIndex: TextIndex | null = null;
  /** In a transaction's fork: the real collection's text index, searched but never changed here. */
  private sharedText: TextIndex | null = null;

  constructor(db: string, name: string, options: Document, hooks: CollectionHooks) {
    this.db = db;
    this.name = name;
    this.options = options;
    this.hooks = hooks;
  }

  get ns(): string {
    return `${this.db}.${this.name}`;
  }

  get size(): number {
    return this.docsTree.size;
  }

  orderedIndexes(): OrderedIndex[] {
    return [...this.indexes.values()];
  }

  getTextIndex(): TextIndex | null {
    return this.textIndex ?? this.sharedText;
  }

  getDoc(idKey: string): Document | undefined {
    const encoded = this.docsTree.get(idKey);
    return encoded === undefined ? undefined : decodeDocument(encoded);
  }

  getFields(idKey: string, wanted: readonly Uint8Array[]): Document | undefined {
    const encoded = this.docsTree.get(idKey);
    return encoded === undefined ? undefined : decodeEncodedFields(encoded, wanted);
  }

  has(idKey: string): boolean {
    return this.docsTree.has(idKey);
  }


  /**
   * A private copy for a transaction, in O(number of indexes): the trees are copy-on-write,
   * so neither side sees the other's later changes. Its writes report to `hooks`.
   */
  fork(hooks: CollectionHooks): Collection {
    const copy = new Collection(this.db, this.name, this.options, hooks);
    copy.docsTree = this.docsTree.clone();
    for (const [name, index] of this.indexes) copy.indexes.set(name, index.clone());
    // The text index is not versioned: $text in a transaction searches the committed one.
    copy.sharedText = this.getTextIndex();
    return copy;
  }

  indexSpecs(): IndexSpec[] {
    const specs = [ID_INDEX_SPEC, ...[...this.indexes.values()].map((i) => i.spec)];
    const text = this.getTextIndex();
    if (text) specs.push(text.spec);
    return specs;
  }

  /** Inserts a document that already has an `_id`; throws E11000 on any unique clash. */
  insert(doc: Document, opts: WriteOptions = {}): void {
    const idKey = validateId(doc._id);
    if (this.docsTree.has(idKey) && opts.enforceUnique !== false) {
      throw duplicateKeyError(this.ns, ID_INDEX_SPEC, ['_id'], [doc._id]);
    }
    this.store(idKey, doc, opts);
  }

  /** Replaces the document with this id by `doc` (same `_id`), re-checking unique indexes. */
  replace(idKey: string, doc: Document, opts: WriteOptions = {}): void {
    if (!this.docsTree.has(idKey)) throw new MongoError('InternalError', `no document with _id key ${idKey}`);
    this.store(idKey, doc, opts);
  }

  /** Insert or replace by `_id`: the journal's `put`. */
  put(doc: Document, opts: WriteOptions = {}): void {
    this.store(validateId(doc._id), doc, opts);
  }

  /**
   * Start-up: documents and index entries are collected, then each tree is built at once
   * (sorted, bulk-loaded) by endLoad(). Only for an empty collection being loaded.
   */
  beginLoad(keyedIndexes: string[] = []): void {
    if (this.docsTree.size > 0 || this.loading) return;
    const stored = new Set(keyedIndexes.filter((name) => this.indexes.has(name)));
    this.loading = { keys: [], values: [], sorted: true, fields: this.indexedFields(stored), stored, loaded: new Set() };
    for (const index of this.indexes.values()) if (!stored.has(index.spec.name)) index.beginBulk();
  }

  /** An index's stored entries, while loading. Unusable ones (another encoding, out of order) are rebuilt at endLoad(). */
  loadIndexKeys(name: string, info: Document, keys: string[]): void {
    const loading = this.loading;
    const index = this.indexes.get(name);
    if (!loading || !index || !loading.stored.has(name) || info.encoding !== KEY_ENCODING_VERSION) return;
    if (index.loadSortedKeys(keys, info.multikeyFields)) loading.loaded.add(name);
  }

  /** A snapshot document, while loading (no uniqueness check: the state was valid when written). */
  loadBytes(bytes: Uint8Array): void {
    const loading = this.loading;
    if (!loading) {
      this.putBytes(bytes);
      return;
    }
    const doc = loading.fields ? decodeFields(bytes, loading.fields) : decodeBytes(bytes);
    const idKey = validateId(doc._id);
    const encoded = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
    const last = loading.keys[loading.keys.length - 1];
    if (last !== undefined && compareKeys(last, idKey) >= 0) loading.sorted = false;
    loading.keys.push(idKey);
    loading.values.push(encoded);
    for (const index of this.indexes.values()) if (!loading.stored.has(index.spec.name)) index.add(idKey, index.entriesFor(doc));
    this.textIndex?.add(idKey, doc);
  }

  /** The top-level fields every index (and partial filter, and the text index) reads, or null for "all". */
  private indexedFields(stored: Set<string>): Uint8Array[] | null {
    const names = ['_id'];
    for (const index of this.indexes.values()) {
      if (stored.has(index.spec.name)) continue;
      for (const field of index.fields) names.push(field.split('.')[0] as string);
      const partial = index.spec.partialFilterExpression;
      if (partial) {
        const keys = Object.keys(partial);
        if (keys.some((k) => k.startsWith('$'))) return null;
        for (const k of keys) names.push(k.split('.')[0] as string);
      }
    }
    const text = this.textIndex;
    if (text) {
      // The language override field (at the top level) picks each document's stemmer.
      const textFields = [...Object.keys(text.spec.key), ...Object.keys(text.spec.weights ?? {}), text.languageOverride];
      if (textFields.some((f) => f.startsWith('$'))) return null;
      for (const f of textFields) names.push(f.split('.')[0] as string);
    }
    return fieldNames(names);
  }

  endLoad(): void {
    const loading = this.loading;
    if (!loading) return;
    this.loading = null;
    if (!loading.sorted) {
      // A snapshot is written in _id order; anything else is rebuilt the slow, safe way.
      const seen = new Map<string, string>();
      loading.keys.forEach((k, i) => seen.set(k, loading.values[i] as string));
      loading.keys = [...seen.keys()];
      loading.values = [...seen.values()];
    }
    this.docsTree = treeFromPairs(loading.keys, loading.values, loading.sorted);
    for (const index of this.indexes.values()) {
      if (!loading.stored.has(index.spec.name)) index.endBulk();
      else if (!loading.loaded.has(index.spec.name)) this.rebuildIndex(index);
    }
  }

  /** Recomputes an index from the documents (its stored keys were missing or unusable). */
  private rebuildIndex(index: OrderedIndex): void {
    index.multikeyFields = index.fields.map(() => false);
    index.tree = newTree<undefined>();
    index.beginBulk();
    for (const [idKey, encoded] of this.docsTree.entries()) index.add(idKey, index.entriesFor(decodeDocument(encoded)));
    index.endBulk();
  }

  /** A `put` from the store (load, replay): the BSON bytes are kept as they are. */
  putBytes(bytes: Uint8Array): void {
    const doc = decodeBytes(bytes);
    const idKey = validateId(doc._id);
    const encoded = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
    this.apply(idKey, encoded, doc, this.docsTree.get(idKey));
  }

  remove(idKey: string): boolean {
    const previous = this.docsTree.get(idKey);
    if (previous === undefined) return false;
    const doc = decodeDocument(previous);
    this.apply(idKey, undefined, undefined, previous, doc);
    this.hooks.emit({ op: 'del', db: this.db, coll: this.name, id: doc._id }, () => this.restore(idKey, previous), idKey);
    return true;
  }

  private store(idKey: string, doc: Document, opts: WriteOptions): void {
    const { bytes, encoded } = encodeDocument(doc);
    const previous = this.docsTree.get(idKey);
    const newEntries = new Map<string, IndexEntry[]>();
    for (const index of this.indexes.values()) {
      const entries = index.entriesFor(doc);
      if (opts.enforceUnique !== false) index.checkUnique(this.ns, entries, idKey);
      newEntries.set(index.spec.name, entries);
    }
    // A bad language field is refused (17261/17262) here too, in a transaction's fork as well;
    // the scores computed for that check are the ones the text index then stores.
    const textScores = this.getTextIndex()?.termScores(doc);
    // Checks are done before any change, so a rejected write leaves the collection untouched.
    const previousDoc = previous === undefined ? undefined : (opts.previous ?? decodeDocument(previous));
    this.apply(idKey, encoded, doc, previous, previousDoc, newEntries, textScores);
    this.hooks.emit({ op: 'put', db: this.db, coll: this.name, doc: bytes }, () => this.restore(idKey, previous), idKey);
  }

  /** Puts back what a key held before a change (undefined: nothing), without journaling. */
  private restore(idKey: string, previous: string | undefined): void {
    const current = this.docsTree.get(idKey);
    this.apply(idKey, previous, previous === undefined ? undefined : decodeDocument(previous), current);
  }

  /** The one place that changes the trees: swaps what `idKey` holds and fixes every index. */
  private apply(
    idKey: string,
    encoded: string | undefined,
    doc: Document | undefined,
    previous: string | undefined,
    previousDoc?: Document,
    newEntries?: Map<string, IndexEntry[]>,
    textScores?: Map<string, number>,
  ): void {
    if (previous !== undefined) {
      const old = previousDoc ?? decodeDocument(previous);
      for (const index of this.indexes.values()) index.remove(idKey, index.entriesFor(old));
      this.textIndex?.remove(idKey);
    }
    if (encoded === undefined || doc === undefined) {
      this.docsTree.delete(idKey);
      return;
    }
    this.docsTree.set(idKey, encoded);
    for (const index of this.indexes.values()) index.add(idKey, newEntries?.get(index.spec.name) ?? index.entriesFor(doc));
    this.textIndex?.add(idKey, doc, textScores);
  }

  /**
   * Creates an index. Returns false when an identical index already exists (MongoDB treats
   * that as success). Building checks uniqueness over existing documents before committing.
   */
  createIndex(spec: IndexSpec, opts: WriteOptions = {}): boolean {
    validateIndexSpec(spec);
    const existing = this.indexSpecs().find((s) => s.name === spec.name);
    const sameKey = this.indexSpecs().find((s) => canonicalKey(s.key) === canonicalKey(spec.key));
    if (existing) {
      if (canonicalKey(existing.key) !== canonicalKey(spec.key)) {
        throw new MongoError(
          'IndexKeySpecsConflict',
          `An existing index has the same name as the requested index. Requested index: ${JSON.stringify(spec)}, existing index: ${JSON.stringify(existing)}`,
        );
      }
      if (!sameOptions(existing, spec)) {
        throw new MongoError(
          'IndexOptionsConflict',
          `An equivalent index already exists with the same name but different options. Requested index: ${JSON.stringify(spec)}, existing index: ${JSON.stringify(existing)}`,
        );
      }
      return false;
    }
    if (sameKey) {
      throw new MongoError('IndexOptionsConflict', `Index already exists with a different name: ${sameKey.name}`);
    }
    if (isTextIndexKey(spec.key)) {
      if (this.textIndex) {
        throw new MongoError(
          'IndexOptionsConflict',
          `An equivalent index already exists with a different name and options. Only one text index per collection is allowed; existing: ${this.textIndex.spec.name}`,
        );
      }
      const text = new TextIndex(spec);
      for (const [idKey, encoded] of this.docsTree.entries()) text.add(idKey, decodeDocument(encoded));
      this.textIndex = text;
      this.hooks.emit({ op: 'createIndex', db: this.db, coll: this.name, spec }, () => {
        this.textIndex = null;
      });
      return true;
    }
    const index = new OrderedIndex(spec);
    for (const [idKey, encoded] of this.docsTree.entries()) {
      const entries = index.entriesFor(decodeDocument(encoded));
      if (opts.enforceUnique !== false) index.checkUnique(this.ns, entries, idKey);
      index.add(idKey, entries);
    }
    this.indexes.set(spec.name, index);
    this.hooks.emit({ op: 'createIndex', db: this.db, coll: this.name, spec }, () => {
      this.indexes.delete(spec.name);
    });
    return true;
  }

  dropIndex(name: string): void {
    if (name === '_id_') throw new MongoError('InvalidOptions', 'cannot drop _id index');
    const text = this.textIndex;
    const index = this.indexes.get(name);
    if (text?.spec.name === name) {
      this.textIndex = null;
      this.hooks.emit({ op: 'dropIndex', db: this.db, coll: this.name, name }, () => {
        this.textIndex = text;
      });
    } else if (index) {
      this.indexes.delete(name);
      this.hooks.emit({ op: 'dropIndex', db: this.db, coll: this.name, name }, () => {
        this.indexes.set(name, index);
      });
    } else {
      throw new MongoError('IndexNotFound', `index not found with name [${name}]`);
    }
  }

  findIndexNameByKey(key: Document): string | undefined {
    return this.indexSpecs().find((s) => canonicalKey(s.key) === canonicalKey(key))?.name;
  }

  /** The collection for a snapshot: its documents as an immutable view, iterated later. */
  snapshot(): CollectionSnapshot {
    const docs = this.docsTree.clone();
    const indexKeys: IndexKeysSnapshot[] = this.orderedIndexes().map((index) => {
      const tree = index.tree.clone();
      return {
        name: index.spec.name,
        info: { encoding: KEY_ENCODING_VERSION, multikeyFields: [...index.multikeyFields] },
        count: tree.size,
        keys: () => tree.keys(),
      };
    });
    return {
      indexKeys,
      db: this.db,
      coll: this.name,
      options: this.options,
      indexes: this.indexSpecs().filter((s) => s.name !== '_id_'),
      count: docs.size,
      docs: function* docsOf() {
        for (const encoded of docs.values()) yield bytesOf(encoded);
      },
    };
  }
}

function validateId(id: unknown): string {
  if (Array.isArray(id)) throw new MongoError('BadValue', "can't use an array for _id");
  if (id === undefined) throw new MongoError('InternalError', 'document has no _id');
  if (isPlainObject(id) && Object.keys(id).some((k) => k.startsWith('$'))) {
    throw new MongoError('BadValue', `_id fields may not contain '$'-prefixed fields`);
  }
  if (id instanceof RegExp) throw new MongoError('BadValue', "can't use a regex for _id");
  return idKeyOf(id);
}

function validateIndexSpec(spec: IndexSpec): void {
  if (typeof spec.name !== 'string' || spec.name.length === 0) {
    throw new MongoError('BadValue', 'index name must be a non-empty string');
  }
  if (!isPlainObject(spec.key) || Object.keys(spec.key).length === 0) {
    throw new MongoError('BadValue', 'index key pattern must be a non-empty object');
  }
  for (const [field, dir] of Object.entries(spec.key)) {
    if (dir !== 1 && dir !== -1 && dir !== 'text') {
      throw new MongoError('CannotCreateIndex', `Unsupported index type ${JSON.stringify(dir)} on field ${field}`);
    }
  }
}

function sameOptions(a: IndexSpec, b: IndexSpec): boolean {
  const pick = (s: IndexSpec): string =>
    canonicalKey([s.unique === true, s.sparse === true, s.partialFilterExpression ?? null, s.expireAfterSeconds ?? null]);
  return pick(a) === pick(b);
}

export function generateId(): ObjectId {
  return new ObjectId();
}
