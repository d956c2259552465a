/**
 * One process per data directory. Two processes replaying and appending to the same journal
 * would interleave records and corrupt it, so the second one must fail with a clear error
 * naming the owner, and tools (seed, user management) can find the owner's URI here and
 * talk to it instead of opening the store themselves.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, promises as fs, readFileSync, renameSync, writeSync } from 'node:fs';
import path from 'node:path';
import { DataDirLockedError } from './persistence-errors';
import type { PersistenceLogger } from './persistence-logger';

export const LOCK_FILE_NAME = 'ecart-db.lock';

interface LockContent {
  pid: number;
  startedAt: string;
  uri?: string;
  /** Distinguishes our lock from a later one written by a process that reused our pid. */
  token: string;
}

export interface DataDirOwner {
  pid: number;
  uri: string | null;
  startedAt: string;
}

function parseLock(text: string): LockContent | null {
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value !== 'object' || value === null) return null;
    const { pid, startedAt, uri, token } = value as Record<string, unknown>;
    if (typeof pid !== 'number' || !Number.isInteger(pid) || pid <= 0) return null;
    return {
      pid,
      startedAt: typeof startedAt === 'string' ? startedAt : '',
      ...(typeof uri === 'string' ? { uri } : {}),
      token: typeof token === 'string' ? token : '',
    };
  } catch {
    return null;
  }
}

/** EPERM means the process exists but belongs to another user: still alive. */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const isErrno = (error: unknown, code: string): boolean => (error as NodeJS.ErrnoException | null)?.code === code;

/**
 * The live owner of `dataDir`, or null when there is no lock or its process is gone.
 * Synchronous so command-line tools can decide how to connect before doing anything else.
 */
export function readDataDirOwner(dataDir: string): DataDirOwner | null {
  let text: string;
  try {
    text = readFileSync(path.join(dataDir, LOCK_FILE_NAME), 'utf8');
  } catch (error) {
    if (isErrno(error, 'ENOENT')) return null;
    throw error;
  }
  const lock = parseLock(text);
  if (lock === null || !isProcessAlive(lock.pid)) return null;
  return { pid: lock.pid, uri: lock.uri ?? null, startedAt: lock.startedAt };
}

async function writeFileDurably(file: string, text: string): Promise<void> {
  const handle = await fs.open(file, 'w');
  try {
    await handle.writeFile(text, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
}

export class DataDirLock {
  readonly dataDir: string;
  readonly lockPath: string;
  private content: LockContent;
  private released = false;

  private constructor(dataDir: string, content: LockContent) {
    this.dataDir = dataDir;
    this.lockPath = path.join(dataDir, LOCK_FILE_NAME);
    this.content = content;
  }

  /**
   * Creates DATA_DIR (if needed) and takes its lock, or throws DataDirLockedError.
   *
   * The lock is written to a private temp file and then hard-linked into place: link(2)
   * fails with EEXIST like O_EXCL does, but the lock never exists half-written, so a reader
   * never mistakes an owner that is still writing it for a stale one.
   */
  static async acquire(dataDir: string, logger: PersistenceLogger): Promise<DataDirLock> {
    const resolvedDir = path.resolve(dataDir);
    await fs.mkdir(resolvedDir, { recursive: true });
    const lockPath = path.join(resolvedDir, LOCK_FILE_NAME);
    const content: LockContent = {
      pid: process.pid,
      startedAt: new Date().toISOString(),
      token: randomBytes(8).toString('hex'),
    };
    const tempPath = `${lockPath}.${process.pid}.${content.token}.tmp`;
    await writeFileDurably(tempPath, JSON.stringify(content));
    try {
      // Two rounds: the second one follows the removal of a stale lock.
      for (let attempt = 0; attempt < 3; attempt++) {
        try {
          await fs.link(tempPath, lockPath);
          await fsyncDirectory(resolvedDir);
          return new DataDirLock(resolvedDir, content);
        } catch (error) {
          if (!isErrno(error, 'EEXIST')) throw error;
        }
        await DataDirLock.removeIfStale(resolvedDir, lockPath, logger);
      }
      const owner = parseLock(await fs.readFile(lockPath, 'utf8').catch(() => ''));
      throw new DataDirLockedError(resolvedDir, owner?.pid ?? 0, owner?.uri ?? null);
    } finally {
      await fs.rm(tempPath, { force: true });
    }
  }

  /**
   * Throws DataDirLockedError if the lock's owner is alive; otherwise removes the lock.
   *
   * Removal renames the lock to a private name first and checks what was renamed: if a
   * racing process already replaced the stale lock with its own live one, that lock is put
   * back instead of deleted, so two processes taking over the same stale lock cannot both win.
   */
  private static async removeIfStale(dataDir: string, lockPath: string, logger: PersistenceLogger): Promise<void> {
    const text = await fs.readFile(lockPath, 'utf8').catch((error: unknown) => {
      if (isErrno(error, 'ENOENT')) return null;
      throw error;
    });
    if (text === null) return;
    const owner = parseLock(text);
    if (owner !== null && isProcessAlive(owner.pid)) {
      throw new DataDirLockedError(dataDir, owner.pid, owner.uri ?? null);
    }
    // An unparsable lock is a leftover too: ours are linked into place complete, never half-written.

    const asidePath = `${lockPath}.stale-${process.pid}-${randomBytes(4).toString('hex')}`;
    try {
      await fs.rename(lockPath, asidePath);
    } catch (error) {
      if (isErrno(error, 'ENOENT')) return;
      throw error;
    }
    const moved = parseLock(await fs.readFile(asidePath, 'utf8').catch(() => ''));
    if (moved !== null && isProcessAlive(moved.pid)) {
      // We grabbed a live lock that replaced the stale one meanwhile: restore it.
      await fs.link(asidePath, lockPath).catch(() => undefined);
      await fs.rm(asidePath, { force: true });
      throw new DataDirLockedError(dataDir, moved.pid, moved.uri ?? null);
    }
    await fs.rm(asidePath, { force: true });
    logger.warn(
      { dataDir, stalePid: owner?.pid ?? null, staleSince: owner?.startedAt ?? null },
      'took over a stale data directory lock (its process is gone)',
    );
  }

  get uri(): string | null {
    return this.content.uri ?? null;
  }

  /**
   * Records the URI the embedded server listens on, so other tools can connect to it.
   * Synchronous on purpose: it is a few bytes, and callers record it right after `listen`
   * without having to handle one more promise.
   */
  setUri(uri: string): void {
    if (this.released) throw new Error('the data directory lock has been released');
    const next: LockContent = { ...this.content, uri };
    const tempPath = `${this.lockPath}.${process.pid}.${next.token}.tmp`;
    const fd = openSync(tempPath, 'w');
    try {
      writeSync(fd, JSON.stringify(next));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    // rename over the lock is atomic: readers see the old or the new content, never no lock.
    renameSync(tempPath, this.lockPath);
    this.content = next;
  }

  /** Removes the lock if it is still ours. Safe to call twice. */
  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    const text = await fs.readFile(this.lockPath, 'utf8').catch(() => null);
    const current = text === null ? null : parseLock(text);
    if (current !== null && current.token === this.content.token) {
      await fs.rm(this.lockPath, { force: true });
    }
  }
}

/** Makes a create, rename or unlink in `dir` durable. */
export async function fsyncDirectory(dir: string): Promise<void> {
  const handle = await fs.open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
