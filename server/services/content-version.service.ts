/**
 * What version of the public content this process is showing, and until when it stays true.
 *
 * - **Writes.** Every write to public content (see models/content-change.plugin.ts) bumps a
 *   version document shared by all app processes on the database. Until the bump is stored,
 *   this process reports no version at all, so nothing is cached from a half-known state.
 * - **Other processes** poll the version document (every 250 ms by default): a write through
 *   process A is served by process B within about a quarter of a second.
 * - **The clock.** Pages also change with time: "N days ago" at midnight in the newsroom's
 *   zone, a deadline's state when it passes. The state key includes the last such instant
 *   (`epoch`), so cached pages expire exactly at their next change, on every process alike.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { DateTime } from 'luxon';
import { trusted } from 'mongoose';
import { ClaimModel } from '../../models/claim.model';
import { contentChanges } from '../../models/content-change.plugin';
import { ContentVersionModel, SITE_VERSION_ID } from '../../models/content-version.model';

export const DEFAULT_POLL_MS = 250;

/**
 * Bumping is per process, not per app instance: every process that writes public content
 * (the app, `npm run seed`, `bench:data`…) bumps the shared version, whether or not it
 * serves pages. Installed once, from the database connection and from createApp.
 */
const bumps = { installed: false, pending: 0, events: new EventEmitter() };
bumps.events.setMaxListeners(0);

export function installVersionBumps(): void {
  if (bumps.installed) return;
  bumps.installed = true;
  contentChanges.on('change', () => {
    const scope = deferredBumps.getStore();
    if (!scope) {
      void bumpContentVersion();
      return;
    }
    // Inside a transaction: bumping now would publish a version whose content is not
    // committed yet, and a page rendered meanwhile would be cached under it, stale for good.
    // The process stops caching (pending) until the bump that follows the commit.
    if (!scope.changed) bumps.pending++;
    scope.changed = true;
  });
}

const deferredBumps = new AsyncLocalStorage<{ changed: boolean }>();

/**
 * Runs `work` (a transaction) with its writes' version bumps held back: one bump after it
 * settles, if it wrote public content. Until then this process reports no version, so
 * nothing is cached from a state between the writes and their commit.
 */
export async function withVersionBumpAfter<T>(work: () => Promise<T>): Promise<T> {
  const scope = { changed: false };
  try {
    return await deferredBumps.run(scope, work);
  } finally {
    if (scope.changed) {
      // Outside the scope's async context, so the bump is not itself part of the transaction.
      const bumped = bumpContentVersion();
      bumps.pending--;
      await bumped;
    }
  }
}

/** Resolves once every bump this process started is stored: call before a tool disconnects. */
export async function versionBumpsSettled(): Promise<void> {
  while (bumps.pending > 0) await new Promise((resolve) => bumps.events.once('settled', resolve));
}

/**
 * Bumps the shared version now. Writes through the models do it by themselves; a tool that
 * writes with the driver directly (the benchmark generator) calls this when it is done.
 */
export function bumpContentVersion(): Promise<void> {
  bumps.pending++;
  return (
    ContentVersionModel.findOneAndUpdate(
      { _id: SITE_VERSION_ID },
      // Wall-clock time: it is what HTTP's Last-Modified and If-Modified-Since compare.
      { $inc: { version: 1 }, $set: { changedAt: new Date() }, $setOnInsert: { series: randomUUID() } },
      { upsert: true, new: true, lean: true },
    )
      .then((doc) => {
        if (doc) bumps.events.emit('bumped', doc.series ?? '', doc.version, doc.changedAt);
      })
      .catch((err: unknown) => {
        bumps.events.emit('error', err);
      })
      .finally(() => {
        bumps.pending--;
        bumps.events.emit('settled');
      })
  );
}
/** Even with no write, deadlines are looked up again this often (one indexed query). */
const DEADLINE_RECHECK_MS = 60_000;

export interface ContentState {
  /** Identifies what the public sees now: the content version and the clock epoch. */
  key: string;
  /** When it last changed: the last write, or the last clock boundary if later. */
  lastModified: Date;
}

export interface ContentVersionsOptions {
  clock: () => Date;
  timeZone: string;
  pollMs?: number;
  /** Where failures to read or bump the version are reported. */
  onError?: (err: unknown, what: string) => void;
}

export class ContentVersions {
  private version: number | null = null;
  private series = '';
  private changedAt = new Date(0);
  /** Deadlines around now, from the last lookup. */
  private lastDeadline: number | null = null;
  private nextDeadline: number | null = null;
  private deadlinesCheckedAt = -Infinity;
  private timer: NodeJS.Timeout | null = null;
  private refreshing: Promise<void> | null = null;
  private readonly onBumped = (series: string, version: number, changedAt: Date): void => {
    this.accept(series, version, changedAt);
    this.deadlinesCheckedAt = -Infinity; // a write may have moved a deadline
    void this.refresh(true);
  };
  private readonly onBumpError = (err: unknown): void => this.options.onError?.(err, 'bump the content version');

  /** Local writes are followed from the start: one made before the first public request must still count. */
  constructor(private readonly options: ContentVersionsOptions) {
    installVersionBumps();
    bumps.events.on('bumped', this.onBumped);
    bumps.events.on('error', this.onBumpError);
  }

  /** Polls the shared version. Idempotent; the timer never keeps the process alive. */
  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.refresh(), this.options.pollMs ?? DEFAULT_POLL_MS).unref();
    void this.refresh();
  }

  stop(): void {
    bumps.events.off('bumped', this.onBumped);
    bumps.events.off('error', this.onBumpError);
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /**
   * The content state now, or null when it is not known (not read yet, or a local write is
   * being published): then responses must be neither cached nor answered with a 304.
   */
  current(): ContentState | null {
    this.start();
    if (this.version === null || bumps.pending > 0) return null;
    const now = this.options.clock().getTime();
    const epoch = this.epochAt(now);
    if (this.nextDeadline !== null && now >= this.nextDeadline) void this.refresh(true);
    return {
      key: `${this.series}.${this.version}.${epoch}`,
      lastModified: new Date(Math.max(this.changedAt.getTime(), epoch)),
    };
  }

  /** The newsroom's day holding `now`, remembered: time-zone arithmetic is too slow to do per request. */
  private day: { start: number; end: number } = { start: 0, end: -1 };

  private midnightBefore(now: number): number {
    if (now < this.day.start || now >= this.day.end) {
      const start = DateTime.fromMillis(now, { zone: this.options.timeZone }).startOf('day');
      this.day = { start: start.toMillis(), end: start.plus({ days: 1 }).toMillis() };
    }
    return this.day.start;
  }

  /** The last instant at or before `now` when pages changed by themselves. */
  private epochAt(now: number): number {
    const midnight = this.midnightBefore(now);
    const deadlines = [this.lastDeadline, this.nextDeadline].filter((d): d is number => d !== null && d <= now);
    return Math.max(midnight, ...deadlines);
  }

  /** A newer version of the same series, or another series altogether (the database was reset). */
  private accept(series: string, version: number, changedAt: Date): void {
    if (this.version === null || series !== this.series || version > this.version) {
      this.series = series;
      this.version = version;
      this.changedAt = changedAt;
    }
  }

  /** Resolves once no local write is waiting for its bump and no read is in flight (for tests and tools). */
  async settled(): Promise<void> {
    this.start();
    while (bumps.pending > 0 || this.refreshing) {
      await (this.refreshing ?? new Promise((resolve) => bumps.events.once('settled', resolve)));
    }
  }

  /** Reads the shared version (and, now and then, the deadlines around now). */
  refresh(forceDeadlines = false): Promise<void> {
    this.refreshing ??= this.readShared(forceDeadlines).finally(() => {
      this.refreshing = null;
    });
    return this.refreshing;
  }

  private async readShared(forceDeadlines: boolean): Promise<void> {
    try {
      const doc = await ContentVersionModel.findById(SITE_VERSION_ID).lean();
      const before = this.version;
      this.accept(doc?.series ?? '', doc?.version ?? 0, doc?.changedAt ?? new Date(0));
      const now = this.options.clock().getTime();
      if (forceDeadlines || before !== this.version || now - this.deadlinesCheckedAt > DEADLINE_RECHECK_MS) {
        await this.readDeadlines(now);
      }
    } catch (err) {
      this.options.onError?.(err, 'read the content version');
    }
  }

  /** The published deadlines just before and just after now: two indexed lookups. */
  private async readDeadlines(now: number): Promise<void> {
    const base = { status: 'published', 'announced.kind': 'deadline' };
    const at = new Date(now);
    const [before, after] = await Promise.all([
      ClaimModel.findOne({ ...base, 'announced.dueAt': trusted({ $lte: at }) }, { 'announced.dueAt': 1 }).sort({ 'announced.dueAt': -1 }).lean(),
      ClaimModel.findOne({ ...base, 'announced.dueAt': trusted({ $gt: at }) }, { 'announced.dueAt': 1 }).sort({ 'announced.dueAt': 1 }).lean(),
    ]);
    this.lastDeadline = before?.announced.dueAt?.getTime() ?? null;
    this.nextDeadline = after?.announced.dueAt?.getTime() ?? null;
    this.deadlinesCheckedAt = now;
  }
}
