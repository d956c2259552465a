/**
 * The embedded server stays available and honest: reads and writes are answered while a
 * compaction runs (checked by the order events happen in, not by timings), and a write the
 * journal could not store is rolled back instead of being served. Embedded-only: these are
 * properties of Écart's own server, not of MongoDB's API.
 */
import { MongoClient, MongoServerError } from 'mongodb';
import { startEmbeddedServer } from '../../../server/db/embedded';
import { createFilePersistence } from '../../../server/db/embedded/persistence';
import type { JournalBatch, LoadSink, LoadSummary, Persistence, Snapshot } from '../../../server/db/embedded/persistence.types';
import { makeRecordingLogger, makeTempDir, removeDir } from '../../helpers/persistence-fixtures';

test('when a compaction is running, then a read and a write sent after it started are answered before it ends', async () => {
  const dataDir = makeTempDir('ecart-availability-');
  // A time slice of 0 makes the snapshot writer yield every few documents: many event-loop turns.
  const persistence = createFilePersistence({ dataDir, logger: makeRecordingLogger(), snapshotTimeSliceMs: 0, compactAfterBytes: Infinity });
  const server = await startEmbeddedServer({ persistence });
  const client = await MongoClient.connect(server.uri, { maxPoolSize: 4 });
  try {
    const coll = client.db('avail').collection('docs');
    for (let i = 0; i < 10; i++) {
      await coll.insertMany(Array.from({ length: 2_000 }, (_, j) => ({ i: i * 2_000 + j, text: 'x'.repeat(100) })));
    }
    const events: string[] = [];
    const compaction = client.db('avail').command({ compact: 'docs' }).then(() => events.push('compaction done'));
    // Wait until the store has switched journals: the compaction is under way.
    while (persistence.stats().generation === 1) await new Promise((r) => setImmediate(r));
    const read = coll.findOne({ i: 12_345 }).then((doc) => events.push(`read ${String(doc?.i)}`));
    const write = coll.insertOne({ i: -1 }).then(() => events.push('write acknowledged'));
    await Promise.all([compaction, read, write]);
    expect(events.indexOf('read 12345')).toBeGreaterThanOrEqual(0);
    expect(events.indexOf('read 12345')).toBeLessThan(events.indexOf('compaction done'));
    expect(events.indexOf('write acknowledged')).toBeLessThan(events.indexOf('compaction done'));
    expect(persistence.stats().compactions).toBe(1);
    expect(await coll.countDocuments({})).toBe(20_001);
  } finally {
    await client.close();
    await server.close();
    removeDir(dataDir);
  }
});

/** A store whose disk fails on demand, as a full disk or an I/O error would. */
class FailingPersistence implements Persistence {
  failNext = false;
  failed: Error | null = null;
  readonly stored: JournalBatch[] = [];

  load(_sink: LoadSink): Promise<LoadSummary> {
    return Promise.resolve({ collections: 0, documents: 0, batches: 0 });
  }

  append(batch: JournalBatch): Promise<void> {
    if (this.failed || this.failNext) {
      this.failed ??= new Error('ENOSPC: no space left on device');
      return Promise.reject(this.failed);
    }
    this.stored.push(batch);
    return Promise.resolve();
  }

  compact(_take: () => Snapshot): Promise<void> {
    return Promise.resolve();
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

test('when the journal fails to store a write, then the write is rolled back, never served, and later writes are refused', async () => {
  const persistence = new FailingPersistence();
  const server = await startEmbeddedServer({ persistence });
  const client = await MongoClient.connect(server.uri);
  try {
    const coll = client.db('fail').collection<{ _id: string; n: number }>('docs');
    await coll.createIndex({ n: 1 }, { unique: true });
    await coll.insertOne({ _id: 'kept', n: 1 });
    persistence.failNext = true;
    const error = await coll.updateOne({ _id: 'kept' }, { $set: { n: 2 } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MongoServerError);
    expect((error as MongoServerError).message).toContain('could not be made durable');
    // Neither the document nor the index shows the failed change.
    expect(await coll.findOne({ _id: 'kept' })).toEqual({ _id: 'kept', n: 1 });
    expect(await coll.countDocuments({ n: 2 })).toBe(0);
    expect(await coll.countDocuments({ n: 1 })).toBe(1);
    const refused = await coll.insertOne({ _id: 'later', n: 3 }).catch((e: unknown) => e);
    expect((refused as MongoServerError).message).toContain('writes are refused since the journal failed');
    expect(await coll.countDocuments({})).toBe(1);
  } finally {
    await client.close();
    await server.close();
  }
});
