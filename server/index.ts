import type { Server } from 'node:http';
import { createApp } from './app';
import { ConfigError, loadConfig, type Config } from './config';
import { connectDatabase, type DatabaseHandle } from './db/connect';
import { createLogger, type Logger } from './logger';
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
 * Stops accepting connections, lets in-flight requests finish (up to a grace period),
 * then closes the database and exits 0.
 */
function installShutdown(server: Server, database: DatabaseHandle, logger: Logger): void {
  let stopping = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: no new connections, finishing requests in flight');
    const force = setTimeout(() => {
      logger.warn('requests still open after the grace period: closing them');
      server.closeAllConnections();
    }, SHUTDOWN_GRACE_MS);
    force.unref();
    server.close(() => {
      clearTimeout(force);
      database
        .close()
        .then(() => {
          logger.info('stopped cleanly');
          process.exit(0);
        })
        .catch((err: unknown) => {
          logger.error({ err }, 'error while closing the database');
          process.exit(1);
        });
    });
    // Idle keep-alive sockets would otherwise hold server.close() open until they time out.
    server.closeIdleConnections();
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
  const app = createApp({ config, logger, database: { pingDatabase: () => database.ping() } });
  const server = await listen(app, config.port);
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  logger.info({ port, siteUrl: config.siteUrl, database: database.kind }, `Écart listening on http://localhost:${port}`);
  installShutdown(server, database, logger);
}

main().catch((err: unknown) => {
  process.stderr.write(`Cannot start: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
  process.exit(1);
});
