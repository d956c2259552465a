export { createFilePersistence, DEFAULT_COMPACT_AFTER_BYTES } from './file-persistence';
export type { CompactionStep, FilePersistence, FilePersistenceOptions, FilePersistenceStats } from './file-persistence';
export { DataDirLock, LOCK_FILE_NAME, readDataDirOwner } from './data-dir-lock';
export type { DataDirOwner } from './data-dir-lock';
export { DataDirCorruptError, DataDirLockedError } from './persistence-errors';
export type { PersistenceLogger } from './persistence-logger';
export { BSON_READ_OPTIONS } from './bson-records';
