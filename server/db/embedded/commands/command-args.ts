/** Small readers for command fields, failing with MongoDB-style errors on bad types. */
import { Long, type Document } from 'bson';
import { MongoError } from '../errors';
import { isPlainObject } from '../engine/document-utils';

export function collectionName(cmd: Document, commandName: string): string {
  const name = cmd[commandName] as unknown;
  if (typeof name !== 'string' || name.length === 0) {
    throw new MongoError('InvalidNamespace', `collection name has invalid type ${typeof name}`);
  }
  return name;
}

export function optionalDocument(cmd: Document, field: string): Document | undefined {
  const value = cmd[field] as unknown;
  if (value === undefined || value === null) return undefined;
  if (!isPlainObject(value)) throw new MongoError('TypeMismatch', `BSON field '${field}' is the wrong type, expected type 'object'`);
  return value;
}

export function optionalNumber(cmd: Document, field: string): number | undefined {
  const value = cmd[field] as unknown;
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'number') return value;
  if (value instanceof Long) return value.toNumber();
  if (typeof value === 'bigint') return Number(value);
  throw new MongoError('TypeMismatch', `BSON field '${field}' is the wrong type, expected a number`);
}

export function documentArray(cmd: Document, field: string): Document[] {
  const value = cmd[field] as unknown;
  if (!Array.isArray(value)) throw new MongoError('TypeMismatch', `BSON field '${field}' is missing or not an array`);
  return value as Document[];
}
