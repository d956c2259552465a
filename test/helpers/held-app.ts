import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import type { Express } from 'express';
import mongoose from 'mongoose';
import { createApp } from '../../server/app';
import { createLoadShedder, type LoadShedder, type LoadShedderOptions } from '../../server/middleware/load-shedding';
import { silentLogger, testConfig } from './app';
import { withDatabase } from './embedded';

export interface HeldDatabase {
  /** Connects Mongoose: every query buffered so far runs, so every held page answers. */
  release(): Promise<void>;
  close(): Promise<void>;
}

/**
 * A database that pages wait for: until `release()`, Mongoose is not connected and buffers
 * every query, so page requests stay in flight as long as a test needs, with no test-only
 * route. Once per test file: Mongoose cannot buffer again after a disconnect.
 */
export async function holdDatabase(): Promise<HeldDatabase> {
  const db = await withDatabase();
  return {
    async release() {
      await mongoose.connect(db.uri, { dbName: db.dbName });
    },
    async close() {
      if (mongoose.connection.readyState === mongoose.ConnectionStates.connected) await mongoose.connection.dropDatabase();
      await mongoose.disconnect();
      await db.close();
    },
  };
}

export interface ListeningApp {
  app: Express;
  server: Server;
  port: number;
  loadShedder: LoadShedder;
  close(): Promise<void>;
}

/** The real app on a free port, with a load shedder of its own; health checks answer without the database. */
export async function listenApp(shedding: LoadShedderOptions, env: Record<string, string> = {}): Promise<ListeningApp> {
  const loadShedder = createLoadShedder(shedding);
  const app = createApp({
    config: testConfig(env),
    logger: silentLogger,
    database: { pingDatabase: () => Promise.resolve(true) },
    loadShedder,
  });
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, () => resolve(s));
  });
  return {
    app,
    server,
    port: (server.address() as AddressInfo).port,
    loadShedder,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Polls a condition on the event loop (no fixed sleep): resolves once it holds, rejects after `ms`. */
export async function eventually(condition: () => boolean, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('the condition did not hold in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
