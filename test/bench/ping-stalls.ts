/**
 * Event-loop stalls of a database server, seen from a client: a `{ping: 1}` every 10 ms on a
 * separate connection (in a worker thread), timing each round-trip. A server busy for 300 ms
 * answers the ping sent at its start 300 ms later, so the largest round-trip is the longest stall.
 */
import path from 'node:path';
import { Worker } from 'node:worker_threads';

export interface PingStats {
  pings: number;
  errors: number;
  /** Round-trip, milliseconds. */
  maxMs: number;
  p99Ms: number;
  medianMs: number;
}

export interface Pinger {
  /** Stops pinging and returns what was measured since the start. */
  stop(): Promise<PingStats>;
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export function pingStats(samples: readonly number[], errors = 0): PingStats {
  const sorted = [...samples].sort((a, b) => a - b);
  return { pings: sorted.length, errors, maxMs: sorted.at(-1) ?? NaN, p99Ms: percentile(sorted, 99), medianMs: percentile(sorted, 50) };
}

type WorkerMessage = { type: 'ready' } | { type: 'done'; samples: number[]; errors: number } | { type: 'error'; message: string };

/** Starts pinging `uri` every `intervalMs` (10) from a worker thread; resolves once the first ping has answered. */
export function startPinger(uri: string, intervalMs = 10): Promise<Pinger> {
  // Compiled next to this file (dist/test/bench/ping-worker.js).
  const worker = new Worker(path.join(__dirname, 'ping-worker.js'), { workerData: { uri, intervalMs } });
  let done: ((stats: PingStats) => void) | null = null;
  let failed: ((err: Error) => void) | null = null;
  return new Promise((resolve, reject) => {
    worker.on('error', (err) => (failed ?? reject)(err));
    worker.on('message', (message: WorkerMessage) => {
      if (message.type === 'ready') {
        resolve({
          stop: () =>
            new Promise<PingStats>((res, rej) => {
              done = res;
              failed = rej;
              worker.postMessage('stop');
            }),
        });
      } else if (message.type === 'done') {
        done?.(pingStats(message.samples, message.errors));
        void worker.terminate();
      } else {
        const err = new Error(`pinger: ${message.message}`);
        (failed ?? reject)(err);
        void worker.terminate();
      }
    });
  });
}
