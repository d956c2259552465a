/**
 * Value helpers shared by the engine: canonical keys for index maps, dotted-path reads with
 * MongoDB's array semantics, and a deep clone that keeps BSON value classes intact
 * (structuredClone would turn an ObjectId into a plain object).
 */
import { Binary, ObjectId, type Document } from 'bson';

export function isPlainObject(value: unknown): value is Document {
  if (value === null || typeof value !== 'object') return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/** True for `{ $eq: 1 }`-style operator objects, as opposed to embedded documents. */
export function isOperatorObject(value: unknown): value is Document {
  if (!isPlainObject(value)) return false;
  const keys = Object.keys(value);
  return keys.length > 0 && keys.every((k) => k.startsWith('$'));
}

interface BsonLike {
  _bsontype?: string;
  toString(): string;
  toHexString?: () => string;
  valueOf(): unknown;
}

/**
 * A JSON-able form in which two values are equal exactly when MongoDB's equality says so
 * for the types we store: 1, 1.0 and Long(1) collapse; an ObjectId and its hex string do not.
 */
function canonicalForm(value: unknown): unknown {
  if (value === undefined || value === null) return ['z'];
  switch (typeof value) {
    case 'number':
      return ['n', Object.is(value, -0) ? 0 : Number.isNaN(value) ? 'NaN' : value];
    case 'bigint':
      return ['n', Number.isSafeInteger(Number(value)) ? Number(value) : value.toString()];
    case 'string':
      return ['s', value];
    case 'boolean':
      return ['b', value];
    default:
      break;
  }
  if (value instanceof Date) return ['d', value.getTime()];
  if (value instanceof RegExp) return ['r', value.source, value.flags];
  if (Array.isArray(value)) return ['a', value.map(canonicalForm)];
  if (isPlainObject(value)) return ['o', Object.entries(value).map(([k, v]) => [k, canonicalForm(v)])];
  const bson = value as BsonLike;
  switch (bson._bsontype) {
    case 'ObjectId':
      return ['i', (value as ObjectId).toHexString()];
    case 'Int32':
    case 'Double':
      return ['n', Number(bson.valueOf())];
    case 'Long': {
      const asNumber = Number(bson.toString());
      return ['n', Number.isSafeInteger(asNumber) ? asNumber : bson.toString()];
    }
    case 'Decimal128': {
      const asNumber = Number(bson.toString());
      return ['n', Number.isFinite(asNumber) ? asNumber : bson.toString()];
    }
    case 'Binary':
      return ['x', (value as Binary).sub_type, Buffer.from((value as Binary).buffer).toString('base64')];
    default:
      return ['t', bson._bsontype ?? 'object', bson.toString()];
  }
}

export function canonicalKey(value: unknown): string {
  return JSON.stringify(canonicalForm(value));
}


/** The marker for "field missing", which non-sparse indexes store as null, as MongoDB does. */
export const MISSING = undefined;

/**
 * Every value a dotted path reaches, walking through arrays the way MongoDB's multikey
 * indexes do: `{ tags: ['a','b'] }` at `tags` gives 'a' and 'b'; a missing field gives
 * `undefined`. An empty array at the leaf is kept whole, since it is indexed as itself.
 */
export function valuesAtPath(doc: unknown, path: string): unknown[] {
  const out: unknown[] = [];
  collect(doc, path.split('.'), 0, out);
  return out;
}

function collect(value: unknown, parts: string[], i: number, out: unknown[]): void {
  if (i === parts.length) {
    if (Array.isArray(value) && value.length > 0) out.push(...(value as unknown[]));
    else out.push(value);
    return;
  }
  const part = parts[i] as string;
  if (Array.isArray(value)) {
    if (/^\d+$/.test(part)) {
      collect(value[Number(part)], parts, i + 1, out);
      return;
    }
    const objects = value.filter((el) => isPlainObject(el));
    if (objects.length === 0) out.push(MISSING);
    for (const el of objects) collect(el, parts, i, out);
    return;
  }
  if (isPlainObject(value)) {
    collect(value[part], parts, i + 1, out);
    return;
  }
  out.push(MISSING);
}

/** Reads a dotted path without array traversal, for building error messages. */
export function getPath(doc: Document, path: string): unknown {
  let current: unknown = doc;
  for (const part of path.split('.')) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Document)[part];
  }
  return current;
}

export function setPath(doc: Document, path: string, value: unknown): void {
  const parts = path.split('.');
  let current: Document = doc;
  parts.forEach((part, i) => {
    if (i === parts.length - 1) {
      current[part] = value;
      return;
    }
    if (!isPlainObject(current[part])) current[part] = {};
    current = current[part] as Document;
  });
}

/** Deep copy of plain objects, arrays and Dates; BSON value objects are immutable and shared. */
export function cloneDocument<T>(value: T): T {
  if (Array.isArray(value)) return value.map((v: unknown) => cloneDocument(v)) as T;
  if (value instanceof Date) return new Date(value.getTime()) as T;
  if (isPlainObject(value)) {
    const copy: Document = {};
    for (const [k, v] of Object.entries(value) as [string, unknown][]) copy[k] = cloneDocument(v);
    return copy as T;
  }
  return value;
}

/** Formats a value the way MongoDB prints it in E11000 messages: `{ name: "x" }`. */
export function formatKeyValue(value: unknown): string {
  if (value === undefined || value === null) return 'null';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value instanceof Date) return `new Date(${value.getTime()})`;
  if (Array.isArray(value)) return `[ ${value.map(formatKeyValue).join(', ')} ]`;
  if (isPlainObject(value)) {
    const entries = Object.entries(value).map(([k, v]) => `${k}: ${formatKeyValue(v)}`);
    return entries.length === 0 ? '{}' : `{ ${entries.join(', ')} }`;
  }
  const bson = value as BsonLike;
  if (bson._bsontype === 'ObjectId') return `ObjectId('${(value as ObjectId).toHexString()}')`;
  return bson.toString();
}
