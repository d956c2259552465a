import {
  Binary,
  BSONRegExp,
  BSONSymbol,
  Code,
  DBRef,
  Decimal128,
  Long,
  MaxKey,
  MinKey,
  ObjectId,
  Timestamp,
  UUID,
  serialize,
  type Document,
} from 'bson';
import { appendFileSync, existsSync, readdirSync, readFileSync, renameSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { open as openFile, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import {
  createFilePersistence,
  DataDirCorruptError,
  type CompactionStep,
  type FilePersistence,
  type FilePersistenceOptions,
} from '../../../../server/db/embedded/persistence';
import { frameRecord } from '../../../../server/db/embedded/persistence/record-framing';
import type { JournalBatch, JournalOp, LoadSink, Snapshot } from '../../../../server/db/embedded/persistence.types';
import {
  bsonOf,
  collectionOf,
  copyDataDir,
  discardingSink,
  docOf,
  loadAll,
  makeRecordingLogger,
  makeTempDir,
  put,
  ReferenceModel,
  removeDir,
  type RecordingLogger,
} from '../../../helpers/persistence-fixtures';

const JOURNAL_1 = 'journal-000001.log';

/** One value of every BSON type a document can hold, as the driver / wire layer decodes them. */
function everyBsonType(): Document {
  return {
    _id: new ObjectId('64b7f0c2a1b2c3d4e5f60718'),
    double: 1.5,
    negativeZero: -0,
    bigDouble: 2 ** 60,
    int32: 42,
    long: Long.fromString('9007199254740993'),
    smallLong: Long.fromNumber(7),
    decimal: Decimal128.fromString('1234567890.123456789012345678901234'),
    string: 'écart — 100 % ✓',
    emptyString: '',
    bool: true,
    nil: null,
    date: new Date('2024-02-29T12:34:56.789Z'),
    dateBeforeEpoch: new Date(-86_400_000 * 365),
    regex: /^claim\s+\d+$/im,
    regexGlobal: /x/g,
    binary: new Binary(Buffer.from([0, 1, 2, 253, 254, 255])),
    binaryUserDefined: new Binary(Buffer.from('custom'), 0x80),
    uuid: new UUID('0f8fad5b-d9cb-469f-a165-70867728950e'),
    code: new Code('function () { return 1; }'),
    codeWithScope: new Code('function () { return x; }', { x: 1 }),
    timestamp: new Timestamp({ t: 1_700_000_000, i: 7 }),
    minKey: new MinKey(),
    maxKey: new MaxKey(),
    dbRef: new DBRef('speakers', new ObjectId('64b7f0c2a1b2c3d4e5f60719'), 'ecart'),
    nested: { array: [1, 'two', { three: [new Date(0)] }], empty: {} },
    emptyArray: [],
    'dotted.key$': 'kept as is',
  };
}

/** Stored bytes must come back as exactly the bytes written: same types, same values, same key order. */
function expectSameBson(actual: Uint8Array | undefined, expected: Document): void {
  expect(actual).toBeInstanceOf(Uint8Array);
  expect(Buffer.from(actual as Uint8Array).equals(Buffer.from(serialize(expected)))).toBe(true);
  expect(docOf(actual as Uint8Array)).toStrictEqual(expected);
}

/** FileHandle is not exported by node:fs/promises; its prototype is what every handle shares. */
async function fileHandlePrototype(): Promise<FileHandle> {
  const handle = await openFile(__filename, 'r');
  await handle.close();
  return Object.getPrototypeOf(handle) as FileHandle;
}

/** How many records a store file holds, from its headers. */
function recordCount(file: string): number {
  const bytes = readFileSync(file);
  let count = 0;
  for (let at = 0; at < bytes.length; at += 8 + bytes.readUInt32LE(at)) count++;
  return count;
}

const putDoc = (op: JournalOp | undefined): Uint8Array | undefined => (op?.op === 'put' ? op.doc : undefined);

describe('file persistence', () => {
  let dataDir: string;
  let logger: RecordingLogger;
  const open: FilePersistence[] = [];

  function create(options: Partial<FilePersistenceOptions> = {}, dir = dataDir): FilePersistence {
    const persistence = createFilePersistence({ dataDir: dir, logger, compactOnClose: false, ...options });
    open.push(persistence);
    return persistence;
  }

  beforeEach(() => {
    dataDir = makeTempDir();
    logger = makeRecordingLogger();
  });

  afterEach(async () => {
    await Promise.all(open.splice(0).map((p) => p.close().catch(() => undefined)));
    removeDir(dataDir);
  });

  describe('round-trips', () => {
    it('when every BSON type is written to the journal, then load returns each value with the same type and bytes', async () => {
      const doc = everyBsonType();
      const first = create();
      await first.load(discardingSink());
      await first.append([
        { op: 'createCollection', db: 'ecart', coll: 'claims', options: { validator: { n: { $gt: 0 } } } },
        { op: 'put', db: 'ecart', coll: 'claims', doc: bsonOf(doc) },
      ]);
      await first.close();

      const loaded = await loadAll(create());
      expect(loaded.collections).toEqual([]);
      expect(loaded.summary).toEqual({ collections: 0, documents: 0, batches: 1 });
      expect(loaded.batches).toHaveLength(1);
      const [batch] = loaded.batches;
      expect(batch?.[0]).toStrictEqual({
        op: 'createCollection',
        db: 'ecart',
        coll: 'claims',
        options: { validator: { n: { $gt: 0 } } },
      });
      expect(batch?.[1]).toMatchObject({ op: 'put', db: 'ecart', coll: 'claims' });
      expectSameBson(putDoc(batch?.[1]), doc);
      const restored = docOf(putDoc(batch?.[1]) ?? bsonOf({}));
      expect(restored.long).toBeInstanceOf(Long);
      expect(restored.smallLong).toBeInstanceOf(Long);
      expect(restored.decimal).toBeInstanceOf(Decimal128);
      expect(restored.date).toBeInstanceOf(Date);
      expect(restored.regex).toBeInstanceOf(RegExp);
      expect(Object.is(restored.negativeZero, -0)).toBe(true);
    });

    it('when a del op carries an id of any BSON type, then load returns that id unchanged', async () => {
      const ids: unknown[] = [
        new ObjectId(),
        'string-id',
        17,
        2.5,
        Long.fromString('-9223372036854775808'),
        new Date('2020-01-01T00:00:00Z'),
        new Binary(Buffer.from('bin'), 4),
        { compound: [1, 'a'] },
        null,
        Decimal128.fromString('0.1'),
      ];
      const first = create();
      await first.load(discardingSink());
      for (const id of ids) await first.append([{ op: 'del', db: 'ecart', coll: 'c', id }]);
      await first.close();

      // A tiny read buffer is reused for every record: ids decoded from it (Binary keeps a view) must not change.
      const loaded = await loadAll(create({ readChunkBytes: 64 }));
      const restoredIds = loaded.batches.map(([op]) => (op?.op === 'del' ? op.id : 'not a del'));
      expect(restoredIds).toStrictEqual(ids);
    });

    it('when every op kind is journaled, then load returns the ops in order and unchanged', async () => {
      const batches: JournalBatch[] = [
        [{ op: 'createCollection', db: 'a', coll: 'x', options: { capped: false } }],
        [
          {
            op: 'createIndex',
            db: 'a',
            coll: 'x',
            spec: { name: 'text_1', key: { title: 'text' }, weights: { title: 3 }, default_language: 'french' },
          },
          { op: 'createIndex', db: 'a', coll: 'x', spec: { name: 'slug_1', key: { slug: 1 }, unique: true, sparse: true } },
        ],
        [put('a', 'x', { _id: 1, slug: 's' })],
        [{ op: 'del', db: 'a', coll: 'x', id: 1 }],
        [{ op: 'dropIndex', db: 'a', coll: 'x', name: 'slug_1' }],
        [{ op: 'dropCollection', db: 'a', coll: 'x' }],
        [{ op: 'dropDatabase', db: 'a' }],
      ];
      const first = create();
      await first.load(discardingSink());
      for (const batch of batches) await first.append(batch);
      await first.close();

      expect((await loadAll(create())).batches).toStrictEqual(batches);
    });

    it('when every BSON type goes through a snapshot, then load returns each value with the same type and bytes', async () => {
      const doc = everyBsonType();
      const snapshot: Snapshot = {
        collections: [
          {
            db: 'ecart',
            coll: 'claims',
            options: { collation: { locale: 'fr' } },
            indexes: [
              { name: '_id_', key: { _id: 1 } },
              { name: 'ttl', key: { at: 1 }, expireAfterSeconds: 3600, partialFilterExpression: { kind: 'x' } },
            ],
            count: 2,
            docs: () => [bsonOf(doc), bsonOf({ _id: 'second' })],
          },
          collectionOf('other', 'empty', []),
        ],
      };
      const first = create();
      await first.load(discardingSink());
      await first.compact(() => snapshot);
      await first.close();

      const loaded = await loadAll(create());
      expect(loaded.batches).toEqual([]);
      expect(loaded.summary).toEqual({ collections: 2, documents: 2, batches: 0 });
      expect(loaded.calls).toEqual(['collection', 'document', 'document', 'collection']);
      const claims = loaded.collections[0];
      expect(claims?.options).toStrictEqual({ collation: { locale: 'fr' } });
      expect(claims?.indexes).toStrictEqual(snapshot.collections[0]?.indexes);
      expectSameBson(claims?.docs[0], doc);
      expect(docOf(claims?.docs[1] ?? bsonOf({}))).toStrictEqual({ _id: 'second' });
      expect(loaded.collections[1]).toStrictEqual({ db: 'other', coll: 'empty', options: {}, indexes: [], keyedIndexes: [], docs: [] });
    });

    it('when a deprecated BSON symbol is stored, then its bytes come back unchanged and decode as a string, as the wire layer decodes it', async () => {
      const written = bsonOf({ _id: 1, s: new BSONSymbol('sym') });
      const first = create();
      await first.load(discardingSink());
      await first.append([{ op: 'put', db: 'a', coll: 'x', doc: written }]);
      await first.close();

      const [[op] = []] = (await loadAll(create())).batches;
      expect(putDoc(op)).toStrictEqual(written);
      expect(docOf(putDoc(op) ?? bsonOf({}))).toStrictEqual({ _id: 1, s: 'sym' });
    });

    it('when a BSONRegExp is stored, then it reads back as a RegExp with the same source and flags', async () => {
      const first = create();
      await first.load(discardingSink());
      await first.append([put('a', 'x', { _id: 1, r: new BSONRegExp('^a.b$', 'im') })]);
      await first.close();

      const [[op] = []] = (await loadAll(create())).batches;
      const value: unknown = docOf(putDoc(op) ?? bsonOf({})).r;
      expect(value).toBeInstanceOf(RegExp);
      expect((value as RegExp).source).toBe('^a.b$');
      expect((value as RegExp).flags).toBe('im');
    });
  });

  describe('group commit', () => {
    it('when many appends are made concurrently, then they share fsyncs and all are durable in order', async () => {
      const persistence = create();
      await persistence.load(discardingSink());
      const count = 300;
      const batches: JournalBatch[] = Array.from({ length: count }, (_, i) => [put('a', 'x', { _id: i, seq: i })]);
      await Promise.all(batches.map((batch) => persistence.append(batch)));

      const stats = persistence.stats();
      expect(stats.appends).toBe(count);
      expect(stats.journalSyncs).toBeGreaterThanOrEqual(1);
      expect(stats.journalSyncs).toBeLessThan(count);
      await persistence.close();

      // A read buffer smaller than the journal: the put documents handed out must be copies, not views of it.
      expect((await loadAll(create({ readChunkBytes: 100 }))).batches).toStrictEqual(batches);
    });

    it('when appends are made one after another, then each one gets its own fsync before resolving', async () => {
      const persistence = create();
      await persistence.load(discardingSink());
      for (let i = 0; i < 5; i++) await persistence.append([put('a', 'x', { _id: i })]);
      expect(persistence.stats()).toMatchObject({ appends: 5, journalSyncs: 5 });
    });

    it('when an append resolves, then its bytes are already in the journal file', async () => {
      const persistence = create();
      await persistence.load(discardingSink());
      const before = statSync(path.join(dataDir, JOURNAL_1)).size;
      await persistence.append([put('a', 'x', { _id: 'visible' })]);
      expect(statSync(path.join(dataDir, JOURNAL_1)).size).toBeGreaterThan(before);
      expect(readFileSync(path.join(dataDir, JOURNAL_1)).includes(Buffer.from('visible'))).toBe(true);
    });
  });

  describe('compaction', () => {
    async function writeWithModel(persistence: FilePersistence, model: ReferenceModel, from: number, to: number): Promise<void> {
      for (let i = from; i < to; i++) {
        const batch: JournalBatch = [put('ecart', 'items', { _id: i, at: new Date(i), n: Long.fromNumber(i) })];
        if (i % 7 === 0 && i > 0) batch.push({ op: 'del', db: 'ecart', coll: 'items', id: i - 1 });
        model.applyBatch(batch);
        await persistence.append(batch);
      }
    }

    it('when the store is compacted and more is written, then load gives back the snapshot plus the later batches', async () => {
      const model = new ReferenceModel();
      const persistence = create();
      await persistence.load(discardingSink());
      await writeWithModel(persistence, model, 0, 50);
      await persistence.compact(() => model.snapshot());
      await writeWithModel(persistence, model, 50, 60);
      expect(persistence.stats().generation).toBe(2);
      await persistence.close();

      expect(readdirSync(dataDir).sort()).toEqual(['journal-000002.log', 'snapshot-000002.snap']);
      const loaded = await loadAll(create());
      expect(loaded.summary).toEqual({ collections: 1, documents: 43, batches: 10 });
      expect(loaded.batches).toHaveLength(10);
      expect(ReferenceModel.fromLoaded(loaded).digest()).toBe(model.digest());
    });

    it('when the journal passes compactAfterBytes, then the store compacts by itself and loses nothing', async () => {
      const model = new ReferenceModel();
      const persistence = create({ compactAfterBytes: 2048, snapshotProvider: () => model.snapshot() });
      await persistence.load(discardingSink());
      await writeWithModel(persistence, model, 0, 200);
      await persistence.close();

      expect(persistence.stats().compactions).toBeGreaterThan(0);
      expect(persistence.stats().generation).toBeGreaterThan(2);
      const snapshots = readdirSync(dataDir).filter((n) => n.startsWith('snapshot-'));
      expect(snapshots).toHaveLength(1);
      expect(ReferenceModel.fromLoaded(await loadAll(create())).digest()).toBe(model.digest());
    });

    it('when closing with compactOnClose and a provider, then the next load reads only a snapshot', async () => {
      const model = new ReferenceModel();
      const persistence = create({ compactOnClose: true, snapshotProvider: () => model.snapshot() });
      await persistence.load(discardingSink());
      await writeWithModel(persistence, model, 0, 20);
      await persistence.close();

      const loaded = await loadAll(create());
      expect(loaded.batches).toEqual([]);
      expect(ReferenceModel.fromLoaded(loaded).digest()).toBe(model.digest());
    });

    it('when 100 000 documents are snapshotted, then load returns them all in insertion order', async () => {
      const docs = Array.from({ length: 100_000 }, (_, i) => ({ _id: new ObjectId(), slug: `claim-${i}`, i }));
      const persistence = create();
      await persistence.load(discardingSink());
      await persistence.compact(() => ({ collections: [collectionOf('ecart', 'claims', docs)] }));
      await persistence.close();

      const loaded = await loadAll(create());
      const restored = loaded.collections[0]?.docs ?? [];
      expect(restored).toHaveLength(100_000);
      expect(docOf(restored[99_999] ?? bsonOf({}))).toStrictEqual(docs[99_999]);
      expect(restored.map((d) => docOf(d).i as number).every((value, index) => value === index)).toBe(true);
    });

    describe('crash in the middle of a compaction', () => {
      const images: { name: string; dir: string; expected: string }[] = [];
      afterEach(() => {
        for (const image of images.splice(0)) removeDir(image.dir);
      });

      it('when the directory is left as it is after any step, then load loses no acknowledged write', async () => {
        const model = new ReferenceModel();
        const acknowledged = new ReferenceModel();
        let persistence: FilePersistence | null = null;
        const snap = (name: string): void => {
          const dir = makeTempDir('ecart-crash-image-');
          copyDataDir(dataDir, dir);
          images.push({ name, dir, expected: acknowledged.digest() });
        };
        const onCompactionStep = async (step: CompactionStep): Promise<void> => {
          if (step === 'journal-switched') {
            // Writes acknowledged after the switch land in the new journal only.
            for (let i = 1000; i < 1010; i++) {
              const batch: JournalBatch = [put('ecart', 'items', { _id: i })];
              model.applyBatch(batch);
              await persistence?.append(batch);
              acknowledged.applyBatch(batch);
            }
          }
          snap(step);
          if (step === 'snapshot-written') {
            const dir = makeTempDir('ecart-crash-image-');
            copyDataDir(dataDir, dir);
            const temp = readdirSync(dir).find((n) => n.endsWith('.snap.tmp'));
            expect(temp).toBeDefined();
            truncateSync(path.join(dir, temp as string), Math.floor(statSync(path.join(dir, temp as string)).size / 2));
            images.push({ name: 'snapshot half-written', dir, expected: acknowledged.digest() });
          }
        };
        persistence = create({ onCompactionStep });
        await persistence.load(discardingSink());
        for (let i = 0; i < 40; i++) {
          const batch: JournalBatch = [put('ecart', 'items', { _id: i, v: `v${i}` })];
          if (i % 5 === 4) batch.push({ op: 'del', db: 'ecart', coll: 'items', id: i - 2 });
          model.applyBatch(batch);
          await persistence.append(batch);
          acknowledged.applyBatch(batch);
        }
        snap('before compaction');
        const beforeCompaction = acknowledged.digest();
        await persistence.compact(() => model.snapshot());
        await persistence.close();

        expect(images.map((i) => i.name)).toEqual([
          'before compaction',
          'journal-switched',
          'snapshot-written',
          'snapshot half-written',
          'snapshot-renamed',
          'old-files-removed',
        ]);
        // The images must differ, or the test would not cover writes made during the compaction.
        expect(images[images.length - 1]?.expected).not.toBe(beforeCompaction);
        expect(images[images.length - 1]?.expected).toBe(acknowledged.digest());
        for (const image of images) {
          const reopened = create({}, image.dir);
          const loaded = await loadAll(reopened);
          expect({ image: image.name, digest: ReferenceModel.fromLoaded(loaded).digest() }).toEqual({
            image: image.name,
            digest: image.expected,
          });
          await reopened.close();
          // Load finishes the interrupted compaction's clean-up: no temp file, one snapshot at most.
          expect(readdirSync(image.dir).filter((n) => n.endsWith('.tmp'))).toEqual([]);
          expect(readdirSync(image.dir).filter((n) => n.startsWith('snapshot-')).length).toBeLessThanOrEqual(1);
        }
      });

      it('when snapshot-N, journal-N and journal-N+1 are all present, then load replays both journals on the snapshot', async () => {
        const model = new ReferenceModel();
        const first = create();
        await first.load(discardingSink());
        for (let i = 0; i < 5; i++) {
          const batch: JournalBatch = [put('a', 'x', { _id: i })];
          model.applyBatch(batch);
          await first.append(batch);
        }
        await first.compact(() => model.snapshot()); // generation 2
        for (let i = 5; i < 10; i++) {
          const batch: JournalBatch = [put('a', 'x', { _id: i })];
          model.applyBatch(batch);
          await first.append(batch);
        }
        // A compaction to generation 3 that fails before its snapshot is renamed.
        await expect(
          first.compact(() => {
            throw new Error('take failed');
          }),
        ).rejects.toThrow('take failed');
        for (let i = 10; i < 15; i++) {
          const batch: JournalBatch = [put('a', 'x', { _id: i })];
          model.applyBatch(batch);
          await first.append(batch);
        }
        await first.close();

        expect(readdirSync(dataDir).sort()).toEqual(['journal-000002.log', 'journal-000003.log', 'snapshot-000002.snap']);
        const loaded = await loadAll(create());
        expect(loaded.summary).toEqual({ collections: 1, documents: 5, batches: 10 });
        expect(ReferenceModel.fromLoaded(loaded).digest()).toBe(model.digest());
      });
    });
  });

  describe('streaming load', () => {
    /** The size (header included) of every record of a file, from its headers. */
    function recordSizes(file: string): number[] {
      const bytes = readFileSync(file);
      const sizes: number[] = [];
      for (let at = 0; at < bytes.length; at += 8 + bytes.readUInt32LE(at)) sizes.push(8 + bytes.readUInt32LE(at));
      return sizes;
    }

    it('when the snapshot holds 100 000 documents and a record larger than the read buffer, then load streams them all through bounded reads', async () => {
      const readChunkBytes = 2 * 1024 * 1024;
      const model = new ReferenceModel();
      model.apply({ op: 'createIndex', db: 'ecart', coll: 'claims', spec: { name: 'slug_1', key: { slug: 1 }, unique: true } });
      for (let i = 0; i < 100_000; i++) {
        model.apply(put('ecart', 'claims', { _id: i, slug: `claim-${i}` }));
        // One document bigger than the read buffer, in the middle: its record cannot fit in one chunk.
        if (i === 50_000) model.apply(put('ecart', 'claims', { _id: 'big', text: 'x'.repeat(3 * 1024 * 1024) }));
      }
      const first = create();
      await first.load(discardingSink());
      await first.compact(() => model.snapshot());
      await first.close();

      const snapshotFile = path.join(dataDir, 'snapshot-000002.snap');
      const fileSize = statSync(snapshotFile).size;
      const largestRecord = Math.max(...recordSizes(snapshotFile));
      // The setup really has a record larger than the buffer, and a file much larger than both.
      expect(largestRecord).toBeGreaterThan(readChunkBytes);
      expect(fileSize).toBeGreaterThan(largestRecord + readChunkBytes);

      const read = jest.spyOn((await fileHandlePrototype()) as unknown as { read: (...args: unknown[]) => Promise<unknown> }, 'read');
      let loaded;
      let lengths: number[];
      try {
        loaded = await loadAll(create({ readChunkBytes }));
      } finally {
        // Read before mockRestore(), which forgets the calls.
        lengths = read.mock.calls.map((args) => args[2] as number);
        read.mockRestore();
      }

      expect(loaded.summary).toEqual({ collections: 1, documents: 100_001, batches: 0 });
      expect(ReferenceModel.fromLoaded(loaded).digest()).toBe(model.digest());
      // Every byte of the snapshot came through the handle's bounded reads, none larger than the largest record...
      expect(lengths.reduce((sum, n) => sum + n, 0)).toBeGreaterThanOrEqual(fileSize);
      expect(Math.max(...lengths)).toBeLessThanOrEqual(largestRecord);
      expect(lengths.filter((n) => n > readChunkBytes)).toHaveLength(1);
      // ...and the documents handed to the sink were views into a buffer of that bounded size, not of the whole file.
      expect(loaded.largestDocumentBuffer).toBeLessThanOrEqual(largestRecord);
      expect(loaded.largestDocumentBuffer).toBeLessThan(fileSize);
    });

    it('when the sink throws, then load fails with that error and releases the lock', async () => {
      const first = create();
      await first.load(discardingSink());
      await first.append([put('a', 'x', { _id: 1 })]);
      await first.close();

      const refusing: LoadSink = {
        ...discardingSink(),
        batch: () => {
          throw new Error('engine refused the batch');
        },
      };
      await expect(create().load(refusing)).rejects.toThrow('engine refused the batch');
      expect(existsSync(path.join(dataDir, 'ecart-db.lock'))).toBe(false);
    });
  });

  describe('compaction without blocking', () => {
    /** Counts event-loop turns (setImmediate) while `during()` is true. */
    function startTicker(during: () => boolean, onTick: () => void = () => undefined): { stop: () => number } {
      let ticks = 0;
      let running = true;
      const tick = (): void => {
        if (!running) return;
        if (during()) {
          ticks++;
          onTick();
        }
        setImmediate(tick);
      };
      setImmediate(tick);
      return {
        stop: () => {
          running = false;
          return ticks;
        },
      };
    }

    it('when 200 000 documents are snapshotted, then the event loop keeps turning while docs() is iterated and an append made meanwhile resolves first', async () => {
      const total = 200_000;
      const encoded = Array.from({ length: total }, (_, i) => bsonOf({ _id: i, s: `doc-${i}` }));
      let iterated = 0;
      const persistence = create();
      await persistence.load(discardingSink());

      const order: string[] = [];
      const during: { append: Promise<void> | null } = { append: null };
      const ticker = startTicker(
        () => iterated > 0 && iterated < total,
        () => {
          during.append ??= persistence.append([put('ecart', 'late', { _id: 'during' })]).then(() => {
            order.push(`append resolved`);
          });
        },
      );
      let ticks: number;
      try {
        await persistence.compact(() => ({
          collections: [
            {
              db: 'ecart',
              coll: 'bulk',
              options: {},
              indexes: [],
              count: total,
              *docs() {
                for (const doc of encoded) {
                  iterated++;
                  yield doc;
                }
              },
            },
          ],
        }));
        order.push('compaction resolved');
      } finally {
        ticks = ticker.stop();
      }
      await during.append;

      expect(iterated).toBe(total);
      // A compaction that serialised everything in one go would leave no turn at all while iterating.
      expect(ticks).toBeGreaterThanOrEqual(3);
      expect(during.append).not.toBeNull();
      expect(order).toEqual(['append resolved', 'compaction resolved']);
      await persistence.close();

      const loaded = await loadAll(create());
      expect(loaded.summary).toEqual({ collections: 1, documents: total, batches: 1 });
      expect(docOf(putDoc(loaded.batches[0]?.[0]) ?? bsonOf({}))).toStrictEqual({ _id: 'during' });
    });

    it('when the documents fit in one record, then filling it still yields to the event loop once each time slice is used up', async () => {
      // About 840 KB: one documents record, so no write (and no await on it) happens while it fills.
      const total = 60_000;
      const encoded = Array.from({ length: total }, (_, i) => bsonOf({ _id: i }));
      let iterated = 0;
      // A time slice of 0 yields at every clock check (every 32 documents), whatever the machine's speed.
      const persistence = create({ snapshotTimeSliceMs: 0 });
      await persistence.load(discardingSink());
      const ticker = startTicker(() => iterated > 0 && iterated < total);
      let ticks: number;
      try {
        await persistence.compact(() => ({
          collections: [
            {
              db: 'a',
              coll: 'x',
              options: {},
              indexes: [],
              count: total,
              *docs() {
                for (const doc of encoded) {
                  iterated++;
                  yield doc;
                }
              },
            },
          ],
        }));
      } finally {
        ticks = ticker.stop();
      }
      expect(recordCount(path.join(dataDir, 'snapshot-000002.snap'))).toBe(4); // header, collection, documents, trailer
      expect(ticks).toBeGreaterThanOrEqual(100);
    });

    it('when the source changes after take() returned, then the snapshot holds the state as of take(), because docs() is iterated later', async () => {
      const source = [bsonOf({ _id: 1, v: 'before' }), bsonOf({ _id: 2, v: 'before' })];
      const events: string[] = [];
      const persistence = create({
        onCompactionStep: (step) => {
          if (step !== 'journal-switched') return;
          events.push(step);
          // The engine goes on changing its data once take() has returned.
          source[0] = bsonOf({ _id: 1, v: 'after' });
          source.push(bsonOf({ _id: 3, v: 'after' }));
        },
      });
      await persistence.load(discardingSink());
      await persistence.compact(() => {
        events.push('take()');
        // What the contract asks of the engine: a view that later changes do not reach.
        const view = [...source];
        return {
          collections: [
            {
              db: 'a',
              coll: 'x',
              options: {},
              indexes: [],
              count: view.length,
              docs: () => {
                events.push('docs()');
                return view;
              },
            },
          ],
        };
      });
      expect(events).toEqual(['take()', 'journal-switched', 'docs()']);
      await persistence.close();

      const loaded = await loadAll(create());
      expect(loaded.collections[0]?.docs.map(docOf)).toStrictEqual([
        { _id: 1, v: 'before' },
        { _id: 2, v: 'before' },
      ]);
    });

    it('when docs() yields fewer documents than count, then compaction fails, leaves no temp file, and the data still loads', async () => {
      const model = new ReferenceModel();
      const persistence = create();
      await persistence.load(discardingSink());
      const batch: JournalBatch = [put('a', 'x', { _id: 1 })];
      model.applyBatch(batch);
      await persistence.append(batch);
      await expect(
        persistence.compact(() => ({
          collections: [{ db: 'a', coll: 'x', options: {}, indexes: [], count: 2, docs: () => [bsonOf({ _id: 1 })] }],
        })),
      ).rejects.toThrow(/yielded 1 documents but count is 2/);
      expect(readdirSync(dataDir).filter((n) => n.includes('.snap'))).toEqual([]);
      await persistence.close();

      expect(ReferenceModel.fromLoaded(await loadAll(create())).digest()).toBe(model.digest());
    });
  });

  describe('torn last record', () => {
    async function writeThree(): Promise<JournalBatch[]> {
      const batches: JournalBatch[] = [0, 1, 2].map((i) => [put('a', 'x', { _id: i })]);
      const persistence = create();
      await persistence.load(discardingSink());
      for (const batch of batches) await persistence.append(batch);
      await persistence.close();
      return batches;
    }

    const journal = (): string => path.join(dataDir, JOURNAL_1);

    it.each([
      ['a short header', () => appendFileSync(journal(), Buffer.from([9, 0, 0]))],
      ['a short payload', () => appendFileSync(journal(), Buffer.from([200, 0, 0, 0, 1, 2, 3, 4, 5, 6]))],
      ['a zero-filled tail', () => appendFileSync(journal(), Buffer.alloc(64))],
    ])('when the journal ends in %s, then it is dropped with a warning and later appends survive another load', async (_, damage) => {
      const batches = await writeThree();
      const goodSize = statSync(journal()).size;
      damage();

      const second = create();
      const loaded = await loadAll(second);
      expect(loaded.batches).toStrictEqual(batches);
      expect(logger.messages('warn')).toEqual([expect.stringContaining('torn record')]);
      expect(statSync(journal()).size).toBe(goodSize);
      const extra: JournalBatch = [put('a', 'x', { _id: 'after' })];
      await second.append(extra);
      await second.close();

      logger.entries.length = 0;
      expect((await loadAll(create())).batches).toStrictEqual([...batches, extra]);
      expect(logger.messages('warn')).toEqual([]);
    });

    it('when the last record has a bad checksum and nothing follows, then only that record is dropped', async () => {
      const batches = await writeThree();
      const bytes = readFileSync(journal());
      const last = bytes.length - 1;
      bytes[last] = (bytes[last] as number) ^ 0xff;
      writeFileSync(journal(), bytes);

      const loaded = await loadAll(create());
      expect(loaded.batches).toStrictEqual(batches.slice(0, 2));
      expect(logger.entries.find((e) => e.level === 'warn')?.details).toMatchObject({ reason: 'bad checksum' });
    });
  });

  describe('corruption stops start-up', () => {
    async function writeBatches(count: number): Promise<void> {
      const persistence = create();
      await persistence.load(discardingSink());
      for (let i = 0; i < count; i++) await persistence.append([put('a', 'x', { _id: i })]);
      await persistence.close();
    }

    it('when a record in the middle of the journal has a bad checksum, then load throws DataDirCorruptError naming file and offset', async () => {
      await writeBatches(3);
      const file = path.join(dataDir, JOURNAL_1);
      const bytes = readFileSync(file);
      bytes[12] = (bytes[12] as number) ^ 0x01; // inside the first record's payload
      writeFileSync(file, bytes);

      const error = await loadAll(create()).then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(DataDirCorruptError);
      expect(error).toMatchObject({ file: JOURNAL_1, offset: 0 });
      expect((error as Error).message).toContain(`${JOURNAL_1} at byte 0`);
      // Never repaired: the damaged file is left exactly as it was.
      expect(readFileSync(file).equals(bytes)).toBe(true);
    });

    it('when a checksummed record holds an unknown op, then load throws DataDirCorruptError', async () => {
      await writeBatches(1);
      appendFileSync(
        path.join(dataDir, JOURNAL_1),
        frameRecord([Uint8Array.of(0x42), serialize({ op: 'frobnicate', db: 'a', coll: 'x' })]),
      );
      await expect(loadAll(create())).rejects.toThrow(/unknown or malformed journal op "frobnicate"/);
    });

    it('when the snapshot has lost its trailer, then load throws DataDirCorruptError', async () => {
      const persistence = create();
      await persistence.load(discardingSink());
      await persistence.compact(() => ({ collections: [collectionOf('a', 'x', [{ _id: 1 }])] }));
      await persistence.close();
      const file = path.join(dataDir, 'snapshot-000002.snap');
      const bytes = readFileSync(file);
      // Drop the trailer record exactly, so every remaining record is intact.
      let lastRecordStart = 0;
      for (let at = 0; at < bytes.length; at += 8 + bytes.readUInt32LE(at)) lastRecordStart = at;
      writeFileSync(file, bytes.subarray(0, lastRecordStart));

      await expect(loadAll(create())).rejects.toThrow(DataDirCorruptError);
      await expect(loadAll(create())).rejects.toThrow(/no trailer/);
    });

    it('when the snapshot has a damaged byte, then load throws DataDirCorruptError', async () => {
      const persistence = create();
      await persistence.load(discardingSink());
      await persistence.compact(() => ({ collections: [collectionOf('a', 'x', [{ _id: 1 }])] }));
      await persistence.close();
      const file = path.join(dataDir, 'snapshot-000002.snap');
      const bytes = readFileSync(file);
      bytes[bytes.length - 1] = (bytes[bytes.length - 1] as number) ^ 0xff;
      writeFileSync(file, bytes);

      await expect(loadAll(create())).rejects.toThrow(DataDirCorruptError);
    });

    it('when the journal that continues the snapshot is missing, then load throws DataDirCorruptError', async () => {
      const persistence = create();
      await persistence.load(discardingSink());
      await persistence.compact(() => ({ collections: [] }));
      await persistence.close();
      rmSync(path.join(dataDir, 'journal-000002.log'));

      await expect(loadAll(create())).rejects.toThrow(/journal-000002\.log.*is missing/);
    });

    it('when there is no snapshot and journal-1 is missing, then load throws DataDirCorruptError', async () => {
      await writeBatches(1);
      renameSync(path.join(dataDir, JOURNAL_1), path.join(dataDir, 'journal-000002.log'));

      await expect(loadAll(create())).rejects.toThrow(DataDirCorruptError);
    });

    it('when a journal in the middle of the chain is missing, then load throws DataDirCorruptError', async () => {
      await writeBatches(1);
      writeFileSync(path.join(dataDir, 'journal-000003.log'), '');

      await expect(loadAll(create())).rejects.toThrow(/journal-000002\.log is missing/);
    });

    it('when a damaged record is followed by a later journal with data, then load throws instead of dropping it', async () => {
      await writeBatches(2);
      appendFileSync(path.join(dataDir, JOURNAL_1), Buffer.from([50, 0, 0, 0, 1]));
      writeFileSync(
        path.join(dataDir, 'journal-000002.log'),
        frameRecord([Uint8Array.of(0x42), serialize({ op: 'dropDatabase', db: 'a' })]),
      );

      await expect(loadAll(create())).rejects.toThrow(/followed by a later journal/);
    });

    it('when a torn record ends an older journal and the newer journal is empty, then it is dropped like any torn tail', async () => {
      await writeBatches(2);
      appendFileSync(path.join(dataDir, JOURNAL_1), Buffer.from([50, 0, 0, 0, 1]));
      writeFileSync(path.join(dataDir, 'journal-000002.log'), '');

      const loaded = await loadAll(create());
      expect(loaded.summary.batches).toBe(2);
      expect(logger.messages('warn')).toHaveLength(1);
    });

    it('when load fails, then the lock is released so a fixed directory can be opened', async () => {
      await writeBatches(1);
      writeFileSync(path.join(dataDir, 'journal-000003.log'), '');
      await expect(loadAll(create())).rejects.toThrow(DataDirCorruptError);
      expect(existsSync(path.join(dataDir, 'ecart-db.lock'))).toBe(false);
    });
  });

  describe('lifecycle', () => {
    it('when a put op carries something other than BSON bytes, then the append is rejected and the journal keeps working', async () => {
      const persistence = create();
      await persistence.load(discardingSink());
      const notBytes = { _id: 1 } as unknown as Uint8Array;
      await expect(persistence.append([{ op: 'put', db: 'a', coll: 'x', doc: notBytes }])).rejects.toThrow(TypeError);
      const truncated = bsonOf({ _id: 1, s: 'abc' }).subarray(0, 10);
      await expect(persistence.append([{ op: 'put', db: 'a', coll: 'x', doc: truncated }])).rejects.toThrow(TypeError);
      expect(persistence.failed).toBeNull();
      await persistence.append([put('a', 'x', { _id: 2 })]);
      await persistence.close();

      expect((await loadAll(create())).summary.batches).toBe(1);
    });

    it('when a journal fsync fails, then the append rejects, failed reports the error, and later appends and compactions are refused', async () => {
      const persistence = create();
      await persistence.load(discardingSink());
      await persistence.append([put('a', 'x', { _id: 0 })]);
      expect(persistence.failed).toBeNull();

      const datasync = jest
        .spyOn((await fileHandlePrototype()) as unknown as { datasync: () => Promise<void> }, 'datasync')
        .mockRejectedValueOnce(new Error('EIO: simulated fsync failure'));
      try {
        await expect(persistence.append([put('a', 'x', { _id: 1 })])).rejects.toThrow('EIO: simulated fsync failure');
      } finally {
        datasync.mockRestore();
      }
      const failure = persistence.failed;
      expect(failure?.message).toBe('EIO: simulated fsync failure');
      await expect(persistence.append([put('a', 'x', { _id: 2 })])).rejects.toBe(failure);
      await expect(persistence.compact(() => ({ collections: [] }))).rejects.toBe(failure);
    });

    it('when appending before load or after close, then the append is rejected', async () => {
      const persistence = create();
      await expect(persistence.append([{ op: 'dropDatabase', db: 'a' }])).rejects.toThrow(/not loaded/);
      await persistence.load(discardingSink());
      await persistence.close();
      await expect(persistence.append([{ op: 'dropDatabase', db: 'a' }])).rejects.toThrow(/closed/);
    });

    it('when load is called twice, then the second call is rejected', async () => {
      const persistence = create();
      await persistence.load(discardingSink());
      await expect(persistence.load(discardingSink())).rejects.toThrow(/already called/);
    });
  });
});
