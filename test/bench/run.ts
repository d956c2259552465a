/**
 * `npm run bench`: the figures issue 10 asks for, each printed with its target. It never
 * fails on a figure (they depend on the machine); it fails only if something breaks.
 *
 * 1. Generates a dataset (generate-dataset.ts) into the embedded server running alone as a
 *    child process on a fresh DATA_DIR, pinging it every 10 ms from a second connection:
 *    generation time and the longest stall. Stopping it (SIGTERM) compacts the store.
 * 2. Starts the app (`node dist/server/index.js`, production mode) on that DATA_DIR: time
 *    until /readyz is 200, and its RSS.
 * 3. Through the driver, against the app's embedded server (the URI in DATA_DIR's lock):
 *    latency and documents examined of the three hot finds (home updates, claim list, one
 *    claim's measurements).
 * 4. Forces a compaction (`{compact: 'claims'}`) while pinging: the longest stall.
 * 5. The storage figures on a synthetic collection (storage-bench.ts).
 * 6. The page benchmark (pages-bench.ts): the app's pages, feeds and API beside a bare
 *    Express "hello", with autocannon, at seed only, 10 000 / 100 000 (step 1's DATA_DIR when
 *    it is that size) and, with BENCH_SCALE=large, 100 000 / 1 000 000.
 *
 * Scale: 10 000 claims / 100 000 measurements by default; BENCH_SCALE=large is 100 000 /
 * 1 000 000 (several minutes, a few GB of memory). BENCH_CLAIMS and
 * BENCH_MEASUREMENTS_PER_CLAIM override either; BENCH_STORAGE=0 skips step 5;
 * BENCH_KEEP_DATA=1 keeps the DATA_DIR and prints where it is. BENCH_DB=0 skips steps 1 to
 * 5 (the page benchmark then generates its own datasets); BENCH_PAGES=0 skips step 6.
 */
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MongoClient, ObjectId, type Db } from 'mongodb';
import { readDataDirOwner } from '../../server/db/embedded/persistence';
import { generateDataset, type GeneratedDataset } from './generate-dataset';
import { startPinger, type PingStats } from './ping-stalls';
import { readMemory, startAppProcess, startEmbeddedDbProcess } from './processes';
import { measureFind, type FindSpec, type QueryLatency } from './query-latency';
import { count, heading, line, mebibytes, ms, seconds } from './report';
import { runPagesBench } from './pages-bench';
import { runStorageBench } from './storage-bench';

const STALL_TARGET_MS = 100;
const STARTUP_TARGET_MS = 15_000;
const RSS_TARGET_BYTES = 1.5 * 2 ** 30;
const QUERY_TARGET_MS = 5;
/** "Documents examined ≤ limit + a small constant." */
const EXAMINED_SLACK = 5;

interface Scale {
  name: string;
  claims: number;
  measurementsPerClaim: number;
  generationTargetMs: number;
}

function scaleFromEnv(): Scale {
  const large = process.env.BENCH_SCALE === 'large';
  const claims = Number(process.env.BENCH_CLAIMS ?? (large ? 100_000 : 10_000));
  const measurementsPerClaim = Number(process.env.BENCH_MEASUREMENTS_PER_CLAIM ?? 10);
  if (!Number.isInteger(claims) || claims < 10 || !Number.isFinite(measurementsPerClaim) || measurementsPerClaim < 0) {
    throw new Error('BENCH_CLAIMS must be a whole number ≥ 10 and BENCH_MEASUREMENTS_PER_CLAIM a number ≥ 0');
  }
  return { name: large ? 'large' : 'default', claims, measurementsPerClaim, generationTargetMs: large ? 300_000 : 60_000 };
}

function dirSize(dir: string): number {
  return readdirSync(dir).reduce((sum, name) => sum + statSync(path.join(dir, name)).size, 0);
}

interface LoopDelay {
  maxMs: number;
  p99Ms: number;
}

/**
 * The server's own event-loop delay since the last reset (serverStatus' `ecart.eventLoopDelay`,
 * perf_hooks' monitorEventLoopDelay inside the server): unlike the ping, it leaves out the
 * time the machine's other processes kept the server off the CPU. Null on a real MongoDB.
 */
async function serverLoopDelay(uri: string, reset: boolean): Promise<LoopDelay | null> {
  const client = await new MongoClient(uri, { maxPoolSize: 1 }).connect();
  try {
    const status = await client.db('admin').command({ serverStatus: 1, ecartResetEventLoopDelay: reset });
    const delay = (status.ecart as { eventLoopDelay?: LoopDelay } | undefined)?.eventLoopDelay;
    return delay ?? null;
  } finally {
    await client.close();
  }
}

function loopDelayLines(delay: LoopDelay | null): void {
  if (delay === null) return;
  line('  the server\'s own longest event-loop delay (monitorEventLoopDelay)', ms(delay.maxMs), `< ${STALL_TARGET_MS} ms`, delay.maxMs < STALL_TARGET_MS);
  line('  its p99', ms(delay.p99Ms));
}

function stallLines(what: string, stats: PingStats | null, why?: string): void {
  if (stats === null) {
    line(`longest stall during ${what}`, 'n/a', `< ${STALL_TARGET_MS} ms`);
    if (why) line(`  (${why})`, '');
    return;
  }
  line(`longest stall during ${what} (max ping round-trip)`, ms(stats.maxMs), `< ${STALL_TARGET_MS} ms`, stats.maxMs < STALL_TARGET_MS);
  line(`  p99 ping round-trip (${count(stats.pings)} pings every 10 ms)`, ms(stats.p99Ms), `< ${STALL_TARGET_MS} ms`, stats.p99Ms < STALL_TARGET_MS);
  line('  median ping round-trip', ms(stats.medianMs));
  if (stats.errors > 0) line('  pings that failed', String(stats.errors));
}

function queryLines(label: string, result: QueryLatency, examinedLimit: number): void {
  line(`${label}: median`, ms(result.medianMs), `< ${QUERY_TARGET_MS} ms`, result.medianMs < QUERY_TARGET_MS);
  line(`  p95 (${result.runs} runs, ${result.returned} returned)`, ms(result.p95Ms), `< ${QUERY_TARGET_MS} ms`, result.p95Ms < QUERY_TARGET_MS);
  if (result.explain === null) {
    line('  documents examined', 'n/a', `≤ ${examinedLimit}`);
    line(`  (explain: ${result.explainError ?? 'no answer'})`, '');
    return;
  }
  const { docsExamined, keysExamined, plan } = result.explain;
  line('  documents examined', docsExamined === null ? 'n/a' : count(docsExamined), `≤ ${examinedLimit}`, docsExamined === null ? undefined : docsExamined <= examinedLimit);
  line('  keys examined', keysExamined === null ? 'n/a' : count(keysExamined));
  line(`  plan: ${plan}`, '');
}

async function benchQueries(db: Db, dataset: GeneratedDataset): Promise<void> {
  const { busiestClaim: busiest, typicalClaim: typical } = dataset.samples;
  const specs: { label: string; spec: FindSpec; examined: number }[] = [
    {
      label: 'updates.find({}).sort({at:-1}).limit(50)',
      spec: { collection: 'updates', filter: {}, sort: { at: -1 }, limit: 50 },
      examined: 50 + EXAMINED_SLACK,
    },
    {
      label: "claims.find({status:'published'}).sort({'tracking.lastUpdateAt':-1}).limit(20)",
      spec: { collection: 'claims', filter: { status: 'published' }, sort: { 'tracking.lastUpdateAt': -1 }, limit: 20 },
      examined: 20 + EXAMINED_SLACK,
    },
    {
      label: `measurements.find({claim}).sort({asOf:1}), a typical claim (${typical.measurements})`,
      spec: { collection: 'measurements', filter: { claim: new ObjectId(typical.id.toHexString()) }, sort: { asOf: 1 } },
      examined: typical.measurements + EXAMINED_SLACK,
    },
    {
      label: `measurements.find({claim}).sort({asOf:1}), the busiest claim (${busiest.measurements})`,
      spec: { collection: 'measurements', filter: { claim: new ObjectId(busiest.id.toHexString()) }, sort: { asOf: 1 } },
      examined: busiest.measurements + EXAMINED_SLACK,
    },
  ];
  for (const { label, spec, examined } of specs) queryLines(label, await measureFind(db, spec), examined);
}

async function forcedCompaction(uri: string, db: Db): Promise<void> {
  await serverLoopDelay(uri, true);
  const pinger = await startPinger(uri);
  const started = performance.now();
  let reply: { ok?: unknown; bytesFreed?: unknown } | null = null;
  let error: string | null = null;
  try {
    reply = await db.command({ compact: 'claims' });
  } catch (err) {
    const e = err as { codeName?: string; message?: string };
    error = `${e.codeName ?? 'error'}: ${e.message ?? String(err)}`;
  }
  const elapsed = performance.now() - started;
  const stats = await pinger.stop();
  if (reply === null) {
    line('forced compaction ({compact: "claims"})', 'n/a');
    line(`  (${error ?? 'no reply'})`, '');
    stallLines('compaction', null);
    return;
  }
  line('forced compaction ({compact: "claims"}), reply after', ms(elapsed));
  line('  bytes freed', typeof reply.bytesFreed === 'number' ? mebibytes(reply.bytesFreed) : 'n/a');
  stallLines('compaction', stats);
  loopDelayLines(await serverLoopDelay(uri, false));
}

/** Steps 1 to 5 on `dataDir`; resolves with the generated dataset (left in `dataDir`). */
async function benchDatabase(scale: Scale, dataDir: string): Promise<GeneratedDataset> {
  heading('Generation (embedded server in a child process, pinged every 10 ms)');
  const db = await startEmbeddedDbProcess(dataDir);
  let dataset: GeneratedDataset;
  let generationStalls: PingStats;
  let generationLoopDelay: LoopDelay | null;
  try {
    await serverLoopDelay(db.uri, true);
    const pinger = await startPinger(db.uri);
    try {
      dataset = await generateDataset({ uri: db.uri, claims: scale.claims, measurementsPerClaim: scale.measurementsPerClaim, seed: 1, batchSize: 1000, inFlight: 3 });
    } finally {
      generationStalls = await pinger.stop();
    }
    generationLoopDelay = await serverLoopDelay(db.uri, false);
  } catch (err) {
    await db.stop('SIGKILL');
    throw err;
  }
  const closed = await db.stop('SIGTERM');
  const { counts } = dataset;
  line(
    `generation time (${count(counts.claims)} claims, ${count(counts.measurements)} measurements, ${count(counts.updates)} updates)`,
    seconds(dataset.ms),
    `< ${seconds(scale.generationTargetMs)}`,
    dataset.ms < scale.generationTargetMs,
  );
  line(`  claims published / draft / deleted`, `${count(counts.published)} / ${count(counts.drafts)} / ${count(counts.deleted)}`);
  line(`  speakers, topics, timeline events`, `${count(counts.speakers)}, ${count(counts.topics)}, ${count(counts.timelineEvents)}`);
  line('  documents checked against the models', count(dataset.validated));
  stallLines('generation', generationStalls);
  loopDelayLines(generationLoopDelay);
  line('embedded server stop (SIGTERM, compacts on close)', ms(closed.ms));
  line('DATA_DIR size after compaction', mebibytes(dirSize(dataDir)));

  heading('The app on that DATA_DIR (node dist/server/index.js, NODE_ENV=production)');
  const app = await startAppProcess(dataDir);
  try {
    line('start-up: spawn to /readyz 200', seconds(app.readyMs), `< ${seconds(STARTUP_TARGET_MS)}`, app.readyMs < STARTUP_TARGET_MS);
    const memory = readMemory(app.pid);
    line('RSS after start (VmRSS)', memory ? mebibytes(memory.rssBytes) : 'n/a', `< ${mebibytes(RSS_TARGET_BYTES)}`, memory ? memory.rssBytes < RSS_TARGET_BYTES : undefined);
    if (memory) line('  peak RSS so far (VmHWM)', mebibytes(memory.peakRssBytes));

    const owner = readDataDirOwner(dataDir);
    if (!owner?.uri) throw new Error(`the app does not record its embedded server's URI in ${dataDir}`);
    heading(`Queries through the driver (${owner.uri}, database ${dataset.dbName})`);
    const client = await new MongoClient(owner.uri, { maxPoolSize: 2 }).connect();
    try {
      const appDb = client.db(dataset.dbName);
      await benchQueries(appDb, dataset);
      heading('Forced compaction, pinged every 10 ms');
      await forcedCompaction(owner.uri, appDb);
    } finally {
      await client.close();
    }
    const after = readMemory(app.pid);
    if (after) line('app RSS after the queries (VmRSS)', mebibytes(after.rssBytes), `< ${mebibytes(RSS_TARGET_BYTES)}`, after.rssBytes < RSS_TARGET_BYTES);
  } finally {
    const stopped = await app.stop('SIGTERM');
    line('app stop (SIGTERM, compacts on close)', ms(stopped.ms));
  }

  if (process.env.BENCH_STORAGE !== '0') {
    heading('Storage, synthetic collection (in this process)');
    await runStorageBench();
  }
  return dataset;
}

async function main(): Promise<void> {
  const scale = scaleFromEnv();
  const runDb = process.env.BENCH_DB !== '0';
  const runPages = process.env.BENCH_PAGES !== '0';
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'ecart-bench-data-'));
  const keep = process.env.BENCH_KEEP_DATA === '1';
  process.stdout.write(`Écart benchmarks: node ${process.version}, ${os.cpus().length} CPUs, scale ${scale.name} (${count(scale.claims)} claims, ${count(scale.claims * scale.measurementsPerClaim)} measurements)\n`);
  process.stdout.write('Figures are printed, never enforced: compare runs on the same machine.\n');
  try {
    const dataset = runDb ? await benchDatabase(scale, dataDir) : null;
    if (runPages) {
      // Always 10 000 / 100 000 (the targets are for it), and the scale's own size when it differs.
      const sizes = [{ claims: 10_000, measurementsPerClaim: 10 }];
      if (scale.claims !== 10_000 || scale.measurementsPerClaim !== 10) sizes.push({ claims: scale.claims, measurementsPerClaim: scale.measurementsPerClaim });
      await runPagesBench({ sizes, ...(dataset ? { reuse: { dataDir, dataset } } : {}) });
    }
  } finally {
    if (keep && runDb) process.stdout.write(`\nDATA_DIR kept: ${dataDir}\n`);
    else rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
