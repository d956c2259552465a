/** Collections, indexes and databases: create/drop/list and index management. */
import type { Document } from 'bson';
import { Query } from 'mingo';
import type { IndexSpec } from '../persistence.types';
import { MongoError } from '../errors';
import { isPlainObject } from '../engine/document-utils';
import { isTextIndexKey, validateTextIndexOptions } from '../engine/text-search';
import type { Collection } from '../engine/collection';
import type { CommandContext, CommandTable } from './command-context';
import { collectionName, documentArray, optionalDocument, optionalNumber } from './command-args';

/** Command fields that are transport metadata, not collection options. */
const GENERIC_FIELDS = new Set(['lsid', 'txnNumber', 'writeConcern', 'readConcern', 'comment', 'maxTimeMS', 'apiVersion', 'apiStrict', 'apiDeprecationErrors']);

/** Options whose behaviour the engine does not implement; accepting them would be a lie. */
const REFUSED_CREATE_OPTIONS = ['capped', 'timeseries', 'viewOn', 'pipeline', 'validator', 'clusteredIndex', 'changeStreamPreAndPostImages', 'collation', 'encryptedFields'];

const ID_INDEX_DESCRIPTION = { v: 2, key: { _id: 1 }, name: '_id_' };

function describeIndex(spec: IndexSpec): Document {
  if (isTextIndexKey(spec.key)) {
    // MongoDB reports text indexes in this normalised form; Mongoose's index diffing expects it.
    const key: Document = {};
    const weights: Document = {};
    for (const [field, dir] of Object.entries(spec.key)) {
      if (dir === 'text') weights[field] = spec.weights?.[field] ?? 1;
      else key[field] = dir;
    }
    Object.assign(weights, spec.weights ?? {});
    return {
      v: 2,
      key: { _fts: 'text', _ftsx: 1, ...key },
      name: spec.name,
      ...(spec.unique ? { unique: true } : {}),
      ...(spec.sparse ? { sparse: true } : {}),
      weights,
      default_language: spec.default_language ?? 'english',
      language_override: spec.language_override ?? 'language',
      textIndexVersion: 3,
    };
  }
  const out: Document = { v: 2, key: spec.key, name: spec.name };
  if (spec.unique) out.unique = true;
  if (spec.sparse) out.sparse = true;
  if (spec.expireAfterSeconds !== undefined) out.expireAfterSeconds = spec.expireAfterSeconds;
  if (spec.partialFilterExpression) out.partialFilterExpression = spec.partialFilterExpression;
  return out;
}

function toIndexSpec(raw: unknown): IndexSpec {
  if (!isPlainObject(raw)) throw new MongoError('TypeMismatch', 'index specification must be an object');
  if (!isPlainObject(raw.key)) throw new MongoError('FailedToParse', "The 'key' field is a required property of an index specification");
  if (typeof raw.name !== 'string') throw new MongoError('FailedToParse', "The 'name' field is a required property of an index specification");
  if (raw.collation !== undefined) {
    throw new MongoError('NotImplemented', "index collations are not supported by Écart's embedded server; use a real MongoDB (MONGODB_URI)");
  }
  const key: unknown = raw.key;
  const spec: IndexSpec = { name: raw.name, key: key as IndexSpec['key'] };
  if (raw.unique === true) spec.unique = true;
  if (raw.sparse === true) spec.sparse = true;
  const weights: unknown = raw.weights;
  if (isPlainObject(weights)) spec.weights = weights;
  // Checked here, not only in the engine, so a non-string value is refused rather than dropped.
  if (isTextIndexKey(spec.key)) validateTextIndexOptions(raw);
  if (typeof raw.default_language === 'string') spec.default_language = raw.default_language;
  if (typeof raw.language_override === 'string') spec.language_override = raw.language_override;
  if (typeof raw.expireAfterSeconds === 'number') spec.expireAfterSeconds = raw.expireAfterSeconds;
  if (isPlainObject(raw.partialFilterExpression)) spec.partialFilterExpression = raw.partialFilterExpression;
  return spec;
}

function describeCollection(coll: Collection): Document {
  return { name: coll.name, type: 'collection', options: coll.options, info: { readOnly: false }, idIndex: ID_INDEX_DESCRIPTION };
}

function cursorOf(ctx: CommandContext, ns: string, docs: Document[], cmd: Document): Document {
  const cursorOpts = optionalDocument(cmd, 'cursor');
  const batch = ctx.engine.cursors.openCursor(ns, docs, cursorOpts ? optionalNumber(cursorOpts, 'batchSize') : undefined);
  return { cursor: { firstBatch: batch.docs, id: batch.id, ns: batch.ns }, ok: 1 };
}

export const adminCommands: CommandTable = {
  /**
   * MongoDB's `compact` works per collection; here the whole store is one snapshot, so it
   * compacts everything, without blocking reads or writes (see README.md).
   */
  compact: async (ctx, cmd) => {
    const name = collectionName(cmd, 'compact');
    if (!ctx.engine.getCollection(ctx.db, name)) throw new MongoError('NamespaceNotFound', `collection does not exist: ${ctx.db}.${name}`);
    await ctx.compact();
    return { bytesFreed: 0, ok: 1 };
  },

  create: async (ctx, cmd) => {
    const name = collectionName(cmd, 'create');
    const options: Document = {};
    for (const [k, v] of Object.entries(cmd) as [string, unknown][]) {
      if (k === 'create' || k.startsWith('$') || GENERIC_FIELDS.has(k)) continue;
      if (REFUSED_CREATE_OPTIONS.includes(k)) {
        throw new MongoError('NotImplemented', `collection option '${k}' is not supported by Écart's embedded server; use a real MongoDB (MONGODB_URI)`);
      }
      options[k] = v;
    }
    const outcome = await ctx.write(() => ctx.engine.createCollection(ctx.db, name, options));
    if (outcome.error !== undefined) throw outcome.error;
    return { ok: 1 };
  },

  drop: async (ctx, cmd) => {
    const name = collectionName(cmd, 'drop');
    const nIndexesWas = ctx.engine.getCollection(ctx.db, name)?.indexSpecs().length;
    const outcome = await ctx.write(() => ctx.engine.dropCollection(ctx.db, name));
    if (outcome.error !== undefined) throw outcome.error;
    // MongoDB 7 treats dropping a missing collection as success.
    return nIndexesWas === undefined ? { ok: 1 } : { ns: `${ctx.db}.${name}`, nIndexesWas, ok: 1 };
  },

  dropDatabase: async (ctx) => {
    const outcome = await ctx.write(() => ctx.engine.dropDatabase(ctx.db));
    if (outcome.error !== undefined) throw outcome.error;
    return { dropped: ctx.db, ok: 1 };
  },

  listCollections: (ctx, cmd) => {
    const filter = optionalDocument(cmd, 'filter') ?? {};
    const nameOnly = cmd.nameOnly === true;
    const query = new Query(filter, {});
    const docs = ctx.engine
      .collections(ctx.db)
      .map(describeCollection)
      .filter((d) => query.test(d))
      .map((d) => (nameOnly ? { name: d.name as string, type: 'collection' } : d));
    return cursorOf(ctx, `${ctx.db}.$cmd.listCollections`, docs, cmd);
  },

  listDatabases: (ctx, cmd) => {
    const filter = optionalDocument(cmd, 'filter') ?? {};
    const query = new Query(filter, {});
    const databases = ctx.engine
      .databaseNames()
      .map((name) => ({ name, sizeOnDisk: 0, empty: ctx.engine.collections(name).every((c) => c.size === 0) }))
      .filter((d) => query.test(d));
    if (cmd.nameOnly === true) return { databases: databases.map((d) => ({ name: d.name })), ok: 1 };
    return { databases, totalSize: 0, totalSizeMb: 0, ok: 1 };
  },

  createIndexes: async (ctx, cmd) => {
    const name = collectionName(cmd, 'createIndexes');
    const specs = documentArray(cmd, 'indexes').map(toIndexSpec);
    const existed = ctx.engine.getCollection(ctx.db, name) !== undefined;
    const outcome = await ctx.write(() => {
      const coll = ctx.engine.ensureCollection(ctx.db, name);
      const before = coll.indexSpecs().length;
      const created: string[] = [];
      try {
        for (const spec of specs) if (coll.createIndex(spec)) created.push(spec.name);
      } catch (err) {
        // All or nothing, as in MongoDB: undo the indexes this command already built.
        for (const indexName of created) coll.dropIndex(indexName);
        throw err;
      }
      const reply: Document = {
        numIndexesBefore: before,
        numIndexesAfter: coll.indexSpecs().length,
        createdCollectionAutomatically: !existed,
        ok: 1,
      };
      if (created.length === 0) reply.note = 'all indexes already exist';
      return reply;
    });
    if (outcome.error !== undefined) throw outcome.error;
    return outcome.result as Document;
  },

  listIndexes: (ctx, cmd) => {
    const name = collectionName(cmd, 'listIndexes');
    const coll = ctx.engine.getCollection(ctx.db, name);
    if (!coll) throw new MongoError('NamespaceNotFound', `ns does not exist: ${ctx.db}.${name}`);
    return cursorOf(ctx, `${ctx.db}.${name}`, coll.indexSpecs().map(describeIndex), cmd);
  },

  dropIndexes: async (ctx, cmd) => {
    const name = collectionName(cmd, 'dropIndexes');
    const coll = ctx.engine.getCollection(ctx.db, name);
    if (!coll) throw new MongoError('NamespaceNotFound', `ns not found ${ctx.db}.${name}`);
    const nIndexesWas = coll.indexSpecs().length;
    const target = cmd.index as unknown;
    let names: string[];
    if (target === '*') {
      names = coll.indexSpecs().map((s) => s.name).filter((n) => n !== '_id_');
    } else if (typeof target === 'string') {
      names = [target];
    } else if (Array.isArray(target) && target.every((t) => typeof t === 'string')) {
      names = target.filter((t): t is string => typeof t === 'string');
    } else if (isPlainObject(target)) {
      const found = coll.findIndexNameByKey(target);
      if (!found) throw new MongoError('IndexNotFound', `can't find index with key: ${JSON.stringify(target)}`);
      names = [found];
    } else {
      throw new MongoError('TypeMismatch', "BSON field 'index' must be a string, an array of strings or an object");
    }
    for (const n of names) {
      if (!coll.indexSpecs().some((s) => s.name === n)) throw new MongoError('IndexNotFound', `index not found with name [${n}]`);
    }
    const outcome = await ctx.write(() => {
      for (const n of names) coll.dropIndex(n);
    });
    if (outcome.error !== undefined) throw outcome.error;
    return { nIndexesWas, ok: 1 };
  },
};
