/**
 * Multi-document transactions through the official driver and Mongoose. Everything here
 * holds against a real MongoDB replica set too (run with MONGODB_URI), so it checks the
 * embedded server's semantics: all or nothing, snapshot reads plus the transaction's own
 * writes, abort, and WriteConflict retried by withTransaction.
 */
import { MongoClient, MongoServerError, type Db } from 'mongodb';
import mongoose, { Schema } from 'mongoose';
import { withDatabase, type TestDatabase } from '../../helpers/embedded';

let testDb: TestDatabase;
let client: MongoClient;
let other: MongoClient;
let db: Db;

beforeAll(async () => {
  testDb = await withDatabase();
  client = await MongoClient.connect(testDb.uri);
  other = await MongoClient.connect(testDb.uri);
  db = client.db(testDb.dbName);
});

afterAll(async () => {
  await db.dropDatabase();
  await client.close();
  await other.close();
  await testDb.close();
});

async function freshCollection(name: string) {
  await db.createCollection(name);
  return db.collection<{ _id: string; n?: number; tag?: string }>(name);
}

test('when a transaction commits, then all its writes appear together, and none before the commit', async () => {
  const coll = await freshCollection('txn_commit');
  const outside = other.db(testDb.dbName).collection('txn_commit');
  const session = client.startSession();
  session.startTransaction();
  await coll.insertOne({ _id: 'a', n: 1 }, { session });
  await coll.insertOne({ _id: 'b', n: 2 }, { session });
  expect(await outside.countDocuments({})).toBe(0);
  await session.commitTransaction();
  await session.endSession();
  expect(await outside.find({}).sort({ _id: 1 }).toArray()).toEqual([{ _id: 'a', n: 1 }, { _id: 'b', n: 2 }]);
});

test('when a transaction aborts, then none of its writes remain', async () => {
  const coll = await freshCollection('txn_abort');
  await coll.insertOne({ _id: 'keep', n: 1 });
  const session = client.startSession();
  session.startTransaction();
  await coll.insertOne({ _id: 'gone', n: 2 }, { session });
  await coll.updateOne({ _id: 'keep' }, { $set: { n: 99 } }, { session });
  await coll.deleteOne({ _id: 'keep' }, { session });
  await session.abortTransaction();
  await session.endSession();
  expect(await coll.find({}).toArray()).toEqual([{ _id: 'keep', n: 1 }]);
});

test('when a transaction reads, then it sees its own writes and not writes committed by others after it started', async () => {
  const coll = await freshCollection('txn_reads');
  await coll.insertMany([{ _id: 'x', n: 1 }, { _id: 'y', n: 1 }]);
  const session = client.startSession();
  session.startTransaction();
  await coll.updateOne({ _id: 'x' }, { $inc: { n: 10 } }, { session });
  await other.db(testDb.dbName).collection('txn_reads').insertOne({ _id: 'z' as never, n: 5 });
  const inside = await coll.find({}, { session }).sort({ _id: 1 }).toArray();
  expect(inside).toEqual([{ _id: 'x', n: 11 }, { _id: 'y', n: 1 }]);
  expect(await coll.countDocuments({ n: { $gte: 1 } }, { session })).toBe(2);
  await session.commitTransaction();
  await session.endSession();
  expect(await coll.find({}).sort({ _id: 1 }).toArray()).toEqual([{ _id: 'x', n: 11 }, { _id: 'y', n: 1 }, { _id: 'z', n: 5 }]);
});

test('when two transactions write the same document, then the second gets WriteConflict labelled TransientTransactionError', async () => {
  const coll = await freshCollection('txn_conflict');
  await coll.insertOne({ _id: 'doc', n: 0 });
  const first = client.startSession();
  const second = client.startSession();
  first.startTransaction();
  second.startTransaction();
  await coll.updateOne({ _id: 'doc' }, { $inc: { n: 1 } }, { session: first });
  const error = await coll.updateOne({ _id: 'doc' }, { $inc: { n: 1 } }, { session: second }).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(MongoServerError);
  expect((error as MongoServerError).code).toBe(112);
  expect((error as MongoServerError).hasErrorLabel('TransientTransactionError')).toBe(true);
  await second.abortTransaction();
  await first.commitTransaction();
  await first.endSession();
  await second.endSession();
  expect(await coll.findOne({ _id: 'doc' })).toEqual({ _id: 'doc', n: 1 });
});

test('when a write commits under a transaction after it wrote the same document, then withTransaction retries it and the result holds both', async () => {
  const coll = await freshCollection('txn_retry');
  await coll.insertOne({ _id: 'counter', n: 0 });
  const outside = other.db(testDb.dbName).collection<{ _id: string; n: number }>('txn_retry');
  const session = client.startSession();
  let attempts = 0;
  await session.withTransaction(async () => {
    attempts++;
    const current = await coll.findOne({ _id: 'counter' }, { session });
    await coll.updateOne({ _id: 'counter' }, { $set: { n: (current?.n ?? 0) + 1 } }, { session });
    // Another writer changes the same document before this transaction commits (first attempt only).
    if (attempts === 1) await outside.updateOne({ _id: 'counter' }, { $inc: { n: 100 } });
  });
  await session.endSession();
  expect(attempts).toBe(2);
  expect(await coll.findOne({ _id: 'counter' })).toEqual({ _id: 'counter', n: 101 });
});

test('when a transaction breaks a unique index, then nothing of it is applied', async () => {
  const coll = await freshCollection('txn_unique');
  await coll.createIndex({ tag: 1 }, { unique: true });
  await coll.insertOne({ _id: 'taken', tag: 't' });
  const session = client.startSession();
  const error = await session
    .withTransaction(async () => {
      await coll.insertOne({ _id: 'new1', tag: 'u' }, { session });
      await coll.insertOne({ _id: 'new2', tag: 't' }, { session });
    })
    .catch((e: unknown) => e);
  await session.endSession();
  expect((error as MongoServerError).code).toBe(11000);
  expect(await coll.find({}).toArray()).toEqual([{ _id: 'taken', tag: 't' }]);
});

test('when a command names a transaction that was never started, then it gets NoSuchTransaction', async () => {
  const coll = await freshCollection('txn_unknown');
  const session = client.startSession();
  session.startTransaction();
  await coll.insertOne({ _id: 'a' }, { session });
  await session.abortTransaction();
  const reply = await db
    .command({ insert: 'txn_unknown', documents: [{ _id: 'b' }], lsid: session.id, txnNumber: session.serverSession?.txnNumber ?? 1, autocommit: false })
    .catch((e: unknown) => e);
  expect((reply as MongoServerError).code).toBe(251);
  await session.endSession();
  expect(await coll.countDocuments({})).toBe(0);
});

test('when Mongoose runs connection.transaction(), then its writes commit together and a throw rolls them back', async () => {
  const conn = await mongoose.createConnection(testDb.uri, { dbName: testDb.dbName }).asPromise();
  try {
    const Account = conn.model('TxnAccount', new Schema({ name: String, balance: Number }));
    await Account.createCollection();
    const [alice, bob] = await Account.create([{ name: 'alice', balance: 10 }, { name: 'bob', balance: 0 }]);
    await conn.transaction(async (session) => {
      await Account.updateOne({ _id: alice?._id }, { $inc: { balance: -4 } }, { session });
      await Account.updateOne({ _id: bob?._id }, { $inc: { balance: 4 } }, { session });
    });
    await expect(
      conn.transaction(async (session) => {
        await Account.updateOne({ _id: alice?._id }, { $inc: { balance: -100 } }, { session });
        throw new Error('insufficient funds');
      }),
    ).rejects.toThrow('insufficient funds');
    const balances = await Account.find({}).sort({ name: 1 }).lean();
    expect(balances.map((a) => a.balance)).toEqual([6, 4]);
  } finally {
    await conn.close();
  }
});
