/**
 * The data-source poller in real app processes: two processes on one database fetch each due
 * source once per period (the lease), both taking part, and a process stopped while a fetch
 * hangs still drains cleanly (the fetch ends by its timeout).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import type http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import mongoose from 'mongoose';
import { ClaimModel } from '../../models/claim.model';
import { DataSourceModel } from '../../models/data-source.model';
import { ProposalModel } from '../../models/proposal.model';
import { readDataDirOwner } from '../../server/db/embedded/persistence';
import { startServerProcess, stopServerProcess, type RunningServer } from '../helpers/server-process';
import { startSourceServer, type SourceServer } from '../helpers/source-server';

const SLUG = 'darmanin-182000-faux-pass-sanitaires';
const POLLER_ENV = { SOURCE_POLL_SECONDS: '1', FETCH_ALLOW_PRIVATE: '127.0.0.1' };
let dataDir: string;
let first: RunningServer | undefined;
let second: RunningServer | undefined;
let source: SourceServer;
const answers = new Map<string, http.RequestListener>();

const requestsTo = (url: string) => source.requests.filter((r) => r.url === url).length;

async function until<T>(what: string, probe: () => Promise<T | null | undefined | false>, timeoutMs = 30_000): Promise<T> {
  const started = Date.now();
  for (;;) {
    const found = await probe();
    if (found) return found;
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function dueSource(url: string) {
  const claim = (await ClaimModel.findOne({ slug: SLUG }).lean())!;
  return DataSourceModel.create({ claim: claim._id, url, format: 'csv', valueField: 'total', dateField: 'date', outlet: 'Ministère', definition: 'pass sur liste noire', sameQuantity: false, schedule: 'hourly', nextFetchAt: new Date() });
}

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'ecart-poller-'));
  source = await startSourceServer((req, res) => answers.get(req.url ?? '')?.(req, res));
  first = await startServerProcess({ DATA_DIR: dataDir, ...POLLER_ENV });
  const uri = readDataDirOwner(dataDir)?.uri ?? '';
  second = await startServerProcess({ MONGODB_URI: uri, ...POLLER_ENV });
  await mongoose.connect(uri, { dbName: 'ecart' });
}, 120_000);
afterAll(async () => {
  // First: the test may have stopped the process that held the embedded database.
  await mongoose.disconnect();
  await stopServerProcess(second);
  await stopServerProcess(first);
  await source.close();
  rmSync(dataDir, { recursive: true, force: true });
});

test('when two app processes poll the same due sources, then each is fetched once in its period, by one process or the other, with one proposal each', async () => {
  const SOURCES = 6;
  // Each answer takes 1.5 s: both processes (awake every second) poll while the others' fetches run.
  const fetchedBy = new Map<string, string[]>();
  const created = [];
  for (let i = 0; i < SOURCES; i++) {
    const file = `/slow-${i}.csv`;
    answers.set(file, (_req, res) => {
      void DataSourceModel.findOne({ url: source.url(file) }, { lease: 1 })
        .lean()
        .then((stored) => {
          const pid = stored?.lease?.owner?.split(':')[1] ?? 'none';
          fetchedBy.set(file, [...(fetchedBy.get(file) ?? []), pid]);
          setTimeout(() => {
            res.writeHead(200, { 'content-type': 'text/csv' });
            res.end(`date,total\n2022-01-15,${4200 + i}\n`);
          }, 1_500);
        });
    });
    created.push(await dueSource(source.url(file)));
  }
  const ids = mongoose.trusted({ $in: created.map((c) => c._id) });
  await until('a proposal per source', async () => (await ProposalModel.countDocuments({ source: ids })) === SOURCES, 60_000);
  // A few more rounds of both processes, in which a second fetch would show.
  const rounds = Date.now() + 4_000;
  await until('four more seconds of polling', () => Promise.resolve(Date.now() > rounds));

  for (let i = 0; i < SOURCES; i++) expect(requestsTo(`/slow-${i}.csv`)).toBe(1);
  const pids = new Set([...fetchedBy.values()].flat());
  expect(pids).toEqual(new Set([String(first!.child.pid), String(second!.child.pid)]));
  for (const stored of await DataSourceModel.find({ _id: ids }).lean()) {
    expect(stored.lease?.owner).toBeUndefined();
    expect(stored.nextFetchAt.getTime()).toBeGreaterThan(Date.now() + 50 * 60 * 1000);
  }
  expect(await ProposalModel.countDocuments({ source: ids })).toBe(SOURCES);
}, 90_000);

test('when a process is stopped while its fetch hangs, then it still drains and exits 0, the fetch ended by its timeout', async () => {
  answers.set('/hangs.csv', () => undefined);
  const created = await dueSource(source.url('/hangs.csv'));
  const leased = await until('a process fetching the hanging source', async () => {
    const stored = await DataSourceModel.findById(created._id).lean();
    return requestsTo('/hangs.csv') > 0 && stored?.lease?.owner ? stored : null;
  });
  const pid = Number(leased.lease!.owner!.split(':')[1]);
  const fetching = [first, second].find((server) => server?.child.pid === pid)!;
  expect(fetching).toBeDefined();
  fetching.child.kill('SIGTERM');
  expect(await fetching.exited).toBe(0);
  expect(fetching.output()).toMatch(/sources: (poller stopped|a fetch was still running)/);
  if (fetching === first) first = undefined;
  else second = undefined;
});
