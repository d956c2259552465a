import { randomBytes } from 'node:crypto';
import { startEmbeddedServer } from '../../server/db/embedded';

export interface TestDatabase {
  uri: string;
  /** Unique per call, so test files sharing one server never see each other's data. */
  dbName: string;
  close(): Promise<void>;
}

/**
 * A database for one test file: MONGODB_URI when set (the global setup's shared embedded
 * server, or a real MongoDB, so the same tests check real semantics), otherwise a fresh
 * embedded server that `close()` stops.
 */
export async function withDatabase(): Promise<TestDatabase> {
  const dbName = `test_${randomBytes(6).toString('hex')}`;
  const external = process.env.MONGODB_URI;
  if (external) return { uri: external, dbName, close: () => Promise.resolve() };
  const server = await startEmbeddedServer();
  return { uri: server.uri, dbName, close: () => server.close() };
}
