/**
 * The in-memory database engine: databases → collections, the write collector that turns
 * each command's changes into one journal batch (with the undo log that can take them back),
 * loading from persistence, snapshots, transactions and the TTL sweep. It knows nothing
 * about sockets or wire messages.
 */
import type { Document } from 'bson';
import type { CollectionMeta, JournalBatch, JournalOp, LoadSink, Snapshot } from '../persistence.types';
import { MongoError } from '../errors';
import { Collection } from './collection';
import { CursorRegistry } from './cursors';
import { idKeyOf } from './indexes';
import { matchDocuments, type EngineCounters } from './query-executor';
import { TransactionWorkspace, type CollectionStore } from './transactions';

export interface WriteOutcome<T> {
  result?: T;
  error?: Error;
  /** Everything the write changed, even when it failed part-way (ordered inserts). */
  batch: JournalBatch;
  /** Closures that undo the batch's changes, in the order they were made. */
  undo: (() => void)[];
}

const INVALID_DB_CHARS = /[/\\. "$\0]/;

export class Engine implements CollectionStore {
  private readonly dbs = new Map<string, Map<string, Collection>>();
  private collector: { ops: JournalOp[]; undo: (() => void)[] } | null = null;
  readonly counters: EngineCounters = { docsExamined: 0, keysExamined: 0, writes: 0 };
  readonly cursors = new CursorRegistry();
  private readonly activeTransactions = new Set<TransactionWorkspace>();
  /** The transaction being committed: its own writes are not conflicts for itself. */
  private committing: TransactionWorkspace | null = null;

  private readonly hooks = {
    emit: (op: JournalOp, undo: () => void, idKey?: string): void => {
      if (this.collector === null) return;
      this.counters.writes += 1;
      this.collector.ops.push(op);
      this.collector.undo.push(undo);
      if (idKey !== undefined && 'coll' in op && this.activeTransactions.size > 0) {
        for (const txn of this.activeTransactions) {
          if (txn !== this.committing) txn.noteCommittedWrite(`${op.db}.${op.coll}`, idKey);
        }
      }
    },
  };

  /**
   * Runs a synchronous write and returns the journal batch it produced. Because the
   * function is synchronous, no other command can interleave its ops into this batch.
   */
  write<T>(fn: () => T): WriteOutcome<T> {
    if (this.collector !== null) throw new MongoError('InternalError', 'nested engine.write');
    const collector = { ops: [] as JournalOp[], undo: [] as (() => void)[] };
    this.collector = collector;
    try {
      return { result: fn(), batch: collector.ops, undo: collector.undo };
    } catch (error) {
      return { error: error instanceof Error ? error : new Error(String(error)), batch: collector.ops, undo: collector.undo };
    } finally {
      this.collector = null;
    }
  }

  /** Takes back everything a write changed, newest change first. */
  rollback(outcome: Pick<WriteOutcome<unknown>, 'undo'>): void {
    for (let i = outcome.undo.length - 1; i >= 0; i--) (outcome.undo[i] as () => void)();
    outcome.undo.length = 0;
  }

  getCollection(db: string, name: string): Collection | undefined {
    return this.dbs.get(db)?.get(name);
  }

  /** Returns the collection, creating it implicitly as MongoDB does on first write. */
  ensureCollection(db: string, name: string): Collection {
    return this.getCollection(db, name) ?? this.createCollection(db, name, {});
  }

  createCollection(db: string, name: string, options: Document): Collection {
    validateNamespace(db, name);
    if (this.getCollection(db, name)) throw new MongoError('NamespaceExists', `Collection ${db}.${name} already exists.`);
    let collections = this.dbs.get(db);
    if (!collections) {
      collections = new Map();
      this.dbs.set(db, collections);
    }
    const coll = new Collection(db, name, options, this.hooks);
    collections.set(name, coll);
    this.hooks.emit({ op: 'createCollection', db, coll: name, options }, () => {
      this.detachCollection(db, name);
    });
    return coll;
  }

  private detachCollection(db: string, name: string): void {
    const collections = this.dbs.get(db);
    collections?.delete(name);
    if (collections?.size === 0) this.dbs.delete(db);
  }

  private attachCollection(coll: Collection): void {
    let collections = this.dbs.get(coll.db);
    if (!collections) {
      collections = new Map();
      this.dbs.set(coll.db, collections);
    }
    collections.set(coll.name, coll);
  }

  dropCollection(db: string, name: string): boolean {
    const coll = this.getCollection(db, name);
    if (!coll) return false;
    this.detachCollection(db, name);
    this.hooks.emit({ op: 'dropCollection', db, coll: name }, () => this.attachCollection(coll));
    return true;
  }

  dropDatabase(db: string): boolean {
    const collections = this.dbs.get(db);
    if (!collections) return false;
    this.dbs.delete(db);
    this.hooks.emit({ op: 'dropDatabase', db }, () => this.dbs.set(db, collections));
    return true;
  }

  databaseNames(): string[] {
    return [...this.dbs.keys()];
  }

  collections(db: string): Collection[] {
    return [...(this.dbs.get(db)?.values() ?? [])];
  }

  private allCollections(): Collection[] {
    return [...this.dbs.values()].flatMap((c) => [...c.values()]);
  }

  /**
   * Applies one journal op. Replay is idempotent (a put over an existing id replaces it, a
   * del of a missing id is a no-op) because a snapshot may already contain a batch that is
   * also in the journal. Uniqueness is not re-checked: the state was valid when written.
   */
  applyOp(op: JournalOp): void {
    switch (op.op) {
      case 'put':
        this.ensureCollection(op.db, op.coll).putBytes(op.doc);
        return;
      case 'del':
        this.getCollection(op.db, op.coll)?.remove(idKeyOf(op.id));
        return;
      case 'createCollection':
        if (!this.getCollection(op.db, op.coll)) this.createCollection(op.db, op.coll, op.options);
        return;
      case 'dropCollection':
        this.dropCollection(op.db, op.coll);
        return;
      case 'createIndex': {
        const coll = this.ensureCollection(op.db, op.coll);
        if (!coll.indexSpecs().some((s) => s.name === op.spec.name)) coll.createIndex(op.spec, { enforceUnique: false });
        return;
      }
      case 'dropIndex': {
        const coll = this.getCollection(op.db, op.coll);
        if (coll?.indexSpecs().some((s) => s.name === op.name)) coll.dropIndex(op.name);
        return;
      }
      case 'dropDatabase':
        this.dropDatabase(op.db);
        return;
      default: {
        const unknown: never = op;
        throw new MongoError('InternalError', `unknown journal op ${JSON.stringify(unknown)}`);
      }
    }
  }

  /**
   * Where persistence streams what it loads. Indexes are declared before the documents
   * arrive; each collection's trees are built in bulk once its documents are in, before any
   * journal batch is replayed. Call `finish()` once `load()` has resolved.
   */
  loader(): LoadSink & { finish(): void } {
    let current: Collection | null = null;
    const finishCollection = (): void => {
      current?.endLoad();
      current = null;
    };
    return {
      collection: (meta: CollectionMeta) => {
        finishCollection();
        const coll = this.getCollection(meta.db, meta.coll) ?? this.createCollection(meta.db, meta.coll, meta.options);
        for (const spec of meta.indexes) {
          if (!coll.indexSpecs().some((s) => s.name === spec.name)) coll.createIndex(spec, { enforceUnique: false });
        }
        coll.beginLoad(meta.keyedIndexes);
        current = coll;
      },
      indexKeys: (name: string, info: Document, keys: string[]) => {
        current?.loadIndexKeys(name, info, keys);
      },
      document: (bson: Uint8Array) => {
        if (current === null) throw new MongoError('InternalError', 'a document arrived before its collection');
        // The store may reuse its buffer: the collection copies the bytes into the string it
        // keeps, and keeps nothing of the decoded document (only index keys, built from copies).
        current.loadBytes(bson);
      },
      batch: (batch: JournalBatch) => {
        finishCollection();
        for (const op of batch) this.applyOp(op);
      },
      finish: finishCollection,
    };
  }

  /** Immutable views of every collection, taken now in O(number of collections). */
  takeSnapshot(): Snapshot {
    return { collections: this.allCollections().map((c) => c.snapshot()) };
  }

  /** A transaction's private, copy-on-write fork of every collection as it is now. */
  beginTransaction(): TransactionWorkspace {
    const txn = new TransactionWorkspace(this.allCollections(), this.counters);
    txn.attach(this);
    this.activeTransactions.add(txn);
    return txn;
  }

  /** Ends a transaction without applying it (abort, timeout, error). */
  discardTransaction(txn: TransactionWorkspace): void {
    this.activeTransactions.delete(txn);
  }

  /**
   * Applies a transaction's writes to the real collections as one batch, all or nothing.
   * A document another writer changed since the transaction read it is a WriteConflict.
   */
  commitTransaction(txn: TransactionWorkspace): WriteOutcome<void> {
    this.activeTransactions.delete(txn);
    txn.assertNoConflict();
    this.committing = txn;
    try {
      const outcome = this.write(() => txn.applyTo(this));
      if (outcome.error !== undefined) {
        this.rollback(outcome);
        throw outcome.error;
      }
      return outcome;
    } finally {
      this.committing = null;
    }
  }

  get transactionsInProgress(): number {
    return this.activeTransactions.size;
  }

  /** True when another transaction in progress has written this document. */
  writtenByOtherTransaction(self: TransactionWorkspace, ns: string, idKey: string): boolean {
    for (const txn of this.activeTransactions) if (txn !== self && txn.hasWritten(ns, idKey)) return true;
    return false;
  }

  /**
   * Deletes documents whose TTL has passed, like MongoDB's TTL monitor (which runs every
   * 60 s, so expiry is never instant there either). Returns the outcome to persist.
   */
  sweepExpired(now: Date = new Date()): WriteOutcome<void> {
    const outcome = this.write(() => {
      for (const coll of this.allCollections()) {
        for (const spec of coll.indexSpecs()) {
          if (spec.expireAfterSeconds === undefined) continue;
          const field = Object.keys(spec.key)[0];
          if (field === undefined || Object.keys(spec.key).length !== 1) continue;
          // The TTL index itself finds the candidates: everything dated before the cutoff.
          const cutoff = new Date(now.getTime() - spec.expireAfterSeconds * 1000);
          const candidates = matchDocuments(coll, { [field]: { $lte: cutoff } }, this.counters).docs;
          const expired: string[] = [];
          for (const doc of candidates) {
            if (isExpired(doc[field], spec.expireAfterSeconds, now)) expired.push(idKeyOf(doc._id));
          }
          for (const id of expired) coll.remove(id);
        }
      }
    });
    if (outcome.error) {
      this.rollback(outcome);
      throw outcome.error;
    }
    return outcome;
  }
}

function isExpired(value: unknown, expireAfterSeconds: number, now: Date): boolean {
  const dates = (Array.isArray(value) ? value : [value]).filter((v): v is Date => v instanceof Date);
  if (dates.length === 0) return false;
  const earliest = Math.min(...dates.map((d) => d.getTime()));
  return earliest + expireAfterSeconds * 1000 <= now.getTime();
}

export function validateNamespace(db: string, name: string): void {
  if (db.length === 0 || INVALID_DB_CHARS.test(db)) throw new MongoError('InvalidNamespace', `Invalid database name: '${db}'`);
  if (typeof name !== 'string' || name.length === 0 || name.includes('$') || name.includes('\0')) {
    throw new MongoError('InvalidNamespace', `Invalid collection name: ${String(name)}`);
  }
}
