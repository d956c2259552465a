import type { Express } from 'express';
import mongoose from 'mongoose';
import { createApp, type AppDeps } from '../../server/app';
import { SEED_DATA } from '../../seed/data/seed-data';
import { loadSeed } from '../../seed/load-seed';
import { silentLogger, testConfig } from './app';
import { withDatabase, type TestDatabase } from './embedded';

/** "Today" for page tests, so deadlines and day counts do not drift with the calendar. */
export const TEST_NOW = new Date('2026-11-23T12:00:00Z');

export interface SeededApp {
  app: Express;
  db: TestDatabase;
  close(): Promise<void>;
}

/** Mongoose on a database of this file's own, the seed loaded, and the app with a pinned clock. */
export async function startSeededApp(deps: Partial<Pick<AppDeps, 'loginThrottle' | 'clock'>> = {}, env: Record<string, string> = {}): Promise<SeededApp> {
  const db = await withDatabase();
  await mongoose.connect(db.uri, { dbName: db.dbName });
  await mongoose.connection.syncIndexes();
  const config = testConfig(env);
  await loadSeed(SEED_DATA, { now: TEST_NOW, timeZone: config.timeZone });
  const app = createApp({
    config,
    logger: silentLogger,
    database: { pingDatabase: async () => (await mongoose.connection.db!.admin().ping()).ok === 1 },
    clock: () => TEST_NOW,
    ...deps,
  });
  return {
    app,
    db,
    async close() {
      await mongoose.connection.dropDatabase();
      await mongoose.disconnect();
      await db.close();
    },
  };
}

/** Page text with tags removed and whitespace (including the no-break spaces of French numbers) folded. */
export function pageText(html: string): string {
  return html
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#x27;|&#39;/g, "'")
    .replace(/&#x3D;/g, '=')
    .replace(/&amp;/g, '&')
    .replace(/[\s\u00a0\u202f]+/g, ' ');
}
