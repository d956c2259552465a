/**
 * Storage figures for the embedded server with file persistence, through Mongoose as the app
 * uses it, on a synthetic collection: fsynced insert rates, unique-key lookups at 1 000 and
 * 100 000 documents, start-up from the journal and from a snapshot. Part of `npm run bench`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mongoose, { Schema, type Connection } from 'mongoose';
import { startEmbeddedServer, type EmbeddedServer } from '../../server/db/embedded';
import { createFilePersistence, type PersistenceLogger } from '../../server/db/embedded/persistence';
import { line } from './report';

const quietLogger: PersistenceLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };

const itemSchema = new Schema({
  key: { type: String, required: true, unique: true },
  title: String,
  value: Number,
  at: Date,
});

interface Running {
  server: EmbeddedServer;
  connection: Connection;
}

async function start(dataDir: string, compactOnClose = true): Promise<Running> {
  const server = await startEmbeddedServer({
    persistence: createFilePersistence({ dataDir, logger: quietLogger, compactOnClose }),
  });
  const connection = await mongoose.createConnection(server.uri, { dbName: 'bench' }).asPromise();
  return { server, connection };
}

async function stop({ server, connection }: Running): Promise<void> {
  await connection.close();
  await server.close();
}

const item = (i: number): Record<string, unknown> => ({
  key: `item-${i}`,
  title: `Claim number ${i} about a figure`,
  value: i * 1.5,
  at: new Date(1_700_000_000_000 + i * 1000),
});

function print(label: string, value: string): void {
  line(label, value);
}

async function timeIt(fn: () => Promise<void>): Promise<number> {
  const started = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - started) / 1e6;
}

async function lookupsPerSecond(connection: Connection, population: number, lookups: number): Promise<number> {
  const Item = connection.model('Item', itemSchema);
  const ms = await timeIt(async () => {
    for (let i = 0; i < lookups; i++) {
      const n = Math.floor(Math.random() * population);
      const found = await Item.findOne({ key: `item-${n}` }).lean();
      if (found === null) throw new Error(`item-${n} not found`);
    }
  });
  return (lookups / ms) * 1000;
}

async function insertRange(connection: Connection, from: number, to: number): Promise<void> {
  const Item = connection.model('Item', itemSchema);
  for (let start = from; start < to; start += 1000) {
    const docs = [];
    for (let i = start; i < Math.min(to, start + 1000); i++) docs.push(item(i));
    await Item.insertMany(docs, { lean: true });
  }
}

async function measureStart(dataDir: string, compactOnClose = true): Promise<{ ms: number; docs: number }> {
  let running: Running | null = null;
  const ms = await timeIt(async () => {
    running = await start(dataDir, compactOnClose);
  });
  const opened = running as unknown as Running;
  const docs = await opened.connection.model('Item', itemSchema).estimatedDocumentCount();
  await stop(opened);
  return { ms, docs };
}

export async function runStorageBench(): Promise<void> {
  const root = mkdtempSync(path.join(os.tmpdir(), 'ecart-bench-storage-'));
  try {
    // Inserts: one acknowledged (fsynced) write at a time, then 16 in parallel (group commit).
    const insertsDir = path.join(root, 'inserts');
    const inserts = await start(insertsDir);
    const Item = inserts.connection.model('Item', itemSchema);
    await Item.init();
    const sequential = 1000;
    const seqMs = await timeIt(async () => {
      for (let i = 0; i < sequential; i++) await Item.create(item(i));
    });
    print('inserts/s, one at a time (each fsynced)', ((sequential / seqMs) * 1000).toFixed(0));
    const parallel = 4000;
    const parMs = await timeIt(async () => {
      let next = sequential;
      await Promise.all(
        Array.from({ length: 16 }, async () => {
          while (next < sequential + parallel) await Item.create(item(next++));
        }),
      );
    });
    print('inserts/s, 16 concurrent (group commit)', ((parallel / parMs) * 1000).toFixed(0));
    await stop(inserts);

    // Unique-key lookups at 1 000 and at 100 000 documents.
    const bigDir = path.join(root, 'big');
    const big = await start(bigDir, false);
    await big.connection.model('Item', itemSchema).init();
    await insertRange(big.connection, 0, 1000);
    const lookups = 5000;
    const at1k = await lookupsPerSecond(big.connection, 1000, lookups);
    print('unique-key lookups/s at 1 000 docs', at1k.toFixed(0));
    const fillMs = await timeIt(() => insertRange(big.connection, 1000, 100_000));
    print('insertMany of 99 000 docs (batches of 1 000), s', (fillMs / 1000).toFixed(2));
    const at100k = await lookupsPerSecond(big.connection, 100_000, lookups);
    print('unique-key lookups/s at 100 000 docs', at100k.toFixed(0));
    print('ratio 100 000 / 1 000 (close to 1 = indexed)', (at100k / at1k).toFixed(2));
    await stop(big);

    // Start-up: empty baseline, then 100 000 docs from the journal alone, then from a snapshot.
    const emptyDir = path.join(root, 'empty');
    const empty = await measureStart(emptyDir);
    print('start-up, empty data dir, ms', empty.ms.toFixed(0));
    const fromJournal = await measureStart(bigDir, true); // compacts at close: next start reads a snapshot
    print(`start-up, ${fromJournal.docs} docs replayed from the journal, ms`, fromJournal.ms.toFixed(0));
    const fromSnapshot = await measureStart(bigDir, false);
    print(`start-up, ${fromSnapshot.docs} docs from a snapshot, ms`, fromSnapshot.ms.toFixed(0));
    print('start-up with 100 000 docs minus empty baseline, ms', (fromSnapshot.ms - empty.ms).toFixed(0));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
