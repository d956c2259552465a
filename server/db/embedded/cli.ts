/**
 * `npm run db`: the embedded server on its own, for mongosh, Compass or a second app
 * process. Usage: node dist/server/db/embedded/cli.js [--port 27017] [--host 127.0.0.1]
 * With DATA_DIR set the data is kept on disk there; without it, it lives in memory only.
 *
 * This is a process entry point, so it writes its one-line status to stdout/stderr
 * directly (through process streams, as the project bans console.* in server/).
 */
import { startEmbeddedServer, type EmbeddedLogger } from './index';
import { createFilePersistence } from './persistence';

function readFlag(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  if (i >= 0) return args[i + 1];
  const inline = args.find((a) => a.startsWith(`${name}=`));
  return inline?.slice(name.length + 1);
}

/** JSON lines on stdout, the same shape pino writes, so logs from both look alike. */
function jsonLogger(): EmbeddedLogger {
  const write = (level: string) => (obj: object | string, msg?: string) => {
    const fields = typeof obj === 'string' ? { msg: obj } : { ...obj, msg };
    const safe = JSON.stringify({ level, time: Date.now(), ...fields }, (_k, v: unknown) =>
      v instanceof Error ? { message: v.message, stack: v.stack } : v,
    );
    process.stdout.write(`${safe}\n`);
  };
  return { info: write('info'), warn: write('warn'), error: write('error'), debug: () => undefined };
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const port = Number(readFlag(args, '--port') ?? 27017);
  const host = readFlag(args, '--host') ?? '127.0.0.1';
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be 0..65535, got ${readFlag(args, '--port')}`);
  const logger = jsonLogger();
  // The app reads configuration through server/config; this stand-alone tool only needs
  // DATA_DIR, so it reads that one variable itself rather than pulling in the app's schema.
  const dataDir = process.env.DATA_DIR;
  const persistence = dataDir ? createFilePersistence({ dataDir, logger }) : undefined;
  const server = await startEmbeddedServer({ host, port, persistence, logger });
  persistence?.recordUri(server.uri);
  process.stdout.write(`Écart embedded MongoDB-compatible server: ${server.uri}${dataDir ? ` (data in ${dataDir})` : ' (in memory: data is lost on exit)'}\n`);
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping embedded server');
    server.close().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'embedded server did not close cleanly');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((err: unknown) => {
  process.stderr.write(`embedded server failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
