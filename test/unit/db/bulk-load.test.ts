/**
 * Start-up builds each collection's trees in bulk (sorted, then loaded at once) and decodes
 * only the fields its indexes read. These tests check that what comes out is exactly what
 * inserting the same documents one by one gives: same documents, same index entries, same
 * query results and plans.
 */
import { Binary, Decimal128, Long, ObjectId, serialize, deserialize, Timestamp, type Document } from 'bson';
import { Engine } from '../../../server/db/embedded/engine/engine';
import { decodeFields, fieldNames } from '../../../server/db/embedded/engine/bson-fields';
import { findDocuments } from '../../../server/db/embedded/engine/query-executor';
import type { IndexSpec } from '../../../server/db/embedded/persistence.types';
import { createFilePersistence } from '../../../server/db/embedded/persistence';
import { makeRecordingLogger, makeTempDir, removeDir } from '../../helpers/persistence-fixtures';

const INDEXES: IndexSpec[] = [
  { name: 'status_1_at_-1', key: { status: 1, at: -1 } },
  { name: 'tags_1', key: { tags: 1 } },
  { name: 'slug_1', key: { slug: 1 }, unique: true },
  { name: 'sub_1', key: { 'nested.n': 1 } },
  { name: 'k_1_partial', key: { k: 1 }, unique: true, partialFilterExpression: { k: { $exists: true } } },
];

function documents(): Document[] {
  return Array.from({ length: 3_000 }, (_, i) => ({
    _id: i % 7 === 0 ? `s${i}` : new ObjectId(i.toString(16).padStart(24, '0')),
    slug: `slug-${i}`,
    status: i % 3 === 0 ? 'draft' : 'published',
    at: new Date(Date.UTC(2021, 0, 1) + ((i * 7919) % 3_000) * 3_600_000),
    tags: [`t${i % 5}`, `t${(i + 1) % 5}`],
    nested: { n: i % 11, text: 'x'.repeat(i % 50) },
    ...(i % 4 === 0 ? { k: i } : {}),
    statement: 'Long text that no index reads. '.repeat(5),
  }));
}

function insertedOneByOne(): Engine {
  const engine = new Engine();
  const out = engine.write(() => {
    const coll = engine.ensureCollection('db', 'c');
    for (const spec of INDEXES) coll.createIndex(spec);
    for (const doc of documents()) coll.insert(doc);
  });
  if (out.error) throw out.error;
  return engine;
}

function bulkLoaded(order: 'id' | 'shuffled'): Engine {
  const engine = new Engine();
  const loader = engine.loader();
  loader.collection({ db: 'db', coll: 'c', options: {}, indexes: INDEXES });
  const docs = documents();
  if (order === 'shuffled') docs.reverse();
  for (const doc of docs) loader.document(serialize(doc));
  loader.finish();
  return engine;
}

const QUERIES: { filter: Document; sort?: Document; limit?: number }[] = [
  { filter: { status: 'published' }, sort: { at: -1 }, limit: 25 },
  { filter: { tags: 't3' } },
  { filter: { slug: 'slug-1234' } },
  { filter: { 'nested.n': { $gte: 4, $lt: 6 } } },
  { filter: { k: { $in: [0, 4, 8, 12, 13] } } },
  { filter: {}, sort: { _id: 1 }, limit: 10 },
];

test.each(['id', 'shuffled'] as const)('when documents are bulk-loaded in %s order, then every query gives what one-by-one inserts give, reading as much', (order) => {
  const reference = insertedOneByOne();
  const loaded = bulkLoaded(order);
  for (const q of QUERIES) {
    const expected = findDocuments(reference.getCollection('db', 'c'), q, reference.counters);
    const actual = findDocuments(loaded.getCollection('db', 'c'), q, loaded.counters);
    expect(actual.docs).toEqual(expected.docs);
    expect(actual.stats).toEqual(expected.stats);
  }
  const refIndexes = reference.getCollection('db', 'c')?.orderedIndexes() ?? [];
  const loadedIndexes = loaded.getCollection('db', 'c')?.orderedIndexes() ?? [];
  expect(loadedIndexes.map((i) => [...i.tree.keys()])).toEqual(refIndexes.map((i) => [...i.tree.keys()]));
  expect(loadedIndexes.map((i) => i.multikeyFields)).toEqual(refIndexes.map((i) => i.multikeyFields));
});

test('when a bulk-loaded collection is then written to, then uniqueness and order still hold', () => {
  const loaded = bulkLoaded('shuffled');
  const dup = loaded.write(() => loaded.getCollection('db', 'c')?.insert({ _id: 'new', slug: 'slug-5' }));
  expect(dup.error).toMatchObject({ code: 11000 });
  const ok = loaded.write(() => loaded.getCollection('db', 'c')?.insert({ _id: 'new', slug: 'fresh', status: 'published', at: new Date(Date.UTC(2030, 0, 1)) }));
  expect(ok.error).toBeUndefined();
  const first = findDocuments(loaded.getCollection('db', 'c'), { filter: { status: 'published' }, sort: { at: -1 }, limit: 1 }, loaded.counters);
  expect(first.docs[0]?._id).toBe('new');
});

test('when only some fields are decoded, then each is exactly what a full decode gives, whatever its BSON type', () => {
  const doc = {
    _id: new ObjectId(),
    skipped: 'x'.repeat(1000),
    d: 1.5,
    s: 'Écart ☃',
    o: { a: [1, { b: 2 }] },
    arr: ['a', 1, null],
    bin: new Binary(Buffer.from([1, 2, 3]), 4),
    t: true,
    date: new Date(5),
    nil: null,
    re: /ab+c/i,
    i32: 7,
    ts: new Timestamp({ t: 1, i: 2 }),
    long: Long.fromString('9007199254740993'),
    dec: Decimal128.fromString('1.10'),
    after: 'kept',
  };
  const bytes = serialize(doc);
  const full = deserialize(bytes, { promoteLongs: false });
  const wanted = ['_id', 'd', 's', 'o', 'arr', 'bin', 't', 'date', 'nil', 're', 'i32', 'ts', 'long', 'dec', 'after'];
  const partial = decodeFields(bytes, fieldNames(wanted));
  expect(Object.keys(partial)).toEqual(wanted);
  for (const key of wanted) expect(partial[key]).toEqual(full[key]);
  expect(partial.skipped).toBeUndefined();
});

describe('stored index keys (snapshot format 2)', () => {
  async function roundTrip(edit: (snapshot: ReturnType<Engine['takeSnapshot']>) => ReturnType<Engine['takeSnapshot']>): Promise<Engine> {
    const dir = makeTempDir('ecart-index-keys-');
    try {
      const writer = createFilePersistence({ dataDir: dir, logger: makeRecordingLogger(), compactOnClose: false });
      await writer.load(new Engine().loader());
      const source = insertedOneByOne();
      await writer.compact(() => edit(source.takeSnapshot()));
      await writer.close();
      const reader = createFilePersistence({ dataDir: dir, logger: makeRecordingLogger(), compactOnClose: false });
      const engine = new Engine();
      const loader = engine.loader();
      await reader.load(loader);
      loader.finish();
      await reader.close();
      return engine;
    } finally {
      removeDir(dir);
    }
  }

  function sameAnswers(engine: Engine): void {
    const reference = insertedOneByOne();
    for (const q of QUERIES) {
      expect(findDocuments(engine.getCollection('db', 'c'), q, engine.counters).docs).toEqual(
        findDocuments(reference.getCollection('db', 'c'), q, reference.counters).docs,
      );
    }
  }

  test('when a snapshot stores its index keys, then start-up uses them as they are (not recomputed)', async () => {
    // Drop one stored key of tags_1: if start-up recomputed the index, the document would still be found.
    const engine = await roundTrip((snapshot) => {
      for (const c of snapshot.collections) {
        for (const index of c.indexKeys ?? []) {
          if (index.name !== 'tags_1') continue;
          const keys = [...index.keys()].slice(1);
          Object.assign(index, { count: keys.length, keys: () => keys });
        }
      }
      return snapshot;
    });
    const reference = insertedOneByOne();
    const all = findDocuments(reference.getCollection('db', 'c'), { filter: { tags: 't0' } }, reference.counters).docs.length;
    const viaIndex = findDocuments(engine.getCollection('db', 'c'), { filter: { tags: 't0' } }, engine.counters).docs.length;
    const viaIndexT1 = findDocuments(engine.getCollection('db', 'c'), { filter: { tags: 't1' } }, engine.counters).docs.length;
    expect(viaIndex + viaIndexT1).toBe(all + findDocuments(reference.getCollection('db', 'c'), { filter: { tags: 't1' } }, reference.counters).docs.length - 1);
  });

  test('when stored keys are of another key encoding, or out of order, then the index is rebuilt from the documents', async () => {
    const otherEncoding = await roundTrip((snapshot) => {
      for (const c of snapshot.collections) for (const index of c.indexKeys ?? []) index.info = { ...index.info, encoding: 999 };
      return snapshot;
    });
    sameAnswers(otherEncoding);
    const outOfOrder = await roundTrip((snapshot) => {
      for (const c of snapshot.collections) {
        for (const index of c.indexKeys ?? []) {
          const keys = [...index.keys()].reverse();
          Object.assign(index, { keys: () => keys });
        }
      }
      return snapshot;
    });
    sameAnswers(outOfOrder);
  });

  test('when a snapshot has no stored keys (as format 1 files), then every index is computed from the documents', async () => {
    const engine = await roundTrip((snapshot) => ({ collections: snapshot.collections.map((c) => ({ ...c, indexKeys: [] })) }));
    sameAnswers(engine);
  });
});
