/**
 * Server-side cursors for find/aggregate/listCollections/listIndexes. Results are
 * materialised when the cursor is created; getMore hands them out in batches. Idle
 * cursors are reaped after ten minutes, as MongoDB does, so abandoned ones don't leak.
 */
import { Long, calculateObjectSize, type Document } from 'bson';

export const DEFAULT_FIRST_BATCH = 101;
/** MongoDB caps a reply batch at 16 MiB; stay a little under the message limit. */
const MAX_BATCH_BYTES = 16 * 1024 * 1024;
const IDLE_TIMEOUT_MS = 10 * 60 * 1000;

interface OpenCursor {
  ns: string;
  docs: Document[];
  position: number;
  lastUsed: number;
}

export interface Batch {
  id: Long;
  ns: string;
  docs: Document[];
}

export class CursorRegistry {
  private readonly open = new Map<string, OpenCursor>();
  private nextId = BigInt(Math.floor(Math.random() * 1_000_000_000)) + 1n;

  /** First batch of a fresh result set; keeps a cursor open only if more remain. */
  openCursor(ns: string, docs: Document[], batchSize: number | undefined, singleBatch = false): Batch {
    const cursor: OpenCursor = { ns, docs, position: 0, lastUsed: Date.now() };
    // batchSize 0 asks for an open cursor with an empty first batch.
    const first = batchSize === 0 ? [] : takeBatch(cursor, batchSize ?? DEFAULT_FIRST_BATCH);
    if (singleBatch || cursor.position >= docs.length) return { id: Long.ZERO, ns, docs: first };
    const id = this.nextId;
    this.nextId += 1n;
    this.open.set(id.toString(), cursor);
    return { id: Long.fromBigInt(id), ns, docs: first };
  }

  getMore(id: Long, batchSize: number | undefined): Batch | null {
    const key = id.toString();
    const cursor = this.open.get(key);
    if (!cursor) return null;
    cursor.lastUsed = Date.now();
    const docs = takeBatch(cursor, batchSize ?? Number.MAX_SAFE_INTEGER);
    if (cursor.position >= cursor.docs.length) {
      this.open.delete(key);
      return { id: Long.ZERO, ns: cursor.ns, docs };
    }
    return { id, ns: cursor.ns, docs };
  }

  namespaceOf(id: Long): string | undefined {
    return this.open.get(id.toString())?.ns;
  }

  kill(id: Long): boolean {
    return this.open.delete(id.toString());
  }

  reapIdle(now = Date.now()): void {
    for (const [key, cursor] of this.open) {
      if (now - cursor.lastUsed > IDLE_TIMEOUT_MS) this.open.delete(key);
    }
  }

  get openCount(): number {
    return this.open.size;
  }

  clear(): void {
    this.open.clear();
  }
}

function takeBatch(cursor: OpenCursor, batchSize: number): Document[] {
  const size = batchSize <= 0 ? Number.MAX_SAFE_INTEGER : batchSize;
  const out: Document[] = [];
  let bytes = 0;
  while (cursor.position < cursor.docs.length && out.length < size) {
    const doc = cursor.docs[cursor.position] as Document;
    const docBytes = calculateObjectSize(doc, { ignoreUndefined: true });
    if (out.length > 0 && bytes + docBytes > MAX_BATCH_BYTES) break;
    out.push(doc);
    bytes += docBytes;
    cursor.position += 1;
  }
  return out;
}
