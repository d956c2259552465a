/** Embedded-engine internals: index lookups must not scan, checked by docs-examined counts. */
import { ObjectId } from 'bson';
import { Query } from 'mingo';
import { Engine } from '../../../server/db/embedded/engine/engine';
import { findDocuments } from '../../../server/db/embedded/engine/query-executor';
import { insertDocument, updateDocuments } from '../../../server/db/embedded/engine/write-operations';
import { canonicalKey } from '../../../server/db/embedded/engine/document-utils';

function seeded(count: number): Engine {
  const engine = new Engine();
  const out = engine.write(() => {
    const coll = engine.ensureCollection('db', 'items');
    coll.createIndex({ name: 'slug_1', key: { slug: 1 }, unique: true });
    coll.createIndex({ name: 'cat_1_rank_1', key: { cat: 1, rank: 1 } });
    coll.createIndex({ name: 'tags_1', key: { tags: 1 } });
    for (let i = 0; i < count; i += 1) {
      coll.insert({ _id: i, slug: `s${i}`, cat: i % 10, rank: i, tags: [`t${i % 100}`, 'all'] });
    }
  });
  if (out.error) throw out.error;
  return engine;
}

const small = seeded(1_000);
const large = seeded(50_000);

function examined(engine: Engine, filter: Record<string, unknown>): { docs: number; examined: number; index: string | null } {
  const res = findDocuments(engine.getCollection('db', 'items'), { filter }, engine.counters);
  return { docs: res.docs.length, examined: res.stats.docsExamined, index: res.stats.indexName };
}

test('when finding by a unique key, then one document is examined whatever the collection size', () => {
  expect(examined(small, { slug: 's500' })).toEqual({ docs: 1, examined: 1, index: 'slug_1' });
  expect(examined(large, { slug: 's40000' })).toEqual({ docs: 1, examined: 1, index: 'slug_1' });
});

test('when finding by _id (also via $eq and across number representations), then the _id index is used', () => {
  expect(examined(large, { _id: 123 })).toEqual({ docs: 1, examined: 1, index: '_id_' });
  expect(examined(large, { _id: { $eq: 123.0 } })).toEqual({ docs: 1, examined: 1, index: '_id_' });
});

test('when $in lists a few values, then only those are examined', () => {
  expect(examined(large, { slug: { $in: ['s1', 's2', 'nope'] } })).toEqual({ docs: 2, examined: 2, index: 'slug_1' });
});

test('when an indexed equality is combined with other conditions, then mingo still filters the candidates', () => {
  expect(examined(large, { slug: 's7', rank: { $gt: 100 } })).toEqual({ docs: 0, examined: 1, index: 'slug_1' });
});

test('when a compound index has its first field or all fields pinned, then it narrows the candidates', () => {
  expect(examined(large, { cat: 3, rank: 13 })).toEqual({ docs: 1, examined: 1, index: 'cat_1_rank_1' });
  const prefix = examined(large, { cat: 3 });
  expect(prefix).toEqual({ docs: 5_000, examined: 5_000, index: 'cat_1_rank_1' });
});

test('when a multikey field is queried by one element, then the array index finds it', () => {
  expect(examined(small, { tags: 't42' })).toEqual({ docs: 10, examined: 10, index: 'tags_1' });
});

test('when the filter has no indexed equality, then it scans (the counter shows it)', () => {
  expect(examined(small, { slug: /^s99/ })).toMatchObject({ examined: 1_000, index: 'COLLSCAN' });
  expect(examined(small, { rank: { $gte: 0 } })).toMatchObject({ docs: 1_000, examined: 1_000 });
});

test('when a document is updated, then the index follows its new key and forgets the old one', () => {
  const engine = seeded(100);
  const out = engine.write(() => updateDocuments(engine, 'db', 'items', { q: { slug: 's5' }, u: { $set: { slug: 'renamed' } } }));
  expect(out.error).toBeUndefined();
  expect(examined(engine, { slug: 's5' })).toEqual({ docs: 0, examined: 0, index: 'slug_1' });
  expect(examined(engine, { slug: 'renamed' })).toEqual({ docs: 1, examined: 1, index: 'slug_1' });
});

test('when a unique insert fails, then neither the documents nor the indexes change', () => {
  const engine = seeded(10);
  const out = engine.write(() => insertDocument(engine, 'db', 'items', { slug: 's1', cat: 99, rank: 99 }));
  expect(out.error).toMatchObject({ code: 11000 });
  expect(out.batch).toEqual([]);
  expect(examined(engine, { cat: 99 })).toEqual({ docs: 0, examined: 0, index: 'cat_1_rank_1' });
  expect(engine.getCollection('db', 'items')?.size).toBe(10);
});

describe('canonical keys', () => {
  test('when numbers differ only in representation, then their keys are equal', () => {
    expect(canonicalKey(1)).toBe(canonicalKey(1.0));
    expect(canonicalKey(-0)).toBe(canonicalKey(0));
  });

  test('when an ObjectId and its hex string are compared, then their keys differ; equal ObjectIds agree', () => {
    const id = new ObjectId();
    expect(canonicalKey(id)).not.toBe(canonicalKey(id.toHexString()));
    expect(canonicalKey(id)).toBe(canonicalKey(new ObjectId(id.toHexString())));
  });

  test('when dates hold the same instant, then their keys are equal, and differ from the number', () => {
    expect(canonicalKey(new Date(5))).toBe(canonicalKey(new Date(5)));
    expect(canonicalKey(new Date(5))).not.toBe(canonicalKey(5));
    expect(canonicalKey('1')).not.toBe(canonicalKey(1));
  });
});

test('when an exact plan reads a long $in list, then it returns exactly the listed documents (entries are not re-tested)', () => {
  const wanted = Array.from({ length: 400 }, (_, i) => i * 3);
  const tested = jest.spyOn(Query.prototype, 'test');
  const res = findDocuments(small.getCollection('db', 'items'), { filter: { _id: { $in: [...wanted, 5000, 7000] } } }, small.counters);
  expect(tested).not.toHaveBeenCalled();
  tested.mockRestore();
  expect(res.docs.map((d) => d._id as number).sort((a, b) => a - b)).toEqual(wanted.filter((n) => n < 1_000));
  const tagged = findDocuments(small.getCollection('db', 'items'), { filter: { tags: { $in: ['t1', 't2', 'nope'] } } }, small.counters);
  expect(tagged.docs.map((d) => d._id as number).sort((a, b) => a - b)).toEqual(Array.from({ length: 1_000 }, (_, i) => i).filter((i) => i % 100 === 1 || i % 100 === 2));
  expect(tagged.stats.indexName).toBe('tags_1');
});
