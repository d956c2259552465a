/**
 * Appends framed batches to the current journal file with group commit.
 *
 * One flush loop owns the file. While it waits for a write+fsync, new appends queue up;
 * the next round writes all of them with one write and one fsync. Rounds run strictly one
 * after another, across generation switches too, so a batch can only be durable once every
 * batch appended before it is: replay never sees a later write without an earlier one.
 */
import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { fsyncDirectory } from './data-dir-lock';
import { journalPath } from './data-dir-layout';

/** Caps one round's write so a burst of appends never builds a single huge buffer. */
const MAX_ROUND_BYTES = 16 * 1024 * 1024;

interface PendingAppend {
  seq: number;
  generation: number;
  frame: Buffer;
  resolve: () => void;
  reject: (error: unknown) => void;
}

export interface JournalWriterStats {
  /** The generation new appends go to. */
  generation: number;
  /** Size of that generation's journal, counting appends not yet flushed. */
  journalBytes: number;
  appends: number;
  /** write+fsync rounds; fewer than `appends` when group commit shared fsyncs. */
  syncs: number;
}

export class JournalWriter {
  private readonly dataDir: string;
  private readonly queue: PendingAppend[] = [];
  private flushing = false;
  private nextSeq = 1;
  private durableSeq = 0;
  private readonly durableWaiters: { seq: number; resolve: () => void; reject: (error: unknown) => void }[] = [];
  private failure: Error | null = null;

  private generation: number;
  private generationBytes: number;
  /** Files of generations started by switchGeneration, created (and the directory fsynced) in the background. */
  private readonly created = new Map<number, Promise<void>>();

  private handle: FileHandle | null = null;
  private handleGeneration = -1;
  private handleSize = 0;

  private appendCount = 0;
  private syncCount = 0;

  /**
   * @param generation the journal new appends go to; its file already exists.
   * @param size its current (validated) length: writes continue exactly there.
   */
  constructor(dataDir: string, generation: number, size: number) {
    this.dataDir = dataDir;
    this.generation = generation;
    this.generationBytes = size;
    this.created.set(generation, Promise.resolve());
  }

  stats(): JournalWriterStats {
    return {
      generation: this.generation,
      journalBytes: this.generationBytes,
      appends: this.appendCount,
      syncs: this.syncCount,
    };
  }

  get failed(): Error | null {
    return this.failure;
  }

  append(frame: Buffer): Promise<void> {
    if (this.failure !== null) return Promise.reject(this.failure);
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ seq: this.nextSeq++, generation: this.generation, frame, resolve, reject });
      this.appendCount++;
      this.generationBytes += frame.length;
      if (!this.flushing) void this.flushLoop();
    });
  }

  /**
   * Sends every later append to journal-(current+1), synchronously. Returns the sequence
   * number of the last append that went to the old journal, and a promise that settles once
   * the new journal file exists durably.
   */
  switchGeneration(): { lastSeqBefore: number; newGeneration: number; created: Promise<void> } {
    const newGeneration = this.generation + 1;
    const lastSeqBefore = this.nextSeq - 1;
    this.generation = newGeneration;
    this.generationBytes = 0;
    const created = this.createJournalFile(newGeneration);
    // The loop awaits it too; this keeps an early failure from being reported as unhandled.
    created.catch(() => undefined);
    this.created.set(newGeneration, created);
    return { lastSeqBefore, newGeneration, created };
  }

  private async createJournalFile(generation: number): Promise<void> {
    const handle = await open(
      journalPath(this.dataDir, generation),
      constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL,
    );
    await handle.close();
    await fsyncDirectory(this.dataDir);
  }

  /** Resolves once every append up to `seq` is durable; rejects if the journal failed first. */
  waitDurable(seq: number): Promise<void> {
    if (this.durableSeq >= seq) return Promise.resolve();
    if (this.failure !== null) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => this.durableWaiters.push({ seq, resolve, reject }));
  }

  /** Resolves once everything appended so far is durable. */
  drain(): Promise<void> {
    return this.waitDurable(this.nextSeq - 1);
  }

  async close(): Promise<void> {
    await this.drain().catch(() => undefined);
    if (this.handle !== null) {
      await this.handle.close();
      this.handle = null;
    }
  }

  private async flushLoop(): Promise<void> {
    this.flushing = true;
    try {
      while (this.queue.length > 0) {
        const first = this.queue[0] as PendingAppend;
        let count = 0;
        let bytes = 0;
        for (const pending of this.queue) {
          if (pending.generation !== first.generation) break;
          if (count > 0 && bytes + pending.frame.length > MAX_ROUND_BYTES) break;
          count++;
          bytes += pending.frame.length;
        }
        const round = this.queue.splice(0, count);
        try {
          await this.writeRound(first.generation, round);
        } catch (error) {
          this.fail(error, round);
          return;
        }
        const lastSeq = (round[round.length - 1] as PendingAppend).seq;
        this.durableSeq = lastSeq;
        for (const pending of round) pending.resolve();
        this.releaseDurableWaiters();
      }
    } finally {
      this.flushing = false;
    }
  }

  private async writeRound(generation: number, round: readonly PendingAppend[]): Promise<void> {
    if (this.handleGeneration !== generation) {
      await this.created.get(generation);
      if (this.handle !== null) await this.handle.close();
      this.handle = null;
      const opened = await open(journalPath(this.dataDir, generation), 'r+');
      this.handle = opened;
      this.handleGeneration = generation;
      // Load already truncated any torn tail, so the file's length is where the next record goes.
      this.handleSize = (await opened.stat()).size;
    }
    const handle = this.handle as FileHandle;
    const buffer = round.length === 1 ? (round[0] as PendingAppend).frame : Buffer.concat(round.map((p) => p.frame));
    let written = 0;
    while (written < buffer.length) {
      const { bytesWritten } = await handle.write(buffer, written, buffer.length - written, this.handleSize + written);
      written += bytesWritten;
    }
    // fdatasync covers the data and the new file length, which is all replay needs.
    await handle.datasync();
    this.handleSize += buffer.length;
    this.syncCount++;
  }

  /**
   * After a failed write or fsync the file's tail is unknown (and after a failed fsync the
   * kernel may have dropped the dirty pages), so retrying could acknowledge lost data. The
   * journal refuses every later append; the server has to restart, and replay sorts it out.
   */
  private fail(cause: unknown, round: readonly PendingAppend[]): void {
    const error = cause instanceof Error ? cause : new Error(String(cause));
    this.failure = error;
    for (const pending of round) pending.reject(error);
    for (const pending of this.queue.splice(0)) pending.reject(error);
    for (const waiter of this.durableWaiters.splice(0)) waiter.reject(error);
  }

  private releaseDurableWaiters(): void {
    for (let i = this.durableWaiters.length - 1; i >= 0; i--) {
      const waiter = this.durableWaiters[i];
      if (waiter !== undefined && waiter.seq <= this.durableSeq) {
        this.durableWaiters.splice(i, 1);
        waiter.resolve();
      }
    }
  }
}
