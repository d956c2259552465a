/**
 * Errors that stop start-up. They carry enough context (file, offset, owning process) for an
 * operator to act without reading code: corruption is never repaired silently, and a data
 * directory owned by another live process is never opened a second time.
 */

/** The data directory holds something the store cannot trust; start-up must stop. */
export class DataDirCorruptError extends Error {
  override readonly name = 'DataDirCorruptError';
  readonly file: string;
  /** Byte offset of the first bad byte, or null when the problem is about the file as a whole. */
  readonly offset: number | null;

  constructor(file: string, offset: number | null, detail: string, options?: { cause?: unknown }) {
    const where = offset === null ? file : `${file} at byte ${offset}`;
    super(
      `Data directory is corrupt: ${where}: ${detail}. Start-up stopped; nothing was modified. ` +
        'Restore the data directory from a backup or move the damaged file aside.',
      options,
    );
    this.file = file;
    this.offset = offset;
  }
}

/** Another live process owns the data directory. */
export class DataDirLockedError extends Error {
  override readonly name = 'DataDirLockedError';
  readonly dataDir: string;
  readonly pid: number;
  /** The owner's embedded-server URI, when it has recorded one. */
  readonly uri: string | null;

  constructor(dataDir: string, pid: number, uri: string | null) {
    super(`DATA_DIR ${dataDir} is in use by process ${pid}${uri === null ? '' : ` (${uri})`}`);
    this.dataDir = dataDir;
    this.pid = pid;
    this.uri = uri;
  }
}
