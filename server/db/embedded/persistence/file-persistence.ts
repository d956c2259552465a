/**
 * Durable storage for the embedded server under DATA_DIR: a write-ahead journal with group
 * commit, generation-numbered snapshots written atomically, and a lock so that only one
 * process opens the directory. The file format and crash guarantees are described in
 * server/db/embedded/README.md ("Durability").
 */
import { constants } from 'node:fs';
import { open, readdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { JournalBatch, LoadSink, LoadSummary, Persistence, Snapshot } from '../persistence.types';
import { decodeBatch, encodeBatch, SnapshotStreamDecoder, type SnapshotTotals } from './bson-records';
import { classifyDataDirEntries, journalName, journalPath, snapshotName, snapshotPath, snapshotTempName } from './data-dir-layout';
import { DataDirLock, fsyncDirectory } from './data-dir-lock';
import { JournalWriter } from './journal-writer';
import { DataDirCorruptError } from './persistence-errors';
import type { PersistenceLogger } from './persistence-logger';
import { DEFAULT_READ_CHUNK_BYTES, scanRecordFile } from './record-framing';
import { DEFAULT_SNAPSHOT_TIME_SLICE_MS, SNAPSHOT_RECORD_BYTES, writeSnapshotFile } from './snapshot-writer';

export const DEFAULT_COMPACT_AFTER_BYTES = 64 * 1024 * 1024;

/** The points between compaction's durable steps, in order; a crash may stop it at any of them. */
export type CompactionStep = 'journal-switched' | 'snapshot-written' | 'snapshot-renamed' | 'old-files-removed';

export interface FilePersistenceOptions {
  /** The data directory; created if missing. */
  dataDir: string;
  logger: PersistenceLogger;
  /**
   * Compact once the current journal reaches this many bytes (default 64 MiB). Needs a
   * snapshot provider; `Infinity` turns automatic compaction off.
   */
  compactAfterBytes?: number;
  /** How to take a snapshot of the engine; may also be given later with setSnapshotProvider. */
  snapshotProvider?: () => Snapshot;
  /** Compact in close() when something was written since the last snapshot (default true; needs a provider). */
  compactOnClose?: boolean;
  /**
   * Called after each durable step of a compaction. A seam for crash tests (copy the
   * directory here and you have what a crash at that point leaves) and for diagnostics;
   * throwing aborts the compaction, which leaves a valid directory.
   */
  onCompactionStep?: (step: CompactionStep, details: { generation: number }) => void | Promise<void>;
  /**
   * load() reads files this many bytes at a time (default 8 MiB); a record larger than that
   * gets one read of its own size. Tunable mostly for tests.
   */
  readChunkBytes?: number;
  /**
   * While writing a snapshot, the longest stretch (ms) of synchronous work between two
   * yields to the event loop (default 10). 0 yields at every clock check (every 32 documents).
   */
  snapshotTimeSliceMs?: number;
}

export interface FilePersistenceStats {
  /** The generation appends currently go to (journal-N). */
  generation: number;
  /** Size of journal-N, including appends still being flushed. */
  journalBytes: number;
  appends: number;
  /** Journal write+fsync rounds: lower than `appends` when group commit shared fsyncs. */
  journalSyncs: number;
  compactions: number;
}

export interface FilePersistence extends Persistence {
  /** Absolute path of the data directory. */
  readonly dataDir: string;
  /** Writes the embedded server's URI into the lock file, for readDataDirOwner. Needs load() first. */
  recordUri(uri: string): void;
  /** Enables automatic compaction (and compaction at close). compact(take) also registers its `take` when none is set. */
  setSnapshotProvider(take: () => Snapshot): void;
  stats(): FilePersistenceStats;
  /**
   * The error that broke the journal (a failed write or fsync), or null. Once set, every
   * later append is rejected with it until the process restarts: the engine should check it
   * before applying a write, so it does not change its memory for a write that cannot be stored.
   */
  readonly failed: Error | null;
}

type State = 'new' | 'loading' | 'open' | 'closing' | 'closed' | 'failed';

class FileBackedPersistence implements FilePersistence {
  readonly dataDir: string;
  private readonly logger: PersistenceLogger;
  private readonly compactAfterBytes: number;
  private readonly compactOnClose: boolean;
  private readonly onCompactionStep: FilePersistenceOptions['onCompactionStep'];
  private readonly readChunkBytes: number;
  private readonly snapshotTimeSliceMs: number;
  private provider: (() => Snapshot) | null;

  private state: State = 'new';
  private lock: DataDirLock | null = null;
  private writer: JournalWriter | null = null;
  /** Compactions run one at a time, in call order. */
  private compactionChain: Promise<void> = Promise.resolve();
  private autoCompactionQueued = false;
  private writtenSinceSnapshot = false;
  private compactions = 0;
  private closing: Promise<void> | null = null;
  private loading: Promise<unknown> = Promise.resolve();

  constructor(options: FilePersistenceOptions) {
    const compactAfterBytes = options.compactAfterBytes ?? DEFAULT_COMPACT_AFTER_BYTES;
    if (!(compactAfterBytes > 0)) throw new RangeError('compactAfterBytes must be a positive number (or Infinity)');
    this.dataDir = path.resolve(options.dataDir);
    this.logger = options.logger;
    this.compactAfterBytes = compactAfterBytes;
    this.compactOnClose = options.compactOnClose ?? true;
    this.onCompactionStep = options.onCompactionStep;
    this.readChunkBytes = options.readChunkBytes ?? DEFAULT_READ_CHUNK_BYTES;
    if (!(this.readChunkBytes >= 64)) throw new RangeError('readChunkBytes must be at least 64');
    this.snapshotTimeSliceMs = options.snapshotTimeSliceMs ?? DEFAULT_SNAPSHOT_TIME_SLICE_MS;
    if (!(this.snapshotTimeSliceMs >= 0)) throw new RangeError('snapshotTimeSliceMs must be 0 or more');
    this.provider = options.snapshotProvider ?? null;
  }

  get failed(): Error | null {
    return this.writer?.failed ?? null;
  }

  load(sink: LoadSink): Promise<LoadSummary> {
    if (this.state !== 'new') return Promise.reject(new Error(`load() was already called (persistence is ${this.state})`));
    this.state = 'loading';
    const loading = this.loadOnce(sink);
    this.loading = loading.catch(() => undefined);
    return loading;
  }

  private async loadOnce(sink: LoadSink): Promise<LoadSummary> {
    this.lock = await DataDirLock.acquire(this.dataDir, this.logger).catch((error: unknown) => {
      this.state = 'failed';
      throw error;
    });
    try {
      const loaded = await this.readDataDir(sink);
      this.state = 'open';
      return loaded;
    } catch (error) {
      this.state = 'failed';
      await this.lock.release();
      throw error;
    }
  }

  /** Streams the newest snapshot, then every later journal batch, into `sink`. */
  private async readDataDir(sink: LoadSink): Promise<LoadSummary> {
    const started = Date.now();
    const listing = classifyDataDirEntries(await readdir(this.dataDir));
    const latestSnapshot = listing.snapshots[listing.snapshots.length - 1] ?? 0;
    // With no snapshot, history must start at journal-1: anything else means files are missing.
    const firstGeneration = latestSnapshot > 0 ? latestSnapshot : 1;
    const liveJournals = listing.journals.filter((g) => g >= firstGeneration);
    this.checkGenerations(latestSnapshot, firstGeneration, liveJournals, listing.journals);

    const totals: SnapshotTotals =
      latestSnapshot > 0 ? await this.readSnapshot(latestSnapshot, sink) : { collections: 0, documents: 0 };

    let batches = 0;
    let torn: { generation: number; validEnd: number; droppedBytes: number; reason: string } | null = null;
    let lastSize = 0;
    for (const generation of liveJournals) {
      const name = journalName(generation);
      const file = journalPath(this.dataDir, generation);
      if (torn !== null && (await stat(file)).size > 0) {
        throw new DataDirCorruptError(
          journalName(torn.generation),
          torn.validEnd,
          `damaged record (${torn.reason}) followed by a later journal (${name}) that has data`,
        );
      }
      const scan = await scanRecordFile(
        file,
        name,
        (payload, offset) => {
          sink.batch(decodeBatch(payload, name, offset));
          batches++;
        },
        this.readChunkBytes,
      );
      if (scan.torn !== null) torn = { generation, ...scan.torn };
      lastSize = scan.torn?.validEnd ?? scan.size;
      if (scan.size > 0) this.writtenSinceSnapshot = true;
    }

    if (torn !== null) await this.dropTornTail(torn);
    await this.removeLeftovers(listing, latestSnapshot, firstGeneration);

    let current = liveJournals[liveJournals.length - 1];
    if (current === undefined) {
      current = firstGeneration;
      lastSize = 0;
      const handle = await open(journalPath(this.dataDir, current), constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL);
      await handle.close();
      await fsyncDirectory(this.dataDir);
    }
    this.writer = new JournalWriter(this.dataDir, current, lastSize);

    this.logger.info(
      {
        dataDir: this.dataDir,
        snapshot: latestSnapshot > 0 ? snapshotName(latestSnapshot) : null,
        journals: liveJournals.map(journalName),
        collections: totals.collections,
        documents: totals.documents,
        batches,
        ms: Date.now() - started,
      },
      'embedded database loaded from disk',
    );
    return { collections: totals.collections, documents: totals.documents, batches };
  }

  private checkGenerations(latestSnapshot: number, firstGeneration: number, live: number[], all: number[]): void {
    if (latestSnapshot === 0 && all.length > 0 && all[0] !== 1) {
      throw new DataDirCorruptError(
        path.join(this.dataDir, journalName(all[0] as number)),
        null,
        `there is no snapshot, so history must start at ${journalName(1)}, which is missing`,
      );
    }
    if (latestSnapshot > 0 && live[0] !== firstGeneration) {
      throw new DataDirCorruptError(
        path.join(this.dataDir, snapshotName(latestSnapshot)),
        null,
        `${journalName(firstGeneration)}, the journal that continues this snapshot, is missing`,
      );
    }
    live.forEach((generation, i) => {
      if (generation !== firstGeneration + i) {
        throw new DataDirCorruptError(
          path.join(this.dataDir, journalName(generation)),
          null,
          `${journalName(firstGeneration + i)} is missing before it`,
        );
      }
    });
  }

  /**
   * Streams a snapshot into the sink. Its checks (header, per-collection counts, trailer) run
   * as it goes, so a snapshot found corrupt part-way has already fed part of itself to the
   * sink: start-up fails then anyway.
   */
  private async readSnapshot(generation: number, sink: LoadSink): Promise<SnapshotTotals> {
    const name = snapshotName(generation);
    const decoder = new SnapshotStreamDecoder(name, sink);
    const scan = await scanRecordFile(
      snapshotPath(this.dataDir, generation),
      name,
      (payload, offset) => decoder.record(payload, offset),
      this.readChunkBytes,
    );
    if (scan.torn !== null) {
      // Snapshots are renamed into place only once complete and fsynced: a damaged end is corruption.
      throw new DataDirCorruptError(name, scan.torn.validEnd, `snapshot ends in a damaged record (${scan.torn.reason})`);
    }
    return decoder.finish(scan.size);
  }

  /** The crash interrupted the last write; it was never acknowledged, so dropping it loses nothing acknowledged. */
  private async dropTornTail(torn: { generation: number; validEnd: number; droppedBytes: number; reason: string }): Promise<void> {
    const file = journalPath(this.dataDir, torn.generation);
    this.logger.warn(
      { file, offset: torn.validEnd, droppedBytes: torn.droppedBytes, reason: torn.reason },
      'dropped a torn record at the end of the journal (a write interrupted by a crash, never acknowledged)',
    );
    const handle = await open(file, 'r+');
    try {
      await handle.truncate(torn.validEnd);
      await handle.sync();
    } finally {
      await handle.close();
    }
  }

  /** Finishes what an interrupted compaction left: files already covered by the newest snapshot, and unfinished temp snapshots. */
  private async removeLeftovers(
    listing: ReturnType<typeof classifyDataDirEntries>,
    latestSnapshot: number,
    firstGeneration: number,
  ): Promise<void> {
    const names = [
      ...listing.snapshots.filter((g) => g < latestSnapshot).map(snapshotName),
      ...listing.journals.filter((g) => g < firstGeneration).map(journalName),
      ...listing.snapshotTemps,
    ];
    if (names.length === 0) return;
    for (const name of names) await rm(path.join(this.dataDir, name), { force: true });
    await fsyncDirectory(this.dataDir);
    this.logger.info({ dataDir: this.dataDir, removed: names }, 'removed files left by an interrupted compaction');
  }

  async append(batch: JournalBatch): Promise<void> {
    const writer = this.writer;
    if (this.state !== 'open' || writer === null) {
      throw new Error(`cannot append: persistence is ${this.state === 'new' ? 'not loaded yet' : this.state}`);
    }
    // An empty batch has nothing to store; its acknowledgement only needs what came before it.
    if (batch.length === 0) return writer.drain();
    // Encoded before the first await: the caller may reuse the batch array as soon as we yield.
    const frame = encodeBatch(batch);
    this.writtenSinceSnapshot = true;
    await writer.append(frame);
    this.maybeCompactAutomatically();
  }

  private maybeCompactAutomatically(): void {
    const provider = this.provider;
    const writer = this.writer;
    if (provider === null || writer === null || this.state !== 'open' || this.autoCompactionQueued) return;
    if (writer.stats().journalBytes < this.compactAfterBytes) return;
    this.autoCompactionQueued = true;
    this.compact(provider)
      .catch((error: unknown) => {
        this.logger.error({ err: error, dataDir: this.dataDir }, 'automatic compaction failed; the journal keeps growing');
      })
      .finally(() => {
        this.autoCompactionQueued = false;
      });
  }

  compact(take: () => Snapshot): Promise<void> {
    if (this.state !== 'open' && this.state !== 'closing') {
      return Promise.reject(new Error(`cannot compact: persistence is ${this.state}`));
    }
    this.provider ??= take;
    const run = this.compactionChain.then(() => this.runCompaction(take));
    this.compactionChain = run.catch(() => undefined);
    return run;
  }

  private async runCompaction(take: () => Snapshot): Promise<void> {
    const writer = this.writer;
    if (writer === null) throw new Error('cannot compact: persistence is not loaded');
    if (writer.failed !== null) throw writer.failed;
    const started = Date.now();

    // Switch and take in the same tick: every batch appended before this line is in the
    // snapshot and in the old journal; every later one goes to the new journal.
    const { lastSeqBefore, newGeneration, created } = writer.switchGeneration();
    const wasWritten = this.writtenSinceSnapshot;
    this.writtenSinceSnapshot = false;
    const tempPath = path.join(this.dataDir, snapshotTempName(newGeneration));
    try {
      // `take()` returns immutable views: their documents are iterated later, across many turns.
      const snapshot = take();
      await created;
      await this.onCompactionStep?.('journal-switched', { generation: newGeneration });

      const { bytes, documents } = await writeSnapshotFile(tempPath, snapshot, newGeneration, {
        timeSliceMs: this.snapshotTimeSliceMs,
        recordBytes: SNAPSHOT_RECORD_BYTES,
      });
      await this.onCompactionStep?.('snapshot-written', { generation: newGeneration });

      await rename(tempPath, snapshotPath(this.dataDir, newGeneration));
      await fsyncDirectory(this.dataDir);
      await this.onCompactionStep?.('snapshot-renamed', { generation: newGeneration });

      // The snapshot now covers the old journal, but appends to it may still be in flight;
      // let them finish before removing the file they write to.
      await writer.waitDurable(lastSeqBefore).catch(() => undefined);
      const listing = classifyDataDirEntries(await readdir(this.dataDir));
      const obsolete = [
        ...listing.journals.filter((g) => g < newGeneration).map(journalName),
        ...listing.snapshots.filter((g) => g < newGeneration).map(snapshotName),
      ];
      for (const name of obsolete) await rm(path.join(this.dataDir, name), { force: true });
      await fsyncDirectory(this.dataDir);
      await this.onCompactionStep?.('old-files-removed', { generation: newGeneration });

      this.compactions++;
      this.logger.info(
        { dataDir: this.dataDir, generation: newGeneration, snapshotBytes: bytes, documents, ms: Date.now() - started },
        'embedded database compacted',
      );
    } catch (error) {
      // The directory is still valid (old snapshot + old and new journals); only the temp file is garbage.
      this.writtenSinceSnapshot ||= wasWritten;
      await rm(tempPath, { force: true }).catch(() => undefined);
      throw error;
    }
  }

  recordUri(uri: string): void {
    if (this.lock === null || this.state === 'closed' || this.state === 'failed') {
      throw new Error('recordUri() needs a loaded persistence that holds the data directory lock');
    }
    this.lock.setUri(uri);
  }

  setSnapshotProvider(take: () => Snapshot): void {
    this.provider = take;
  }

  stats(): FilePersistenceStats {
    const writer = this.writer?.stats();
    return {
      generation: writer?.generation ?? 0,
      journalBytes: writer?.journalBytes ?? 0,
      appends: writer?.appends ?? 0,
      journalSyncs: writer?.syncs ?? 0,
      compactions: this.compactions,
    };
  }

  close(): Promise<void> {
    this.closing ??= this.closeOnce();
    return this.closing;
  }

  private async closeOnce(): Promise<void> {
    // Closing while load() runs must not leave the lock it is about to hold behind.
    await this.loading;
    if (this.state !== 'open') {
      // Never loaded, or load failed (and already released the lock).
      this.state = 'closed';
      return;
    }
    this.state = 'closing';
    try {
      await this.compactionChain;
      const provider = this.provider;
      if (this.compactOnClose && provider !== null && this.writtenSinceSnapshot && this.writer?.failed === null) {
        await this.compact(provider).catch((error: unknown) => {
          this.logger.error({ err: error, dataDir: this.dataDir }, 'compaction at close failed; the journal is kept');
        });
      }
      await this.writer?.close();
    } finally {
      await this.lock?.release();
      this.state = 'closed';
    }
  }
}

/**
 * Creates the file-backed store for `dataDir`. Nothing touches the disk until load(),
 * which takes the directory lock (DataDirLockedError) and reads the data
 * (DataDirCorruptError).
 */
export function createFilePersistence(options: FilePersistenceOptions): FilePersistence {
  return new FileBackedPersistence(options);
}
