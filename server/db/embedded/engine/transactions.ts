/**
 * Multi-document transactions. A transaction works on a private fork of every collection,
 * taken when it starts (copy-on-write B+ trees, so the fork costs O(collections × indexes)
 * and later writes copy only the nodes they touch). That gives it what MongoDB gives:
 * - snapshot reads: it sees the data as of its start, plus its own writes;
 * - its writes are invisible to everyone else until commit;
 * - commit applies its final state of every document it wrote to the real collections as
 *   one journal batch (all or nothing, uniqueness re-checked, rolled back on any failure);
 * - abort, or a timeout, just drops the fork.
 * Conflicts are first-writer-wins, as in MongoDB: writing a document that another
 * transaction has written, or that was changed by a committed write since this one started,
 * is a WriteConflict (labelled TransientTransactionError, so drivers retry the transaction).
 */
import { MongoError } from '../errors';
import { Collection, decodeDocument, type CollectionHooks } from './collection';
import type { EngineCounters } from './query-executor';

/** Where write operations find collections: the engine itself, or a transaction's fork. */
export interface CollectionStore {
  getCollection(db: string, name: string): Collection | undefined;
  ensureCollection(db: string, name: string): Collection;
  readonly counters: EngineCounters;
}

interface Touched {
  db: string;
  coll: string;
  /** `_id` keys written, in first-write order. */
  keys: Set<string>;
}

export interface TransactionEngine {
  ensureCollection(db: string, name: string): Collection;
  writtenByOtherTransaction(self: TransactionWorkspace, ns: string, idKey: string): boolean;
}

export class TransactionWorkspace implements CollectionStore {
  readonly startedAt = Date.now();
  private readonly forks = new Map<string, Collection>();
  private readonly touched = new Map<string, Touched>();
  /** `ns \0 idKey` of documents changed by committed writes since this transaction started. */
  private readonly changedByOthers = new Set<string>();
  private engine: TransactionEngine | null = null;

  constructor(
    collections: Collection[],
    readonly counters: EngineCounters,
  ) {
    for (const coll of collections) this.forks.set(coll.ns, coll.fork(this.hooksFor(coll.db, coll.name)));
  }

  /** The engine that checks conflicts with other transactions; set when the first write happens. */
  attach(engine: TransactionEngine): void {
    this.engine = engine;
  }

  private hooksFor(db: string, coll: string): CollectionHooks {
    return {
      emit: (op, _undo, idKey) => {
        if (op.op !== 'put' && op.op !== 'del') {
          throw new MongoError('OperationNotSupportedInTransaction', `Cannot run '${op.op}' in a multi-document transaction.`);
        }
        if (idKey === undefined) return;
        const ns = `${db}.${coll}`;
        if (this.changedByOthers.has(`${ns}\0${idKey}`) || this.engine?.writtenByOtherTransaction(this, ns, idKey) === true) {
          throw writeConflict();
        }
        let entry = this.touched.get(ns);
        if (!entry) {
          entry = { db, coll, keys: new Set() };
          this.touched.set(ns, entry);
        }
        entry.keys.add(idKey);
      },
    };
  }

  getCollection(db: string, name: string): Collection | undefined {
    return this.forks.get(`${db}.${name}`);
  }

  /** A collection created inside the transaction exists only in the fork until commit. */
  ensureCollection(db: string, name: string): Collection {
    const ns = `${db}.${name}`;
    let fork = this.forks.get(ns);
    if (!fork) {
      fork = new Collection(db, name, {}, this.hooksFor(db, name));
      this.forks.set(ns, fork);
    }
    return fork;
  }

  /** Called by the engine for every committed write while this transaction is open. */
  noteCommittedWrite(ns: string, idKey: string): void {
    this.changedByOthers.add(`${ns}\0${idKey}`);
  }

  hasWritten(ns: string, idKey: string): boolean {
    return this.touched.get(ns)?.keys.has(idKey) === true;
  }

  get writeCount(): number {
    let n = 0;
    for (const t of this.touched.values()) n += t.keys.size;
    return n;
  }

  /** A committed write reached a document this transaction wrote after it did: its snapshot is stale. */
  assertNoConflict(): void {
    for (const [ns, t] of this.touched) {
      for (const key of t.keys) if (this.changedByOthers.has(`${ns}\0${key}`)) throw writeConflict();
    }
  }

  /** Runs inside the engine's write collector: removals first, then every written document's final state. */
  applyTo(engine: TransactionEngine): void {
    for (const t of this.touched.values()) {
      const fork = this.forks.get(`${t.db}.${t.coll}`) as Collection;
      const real = engine.ensureCollection(t.db, t.coll);
      for (const key of t.keys) if (!fork.has(key)) real.remove(key);
    }
    for (const t of this.touched.values()) {
      const fork = this.forks.get(`${t.db}.${t.coll}`) as Collection;
      const real = engine.ensureCollection(t.db, t.coll);
      for (const key of t.keys) {
        const encoded = fork.docsTree.get(key);
        if (encoded !== undefined) real.put(decodeDocument(encoded));
      }
    }
  }
}

export function writeConflict(): MongoError {
  return new MongoError(
    'WriteConflict',
    'Write conflict during plan execution and yielding is disabled. :: Please retry your operation or multi-document transaction.',
    { errorLabels: ['TransientTransactionError'] },
  );
}
