/**
 * Child process for test/integration/db/durability.test.ts (compiled by `npm run build` to
 * dist/test/helpers/durability-writer.js, because the test kills it with SIGKILL and that
 * needs a real process, not a Jest worker).
 *
 *   node dist/test/helpers/durability-writer.js <dataDir> <run> [concurrency] [compactAfterBytes|-] [insert|txn]
 *
 * Starts the real embedded server on <dataDir> with file persistence, connects with the
 * official driver and inserts { run, seq } documents until killed. Protocol on stdout, one
 * line each: `ready <uri>` once listening, then `ack <seq>` after each insert is
 * acknowledged. In `txn` mode each write is a transaction that inserts three documents with
 * the same seq, two into `writes` and one into `txnlog`, so a test can check each one is
 * whole after a crash. Stdout to a pipe is synchronous on Linux, so a printed ack is in the pipe
 * even if SIGKILL arrives right after. If the data directory is in use, prints the error to
 * stderr and exits with code 3.
 */
import { MongoClient } from 'mongodb';
import { startEmbeddedServer } from '../../server/db/embedded';
import { createFilePersistence, DataDirLockedError, type PersistenceLogger } from '../../server/db/embedded/persistence';

const EXIT_LOCKED = 3;

function stderrLogger(): PersistenceLogger & { debug(details: object | string, message?: string): void } {
  const write = (level: string) => (details: object | string, message?: string) => {
    process.stderr.write(`${JSON.stringify({ level, message, details })}\n`);
  };
  return { info: write('info'), warn: write('warn'), error: write('error'), debug: () => undefined };
}

async function main(): Promise<void> {
  const [dataDir, run, concurrencyArg, compactArg, modeArg] = process.argv.slice(2);
  if (dataDir === undefined || run === undefined) {
    process.stderr.write('usage: durability-writer <dataDir> <run> [concurrency] [compactAfterBytes]\n');
    process.exit(2);
  }
  const concurrency = Number(concurrencyArg ?? 1);
  const logger = stderrLogger();
  const persistence = createFilePersistence({
    dataDir,
    logger,
    ...(compactArg === undefined || compactArg === '-' ? {} : { compactAfterBytes: Number(compactArg) }),
  });

  let server;
  try {
    server = await startEmbeddedServer({ persistence, logger });
  } catch (error) {
    if (error instanceof DataDirLockedError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(EXIT_LOCKED);
    }
    throw error;
  }
  persistence.recordUri(server.uri);
  process.stdout.write(`ready ${server.uri}\n`);

  const client = new MongoClient(server.uri, { maxPoolSize: Math.max(concurrency, 1) });
  await client.connect();
  const collection = client.db('durability').collection('writes');
  const txnlog = client.db('durability').collection('txnlog');
  if (modeArg === 'txn') {
    await client.db('durability').createCollection('writes').catch(() => undefined);
    await client.db('durability').createCollection('txnlog').catch(() => undefined);
  }

  let next = 1;
  const worker = async (): Promise<void> => {
    const session = client.startSession();
    for (;;) {
      const seq = next++;
      if (modeArg === 'txn') {
        await session.withTransaction(async () => {
          await collection.insertMany(
            [0, 1].map((part) => ({ run, seq, part, at: new Date(), padding: 'x'.repeat(200) })),
            { session },
          );
          await txnlog.insertOne({ run, seq, part: 2 }, { session });
        });
      } else {
        await collection.insertOne({ run, seq, at: new Date(), padding: 'x'.repeat(200) });
      }
      process.stdout.write(`ack ${seq}\n`);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

main().catch((error: unknown) => {
  process.stderr.write(`durability-writer failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
