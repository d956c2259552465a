import { startEmbeddedServer, type EmbeddedServer } from '../../server/db/embedded';

declare global {
  var __ECART_TEST_DB__: EmbeddedServer | undefined;
}

/**
 * One in-memory embedded server for the whole run; workers find it through MONGODB_URI
 * (set before they start) and each test file uses its own database name. When MONGODB_URI
 * is already set, the suite runs against that real MongoDB instead.
 */
export default async function globalSetup(): Promise<void> {
  process.env.LOG_LEVEL ??= 'silent';
  if (process.env.MONGODB_URI) return;
  const server = await startEmbeddedServer();
  globalThis.__ECART_TEST_DB__ = server;
  process.env.MONGODB_URI = server.uri;
}
