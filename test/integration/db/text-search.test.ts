/**
 * French full-text search as the app uses it (issue 14), through the driver and Mongoose.
 * Everything but the restart test holds against a real MongoDB too (run with MONGODB_URI):
 * it asserts matches, order and error codes, never embedded-only score values.
 */
import { MongoClient, type Collection, type Db, type Document } from 'mongodb';
import mongoose, { Schema, type Connection } from 'mongoose';
import { startEmbeddedServer } from '../../../server/db/embedded';
import { createFilePersistence } from '../../../server/db/embedded/persistence';
import { withDatabase, type TestDatabase } from '../../helpers/embedded';
import { makeRecordingLogger, makeTempDir, removeDir } from '../../helpers/persistence-fixtures';

const TEXT_KEY = { title: 'text', statement: 'text', 'search.speaker': 'text', 'search.topics': 'text', 'search.definitions': 'text' } as const;
const TEXT_OPTIONS = {
  name: 'claim_text',
  default_language: 'french',
  weights: { title: 10, statement: 5, 'search.speaker': 2, 'search.topics': 1, 'search.definitions': 1 },
};

const CLAIMS = [
  { k: 'title', topic: 'santé', title: 'Le passe sanitaire', statement: 'Une mesure', search: { speaker: 'Ministre', topics: ['santé'] } },
  { k: 'statement', topic: 'santé', title: 'Une mesure', statement: 'Le pass sanitaire sera levé', search: { speaker: 'Ministre', topics: ['santé'] } },
  { k: 'topic', topic: 'santé', title: 'Une autre mesure', statement: 'Rien à voir', search: { speaker: 'Député', topics: ['pass sanitaire'] } },
  { k: 'budget', topic: 'budget', title: "L'écart budgétaire", statement: 'Les déclarations du ministre sur le déficit', search: { speaker: 'Ministre', topics: ['budget'] } },
  { k: 'english', topic: 'budget', language: 'en', title: 'The running costs', statement: 'Figures for the year', search: { speaker: 'Minister', topics: ['budget'] } },
];

let testDb: TestDatabase;
let client: MongoClient;
let db: Db;
let claims: Collection;

beforeAll(async () => {
  testDb = await withDatabase();
  client = await MongoClient.connect(testDb.uri);
  db = client.db(testDb.dbName);
  claims = db.collection('fts_claims');
  await claims.createIndex(TEXT_KEY, TEXT_OPTIONS);
  await claims.insertMany(CLAIMS.map((c) => ({ ...c })));
});

afterAll(async () => {
  await db.dropDatabase();
  await client.close();
  await testDb.close();
});

async function keysFor(filter: Document): Promise<string[]> {
  const docs = await claims.find(filter).toArray();
  return docs.map((d) => d.k as string).sort();
}

describe('French text search through the driver', () => {
  test('when a text index is listed, then it reports its default language and override field', async () => {
    const index = (await claims.listIndexes().toArray()).find((i) => i.name === 'claim_text');
    expect(index).toMatchObject({ default_language: 'french', language_override: 'language', weights: TEXT_OPTIONS.weights });
  });

  test('when singular and plural, "passe" and "pass" differ, then French stemming matches them all', async () => {
    expect(await keysFor({ $text: { $search: 'pass sanitaires' } })).toEqual(['statement', 'title', 'topic']);
    expect(await keysFor({ $text: { $search: 'passe sanitaire' } })).toEqual(['statement', 'title', 'topic']);
  });

  test('when accents and capitals differ, then words still match', async () => {
    expect(await keysFor({ $text: { $search: 'ECART' } })).toEqual(['budget']);
    expect(await keysFor({ $text: { $search: 'declaration' } })).toEqual(['budget']);
  });

  test('when the query holds only stop words, then nothing matches', async () => {
    expect(await keysFor({ $text: { $search: 'le la les de du' } })).toEqual([]);
  });

  test('when a document says it is English, then its words are stemmed in English', async () => {
    expect(await keysFor({ $text: { $search: 'run', $language: 'english' } })).toEqual(['english']);
    expect(await keysFor({ $text: { $search: 'figure', $language: 'en' } })).toEqual(['english']);
  });

  test('when $language is none, then the query is not stemmed', async () => {
    expect(await keysFor({ $text: { $search: 'sanitaires', $language: 'none' } })).toEqual([]);
  });

  test('when sorting by textScore, then a title match ranks above a statement match above a topic match', async () => {
    const docs = await claims
      .find({ $text: { $search: 'pass sanitaire' } }, { projection: { k: 1, score: { $meta: 'textScore' } } })
      .sort({ score: { $meta: 'textScore' } })
      .toArray();
    expect(docs.map((d) => d.k as string)).toEqual(['title', 'statement', 'topic']);
    expect(docs[0]?.score).toBeGreaterThan(docs[1]?.score as number);
  });

  test('when $text starts an aggregation, then textScore works in $addFields and $sort, and $group counts', async () => {
    const ranked = await claims
      .aggregate([
        { $match: { $text: { $search: 'passe sanitaire' } } },
        { $addFields: { score: { $meta: 'textScore' } } },
        { $sort: { score: { $meta: 'textScore' } } },
        { $project: { _id: 0, k: 1, hasScore: { $gt: ['$score', 0] } } },
      ])
      .toArray();
    expect(ranked).toEqual([
      { k: 'title', hasScore: true },
      { k: 'statement', hasScore: true },
      { k: 'topic', hasScore: true },
    ]);
    const counted = await claims.aggregate([{ $match: { $text: { $search: 'ministre' } } }, { $group: { _id: 1, n: { $sum: 1 } } }]).toArray();
    expect(counted).toEqual([{ _id: 1, n: 3 }]);
  });

  test('when countDocuments has $text, then it counts the matches', async () => {
    expect(await claims.countDocuments({ $text: { $search: 'sanitaire' } })).toBe(3);
    expect(await claims.countDocuments({ $text: { $search: 'sanitaire' }, k: { $ne: 'topic' } })).toBe(2);
  });

  test('when facets follow a $text match, then each facet counts the matches only', async () => {
    const [facets] = await claims
      .aggregate([
        { $match: { $text: { $search: 'ministre sanitaire' } } },
        {
          $facet: {
            byTopic: [{ $group: { _id: '$topic', n: { $sum: 1 } } }, { $sort: { _id: 1 } }],
            top: [{ $sort: { score: { $meta: 'textScore' } } }, { $limit: 1 }, { $project: { _id: 0, k: 1 } }],
            total: [{ $count: 'n' }],
          },
        },
      ])
      .toArray();
    expect(facets).toEqual({
      byTopic: [
        { _id: 'budget', n: 1 },
        { _id: 'santé', n: 3 },
      ],
      top: [{ k: 'title' }],
      total: [{ n: 4 }],
    });
  });

  test('when $text is in a later $match, then the pipeline is refused with 17313', async () => {
    await expect(claims.aggregate([{ $match: { topic: 'santé' } }, { $match: { $text: { $search: 'pass' } } }]).toArray()).rejects.toMatchObject({
      code: 17313,
    });
  });

  test('when $language is unsupported, then the query is refused with BadValue', async () => {
    await expect(claims.find({ $text: { $search: 'pass', $language: 'klingon' } }).toArray()).rejects.toMatchObject({ code: 2 });
  });

  test('when a text index names an unsupported default language, then createIndexes is refused', async () => {
    await expect(db.collection('fts_klingon').createIndex({ title: 'text' }, { default_language: 'klingon' })).rejects.toMatchObject({ code: 67 });
  });

  test('when a document names an unsupported language, then its insert is refused with 17262 and nothing is written', async () => {
    const coll = db.collection('fts_override');
    await coll.createIndex({ title: 'text' }, { default_language: 'french' });
    await expect(coll.insertOne({ title: 'x', language: 'ja' })).rejects.toMatchObject({ code: 17262 });
    await expect(coll.updateOne({}, { $set: { language: 'ja' } }, { upsert: true })).rejects.toMatchObject({ code: 17262 });
    expect(await coll.countDocuments({})).toBe(0);
  });

  test('when the override field is renamed, then a language field holding any code is plain data', async () => {
    const coll = db.collection('fts_renamed');
    await coll.createIndex({ title: 'text' }, { default_language: 'french', language_override: 'searchLanguage' });
    await coll.insertOne({ title: 'Les écarts', language: 'ja' });
    expect(await coll.countDocuments({ $text: { $search: 'écart' } })).toBe(1);
  });
});

describe('French text search through Mongoose', () => {
  let conn: Connection;
  const claimSchema = new Schema({ k: String, title: String, statement: String, topic: String, search: { speaker: String, topics: [String] } });
  claimSchema.index(TEXT_KEY, TEXT_OPTIONS);

  beforeAll(async () => {
    mongoose.set('sanitizeFilter', false);
    conn = await mongoose.createConnection(testDb.uri, { dbName: testDb.dbName }).asPromise();
    const Claim = conn.model('FtsClaim', claimSchema, 'fts_mongoose');
    await Claim.init();
    await Claim.insertMany(CLAIMS.filter((c) => !('language' in c)));
  });

  afterAll(async () => {
    await conn.close();
    mongoose.set('sanitizeFilter', true);
  });

  test('when the app searches, sorts by score and counts, then Mongoose gets ranked results and the count', async () => {
    const Claim = conn.model('FtsClaim');
    const docs = await Claim.find({ $text: { $search: 'passe sanitaire' } }, { score: { $meta: 'textScore' } })
      .sort({ score: { $meta: 'textScore' } })
      .lean();
    expect(docs.map((d) => d.k as string)).toEqual(['title', 'statement', 'topic']);
    expect(await Claim.countDocuments({ $text: { $search: 'passe sanitaire' } })).toBe(3);
  });
});

describe('the text index across a restart of the embedded server', () => {
  test('when documents come back from the snapshot and the journal, then the stemmed index is rebuilt', async () => {
    const dataDir = makeTempDir('ecart-text-');
    const run = async <T>(fn: (coll: Collection, fts: Db) => Promise<T>): Promise<T> => {
      const server = await startEmbeddedServer({ persistence: createFilePersistence({ dataDir, logger: makeRecordingLogger() }) });
      const c = new MongoClient(server.uri);
      try {
        return await fn(c.db('fts').collection('claims'), c.db('fts'));
      } finally {
        await c.close();
        await server.close();
      }
    };
    try {
      await run(async (coll, fts) => {
        await coll.createIndex(TEXT_KEY, TEXT_OPTIONS);
        // The English claim goes into the snapshot, whose load decodes only the indexed fields
        // (the language field among them).
        await coll.insertMany([...CLAIMS.slice(0, 3), CLAIMS[4]].map((c) => ({ ...c })));
        await fts.command({ compact: 'claims' });
        // After the snapshot: these reach the next start from the journal.
        await coll.insertOne({ ...CLAIMS[3] });
      });
      const after = await run(async (coll) => ({
        sanitaire: (await coll.find({ $text: { $search: 'pass sanitaires' } }).sort({ score: { $meta: 'textScore' } }).toArray()).map((d) => d.k as string),
        english: await coll.countDocuments({ $text: { $search: 'run', $language: 'en' } }),
        budget: await coll.countDocuments({ $text: { $search: 'declaration' } }),
      }));
      expect(after).toEqual({ sanitaire: ['title', 'statement', 'topic'], english: 1, budget: 1 });
    } finally {
      removeDir(dataDir);
    }
  });
});
