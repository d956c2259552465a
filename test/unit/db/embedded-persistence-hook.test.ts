/**
 * The engine's side of the persistence contract, checked with an in-memory fake store:
 * the batches each write produces, that replies wait for append(), and that replaying the
 * batches (or a snapshot plus later batches) rebuilds the same state.
 */
import { MongoClient } from 'mongodb';
import { startEmbeddedServer } from '../../../server/db/embedded';
import { Engine } from '../../../server/db/embedded/engine/engine';
import { idKeyOf } from '../../../server/db/embedded/engine/indexes';
import { deserialize, type Document } from 'bson';
import type { JournalBatch, LoadSink, LoadSummary, Persistence, Snapshot } from '../../../server/db/embedded/persistence.types';

interface LoadedState {
  snapshot: Snapshot | null;
  batches: JournalBatch[];
}

class FakePersistence implements Persistence {
  batches: JournalBatch[] = [];
  closed = false;
  /** When set, append() waits for it, so a test can observe an unacknowledged write. */
  gate: Promise<void> | null = null;

  constructor(private readonly initial: LoadedState = { snapshot: null, batches: [] }) {}

  load(sink: LoadSink): Promise<LoadSummary> {
    let documents = 0;
    for (const c of this.initial.snapshot?.collections ?? []) {
      sink.collection(c);
      for (const doc of c.docs()) {
        sink.document(doc);
        documents++;
      }
    }
    for (const batch of this.initial.batches) sink.batch(batch);
    return Promise.resolve({ collections: this.initial.snapshot?.collections.length ?? 0, documents, batches: this.initial.batches.length });
  }

  async append(batch: JournalBatch): Promise<void> {
    if (this.gate) await this.gate;
    // A deep copy through JSON is not safe for BSON types; the engine promises not to
    // mutate stored documents, so keeping references is exactly what a real store sees.
    this.batches.push(batch);
  }

  compact(_take: () => Snapshot): Promise<void> {
    return Promise.resolve();
  }

  close(): Promise<void> {
    this.closed = true;
    return Promise.resolve();
  }
}

function stateOf(engine: Engine): unknown {
  return engine.takeSnapshot().collections.map((c) => ({
    ...c,
    docs: [...c.docs()].map((d) => deserialize(d)),
    indexKeys: (c.indexKeys ?? []).map((i) => ({ ...i, keys: [...i.keys()] })),
  }));
}

function docOf(bytes: Uint8Array): Document {
  return deserialize(bytes);
}

function load(engine: Engine, state: LoadedState): void {
  const loader = engine.loader();
  void new FakePersistence(state).load(loader);
  loader.finish();
}

test('when writes go through the server, then each acknowledged command yields one batch of the right ops', async () => {
  const persistence = new FakePersistence();
  const server = await startEmbeddedServer({ persistence });
  const client = await MongoClient.connect(server.uri);
  const coll = client.db('app').collection('things');
  await coll.createIndex({ k: 1 }, { unique: true });
  await coll.insertMany([{ _id: 1, k: 'a' }, { _id: 2, k: 'b' }] as never[]);
  await coll.updateOne({ _id: 1 } as never, { $set: { v: 1 } });
  await coll.deleteOne({ _id: 2 } as never);
  await coll.findOne({}); // reads produce no batch
  await coll.updateOne({ _id: 99 } as never, { $set: { v: 1 } }); // no match: empty, skipped
  await client.close();
  await server.close();

  expect(persistence.closed).toBe(true);
  expect(persistence.batches.map((b) => b.map((op) => op.op))).toEqual([
    ['createCollection', 'createIndex'],
    ['put', 'put'],
    ['put'],
    ['del'],
  ]);
  const put = persistence.batches[2]?.[0];
  expect(put).toMatchObject({ op: 'put', db: 'app', coll: 'things' });
  expect(put?.op === 'put' ? docOf(put.doc) : null).toEqual({ _id: 1, k: 'a', v: 1 });
  expect(persistence.batches[3]?.[0]).toEqual({ op: 'del', db: 'app', coll: 'things', id: 2 });
});

test('when an ordered insert fails half-way, then its batch holds exactly the documents that went in', async () => {
  const persistence = new FakePersistence();
  const server = await startEmbeddedServer({ persistence });
  const client = await MongoClient.connect(server.uri);
  const coll = client.db('app').collection('half');
  await coll.createIndex({ k: 1 }, { unique: true });
  await expect(coll.insertMany([{ _id: 1, k: 1 }, { _id: 2, k: 2 }, { _id: 3, k: 1 }, { _id: 4, k: 4 }] as never[])).rejects.toMatchObject({ code: 11000 });
  await client.close();
  await server.close();
  const last = persistence.batches[persistence.batches.length - 1] ?? [];
  expect(last.map((op) => (op.op === 'put' ? (docOf(op.doc)._id as unknown) : op.op))).toEqual([1, 2]);
});

test('when append has not resolved, then the client has no reply yet', async () => {
  const persistence = new FakePersistence();
  let release: () => void = () => undefined;
  const server = await startEmbeddedServer({ persistence });
  const client = await MongoClient.connect(server.uri);
  const coll = client.db('app').collection('gated');
  persistence.gate = new Promise((resolve) => {
    release = resolve;
  });
  let acknowledged = false;
  const insert = coll.insertOne({ a: 1 }).then(() => {
    acknowledged = true;
  });
  await new Promise((r) => setTimeout(r, 50));
  expect(acknowledged).toBe(false);
  release();
  await insert;
  expect(acknowledged).toBe(true);
  await client.close();
  await server.close();
});

test('when the recorded batches are loaded into a new server, then it serves the same data and enforces the same indexes', async () => {
  const first = new FakePersistence();
  const server1 = await startEmbeddedServer({ persistence: first });
  const client1 = await MongoClient.connect(server1.uri);
  const coll1 = client1.db('app').collection('people');
  await coll1.createIndex({ email: 1 }, { unique: true });
  await coll1.insertMany([{ email: 'a@x', n: 1 }, { email: 'b@x', n: 2 }, { email: 'c@x', n: 3 }]);
  await coll1.updateMany({ n: { $gte: 2 } }, { $inc: { n: 10 } });
  await coll1.deleteOne({ email: 'a@x' });
  const before = await coll1.find({}).sort({ email: 1 }).toArray();
  await client1.close();
  await server1.close();

  const second = new FakePersistence({ snapshot: null, batches: first.batches });
  const server2 = await startEmbeddedServer({ persistence: second });
  const client2 = await MongoClient.connect(server2.uri);
  const coll2 = client2.db('app').collection('people');
  expect(await coll2.find({}).sort({ email: 1 }).toArray()).toEqual(before);
  await expect(coll2.insertOne({ email: 'b@x' })).rejects.toMatchObject({ code: 11000 });
  await client2.close();
  await server2.close();
});

test('when replaying a snapshot plus batches that the snapshot already contains, then the state is the same (replay is idempotent)', () => {
  const engine = new Engine();
  const batches: JournalBatch[] = [];
  const run = (fn: () => void): void => {
    const out = engine.write(fn);
    expect(out.error).toBeUndefined();
    batches.push(out.batch);
  };
  run(() => engine.ensureCollection('d', 'c').createIndex({ name: 'u_1', key: { u: 1 }, unique: true }));
  run(() => engine.getCollection('d', 'c')?.insert({ _id: 'x', u: 1 }));
  run(() => engine.getCollection('d', 'c')?.insert({ _id: 'y', u: 2 }));
  const snapshot = engine.takeSnapshot();
  run(() => engine.getCollection('d', 'c')?.remove(idKeyOf('x')));

  const fromSnapshot = new Engine();
  // The last two batches overlap the snapshot: a store may cut its snapshot mid-flight.
  load(fromSnapshot, { snapshot, batches: batches.slice(1) });
  const fromJournal = new Engine();
  load(fromJournal, { snapshot: null, batches });
  expect(stateOf(fromSnapshot)).toEqual(stateOf(engine));
  expect(stateOf(fromJournal)).toEqual(stateOf(engine));
  expect(engine.getCollection('d', 'c')?.size).toBe(1);
});
