/**
 * Worker thread of ping-stalls.ts: its own event loop and its own MongoClient, so what the
 * bench's main thread does (building documents) never delays a ping or its timing.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { MongoClient } from 'mongodb';

interface PingWorkerData {
  uri: string;
  intervalMs: number;
}

async function run(): Promise<void> {
  const port = parentPort;
  if (!port) throw new Error('ping-worker must run as a worker thread');
  const { uri, intervalMs } = workerData as PingWorkerData;
  // One connection for the pings; the monitor's heartbeats use their own.
  const client = new MongoClient(uri, { maxPoolSize: 1, minPoolSize: 1, serverSelectionTimeoutMS: 60_000 });
  await client.connect();
  const admin = client.db('admin');
  await admin.command({ ping: 1 });
  const samples: number[] = [];
  let errors = 0;
  let inFlight: Promise<void> | null = null;
  const timer = setInterval(() => {
    // A ping still waiting is the stall being measured: its round-trip will show it.
    if (inFlight) return;
    const sent = performance.now();
    inFlight = admin
      .command({ ping: 1 })
      .then(
        () => void samples.push(performance.now() - sent),
        () => void errors++,
      )
      .finally(() => (inFlight = null));
  }, intervalMs);
  port.postMessage({ type: 'ready' });
  port.once('message', () => {
    clearInterval(timer);
    void (async () => {
      if (inFlight) await inFlight;
      await client.close();
      port.postMessage({ type: 'done', samples, errors });
    })();
  });
}

run().catch((err: unknown) => {
  parentPort?.postMessage({ type: 'error', message: err instanceof Error ? err.message : String(err) });
});
