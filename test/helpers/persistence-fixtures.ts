/**
 * Shared by the persistence tests: temp data directories, a logger that records what it was
 * told, a sink that records what load() streamed, and a tiny reference model that applies
 * journal ops the way the engine does (documents kept as BSON bytes), so a test can compare
 * "what was acknowledged" with "what load() gives back" as one digest.
 */
import { deserialize, EJSON, serialize, type Document } from 'bson';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type {
  CollectionMeta,
  IndexSpec,
  JournalBatch,
  JournalOp,
  LoadSink,
  LoadSummary,
  Persistence,
  Snapshot,
} from '../../server/db/embedded/persistence.types';
import type { PersistenceLogger } from '../../server/db/embedded/persistence';
import { BSON_READ_OPTIONS, LOCK_FILE_NAME } from '../../server/db/embedded/persistence';

export function makeTempDir(prefix = 'ecart-persistence-'): string {
  return mkdtempSync(path.join(os.tmpdir(), prefix));
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** What a crash right now would leave on disk (minus our own lock, whose pid is alive). */
export function copyDataDir(from: string, to: string): void {
  cpSync(from, to, { recursive: true, filter: (source) => path.basename(source) !== LOCK_FILE_NAME });
}

export interface LogEntry {
  level: 'info' | 'warn' | 'error';
  details: object;
  message: string;
}

export interface RecordingLogger extends PersistenceLogger {
  entries: LogEntry[];
  messages(level: LogEntry['level']): string[];
}

export function makeRecordingLogger(): RecordingLogger {
  const entries: LogEntry[] = [];
  const record =
    (level: LogEntry['level']) =>
    (details: object, message: string): void => {
      entries.push({ level, details, message });
    };
  return {
    entries,
    info: record('info'),
    warn: record('warn'),
    error: record('error'),
    messages: (level) => entries.filter((e) => e.level === level).map((e) => e.message),
  };
}

/** A document as the engine hands it to the store: its BSON bytes (a plain Uint8Array, as the contract says). */
export function bsonOf(doc: Document): Uint8Array {
  return new Uint8Array(serialize(doc));
}

/** Decodes stored bytes the way the engine does. */
export function docOf(bytes: Uint8Array): Document {
  return deserialize(bytes, BSON_READ_OPTIONS);
}

/** A put op from a plain document. */
export function put(db: string, coll: string, doc: Document): JournalOp {
  return { op: 'put', db, coll, doc: bsonOf(doc) };
}

/** A snapshot collection over a fixed array of documents (encoded once, here). */
export function collectionOf(
  db: string,
  coll: string,
  docs: readonly Document[],
  meta: { options?: Document; indexes?: IndexSpec[] } = {},
): Snapshot['collections'][number] {
  const encoded = docs.map(bsonOf);
  return { db, coll, options: meta.options ?? {}, indexes: meta.indexes ?? [], count: encoded.length, docs: () => encoded };
}

/** A sink for tests that only care whether load() succeeds. */
export function discardingSink(): LoadSink {
  return { collection: () => undefined, document: () => undefined, batch: () => undefined };
}

export interface LoadedCollection extends CollectionMeta {
  docs: Uint8Array[];
}

export interface LoadedData {
  summary: LoadSummary;
  /** The snapshot's collections in the order load() announced them, documents copied. */
  collections: LoadedCollection[];
  batches: JournalBatch[];
  /** Every sink call, in order: 'collection', 'document', 'batch'. */
  calls: ('collection' | 'document' | 'batch')[];
  /** The largest buffer a document handed to the sink was a view of: bounded by the read buffer, not the file. */
  largestDocumentBuffer: number;
}

/** Runs load() and records what it streamed (copying document bytes, as a sink must). */
export async function loadAll(persistence: Persistence): Promise<LoadedData> {
  const collections: LoadedCollection[] = [];
  const batches: JournalBatch[] = [];
  const calls: LoadedData['calls'] = [];
  let largestDocumentBuffer = 0;
  const summary = await persistence.load({
    collection(meta) {
      calls.push('collection');
      collections.push({ ...meta, docs: [] });
    },
    document(bson) {
      calls.push('document');
      const current = collections[collections.length - 1];
      if (current === undefined) throw new Error('document() before any collection()');
      current.docs.push(new Uint8Array(bson));
      largestDocumentBuffer = Math.max(largestDocumentBuffer, bson.buffer.byteLength);
    },
    batch(batch) {
      calls.push('batch');
      batches.push(batch);
    },
  });
  return { summary, collections, batches, calls, largestDocumentBuffer };
}

interface ModelCollection {
  db: string;
  coll: string;
  options: Document;
  indexes: IndexSpec[];
  docs: Map<string, Uint8Array>;
}

const keyOf = (id: unknown): string => EJSON.stringify({ id }, { relaxed: false });
const keyOfBytes = (bytes: Uint8Array): string => keyOf(docOf(bytes)._id);

/** Reference semantics of the journal ops (idempotent, like the engine's replay). */
export class ReferenceModel {
  private readonly collections = new Map<string, ModelCollection>();

  static fromLoaded(loaded: LoadedData): ReferenceModel {
    const model = new ReferenceModel();
    for (const c of loaded.collections) {
      const target = model.ensure(c.db, c.coll, c.options);
      target.indexes = [...c.indexes];
      for (const doc of c.docs) target.docs.set(keyOfBytes(doc), doc);
    }
    for (const batch of loaded.batches) model.applyBatch(batch);
    return model;
  }

  private ensure(db: string, coll: string, options: Document = {}): ModelCollection {
    const ns = `${db}.${coll}`;
    let found = this.collections.get(ns);
    if (found === undefined) {
      found = { db, coll, options, indexes: [], docs: new Map() };
      this.collections.set(ns, found);
    }
    return found;
  }

  applyBatch(batch: JournalBatch): void {
    for (const op of batch) this.apply(op);
  }

  apply(op: JournalOp): void {
    switch (op.op) {
      case 'put':
        this.ensure(op.db, op.coll).docs.set(keyOfBytes(op.doc), op.doc);
        return;
      case 'del':
        this.collections.get(`${op.db}.${op.coll}`)?.docs.delete(keyOf(op.id));
        return;
      case 'createCollection':
        this.ensure(op.db, op.coll, op.options);
        return;
      case 'dropCollection':
        this.collections.delete(`${op.db}.${op.coll}`);
        return;
      case 'createIndex': {
        const target = this.ensure(op.db, op.coll);
        if (!target.indexes.some((s) => s.name === op.spec.name)) target.indexes.push(op.spec);
        return;
      }
      case 'dropIndex': {
        const target = this.collections.get(`${op.db}.${op.coll}`);
        if (target) target.indexes = target.indexes.filter((s) => s.name !== op.name);
        return;
      }
      case 'dropDatabase':
        for (const [ns, c] of this.collections) if (c.db === op.db) this.collections.delete(ns);
        return;
    }
  }

  /** Immutable views, as the contract asks: later ops replace map entries, never these arrays or bytes. */
  snapshot(): Snapshot {
    return {
      collections: [...this.collections.values()].map((c) => {
        const docs = [...c.docs.values()];
        return { db: c.db, coll: c.coll, options: c.options, indexes: [...c.indexes], count: docs.length, docs: () => docs };
      }),
    };
  }

  /** Documents compare byte for byte (same types, values and key order); metadata as canonical Extended JSON. */
  digest(): string {
    const sorted = [...this.collections.entries()].sort(([a], [b]) => a.localeCompare(b));
    return EJSON.stringify(
      sorted.map(([ns, c]) => ({
        ns,
        options: c.options,
        indexes: c.indexes,
        docs: [...c.docs.values()].map((bytes) => Buffer.from(bytes).toString('base64')),
      })),
      { relaxed: false },
    );
  }
}
