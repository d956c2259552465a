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
import path from 'node:path';
import {
  createFilePersistence,
  DataDirCorruptError,
  type CompactionStep,
  type FilePersistence,
  type FilePersistenceOptions,
} from '../../../../server/db/embedded/persistence';
import { frameRecord } from '../../../../server/db/embedded/persistence/record-framing';
import type { JournalBatch, Snapshot } from '../../../../server/db/embedded/persistence.types';
import {
  copyDataDir,
  makeRecordingLogger,
  makeTempDir,
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

function expectSameBson(actual: Document | undefined, expected: Document): void {
  expect(actual).toBeDefined();
  // Byte equality is the strictest check there is: same types, same values, same key order.
  expect(Buffer.from(serialize(actual as Document)).equals(Buffer.from(serialize(expected)))).toBe(true);
  expect(actual).toStrictEqual(expected);
}

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
      await first.load();
      await first.append([
        { op: 'createCollection', db: 'ecart', coll: 'claims', options: { validator: { n: { $gt: 0 } } } },
        { op: 'put', db: 'ecart', coll: 'claims', doc },
      ]);
      await first.close();

      const loaded = await create().load();
      expect(loaded.snapshot).toBeNull();
      expect(loaded.batches).toHaveLength(1);
      const [batch] = loaded.batches;
      expect(batch?.[0]).toStrictEqual({
        op: 'createCollection',
        db: 'ecart',
        coll: 'claims',
        options: { validator: { n: { $gt: 0 } } },
      });
      const put = batch?.[1];
      expect(put?.op).toBe('put');
      expectSameBson(put?.op === 'put' ? put.doc : undefined, doc);
      const restored = put?.op === 'put' ? put.doc : {};
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
      await first.load();
      await first.append(ids.map((id) => ({ op: 'del' as const, db: 'ecart', coll: 'c', id })));
      await first.close();

      const loaded = await create().load();
      const restoredIds = loaded.batches[0]?.map((op) => (op.op === 'del' ? op.id : 'not a del'));
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
        [{ op: 'put', db: 'a', coll: 'x', doc: { _id: 1, slug: 's' } }],
        [{ op: 'del', db: 'a', coll: 'x', id: 1 }],
        [{ op: 'dropIndex', db: 'a', coll: 'x', name: 'slug_1' }],
        [{ op: 'dropCollection', db: 'a', coll: 'x' }],
        [{ op: 'dropDatabase', db: 'a' }],
      ];
      const first = create();
      await first.load();
      for (const batch of batches) await first.append(batch);
      await first.close();

      expect((await create().load()).batches).toStrictEqual(batches);
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
            docs: [doc, { _id: 'second' }],
          },
          { db: 'other', coll: 'empty', options: {}, indexes: [], docs: [] },
        ],
      };
      const first = create();
      await first.load();
      await first.compact(() => snapshot);
      await first.close();

      const loaded = await create().load();
      expect(loaded.batches).toEqual([]);
      expect(loaded.snapshot?.collections).toHaveLength(2);
      const claims = loaded.snapshot?.collections[0];
      expect(claims?.options).toStrictEqual({ collation: { locale: 'fr' } });
      expect(claims?.indexes).toStrictEqual(snapshot.collections[0]?.indexes);
      expectSameBson(claims?.docs[0], doc);
      expect(claims?.docs[1]).toStrictEqual({ _id: 'second' });
      expect(loaded.snapshot?.collections[1]).toStrictEqual(snapshot.collections[1]);
    });

    it('when a deprecated BSON symbol is stored, then it reads back as a string, as the wire layer decodes it', async () => {
      const first = create();
      await first.load();
      await first.append([{ op: 'put', db: 'a', coll: 'x', doc: { _id: 1, s: new BSONSymbol('sym') } }]);
      await first.close();

      const [[op] = []] = (await create().load()).batches;
      expect(op?.op === 'put' ? op.doc : null).toStrictEqual({ _id: 1, s: 'sym' });
    });

    it('when a BSONRegExp is stored, then it reads back as a RegExp with the same source and flags', async () => {
      const first = create();
      await first.load();
      await first.append([{ op: 'put', db: 'a', coll: 'x', doc: { _id: 1, r: new BSONRegExp('^a.b$', 'im') } }]);
      await first.close();

      const [[op] = []] = (await create().load()).batches;
      const value = op?.op === 'put' ? op.doc.r : null;
      expect(value).toBeInstanceOf(RegExp);
      expect((value as RegExp).source).toBe('^a.b$');
      expect((value as RegExp).flags).toBe('im');
    });
  });

  describe('group commit', () => {
    it('when many appends are made concurrently, then they share fsyncs and all are durable in order', async () => {
      const persistence = create();
      await persistence.load();
      const count = 300;
      const batches: JournalBatch[] = Array.from({ length: count }, (_, i) => [
        { op: 'put', db: 'a', coll: 'x', doc: { _id: i, seq: i } },
      ]);
      await Promise.all(batches.map((batch) => persistence.append(batch)));

      const stats = persistence.stats();
      expect(stats.appends).toBe(count);
      expect(stats.journalSyncs).toBeGreaterThanOrEqual(1);
      expect(stats.journalSyncs).toBeLessThan(count);
      await persistence.close();

      expect((await create().load()).batches).toStrictEqual(batches);
    });

    it('when appends are made one after another, then each one gets its own fsync before resolving', async () => {
      const persistence = create();
      await persistence.load();
      for (let i = 0; i < 5; i++) await persistence.append([{ op: 'put', db: 'a', coll: 'x', doc: { _id: i } }]);
      expect(persistence.stats()).toMatchObject({ appends: 5, journalSyncs: 5 });
    });

    it('when an append resolves, then its bytes are already in the journal file', async () => {
      const persistence = create();
      await persistence.load();
      const before = statSync(path.join(dataDir, JOURNAL_1)).size;
      await persistence.append([{ op: 'put', db: 'a', coll: 'x', doc: { _id: 'visible' } }]);
      expect(statSync(path.join(dataDir, JOURNAL_1)).size).toBeGreaterThan(before);
      expect(readFileSync(path.join(dataDir, JOURNAL_1)).includes(Buffer.from('visible'))).toBe(true);
    });
  });

  describe('compaction', () => {
    async function writeWithModel(persistence: FilePersistence, model: ReferenceModel, from: number, to: number): Promise<void> {
      for (let i = from; i < to; i++) {
        const batch: JournalBatch = [{ op: 'put', db: 'ecart', coll: 'items', doc: { _id: i, at: new Date(i), n: Long.fromNumber(i) } }];
        if (i % 7 === 0 && i > 0) batch.push({ op: 'del', db: 'ecart', coll: 'items', id: i - 1 });
        model.applyBatch(batch);
        await persistence.append(batch);
      }
    }

    it('when the store is compacted and more is written, then load gives back the snapshot plus the later batches', async () => {
      const model = new ReferenceModel();
      const persistence = create();
      await persistence.load();
      await writeWithModel(persistence, model, 0, 50);
      await persistence.compact(() => model.snapshot());
      await writeWithModel(persistence, model, 50, 60);
      expect(persistence.stats().generation).toBe(2);
      await persistence.close();

      expect(readdirSync(dataDir).sort()).toEqual(['journal-000002.log', 'snapshot-000002.snap']);
      const loaded = await create().load();
      expect(loaded.snapshot).not.toBeNull();
      expect(loaded.batches).toHaveLength(10);
      expect(ReferenceModel.fromLoaded(loaded).digest()).toBe(model.digest());
    });

    it('when the journal passes compactAfterBytes, then the store compacts by itself and loses nothing', async () => {
      const model = new ReferenceModel();
      const persistence = create({ compactAfterBytes: 2048, snapshotProvider: () => model.snapshot() });
      await persistence.load();
      await writeWithModel(persistence, model, 0, 200);
      await persistence.close();

      expect(persistence.stats().compactions).toBeGreaterThan(0);
      expect(persistence.stats().generation).toBeGreaterThan(2);
      const snapshots = readdirSync(dataDir).filter((n) => n.startsWith('snapshot-'));
      expect(snapshots).toHaveLength(1);
      expect(ReferenceModel.fromLoaded(await create().load()).digest()).toBe(model.digest());
    });

    it('when closing with compactOnClose and a provider, then the next load reads only a snapshot', async () => {
      const model = new ReferenceModel();
      const persistence = create({ compactOnClose: true, snapshotProvider: () => model.snapshot() });
      await persistence.load();
      await writeWithModel(persistence, model, 0, 20);
      await persistence.close();

      const loaded = await create().load();
      expect(loaded.batches).toEqual([]);
      expect(ReferenceModel.fromLoaded(loaded).digest()).toBe(model.digest());
    });

    it('when 100 000 documents are snapshotted, then load returns them all in insertion order', async () => {
      const docs = Array.from({ length: 100_000 }, (_, i) => ({ _id: new ObjectId(), slug: `claim-${i}`, i }));
      const persistence = create();
      await persistence.load();
      await persistence.compact(() => ({ collections: [{ db: 'ecart', coll: 'claims', options: {}, indexes: [], docs }] }));
      await persistence.close();

      const loaded = await create().load();
      const restored = loaded.snapshot?.collections[0]?.docs ?? [];
      expect(restored).toHaveLength(100_000);
      expect(restored[99_999]).toStrictEqual(docs[99_999]);
      expect(restored.map((d) => d.i as number).every((value, index) => value === index)).toBe(true);
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
              const batch: JournalBatch = [{ op: 'put', db: 'ecart', coll: 'items', doc: { _id: i } }];
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
        await persistence.load();
        for (let i = 0; i < 40; i++) {
          const batch: JournalBatch = [{ op: 'put', db: 'ecart', coll: 'items', doc: { _id: i, v: `v${i}` } }];
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
          const loaded = await reopened.load();
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
        await first.load();
        for (let i = 0; i < 5; i++) {
          const batch: JournalBatch = [{ op: 'put', db: 'a', coll: 'x', doc: { _id: i } }];
          model.applyBatch(batch);
          await first.append(batch);
        }
        await first.compact(() => model.snapshot()); // generation 2
        for (let i = 5; i < 10; i++) {
          const batch: JournalBatch = [{ op: 'put', db: 'a', coll: 'x', doc: { _id: i } }];
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
          const batch: JournalBatch = [{ op: 'put', db: 'a', coll: 'x', doc: { _id: i } }];
          model.applyBatch(batch);
          await first.append(batch);
        }
        await first.close();

        expect(readdirSync(dataDir).sort()).toEqual(['journal-000002.log', 'journal-000003.log', 'snapshot-000002.snap']);
        const loaded = await create().load();
        expect(loaded.batches).toHaveLength(10);
        expect(ReferenceModel.fromLoaded(loaded).digest()).toBe(model.digest());
      });
    });
  });

  describe('torn last record', () => {
    async function writeThree(): Promise<JournalBatch[]> {
      const batches: JournalBatch[] = [0, 1, 2].map((i) => [{ op: 'put', db: 'a', coll: 'x', doc: { _id: i } }]);
      const persistence = create();
      await persistence.load();
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
      const loaded = await second.load();
      expect(loaded.batches).toStrictEqual(batches);
      expect(logger.messages('warn')).toEqual([expect.stringContaining('torn record')]);
      expect(statSync(journal()).size).toBe(goodSize);
      const extra: JournalBatch = [{ op: 'put', db: 'a', coll: 'x', doc: { _id: 'after' } }];
      await second.append(extra);
      await second.close();

      logger.entries.length = 0;
      expect((await create().load()).batches).toStrictEqual([...batches, extra]);
      expect(logger.messages('warn')).toEqual([]);
    });

    it('when the last record has a bad checksum and nothing follows, then only that record is dropped', async () => {
      const batches = await writeThree();
      const bytes = readFileSync(journal());
      const last = bytes.length - 1;
      bytes[last] = (bytes[last] as number) ^ 0xff;
      writeFileSync(journal(), bytes);

      const loaded = await create().load();
      expect(loaded.batches).toStrictEqual(batches.slice(0, 2));
      expect(logger.entries.find((e) => e.level === 'warn')?.details).toMatchObject({ reason: 'bad checksum' });
    });
  });

  describe('corruption stops start-up', () => {
    async function writeBatches(count: number): Promise<void> {
      const persistence = create();
      await persistence.load();
      for (let i = 0; i < count; i++) await persistence.append([{ op: 'put', db: 'a', coll: 'x', doc: { _id: i } }]);
      await persistence.close();
    }

    it('when a record in the middle of the journal has a bad checksum, then load throws DataDirCorruptError naming file and offset', async () => {
      await writeBatches(3);
      const file = path.join(dataDir, JOURNAL_1);
      const bytes = readFileSync(file);
      bytes[12] = (bytes[12] as number) ^ 0x01; // inside the first record's payload
      writeFileSync(file, bytes);

      const error = await create().load().then(
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
      await expect(create().load()).rejects.toThrow(/unknown or malformed journal op "frobnicate"/);
    });

    it('when the snapshot has lost its trailer, then load throws DataDirCorruptError', async () => {
      const persistence = create();
      await persistence.load();
      await persistence.compact(() => ({ collections: [{ db: 'a', coll: 'x', options: {}, indexes: [], docs: [{ _id: 1 }] }] }));
      await persistence.close();
      const file = path.join(dataDir, 'snapshot-000002.snap');
      const bytes = readFileSync(file);
      // Drop the trailer record exactly, so every remaining record is intact.
      let lastRecordStart = 0;
      for (let at = 0; at < bytes.length; at += 8 + bytes.readUInt32LE(at)) lastRecordStart = at;
      writeFileSync(file, bytes.subarray(0, lastRecordStart));

      await expect(create().load()).rejects.toThrow(DataDirCorruptError);
      await expect(create().load()).rejects.toThrow(/no trailer/);
    });

    it('when the snapshot has a damaged byte, then load throws DataDirCorruptError', async () => {
      const persistence = create();
      await persistence.load();
      await persistence.compact(() => ({ collections: [{ db: 'a', coll: 'x', options: {}, indexes: [], docs: [{ _id: 1 }] }] }));
      await persistence.close();
      const file = path.join(dataDir, 'snapshot-000002.snap');
      const bytes = readFileSync(file);
      bytes[bytes.length - 1] = (bytes[bytes.length - 1] as number) ^ 0xff;
      writeFileSync(file, bytes);

      await expect(create().load()).rejects.toThrow(DataDirCorruptError);
    });

    it('when the journal that continues the snapshot is missing, then load throws DataDirCorruptError', async () => {
      const persistence = create();
      await persistence.load();
      await persistence.compact(() => ({ collections: [] }));
      await persistence.close();
      rmSync(path.join(dataDir, 'journal-000002.log'));

      await expect(create().load()).rejects.toThrow(/journal-000002\.log.*is missing/);
    });

    it('when there is no snapshot and journal-1 is missing, then load throws DataDirCorruptError', async () => {
      await writeBatches(1);
      renameSync(path.join(dataDir, JOURNAL_1), path.join(dataDir, 'journal-000002.log'));

      await expect(create().load()).rejects.toThrow(DataDirCorruptError);
    });

    it('when a journal in the middle of the chain is missing, then load throws DataDirCorruptError', async () => {
      await writeBatches(1);
      writeFileSync(path.join(dataDir, 'journal-000003.log'), '');

      await expect(create().load()).rejects.toThrow(/journal-000002\.log is missing/);
    });

    it('when a damaged record is followed by a later journal with data, then load throws instead of dropping it', async () => {
      await writeBatches(2);
      appendFileSync(path.join(dataDir, JOURNAL_1), Buffer.from([50, 0, 0, 0, 1]));
      writeFileSync(
        path.join(dataDir, 'journal-000002.log'),
        frameRecord([Uint8Array.of(0x42), serialize({ op: 'dropDatabase', db: 'a' })]),
      );

      await expect(create().load()).rejects.toThrow(/followed by a later journal/);
    });

    it('when a torn record ends an older journal and the newer journal is empty, then it is dropped like any torn tail', async () => {
      await writeBatches(2);
      appendFileSync(path.join(dataDir, JOURNAL_1), Buffer.from([50, 0, 0, 0, 1]));
      writeFileSync(path.join(dataDir, 'journal-000002.log'), '');

      const loaded = await create().load();
      expect(loaded.batches).toHaveLength(2);
      expect(logger.messages('warn')).toHaveLength(1);
    });

    it('when load fails, then the lock is released so a fixed directory can be opened', async () => {
      await writeBatches(1);
      writeFileSync(path.join(dataDir, 'journal-000003.log'), '');
      await expect(create().load()).rejects.toThrow(DataDirCorruptError);
      expect(existsSync(path.join(dataDir, 'ecart-db.lock'))).toBe(false);
    });
  });

  describe('lifecycle', () => {
    it('when appending before load or after close, then the append is rejected', async () => {
      const persistence = create();
      await expect(persistence.append([{ op: 'dropDatabase', db: 'a' }])).rejects.toThrow(/not loaded/);
      await persistence.load();
      await persistence.close();
      await expect(persistence.append([{ op: 'dropDatabase', db: 'a' }])).rejects.toThrow(/closed/);
    });

    it('when load is called twice, then the second call is rejected', async () => {
      const persistence = create();
      await persistence.load();
      await expect(persistence.load()).rejects.toThrow(/already called/);
    });
  });
});
