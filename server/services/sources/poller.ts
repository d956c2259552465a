import { randomBytes } from 'node:crypto';
import os from 'node:os';
import type { Logger } from '../../logger';
import { pollDueSources, type PollDeps } from './source-poll.service';
import { pruneSnapshots } from './snapshot-retention.service';

/** How often a process drops the old copies nothing cites (snapshot-retention.service.ts). */
const PRUNE_EVERY_MS = 3_600_000;

/*
 * The data-source poller, inside the app process: no extra service to run. Every
 * `intervalMs` it fetches the sources that are due (see source-lease.service.ts for why
 * several processes fetch each source once per period). On shutdown it stops taking
 * sources at once and waits for the fetch in progress, which its own timeout bounds. Once an
 * hour a round also applies the snapshots' retention.
 */

export interface SourcePoller {
  start(): void;
  /**
   * Stops polling; resolves once the fetch in progress (if any) has ended, or after
   * `maxWaitMs`: a source abandoned then keeps its lease until it expires, and another
   * process (or this one, restarted) fetches it.
   */
  stop(maxWaitMs?: number): Promise<void>;
  /** One round now (tests, and what start() runs on each tick). */
  runOnce(): Promise<void>;
}

export interface PollerOptions {
  intervalMs: number;
  deps: PollDeps;
  logger: Logger;
  /** Sources fetched per round at most, so one round never runs for long. */
  maxPerRound?: number;
  /** Names this process in the leases it takes (host, pid and a random part). */
  owner?: string;
}

export const processOwner = (): string => `${os.hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;

export function createSourcePoller({ intervalMs, deps, logger, maxPerRound = 20, owner = processOwner() }: PollerOptions): SourcePoller {
  let timer: NodeJS.Timeout | undefined;
  let stopping = false;
  let round: Promise<void> | null = null;

  let lastPruneAt = -Infinity;
  const pruneIfDue = async (): Promise<void> => {
    const now = deps.clock();
    if (stopping || now.getTime() - lastPruneAt < PRUNE_EVERY_MS) return;
    lastPruneAt = now.getTime();
    const pruned = await pruneSnapshots(now);
    if (pruned.snapshots > 0) logger.info({ pruned }, 'sources: old uncited snapshots dropped');
  };

  const runOnce = (): Promise<void> => {
    round ??= pollDueSources(owner, deps, { max: maxPerRound, stopping: () => stopping })
      .then(async (outcomes) => {
        if (outcomes.length > 0) logger.info({ owner, outcomes }, 'sources: polled');
        await pruneIfDue();
      })
      .catch((err: unknown) => {
        // The lease of the source being fetched expires by itself: another round retries it.
        logger.error({ err }, 'sources: polling failed');
      })
      .finally(() => {
        round = null;
      });
    return round;
  };

  const schedule = () => {
    if (stopping) return;
    timer = setTimeout(() => {
      void runOnce().then(schedule);
    }, intervalMs);
  };

  return {
    start() {
      if (intervalMs <= 0 || timer !== undefined || stopping) return;
      logger.info({ owner, intervalMs }, 'sources: poller started');
      schedule();
    },
    async stop(maxWaitMs = 5_000) {
      stopping = true;
      if (timer) clearTimeout(timer);
      const current = round;
      if (!current) return;
      let waited: NodeJS.Timeout | undefined;
      const gaveUp = new Promise<boolean>((resolve) => {
        waited = setTimeout(() => resolve(true), maxWaitMs);
      });
      const abandoned = await Promise.race([current.then(() => false), gaveUp]);
      clearTimeout(waited);
      if (abandoned) logger.warn({ maxWaitMs }, 'sources: a fetch was still running at shutdown; its lease will expire');
      else logger.info('sources: poller stopped');
    },
    runOnce,
  };
}
