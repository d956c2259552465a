/**
 * Writes a snapshot file incrementally, without blocking the event loop.
 *
 * `take()` hands over immutable views of the engine's collections; their documents are
 * grouped into records of about `recordBytes` and written one record at a time. Filling a
 * record is synchronous work, so it is cut into time slices: once a slice is used up, the
 * writer yields (setImmediate) before taking the next document, so appends, replies and
 * timers keep running during a compaction of any size.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Snapshot } from '../persistence.types';
import {
  DocumentsRecordBuilder,
  encodeCollectionHeader,
  encodeIndexHeader,
  KeysRecordBuilder,
  encodeSnapshotHeader,
  encodeSnapshotTrailer,
  isFramedBsonDocument,
} from './bson-records';

/** Snapshot documents are grouped so one record is about this big: large enough to amortise framing, small enough to stream. */
export const SNAPSHOT_RECORD_BYTES = 1024 * 1024;
/** The longest the writer runs without yielding (plus the framing of one record, about 1 ms per MiB). */
export const DEFAULT_SNAPSHOT_TIME_SLICE_MS = 10;
/** The clock is read every this many documents, not for every one. */
const DOCUMENTS_PER_CLOCK_CHECK = 32;

/** What writeItems needs of a record builder (documents or index keys). */
interface RecordBuilder<T> {
  readonly bytes: number;
  readonly isEmpty: boolean;
  add(item: T, index: number): void;
  frame(): Buffer;
}

export interface SnapshotWriteOptions {
  timeSliceMs: number;
  recordBytes: number;
}

export interface SnapshotWriteResult {
  bytes: number;
  collections: number;
  documents: number;
}

async function writeFully(handle: FileHandle, buffer: Buffer, position: number): Promise<void> {
  let written = 0;
  while (written < buffer.length) {
    written += (await handle.write(buffer, written, buffer.length - written, position + written)).bytesWritten;
  }
}

/**
 * Writes `snapshot` to `filePath` (created or truncated) and fsyncs it. Throws, leaving a
 * partial file for the caller to remove, if a collection's `docs()` does not yield `count`
 * documents or yields something that is not one BSON document's bytes.
 */
export async function writeSnapshotFile(
  filePath: string,
  snapshot: Snapshot,
  generation: number,
  options: SnapshotWriteOptions,
): Promise<SnapshotWriteResult> {
  const handle = await open(filePath, 'w');
  try {
    let bytes = 0;
    let sliceStarted = performance.now();
    const write = async (record: Buffer): Promise<void> => {
      await writeFully(handle, record, bytes);
      bytes += record.length;
      sliceStarted = performance.now();
    };

    let sinceClockCheck = 0;
    /**
     * Adds items to a record builder, writing each full record, and yields to the event loop
     * once a time slice is used up. Returns how many items there were.
     */
    const writeItems = async <T>(items: Iterable<T>, record: RecordBuilder<T>): Promise<number> => {
      let seen = 0;
      for (const item of items) {
        record.add(item, seen);
        seen++;
        if (record.bytes >= options.recordBytes) {
          await write(record.frame());
          sinceClockCheck = 0;
        } else if (++sinceClockCheck >= DOCUMENTS_PER_CLOCK_CHECK) {
          sinceClockCheck = 0;
          if (performance.now() - sliceStarted >= options.timeSliceMs) {
            await nextTurn();
            sliceStarted = performance.now();
          }
        }
      }
      if (!record.isEmpty) await write(record.frame());
      return seen;
    };

    await write(encodeSnapshotHeader(generation, snapshot.collections.length));
    let documents = 0;
    for (const collection of snapshot.collections) {
      const { db, coll, count } = collection;
      if (!Number.isSafeInteger(count) || count < 0) throw new TypeError(`snapshot of ${db}.${coll}: bad count ${String(count)}`);
      const indexKeys = collection.indexKeys ?? [];
      const meta = { db, coll, options: collection.options, indexes: collection.indexes, keyedIndexes: indexKeys.map((i) => i.name) };
      await write(encodeCollectionHeader(meta, count));
      const docsRecord = new DocumentsRecordBuilder();
      const seen = await writeItems(collection.docs(), {
        get bytes() {
          return docsRecord.bytes;
        },
        get isEmpty() {
          return docsRecord.isEmpty;
        },
        add: (doc: Uint8Array, i: number) => {
          if (!isFramedBsonDocument(doc)) throw new TypeError(`snapshot of ${db}.${coll}: document ${i} is not the BSON bytes of one document`);
          docsRecord.add(doc);
        },
        frame: () => docsRecord.frame(),
      });
      if (seen !== count) {
        throw new Error(`snapshot of ${db}.${coll}: docs() yielded ${seen} documents but count is ${count}`);
      }
      documents += seen;
      for (const index of indexKeys) {
        await write(encodeIndexHeader(index.name, index.info, index.count));
        const written = await writeItems(index.keys(), new KeysRecordBuilder());
        if (written !== index.count) {
          throw new Error(`snapshot of ${db}.${coll}: index ${index.name} yielded ${written} keys but count is ${index.count}`);
        }
      }
    }
    await write(encodeSnapshotTrailer(snapshot.collections.length, documents));
    await handle.sync();
    return { bytes, collections: snapshot.collections.length, documents };
  } finally {
    await handle.close();
  }
}
