import type { Server } from 'node:http';
import { createApp } from './app';
import { ContentVersions } from './services/content-version.service';
import { ConfigError, loadConfig, type Config } from './config';
import { connectDatabase, type DatabaseHandle } from './db/connect';
import { createLogger } from './logger';
import { trackConnections } from './lifecycle/connection-drain';
import { createShutdown } from './lifecycle/graceful-shutdown';
import { createLoadShedder } from './middleware/load-shedding';
import { createSourcePoller } from './services/sources/poller';
import { sourcePollDeps } from './services/sources/source-fetch';
import { SEED_DATA } from '../seed/data/seed-data';
import { seedIfEmpty } from '../seed/load-seed';

function listen(app: ReturnType<typeof createApp>, port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = app.listen(port, (err?: Error) => (err ? reject(err) : resolve(server)));
    server.once('error', reject);
  });
}

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
  const logger = createLogger(config.logLevel);
  if (config.sessionSecretGenerated) {
    logger.warn('SESSION_SECRET is not set: using a random one, so sessions end when the process restarts');
  }
  let database: DatabaseHandle;
  try {
    database = await connectDatabase(config, logger, { role: 'app' });
  } catch (err) {
    logger.fatal({ err }, 'database unavailable');
    process.stderr.write(`Cannot start: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  }
  try {
    const seeded = await seedIfEmpty(SEED_DATA, { now: new Date(), timeZone: config.timeZone });
    if (seeded) logger.info(seeded, 'empty database: seed loaded');
  } catch (err) {
    logger.fatal({ err }, 'could not load the seed into the empty database');
    await database.close();
    process.exit(1);
  }
  const loadShedder = createLoadShedder();
  // Known before the first request, so the first pages are cached and carry their ETag.
  const contentVersions = new ContentVersions({ clock: () => new Date(), timeZone: config.timeZone, onError: (err, what) => logger.warn({ err }, `could not ${what}`) });
  await contentVersions.settled();
  let draining = false;
  const app = createApp({ config, logger, database: { pingDatabase: () => database.ping(), isDraining: () => draining }, loadShedder, contentVersions });
  await (app.locals.templatesReady as Promise<void>);
  const server = await listen(app, config.port);
  const connections = trackConnections(server);
  const poller = createSourcePoller({ intervalMs: config.sourcePollSeconds * 1000, deps: sourcePollDeps(config, () => new Date()), logger });
  poller.start();
  // Stopped as the drain starts (no new fetch), awaited before the database closes: a fetch in
  // progress ends within its timeout, or is abandoned to its lease's expiry.
  let pollerStopped: Promise<void> | undefined;
  const stopPoller = () => (pollerStopped ??= poller.stop());
  const shutdown = createShutdown({
    logger,
    connections,
    markDraining: () => {
      draining = true;
      void stopPoller();
    },
    handlersIdle: (timeoutMs) => loadShedder.drained(timeoutMs),
    stats: () => loadShedder.stats(),
    closeDatabase: async () => {
      await stopPoller();
      await database.close();
    },
    exit: (code) => process.exit(code),
  });
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  logger.info({ port, siteUrl: config.siteUrl, database: database.kind, maxInFlight: loadShedder.maxInFlight }, `Écart listening on http://localhost:${port}`);
}

main().catch((err: unknown) => {
  process.stderr.write(`Cannot start: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
  process.exit(1);
});
