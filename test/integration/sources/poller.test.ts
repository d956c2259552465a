import { ClaimModel } from '../../../models/claim.model';
import { DataSourceModel } from '../../../models/data-source.model';
import { createSourcePoller } from '../../../server/services/sources/poller';
import type { FetchedFile, PollDeps } from '../../../server/services/sources/source-poll.service';
import { silentLogger } from '../../helpers/app';
import { startSeededApp, TEST_NOW, type SeededApp } from '../../helpers/seeded-app';

/** The poller's loop: rounds, stopping while a fetch hangs, and an error in a round. */

let seeded: SeededApp;

beforeAll(async () => {
  seeded = await startSeededApp();
  const claim = (await ClaimModel.findOne({ slug: 'darmanin-182000-faux-pass-sanitaires' }).lean())!;
  await DataSourceModel.create({ claim: claim._id, url: 'https://data.example.org/passes.csv', format: 'csv', valueField: 'total', outlet: 'Ministère', definition: 'pass', schedule: 'hourly', nextFetchAt: TEST_NOW });
});
afterAll(async () => {
  await seeded.close();
});
beforeEach(async () => {
  await DataSourceModel.updateMany({}, { $set: { nextFetchAt: TEST_NOW }, $unset: { lease: 1 } });
});

function depsWith(fetchFile: PollDeps['fetchFile']): PollDeps {
  return { fetchFile, storeSnapshot: () => Promise.resolve(null), fetchFailure: () => null, clock: () => TEST_NOW, timeZone: 'Europe/Paris', locale: 'fr' };
}

describe('the source poller', () => {
  it('when it is stopped while a fetch hangs, then stop() returns after its wait, and no round starts afterwards', async () => {
    let fetches = 0;
    const poller = createSourcePoller({ intervalMs: 10, logger: silentLogger, deps: depsWith(() => {
      fetches += 1;
      return new Promise<FetchedFile>(() => undefined);
    }) });
    void poller.runOnce();
    while (fetches === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    await poller.stop(50);
    poller.start();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(fetches).toBe(1);
    // The abandoned round never finished: its source keeps its lease until the lease expires.
    expect((await DataSourceModel.findOne().lean())!.lease?.owner).toBeDefined();
  });

  it('when a round fails on an error that is not the source’s, then the poller carries on with the next round', async () => {
    let fetches = 0;
    const poller = createSourcePoller({ intervalMs: 10, logger: silentLogger, deps: depsWith(() => {
      fetches += 1;
      return Promise.reject(new Error('a bug'));
    }) });
    await expect(poller.runOnce()).resolves.toBeUndefined();
    expect(fetches).toBe(1);
    await DataSourceModel.updateMany({}, { $set: { nextFetchAt: TEST_NOW }, $unset: { lease: 1 } });
    await poller.runOnce();
    expect(fetches).toBe(2);
    await poller.stop();
  });

  it('when its interval is 0, then start() never polls', async () => {
    let fetches = 0;
    const poller = createSourcePoller({ intervalMs: 0, logger: silentLogger, deps: depsWith(() => {
      fetches += 1;
      return Promise.reject(new Error('never'));
    }) });
    poller.start();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(fetches).toBe(0);
    await poller.stop();
  });
});
