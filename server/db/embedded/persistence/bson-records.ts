/**
 * What goes inside a record: journal batches and snapshot sections, as BSON.
 *
 * Every record payload starts with one kind byte, then one or more concatenated BSON
 * documents. Concatenating documents (instead of wrapping them in an array) keeps each one
 * under BSON's 16 MiB limit however large the batch or chunk, and lets the reader decode
 * them one by one.
 */
import { deserialize, serialize, type DeserializeOptions, type Document } from 'bson';
import type {
  CollectionSnapshot,
  IndexSpec,
  JournalBatch,
  JournalOp,
  Snapshot,
} from '../persistence.types';
import { DataDirCorruptError } from './persistence-errors';
import { frameRecord } from './record-framing';

/**
 * Long must stay Long: promoting it to a JS number would silently turn an int64 into an
 * int32 or double on the next write. Everything else keeps bson's defaults, which is what
 * the driver and a default-decoding wire layer produce, so a value reads back as the same
 * class it was written from. (BSONRegExp reads back as RegExp; see README.)
 */
export const BSON_READ_OPTIONS: DeserializeOptions = Object.freeze({
  promoteLongs: false,
  promoteValues: true,
  promoteBuffers: false,
  bsonRegExp: false,
});

const KIND_BATCH = 0x42; // 'B'
const KIND_SNAPSHOT_HEADER = 0x48; // 'H'
const KIND_COLLECTION = 0x43; // 'C'
const KIND_DOCS = 0x44; // 'D'
const KIND_END = 0x45; // 'E'

export const SNAPSHOT_FORMAT_VERSION = 1;

/** Snapshot documents are grouped so one record is about this big: large enough to amortise framing, small enough to stream. */
const SNAPSHOT_CHUNK_BYTES = 1024 * 1024;

function kindByte(kind: number): Uint8Array {
  return Uint8Array.of(kind);
}

export function encodeBatch(batch: JournalBatch): Buffer {
  const parts: Uint8Array[] = [kindByte(KIND_BATCH)];
  for (const op of batch) parts.push(serialize(op));
  return frameRecord(parts);
}

/** Splits a payload (after its kind byte) into its BSON documents. */
function decodeDocuments(payload: Buffer, file: string, recordOffset: number): Document[] {
  const docs: Document[] = [];
  let at = 1;
  while (at < payload.length) {
    const size = payload.length - at >= 4 ? payload.readInt32LE(at) : -1;
    if (size < 5 || at + size > payload.length) {
      throw new DataDirCorruptError(file, recordOffset, `bad BSON document length inside the record (${size})`);
    }
    try {
      docs.push(deserialize(payload.subarray(at, at + size), BSON_READ_OPTIONS));
    } catch (error) {
      throw new DataDirCorruptError(file, recordOffset, `unreadable BSON document: ${(error as Error).message}`, {
        cause: error,
      });
    }
    at += size;
  }
  return docs;
}

const isString = (value: unknown): value is string => typeof value === 'string';
const isDocument = (value: unknown): value is Document =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function toOp(raw: Record<string, unknown>): JournalOp | null {
  const { op, db, coll } = raw;
  if (!isString(db)) return null;
  switch (op) {
    case 'put':
      return isString(coll) && isDocument(raw.doc) ? { op, db, coll, doc: raw.doc } : null;
    case 'del':
      return isString(coll) && 'id' in raw ? { op, db, coll, id: raw.id } : null;
    case 'createCollection':
      return isString(coll) && isDocument(raw.options) ? { op, db, coll, options: raw.options } : null;
    case 'dropCollection':
      return isString(coll) ? { op, db, coll } : null;
    case 'createIndex':
      return isString(coll) && isDocument(raw.spec) ? { op, db, coll, spec: raw.spec as IndexSpec } : null;
    case 'dropIndex':
      return isString(coll) && isString(raw.name) ? { op, db, coll, name: raw.name } : null;
    case 'dropDatabase':
      return { op, db };
    default:
      return null;
  }
}

export function decodeBatch(payload: Buffer, file: string, recordOffset: number): JournalBatch {
  if (payload[0] !== KIND_BATCH) {
    throw new DataDirCorruptError(file, recordOffset, `unknown journal record kind 0x${(payload[0] ?? 0).toString(16)}`);
  }
  return decodeDocuments(payload, file, recordOffset).map((raw) => {
    const op = toOp(raw);
    if (op === null) {
      throw new DataDirCorruptError(file, recordOffset, `unknown or malformed journal op ${JSON.stringify(raw.op ?? null)}`);
    }
    return op;
  });
}

/**
 * Serialises the whole snapshot synchronously into framed records. Doing it before any
 * await matters: `take()` may hand over the engine's live documents, and the engine keeps
 * changing them once we yield.
 */
export function encodeSnapshot(snapshot: Snapshot, generation: number): Buffer[] {
  let documents = 0;
  const records: Buffer[] = [
    frameRecord([
      kindByte(KIND_SNAPSHOT_HEADER),
      serialize({
        version: SNAPSHOT_FORMAT_VERSION,
        generation,
        createdAt: new Date(),
        collections: snapshot.collections.length,
      }),
    ]),
  ];
  for (const collection of snapshot.collections) {
    records.push(
      frameRecord([
        kindByte(KIND_COLLECTION),
        serialize({
          db: collection.db,
          coll: collection.coll,
          options: collection.options,
          indexes: collection.indexes,
          docs: collection.docs.length,
        }),
      ]),
    );
    let parts: Uint8Array[] = [kindByte(KIND_DOCS)];
    let bytes = 0;
    for (const doc of collection.docs) {
      const encoded = serialize(doc);
      parts.push(encoded);
      bytes += encoded.length;
      if (bytes >= SNAPSHOT_CHUNK_BYTES) {
        records.push(frameRecord(parts));
        parts = [kindByte(KIND_DOCS)];
        bytes = 0;
      }
    }
    if (parts.length > 1) records.push(frameRecord(parts));
    documents += collection.docs.length;
  }
  records.push(
    frameRecord([kindByte(KIND_END), serialize({ collections: snapshot.collections.length, documents })]),
  );
  return records;
}

interface SnapshotRecord {
  offset: number;
  payload: Buffer;
}

function single(payload: Buffer, file: string, offset: number): Document {
  const docs = decodeDocuments(payload, file, offset);
  const [doc] = docs;
  if (docs.length !== 1 || doc === undefined) {
    throw new DataDirCorruptError(file, offset, 'expected exactly one document in the record');
  }
  return doc;
}

/** Rebuilds a snapshot, insisting on the header, per-collection counts and the trailer. */
export function decodeSnapshot(records: readonly SnapshotRecord[], file: string, fileLength: number): Snapshot {
  const first = records[0];
  if (first === undefined || first.payload[0] !== KIND_SNAPSHOT_HEADER) {
    throw new DataDirCorruptError(file, 0, 'missing snapshot header');
  }
  const header = single(first.payload, file, first.offset);
  if (header.version !== SNAPSHOT_FORMAT_VERSION) {
    throw new DataDirCorruptError(file, 0, `unsupported snapshot format version ${String(header.version)}`);
  }

  const collections: CollectionSnapshot[] = [];
  let current: { snapshot: CollectionSnapshot; expected: number; offset: number } | null = null;
  const finishCollection = (): void => {
    if (current !== null && current.snapshot.docs.length !== current.expected) {
      throw new DataDirCorruptError(
        file,
        current.offset,
        `collection ${current.snapshot.db}.${current.snapshot.coll} has ${current.snapshot.docs.length} documents, header says ${current.expected}`,
      );
    }
  };

  for (let i = 1; i < records.length; i++) {
    const { offset, payload } = records[i] as SnapshotRecord;
    switch (payload[0]) {
      case KIND_COLLECTION: {
        finishCollection();
        const raw = single(payload, file, offset);
        if (!isString(raw.db) || !isString(raw.coll) || !isDocument(raw.options) || !Array.isArray(raw.indexes)) {
          throw new DataDirCorruptError(file, offset, 'malformed collection header');
        }
        const snapshot: CollectionSnapshot = {
          db: raw.db,
          coll: raw.coll,
          options: raw.options,
          indexes: raw.indexes as IndexSpec[],
          docs: [],
        };
        collections.push(snapshot);
        current = { snapshot, expected: Number(raw.docs), offset };
        break;
      }
      case KIND_DOCS: {
        if (current === null) throw new DataDirCorruptError(file, offset, 'documents before any collection header');
        for (const doc of decodeDocuments(payload, file, offset)) current.snapshot.docs.push(doc);
        break;
      }
      case KIND_END: {
        finishCollection();
        if (i !== records.length - 1) {
          throw new DataDirCorruptError(file, offset, 'records after the snapshot trailer');
        }
        const trailer = single(payload, file, offset);
        const documents = collections.reduce((sum, c) => sum + c.docs.length, 0);
        if (
          Number(trailer.collections) !== collections.length ||
          Number(header.collections) !== collections.length ||
          Number(trailer.documents) !== documents
        ) {
          throw new DataDirCorruptError(file, offset, 'snapshot trailer counts do not match its contents');
        }
        return { collections };
      }
      default:
        throw new DataDirCorruptError(file, offset, `unknown snapshot record kind 0x${(payload[0] ?? 0).toString(16)}`);
    }
  }
  throw new DataDirCorruptError(file, fileLength, 'snapshot has no trailer (incomplete)');
}
