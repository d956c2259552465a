/**
 * The page benchmark of `npm run bench` (issue 11, "What must be shown"): a bare Express
 * "hello" (hello-app.ts) and the app (`node dist/server/index.js`, production mode), each in
 * its own child process, loaded in the same run by autocannon (programmatic API) from this
 * process, 32 connections, one URL at a time.
 *
 * For each dataset (seed only: a fresh DATA_DIR the app seeds on first start; 10 000 claims /
 * 100 000 measurements; with BENCH_SCALE=large also 100 000 / 1 000 000) it starts a fresh app
 * and:
 * 1. times one request to each URL right after start, before anything is in the render cache
 *    (the first, uncached render: target < 50 ms);
 * 2. for each URL: a warm-up, then a measured run: req/s, the ratio to the hello's req/s (the
 *    median of three hello runs in that dataset's section: before, halfway, after), p50 and
 *    p99 latency, the answers that were not 2xx/3xx (for the 304 row: not 304) and the errors.
 *
 * Figures are printed with their targets (ok / MISSED), never enforced.
 *
 * Environment: BENCH_PAGE_SECONDS (measured seconds per URL, default 5),
 * BENCH_PAGE_WARMUP_SECONDS (default 1), BENCH_PAGE_RUNS (measured runs per URL, default 1;
 * above 1 the medians are printed), BENCH_CONNECTIONS (default 32). The app runs at LOG_LEVEL
 * info, as in production: one log line per request, read by this process.
 *
 * The 304 row's "first" is one conditional GET with the ETag of a claim page response taken
 * just before its load (it must be 304), not a render.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { SEED_DATA } from '../../seed/data/seed-data';
import { generateDataset, type GeneratedDataset } from './generate-dataset';
import { readMemory, startAppProcess, startEmbeddedDbProcess, startHelloProcess, type AppProcess } from './processes';
import { count, heading, line, mebibytes, ms, seconds } from './report';
import { LAST_NAMES, TOPIC_NAMES } from './dataset-text';

const FIRST_RENDER_TARGET_MS = 50;
/** Issue 14: "search p50 < 50 ms on the embedded database", here for searches the cache has never seen. */
const UNCACHED_SEARCH_TARGET_MS = 50;

/**
 * Distinct searches, each a render-cache miss: topics and surnames of the generated data
 * (a few match thousands of claims, most a few hundred), two-word queries, word beginnings.
 */
function uncachedSearches(): string[] {
  const topics = TOPIC_NAMES.slice(0, 12).map((t) => t.toLowerCase());
  const names = LAST_NAMES.slice(0, 8);
  return [...topics, ...names, ...topics.slice(0, 6).map((t, i) => `${t} ${names[i]}`), 'pass sanitaire', 'faux pass', 'darm', 'minist'];
}

interface Target {
  /** Minimum req/s as a fraction of the hello's. */
  minRatio: number;
  maxP99Ms?: number;
}

const CLAIM_PAGE_TARGET: Target = { minRatio: 0.8, maxP99Ms: 25 };
const PAGE_TARGET: Target = { minRatio: 0.5 };
const NOT_MODIFIED_TARGET: Target = { minRatio: 0.9 };

interface PageUrl {
  label: string;
  path: string;
  target: Target;
  /** Sent with If-None-Match: the ETag of the claim page's first response; every answer must be 304. */
  conditional?: boolean;
  /** Sent with every request of this row (e.g. Accept-Encoding, as browsers send it). */
  headers?: Record<string, string>;
}

/** The slugs a dataset's URLs need. */
interface PageDataset {
  label: string;
  dataDir: string;
  claimSlug: string;
  topicSlug: string;
  speakerSlug: string;
}

export interface PagesBenchOptions {
  /** The generated sizes to measure besides the seed only. */
  sizes: { claims: number; measurementsPerClaim: number }[];
  /** A DATA_DIR already generated (the database part's): used for the size it matches. */
  reuse?: { dataDir: string; dataset: GeneratedDataset };
}

interface LoadSettings {
  connections: number;
  seconds: number;
  warmupSeconds: number;
  runs: number;
}

function settingsFromEnv(): LoadSettings {
  const num = (name: string, fallback: number, min: number): number => {
    const raw = process.env[name];
    const value = raw === undefined || raw === '' ? fallback : Number(raw);
    if (!Number.isFinite(value) || value < min) throw new Error(`${name} must be a number ≥ ${min} (got "${raw}")`);
    return value;
  };
  return {
    connections: Math.round(num('BENCH_CONNECTIONS', 32, 1)),
    seconds: num('BENCH_PAGE_SECONDS', 5, 1),
    warmupSeconds: num('BENCH_PAGE_WARMUP_SECONDS', 1, 0),
    runs: Math.round(num('BENCH_PAGE_RUNS', 1, 1)),
  };
}

function urlsFor(dataset: PageDataset): PageUrl[] {
  const claim = encodeURIComponent(dataset.claimSlug);
  const topic = encodeURIComponent(dataset.topicSlug);
  const speaker = encodeURIComponent(dataset.speakerSlug);
  return [
    { label: 'claim page', path: `/claims/${claim}`, target: CLAIM_PAGE_TARGET },
    { label: 'home', path: '/', target: PAGE_TARGET },
    { label: 'claims, page 1', path: '/claims', target: PAGE_TARGET },
    { label: 'claims, page 50', path: '/claims?page=50', target: PAGE_TARGET },
    { label: 'claims, by topic', path: `/claims?topic=${topic}`, target: PAGE_TARGET },
    { label: 'search, pass sanitaire', path: '/search?q=pass%20sanitaire', target: PAGE_TARGET },
    { label: 'search, prefix "darm"', path: '/search?q=darm', target: PAGE_TARGET },
    { label: 'site feed', path: '/feed.xml', target: PAGE_TARGET },
    { label: 'claim feed', path: `/claims/${claim}/feed.xml`, target: PAGE_TARGET },
    { label: 'topic feed', path: `/topics/${topic}/feed.xml`, target: PAGE_TARGET },
    { label: 'API claims', path: '/api/v1/claims', target: PAGE_TARGET },
    { label: 'speaker page (scorecard)', path: `/speakers/${speaker}`, target: PAGE_TARGET },
    { label: 'speaker page, brotli', path: `/speakers/${speaker}`, target: PAGE_TARGET, headers: { 'accept-encoding': 'gzip, deflate, br' } },
    { label: 'topic page (scorecard)', path: `/topics/${topic}`, target: PAGE_TARGET },
    { label: 'speakers index', path: '/speakers', target: PAGE_TARGET },
    { label: 'claim page, 304', path: `/claims/${claim}`, target: NOT_MODIFIED_TARGET, conditional: true },
  ];
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length === 0 ? NaN : sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

interface LoadFigures {
  reqPerSec: number;
  p50Ms: number;
  p99Ms: number;
  /** Answers outside 2xx/3xx (or, for a conditional GET, anything but 304). */
  bad: number;
  errors: number;
  statuses: string;
}

function figures(result: autocannon.Result, expect304: boolean): LoadFigures {
  const total = Object.values(result.statusCodeStats).reduce((sum, s) => sum + s.count, 0);
  const bad = expect304 ? total - (result.statusCodeStats['304']?.count ?? 0) : result['1xx'] + result['4xx'] + result['5xx'];
  return {
    reqPerSec: total / result.duration,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    bad,
    errors: result.errors + result.timeouts,
    statuses: Object.entries(result.statusCodeStats)
      .map(([code, s]) => `${code}×${s.count}`)
      .join(' '),
  };
}

/** Warm-up (discarded), then `runs` measured runs; medians of each figure, sums of bad answers and errors. */
async function load(url: string, settings: LoadSettings, headers: Record<string, string>, expect304: boolean): Promise<LoadFigures> {
  const base = { url, connections: settings.connections, headers, timeout: 10 };
  if (settings.warmupSeconds > 0) await autocannon({ ...base, duration: settings.warmupSeconds });
  const runs: LoadFigures[] = [];
  for (let i = 0; i < settings.runs; i++) runs.push(figures(await autocannon({ ...base, duration: settings.seconds }), expect304));
  return {
    reqPerSec: median(runs.map((r) => r.reqPerSec)),
    p50Ms: median(runs.map((r) => r.p50Ms)),
    p99Ms: median(runs.map((r) => r.p99Ms)),
    bad: runs.reduce((sum, r) => sum + r.bad, 0),
    errors: runs.reduce((sum, r) => sum + r.errors, 0),
    statuses: runs.map((r) => r.statuses).join(' | '),
  };
}

interface FirstRender {
  status: number;
  ms: number;
  etag: string | null;
}

async function timedGet(url: string, headers: Record<string, string> = {}): Promise<FirstRender> {
  const started = performance.now();
  const res = await fetch(url, { headers, signal: AbortSignal.timeout(120_000) });
  await res.arrayBuffer();
  return { status: res.status, ms: performance.now() - started, etag: res.headers.get('etag') };
}

/** A fixed-width table: the first column left-aligned, the others right-aligned, except the last ones given. */
function printTable(header: string[], rows: string[][], leftAligned: Set<number>): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const format = (cells: string[]) =>
    cells
      .map((c, i) => (leftAligned.has(i) ? c.padEnd(widths[i]!) : c.padStart(widths[i]!)))
      .join('  ')
      .trimEnd();
  process.stdout.write(`${format(header)}\n${format(widths.map((w) => '-'.repeat(w)))}\n`);
  for (const row of rows) process.stdout.write(`${format(row)}\n`);
}

const pct = (ratio: number): string => (Number.isFinite(ratio) ? `${(ratio * 100).toFixed(0)} %` : 'n/a');
const rate = (n: number): string => (Number.isFinite(n) ? count(Math.round(n)) : 'n/a');
const targetText = (t: Target): string => `≥ ${(t.minRatio * 100).toFixed(0)} %${t.maxP99Ms ? `, p99 < ${t.maxP99Ms} ms` : ''}`;

async function benchDataset(dataset: PageDataset, helloUrl: string, settings: LoadSettings): Promise<void> {
  heading(`Pages: ${dataset.label} (autocannon, ${settings.connections} connections, ${settings.warmupSeconds} s warm-up + ${settings.runs} × ${settings.seconds} s per URL)`);
  const urls = urlsFor(dataset);
  let app: AppProcess;
  try {
    app = await startAppProcess(dataset.dataDir);
  } catch (err) {
    line('app start-up', 'failed');
    throw err;
  }
  try {
    line('app start-up: spawn to /readyz 200', seconds(app.readyMs));

    // 1. The first request of each URL, before anything is cached (the conditional GET comes later).
    const first = new Map<PageUrl, FirstRender>();
    for (const url of urls) if (!url.conditional) first.set(url, await timedGet(app.baseUrl + url.path, url.headers));
    let etag: string | null = null;
    const searchTimes: number[] = [];
    for (const q of uncachedSearches()) searchTimes.push((await timedGet(`${app.baseUrl}/search?q=${encodeURIComponent(q)}`)).ms);

    // 2. Load, with the hello before, halfway and after.
    const hello: number[] = [];
    const measureHello = async () => hello.push((await load(helloUrl, settings, {}, false)).reqPerSec);
    await measureHello();
    const loaded = new Map<PageUrl, LoadFigures>();
    for (const [i, url] of urls.entries()) {
      if (i === Math.floor(urls.length / 2)) await measureHello();
      if (url.conditional) {
        // The ETag of a first response now (right after start the app may not know its content
        // version yet, and answers with Express's own ETag), then one conditional GET: it must be a 304.
        etag = (await timedGet(app.baseUrl + url.path)).etag;
        first.set(url, await timedGet(app.baseUrl + url.path, etag ? { 'if-none-match': etag } : {}));
      }
      const headers: Record<string, string> = { ...url.headers, ...(url.conditional && etag ? { 'if-none-match': etag } : {}) };
      loaded.set(url, await load(app.baseUrl + url.path, settings, headers, url.conditional === true));
    }
    await measureHello();
    const helloRate = median(hello);

    line(`Express hello req/s (median of ${hello.length} runs: ${hello.map((h) => count(Math.round(h))).join(', ')})`, rate(helloRate));
    process.stdout.write('\n');
    const rows = urls.map((url) => {
      const f = loaded.get(url)!;
      const firstRender = first.get(url)!;
      const expected = url.conditional ? 304 : 200;
      const ratio = f.reqPerSec / helloRate;
      const valid = firstRender.status === expected && f.bad === 0 && f.errors === 0 && !(url.conditional && etag === null);
      const met = ratio >= url.target.minRatio && (url.target.maxP99Ms === undefined || f.p99Ms < url.target.maxP99Ms);
      const verdict = !valid ? `n/a (${url.conditional && etag === null ? 'no ETag' : `status ${firstRender.status}${f.bad ? `, ${f.statuses}` : ''}`})` : met ? 'ok' : 'MISSED';
      const firstMet = firstRender.ms < FIRST_RENDER_TARGET_MS;
      return [
        url.label,
        String(firstRender.status),
        rate(f.reqPerSec),
        pct(ratio),
        ms(f.p50Ms),
        ms(f.p99Ms),
        `${count(f.bad)} / ${count(f.errors)}`,
        targetText(url.target),
        verdict,
        ms(firstRender.ms),
        firstMet ? 'ok' : 'MISSED',
      ];
    });
    printTable(
      ['URL', 'status', 'req/s', 'of hello', 'p50', 'p99', 'bad / err', 'target', '', `first (< ${FIRST_RENDER_TARGET_MS} ms)`, ''],
      rows,
      new Set([0, 7, 8, 10]),
    );
    process.stdout.write('\n');
    for (const url of urls) process.stdout.write(`  ${url.label.padEnd(16)} ${url.path}${url.conditional ? `  (If-None-Match: ${etag ?? 'none'})` : ''}\n`);
    process.stdout.write('\n');
    const sortedSearches = [...searchTimes].sort((a, b) => a - b);
    const searchP50 = median(searchTimes);
    line(
      `uncached searches, one at a time (${searchTimes.length} distinct queries): p50 (target < ${UNCACHED_SEARCH_TARGET_MS} ms) / p90 / max`,
      `${ms(searchP50)} ${searchP50 < UNCACHED_SEARCH_TARGET_MS ? 'ok' : 'MISSED'} / ${ms(sortedSearches[Math.floor(sortedSearches.length * 0.9)] ?? NaN)} / ${ms(sortedSearches.at(-1) ?? NaN)}`,
    );
    const memory = readMemory(app.pid);
    if (memory) line('app RSS after the load (VmRSS, peak VmHWM)', `${mebibytes(memory.rssBytes)} (${mebibytes(memory.peakRssBytes)})`);
  } finally {
    await app.stop('SIGTERM');
  }
}

/** Generates a dataset into `dataDir` through the embedded server in a child process, stopped (compacted) after. */
async function generateInto(dataDir: string, claims: number, measurementsPerClaim: number): Promise<GeneratedDataset> {
  const db = await startEmbeddedDbProcess(dataDir);
  try {
    const dataset = await generateDataset({ uri: db.uri, claims, measurementsPerClaim, seed: 1, batchSize: 1000, inFlight: 3 });
    await db.stop('SIGTERM');
    return dataset;
  } catch (err) {
    await db.stop('SIGKILL');
    throw err;
  }
}

const sizeLabel = (claims: number, measurements: number): string => `${count(claims)} claims / ${count(measurements)} measurements`;

export async function runPagesBench(options: PagesBenchOptions): Promise<void> {
  const settings = settingsFromEnv();
  const temporary: string[] = [];
  const tempDir = () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ecart-bench-pages-'));
    temporary.push(dir);
    return dir;
  };
  const hello = await startHelloProcess();
  try {
    const seedClaim = SEED_DATA.claims[0]!;
    await benchDataset(
      { label: 'seed only (a fresh DATA_DIR, seeded by the app on start)', dataDir: tempDir(), claimSlug: seedClaim.slug, topicSlug: seedClaim.topics[0]!, speakerSlug: seedClaim.speaker },
      hello.baseUrl,
      settings,
    );
    for (const size of options.sizes) {
      const reuse = options.reuse;
      const measurements = Math.round(size.claims * size.measurementsPerClaim);
      let dataDir: string;
      let dataset: GeneratedDataset;
      if (reuse && reuse.dataset.counts.claims === size.claims && reuse.dataset.counts.measurements === measurements) {
        ({ dataDir, dataset } = { dataDir: reuse.dataDir, dataset: reuse.dataset });
      } else {
        dataDir = tempDir();
        heading(`Generating ${sizeLabel(size.claims, measurements)} for the page benchmark`);
        dataset = await generateInto(dataDir, size.claims, size.measurementsPerClaim);
        line('generation time', seconds(dataset.ms));
      }
      await benchDataset(
        {
          label: `${sizeLabel(dataset.counts.claims, dataset.counts.measurements)} (no seed)`,
          dataDir,
          claimSlug: dataset.samples.publishedClaim.slug,
          topicSlug: dataset.samples.topicSlug,
          speakerSlug: dataset.samples.speakerSlug,
        },
        hello.baseUrl,
        settings,
      );
    }
  } finally {
    await hello.stop('SIGTERM');
    for (const dir of temporary) rmSync(dir, { recursive: true, force: true });
  }
}
