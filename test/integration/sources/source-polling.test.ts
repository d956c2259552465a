import type http from 'node:http';
import { Types } from 'mongoose';
import { ClaimModel } from '../../../models/claim.model';
import { DataSourceModel, type DataSource } from '../../../models/data-source.model';
import { ProposalModel } from '../../../models/proposal.model';
import { SnapshotModel } from '../../../models/snapshot.model';
import { sourcePollDeps } from '../../../server/services/sources/source-fetch';
import { proposeReading } from '../../../server/services/sources/proposals.service';
import { updateDataSource } from '../../../server/services/sources/data-sources.service';
import type { DataSourceForm } from '../../../server/schemas/data-source.schemas';
import { LEASE_MS, retryDelayMs } from '../../../server/services/sources/source-lease.service';
import { pollDueSources, pollSourceNow, type PollDeps } from '../../../server/services/sources/source-poll.service';
import { testConfig } from '../../helpers/app';
import { startSeededApp, type SeededApp } from '../../helpers/seeded-app';
import { startSourceServer, type SourceServer } from '../../helpers/source-server';

/*
 * The poller's work against a local HTTP server standing for the data source: what each
 * answer leaves on the source (value, error, next try) and in the proposals.
 */

const config = testConfig({ FETCH_ALLOW_PRIVATE: '127.0.0.1' });
const HOUR = 60 * 60 * 1000;
let seeded: SeededApp;
let server: SourceServer;
let claimId: Types.ObjectId;
/** What the local source answers, by path. */
const answers = new Map<string, http.RequestListener>();
let now = new Date('2026-11-23T12:00:00Z');
const clock = () => now;
let deps: PollDeps;

const send = (type: string, body: string | Buffer, status = 200): http.RequestListener => (_req, res) => {
  res.writeHead(status, { 'content-type': type });
  res.end(body);
};
const csv = (body: string) => send('text/csv; charset=utf-8', body);
const json = (body: unknown) => send('application/json', JSON.stringify(body));

let pathCount = 0;
/** A source due now, reading the local server at a path of its own. */
async function dueSource(fields: Partial<DataSource>, answer: http.RequestListener) {
  pathCount += 1;
  const path = `/data-${pathCount}`;
  answers.set(path, answer);
  const source = await DataSourceModel.create({
    claim: claimId,
    url: server.url(path),
    format: 'csv',
    valueField: 'total',
    outlet: 'Ministère de l’Intérieur',
    definition: 'pass sanitaires sur liste noire',
    sameQuantity: false,
    schedule: 'hourly',
    nextFetchAt: now,
    ...fields,
  });
  return { id: source._id, path };
}

const requestsTo = (path: string) => server.requests.filter((r) => r.url === path).length;
const proposalsOf = (source: Types.ObjectId) => ProposalModel.find({ source }).sort({ createdAt: 1 }).lean();
const stored = async (id: Types.ObjectId) => (await DataSourceModel.findById(id).lean())!;

beforeAll(async () => {
  seeded = await startSeededApp();
  server = await startSourceServer((req, res) => {
    const answer = answers.get(req.url ?? '');
    if (answer) answer(req, res);
    else send('text/plain', 'not found', 404)(req, res);
  });
  claimId = (await ClaimModel.findOne({ slug: 'darmanin-182000-faux-pass-sanitaires' }).lean())!._id;
  deps = sourcePollDeps(config, clock, { timeoutMs: 1_500 });
});
afterAll(async () => {
  await server.close();
  await seeded.close();
});
beforeEach(async () => {
  // Each test's sources are due at its own "now"; earlier tests' sources are far from due.
  await DataSourceModel.updateMany({}, { $set: { nextFetchAt: new Date('2100-01-01') } });
  now = new Date(now.getTime() + 30 * 24 * HOUR);
});

const pollNow = () => pollDueSources('test-process', deps, { max: 10, stopping: () => false });

describe('polling a CSV or JSON source', () => {
  it('when a CSV source has a new value, then exactly one proposal is made, and none while the value is unchanged', async () => {
    let body = 'date,region,total\n2021-12-20,Bretagne,3307\n2021-12-29,Bretagne,3601\n2021-12-29,Corse,12\n';
    const { id, path } = await dueSource({ filterColumn: 'region', filterValue: 'Bretagne', dateField: 'date' }, (req, res) => csv(body)(req, res));
    expect(await pollNow()).toEqual([{ kind: 'proposed', id: expect.any(Types.ObjectId) as Types.ObjectId }]);
    const [proposal] = await proposalsOf(id);
    expect(proposal).toMatchObject({ value: 3601, asOfPrecision: 'day', status: 'pending', matchedRow: 3, sourceUrl: server.url(path), definition: 'pass sanitaires sur liste noire', sameQuantity: false, outlet: 'Ministère de l’Intérieur' });
    expect(proposal!.asOf.toISOString()).toBe('2021-12-28T23:00:00.000Z');
    // The response it was read from is stored, and the proposal names that copy.
    expect(await SnapshotModel.findById(proposal!.snapshot).lean()).toMatchObject({ url: server.url(path), contentType: 'text/csv', fetchedAt: now });
    expect(proposal!.snapshotAt).toEqual(now);
    expect(await stored(id)).toMatchObject({ lastValue: 3601, failureCount: 0, lastFetchedAt: now, nextFetchAt: new Date(now.getTime() + HOUR) });
    expect((await stored(id)).lease?.token).toBeUndefined();

    now = new Date(now.getTime() + HOUR);
    expect(await pollNow()).toEqual([{ kind: 'unchanged' }]);
    body += '2022-01-05,Bretagne,4100\n';
    now = new Date(now.getTime() + HOUR);
    expect(await pollNow()).toEqual([{ kind: 'proposed', id: expect.any(Types.ObjectId) as Types.ObjectId }]);
    expect((await proposalsOf(id)).map((p) => p.value)).toEqual([3601, 4100]);
    expect(requestsTo(path)).toBe(3);
  });

  it('when a JSON source without a date column repeats its value, then it is proposed once, and again only once it changes', async () => {
    let total = 3601;
    const { id } = await dueSource({ format: 'json', valueField: '$.data.total' }, (req, res) => json({ data: { total } })(req, res));
    await pollNow();
    now = new Date(now.getTime() + HOUR);
    await pollNow();
    total = 3700;
    now = new Date(now.getTime() + HOUR);
    await pollNow();
    total = 3601;
    now = new Date(now.getTime() + HOUR);
    await pollNow();
    const proposals = await proposalsOf(id);
    expect(proposals.map((p) => p.value)).toEqual([3601, 3700, 3601]);
    // Undated: each is dated by its fetch.
    expect(proposals[0]!.asOfPrecision).toBe('instant');
  });

  it('when the poller and an editor’s "fetch now" read the same new value at once, then one proposal is made', async () => {
    const { id } = await dueSource({ format: 'json', valueField: '$.total', dateField: '$.date' }, json({ total: 3601, date: '2021-12-29' }));
    const outcomes = await Promise.all([pollNow(), pollSourceNow(id, 'editor-process', deps)]);
    expect(outcomes.flat().filter((o) => o?.kind === 'proposed')).toHaveLength(1);
    expect(await ProposalModel.countDocuments({ source: id })).toBe(1);
  });
});

describe('the dedup rule', () => {
  it('when two readers propose the same new value at the same moment, then the unique key lets one proposal through', async () => {
    const { id } = await dueSource({}, csv('total\n1\n'));
    await DataSourceModel.updateOne({ _id: id }, { $set: { lease: { owner: 'test', token: 'held', until: new Date(now.getTime() + HOUR) } } });
    const leased = { source: (await DataSourceModel.findById(id).lean())!, token: 'held' };
    const reading = { value: 42, asOf: new Date('2021-12-29T00:00:00Z'), asOfPrecision: 'day' as const, dated: true };
    const undated = { ...reading, value: 43, dated: false };
    const outcomes = await Promise.all([proposeReading(leased, reading, null, now), proposeReading(leased, reading, null, now), proposeReading(leased, undated, null, now), proposeReading(leased, undated, null, now)]);
    expect(outcomes.map((o) => o.kind).sort()).toEqual(['proposed', 'proposed', 'unchanged', 'unchanged']);
    expect((await proposalsOf(id)).map((p) => p.value).sort()).toEqual([42, 43]);
  });
});

describe('a source that fails', () => {
  const hugeBody = Buffer.alloc(10 * 1024 * 1024, 'a');

  it.each<[string, Partial<DataSource>, http.RequestListener, string]>([
    ['answers 500', {}, send('text/plain', 'oops', 500), 'bad_status'],
    ['never answers', {}, () => undefined, 'timeout'],
    ['sends 10 MB', {}, send('text/csv', hugeBody), 'too_large'],
    ['redirects to a private address', {}, (_req, res) => res.writeHead(302, { location: 'http://10.0.0.1/data.csv' }).end(), 'private_address'],
    ['sends malformed CSV', {}, csv('region,total\nBretagne,"3601\n'), 'csv_malformed'],
    ['sends HTML', {}, send('text/html', '<html></html>'), 'bad_content_type'],
    ['has no value at its JSON path', { format: 'json', valueField: '$.nothing' }, json({ total: 1 }), 'json_path_none'],
    ['has several values at its JSON path', { format: 'json', valueField: '$.rows[*].total' }, json({ rows: [{ total: 1 }, { total: 2 }] }), 'json_path_several'],
  ])('when it %s, then its error is recorded, nothing is proposed, and the next try backs off', async (_what, fields, answer, code) => {
    const { id } = await dueSource(fields, answer);
    expect(await pollNow()).toEqual([{ kind: 'failed', code }]);
    const source = await stored(id);
    expect(source).toMatchObject({ lastError: { code, at: now }, failureCount: 1, nextFetchAt: new Date(now.getTime() + retryDelayMs(1, 'hourly')) });
    expect(source.lease?.token).toBeUndefined();
    expect(await ProposalModel.countDocuments({ source: id })).toBe(0);
    // A response that came back is kept even when it cannot be read: it is what the source said.
    const answered = !['bad_status', 'timeout', 'too_large', 'private_address', 'bad_content_type'].includes(code);
    expect(await SnapshotModel.countDocuments({ url: source.url })).toBe(answered ? 1 : 0);
  });

  it('when it keeps failing, then each try waits twice as long, up to its period, and a success clears the error', async () => {
    let status = 500;
    const { id } = await dueSource({ dateField: 'date' }, (req, res) => send('text/csv', 'date,total\n2021-12-29,3601\n', status)(req, res));
    const waits: number[] = [];
    for (let i = 0; i < 6; i += 1) {
      await pollNow();
      const next = (await stored(id)).nextFetchAt;
      waits.push((next.getTime() - now.getTime()) / 60_000);
      now = next;
    }
    expect(waits).toEqual([5, 10, 20, 40, 60, 60]);
    status = 200;
    await pollNow();
    expect(await stored(id)).toMatchObject({ failureCount: 0, lastValue: 3601 });
    expect((await stored(id)).lastError).toBeUndefined();
  });
});

describe('the lease', () => {
  it('when several processes poll the same due source at once, then it is fetched once', async () => {
    const { path } = await dueSource({}, csv('total\n5\n'));
    const owners = ['a', 'b', 'c', 'd'];
    const outcomes = await Promise.all(owners.map((owner) => pollDueSources(owner, deps, { max: 10, stopping: () => false })));
    expect(outcomes.flat()).toHaveLength(1);
    expect(requestsTo(path)).toBe(1);
  });

  it('when a process died holding a lease, then no one fetches the source until the lease expires, then another does', async () => {
    const { id, path } = await dueSource({}, csv('total\n6\n'));
    await DataSourceModel.updateOne({ _id: id }, { $set: { lease: { owner: 'dead', token: 'x', until: new Date(now.getTime() + LEASE_MS) }, nextFetchAt: new Date(now.getTime() + LEASE_MS) } });
    expect(await pollNow()).toEqual([]);
    expect(await pollSourceNow(id, 'editor', deps)).toBeNull();
    now = new Date(now.getTime() + LEASE_MS);
    expect(await pollNow()).toEqual([{ kind: 'proposed', id: expect.any(Types.ObjectId) as Types.ObjectId }]);
    expect(requestsTo(path)).toBe(1);
  });
});

describe('a source changed while it is being fetched', () => {
  /** Deps whose fetch first lets `during` happen, as an editor would while the file downloads. */
  const fetchingWhile = (during: () => Promise<unknown>): PollDeps => ({
    ...deps,
    fetchFile: async (url, format) => {
      await during();
      return deps.fetchFile(url, format);
    },
  });
  const reading = csv('date,total\n2022-02-01,5100\n');

  it('when the source is deleted during the fetch, then the fetch proposes nothing', async () => {
    const { id } = await dueSource({ dateField: 'date' }, reading);
    const outcomes = await pollDueSources('test-process', fetchingWhile(() => DataSourceModel.deleteOne({ _id: id })), { max: 1, stopping: () => false });
    expect(outcomes).toEqual([{ kind: 'unchanged' }]);
    expect(await ProposalModel.countDocuments({ source: id })).toBe(0);
  });

  it('when an editor edits the source during the fetch, then the old fetch proposes nothing and writes nothing back, and the source is due at once', async () => {
    const { id } = await dueSource({ dateField: 'date' }, reading);
    const stored = (await DataSourceModel.findById(id).lean())!;
    const edit = () =>
      updateDataSource(claimId, id, { url: stored.url, format: 'csv', valueField: 'total', dateField: 'date', outlet: stored.outlet, definition: stored.definition, sameQuantity: false, schedule: 'daily' } as DataSourceForm, {
        actor: { id: String(new Types.ObjectId()), name: 'Éditrice' },
        now,
        timeZone: 'Europe/Paris',
      });
    const outcomes = await pollDueSources('test-process', fetchingWhile(edit), { max: 1, stopping: () => false });
    expect(outcomes).toEqual([{ kind: 'unchanged' }]);
    expect(await ProposalModel.countDocuments({ source: id })).toBe(0);
    const after = (await DataSourceModel.findById(id).lean())!;
    expect(after.schedule).toBe('daily');
    expect(after.nextFetchAt).toEqual(now);
    expect(after.lastFetchedAt ?? null).toBeNull();
    // The next round reads it under the new settings.
    expect(await pollNow()).toEqual([{ kind: 'proposed', id: expect.any(Types.ObjectId) as Types.ObjectId }]);
  });
});

