/**
 * Conformance through Mongoose 8: what the app's models rely on. Runs against the embedded
 * server or, with MONGODB_URI set, a real MongoDB.
 */
import mongoose, { Schema, type Connection } from 'mongoose';
import { MongoServerError } from 'mongodb';
import { withDatabase, type TestDatabase } from '../../helpers/embedded';

let testDb: TestDatabase;
let conn: Connection;

const speakerSchema = new Schema({ name: { type: String, required: true }, slug: { type: String, required: true, unique: true } }, { timestamps: true });
const claimSchema = new Schema(
  {
    title: { type: String, required: true, minlength: 3 },
    body: String,
    speaker: { type: Schema.Types.ObjectId, ref: 'Speaker' },
    figure: { type: Number, min: 0 },
    tags: [String],
  },
  { timestamps: true },
);
claimSchema.index({ title: 'text', body: 'text' }, { weights: { title: 3, body: 1 } });

beforeAll(async () => {
  // These tests check the database server, including raw operators like $text that the
  // app's sanitizeFilter policy (set globally for every test) would refuse before sending.
  mongoose.set('sanitizeFilter', false);
  testDb = await withDatabase();
  conn = await mongoose.createConnection(testDb.uri, { dbName: testDb.dbName }).asPromise();
  conn.model('Speaker', speakerSchema);
  conn.model('Claim', claimSchema);
  await Promise.all([conn.model('Speaker').init(), conn.model('Claim').init()]);
});

afterAll(async () => {
  await conn.dropDatabase();
  await conn.close();
  await testDb.close();
  mongoose.set('sanitizeFilter', true);
});

const Speaker = () => conn.model('Speaker');
const Claim = () => conn.model('Claim');

test('when a document is created, then timestamps are set and it round-trips', async () => {
  const s = await Speaker().create({ name: 'Ada', slug: 'ada' });
  const found = await Speaker().findById(s._id).lean<{ name: string; createdAt: Date; updatedAt: Date }>();
  expect(found?.name).toBe('Ada');
  expect(found?.createdAt).toBeInstanceOf(Date);
  expect(found?.updatedAt.getTime()).toBe(found?.createdAt.getTime());
});

test('when an update runs, then updatedAt moves and createdAt stays', async () => {
  const s = await Speaker().create({ name: 'Bea', slug: 'bea' });
  const before = await Speaker().findById(s._id).lean<{ createdAt: Date; updatedAt: Date }>();
  await new Promise((r) => setTimeout(r, 5));
  await Speaker().updateOne({ _id: s._id }, { $set: { name: 'Béa' } });
  const after = await Speaker().findById(s._id).lean<{ name: string; createdAt: Date; updatedAt: Date }>();
  expect(after?.name).toBe('Béa');
  expect(after?.createdAt.getTime()).toBe(before?.createdAt.getTime());
  expect(after?.updatedAt.getTime()).toBeGreaterThan(before?.updatedAt.getTime() ?? Infinity);
});

test('when schema validation fails, then nothing is written', async () => {
  await expect(Claim().create({ title: 'x', figure: -1 })).rejects.toBeInstanceOf(mongoose.Error.ValidationError);
  expect(await Claim().countDocuments({ title: 'x' })).toBe(0);
});

test('when a unique slug is reused on create, then Mongoose surfaces the 11000 error with keyValue', async () => {
  await Speaker().create({ name: 'Cy', slug: 'cy' });
  const err = (await Speaker().create({ name: 'Cy 2', slug: 'cy' }).catch((e: unknown) => e)) as MongoServerError;
  expect(err.code).toBe(11000);
  expect(err.keyPattern).toEqual({ slug: 1 });
  expect(err.keyValue).toEqual({ slug: 'cy' });
  expect(await Speaker().countDocuments({ slug: 'cy' })).toBe(1);
});

test('when an update would reuse a unique slug, then findOneAndUpdate fails with 11000', async () => {
  await Speaker().create({ name: 'Di', slug: 'di' });
  const other = await Speaker().create({ name: 'Ed', slug: 'ed' });
  await expect(Speaker().findOneAndUpdate({ _id: other._id }, { slug: 'di' }, { new: true })).rejects.toMatchObject({ code: 11000, keyValue: { slug: 'di' } });
  expect((await Speaker().findById(other._id).lean<{ slug: string }>())?.slug).toBe('ed');
});

test('when the model is initialised, then its indexes exist on the server', async () => {
  const indexes = await Speaker().listIndexes();
  expect(indexes.find((i: { name: string }) => i.name === 'slug_1')).toMatchObject({ unique: true });
  const claimIndexes = await Claim().listIndexes();
  expect(claimIndexes.some((i: { key: Record<string, unknown> }) => i.key._fts === 'text')).toBe(true);
});

test('when populate follows a ref, then the referenced document is embedded', async () => {
  const s = await Speaker().create({ name: 'Flo', slug: 'flo' });
  const c = await Claim().create({ title: 'Claim by Flo', speaker: s._id });
  const found = await Claim().findById(c._id).populate<{ speaker: { name: string } }>('speaker');
  expect(found?.speaker.name).toBe('Flo');
});

test('when paginating with sort/skip/limit and a projection, then the page is right and trimmed', async () => {
  await Claim().insertMany(Array.from({ length: 12 }, (_, i) => ({ title: `Page claim ${i}`, figure: i, tags: ['page'] })));
  const page = await Claim().find({ tags: 'page' }).sort({ figure: -1 }).skip(5).limit(5).select({ figure: 1, _id: 0 }).lean();
  expect(page).toEqual([{ figure: 6 }, { figure: 5 }, { figure: 4 }, { figure: 3 }, { figure: 2 }]);
  expect(await Claim().countDocuments({ tags: 'page' })).toBe(12);
});

test('when iterating a Mongoose cursor over 150 documents, then all of them arrive', async () => {
  await Claim().insertMany(Array.from({ length: 150 }, (_, i) => ({ title: `Bulk claim ${i}`, figure: i, tags: ['bulk'] })));
  let seen = 0;
  for await (const doc of Claim().find({ tags: 'bulk' }).sort({ figure: 1 }).cursor()) {
    expect((doc as unknown as { figure: number }).figure).toBe(seen);
    seen += 1;
  }
  expect(seen).toBe(150);
});

test('when $push and positional updates run through Mongoose, then arrays change', async () => {
  const c = await Claim().create({ title: 'Tagged claim', tags: ['a', 'b'] });
  await Claim().updateOne({ _id: c._id }, { $push: { tags: 'c' } });
  await Claim().updateOne({ _id: c._id, tags: 'b' }, { $set: { 'tags.$': 'B' } });
  await Claim().updateOne({ _id: c._id }, { $pull: { tags: 'a' } });
  expect((await Claim().findById(c._id).lean<{ tags: string[] }>())?.tags).toEqual(['B', 'c']);
});

test('when upserting through findOneAndUpdate, then a document is created once', async () => {
  const first = await Speaker().findOneAndUpdate({ slug: 'gus' }, { $set: { name: 'Gus' } }, { upsert: true, new: true }).lean<{ _id: unknown }>();
  const second = await Speaker().findOneAndUpdate({ slug: 'gus' }, { $set: { name: 'Gus 2' } }, { upsert: true, new: true }).lean<{ _id: unknown }>();
  expect(String(second?._id)).toBe(String(first?._id));
  expect(first).not.toBeNull();
  expect(await Speaker().countDocuments({ slug: 'gus' })).toBe(1);
});

test('when bulkWrite runs through Mongoose, then results are reported', async () => {
  const res = await Speaker().bulkWrite([
    { insertOne: { document: { name: 'H', slug: 'h' } } },
    { updateOne: { filter: { slug: 'h' }, update: { $set: { name: 'Hal' } } } },
    { deleteOne: { filter: { slug: 'nope' } } },
  ]);
  expect(res.insertedCount).toBe(1);
  expect(res.modifiedCount).toBe(1);
  expect(res.deletedCount).toBe(0);
});

test('when aggregating with $group and $lookup, then the speaker name is joined', async () => {
  const s = await Speaker().create({ name: 'Ines', slug: 'ines' });
  await Claim().insertMany([
    { title: 'Ines one', speaker: s._id, figure: 10 },
    { title: 'Ines two', speaker: s._id, figure: 20 },
  ]);
  const rows = await Claim().aggregate<{ name: string; total: number }>([
    { $match: { speaker: s._id } },
    { $group: { _id: '$speaker', total: { $sum: '$figure' } } },
    { $lookup: { from: 'speakers', localField: '_id', foreignField: '_id', as: 's' } },
    { $project: { _id: 0, total: 1, name: { $arrayElemAt: ['$s.name', 0] } } },
  ]);
  expect(rows).toEqual([{ total: 30, name: 'Ines' }]);
});

test('when a text search runs through Mongoose, then accents are ignored and textScore sorts', async () => {
  await Claim().insertMany([
    { title: 'Écart de budget', body: 'chiffres' },
    { title: 'Autre sujet', body: 'un petit écart' },
  ]);
  const found = await Claim()
    .find({ $text: { $search: 'ECART' } }, { score: { $meta: 'textScore' }, title: 1 })
    .sort({ score: { $meta: 'textScore' } })
    .lean<{ title: string; score: number }[]>();
  expect(found.map((d) => d.title)).toEqual(['Écart de budget', 'Autre sujet']);
  expect(found[0]?.score).toBeGreaterThan(0);
});

test('when a transaction is attempted, then it fails with a clear error and writes nothing', async () => {
  const session = await conn.startSession();
  const attempt = session
    .withTransaction(async () => {
      await Speaker().create([{ name: 'Tx', slug: 'tx' }], { session });
    })
    .then(
      () => null,
      (e: unknown) => e,
    );
  const err = (await attempt) as Error | null;
  await session.endSession();
  // On a real replica set the transaction commits; the embedded server must refuse it.
  if (err === null) {
    expect(await Speaker().countDocuments({ slug: 'tx' })).toBe(1);
  } else {
    expect(err.message).toMatch(/Transaction/i);
    expect(await Speaker().countDocuments({ slug: 'tx' })).toBe(0);
  }
});
