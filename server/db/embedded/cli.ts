/**
 * `npm run db`: the embedded server on its own, on the newsroom's DATA_DIR (default ./data,
 * as for `npm start`), so mongosh, Compass or a script can connect to it.
 * Usage: node dist/server/db/embedded/cli.js [--port 27017] [--host 127.0.0.1]
 *
 * A process entry point: it prints its one status line through process streams (the
 * project bans console.* in server/) and logs through the app's pino logger.
 */
import { ConfigError, loadConfig } from '../../config';
import { createLogger } from '../../logger';
import { startEmbeddedServer } from './index';
import { createFilePersistence } from './persistence';

function readFlag(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  if (i >= 0) return args[i + 1];
  const inline = args.find((a) => a.startsWith(`${name}=`));
  return inline?.slice(name.length + 1);
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const portFlag = readFlag(args, '--port') ?? '27017';
  const port = Number(portFlag);
  const host = readFlag(args, '--host') ?? '127.0.0.1';
  if (!/^\d+$/.test(portFlag) || port > 65535) {
    throw new ConfigError(`--port must be a whole number from 0 to 65535 (got "${portFlag}")`);
  }
  const config = loadConfig();
  const logger = createLogger(config.logLevel).child({ component: 'embedded-db' });
  const persistence = createFilePersistence({ dataDir: config.dataDir, logger });
  const server = await startEmbeddedServer({ host, port, persistence, logger });
  persistence.recordUri(server.uri);
  process.stdout.write(`Écart embedded MongoDB-compatible server: ${server.uri} (data in ${config.dataDir})\n`);
  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
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
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`Cannot start the embedded server: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
