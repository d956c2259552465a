/**
 * The in-memory database engine: databases → collections, the write collector that turns
 * each command's changes into one journal batch, replay from persistence, snapshots and
 * the TTL sweep. It knows nothing about sockets or wire messages.
 */
import type { Document } from 'bson';
import type { JournalBatch, JournalOp, LoadedState, Snapshot } from '../persistence.types';
import { MongoError } from '../errors';
import { Collection } from './collection';
import { CursorRegistry } from './cursors';
import { idKeyOf } from './indexes';
import type { EngineCounters } from './query-executor';

export interface WriteOutcome<T> {
  result?: T;
  error?: Error;
  /** Everything the write changed, even when it failed part-way (ordered inserts). */
  batch: JournalBatch;
}

const INVALID_DB_CHARS = /[/\\. "$\0]/;

export class Engine {
  private readonly dbs = new Map<string, Map<string, Collection>>();
  private collector: JournalOp[] | null = null;
  readonly counters: EngineCounters = { docsExamined: 0 };
  readonly cursors = new CursorRegistry();

  private readonly hooks = {
    emit: (op: JournalOp): void => {
      this.collector?.push(op);
    },
  };

  /**
   * Runs a synchronous write and returns the journal batch it produced. Because the
   * function is synchronous, no other command can interleave its ops into this batch.
   */
  write<T>(fn: () => T): WriteOutcome<T> {
    if (this.collector !== null) throw new MongoError('InternalError', 'nested engine.write');
    const batch: JournalOp[] = [];
    this.collector = batch;
    try {
      return { result: fn(), batch };
    } catch (error) {
      return { error: error instanceof Error ? error : new Error(String(error)), batch };
    } finally {
      this.collector = null;
    }
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
    this.hooks.emit({ op: 'createCollection', db, coll: name, options });
    return coll;
  }

  dropCollection(db: string, name: string): boolean {
    const collections = this.dbs.get(db);
    if (!collections?.delete(name)) return false;
    if (collections.size === 0) this.dbs.delete(db);
    this.hooks.emit({ op: 'dropCollection', db, coll: name });
    return true;
  }

  dropDatabase(db: string): boolean {
    const existed = this.dbs.delete(db);
    if (existed) this.hooks.emit({ op: 'dropDatabase', db });
    return existed;
  }

  databaseNames(): string[] {
    return [...this.dbs.keys()];
  }

  collections(db: string): Collection[] {
    return [...(this.dbs.get(db)?.values() ?? [])];
  }

  /**
   * Applies one journal op. Replay is idempotent (a put over an existing id replaces it, a
   * del of a missing id is a no-op) because a snapshot may already contain a batch that is
   * also in the journal. Uniqueness is not re-checked: the state was valid when written.
   */
  applyOp(op: JournalOp): void {
    switch (op.op) {
      case 'put':
        this.ensureCollection(op.db, op.coll).put(op.doc, { enforceUnique: false });
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

  /** Rebuilds state from what persistence loaded: the snapshot, then every batch in order. */
  loadState(state: LoadedState): void {
    for (const c of state.snapshot?.collections ?? []) {
      const coll = this.getCollection(c.db, c.coll) ?? this.createCollection(c.db, c.coll, c.options);
      for (const spec of c.indexes) {
        if (!coll.indexSpecs().some((s) => s.name === spec.name)) coll.createIndex(spec, { enforceUnique: false });
      }
      for (const doc of c.docs) coll.put(doc, { enforceUnique: false });
    }
    for (const batch of state.batches) for (const op of batch) this.applyOp(op);
  }

  takeSnapshot(): Snapshot {
    const collections = [];
    for (const db of this.dbs.values()) for (const coll of db.values()) collections.push(coll.snapshot());
    return { collections };
  }

  /**
   * Deletes documents whose TTL has passed, like MongoDB's TTL monitor (which runs every
   * 60 s, so expiry is never instant there either). Returns the batch to persist.
   */
  sweepExpired(now: Date = new Date()): JournalBatch {
    const outcome = this.write(() => {
      for (const db of this.dbs.values()) {
        for (const coll of db.values()) {
          for (const spec of coll.indexSpecs()) {
            if (spec.expireAfterSeconds === undefined) continue;
            const field = Object.keys(spec.key)[0];
            if (field === undefined || Object.keys(spec.key).length !== 1) continue;
            const expired: string[] = [];
            for (const doc of coll.allDocuments()) {
              if (isExpired(doc[field], spec.expireAfterSeconds, now)) expired.push(idKeyOf(doc._id));
            }
            for (const id of expired) coll.remove(id);
          }
        }
      }
    });
    if (outcome.error) throw outcome.error;
    return outcome.batch;
  }
}

function isExpired(value: unknown, expireAfterSeconds: number, now: Date): boolean {
  const dates = (Array.isArray(value) ? value : [value]).filter((v): v is Date => v instanceof Date);
  if (dates.length === 0) return false;
  const earliest = Math.min(...dates.map((d) => d.getTime()));
  return earliest + expireAfterSeconds * 1000 <= now.getTime();
}

function validateNamespace(db: string, name: string): void {
  if (db.length === 0 || INVALID_DB_CHARS.test(db)) throw new MongoError('InvalidNamespace', `Invalid database name: '${db}'`);
  if (typeof name !== 'string' || name.length === 0 || name.includes('$') || name.includes('\0')) {
    throw new MongoError('InvalidNamespace', `Invalid collection name: ${String(name)}`);
  }
}
