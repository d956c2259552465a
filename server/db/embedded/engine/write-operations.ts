/**
 * Write statements (insert one doc, one update statement, one delete statement,
 * findAndModify). Each is synchronous and meant to run inside `engine.write`, so the ops it
 * makes land in the caller's journal batch.
 */
import type { Document } from 'bson';
import { MongoError } from '../errors';
import type { CollectionStore } from './transactions';
import { generateId } from './collection';
import { idKeyOf } from './indexes';
import { findDocuments, matchDocuments, projectDocuments } from './query-executor';
import { applyUpdate, buildUpsertDocument } from './update';
import { isPlainObject } from './document-utils';

export function insertDocument(store: CollectionStore, db: string, collName: string, input: Document): Document {
  if (!isPlainObject(input)) throw new MongoError('TypeMismatch', 'document to insert must be an object');
  const doc = input._id === undefined ? { _id: generateId(), ...input } : input;
  store.ensureCollection(db, collName).insert(doc);
  return doc;
}

export interface UpdateStatement {
  q?: Document;
  u: Document | Document[];
  multi?: boolean;
  upsert?: boolean;
  arrayFilters?: Document[];
}

export interface UpdateStatementResult {
  n: number;
  nModified: number;
  upsertedId?: unknown;
}

export function updateDocuments(store: CollectionStore, db: string, collName: string, stmt: UpdateStatement): UpdateStatementResult {
  if (stmt.u === undefined || (!isPlainObject(stmt.u) && !Array.isArray(stmt.u))) {
    throw new MongoError('FailedToParse', 'update must be an object or a pipeline');
  }
  const multi = stmt.multi === true;
  if (multi && isPlainObject(stmt.u) && Object.keys(stmt.u).length > 0 && !Object.keys(stmt.u)[0]?.startsWith('$')) {
    throw new MongoError('FailedToParse', 'multi update is not supported for replacement-style update');
  }
  const coll = store.getCollection(db, collName);
  const matched = matchDocuments(coll, stmt.q, store.counters, multi ? {} : { stopAfter: 1 });
  if (matched.docs.length === 0) {
    if (!stmt.upsert) return { n: 0, nModified: 0 };
    const doc = buildUpsertDocument(stmt.q, { update: stmt.u, arrayFilters: stmt.arrayFilters });
    store.ensureCollection(db, collName).insert(doc);
    return { n: 1, nModified: 0, upsertedId: doc._id };
  }
  let nModified = 0;
  for (const current of matched.docs) {
    const { doc, changed } = applyUpdate(current, { update: stmt.u, arrayFilters: stmt.arrayFilters, filter: stmt.q });
    if (!changed || !coll) continue;
    coll.replace(idKeyOf(current._id), doc, { previous: current });
    nModified += 1;
  }
  return { n: matched.docs.length, nModified };
}

export function deleteDocuments(store: CollectionStore, db: string, collName: string, filter: Document | undefined, limit: number): number {
  const coll = store.getCollection(db, collName);
  if (!coll) return 0;
  const matched = matchDocuments(coll, filter, store.counters, limit === 1 ? { stopAfter: 1 } : {});
  for (const doc of matched.docs) coll.remove(idKeyOf(doc._id));
  return matched.docs.length;
}

export interface FindAndModifySpec {
  query?: Document;
  sort?: Document;
  remove?: boolean;
  update?: Document | Document[];
  new?: boolean;
  fields?: Document;
  upsert?: boolean;
  arrayFilters?: Document[];
}

export interface FindAndModifyResult {
  value: Document | null;
  lastErrorObject: Document;
}

export function findAndModify(store: CollectionStore, db: string, collName: string, spec: FindAndModifySpec): FindAndModifyResult {
  if (spec.remove === true && spec.update !== undefined) {
    throw new MongoError('FailedToParse', 'Cannot specify both an update and remove=true');
  }
  if (spec.remove !== true && spec.update === undefined) {
    throw new MongoError('FailedToParse', 'Either an update or remove=true must be specified');
  }
  const coll = store.getCollection(db, collName);
  const sorted = spec.sort !== undefined && Object.keys(spec.sort).length > 0;
  const current = sorted
    ? findDocuments(coll, { filter: spec.query, sort: spec.sort, limit: 1 }, store.counters).docs[0]
    : matchDocuments(coll, spec.query, store.counters, { stopAfter: 1 }).docs[0];
  const project = (doc: Document | null): Document | null =>
    doc && spec.fields && Object.keys(spec.fields).length > 0 ? (projectDocuments([doc], spec.fields, false)[0] ?? null) : doc;

  if (spec.remove === true) {
    if (!current || !coll) return { value: null, lastErrorObject: { n: 0 } };
    coll.remove(idKeyOf(current._id));
    return { value: project(current), lastErrorObject: { n: 1 } };
  }
  const update = spec.update as Document | Document[];
  if (!current) {
    if (!spec.upsert) return { value: null, lastErrorObject: { n: 0, updatedExisting: false } };
    const doc = buildUpsertDocument(spec.query, { update, arrayFilters: spec.arrayFilters });
    store.ensureCollection(db, collName).insert(doc);
    return {
      value: spec.new === true ? project(doc) : null,
      lastErrorObject: { n: 1, updatedExisting: false, upserted: doc._id as unknown },
    };
  }
  const { doc, changed } = applyUpdate(current, { update, arrayFilters: spec.arrayFilters, filter: spec.query });
  if (changed && coll) coll.replace(idKeyOf(current._id), doc, { previous: current });
  return { value: project(spec.new === true ? doc : current), lastErrorObject: { n: 1, updatedExisting: true } };
}
