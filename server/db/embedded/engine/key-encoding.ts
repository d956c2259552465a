/**
 * Order-preserving keys for the ordered indexes. A value becomes a "byte string": a JS
 * string whose every char is in 0..255, so comparing two keys with `<` compares them the
 * way MongoDB compares the values (its BSON type order first, then the value). This is the
 * idea of WiredTiger's KeyString, reduced to the types Écart stores.
 *
 * Properties the planner relies on:
 * - order: `encode(a) < encode(b)` exactly when MongoDB sorts a before b;
 * - prefix-free: no key is a prefix of another, so a compound key is the concatenation of
 *   its fields' keys, and "every key that starts with P" is the range [P, P + HIGH);
 * - equality: values MongoDB's `$eq` calls equal get the same key (1, 1.0, Long(1)).
 * A descending field stores the complement of each byte, which reverses the order.
 */
import type { Binary, ObjectId, Timestamp } from 'bson';
import { isPlainObject } from './document-utils';

/**
 * Bumped whenever keys or index entries (see indexes.ts) are encoded differently: stored
 * index keys of another version are not trusted, and the index is rebuilt from the documents.
 */
export const KEY_ENCODING_VERSION = 1;

/** Above every char a key can contain: `prefix + HIGH` bounds all keys starting with prefix. */
export const HIGH = '\u0100';

/** MongoDB's comparison order of BSON types (numbers of all kinds compare as one type). */
export const TypeTag = {
  minKey: 0x01,
  null: 0x05,
  number: 0x10,
  string: 0x14,
  object: 0x18,
  array: 0x1c,
  binary: 0x20,
  objectId: 0x24,
  boolean: 0x28,
  date: 0x2c,
  timestamp: 0x30,
  regex: 0x34,
  maxKey: 0x3c,
} as const;

const scratch = new DataView(new ArrayBuffer(8));

function chr(code: number): string {
  return String.fromCharCode(code);
}

/** 8 bytes that sort like the double: sign bit flipped for positives, every bit for negatives. */
function encodeDouble(value: number): string {
  if (Number.isNaN(value)) return '\0\0\0\0\0\0\0\0'; // MongoDB sorts NaN below every number
  scratch.setFloat64(0, value === 0 ? 0 : value); // -0 and 0 are equal
  const negative = (scratch.getUint8(0) & 0x80) !== 0;
  let out = '';
  for (let i = 0; i < 8; i++) {
    const byte = scratch.getUint8(i);
    out += chr(negative ? 255 - byte : i === 0 ? byte ^ 0x80 : byte);
  }
  return out;
}

/** Printable-or-not ASCII without NUL: its UTF-8 bytes are its chars, and none needs escaping. */
function isSimpleAscii(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code === 0 || code > 0x7f) return false;
  }
  return true;
}

/** UTF-8 bytes (MongoDB compares strings bytewise), 0x00 escaped as 00 FF, ended by 00 01. */
function encodeStringBody(value: string): string {
  if (isSimpleAscii(value)) return `${value}\0\x01`;
  const bytes = Buffer.from(value, 'utf8');
  let out = '';
  for (const byte of bytes) out += byte === 0 ? '\0\xff' : chr(byte);
  return `${out}\0\x01`;
}

function encodeUint32(n: number): string {
  return chr((n >>> 24) & 255) + chr((n >>> 16) & 255) + chr((n >>> 8) & 255) + chr(n & 255);
}

function bytesToChars(bytes: Uint8Array): string {
  let out = '';
  for (const byte of bytes) out += chr(byte);
  return out;
}

interface BsonValue {
  _bsontype?: string;
  valueOf(): unknown;
  toString(): string;
}

/** The key of one value (never an array at the top of an index key: those are multikey). */
export function encodeValue(value: unknown): string {
  if (value === undefined || value === null) return chr(TypeTag.null);
  switch (typeof value) {
    case 'number':
      return chr(TypeTag.number) + encodeDouble(value);
    case 'bigint':
      return chr(TypeTag.number) + encodeDouble(Number(value));
    case 'string':
      return chr(TypeTag.string) + encodeStringBody(value);
    case 'boolean':
      return chr(TypeTag.boolean) + (value ? '\x01' : '\0');
    default:
      break;
  }
  if (value instanceof Date) return chr(TypeTag.date) + encodeDouble(value.getTime());
  if (value instanceof RegExp) return chr(TypeTag.regex) + encodeStringBody(value.source) + encodeStringBody(value.flags);
  if (Array.isArray(value)) {
    let out = chr(TypeTag.array);
    for (const element of value as unknown[]) out += encodeValue(element);
    return `${out}\0`;
  }
  if (isPlainObject(value)) {
    // MongoDB compares objects pair by pair: the value's type, then the field name, then the value.
    let out = chr(TypeTag.object);
    for (const [field, fieldValue] of Object.entries(value) as [string, unknown][]) {
      const encoded = encodeValue(fieldValue);
      out += encoded.charAt(0) + encodeStringBody(field) + encoded.slice(1);
    }
    return `${out}\0`;
  }
  const bson = value as BsonValue;
  switch (bson._bsontype) {
    case 'ObjectId':
      return chr(TypeTag.objectId) + bytesToChars((value as ObjectId).id);
    case 'Int32':
    case 'Double':
      return chr(TypeTag.number) + encodeDouble(Number(bson.valueOf()));
    case 'Long':
    case 'Decimal128':
      return chr(TypeTag.number) + encodeDouble(Number(bson.toString()));
    case 'Binary': {
      // MongoDB orders binData by length, then subtype, then bytes.
      const binary = value as Binary;
      const bytes = binary.buffer.subarray(0, binary.position);
      return chr(TypeTag.binary) + encodeUint32(bytes.length) + chr(binary.sub_type) + bytesToChars(bytes);
    }
    case 'Timestamp': {
      const ts = value as Timestamp;
      return chr(TypeTag.timestamp) + encodeUint32(ts.high) + encodeUint32(ts.low);
    }
    case 'BSONRegExp': {
      const re = value as unknown as { pattern: string; options: string };
      return chr(TypeTag.regex) + encodeStringBody(re.pattern) + encodeStringBody(re.options);
    }
    case 'MinKey':
      return chr(TypeTag.minKey);
    case 'MaxKey':
      return chr(TypeTag.maxKey);
    case 'BSONSymbol':
      return chr(TypeTag.string) + encodeStringBody(bson.toString());
    default:
      return chr(TypeTag.object) + encodeStringBody(`${bson._bsontype ?? 'unknown'}:${bson.toString()}`) + '\0';
  }
}

/** Reverses the order of a key, for the descending fields of an index. */
export function complement(key: string): string {
  let out = '';
  for (let i = 0; i < key.length; i++) out += chr(255 - key.charCodeAt(i));
  return out;
}

export function encodeComponent(value: unknown, direction: 1 | -1): string {
  const key = encodeValue(value);
  return direction === 1 ? key : complement(key);
}


/** The `_id` key used as the primary key of a collection's document tree. */
export function encodeId(id: unknown): string {
  return encodeValue(id);
}
