/** insert, update, delete, findAndModify: the write commands, replying once persisted. */
import type { Document } from 'bson';
import { MongoError, toMongoError } from '../errors';
import { isPlainObject } from '../engine/document-utils';
import { deleteDocuments, findAndModify, insertDocument, updateDocuments } from '../engine/write-operations';
import type { CommandContext, CommandTable } from './command-context';
import {
  UNSUPPORTED_OPTIONS,
  collectionName,
  documentArray,
  optionalDocument,
  optionalNumber,
  refuseUnknownStatementField,
  refuseUnsupportedOptions,
  refuseUnsupportedStatementOptions,
} from './command-args';

interface StatementLoop {
  writeErrors: Document[];
}

/** The longest a write command runs before letting other connections' commands in. */
const SLICE_MS = 10;

function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * Runs statements one by one, turning failures into `writeErrors`. `ordered` (the default)
 * stops at the first failure; everything before it stays applied, as in MongoDB.
 *
 * A large command (an insertMany of thousands of documents) is applied in slices of about
 * 10 ms, each its own journal batch, with a turn of the event loop between them, so it never
 * holds up the other connections (MongoDB yields between documents too; a multi-document
 * write is not atomic there either). The reply waits until every slice is durable.
 */
async function runStatements<T>(
  ctx: CommandContext,
  statements: T[],
  ordered: boolean,
  run: (stmt: T, index: number) => void,
): Promise<StatementLoop> {
  const writeErrors: Document[] = [];
  let index = 0;
  let stopped = false;
  // An object, so the closures below and the check at the end see the same slot.
  const failed: { error: Error | null } = { error: null };
  const acknowledgements: Promise<void>[] = [];
  while (index < statements.length && !stopped) {
    const { outcome, acknowledged } = ctx.apply(() => {
      const sliceStart = performance.now();
      do {
        try {
          run(statements[index] as T, index);
        } catch (err) {
          writeErrors.push(toMongoError(err).toWriteError(index));
          if (ordered) stopped = true;
        }
        index++;
      } while (!stopped && index < statements.length && performance.now() - sliceStart < SLICE_MS);
    });
    acknowledgements.push(
      acknowledged.catch((err: unknown) => {
        failed.error ??= err instanceof Error ? err : new Error(String(err));
      }),
    );
    if (outcome.error !== undefined) throw outcome.error;
    if (index < statements.length && !stopped) await nextTurn();
  }
  await Promise.all(acknowledgements);
  if (failed.error !== null) throw failed.error;
  return { writeErrors };
}

function withWriteErrors(reply: Document, loop: StatementLoop): Document {
  return loop.writeErrors.length > 0 ? { ...reply, writeErrors: loop.writeErrors } : reply;
}

export const writeCommands: CommandTable = {
  insert: async (ctx, cmd) => {
    const name = collectionName(cmd, 'insert');
    const documents = documentArray(cmd, 'documents');
    const ordered = cmd.ordered !== false;
    let n = 0;
    const loop = await runStatements(ctx, documents, ordered, (doc) => {
      insertDocument(ctx.store, ctx.db, name, doc);
      n += 1;
    });
    return withWriteErrors({ n, ok: 1 }, loop);
  },

  update: async (ctx, cmd) => {
    const name = collectionName(cmd, 'update');
    const updates = documentArray(cmd, 'updates');
    refuseUnknownStatementField(cmd, 'updates', 'sort', 'update');
    refuseUnsupportedOptions(cmd, UNSUPPORTED_OPTIONS.update, 'update');
    refuseUnsupportedStatementOptions(cmd, 'updates', UNSUPPORTED_OPTIONS.updateStatement, 'update');
    const ordered = cmd.ordered !== false;
    let n = 0;
    let nModified = 0;
    const upserted: Document[] = [];
    const loop = await runStatements(ctx, updates, ordered, (stmt, index) => {
        if (!isPlainObject(stmt)) throw new MongoError('TypeMismatch', 'update statement must be an object');
        const result = updateDocuments(ctx.store, ctx.db, name, {
          q: optionalDocument(stmt, 'q'),
          u: stmt.u as Document | Document[],
          multi: stmt.multi === true,
          upsert: stmt.upsert === true,
          arrayFilters: stmt.arrayFilters as Document[] | undefined,
        });
        n += result.n;
        nModified += result.nModified;
      if (result.upsertedId !== undefined) upserted.push({ index, _id: result.upsertedId });
    });
    const reply: Document = { n, nModified, ok: 1 };
    if (upserted.length > 0) reply.upserted = upserted;
    return withWriteErrors(reply, loop);
  },

  delete: async (ctx, cmd) => {
    const name = collectionName(cmd, 'delete');
    const deletes = documentArray(cmd, 'deletes');
    refuseUnsupportedOptions(cmd, UNSUPPORTED_OPTIONS.delete, 'delete');
    refuseUnsupportedStatementOptions(cmd, 'deletes', UNSUPPORTED_OPTIONS.deleteStatement, 'delete');
    const ordered = cmd.ordered !== false;
    let n = 0;
    const loop = await runStatements(ctx, deletes, ordered, (stmt) => {
        if (!isPlainObject(stmt)) throw new MongoError('TypeMismatch', 'delete statement must be an object');
        const limit = optionalNumber(stmt, 'limit') ?? 0;
        if (limit !== 0 && limit !== 1) throw new MongoError('FailedToParse', 'The limit field in delete objects must be 0 or 1');
        n += deleteDocuments(ctx.store, ctx.db, name, optionalDocument(stmt, 'q'), limit);
    });
    return withWriteErrors({ n, ok: 1 }, loop);
  },

  findAndModify: (ctx, cmd) => runFindAndModify(ctx, cmd, 'findAndModify'),
  findandmodify: (ctx, cmd) => runFindAndModify(ctx, cmd, 'findandmodify'),
};

async function runFindAndModify(
  ctx: Parameters<NonNullable<CommandTable[string]>>[0],
  cmd: Document,
  commandName: string,
): Promise<Document> {
  const name = collectionName(cmd, commandName);
  refuseUnsupportedOptions(cmd, UNSUPPORTED_OPTIONS.findAndModify, commandName);
  const update = cmd.update as unknown;
  if (update !== undefined && !isPlainObject(update) && !Array.isArray(update)) {
    throw new MongoError('FailedToParse', "'update' must be an object or a pipeline");
  }
  const outcome = await ctx.write(() =>
    findAndModify(ctx.store, ctx.db, name, {
      query: optionalDocument(cmd, 'query'),
      sort: optionalDocument(cmd, 'sort'),
      remove: cmd.remove === true,
      update: update as Document | Document[] | undefined,
      new: cmd.new === true,
      fields: optionalDocument(cmd, 'fields'),
      upsert: cmd.upsert === true,
      arrayFilters: cmd.arrayFilters as Document[] | undefined,
    }),
  );
  if (outcome.error !== undefined) throw outcome.error;
  const result = outcome.result as { value: Document | null; lastErrorObject: Document };
  return { lastErrorObject: result.lastErrorObject, value: result.value, ok: 1 };
}
