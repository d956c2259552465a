import { Error as MongooseError, type Document } from 'mongoose';
import { AppError } from '../errors';

/** A save refused because someone saved first; `details.version` is what the form should now carry. */
export function staleVersion(entity: string, current: number | undefined): AppError {
  return new AppError({ code: 'CONFLICT', message: `The ${entity} changed since the form was opened`, details: { version: String(current ?? 0) } });
}

/**
 * Saves `doc` only if it is still at `version`, the one the editor's form was opened on.
 * The check catches a form left open while someone else saved; the schema's
 * optimisticConcurrency catches a save landing between this read and this write.
 */
export async function saveAtVersion(entity: string, doc: Document, version: number): Promise<void> {
  // A document written outside Mongoose (by hand, by an import) may lack __v: version 0.
  const current = (): number => Number(doc.get('__v') ?? 0);
  if (current() !== version) throw staleVersion(entity, current());
  try {
    await doc.save();
  } catch (err) {
    if (!(err instanceof MongooseError.VersionError)) throw err;
    const stored = await (doc.constructor as unknown as { findById(id: unknown, fields: object): { lean(): Promise<{ __v?: number } | null> } })
      .findById(doc._id, { __v: 1 })
      .lean();
    throw staleVersion(entity, stored?.__v);
  }
}
