/**
 * The contract between the embedded server's in-memory engine and its on-disk store.
 *
 * The engine applies a write in memory, turns it into one JournalBatch (everything one
 * acknowledged write changed), and replies to the client only once `append` has resolved,
 * which is after the batch is fsynced. Replaying every batch in order onto the last
 * snapshot rebuilds exactly the acknowledged state.
 */
import type { Document } from 'bson';

export interface IndexSpec {
  name: string;
  key: Record<string, 1 | -1 | 'text'>;
  unique?: boolean;
  sparse?: boolean;
  /** Present for text indexes: field name -> weight. */
  weights?: Record<string, number>;
  default_language?: string;
  language_override?: string;
  expireAfterSeconds?: number;
  partialFilterExpression?: Document;
}

export type JournalOp =
  /** Insert, or replace whole, the document with this `_id`. */
  | { op: 'put'; db: string; coll: string; doc: Document }
  | { op: 'del'; db: string; coll: string; id: unknown }
  | { op: 'createCollection'; db: string; coll: string; options: Document }
  | { op: 'dropCollection'; db: string; coll: string }
  | { op: 'createIndex'; db: string; coll: string; spec: IndexSpec }
  | { op: 'dropIndex'; db: string; coll: string; name: string }
  | { op: 'dropDatabase'; db: string };

/** One acknowledged write: applied all or nothing on replay. */
export type JournalBatch = JournalOp[];

export interface CollectionSnapshot {
  db: string;
  coll: string;
  options: Document;
  indexes: IndexSpec[];
  /** Documents in insertion order. */
  docs: Document[];
}

export interface Snapshot {
  collections: CollectionSnapshot[];
}

export interface LoadedState {
  snapshot: Snapshot | null;
  /** Batches written after the snapshot, oldest first. */
  batches: JournalBatch[];
}

export interface Persistence {
  /** Reads the snapshot and journal. Throws on corruption other than a torn last record. */
  load(): Promise<LoadedState>;
  /** Resolves once the batch is durable (fsynced). Concurrent calls may share one fsync. */
  append(batch: JournalBatch): Promise<void>;
  /**
   * Writes a new snapshot atomically and starts a fresh journal. `take` is called
   * synchronously, at a point where every batch appended so far is in the state it returns.
   */
  compact(take: () => Snapshot): Promise<void>;
  /** Flushes, optionally compacts, and releases the data directory lock. */
  close(): Promise<void>;
}
