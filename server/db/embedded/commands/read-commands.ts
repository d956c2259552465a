/** find, getMore, killCursors, aggregate, count, distinct. */
import { Long, type Document } from 'bson';
import { MongoError } from '../errors';
import { canonicalKey, valuesAtPath } from '../engine/document-utils';
import { aggregateDocuments, findDocuments, matchDocuments } from '../engine/query-executor';
import type { CommandTable } from './command-context';
import {
  UNSUPPORTED_OPTIONS,
  collectionName,
  documentArray,
  optionalDocument,
  optionalNumber,
  refuseUnsupportedOptions,
} from './command-args';

function cursorReply(id: Long, ns: string, docs: Document[], key: 'firstBatch' | 'nextBatch'): Document {
  return { cursor: { [key]: docs, id, ns }, ok: 1 };
}

function toCursorId(value: unknown): Long {
  if (value instanceof Long) return value;
  if (typeof value === 'number' && Number.isInteger(value)) return Long.fromNumber(value);
  if (typeof value === 'bigint') return Long.fromBigInt(value);
  throw new MongoError('TypeMismatch', "Field 'getMore' must be of type long");
}

export const readCommands: CommandTable = {
  find: (ctx, cmd) => {
    const name = collectionName(cmd, 'find');
    refuseUnsupportedOptions(cmd, UNSUPPORTED_OPTIONS.find, 'find');
    let limit = optionalNumber(cmd, 'limit');
    let singleBatch = cmd.singleBatch === true;
    // Legacy negative limit: at most |n| documents, in one batch, no cursor left open.
    if (limit !== undefined && limit < 0) {
      limit = -limit;
      singleBatch = true;
    }
    const skip = optionalNumber(cmd, 'skip');
    if (skip !== undefined && skip < 0) throw new MongoError('BadValue', 'skip value must be non-negative');
    const { docs } = findDocuments(
      ctx.engine.getCollection(ctx.db, name),
      {
        filter: optionalDocument(cmd, 'filter'),
        sort: optionalDocument(cmd, 'sort'),
        projection: optionalDocument(cmd, 'projection'),
        skip,
        limit,
      },
      ctx.engine.counters,
    );
    const batch = ctx.engine.cursors.openCursor(`${ctx.db}.${name}`, docs, optionalNumber(cmd, 'batchSize'), singleBatch);
    return cursorReply(batch.id, batch.ns, batch.docs, 'firstBatch');
  },

  getMore: (ctx, cmd) => {
    const id = toCursorId(cmd.getMore);
    const batch = ctx.engine.cursors.getMore(id, optionalNumber(cmd, 'batchSize'));
    if (!batch) throw new MongoError('CursorNotFound', `cursor id ${id.toString()} not found`);
    return cursorReply(batch.id, batch.ns, batch.docs, 'nextBatch');
  },

  killCursors: (ctx, cmd) => {
    const killed: Long[] = [];
    const notFound: Long[] = [];
    for (const raw of documentArray(cmd, 'cursors') as unknown[]) {
      const id = toCursorId(raw);
      (ctx.engine.cursors.kill(id) ? killed : notFound).push(id);
    }
    return { cursorsKilled: killed, cursorsNotFound: notFound, cursorsAlive: [], cursorsUnknown: [], ok: 1 };
  },

  aggregate: (ctx, cmd) => {
    refuseUnsupportedOptions(cmd, UNSUPPORTED_OPTIONS.aggregate, 'aggregate');
    if (cmd.explain === true) throw new MongoError('NotImplemented', "explain is not supported by Écart's embedded server");
    const target = cmd.aggregate as unknown;
    if (typeof target !== 'string') {
      throw new MongoError('NotImplemented', "database-level aggregate ({ aggregate: 1 }) is not supported by Écart's embedded server");
    }
    const cursorOpts = optionalDocument(cmd, 'cursor');
    if (cursorOpts === undefined) {
      throw new MongoError('FailedToParse', "The 'cursor' option is required, except for aggregate with the explain argument");
    }
    const docs = aggregateDocuments(
      {
        coll: ctx.engine.getCollection(ctx.db, target),
        resolveCollection: (name) => ctx.engine.getCollection(ctx.db, name),
        counters: ctx.engine.counters,
      },
      documentArray(cmd, 'pipeline'),
    );
    const batch = ctx.engine.cursors.openCursor(`${ctx.db}.${target}`, docs, optionalNumber(cursorOpts, 'batchSize'));
    return cursorReply(batch.id, batch.ns, batch.docs, 'firstBatch');
  },

  count: (ctx, cmd) => {
    const name = collectionName(cmd, 'count');
    refuseUnsupportedOptions(cmd, UNSUPPORTED_OPTIONS.count, 'count');
    const matched = matchDocuments(ctx.engine.getCollection(ctx.db, name), optionalDocument(cmd, 'query'), ctx.engine.counters);
    const skip = Math.max(0, optionalNumber(cmd, 'skip') ?? 0);
    const limit = Math.abs(optionalNumber(cmd, 'limit') ?? 0);
    let n = Math.max(0, matched.docs.length - skip);
    if (limit > 0) n = Math.min(n, limit);
    return { n, ok: 1 };
  },

  distinct: (ctx, cmd) => {
    const name = collectionName(cmd, 'distinct');
    refuseUnsupportedOptions(cmd, UNSUPPORTED_OPTIONS.distinct, 'distinct');
    const key = cmd.key as unknown;
    if (typeof key !== 'string') throw new MongoError('TypeMismatch', "BSON field 'distinct.key' is missing or not a string");
    const matched = matchDocuments(ctx.engine.getCollection(ctx.db, name), optionalDocument(cmd, 'query'), ctx.engine.counters);
    const seen = new Map<string, unknown>();
    for (const doc of matched.docs) {
      for (const value of valuesAtPath(doc, key)) {
        if (value === undefined) continue;
        const k = canonicalKey(value);
        if (!seen.has(k)) seen.set(k, value);
      }
    }
    return { values: [...seen.values()], ok: 1 };
  },
};
