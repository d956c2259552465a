/**
 * `npm run bench:data -- --claims N --measurements M [--seed S] [--replace]`: a scale dataset
 * for benchmarks and manual testing, plus the seed, in the database `npm start` uses:
 * MONGODB_URI when it is set, otherwise the embedded server on DATA_DIR (the running app's,
 * when it holds DATA_DIR, else one started here for the run).
 *
 * `--measurements` is the total over all claims (default 10 per claim), spread unevenly as
 * in a real newsroom. The generated documents are `generateDataset`'s (deterministic for a
 * given --seed); the seed is loaded with `npm run seed`'s loader, so it is idempotent.
 *
 * A process entry point: it prints its progress and timings on stdout.
 */
import { parseArgs } from 'node:util';
import mongoose from 'mongoose';
import { ClaimModel } from '../../models/claim.model';
import { ConfigError, loadConfig } from '../../server/config';
import { connectDatabase, DEFAULT_DB_NAME } from '../../server/db/connect';
import { createLogger } from '../../server/logger';
import { SEED_DATA } from '../../seed/data/seed-data';
import { bumpContentVersion } from '../../server/services/content-version.service';
import { loadSeed } from '../../seed/load-seed';
import { generateDataset } from './generate-dataset';

class UsageError extends Error {}

interface BenchDataArgs {
  claims: number;
  measurements: number;
  seed: number;
  replace: boolean;
}

function wholeNumber(name: string, value: string | undefined, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value) || Number(value) < min) {
    throw new UsageError(`--${name} must be a whole number of at least ${min} (got "${value}")`);
  }
  return Number(value);
}

function readArgs(argv: string[]): BenchDataArgs {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        claims: { type: 'string' },
        measurements: { type: 'string' },
        seed: { type: 'string' },
        replace: { type: 'boolean', default: false },
      },
      strict: true,
    }));
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
  const claims = wholeNumber('claims', values.claims, 10_000, 1);
  const measurements = wholeNumber('measurements', values.measurements, claims * 10, 0);
  // generateDataset takes an average per claim and writes exactly claims × average.
  if (claims * (measurements / claims) !== measurements) {
    throw new UsageError(`--measurements ${measurements} cannot be spread exactly over ${claims} claims: pick a multiple of --claims`);
  }
  return { claims, measurements, seed: wholeNumber('seed', values.seed, 1, 0), replace: values.replace };
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const print = (line: string) => process.stdout.write(`${line}\n`);

async function main(): Promise<void> {
  const args = readArgs(process.argv.slice(2));
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  const started = performance.now();
  const database = await connectDatabase(config, logger, { role: 'tool' });
  try {
    const seedSlugs = SEED_DATA.claims.map((claim) => claim.slug);
    // The driver's collection: Mongoose's sanitizeFilter would refuse the operator.
    const others = await ClaimModel.collection.countDocuments({ slug: { $nin: seedSlugs } });
    if (others > 0) {
      if (!args.replace) {
        throw new UsageError(
          `the database already holds ${others} claims besides the seed's: pass --replace to drop it and start over`,
        );
      }
      await mongoose.connection.dropDatabase();
      print(`Dropped the database "${DEFAULT_DB_NAME}" (${others} claims besides the seed's).`);
    }
    const where = database.kind === 'external' ? 'MONGODB_URI' : `${config.dataDir}${database.kind === 'embedded-shared' ? " (the running app's server)" : ''}`;
    print(`Generating ${args.claims} claims and ${args.measurements} measurements into ${where}…`);
    const generated = await generateDataset({
      uri: database.uri,
      dbName: DEFAULT_DB_NAME,
      claims: args.claims,
      measurementsPerClaim: args.measurements / args.claims,
      seed: args.seed,
      timeZone: config.timeZone,
      onProgress: ({ claimsDone, claims }) => print(`  ${claimsDone} / ${claims} claims`),
    });
    const c = generated.counts;
    print(
      `Generated in ${seconds(generated.ms)}: ${c.claims} claims (${c.published} published, ${c.drafts} drafts, ${c.deleted} deleted), ` +
        `${c.measurements} measurements, ${c.updates} updates, ${c.timelineEvents} timeline events, ${c.speakers} speakers, ${c.topics} topics.`,
    );
    const seedStarted = performance.now();
    const seeded = await loadSeed(SEED_DATA, { now: new Date(), timeZone: config.timeZone });
    // The generator writes with the driver, past the models' hooks: a running app learns of it here.
    await bumpContentVersion();
    print(`Seed loaded in ${seconds(performance.now() - seedStarted)}: ${seeded.claims} claims, ${seeded.speakers} speakers, ${seeded.topics} topics.`);
  } finally {
    await database.close();
  }
  print(`Done in ${seconds(performance.now() - started)} (writes included).`);
}

main().catch((err: unknown) => {
  const known = err instanceof UsageError || err instanceof ConfigError;
  process.stderr.write(`${known ? 'bench:data: ' : 'bench:data failed: '}${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
