/** express-session + connect-mongo against the database: a session written, then read back. */
import express from 'express';
import session from 'express-session';
import { MongoStore } from 'connect-mongo';
import { MongoClient } from 'mongodb';
import request from 'supertest';
import { withDatabase, type TestDatabase } from '../../helpers/embedded';

declare module 'express-session' {
  interface SessionData {
    visits?: number;
  }
}

let testDb: TestDatabase;
let client: MongoClient;
let store: MongoStore;

beforeAll(async () => {
  testDb = await withDatabase();
  client = await MongoClient.connect(testDb.uri);
  store = MongoStore.create({ client, dbName: testDb.dbName, collectionName: 'sessions' });
});

afterAll(async () => {
  await client.db(testDb.dbName).dropDatabase();
  // store.close() closes the client it was given.
  await store.close();
  await testDb.close();
});

function buildApp(): express.Express {
  const app = express();
  app.use(session({ secret: 'test-secret', resave: false, saveUninitialized: false, store }));
  app.post('/visit', (req, res) => {
    req.session.visits = (req.session.visits ?? 0) + 1;
    res.json({ visits: req.session.visits });
  });
  app.get('/visits', (req, res) => {
    res.json({ visits: req.session.visits ?? 0 });
  });
  return app;
}

test('when a session value is set, then the next request with the cookie reads it back from the store', async () => {
  const agent = request.agent(buildApp());
  const first = await agent.post('/visit').expect(200);
  expect(first.body).toEqual({ visits: 1 });
  expect(first.headers['set-cookie']).toBeDefined();
  await agent.post('/visit').expect(200, { visits: 2 });
  await agent.get('/visits').expect(200, { visits: 2 });

  const stored = await client.db(testDb.dbName).collection('sessions').find({}).toArray();
  expect(stored).toHaveLength(1);
  expect(stored[0]?.expires).toBeInstanceOf(Date);
  expect(JSON.parse(stored[0]?.session as string)).toMatchObject({ visits: 2 });
});

test('when a request has no session cookie, then it starts from an empty session', async () => {
  await request(buildApp()).get('/visits').expect(200, { visits: 0 });
});

test('when the store initialises, then it has created the TTL index on expires', async () => {
  // Any store call waits for the store's set-up, which includes creating the index.
  const count = await new Promise<number>((resolve, reject) => store.length((err: unknown, n: number) => (err ? reject(err instanceof Error ? err : new Error('store.length failed')) : resolve(n))));
  expect(count).toBeGreaterThanOrEqual(1);
  const indexes = await client.db(testDb.dbName).collection('sessions').listIndexes().toArray();
  expect(indexes.find((i) => i.key && (i.key as Record<string, unknown>).expires === 1)).toMatchObject({ expireAfterSeconds: 0 });
});
