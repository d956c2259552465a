/**
 * Journal and snapshot files are sequences of records framed as
 * [u32 LE payload length][u32 LE crc32 of payload][payload].
 *
 * The CRC is what lets start-up tell a write torn by a crash (dropped) from bytes that were
 * complete once and changed since (corruption, which stops start-up).
 *
 * Files are read as a stream of bounded chunks (never the whole file at once): a record is
 * handed to its consumer as a view into the read buffer, valid until the consumer returns.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { crc32 } from 'node:zlib';
import { DataDirCorruptError } from './persistence-errors';

export const RECORD_HEADER_BYTES = 8;

/**
 * No record we write comes near this; a larger declared length can only come from damaged
 * bytes, and refusing it early avoids trying to allocate gigabytes on a bad header.
 */
export const MAX_RECORD_PAYLOAD_BYTES = 1024 * 1024 * 1024;

/** How much of a file one read brings in. A record larger than this gets a buffer of its own size. */
export const DEFAULT_READ_CHUNK_BYTES = 8 * 1024 * 1024;

/** Frames one record whose payload is the concatenation of `parts`, copying them once. */
export function frameRecord(parts: readonly Uint8Array[]): Buffer {
  let length = 0;
  for (const part of parts) length += part.length;
  const framed = Buffer.allocUnsafe(RECORD_HEADER_BYTES + length);
  framed.writeUInt32LE(length, 0);
  let crc = 0;
  let at = RECORD_HEADER_BYTES;
  for (const part of parts) {
    crc = crc32(part, crc);
    framed.set(part, at);
    at += part.length;
  }
  framed.writeUInt32LE(crc, 4);
  return framed;
}

export interface TornTail {
  /** Where the last good record ends: the file is truncated back to here. */
  validEnd: number;
  droppedBytes: number;
  reason: 'short header' | 'short payload' | 'bad checksum' | 'zero-filled tail';
}

export interface ScanResult {
  /** The file's length when the scan started. */
  size: number;
  records: number;
  /** Set when the file ends in an incomplete record and nothing valid follows it. */
  torn: TornTail | null;
}

/**
 * Called once per valid record, in file order. `payload` is a view into the reader's buffer:
 * it is overwritten once the callback returns, so copy whatever must outlive the call.
 */
export type RecordConsumer = (payload: Buffer, offset: number) => void;

/** A window onto a file, refilled with bounded reads. */
class ChunkedReader {
  private buffer: Buffer;
  /** File offset of buffer[0]. */
  private start = 0;
  /** How many bytes of the buffer hold file data. */
  private filled = 0;

  constructor(
    private readonly handle: FileHandle,
    private readonly file: string,
    private readonly size: number,
    private readonly chunkBytes: number,
  ) {
    this.buffer = Buffer.allocUnsafe(Math.min(chunkBytes, Math.max(size, RECORD_HEADER_BYTES)));
  }

  /** Bytes [offset, offset + length) of the file; the view is valid until the next call. */
  async view(offset: number, length: number): Promise<Buffer> {
    const end = this.start + this.filled;
    if (offset >= this.start && offset + length <= end) {
      return this.buffer.subarray(offset - this.start, offset - this.start + length);
    }
    // Keep what is already read of the range, move it to the front, and read the rest.
    const keep = offset >= this.start && offset < end ? end - offset : 0;
    const capacity = Math.max(Math.min(this.chunkBytes, this.size - offset), length);
    let target = this.buffer;
    if (capacity > target.length || (target.length > this.chunkBytes && capacity <= this.chunkBytes)) {
      // Grow for an oversized record; shrink back to a chunk once past it.
      target = Buffer.allocUnsafe(capacity);
    }
    if (keep > 0) this.buffer.copy(target, 0, offset - this.start, offset - this.start + keep);
    this.buffer = target;
    this.start = offset;
    this.filled = keep;
    const want = Math.min(target.length, this.size - offset);
    while (this.filled < length) {
      const { bytesRead } = await this.handle.read(target, this.filled, want - this.filled, offset + this.filled);
      if (bytesRead === 0) {
        throw new DataDirCorruptError(this.file, offset + this.filled, 'the file got shorter while it was being read');
      }
      this.filled += bytesRead;
    }
    return target.subarray(0, length);
  }

  /** Whether every byte from `from` to the end of the file is zero. */
  async isZeroFrom(from: number): Promise<boolean> {
    for (let at = from; at < this.size; ) {
      const length = Math.min(this.chunkBytes, this.size - at);
      const chunk = await this.view(at, length);
      for (let i = 0; i < chunk.length; i++) {
        if (chunk[i] !== 0) return false;
      }
      at += length;
    }
    return true;
  }
}

/**
 * Streams the records of one file into `onRecord`, reading at most `chunkBytes` at a time
 * (more only for a record that is itself larger). A damaged record is accepted as a torn tail
 * only when nothing but zeros (what some file systems leave after a crash extended the file)
 * follows it; any damage with data after it throws DataDirCorruptError. Errors thrown by
 * `onRecord` propagate unchanged.
 */
export async function scanRecordFile(
  filePath: string,
  file: string,
  onRecord: RecordConsumer,
  chunkBytes: number = DEFAULT_READ_CHUNK_BYTES,
): Promise<ScanResult> {
  if (!(chunkBytes >= RECORD_HEADER_BYTES)) throw new RangeError(`read chunk size must be at least ${RECORD_HEADER_BYTES} bytes`);
  const handle = await open(filePath, 'r');
  try {
    const size = (await handle.stat()).size;
    const reader = new ChunkedReader(handle, file, size, chunkBytes);
    let offset = 0;
    let records = 0;
    const torn = (reason: TornTail['reason']): ScanResult => ({
      size,
      records,
      torn: { validEnd: offset, droppedBytes: size - offset, reason },
    });

    while (offset < size) {
      if (size - offset < RECORD_HEADER_BYTES) return torn('short header');
      const header = await reader.view(offset, RECORD_HEADER_BYTES);
      const length = header.readUInt32LE(0);
      const storedCrc = header.readUInt32LE(4);
      if (length === 0) {
        // Every payload we write is non-empty, so a zero length is never a record we wrote.
        if (await reader.isZeroFrom(offset)) return torn('zero-filled tail');
        throw new DataDirCorruptError(file, offset, 'record with a zero length followed by more data');
      }
      if (length > MAX_RECORD_PAYLOAD_BYTES) {
        throw new DataDirCorruptError(file, offset, `record length ${length} is not plausible`);
      }
      const end = offset + RECORD_HEADER_BYTES + length;
      if (end > size) return torn('short payload');

      const payload = (await reader.view(offset, RECORD_HEADER_BYTES + length)).subarray(RECORD_HEADER_BYTES);
      if (crc32(payload) !== storedCrc) {
        if (await reader.isZeroFrom(end)) return torn('bad checksum');
        throw new DataDirCorruptError(file, offset, 'checksum mismatch on a record followed by more data');
      }
      onRecord(payload, offset);
      records++;
      offset = end;
    }
    return { size, records, torn: null };
  } finally {
    await handle.close();
  }
}
