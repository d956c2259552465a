/**
 * Écart's embedded MongoDB-wire-compatible server: what tests, `npm start` without
 * MONGODB_URI, and `npm run db` talk to. Production uses a real MongoDB; see README.md.
 */
import v8 from 'node:v8';
import vm from 'node:vm';
import type { Persistence, Snapshot } from './persistence.types';
import { Engine } from './engine/engine';
import { silentLogger, type EmbeddedLogger } from './logger';
import { WireServer } from './server';

export type { EmbeddedLogger } from './logger';

/** Below this, what a load leaves behind is too small to be worth a full collection. */
const RECLAIM_AFTER_DOCUMENTS = 100_000;

/**
 * A large load leaves about as much garbage as it keeps (decoded fields, sort buffers), and
 * V8, far from its heap limit, would carry it for a long while: the process would hold twice
 * the memory it needs. One full collection, once, right after loading, gives it back.
 */
function reclaimLoadGarbage(): void {
  const wasExposed = typeof (globalThis as { gc?: unknown }).gc === 'function';
  if (!wasExposed) v8.setFlagsFromString('--expose-gc');
  const gc = vm.runInNewContext('gc') as unknown;
  if (typeof gc === 'function') (gc as () => void)();
  if (!wasExposed) v8.setFlagsFromString('--no-expose-gc');
}

export interface EmbeddedServerOptions {
  /** Default 127.0.0.1: the server has no authentication, so it must not face a network. */
  host?: string;
  /** Default 0: the OS picks a free port. */
  port?: number;
  /** Without it the server is purely in memory. */
  persistence?: Persistence;
  logger?: EmbeddedLogger;
}

export interface EmbeddedServer {
  uri: string;
  port: number;
  /** Stops accepting, closes sockets, waits for pending writes, closes persistence. */
  close(): Promise<void>;
}

export async function startEmbeddedServer(opts: EmbeddedServerOptions = {}): Promise<EmbeddedServer> {
  const logger = opts.logger ?? silentLogger;
  const host = opts.host ?? '127.0.0.1';
  const engine = new Engine();
  if (opts.persistence) {
    const started = Date.now();
    const loader = engine.loader();
    const summary = await opts.persistence.load(loader);
    loader.finish();
    if (summary.documents + summary.batches >= RECLAIM_AFTER_DOCUMENTS) reclaimLoadGarbage();
    registerSnapshotProvider(opts.persistence, () => engine.takeSnapshot());
    logger.info({ ...summary, ms: Date.now() - started }, 'embedded server restored its data');
  }
  const server = new WireServer({ engine, persistence: opts.persistence, logger });
  let port: number;
  try {
    port = await server.listen(host, opts.port ?? 0);
  } catch (err) {
    await opts.persistence?.close();
    throw err;
  }
  const uri = `mongodb://${host.includes(':') ? `[${host}]` : host}:${port}`;
  logger.info({ uri }, 'embedded MongoDB-compatible server listening');
  let closing: Promise<void> | null = null;
  return {
    uri,
    port,
    close: () => {
      closing ??= (async () => {
        await server.close();
        await opts.persistence?.close();
        logger.info({ uri }, 'embedded server stopped');
      })();
      return closing;
    },
  };
}

/**
 * The Persistence contract only has `compact(take)`; the file store additionally accepts a
 * standing snapshot provider so it can compact on its own (size threshold, close). Offer it
 * to any store that has the method, without widening the contract.
 */
function registerSnapshotProvider(persistence: Persistence, take: () => Snapshot): void {
  const candidate = persistence as Persistence & { setSnapshotProvider?: unknown };
  if (typeof candidate.setSnapshotProvider === 'function') {
    (candidate.setSnapshotProvider as (t: () => Snapshot) => void).call(persistence, take);
  }
}
