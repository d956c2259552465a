/**
 * File names inside DATA_DIR. Generation N means: snapshot-N holds everything written before
 * journal-N was started; journal-N holds what came after, until journal-(N+1) was started.
 */
import path from 'node:path';

const SNAPSHOT_PATTERN = /^snapshot-(\d{1,15})\.snap$/;
const SNAPSHOT_TEMP_PATTERN = /^snapshot-(\d{1,15})\.snap\.tmp$/;
const JOURNAL_PATTERN = /^journal-(\d{1,15})\.log$/;

const pad = (generation: number): string => String(generation).padStart(6, '0');

export const snapshotName = (generation: number): string => `snapshot-${pad(generation)}.snap`;
export const snapshotTempName = (generation: number): string => `${snapshotName(generation)}.tmp`;
export const journalName = (generation: number): string => `journal-${pad(generation)}.log`;

export const snapshotPath = (dataDir: string, generation: number): string =>
  path.join(dataDir, snapshotName(generation));
export const journalPath = (dataDir: string, generation: number): string =>
  path.join(dataDir, journalName(generation));

export interface DataDirListing {
  snapshots: number[];
  journals: number[];
  /** Temp snapshot names: leftovers of a compaction that never reached its rename. */
  snapshotTemps: string[];
}

/** Sorts the store's own files out of a directory listing; other names are ignored. */
export function classifyDataDirEntries(names: readonly string[]): DataDirListing {
  const snapshots: number[] = [];
  const journals: number[] = [];
  const snapshotTemps: string[] = [];
  for (const name of names) {
    const snapshot = SNAPSHOT_PATTERN.exec(name);
    if (snapshot?.[1] !== undefined) {
      snapshots.push(Number(snapshot[1]));
      continue;
    }
    const journal = JOURNAL_PATTERN.exec(name);
    if (journal?.[1] !== undefined) {
      journals.push(Number(journal[1]));
      continue;
    }
    if (SNAPSHOT_TEMP_PATTERN.test(name)) snapshotTemps.push(name);
  }
  const ascending = (a: number, b: number): number => a - b;
  return { snapshots: snapshots.sort(ascending), journals: journals.sort(ascending), snapshotTemps };
}
