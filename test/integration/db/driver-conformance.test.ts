/**
 * Conformance through the official driver. Everything here holds against a real MongoDB
 * too (run with MONGODB_URI), so it checks the embedded server's semantics, not its quirks.
 */
import { MongoClient, MongoServerError, ObjectId, type Db } from 'mongodb';
import { withDatabase, type TestDatabase } from '../../helpers/embedded';

let testDb: TestDatabase;
let client: MongoClient;
let db: Db;

beforeAll(async () => {
  testDb = await withDatabase();
  client = await MongoClient.connect(testDb.uri);
  db = client.db(testDb.dbName);
});

afterAll(async () => {
  await db.dropDatabase();
  await client.close();
  await testDb.close();
});

describe('CRUD', () => {
  test('when a document is inserted without _id, then it gets an ObjectId and can be read back', async () => {
    const coll = db.collection('crud_basic');
    const { insertedId } = await coll.insertOne({ name: 'Écart', n: 1 });
    expect(insertedId).toBeInstanceOf(ObjectId);
    const found = await coll.findOne({ _id: insertedId });
    expect(found).toEqual({ _id: insertedId, name: 'Écart', n: 1 });
  });

  test('when _id is a string or a number, then lookups by that exact value find it', async () => {
    const coll = db.collection('crud_ids');
    await coll.insertMany([{ _id: 'abc' as unknown as ObjectId, v: 's' }, { _id: 7 as unknown as ObjectId, v: 'n' }]);
    expect(await coll.findOne({ _id: 'abc' as unknown as ObjectId })).toMatchObject({ v: 's' });
    expect(await coll.findOne({ _id: 7.0 as unknown as ObjectId })).toMatchObject({ v: 'n' });
    expect(await coll.findOne({ _id: '7' as unknown as ObjectId })).toBeNull();
  });

  test('when documents are updated and deleted, then counts and contents follow', async () => {
    const coll = db.collection('crud_update_delete');
    await coll.insertMany([{ k: 1 }, { k: 1 }, { k: 2 }]);
    const many = await coll.updateMany({ k: 1 }, { $set: { seen: true } });
    expect(many).toMatchObject({ matchedCount: 2, modifiedCount: 2 });
    const again = await coll.updateOne({ k: 1 }, { $set: { seen: true } });
    expect(again).toMatchObject({ matchedCount: 1, modifiedCount: 0 });
    const deleted = await coll.deleteOne({ k: 1 });
    expect(deleted.deletedCount).toBe(1);
    expect(await coll.countDocuments({})).toBe(2);
    expect((await coll.deleteMany({})).deletedCount).toBe(2);
    expect(await coll.estimatedDocumentCount()).toBe(0);
  });

  test('when a replacement document is given, then the whole document is replaced and _id kept', async () => {
    const coll = db.collection('crud_replace');
    const { insertedId } = await coll.insertOne({ a: 1, b: 2 });
    await coll.replaceOne({ _id: insertedId }, { c: 3 });
    expect(await coll.findOne({ _id: insertedId })).toEqual({ _id: insertedId, c: 3 });
  });

  test('when an update tries to change _id, then it fails with ImmutableField', async () => {
    const coll = db.collection('crud_immutable');
    const { insertedId } = await coll.insertOne({ a: 1 });
    await expect(coll.updateOne({ _id: insertedId }, { $set: { _id: new ObjectId() } })).rejects.toMatchObject({ code: 66 });
    expect(await coll.findOne({ _id: insertedId })).toEqual({ _id: insertedId, a: 1 });
  });

  test('when distinct runs over array fields, then each element counts once', async () => {
    const coll = db.collection('crud_distinct');
    await coll.insertMany([{ tags: ['a', 'b'] }, { tags: ['b', 'c'] }, { tags: 'd' }]);
    expect((await coll.distinct('tags')).sort()).toEqual(['a', 'b', 'c', 'd']);
  });
});

describe('unique indexes', () => {
  test('when a duplicate is inserted, then E11000 reports keyPattern and keyValue and the first doc stays', async () => {
    const coll = db.collection('uniq_insert');
    await coll.createIndex({ email: 1 }, { unique: true });
    await coll.insertOne({ email: 'a@example.org' });
    const err = (await coll.insertOne({ email: 'a@example.org' }).catch((e: unknown) => e)) as MongoServerError;
    expect(err).toBeInstanceOf(MongoServerError);
    expect(err.code).toBe(11000);
    expect(err.keyPattern).toEqual({ email: 1 });
    expect(err.keyValue).toEqual({ email: 'a@example.org' });
    expect(err.message).toContain(`E11000 duplicate key error collection: ${testDb.dbName}.uniq_insert index: email_1 dup key: { email: "a@example.org" }`);
    expect(await coll.countDocuments({})).toBe(1);
  });

  test('when an ordered insertMany hits a duplicate half-way, then the documents before it stay and the rest do not', async () => {
    const coll = db.collection('uniq_ordered');
    await coll.createIndex({ k: 1 }, { unique: true });
    const err = (await coll.insertMany([{ k: 1 }, { k: 2 }, { k: 1 }, { k: 3 }]).catch((e: unknown) => e)) as MongoServerError & {
      writeErrors: { index: number; code: number }[];
    };
    expect(err.code).toBe(11000);
    const writeErrors = Array.isArray(err.writeErrors) ? err.writeErrors : [err.writeErrors];
    expect(writeErrors.map((w) => w.index)).toEqual([2]);
    expect((await coll.find({}).sort({ k: 1 }).toArray()).map((d) => d.k as unknown)).toEqual([1, 2]);
  });

  test('when an unordered insertMany hits duplicates, then every other document goes in', async () => {
    const coll = db.collection('uniq_unordered');
    await coll.createIndex({ k: 1 }, { unique: true });
    await expect(coll.insertMany([{ k: 1 }, { k: 1 }, { k: 2 }, { k: 2 }, { k: 3 }], { ordered: false })).rejects.toMatchObject({ code: 11000 });
    expect((await coll.find({}).sort({ k: 1 }).toArray()).map((d) => d.k as unknown)).toEqual([1, 2, 3]);
  });

  test('when an update would duplicate a compound unique key, then it fails and nothing changes', async () => {
    const coll = db.collection('uniq_compound');
    await coll.createIndex({ a: 1, b: 1 }, { unique: true });
    await coll.insertMany([{ a: 1, b: 1 }, { a: 1, b: 2 }]);
    await coll.insertOne({ a: 2, b: 1 }); // same b, other a: allowed by the compound key
    const err = (await coll.updateOne({ b: 2 }, { $set: { b: 1 } }).catch((e: unknown) => e)) as MongoServerError;
    expect(err.code).toBe(11000);
    expect(err.keyPattern).toEqual({ a: 1, b: 1 });
    expect(err.keyValue).toEqual({ a: 1, b: 1 });
    expect(await coll.countDocuments({ a: 1, b: 2 })).toBe(1);
  });

  test('when two documents both lack a non-sparse unique field, then the second is a duplicate of null', async () => {
    const coll = db.collection('uniq_missing');
    await coll.createIndex({ code: 1 }, { unique: true });
    await coll.insertOne({ x: 1 });
    await expect(coll.insertOne({ x: 2 })).rejects.toMatchObject({ code: 11000, keyValue: { code: null } });
  });

  test('when the unique index is sparse, then many documents may lack the field', async () => {
    const coll = db.collection('uniq_sparse');
    await coll.createIndex({ code: 1 }, { unique: true, sparse: true });
    await coll.insertMany([{ x: 1 }, { x: 2 }, { code: 'a' }]);
    await expect(coll.insertOne({ code: 'a' })).rejects.toMatchObject({ code: 11000 });
    expect(await coll.countDocuments({})).toBe(3);
  });

  test('when a unique index is created over existing duplicates, then creation fails with 11000', async () => {
    const coll = db.collection('uniq_build');
    await coll.insertMany([{ k: 'x' }, { k: 'x' }]);
    await expect(coll.createIndex({ k: 1 }, { unique: true })).rejects.toMatchObject({ code: 11000 });
    const names = (await coll.listIndexes().toArray()).map((i) => i.name as string);
    expect(names).toEqual(['_id_']);
  });

  test('when a number key is stored as 1 and inserted again as 1.0, then it is a duplicate', async () => {
    const coll = db.collection('uniq_numeric');
    await coll.createIndex({ n: 1 }, { unique: true });
    await coll.insertOne({ n: 1 });
    await expect(coll.insertOne({ n: 1.0 })).rejects.toMatchObject({ code: 11000 });
    await coll.insertOne({ n: '1' });
    expect(await coll.countDocuments({})).toBe(2);
  });

  test('when _id is reused, then the _id_ index rejects it', async () => {
    const coll = db.collection('uniq_id');
    await coll.insertOne({ _id: 'same' as unknown as ObjectId });
    await expect(coll.insertOne({ _id: 'same' as unknown as ObjectId })).rejects.toMatchObject({ code: 11000, keyValue: { _id: 'same' } });
  });

  test('when findOneAndUpdate upserts into a taken unique key, then it fails with 11000 and inserts nothing', async () => {
    const coll = db.collection('uniq_fam');
    await coll.createIndex({ slug: 1 }, { unique: true });
    await coll.insertOne({ slug: 'taken', owner: 'a' });
    const err = (await coll
      .findOneAndUpdate({ owner: 'b' }, { $set: { slug: 'taken' } }, { upsert: true, returnDocument: 'after' })
      .catch((e: unknown) => e)) as MongoServerError;
    expect(err.code).toBe(11000);
    expect(err.keyValue).toEqual({ slug: 'taken' });
    expect(await coll.countDocuments({})).toBe(1);
  });
});

describe('queries', () => {
  beforeAll(async () => {
    await db.collection('q_pages').insertMany(Array.from({ length: 25 }, (_, i) => ({ i, group: i % 3, label: `item-${String(i).padStart(2, '0')}` })));
  });

  test('when paging with sort, skip and limit, then pages are contiguous and ordered', async () => {
    const coll = db.collection('q_pages');
    const page2 = await coll.find({}).sort({ i: -1 }).skip(10).limit(10).toArray();
    expect(page2.map((d) => d.i as unknown)).toEqual([14, 13, 12, 11, 10, 9, 8, 7, 6, 5]);
  });

  test('when sorting on two keys, then the second breaks ties', async () => {
    const coll = db.collection('q_pages');
    const docs = await coll.find({ i: { $lt: 6 } }).sort({ group: 1, i: -1 }).toArray();
    expect(docs.map((d) => [d.group as unknown, d.i as unknown])).toEqual([[0, 3], [0, 0], [1, 4], [1, 1], [2, 5], [2, 2]]);
  });

  test('when a projection includes fields, then only those (and _id unless excluded) come back', async () => {
    const coll = db.collection('q_pages');
    const doc = await coll.findOne({ i: 4 }, { projection: { label: 1, _id: 0 } });
    expect(doc).toEqual({ label: 'item-04' });
    const excluded = await coll.findOne({ i: 4 }, { projection: { label: 0 } });
    expect(Object.keys(excluded ?? {}).sort()).toEqual(['_id', 'group', 'i']);
  });

  test('when more than 101 documents match, then the cursor fetches the rest with getMore', async () => {
    const coll = db.collection('q_many');
    await coll.insertMany(Array.from({ length: 250 }, (_, i) => ({ i })));
    const commands: string[] = [];
    const listener = (ev: { commandName: string }): void => {
      commands.push(ev.commandName);
    };
    const monitored = await MongoClient.connect(testDb.uri, { monitorCommands: true });
    monitored.on('commandStarted', listener);
    const all = await monitored.db(testDb.dbName).collection('q_many').find({}).sort({ i: 1 }).toArray();
    await monitored.close();
    expect(all).toHaveLength(250);
    expect(all.map((d) => d.i as unknown)).toEqual(Array.from({ length: 250 }, (_, i) => i));
    expect(commands.filter((c) => c === 'getMore').length).toBeGreaterThanOrEqual(1);
  });

  test('when batchSize and limit are set, then exactly limit documents arrive in batches', async () => {
    const coll = db.collection('q_pages');
    const docs = await coll.find({}, { batchSize: 4, limit: 9 }).sort({ i: 1 }).toArray();
    expect(docs.map((d) => d.i as unknown)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
  });

  test('when a cursor is closed early, then killCursors succeeds and the data is intact', async () => {
    const coll = db.collection('q_pages');
    const cursor = coll.find({}).batchSize(2);
    const first = await cursor.next();
    expect(first).not.toBeNull();
    await cursor.close();
    expect(await coll.countDocuments({})).toBe(25);
  });
});

describe('update operators', () => {
  test('when $push, $pull, $inc and $addToSet are used, then arrays and numbers change accordingly', async () => {
    const coll = db.collection('upd_ops');
    const { insertedId } = await coll.insertOne({ tags: ['a'], n: 1, items: [{ k: 1 }, { k: 2 }] });
    await coll.updateOne({ _id: insertedId }, { $push: { tags: 'b' }, $inc: { n: 2 }, $pull: { items: { k: 1 } } } as never);
    await coll.updateOne({ _id: insertedId }, { $addToSet: { tags: 'a' } });
    expect(await coll.findOne({ _id: insertedId })).toEqual({ _id: insertedId, tags: ['a', 'b'], n: 3, items: [{ k: 2 }] });
  });

  test('when the positional $ operator is used, then only the matched array element changes', async () => {
    const coll = db.collection('upd_positional');
    const { insertedId } = await coll.insertOne({ items: [{ sku: 'x', qty: 1 }, { sku: 'y', qty: 1 }] });
    await coll.updateOne({ _id: insertedId, 'items.sku': 'y' }, { $set: { 'items.$.qty': 5 } });
    expect((await coll.findOne({ _id: insertedId }))?.items).toEqual([{ sku: 'x', qty: 1 }, { sku: 'y', qty: 5 }]);
  });

  test('when arrayFilters select elements, then only those elements change', async () => {
    const coll = db.collection('upd_arrayfilters');
    const { insertedId } = await coll.insertOne({ grades: [80, 95, 100, 60] });
    await coll.updateOne({ _id: insertedId }, { $set: { 'grades.$[g]': 90 } }, { arrayFilters: [{ g: { $gte: 95 } }] });
    expect((await coll.findOne({ _id: insertedId }))?.grades).toEqual([80, 90, 90, 60]);
  });

  test('when an upsert matches nothing, then the filter equalities and $setOnInsert seed the new document', async () => {
    const coll = db.collection('upd_upsert');
    const res = await coll.updateOne(
      { slug: 'new', views: { $gt: 5 } },
      { $inc: { views: 1 }, $setOnInsert: { createdBy: 'test' } },
      { upsert: true },
    );
    expect(res.upsertedCount).toBe(1);
    const doc = await coll.findOne({ _id: res.upsertedId ?? undefined });
    expect(doc).toEqual({ _id: res.upsertedId, slug: 'new', views: 1, createdBy: 'test' });
    const again = await coll.updateOne({ slug: 'new' }, { $inc: { views: 1 }, $setOnInsert: { createdBy: 'other' } }, { upsert: true });
    expect(again).toMatchObject({ matchedCount: 1, upsertedCount: 0 });
    expect(await coll.findOne({ slug: 'new' })).toMatchObject({ views: 2, createdBy: 'test' });
  });

  test('when a pipeline update is used, then it may compute from existing fields', async () => {
    const coll = db.collection('upd_pipeline');
    const { insertedId } = await coll.insertOne({ a: 2, b: 3 });
    await coll.updateOne({ _id: insertedId }, [{ $set: { sum: { $add: ['$a', '$b'] } } }]);
    expect(await coll.findOne({ _id: insertedId })).toEqual({ _id: insertedId, a: 2, b: 3, sum: 5 });
  });

  test('when bulkWrite mixes operations, then every counter in the result is right', async () => {
    const coll = db.collection('upd_bulk');
    await coll.insertMany([{ k: 1 }, { k: 2 }]);
    const res = await coll.bulkWrite([
      { insertOne: { document: { k: 3 } } },
      { updateOne: { filter: { k: 1 }, update: { $set: { x: 1 } } } },
      { updateOne: { filter: { k: 9 }, update: { $set: { x: 9 } }, upsert: true } },
      { deleteOne: { filter: { k: 2 } } },
      { replaceOne: { filter: { k: 3 }, replacement: { k: 30 } } },
    ]);
    expect(res).toMatchObject({ insertedCount: 1, matchedCount: 2, modifiedCount: 2, deletedCount: 1, upsertedCount: 1 });
    expect((await coll.find({}).sort({ k: 1 }).toArray()).map((d) => d.k as unknown)).toEqual([1, 9, 30]);
  });

  test('when findOneAndUpdate asks for the new document with a projection, then it gets the projected new version', async () => {
    const coll = db.collection('upd_fam');
    await coll.insertMany([{ q: 1, n: 1 }, { q: 1, n: 2 }]);
    const after = await coll.findOneAndUpdate({ q: 1 }, { $inc: { n: 10 } }, { sort: { n: -1 }, returnDocument: 'after', projection: { _id: 0, n: 1 } });
    expect(after).toEqual({ n: 12 });
    const removed = await coll.findOneAndDelete({ n: 1 });
    expect(removed).toMatchObject({ q: 1, n: 1 });
    expect(await coll.countDocuments({})).toBe(1);
  });
});

describe('aggregation', () => {
  beforeAll(async () => {
    await db.collection('agg_authors').insertMany([{ _id: 1 as unknown as ObjectId, name: 'Ada' }, { _id: 2 as unknown as ObjectId, name: 'Bob' }]);
    await db.collection('agg_posts').insertMany([
      { author: 1, words: 100 },
      { author: 1, words: 300 },
      { author: 2, words: 50 },
    ]);
  });

  test('when $group and $lookup are combined, then totals are joined with authors', async () => {
    const rows = await db
      .collection('agg_posts')
      .aggregate([
        { $group: { _id: '$author', total: { $sum: '$words' }, posts: { $sum: 1 } } },
        { $lookup: { from: 'agg_authors', localField: '_id', foreignField: '_id', as: 'author' } },
        { $unwind: '$author' },
        { $project: { _id: 0, name: '$author.name', total: 1, posts: 1 } },
        { $sort: { total: -1 } },
      ])
      .toArray();
    expect(rows).toEqual([
      { total: 400, posts: 2, name: 'Ada' },
      { total: 50, posts: 1, name: 'Bob' },
    ]);
  });

  test('when $facet runs two pipelines, then both results come back in one document', async () => {
    const [row] = await db
      .collection('agg_posts')
      .aggregate([{ $facet: { count: [{ $count: 'n' }], long: [{ $match: { words: { $gte: 100 } } }, { $project: { _id: 0, words: 1 } }, { $sort: { words: 1 } }] } }])
      .toArray();
    expect(row).toEqual({ count: [{ n: 3 }], long: [{ words: 100 }, { words: 300 }] });
  });

  test('when $out is used, then the server refuses with a clear error rather than ignoring it (or writes it, on real MongoDB)', async () => {
    const result = await db
      .collection('agg_posts')
      .aggregate([{ $match: {} }, { $out: 'agg_out_target' }])
      .toArray()
      .then(
        () => 'written',
        (e: unknown) => e,
      );
    if (result === 'written') {
      expect(await db.collection('agg_out_target').countDocuments({})).toBe(3);
    } else {
      expect(result).toBeInstanceOf(MongoServerError);
      expect((result as MongoServerError).message).toMatch(/\$out/);
    }
  });
});

describe('text search', () => {
  beforeAll(async () => {
    const coll = db.collection('txt_claims');
    await coll.createIndex({ title: 'text', body: 'text' }, { weights: { title: 5, body: 1 } });
    await coll.insertMany([
      { k: 'a', title: 'Écart budgétaire', body: 'Le déficit public' },
      { k: 'b', title: 'Chômage', body: 'un écart avec les prévisions, un écart important' },
      { k: 'c', title: 'Inflation', body: 'prix alimentaires' },
    ]);
  });

  test('when searching without accents or capitals, then accented and capitalised words match', async () => {
    const docs = await db.collection('txt_claims').find({ $text: { $search: 'ecart' } }).toArray();
    expect(docs.map((d) => d.k as string).sort()).toEqual(['a', 'b']);
  });

  test('when sorting by textScore, then the heavier-weighted title match comes first and scores are projected', async () => {
    const docs = await db
      .collection('txt_claims')
      .find({ $text: { $search: 'ecart' } }, { projection: { k: 1, score: { $meta: 'textScore' } } })
      .sort({ score: { $meta: 'textScore' } })
      .toArray();
    expect(docs.map((d) => d.k as unknown)).toEqual(['a', 'b']);
    expect(docs[0]?.score).toBeGreaterThan(docs[1]?.score as number);
  });

  test('when $text is combined with another condition, then both apply', async () => {
    const docs = await db.collection('txt_claims').find({ $text: { $search: 'ecart inflation' }, k: { $ne: 'a' } }).toArray();
    expect(docs.map((d) => d.k as string).sort()).toEqual(['b', 'c']);
  });

  test('when a collection has no text index, then $text fails with IndexNotFound', async () => {
    await db.collection('txt_none').insertOne({ a: 'x' });
    await expect(db.collection('txt_none').find({ $text: { $search: 'x' } }).toArray()).rejects.toMatchObject({ code: 27 });
  });
});

describe('commands and indexes', () => {
  test('when an unknown command is sent, then the reply is CommandNotFound', async () => {
    const err = (await db.command({ definitelyNotACommand: 1 }).catch((e: unknown) => e)) as MongoServerError;
    expect(err).toBeInstanceOf(MongoServerError);
    expect(err.code).toBe(59);
    expect(err.codeName).toBe('CommandNotFound');
  });

  test('when indexes are created, listed and dropped, then listIndexes follows', async () => {
    const coll = db.collection('idx_admin');
    await coll.insertOne({ a: 1 });
    await coll.createIndex({ a: 1 }, { unique: true });
    await coll.createIndex({ b: -1, c: 1 }, { name: 'b_c' });
    let names = (await coll.listIndexes().toArray()).map((i) => i.name as string).sort();
    expect(names).toEqual(['_id_', 'a_1', 'b_c']);
    await coll.dropIndex('b_c');
    names = (await coll.listIndexes().toArray()).map((i) => i.name as string).sort();
    expect(names).toEqual(['_id_', 'a_1']);
    await expect(coll.dropIndex('nope')).rejects.toMatchObject({ code: 27 });
  });

  test('when listCollections filters by name, then only that collection comes back', async () => {
    await db.createCollection('lc_target');
    const found = await db.listCollections({ name: 'lc_target' }, { nameOnly: true }).toArray();
    expect(found.map((c) => c.name)).toEqual(['lc_target']);
    await expect(db.createCollection('lc_target')).rejects.toMatchObject({ code: 48 });
    expect(await db.collection('lc_target').drop()).toBe(true);
    expect(await db.listCollections({ name: 'lc_target' }).toArray()).toEqual([]);
  });

  test('when listDatabases runs, then this test database is listed', async () => {
    await db.collection('ld').insertOne({ a: 1 });
    const { databases } = await client.db('admin').admin().listDatabases();
    expect(databases.map((d) => d.name)).toContain(testDb.dbName);
  });
});
