/**
 * Options the embedded server does not implement are refused with MongoDB's error code and
 * a clear message, never silently ignored (issue 10, "Honesty and the debts").
 *
 * Unlike the conformance tests, this file never runs against MONGODB_URI: a real MongoDB
 * implements every one of these options, so there the refusals would (rightly) not happen.
 * It always starts its own in-memory embedded server.
 */
import { MongoClient, MongoServerError, type Collection, type Db, type Document } from 'mongodb';
import { startEmbeddedServer, type EmbeddedServer } from '../../../server/db/embedded';

const SUFFIX = "is not supported by Écart's embedded server; use a real MongoDB (MONGODB_URI)";
interface Doc {
  _id: number;
  k: number;
}

const COLL = 'opts';
const SEED: Doc[] = [
  { _id: 1, k: 1 },
  { _id: 2, k: 2 },
];

let server: EmbeddedServer;
let client: MongoClient;
let db: Db;
let coll: Collection<Doc>;

beforeAll(async () => {
  server = await startEmbeddedServer();
  client = await MongoClient.connect(server.uri);
  db = client.db('unsupported_options');
  coll = db.collection<Doc>(COLL);
});

afterAll(async () => {
  await client.close();
  await server.close();
});

beforeEach(async () => {
  await coll.deleteMany({});
  await coll.insertMany(SEED.map((d) => ({ ...d })));
});

async function errorOf(action: () => Promise<unknown>): Promise<MongoServerError> {
  try {
    await action();
  } catch (err) {
    if (err instanceof MongoServerError) return err;
    throw err;
  }
  throw new Error('expected the server to refuse the command');
}

async function expectRefused(action: () => Promise<unknown>, errmsg: string): Promise<void> {
  const error = await errorOf(action);
  expect({ code: error.code, codeName: error.codeName, errmsg: error.errmsg }).toEqual({ code: 238, codeName: 'NotImplemented', errmsg });
  // Refused before anything ran: the data is as seeded.
  expect(await coll.find({}).sort({ _id: 1 }).toArray()).toEqual(SEED);
}

const collation = { locale: 'fr', strength: 1 };
const hint = { _id: 1 };
const letVars = { v: 1 };

describe('collation', () => {
  test.each<[string, () => Promise<unknown>, string]>([
    ['find', () => coll.find({}, { collation }).toArray(), `The 'collation' option of find ${SUFFIX}`],
    ['aggregate', () => coll.aggregate([{ $match: {} }], { collation }).toArray(), `The 'collation' option of aggregate ${SUFFIX}`],
    ['count', () => db.command({ count: COLL, query: {}, collation }), `The 'collation' option of count ${SUFFIX}`],
    ['distinct', () => coll.distinct('k', {}, { collation }), `The 'collation' option of distinct ${SUFFIX}`],
    [
      'update statements',
      () => coll.updateOne({ k: 1 }, { $set: { k: 9 } }, { collation }),
      `The 'collation' option of update statements (updates[0].collation) ${SUFFIX}`,
    ],
    [
      'delete statements',
      () => coll.deleteOne({ k: 1 }, { collation }),
      `The 'collation' option of delete statements (deletes[0].collation) ${SUFFIX}`,
    ],
    [
      'findAndModify',
      () => coll.findOneAndUpdate({ k: 1 }, { $set: { k: 9 } }, { collation }),
      `The 'collation' option of findAndModify ${SUFFIX}`,
    ],
    ['createIndexes', () => coll.createIndex({ k: 1 }, { collation }), `index collations ${SUFFIX.replace('is', 'are')}`],
    ['create', () => db.createCollection('opts_collated', { collation }), `collection option 'collation' ${SUFFIX}`],
  ])('when a collation is given to %s, then it is refused with NotImplemented and nothing changes', async (_what, action, errmsg) => {
    await expectRefused(action, errmsg);
  });

  test('when a later update statement carries a collation, then no statement of the command is applied', async () => {
    const command = {
      update: COLL,
      updates: [
        { q: { k: 1 }, u: { $set: { k: 10 } } },
        { q: { k: 2 }, u: { $set: { k: 20 } }, collation },
      ],
    };
    await expectRefused(() => db.command(command), `The 'collation' option of update statements (updates[1].collation) ${SUFFIX}`);
  });
});

describe('command-level let', () => {
  const filter = { $expr: { $eq: ['$k', '$$v'] } };
  test.each<[string, () => Promise<unknown>, string]>([
    ['find', () => coll.find(filter, { let: letVars }).toArray(), `The 'let' option of find ${SUFFIX}`],
    ['aggregate', () => coll.aggregate([{ $match: filter }], { let: letVars }).toArray(), `The 'let' option of aggregate ${SUFFIX}`],
    ['update', () => coll.updateOne(filter, { $set: { k: 9 } }, { let: letVars }), `The 'let' option of update ${SUFFIX}`],
    ['delete', () => coll.deleteOne(filter, { let: letVars }), `The 'let' option of delete ${SUFFIX}`],
    ['findAndModify', () => coll.findOneAndDelete(filter, { let: letVars }), `The 'let' option of findAndModify ${SUFFIX}`],
  ])('when let is given to %s, then it is refused with NotImplemented and nothing changes', async (_what, action, errmsg) => {
    await expectRefused(action, errmsg);
  });
});

describe('hint', () => {
  test.each<[string, () => Promise<unknown>, string]>([
    ['find', () => coll.find({ k: 1 }, { hint }).toArray(), `The 'hint' option of find ${SUFFIX}`],
    ['count', () => db.command({ count: COLL, query: { k: 1 }, hint }), `The 'hint' option of count ${SUFFIX}`],
    ['aggregate', () => coll.aggregate([{ $match: { k: 1 } }], { hint }).toArray(), `The 'hint' option of aggregate ${SUFFIX}`],
    [
      'update statements',
      () => coll.updateMany({ k: 1 }, { $set: { k: 9 } }, { hint }),
      `The 'hint' option of update statements (updates[0].hint) ${SUFFIX}`,
    ],
    ['delete statements', () => coll.deleteMany({ k: 1 }, { hint }), `The 'hint' option of delete statements (deletes[0].hint) ${SUFFIX}`],
    ['findAndModify', () => coll.findOneAndDelete({ k: 1 }, { hint }), `The 'hint' option of findAndModify ${SUFFIX}`],
  ])('when a hint is given to %s, then it is refused with NotImplemented and nothing changes', async (_what, action, errmsg) => {
    await expectRefused(action, errmsg);
  });
});

describe('sort inside update statements', () => {
  test('when an update statement has sort, then it fails as on MongoDB 7.0: code 40415, an unknown field', async () => {
    const error = await errorOf(() => coll.updateOne({}, { $set: { k: 9 } }, { sort: { k: -1 } }));
    expect({ code: error.code, codeName: error.codeName, errmsg: error.errmsg }).toEqual({
      code: 40415,
      codeName: 'Location40415',
      errmsg: "BSON field 'update.updates.sort' is an unknown field.",
    });
    expect(await coll.find({}).sort({ _id: 1 }).toArray()).toEqual(SEED);
  });
});

describe('other options that would change results', () => {
  test.each<[string, Document]>([
    ['min', { min: { k: 1 } }],
    ['max', { max: { k: 2 } }],
    ['returnKey', { returnKey: true }],
    ['showRecordId', { showRecordId: true }],
    ['tailable', { tailable: true }],
    ['awaitData', { awaitData: true }],
    ['noCursorTimeout', { noCursorTimeout: true }],
  ])('when find carries %s, then it is refused with NotImplemented', async (option, extra) => {
    await expectRefused(() => db.command({ find: COLL, filter: {}, ...extra }), `The '${option}' option of find ${SUFFIX}`);
  });

  test('when an update statement carries constants (c), then it is refused with NotImplemented and nothing changes', async () => {
    const command = { update: COLL, updates: [{ q: { k: 1 }, u: [{ $set: { k: '$$x' } }], c: { x: 5 } }] };
    await expectRefused(() => db.command(command), `The 'c' option of update statements (updates[0].c) ${SUFFIX}`);
  });
});

describe('harmless options', () => {
  test('when reads carry transport and no-op options, then they are answered normally', async () => {
    const harmless = { comment: 'why', maxTimeMS: 5000, readConcern: { level: 'local' as const } };
    const found = await coll
      .find({ k: 2 }, { ...harmless, allowDiskUse: true, allowPartialResults: true, noCursorTimeout: false, batchSize: 10 })
      .toArray();
    expect(found).toEqual([{ _id: 2, k: 2 }]);
    expect(await coll.aggregate([{ $match: { k: 1 } }], { ...harmless, allowDiskUse: true, bypassDocumentValidation: true }).toArray()).toEqual([
      { _id: 1, k: 1 },
    ]);
    expect(await db.command({ count: COLL, query: {}, ...harmless })).toMatchObject({ n: 2, ok: 1 });
    expect((await coll.distinct('k', {}, harmless)).sort()).toEqual([1, 2]);
  });

  test('when writes carry transport and no-op options, then they are applied normally', async () => {
    const harmless = { comment: 'why', writeConcern: { w: 1 }, bypassDocumentValidation: true };
    expect(await coll.updateOne({ k: 1 }, { $set: { k: 3 } }, harmless)).toMatchObject({ matchedCount: 1, modifiedCount: 1 });
    expect(await coll.findOneAndUpdate({ k: 3 }, { $set: { k: 4 } }, { ...harmless, maxTimeMS: 5000, returnDocument: 'after' })).toEqual({
      _id: 1,
      k: 4,
    });
    expect(await coll.deleteOne({ k: 2 }, { comment: 'why', writeConcern: { w: 1 } })).toMatchObject({ deletedCount: 1 });
    expect(await coll.find({}).toArray()).toEqual([{ _id: 1, k: 4 }]);
  });
});
