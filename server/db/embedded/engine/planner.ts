/**
 * Chooses the candidate documents for a filter. When the filter pins an indexed field by
 * equality (`{ f: v }`, `{ f: { $eq: v } }`, or `{ f: { $in: [few values] } }`), the
 * candidates come from that index; otherwise every document is a candidate. The caller
 * always re-applies the full filter with mingo, so the planner only has to be a superset.
 */
import type { Document } from 'bson';
import type { Collection } from './collection';
import { canonicalKey, isPlainObject } from './document-utils';

/** `$in` lists longer than this are cheaper to scan than to probe one by one. */
const MAX_IN_VALUES = 200;

export interface Plan {
  /** Candidate ids, or null to scan the whole collection. */
  ids: ReadonlySet<string> | null;
  /** 'COLLSCAN' or the name of the index used, as MongoDB's explain names it. */
  indexName: string | null;
}

export function planCandidates(coll: Collection, filter: Document): Plan {
  const equalities = collectEqualities(filter);
  if (equalities.size === 0) return { ids: null, indexName: null };

  const options: { name: string; ids: Set<string> }[] = [];
  const idValues = equalities.get('_id');
  if (idValues) {
    const ids = new Set<string>();
    for (const v of idValues) {
      const key = canonicalKey(v);
      if (coll.getById(key)) ids.add(key);
    }
    options.push({ name: '_id_', ids });
  }

  for (const index of coll.secondaryIndexes()) {
    if (!index.isPlannable) continue;
    const perField = index.fields.map((f) => equalities.get(f));
    const first = perField[0];
    if (!first) continue;
    const ids = new Set<string>();
    if (perField.every((v) => v !== undefined) && index.fields.length > 1) {
      const combos = cartesian(perField.map((v) => v ?? []));
      if (combos === null) continue;
      for (const combo of combos) for (const id of index.lookup(combo) ?? []) ids.add(id);
    } else {
      for (const v of first) {
        const found = index.fields.length > 1 ? index.lookupPrefix(v) : index.lookup([v]);
        for (const id of found ?? []) ids.add(id);
      }
    }
    options.push({ name: index.spec.name, ids });
  }

  if (options.length === 0) return { ids: null, indexName: null };
  const best = options.reduce((a, b) => (b.ids.size < a.ids.size ? b : a));
  return { ids: best.ids, indexName: best.name };
}

/** Field → values any of which a matching document must hold, from top level and `$and`. */
function collectEqualities(filter: Document): Map<string, unknown[]> {
  const out = new Map<string, unknown[]>();
  const visit = (clause: Document): void => {
    for (const [field, value] of Object.entries(clause)) {
      if (field === '$and' && Array.isArray(value)) {
        for (const sub of value) if (isPlainObject(sub)) visit(sub);
        continue;
      }
      if (field.startsWith('$')) continue;
      const values = equalityValues(value);
      // When a field is pinned twice, either list is a valid superset; keep the shorter.
      if (values && (!out.has(field) || (out.get(field)?.length ?? 0) > values.length)) out.set(field, values);
    }
  };
  visit(filter);
  return out;
}

function equalityValues(value: unknown): unknown[] | null {
  if (isPlainObject(value) && Object.keys(value).some((k) => k.startsWith('$'))) {
    if ('$eq' in value) return isIndexableValue(value.$eq) ? [value.$eq] : null;
    if ('$in' in value && Array.isArray(value.$in) && value.$in.length <= MAX_IN_VALUES) {
      return value.$in.every(isIndexableValue) ? [...(value.$in as unknown[])] : null;
    }
    return null;
  }
  return isIndexableValue(value) ? [value] : null;
}

/**
 * Values whose matches are exactly the documents holding the same canonical key. Excluded:
 * null (also matches missing fields, which sparse indexes leave out), arrays (match the
 * whole array as well as elements), regexes (pattern match), operator objects.
 */
function isIndexableValue(value: unknown): boolean {
  if (value === null || value === undefined) return false;
  if (Array.isArray(value) || value instanceof RegExp) return false;
  if (isPlainObject(value)) return Object.keys(value).every((k) => !k.startsWith('$'));
  return true;
}

function cartesian(lists: unknown[][]): unknown[][] | null {
  let out: unknown[][] = [[]];
  for (const list of lists) {
    out = out.flatMap((prefix) => list.map((v) => [...prefix, v]));
    if (out.length > MAX_IN_VALUES) return null;
  }
  return out;
}
