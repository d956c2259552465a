/**
 * One collection: documents keyed by canonical `_id`, its secondary indexes and its
 * optional text index. Every mutation goes through here so indexes never drift from the
 * documents, and every mutation reports a JournalOp so it can be made durable.
 *
 * Stored documents are never mutated in place: an update builds a new object and swaps it
 * in. Cursors and journal batches can therefore hold references without copying.
 */
import { ObjectId, type Document } from 'bson';
import type { CollectionSnapshot, IndexSpec, JournalOp } from '../persistence.types';
import { MongoError } from '../errors';
import { canonicalKey, isPlainObject } from './document-utils';
import { SecondaryIndex, duplicateKeyError, idKeyOf, type IndexEntry } from './indexes';
import { TextIndex, isTextIndexKey } from './text-search';

export const ID_INDEX_SPEC: IndexSpec = { name: '_id_', key: { _id: 1 } };

export interface CollectionHooks {
  /** Records a change for the journal; a no-op while replaying. */
  emit(op: JournalOp): void;
}

export interface WriteOptions {
  /** Replay applies a state that was valid when written, so it must not fail on it. */
  enforceUnique?: boolean;
}

export class Collection {
  readonly db: string;
  readonly name: string;
  readonly options: Document;
  private readonly hooks: CollectionHooks;
  private readonly docs = new Map<string, Document>();
  private readonly indexes = new Map<string, SecondaryIndex>();
  private textIndex: TextIndex | null = null;
  /** Index entries per document, so removal does not recompute from a changed doc. */
  private readonly entriesByDoc = new Map<string, Map<string, IndexEntry[]>>();

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
    return this.docs.size;
  }

  allDocuments(): IterableIterator<Document> {
    return this.docs.values();
  }

  getById(idKey: string): Document | undefined {
    return this.docs.get(idKey);
  }

  indexSpecs(): IndexSpec[] {
    const specs = [ID_INDEX_SPEC, ...[...this.indexes.values()].map((i) => i.spec)];
    if (this.textIndex) specs.push(this.textIndex.spec);
    return specs;
  }

  secondaryIndexes(): SecondaryIndex[] {
    return [...this.indexes.values()];
  }

  getTextIndex(): TextIndex | null {
    return this.textIndex;
  }

  /** Inserts a document that already has an `_id`; throws E11000 on any unique clash. */
  insert(doc: Document, opts: WriteOptions = {}): void {
    const idKey = validateId(doc._id);
    if (this.docs.has(idKey) && opts.enforceUnique !== false) {
      throw duplicateKeyError(this.ns, ID_INDEX_SPEC, ['_id'], [doc._id]);
    }
    this.store(idKey, doc, opts);
  }

  /** Replaces the document with this id by `doc` (same `_id`), re-checking unique indexes. */
  replace(idKey: string, doc: Document, opts: WriteOptions = {}): void {
    if (!this.docs.has(idKey)) throw new MongoError('InternalError', `no document with _id key ${idKey}`);
    this.store(idKey, doc, opts);
  }

  /** Insert or replace by `_id`: the journal's `put`. */
  put(doc: Document, opts: WriteOptions = {}): void {
    this.store(validateId(doc._id), doc, opts);
  }

  remove(idKey: string): boolean {
    const doc = this.docs.get(idKey);
    if (!doc) return false;
    this.unindex(idKey);
    this.docs.delete(idKey);
    this.hooks.emit({ op: 'del', db: this.db, coll: this.name, id: doc._id });
    return true;
  }

  private store(idKey: string, doc: Document, opts: WriteOptions): void {
    const newEntries = new Map<string, IndexEntry[]>();
    for (const index of this.indexes.values()) {
      const entries = index.entriesFor(doc);
      if (opts.enforceUnique !== false) index.checkUnique(this.ns, entries, idKey);
      newEntries.set(index.spec.name, entries);
    }
    // Checks are done before any change, so a rejected write leaves the collection untouched.
    if (this.docs.has(idKey)) this.unindex(idKey);
    this.docs.set(idKey, doc);
    for (const index of this.indexes.values()) index.add(idKey, newEntries.get(index.spec.name) ?? []);
    this.entriesByDoc.set(idKey, newEntries);
    this.textIndex?.add(idKey, doc);
    this.hooks.emit({ op: 'put', db: this.db, coll: this.name, doc });
  }

  private unindex(idKey: string): void {
    const entries = this.entriesByDoc.get(idKey);
    if (entries) {
      for (const index of this.indexes.values()) index.remove(idKey, entries.get(index.spec.name) ?? []);
    }
    this.entriesByDoc.delete(idKey);
    this.textIndex?.remove(idKey);
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
      throw new MongoError(
        'IndexOptionsConflict',
        `Index already exists with a different name: ${sameKey.name}`,
      );
    }
    if (isTextIndexKey(spec.key)) {
      if (this.textIndex) {
        throw new MongoError(
          'IndexOptionsConflict',
          `An equivalent index already exists with a different name and options. Only one text index per collection is allowed; existing: ${this.textIndex.spec.name}`,
        );
      }
      const text = new TextIndex(spec);
      for (const [idKey, doc] of this.docs) text.add(idKey, doc);
      this.textIndex = text;
    } else {
      const index = new SecondaryIndex(spec);
      const built = new Map<string, IndexEntry[]>();
      for (const [idKey, doc] of this.docs) {
        const entries = index.entriesFor(doc);
        if (opts.enforceUnique !== false) index.checkUnique(this.ns, entries, idKey);
        index.add(idKey, entries);
        built.set(idKey, entries);
      }
      this.indexes.set(spec.name, index);
      for (const [idKey, entries] of built) this.entriesByDoc.get(idKey)?.set(spec.name, entries);
    }
    this.hooks.emit({ op: 'createIndex', db: this.db, coll: this.name, spec });
    return true;
  }

  dropIndex(name: string): void {
    if (name === '_id_') throw new MongoError('InvalidOptions', 'cannot drop _id index');
    if (this.textIndex?.spec.name === name) {
      this.textIndex = null;
    } else if (this.indexes.has(name)) {
      this.indexes.delete(name);
      for (const entries of this.entriesByDoc.values()) entries.delete(name);
    } else {
      throw new MongoError('IndexNotFound', `index not found with name [${name}]`);
    }
    this.hooks.emit({ op: 'dropIndex', db: this.db, coll: this.name, name });
  }

  findIndexNameByKey(key: Document): string | undefined {
    return this.indexSpecs().find((s) => canonicalKey(s.key) === canonicalKey(key))?.name;
  }

  snapshot(): CollectionSnapshot {
    return {
      db: this.db,
      coll: this.name,
      options: this.options,
      indexes: this.indexSpecs().filter((s) => s.name !== '_id_'),
      docs: [...this.docs.values()],
    };
  }
}

function validateId(id: unknown): string {
  if (Array.isArray(id)) throw new MongoError('BadValue', "can't use an array for _id");
  if (id === undefined) throw new MongoError('InternalError', 'document has no _id');
  if (isPlainObject(id) && Object.keys(id).some((k) => k.startsWith('$'))) {
    throw new MongoError('BadValue', `_id fields may not contain '$'-prefixed fields`);
  }
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
    canonicalKey([
      s.unique === true,
      s.sparse === true,
      s.partialFilterExpression ?? null,
      s.expireAfterSeconds ?? null,
    ]);
  return pick(a) === pick(b);
}

export function generateId(): ObjectId {
  return new ObjectId();
}
