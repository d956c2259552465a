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

/** How every refusal of an option the server does not implement ends. */
export const USE_REAL_MONGODB = "is not supported by Écart's embedded server; use a real MongoDB (MONGODB_URI)";

/**
 * Options each command accepts in MongoDB but this server does not implement. They change
 * what a command returns or does, so ignoring them would silently answer another question:
 * they are refused with NotImplemented (238). Harmless transport fields (lsid, txnNumber,
 * readConcern, writeConcern, maxTimeMS, comment, apiVersion, …) and options that cannot
 * change a standalone's answer (allowDiskUse, allowPartialResults, bypassDocumentValidation,
 * oplogReplay) are accepted. `hint` is refused until the planner honours it.
 */
export const UNSUPPORTED_OPTIONS = {
  find: ['collation', 'let', 'hint', 'min', 'max', 'returnKey', 'showRecordId', 'tailable', 'awaitData', 'noCursorTimeout'],
  aggregate: ['collation', 'let', 'hint'],
  count: ['collation', 'hint'],
  distinct: ['collation'],
  update: ['let'],
  updateStatement: ['collation', 'hint', 'c'],
  delete: ['let'],
  deleteStatement: ['collation', 'hint'],
  findAndModify: ['collation', 'let', 'hint'],
} as const;

/** A refused option counts as asked for unless absent, null, false or 0. */
function isRequested(value: unknown): boolean {
  return value !== undefined && value !== null && value !== false && value !== 0;
}

/** Throws NotImplemented for the first of `options` that `cmd` asks for. */
export function refuseUnsupportedOptions(cmd: Document, options: readonly string[], commandName: string): void {
  for (const option of options) {
    if (isRequested(cmd[option])) {
      throw new MongoError('NotImplemented', `The '${option}' option of ${commandName} ${USE_REAL_MONGODB}`);
    }
  }
}

/**
 * The same for every statement of an update/delete (`field` is `updates` or `deletes`),
 * checked before any statement runs so a refused command changes nothing.
 */
export function refuseUnsupportedStatementOptions(
  cmd: Document,
  field: 'updates' | 'deletes',
  options: readonly string[],
  commandName: string,
): void {
  const statements = cmd[field] as unknown;
  if (!Array.isArray(statements)) return; // documentArray reports it
  for (const [index, stmt] of (statements as unknown[]).entries()) {
    if (!isPlainObject(stmt)) continue; // the statement loop reports it
    for (const option of options) {
      if (isRequested(stmt[option])) {
        throw new MongoError(
          'NotImplemented',
          `The '${option}' option of ${commandName} statements (${field}[${index}].${option}) ${USE_REAL_MONGODB}`,
        );
      }
    }
  }
}

/**
 * MongoDB 7.0's own answer to a statement field it does not know (e.g. `updates[i].sort`,
 * which only MongoDB 8.0 accepts): code 40415, "BSON field 'update.updates.sort' is an
 * unknown field."
 */
export function refuseUnknownStatementField(cmd: Document, field: 'updates' | 'deletes', name: string, commandName: string): void {
  const statements = cmd[field] as unknown;
  if (!Array.isArray(statements)) return;
  for (const stmt of statements as unknown[]) {
    if (isPlainObject(stmt) && Object.prototype.hasOwnProperty.call(stmt, name)) {
      throw new MongoError('Location40415', `BSON field '${commandName}.${field}.${name}' is an unknown field.`);
    }
  }
}
