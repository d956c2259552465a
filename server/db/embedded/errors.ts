/**
 * Errors the embedded server turns into MongoDB error replies. Codes and code names are
 * the ones real MongoDB uses, because drivers and Mongoose branch on them (e.g. Mongoose
 * ignores `NamespaceExists` on createCollection, the driver retries on some codes).
 */
import type { Document } from 'bson';

export const ErrorCodes = {
  InternalError: 1,
  BadValue: 2,
  FailedToParse: 9,
  TypeMismatch: 14,
  IllegalOperation: 20,
  NamespaceNotFound: 26,
  IndexNotFound: 27,
  CursorNotFound: 43,
  NamespaceExists: 48,
  CommandNotFound: 59,
  ImmutableField: 66,
  InvalidOptions: 72,
  InvalidNamespace: 73,
  IndexOptionsConflict: 85,
  IndexKeySpecsConflict: 86,
  CannotCreateIndex: 67,
  WriteConflict: 112,
  TransactionTooOld: 225,
  NoSuchTransaction: 251,
  TransactionCommitted: 256,
  OperationNotSupportedInTransaction: 263,
  NotImplemented: 238,
  /** MongoDB's IDL parser: "BSON field 'x.y' is an unknown field." (its code name is literally this). */
  Location40415: 40415,
  /** Text index: a document's language override field is not a string. */
  Location17261: 17261,
  /** Text index: a document's language override names an unsupported language. */
  Location17262: 17262,
  /** "$match with $text is only allowed as the first pipeline stage". */
  Location17313: 17313,
  DuplicateKey: 11000,
} as const;

export type ErrorCodeName = keyof typeof ErrorCodes;

export class MongoError extends Error {
  readonly code: number;
  readonly codeName: string;
  /** Extra fields copied into the error reply, e.g. keyPattern/keyValue for E11000. */
  readonly extra: Document;

  constructor(codeName: ErrorCodeName, message: string, extra: Document = {}) {
    super(message);
    this.name = 'MongoError';
    this.codeName = codeName;
    this.code = ErrorCodes[codeName];
    this.extra = extra;
  }

  toReply(): Document {
    return { ok: 0, errmsg: this.message, code: this.code, codeName: this.codeName, ...this.extra };
  }

  /** The shape a write error takes inside `writeErrors` of insert/update/delete replies. */
  toWriteError(index: number): Document {
    return { index, code: this.code, errmsg: this.message, ...this.extra };
  }
}

/** Any thrown value becomes a MongoError so a bug in one command never kills the server. */
export function toMongoError(err: unknown): MongoError {
  if (err instanceof MongoError) return err;
  // mingo rejects malformed queries/pipelines; to the client that is a bad request.
  if (isMingoError(err)) return new MongoError('BadValue', err.message);
  const message = err instanceof Error ? err.message : String(err);
  return new MongoError('InternalError', message);
}

/** True for errors that describe the request, as opposed to a bug in the server. */
export function isClientError(err: unknown): boolean {
  return err instanceof MongoError || isMingoError(err);
}

/**
 * mingo's error class lives in a subpath export that this project's `node10` module
 * resolution cannot import, so recognise it by constructor name.
 */
function isMingoError(err: unknown): err is Error {
  return err instanceof Error && err.constructor.name === 'MingoError';
}
