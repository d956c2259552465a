import type { Server } from 'node:http';
import { createApp } from './app';
import { ContentVersions } from './services/content-version.service';
import { ConfigError, loadConfig, type Config } from './config';
import { connectDatabase, type DatabaseHandle } from './db/connect';
import { createLogger, type Logger } from './logger';
import { createLoadShedder, type LoadShedder } from './middleware/load-shedding';
import { SEED_DATA } from '../seed/data/seed-data';
import { seedIfEmpty } from '../seed/load-seed';

const SHUTDOWN_GRACE_MS = 10_000;

function listen(app: ReturnType<typeof createApp>, port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = app.listen(port, (err?: Error) => (err ? reject(err) : resolve(server)));
    server.once('error', reject);
  });
}

/**
 * How long a SIGTERM waits, after the grace period, for the database to close before the
 * process exits anyway: whatever is still running, a backlog must never keep it alive.
 */
const SHUTDOWN_HARD_LIMIT_MS = SHUTDOWN_GRACE_MS + 5_000;

/**
 * Stops accepting connections and requests (those arriving on open keep-alive connections
 * get a 503 with `Connection: close`), lets requests in flight finish (up to a grace
 * period), then closes the connections and the database and exits 0. The load shedder caps
 * what can be in flight, so there is never a backlog of minutes to finish.
 */
function installShutdown(server: Server, database: DatabaseHandle, logger: Logger, loadShedder: LoadShedder): void {
  let stopping = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal, ...loadShedder.stats() }, 'shutting down: no new connections, finishing requests in flight');
    const hardLimit = setTimeout(() => {
      logger.error({ ...loadShedder.stats() }, 'shutdown still unfinished after its bound: exiting now');
      process.exit(1);
    }, SHUTDOWN_HARD_LIMIT_MS);
    hardLimit.unref();
    loadShedder.stopAccepting();
    server.close();
    // Idle keep-alive sockets would otherwise hold the server open until they time out.
    server.closeIdleConnections();
    void loadShedder.drained(SHUTDOWN_GRACE_MS).then(async (drained) => {
      if (!drained) logger.warn({ ...loadShedder.stats() }, 'requests still open after the grace period: closing them');
      server.closeAllConnections();
      try {
        await database.close();
        logger.info('stopped cleanly');
        process.exit(0);
      } catch (err) {
        logger.error({ err }, 'error while closing the database');
        process.exit(1);
      }
    });
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
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
  const app = createApp({ config, logger, database: { pingDatabase: () => database.ping() }, loadShedder, contentVersions });
  await (app.locals.templatesReady as Promise<void>);
  const server = await listen(app, config.port);
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  logger.info({ port, siteUrl: config.siteUrl, database: database.kind, maxInFlight: loadShedder.maxInFlight }, `Écart listening on http://localhost:${port}`);
  installShutdown(server, database, logger, loadShedder);
}

main().catch((err: unknown) => {
  process.stderr.write(`Cannot start: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
  process.exit(1);
});
