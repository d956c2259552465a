/**
 * Decodes only some top-level fields of a BSON document: what building its index keys
 * needs at start-up. A claim's statement, sources and corrections are never decoded just to
 * index its status and dates; that is most of the decoding work, and of the garbage.
 */
import { deserialize, type Document } from 'bson';

const READ_OPTIONS = { promoteLongs: false, promoteValues: true, promoteBuffers: false, bsonRegExp: false } as const;

function cstringEnd(bytes: Uint8Array, from: number): number {
  let i = from;
  while (i < bytes.length && bytes[i] !== 0) i++;
  return i;
}

function int32(bytes: Uint8Array, at: number): number {
  return (bytes[at] as number) | ((bytes[at + 1] as number) << 8) | ((bytes[at + 2] as number) << 16) | ((bytes[at + 3] as number) << 24);
}

/** Length of an element's value, or -1 for a type this reader does not walk (the caller then decodes everything). */
function valueLength(type: number, bytes: Uint8Array, at: number): number {
  switch (type) {
    case 0x01: // double
    case 0x09: // date
    case 0x11: // timestamp
    case 0x12: // int64
      return 8;
    case 0x02: // string
    case 0x0d: // code
    case 0x0e: // symbol
      return 4 + int32(bytes, at);
    case 0x03: // document
    case 0x04: // array
    case 0x0f: // code with scope
      return int32(bytes, at);
    case 0x05: // binary
      return 5 + int32(bytes, at);
    case 0x06: // undefined
    case 0x0a: // null
    case 0xff: // minKey
    case 0x7f: // maxKey
      return 0;
    case 0x07: // ObjectId
      return 12;
    case 0x08: // boolean
      return 1;
    case 0x10: // int32
      return 4;
    case 0x13: // decimal128
      return 16;
    case 0x0b: {
      // regex: two cstrings
      const first = cstringEnd(bytes, at);
      return cstringEnd(bytes, first + 1) + 1 - at;
    }
    default:
      return -1;
  }
}

function isWanted(bytes: Uint8Array, from: number, to: number, wanted: readonly Uint8Array[]): boolean {
  const length = to - from;
  outer: for (const name of wanted) {
    if (name.length !== length) continue;
    for (let i = 0; i < length; i++) if (bytes[from + i] !== name[i]) continue outer;
    return true;
  }
  return false;
}

/** The UTF-8 bytes of each field name, as decodeFields takes them. */
export function fieldNames(names: Iterable<string>): Uint8Array[] {
  return [...new Set(names)].map((n) => Buffer.from(n, 'utf8'));
}

/**
 * The fields named in `wanted` (top-level names), decoded exactly as a full decode would
 * give them; the others are skipped. Falls back to a full decode on anything unexpected.
 */
export function decodeFields(bytes: Uint8Array, wanted: readonly Uint8Array[]): Document {
  const end = int32(bytes, 0) - 1;
  const parts: Uint8Array[] = [];
  let size = 5;
  let at = 4;
  while (at < end) {
    const start = at;
    const type = bytes[at] as number;
    const nameEnd = cstringEnd(bytes, at + 1);
    const length = valueLength(type, bytes, nameEnd + 1);
    if (length < 0 || nameEnd >= end) return deserialize(bytes, READ_OPTIONS);
    at = nameEnd + 1 + length;
    if (isWanted(bytes, start + 1, nameEnd, wanted)) {
      parts.push(bytes.subarray(start, at));
      size += at - start;
    }
  }
  // The wanted elements, copied into one small document that bson decodes in one go.
  // allocUnsafe takes small buffers from Node's shared pool: no ArrayBuffer of its own per document.
  const picked = Buffer.allocUnsafe(size);
  picked.writeInt32LE(size, 0);
  let offset = 4;
  for (const part of parts) {
    picked.set(part, offset);
    offset += part.length;
  }
  picked[offset] = 0;
  return deserialize(picked, READ_OPTIONS);
}
