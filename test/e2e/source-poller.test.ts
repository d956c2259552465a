/**
 * The data-source poller in real app processes: two processes on one database fetch a due
 * source once per period (the lease), and a process stopped while a fetch hangs still drains
 * cleanly (the fetch ends by its timeout).
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

test('when two app processes poll the same due source, then it is fetched once in its period and one proposal is made', async () => {
  answers.set('/passes.csv', (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/csv' });
    res.end('date,total\n2022-01-15,4200\n');
  });
  const created = await dueSource(source.url('/passes.csv'));
  const proposal = await until('a proposal', () => ProposalModel.findOne({ source: created._id }).lean());
  expect(proposal).toMatchObject({ value: 4200, status: 'pending' });
  // Each process wakes every second: give both several rounds in which a second fetch would show.
  const rounds = Date.now() + 5_000;
  await until('five more seconds of polling', () => Promise.resolve(Date.now() > rounds));
  expect(requestsTo('/passes.csv')).toBe(1);
  const stored = (await DataSourceModel.findById(created._id).lean())!;
  expect(stored.lease?.owner).toBeUndefined();
  expect(stored.nextFetchAt.getTime()).toBeGreaterThan(Date.now() + 50 * 60 * 1000);
  expect(await ProposalModel.countDocuments({ source: created._id })).toBe(1);
});

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
