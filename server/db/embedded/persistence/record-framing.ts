/**
 * Journal and snapshot files are sequences of records framed as
 * [u32 LE payload length][u32 LE crc32 of payload][payload].
 *
 * The CRC is what lets start-up tell a write torn by a crash (dropped) from bytes that were
 * complete once and changed since (corruption, which stops start-up).
 */
import { crc32 } from 'node:zlib';
import { DataDirCorruptError } from './persistence-errors';

export const RECORD_HEADER_BYTES = 8;

/**
 * No record we write comes near this; a larger declared length can only come from damaged
 * bytes, and refusing it early avoids trying to allocate gigabytes on a bad header.
 */
export const MAX_RECORD_PAYLOAD_BYTES = 1024 * 1024 * 1024;

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

export interface ScannedRecord {
  /** Offset of the record header in the file. */
  offset: number;
  payload: Buffer;
}

export interface TornTail {
  /** Where the last good record ends: the file is truncated back to here. */
  validEnd: number;
  droppedBytes: number;
  reason: 'short header' | 'short payload' | 'bad checksum' | 'zero-filled tail';
}

export interface ScanResult {
  records: ScannedRecord[];
  /** Set when the file ends in an incomplete record and nothing valid follows it. */
  torn: TornTail | null;
}

function isAllZero(buffer: Buffer, from: number): boolean {
  for (let i = from; i < buffer.length; i++) {
    if (buffer[i] !== 0) return false;
  }
  return true;
}

/**
 * Splits a whole file into records. A damaged record is accepted as a torn tail only when
 * nothing but zeros (what some file systems leave after a crash extended the file) follows
 * it; any damage with data after it throws DataDirCorruptError.
 */
export function scanRecords(buffer: Buffer, file: string): ScanResult {
  const records: ScannedRecord[] = [];
  let offset = 0;
  const torn = (reason: TornTail['reason']): ScanResult => ({
    records,
    torn: { validEnd: offset, droppedBytes: buffer.length - offset, reason },
  });

  while (offset < buffer.length) {
    const remaining = buffer.length - offset;
    if (remaining < RECORD_HEADER_BYTES) return torn('short header');

    const length = buffer.readUInt32LE(offset);
    const storedCrc = buffer.readUInt32LE(offset + 4);
    if (length === 0) {
      // Every payload we write is non-empty, so a zero length is never a record we wrote.
      if (isAllZero(buffer, offset)) return torn('zero-filled tail');
      throw new DataDirCorruptError(file, offset, 'record with a zero length followed by more data');
    }
    if (length > MAX_RECORD_PAYLOAD_BYTES) {
      throw new DataDirCorruptError(file, offset, `record length ${length} is not plausible`);
    }
    const end = offset + RECORD_HEADER_BYTES + length;
    if (end > buffer.length) return torn('short payload');

    const payload = buffer.subarray(offset + RECORD_HEADER_BYTES, end);
    if (crc32(payload) !== storedCrc) {
      if (isAllZero(buffer, end)) return torn('bad checksum');
      throw new DataDirCorruptError(file, offset, 'checksum mismatch on a record followed by more data');
    }
    records.push({ offset, payload });
    offset = end;
  }
  return { records, torn: null };
}
