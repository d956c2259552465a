/**
 * What goes inside a record: journal batches and snapshot sections, as BSON.
 *
 * Every record payload starts with one kind byte, then one or more concatenated BSON
 * documents. Concatenating documents (instead of wrapping them in an array) keeps each one
 * under BSON's 16 MiB limit however large the batch or chunk, and lets the reader decode
 * them one by one.
 *
 * Stored documents are never decoded here: a `put` op carries its document as BSON bytes,
 * which go into the record as they are (an embedded-document element appended by hand) and
 * come back out as a copy of the same bytes; a snapshot's documents are the engine's bytes,
 * concatenated, handed to the load sink as views.
 */
import { deserialize, serialize, type DeserializeOptions, type Document } from 'bson';
import type { CollectionMeta, IndexSpec, JournalBatch, JournalOp, LoadSink } from '../persistence.types';
import { DataDirCorruptError } from './persistence-errors';
import { frameRecord } from './record-framing';

/**
 * How the store decodes what it decodes itself (ops other than `put`, collection options,
 * index specs). Long must stay Long: promoting it to a JS number would silently turn an int64
 * into an int32 or double on the next write. Everything else keeps bson's defaults, which is
 * what the driver and a default-decoding wire layer produce. (BSONRegExp reads back as
 * RegExp; see README.) Exported so the engine decodes documents the same way.
 */
export const BSON_READ_OPTIONS: DeserializeOptions = Object.freeze({
  promoteLongs: false,
  promoteValues: true,
  promoteBuffers: false,
  bsonRegExp: false,
});

/**
 * For `put` ops: `raw` leaves every embedded document of the op (only `doc`) as its bytes.
 * (bson's `fieldsAsRaw` would not do: in bson 6 it only applies to arrays.)
 */
const PUT_READ_OPTIONS: DeserializeOptions = Object.freeze({ ...BSON_READ_OPTIONS, raw: true });

const KIND_BATCH = 0x42; // 'B'
const KIND_SNAPSHOT_HEADER = 0x48; // 'H'
const KIND_COLLECTION = 0x43; // 'C'
const KIND_DOCS = 0x44; // 'D'
const KIND_END = 0x45; // 'E'
const KIND_INDEX = 0x49; // 'I': one index's header, its keys records follow
const KIND_KEYS = 0x4b; // 'K': index keys, each [u32 length][bytes]

/** Unchanged by the switch to raw documents: a snapshot's records are byte-for-byte what version 1 wrote. */
/** 2 adds the ordered keys of each index after a collection's documents; 1 is still read. */
export const SNAPSHOT_FORMAT_VERSION = 2;
const READABLE_SNAPSHOT_VERSIONS = new Set([1, 2]);

const BSON_EMBEDDED_DOCUMENT = 0x03;
/** The element header `0x03 'doc' 0x00` that precedes a put op's document bytes. */
const DOC_ELEMENT_HEADER = Uint8Array.of(BSON_EMBEDDED_DOCUMENT, 0x64, 0x6f, 0x63, 0x00);
const BSON_TERMINATOR = Uint8Array.of(0x00);

function kindByte(kind: number): Uint8Array {
  return Uint8Array.of(kind);
}

function readInt32LE(bytes: Uint8Array, at: number): number {
  return (bytes[at] as number) | ((bytes[at + 1] as number) << 8) | ((bytes[at + 2] as number) << 16) | ((bytes[at + 3] as number) << 24);
}

/**
 * Whether `bytes` is framed like one BSON document: its declared length is its length and it
 * ends with the terminator. Cheap on purpose (the contents are not walked); the engine
 * produced these bytes with `serialize`, and on disk they are covered by the record CRC.
 */
export function isFramedBsonDocument(bytes: unknown): bytes is Uint8Array {
  return (
    bytes instanceof Uint8Array && bytes.length >= 5 && readInt32LE(bytes, 0) === bytes.length && bytes[bytes.length - 1] === 0
  );
}

/** `{ op: 'put', db, coll }` serialized, then the `doc` element appended without re-encoding the document. */
function encodePutOp(op: Extract<JournalOp, { op: 'put' }>): Uint8Array[] {
  if (!isFramedBsonDocument(op.doc)) {
    throw new TypeError(`put op on ${op.db}.${op.coll}: doc must be the BSON bytes of one document`);
  }
  const head = serialize({ op: op.op, db: op.db, coll: op.coll });
  // Drop the head's terminator; the document element and a new terminator follow it.
  const fields = Buffer.from(head.subarray(0, head.length - 1));
  const length = fields.length + DOC_ELEMENT_HEADER.length + op.doc.length + BSON_TERMINATOR.length;
  fields.writeInt32LE(length, 0);
  return [fields, DOC_ELEMENT_HEADER, op.doc, BSON_TERMINATOR];
}

export function encodeBatch(batch: JournalBatch): Buffer {
  const parts: Uint8Array[] = [kindByte(KIND_BATCH)];
  for (const op of batch) {
    if (op.op === 'put') parts.push(...encodePutOp(op));
    else parts.push(serialize(op));
  }
  return frameRecord(parts);
}

/** Calls `each` with every BSON document of a payload (after its kind byte), as views. */
function forEachDocument(
  payload: Uint8Array,
  file: string,
  recordOffset: number,
  each: (bytes: Uint8Array) => void,
): void {
  let at = 1;
  while (at < payload.length) {
    const size = payload.length - at >= 4 ? readInt32LE(payload, at) : -1;
    if (size < 5 || at + size > payload.length || payload[at + size - 1] !== 0) {
      throw new DataDirCorruptError(file, recordOffset, `bad BSON document length inside the record (${size})`);
    }
    each(payload.subarray(at, at + size));
    at += size;
  }
}

/**
 * Decodes one BSON document of the store's own. Decodes from a copy: bson's Binary values
 * keep a view of the bytes they were decoded from, and the read buffer is reused.
 */
function decodeOwned(bytes: Uint8Array, options: DeserializeOptions, file: string, recordOffset: number): Document {
  try {
    return deserialize(Buffer.from(bytes), options);
  } catch (error) {
    throw new DataDirCorruptError(file, recordOffset, `unreadable BSON document: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

const isString = (value: unknown): value is string => typeof value === 'string';
const isDocument = (value: unknown): value is Document =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array);

function toOp(raw: Record<string, unknown>): JournalOp | null {
  const { op, db, coll } = raw;
  if (!isString(db)) return null;
  switch (op) {
    case 'put':
      // A copy of exactly the document's bytes: the batch outlives the read buffer.
      return isString(coll) && isFramedBsonDocument(raw.doc) ? { op, db, coll, doc: new Uint8Array(raw.doc) } : null;
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

function decodeOp(bytes: Uint8Array, file: string, recordOffset: number): JournalOp {
  let raw: Document;
  try {
    // Strings and the raw `doc` are copied out by bson, so decoding a put from the view is safe.
    raw = deserialize(bytes, PUT_READ_OPTIONS);
  } catch (error) {
    throw new DataDirCorruptError(file, recordOffset, `unreadable BSON document: ${(error as Error).message}`, {
      cause: error,
    });
  }
  if (raw.op !== 'put') raw = decodeOwned(bytes, BSON_READ_OPTIONS, file, recordOffset);
  const op = toOp(raw);
  if (op === null) {
    throw new DataDirCorruptError(file, recordOffset, `unknown or malformed journal op ${JSON.stringify(raw.op ?? null)}`);
  }
  return op;
}

/** Decodes a journal record. `payload` may be a view into a reused buffer: nothing returned points into it. */
export function decodeBatch(payload: Uint8Array, file: string, recordOffset: number): JournalBatch {
  if (payload[0] !== KIND_BATCH) {
    throw new DataDirCorruptError(file, recordOffset, `unknown journal record kind 0x${(payload[0] ?? 0).toString(16)}`);
  }
  const batch: JournalBatch = [];
  forEachDocument(payload, file, recordOffset, (bytes) => batch.push(decodeOp(bytes, file, recordOffset)));
  return batch;
}

// ---------------------------------------------------------------------------------------------
// Snapshots: a header record, then per collection one collection record followed by document
// records of about `chunkBytes` each, then a trailer with the totals.

export function encodeSnapshotHeader(generation: number, collections: number): Buffer {
  return frameRecord([
    kindByte(KIND_SNAPSHOT_HEADER),
    serialize({ version: SNAPSHOT_FORMAT_VERSION, generation, createdAt: new Date(), collections }),
  ]);
}

export function encodeCollectionHeader(meta: CollectionMeta, count: number): Buffer {
  return frameRecord([
    kindByte(KIND_COLLECTION),
    serialize({ db: meta.db, coll: meta.coll, options: meta.options, indexes: meta.indexes, docs: count, keyedIndexes: meta.keyedIndexes ?? [] }),
  ]);
}

export function encodeIndexHeader(name: string, info: Document, count: number): Buffer {
  return frameRecord([kindByte(KIND_INDEX), serialize({ name, info, count })]);
}

/**
 * Collects index keys (byte strings) into one keys record, written straight into one growing
 * buffer: millions of keys must not become millions of small buffers for the collector.
 */
export class KeysRecordBuilder {
  private buffer = Buffer.allocUnsafe(64 * 1024);
  /** Bytes of keys so far (after the kind byte). */
  bytes = 0;

  get isEmpty(): boolean {
    return this.bytes === 0;
  }

  add(key: string): void {
    const needed = 1 + this.bytes + 4 + key.length;
    if (needed > this.buffer.length) {
      const grown = Buffer.allocUnsafe(Math.max(needed, this.buffer.length * 2));
      this.buffer.copy(grown, 0, 0, 1 + this.bytes);
      this.buffer = grown;
    }
    const at = 1 + this.bytes;
    this.buffer.writeUInt32LE(key.length, at);
    if (this.buffer.write(key, at + 4, 'latin1') !== key.length) throw new TypeError('an index key is not a byte string');
    this.bytes += 4 + key.length;
  }

  frame(): Buffer {
    this.buffer[0] = KIND_KEYS;
    const framed = frameRecord([this.buffer.subarray(0, 1 + this.bytes)]);
    this.bytes = 0;
    return framed;
  }
}

/** Collects document bytes into one documents record; nothing is copied until `frame()`. */
export class DocumentsRecordBuilder {
  private parts: Uint8Array[] = [kindByte(KIND_DOCS)];
  bytes = 0;

  get isEmpty(): boolean {
    return this.parts.length === 1;
  }

  add(doc: Uint8Array): void {
    this.parts.push(doc);
    this.bytes += doc.length;
  }

  frame(): Buffer {
    const framed = frameRecord(this.parts);
    this.parts = [kindByte(KIND_DOCS)];
    this.bytes = 0;
    return framed;
  }
}

export function encodeSnapshotTrailer(collections: number, documents: number): Buffer {
  return frameRecord([kindByte(KIND_END), serialize({ collections, documents })]);
}

export interface SnapshotTotals {
  collections: number;
  documents: number;
}

/**
 * Decodes a snapshot record by record, streaming collections and documents into a LoadSink,
 * and insists on the header, the per-collection counts and the trailer. Documents reach the
 * sink as views into the record (the sink copies what it keeps).
 */
export class SnapshotStreamDecoder {
  private header: Document | null = null;
  private current: { meta: CollectionMeta; expected: number; seen: number; offset: number } | null = null;
  private index: { name: string; info: Document; expected: number; keys: string[]; offset: number } | null = null;
  private collections = 0;
  private documents = 0;
  private ended = false;

  constructor(
    private readonly file: string,
    private readonly sink: LoadSink,
  ) {}

  private single(payload: Uint8Array, offset: number): Document {
    const docs: Document[] = [];
    forEachDocument(payload, this.file, offset, (bytes) => docs.push(decodeOwned(bytes, BSON_READ_OPTIONS, this.file, offset)));
    const [doc] = docs;
    if (docs.length !== 1 || doc === undefined) {
      throw new DataDirCorruptError(this.file, offset, 'expected exactly one document in the record');
    }
    return doc;
  }

  private finishIndex(): void {
    const index = this.index;
    if (index === null) return;
    this.index = null;
    if (index.keys.length !== index.expected) {
      throw new DataDirCorruptError(this.file, index.offset, `index ${index.name} has ${index.keys.length} keys, header says ${index.expected}`);
    }
    this.sink.indexKeys?.(index.name, index.info, index.keys);
  }

  /** The collection's documents are all in: their count must be the header's. */
  private checkDocuments(): void {
    const current = this.current;
    if (current !== null && current.seen !== current.expected) {
      throw new DataDirCorruptError(
        this.file,
        current.offset,
        `collection ${current.meta.db}.${current.meta.coll} has ${current.seen} documents, header says ${current.expected}`,
      );
    }
  }

  private finishCollection(): void {
    this.finishIndex();
    this.checkDocuments();
    this.current = null;
  }

  record(payload: Uint8Array, offset: number): void {
    const { file } = this;
    if (this.ended) throw new DataDirCorruptError(file, offset, 'records after the snapshot trailer');
    if (this.header === null) {
      if (payload[0] !== KIND_SNAPSHOT_HEADER) throw new DataDirCorruptError(file, 0, 'missing snapshot header');
      const header = this.single(payload, offset);
      if (!READABLE_SNAPSHOT_VERSIONS.has(Number(header.version))) {
        throw new DataDirCorruptError(file, 0, `unsupported snapshot format version ${String(header.version)}`);
      }
      this.header = header;
      return;
    }
    switch (payload[0]) {
      case KIND_COLLECTION: {
        this.finishCollection();
        const raw = this.single(payload, offset);
        const expected = Number(raw.docs);
        if (
          !isString(raw.db) ||
          !isString(raw.coll) ||
          !isDocument(raw.options) ||
          !Array.isArray(raw.indexes) ||
          !Number.isSafeInteger(expected) ||
          expected < 0
        ) {
          throw new DataDirCorruptError(file, offset, 'malformed collection header');
        }
        const keyedIndexes = Array.isArray(raw.keyedIndexes) ? (raw.keyedIndexes as unknown[]).filter(isString) : [];
        const meta: CollectionMeta = { db: raw.db, coll: raw.coll, options: raw.options, indexes: raw.indexes as IndexSpec[], keyedIndexes };
        this.current = { meta, expected, seen: 0, offset };
        this.collections++;
        this.sink.collection(meta);
        return;
      }
      case KIND_DOCS: {
        const current = this.current;
        if (current === null) throw new DataDirCorruptError(file, offset, 'documents before any collection header');
        if (this.index !== null) throw new DataDirCorruptError(file, offset, 'documents after an index of their collection');
        forEachDocument(payload, file, offset, (bytes) => {
          current.seen++;
          this.documents++;
          this.sink.document(bytes);
        });
        return;
      }
      case KIND_INDEX: {
        if (this.current === null) throw new DataDirCorruptError(file, offset, 'an index before any collection header');
        this.finishIndex();
        this.checkDocuments();
        const raw = this.single(payload, offset);
        const expected = Number(raw.count);
        if (!isString(raw.name) || !isDocument(raw.info) || !Number.isSafeInteger(expected) || expected < 0) {
          throw new DataDirCorruptError(file, offset, 'malformed index header');
        }
        this.index = { name: raw.name, info: raw.info, expected, keys: [], offset };
        return;
      }
      case KIND_KEYS: {
        const index = this.index;
        if (index === null) throw new DataDirCorruptError(file, offset, 'index keys before any index header');
        const bytes = Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength);
        let at = 1;
        while (at < bytes.length) {
          const length = at + 4 <= bytes.length ? bytes.readUInt32LE(at) : -1;
          if (length < 0 || at + 4 + length > bytes.length) throw new DataDirCorruptError(file, offset, 'bad index key length inside the record');
          index.keys.push(bytes.toString('latin1', at + 4, at + 4 + length));
          at += 4 + length;
        }
        return;
      }
      case KIND_END: {
        this.finishCollection();
        const trailer = this.single(payload, offset);
        if (
          Number(trailer.collections) !== this.collections ||
          Number(this.header.collections) !== this.collections ||
          Number(trailer.documents) !== this.documents
        ) {
          throw new DataDirCorruptError(file, offset, 'snapshot trailer counts do not match its contents');
        }
        this.ended = true;
        return;
      }
      default:
        throw new DataDirCorruptError(file, offset, `unknown snapshot record kind 0x${(payload[0] ?? 0).toString(16)}`);
    }
  }

  /** Call at the end of the file: throws unless the snapshot was complete. */
  finish(fileLength: number): SnapshotTotals {
    if (this.header === null) throw new DataDirCorruptError(this.file, 0, 'missing snapshot header');
    if (!this.ended) throw new DataDirCorruptError(this.file, fileLength, 'snapshot has no trailer (incomplete)');
    return { collections: this.collections, documents: this.documents };
  }
}
