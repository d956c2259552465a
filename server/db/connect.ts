import mongoose from 'mongoose';
import type { Config } from '../config';
import type { Logger } from '../logger';
import { startEmbeddedServer, type EmbeddedServer } from './embedded';
import { createFilePersistence, readDataDirOwner } from './embedded/persistence';

export interface DatabaseHandle {
  /** Which database this process talks to, for logs and the README's "how to connect". */
  readonly kind: 'external' | 'embedded' | 'embedded-shared';
  readonly uri: string;
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

export interface ConnectOptions {
  /**
   * 'app' owns DATA_DIR and refuses to share it; 'tool' (seed, user commands) connects to
   * the app's embedded server when the app is running, instead of opening the store twice.
   */
  role: 'app' | 'tool';
  dbName?: string;
}

export const DEFAULT_DB_NAME = 'ecart';

// Real MongoDB semantics everywhere: unknown filter paths are dropped rather than
// passed through, and filter values that look like operators are treated as literals.
mongoose.set('strictQuery', true);
mongoose.set('sanitizeFilter', true);

/** Redacts the password in a connection string before it reaches a log line. */
export function redactUri(uri: string): string {
  return uri.replace(/\/\/([^:/@]+):([^@]+)@/, '//$1:***@');
}

async function connectMongoose(uri: string, dbName: string): Promise<void> {
  await mongoose.connect(uri, { dbName, serverSelectionTimeoutMS: 10_000 });
}

function handle(kind: DatabaseHandle['kind'], uri: string, closeServer?: () => Promise<void>): DatabaseHandle {
  return {
    kind,
    uri,
    async ping() {
      const db = mongoose.connection.db;
      if (!db || mongoose.connection.readyState !== mongoose.ConnectionStates.connected) return false;
      const reply = await db.admin().ping();
      return reply.ok === 1;
    },
    async close() {
      await mongoose.disconnect();
      if (closeServer) await closeServer();
    },
  };
}

/**
 * Connects Mongoose: to MONGODB_URI when it is set, otherwise to the embedded server,
 * started in this process and persisted under DATA_DIR.
 */
export async function connectDatabase(
  config: Pick<Config, 'mongodbUri' | 'dataDir'>,
  logger: Logger,
  { role, dbName = DEFAULT_DB_NAME }: ConnectOptions,
): Promise<DatabaseHandle> {
  if (config.mongodbUri !== undefined) {
    await connectMongoose(config.mongodbUri, dbName);
    logger.info({ uri: redactUri(config.mongodbUri), dbName }, 'database: MongoDB at MONGODB_URI');
    return handle('external', config.mongodbUri);
  }

  if (role === 'tool') {
    const owner = readDataDirOwner(config.dataDir);
    if (owner?.uri) {
      await connectMongoose(owner.uri, dbName);
      logger.info({ uri: owner.uri, pid: owner.pid, dataDir: config.dataDir }, 'database: the running app’s embedded server');
      return handle('embedded-shared', owner.uri);
    }
  }

  const persistence = createFilePersistence({ dataDir: config.dataDir, logger });
  let server: EmbeddedServer;
  try {
    server = await startEmbeddedServer({ persistence, logger: logger.child({ component: 'embedded-db' }) });
  } catch (err) {
    await persistence.close().catch(() => undefined);
    throw err;
  }
  persistence.recordUri(server.uri);
  try {
    await connectMongoose(server.uri, dbName);
  } catch (err) {
    await server.close();
    throw err;
  }
  logger.info({ uri: server.uri, dataDir: config.dataDir, dbName }, 'database: embedded server (MONGODB_URI is not set)');
  return handle('embedded', server.uri, () => server.close());
}
