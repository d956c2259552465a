/**
 * The contract between the embedded server's in-memory engine and its on-disk store.
 *
 * The engine applies a write in memory, turns it into one JournalBatch (everything one
 * acknowledged write changed), and replies to the client only once `append` has resolved,
 * which is after the batch is fsynced. Replaying every batch in order onto the last
 * snapshot rebuilds exactly the acknowledged state.
 *
 * Documents cross this boundary as their BSON bytes: the engine keeps documents encoded
 * (compact, immutable), so neither side ever has to hold a decoded copy of the whole data.
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
  /** Insert, or replace whole, the document with this `_id`; `doc` is its BSON bytes. */
  | { op: 'put'; db: string; coll: string; doc: Uint8Array }
  | { op: 'del'; db: string; coll: string; id: unknown }
  | { op: 'createCollection'; db: string; coll: string; options: Document }
  | { op: 'dropCollection'; db: string; coll: string }
  | { op: 'createIndex'; db: string; coll: string; spec: IndexSpec }
  | { op: 'dropIndex'; db: string; coll: string; name: string }
  | { op: 'dropDatabase'; db: string };

/** One acknowledged write (or one committed transaction): applied all or nothing on replay. */
export type JournalBatch = JournalOp[];

export interface CollectionMeta {
  db: string;
  coll: string;
  options: Document;
  indexes: IndexSpec[];
  /** Names of the indexes whose ordered keys the snapshot holds after the documents (format 2). */
  keyedIndexes?: string[];
}

/**
 * One index's entries, in order, as the engine keys them: strings of chars 0..255 (byte
 * strings), stored as their bytes. Persisting them lets start-up rebuild the index without
 * decoding a document or sorting anything, as MongoDB reopens its indexes instead of
 * rebuilding them. `info` is the engine's (e.g. its key encoding version): the store keeps it
 * as it is.
 */
export interface IndexKeysSnapshot {
  name: string;
  info: Document;
  count: number;
  /** An immutable view, iterated later, like `docs()`. */
  keys(): Iterable<string>;
}

export interface CollectionSnapshot extends CollectionMeta {
  /** How many documents `docs()` yields. */
  count: number;
  /**
   * The documents' BSON bytes. An immutable view taken when `take()` ran: the store may
   * iterate it later, across many event-loop turns, while the engine keeps changing.
   */
  docs(): Iterable<Uint8Array>;
  /** Ordered index entries to store after the documents (optional). */
  indexKeys?: IndexKeysSnapshot[];
}

export interface Snapshot {
  collections: CollectionSnapshot[];
}

/** Where `load()` streams what it reads, in order: never the whole data set in one piece. */
export interface LoadSink {
  /** A collection of the snapshot; its documents follow. */
  collection(meta: CollectionMeta): void;
  /** One document of the collection announced last. The bytes may be reused after the call: copy what you keep. */
  document(bson: Uint8Array): void;
  /** The stored entries of one index of the collection announced last, after its documents, in order. */
  indexKeys?(name: string, info: Document, keys: string[]): void;
  /** One journal batch written after the snapshot, oldest first. */
  batch(batch: JournalBatch): void;
}

export interface LoadSummary {
  collections: number;
  documents: number;
  batches: number;
}

export interface Persistence {
  /**
   * Reads the snapshot and the journal, streaming them into `sink`. Throws on corruption
   * other than a torn last record. May yield to the event loop between records.
   */
  load(sink: LoadSink): Promise<LoadSummary>;
  /** Resolves once the batch is durable (fsynced). Concurrent calls may share one fsync. */
  append(batch: JournalBatch): Promise<void>;
  /**
   * Writes a new snapshot atomically and starts a fresh journal. `take` is called
   * synchronously, at a point where every batch appended so far is in the state it returns;
   * the snapshot's documents are then written without blocking the event loop.
   */
  compact(take: () => Snapshot): Promise<void>;
  /** Flushes, optionally compacts, and releases the data directory lock. */
  close(): Promise<void>;
}
