/**
 * Builds the new version of a document from an update: operator updates and pipeline
 * updates go to mingo; this file adds what mingo leaves to the server: replacement
 * documents, `$setOnInsert`, upsert seeding from the filter, and `_id` immutability.
 */
import type { Document } from 'bson';
import { Aggregator, update as mingoUpdate } from 'mingo';
import { MongoError } from '../errors';
import { canonicalKey, cloneDocument, isPlainObject, setPath } from './document-utils';
import { generateId } from './collection';
import { mingoOptions } from './query-executor';

const PIPELINE_UPDATE_STAGES = new Set(['$addFields', '$set', '$project', '$unset', '$replaceRoot', '$replaceWith']);

export interface UpdateInput {
  update: Document | Document[];
  arrayFilters?: Document[];
  /** The filter that selected the document, for the positional `$` operator. */
  filter?: Document;
  /** True when building the document an upsert inserts: `$setOnInsert` applies. */
  isUpsertInsert?: boolean;
}

export interface UpdateOutput {
  doc: Document;
  changed: boolean;
}

export function isReplacement(update: Document | Document[]): boolean {
  if (Array.isArray(update)) return false;
  const keys = Object.keys(update);
  return keys.length === 0 || keys.every((k) => !k.startsWith('$'));
}

export function applyUpdate(current: Document, input: UpdateInput): UpdateOutput {
  const { update } = input;
  let next: Document;
  let changed: boolean;
  if (Array.isArray(update)) {
    next = applyPipelineUpdate(current, update);
    changed = canonicalKey(next) !== canonicalKey(current);
  } else if (isReplacement(update)) {
    const { _id: newId, ...fields } = update;
    if (newId !== undefined && current._id !== undefined && canonicalKey(newId) !== canonicalKey(current._id)) {
      throw immutableId();
    }
    const keptId: unknown = current._id ?? newId;
    next = { _id: keptId, ...cloneDocument(fields) };
    if (next._id === undefined) delete next._id;
    changed = canonicalKey(next) !== canonicalKey(current);
  } else {
    const modifier = withoutNoOpIdSet(operatorModifier(update, input.isUpsertInsert === true), current._id);
    next = cloneDocument(current);
    // An upsert may choose its _id through $set/$setOnInsert; mingo won't write _id itself.
    const setId: unknown = (modifier.$set as Document | undefined)?._id;
    if (current._id === undefined && setId !== undefined) {
      next._id = cloneDocument(setId);
      delete (modifier.$set as Document)._id;
      if (Object.keys(modifier.$set as Document).length === 0) delete modifier.$set;
    }
    if (Object.keys(modifier).length === 0) {
      changed = false;
    } else {
      const modified = mingoUpdate(next, modifier, input.arrayFilters, input.filter ?? {}, {
        cloneMode: 'copy',
        queryOptions: mingoOptions(),
      });
      changed = modified.length > 0;
    }
  }
  if (current._id !== undefined && canonicalKey(next._id) !== canonicalKey(current._id)) throw immutableId();
  return { doc: next, changed };
}

function operatorModifier(update: Document, isUpsertInsert: boolean): Document {
  const modifier: Document = {};
  for (const [op, fields] of Object.entries(update)) {
    if (!op.startsWith('$')) {
      throw new MongoError('FailedToParse', `Unknown modifier: ${op}. Expected a valid update modifier or pipeline-style update specified as an array`);
    }
    if (!isPlainObject(fields)) throw new MongoError('FailedToParse', `Modifiers operate on fields but we found type ${typeof fields} instead`);
    if (op === '$setOnInsert') {
      if (isUpsertInsert) modifier.$set = { ...(modifier.$set as Document | undefined), ...fields };
      continue;
    }
    if (Object.keys(fields).length === 0) continue;
    modifier[op] = op === '$set' ? { ...(modifier.$set as Document | undefined), ...fields } : fields;
  }
  return modifier;
}

/**
 * mingo refuses any update touching `_id`; MongoDB allows setting it to its current value
 * and rejects anything else with ImmutableField. Do the same before mingo sees it.
 */
function withoutNoOpIdSet(modifier: Document, currentId: unknown): Document {
  const out: Document = {};
  for (const [op, fields] of Object.entries(modifier)) {
    const kept: Document = {};
    for (const [path, value] of Object.entries(fields as Document) as [string, unknown][]) {
      if (path === '_id' || path.startsWith('_id.')) {
        if (currentId === undefined) {
          if (path !== '_id' || op !== '$set') throw immutableId();
        } else {
          if (path !== '_id' || op !== '$set' || canonicalKey(value) !== canonicalKey(currentId)) throw immutableId();
          continue;
        }
      }
      kept[path] = value;
    }
    if (Object.keys(kept).length > 0) out[op] = kept;
  }
  return out;
}

function applyPipelineUpdate(current: Document, pipeline: Document[]): Document {
  for (const stage of pipeline) {
    const name = isPlainObject(stage) ? Object.keys(stage)[0] : undefined;
    if (!name || !PIPELINE_UPDATE_STAGES.has(name)) {
      throw new MongoError('BadValue', `${String(name)} is not allowed to be used within an update`);
    }
  }
  const out = new Aggregator(pipeline, mingoOptions()).run<Document>([cloneDocument(current)]);
  const doc = out[0];
  if (!doc) throw new MongoError('BadValue', 'update pipeline produced no document');
  return doc;
}

function immutableId(): MongoError {
  return new MongoError('ImmutableField', "Performing an update on the path '_id' would modify the immutable field '_id'");
}

/**
 * The document an upsert starts from: the filter's equality conditions, as MongoDB does
 * (`{ name: 'x', age: { $gt: 1 } }` seeds `{ name: 'x' }`).
 */
export function seedFromFilter(filter: Document | undefined): Document {
  const seed: Document = {};
  const visit = (clause: Document): void => {
    for (const [field, value] of Object.entries(clause)) {
      if (field === '$and' && Array.isArray(value)) {
        for (const sub of value) if (isPlainObject(sub)) visit(sub);
        continue;
      }
      if (field.startsWith('$')) continue;
      if (isPlainObject(value) && Object.keys(value).some((k) => k.startsWith('$'))) {
        if ('$eq' in value) setPath(seed, field, cloneDocument(value.$eq));
        continue;
      }
      setPath(seed, field, cloneDocument(value));
    }
  };
  if (filter) visit(filter);
  return seed;
}

/** Builds the document an upsert inserts; `_id` comes first, as MongoDB stores it. */
export function buildUpsertDocument(filter: Document | undefined, input: UpdateInput): Document {
  const seed = seedFromFilter(filter);
  let doc: Document;
  if (!Array.isArray(input.update) && isReplacement(input.update)) {
    const { _id: replacementId, ...fields } = input.update;
    const chosenId: unknown = replacementId ?? seed._id;
    doc = { _id: chosenId, ...cloneDocument(fields) };
  } else {
    doc = applyUpdate(seed, { ...input, isUpsertInsert: true }).doc;
  }
  const id: unknown = doc._id;
  const rest: Document = { ...doc };
  delete rest._id;
  return { _id: id === undefined ? generateId() : id, ...rest };
}
