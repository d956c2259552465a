/**
 * Secondary (non-text) indexes: hash maps from a canonical key to the ids holding it.
 * They serve two purposes: enforcing `unique` without a scan, and letting the planner
 * answer equality lookups without touching every document.
 */
import type { Document } from 'bson';
import { Query } from 'mingo';
import type { IndexSpec } from '../persistence.types';
import { MongoError } from '../errors';
import { canonicalKey, canonicalKeyOfTuple, formatKeyValue, valuesAtPath } from './document-utils';

export interface IndexEntry {
  key: string;
  /** One value per index field, for keyValue in E11000 errors. */
  values: unknown[];
}

/** Compound keys over several array fields explode combinatorially; MongoDB refuses them too. */
const MAX_KEYS_PER_DOCUMENT = 10_000;

export class SecondaryIndex {
  readonly spec: IndexSpec;
  readonly fields: string[];
  /** Full key → ids of the documents holding it. */
  private readonly entries = new Map<string, Set<string>>();
  /** For compound indexes, first-field key → ids, so a prefix equality can use the index too. */
  private readonly prefixEntries: Map<string, Set<string>> | null;
  private readonly partialFilter: Query | null;

  constructor(spec: IndexSpec) {
    this.spec = spec;
    this.fields = Object.keys(spec.key);
    this.prefixEntries = this.fields.length > 1 ? new Map() : null;
    this.partialFilter = spec.partialFilterExpression ? new Query(spec.partialFilterExpression, {}) : null;
  }

  get isUnique(): boolean {
    return this.spec.unique === true;
  }

  /** Usable by the planner for equality lookups (partial indexes do not hold every match). */
  get isPlannable(): boolean {
    return this.partialFilter === null;
  }

  get isSparse(): boolean {
    return this.spec.sparse === true;
  }

  /** The keys a document contributes, or none when sparse/partial rules leave it out. */
  entriesFor(doc: Document): IndexEntry[] {
    if (this.partialFilter && !this.partialFilter.test(doc)) return [];
    const perField = this.fields.map((f) => valuesAtPath(doc, f));
    if (this.isSparse && perField.every((vals) => vals.every((v) => v === undefined))) return [];
    let tuples: unknown[][] = [[]];
    for (const vals of perField) {
      const next: unknown[][] = [];
      for (const t of tuples) for (const v of vals) next.push([...t, v]);
      tuples = next;
      if (tuples.length > MAX_KEYS_PER_DOCUMENT) {
        throw new MongoError('CannotCreateIndex', `cannot index parallel arrays for index ${this.spec.name}`);
      }
    }
    const seen = new Map<string, IndexEntry>();
    for (const values of tuples) {
      const key = canonicalKeyOfTuple(values);
      if (!seen.has(key)) seen.set(key, { key, values });
    }
    return [...seen.values()];
  }

  /** Throws the E11000 error if any of `entries` is already held by another document. */
  checkUnique(ns: string, entries: IndexEntry[], ownId: string | null): void {
    if (!this.isUnique) return;
    for (const entry of entries) {
      const holders = this.entries.get(entry.key);
      if (!holders) continue;
      for (const holder of holders) {
        if (holder !== ownId) throw duplicateKeyError(ns, this.spec, this.fields, entry.values);
      }
    }
  }

  add(id: string, entries: IndexEntry[]): void {
    for (const entry of entries) {
      addTo(this.entries, entry.key, id);
      if (this.prefixEntries) addTo(this.prefixEntries, canonicalKeyOfTuple([entry.values[0]]), id);
    }
  }

  remove(id: string, entries: IndexEntry[]): void {
    for (const entry of entries) {
      removeFrom(this.entries, entry.key, id);
      if (this.prefixEntries) removeFrom(this.prefixEntries, canonicalKeyOfTuple([entry.values[0]]), id);
    }
  }

  /** Ids holding exactly this full key (one value per field). */
  lookup(values: unknown[]): ReadonlySet<string> | undefined {
    return this.entries.get(canonicalKeyOfTuple(values));
  }

  /** Ids whose first field equals `value`. */
  lookupPrefix(value: unknown): ReadonlySet<string> | undefined {
    if (this.prefixEntries === null) return this.entries.get(canonicalKeyOfTuple([value]));
    return this.prefixEntries.get(canonicalKeyOfTuple([value]));
  }

  clear(): void {
    this.entries.clear();
    this.prefixEntries?.clear();
  }
}

function addTo(map: Map<string, Set<string>>, key: string, id: string): void {
  let set = map.get(key);
  if (!set) {
    set = new Set();
    map.set(key, set);
  }
  set.add(id);
}

function removeFrom(map: Map<string, Set<string>>, key: string, id: string): void {
  const set = map.get(key);
  if (!set) return;
  set.delete(id);
  if (set.size === 0) map.delete(key);
}

export function duplicateKeyError(ns: string, spec: IndexSpec, fields: string[], values: unknown[]): MongoError {
  const keyValue: Document = {};
  fields.forEach((f, i) => {
    keyValue[f] = values[i] === undefined ? null : values[i];
  });
  const keyPattern: Document = { ...spec.key };
  const shown = fields.map((f, i) => `${f}: ${formatKeyValue(values[i])}`).join(', ');
  return new MongoError(
    'DuplicateKey',
    `E11000 duplicate key error collection: ${ns} index: ${spec.name} dup key: { ${shown} }`,
    { keyPattern, keyValue },
  );
}

export function idKeyOf(id: unknown): string {
  return canonicalKey(id);
}
