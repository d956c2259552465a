/** find, getMore, killCursors, aggregate, count, distinct. */
import { Long, type Document } from 'bson';
import { MongoError } from '../errors';
import { canonicalKey, valuesAtPath } from '../engine/document-utils';
import {
  aggregateDocuments,
  countDocuments,
  findDocuments,
  matchDocuments,
  type AggregateResult,
  type ExecutionStats,
  type FindSpec,
} from '../engine/query-executor';
import type { CommandContext, CommandTable } from './command-context';
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

interface FindArgs {
  name: string;
  spec: FindSpec;
  singleBatch: boolean;
}

function findArgs(cmd: Document): FindArgs {
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
  return {
    name,
    singleBatch,
    spec: {
      filter: optionalDocument(cmd, 'filter'),
      sort: optionalDocument(cmd, 'sort'),
      projection: optionalDocument(cmd, 'projection'),
      skip,
      limit,
    },
  };
}

function aggregateTarget(cmd: Document): string {
  refuseUnsupportedOptions(cmd, UNSUPPORTED_OPTIONS.aggregate, 'aggregate');
  const target = cmd.aggregate as unknown;
  if (typeof target !== 'string') {
    throw new MongoError('NotImplemented', "database-level aggregate ({ aggregate: 1 }) is not supported by Écart's embedded server");
  }
  return target;
}

function runAggregate(ctx: CommandContext, target: string, cmd: Document): AggregateResult {
  return aggregateDocuments(
    {
      coll: ctx.store.getCollection(ctx.db, target),
      resolveCollection: (name) => ctx.store.getCollection(ctx.db, name),
      counters: ctx.store.counters,
    },
    documentArray(cmd, 'pipeline'),
  );
}

function runCount(ctx: CommandContext, cmd: Document): { n: number; stats: ExecutionStats } {
  const name = collectionName(cmd, 'count');
  refuseUnsupportedOptions(cmd, UNSUPPORTED_OPTIONS.count, 'count');
  const skip = Math.max(0, optionalNumber(cmd, 'skip') ?? 0);
  const limit = Math.abs(optionalNumber(cmd, 'limit') ?? 0);
  const counted = countDocuments(ctx.store.getCollection(ctx.db, name), optionalDocument(cmd, 'query'), ctx.store.counters);
  let n = Math.max(0, counted.n - skip);
  if (limit > 0) n = Math.min(n, limit);
  return { n, stats: counted.stats };
}

/** MongoDB's explain shape, with the figures the engine really has: the plan and what it read. */
function explainReply(ns: string, stats: ExecutionStats, nReturned: number, verbosity: string): Document {
  const scan: Document =
    stats.indexName === 'COLLSCAN' || stats.indexName === null
      ? { stage: 'COLLSCAN', direction: 'forward' }
      : stats.indexName === 'COUNT'
        ? { stage: 'RECORD_STORE_FAST_COUNT' }
        : { stage: 'IXSCAN', indexName: stats.indexName, direction: stats.reverse ? 'backward' : 'forward' };
  const fetched: Document = stats.docsExamined > 0 || scan.stage === 'IXSCAN' ? { stage: 'FETCH', inputStage: scan } : scan;
  const winningPlan: Document = stats.sortedByIndex ? fetched : { stage: 'SORT', inputStage: fetched };
  const reply: Document = {
    queryPlanner: { namespace: ns, winningPlan, rejectedPlans: [], plansConsidered: stats.plansConsidered },
    ok: 1,
  };
  if (verbosity !== 'queryPlanner') {
    reply.executionStats = {
      executionSuccess: true,
      nReturned,
      totalKeysExamined: stats.keysExamined,
      totalDocsExamined: stats.docsExamined,
    };
  }
  return reply;
}

export const readCommands: CommandTable = {
  find: (ctx, cmd) => {
    const { name, spec, singleBatch } = findArgs(cmd);
    const { docs } = findDocuments(ctx.store.getCollection(ctx.db, name), spec, ctx.store.counters);
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
    const target = aggregateTarget(cmd);
    if (cmd.explain === true) {
      const result = runAggregate(ctx, target, cmd);
      return explainReply(`${ctx.db}.${target}`, result.stats, result.docs.length, 'executionStats');
    }
    const cursorOpts = optionalDocument(cmd, 'cursor');
    if (cursorOpts === undefined) {
      throw new MongoError('FailedToParse', "The 'cursor' option is required, except for aggregate with the explain argument");
    }
    const { docs } = runAggregate(ctx, target, cmd);
    const batch = ctx.engine.cursors.openCursor(`${ctx.db}.${target}`, docs, optionalNumber(cursorOpts, 'batchSize'));
    return cursorReply(batch.id, batch.ns, batch.docs, 'firstBatch');
  },

  count: (ctx, cmd) => ({ n: runCount(ctx, cmd).n, ok: 1 }),

  distinct: (ctx, cmd) => {
    const name = collectionName(cmd, 'distinct');
    refuseUnsupportedOptions(cmd, UNSUPPORTED_OPTIONS.distinct, 'distinct');
    const key = cmd.key as unknown;
    if (typeof key !== 'string') throw new MongoError('TypeMismatch', "BSON field 'distinct.key' is missing or not a string");
    const matched = matchDocuments(ctx.store.getCollection(ctx.db, name), optionalDocument(cmd, 'query'), ctx.store.counters);
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

  /** `explain` of find, count and aggregate: the winning plan and the entries and documents it read. */
  explain: (ctx, cmd) => {
    const inner = optionalDocument(cmd, 'explain');
    if (!inner) throw new MongoError('FailedToParse', 'explain must be an object');
    const verbosity = typeof cmd.verbosity === 'string' ? cmd.verbosity : 'allPlansExecution';
    const innerName = Object.keys(inner)[0];
    const innerCtx = { ...ctx, db: typeof inner.$db === 'string' ? inner.$db : ctx.db };
    switch (innerName) {
      case 'find': {
        const { name, spec } = findArgs(inner);
        const found = findDocuments(innerCtx.store.getCollection(innerCtx.db, name), spec, innerCtx.store.counters);
        return explainReply(`${innerCtx.db}.${name}`, found.stats, found.docs.length, verbosity);
      }
      case 'count': {
        const counted = runCount(innerCtx, inner);
        return explainReply(`${innerCtx.db}.${collectionName(inner, 'count')}`, counted.stats, counted.n, verbosity);
      }
      case 'aggregate': {
        const target = aggregateTarget(inner);
        const result = runAggregate(innerCtx, target, inner);
        return explainReply(`${innerCtx.db}.${target}`, result.stats, result.docs.length, verbosity);
      }
      default:
        throw new MongoError('NotImplemented', `explain of '${String(innerName)}' is not supported by Écart's embedded server`);
    }
  },
};
