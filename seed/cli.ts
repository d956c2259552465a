/** `npm run seed`: loads seed/ idempotently, into MONGODB_URI or the DATA_DIR store (the running app's, if it holds it). */
import { ConfigError, loadConfig } from '../server/config';
import { connectDatabase } from '../server/db/connect';
import { createLogger } from '../server/logger';
import { installVersionBumps, versionBumpsSettled } from '../server/services/content-version.service';
import { SEED_DATA } from './data/seed-data';
import { loadSeed } from './load-seed';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  const database = await connectDatabase(config, logger, { role: 'tool' });
  // A running app serves the seed's changes once this process has bumped the content version.
  installVersionBumps();
  try {
    const result = await loadSeed(SEED_DATA, { now: new Date(), timeZone: config.timeZone });
    await versionBumpsSettled();
    logger.info(result, 'seed loaded');
    process.stdout.write(`Seed loaded: ${result.claims} claims, ${result.speakers} speakers, ${result.topics} topics.\n`);
  } finally {
    await database.close();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof ConfigError ? '' : 'Seed failed: '}${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
