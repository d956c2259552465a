import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  createFilePersistence,
  DataDirLock,
  DataDirLockedError,
  LOCK_FILE_NAME,
  readDataDirOwner,
  type FilePersistence,
} from '../../../../server/db/embedded/persistence';
import { discardingSink, makeRecordingLogger, makeTempDir, removeDir, type RecordingLogger } from '../../../helpers/persistence-fixtures';

/** A pid that certainly belonged to a process and certainly is gone: a child that has exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', ''], { stdio: 'ignore' });
  expect(child.status).toBe(0);
  expect(child.pid).toBeGreaterThan(0);
  return child.pid ?? 0;
}

describe('data directory lock', () => {
  let dataDir: string;
  let logger: RecordingLogger;
  const opened: FilePersistence[] = [];

  function create(): FilePersistence {
    const persistence = createFilePersistence({ dataDir, logger, compactOnClose: false });
    opened.push(persistence);
    return persistence;
  }

  beforeEach(() => {
    dataDir = makeTempDir();
    logger = makeRecordingLogger();
  });

  afterEach(async () => {
    await Promise.all(opened.splice(0).map((p) => p.close().catch(() => undefined)));
    removeDir(dataDir);
  });

  it('when a second store opens a directory already open, then it fails with DataDirLockedError naming the owner and its URI', async () => {
    const first = create();
    await first.load(discardingSink());
    first.recordUri('mongodb://127.0.0.1:4567');

    const error = await create().load(discardingSink()).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DataDirLockedError);
    expect(error).toMatchObject({ pid: process.pid, uri: 'mongodb://127.0.0.1:4567' });
    expect((error as Error).message).toBe(
      `DATA_DIR ${dataDir} is in use by process ${process.pid} (mongodb://127.0.0.1:4567)`,
    );
    // The owner is untouched and keeps working.
    await first.append([{ op: 'dropDatabase', db: 'a' }]);
    expect(readDataDirOwner(dataDir)).toMatchObject({ pid: process.pid, uri: 'mongodb://127.0.0.1:4567' });
  });

  it('when the owner has not recorded a URI yet, then the error says so by leaving it out', async () => {
    await create().load(discardingSink());
    await expect(create().load(discardingSink())).rejects.toThrow(new RegExp(`in use by process ${process.pid}$`));
  });

  it('when the lock was left by a process that is gone, then it is taken over and the takeover is logged', async () => {
    const stalePid = deadPid();
    writeFileSync(path.join(dataDir, LOCK_FILE_NAME), JSON.stringify({ pid: stalePid, startedAt: '2020-01-01T00:00:00.000Z' }));
    expect(readDataDirOwner(dataDir)).toBeNull();

    await create().load(discardingSink());

    expect(logger.entries.find((e) => e.level === 'warn')).toMatchObject({
      details: { stalePid },
      message: expect.stringContaining('stale'),
    });
    expect(readDataDirOwner(dataDir)).toMatchObject({ pid: process.pid, uri: null });
    expect(readdirSync(dataDir).filter((n) => n.startsWith(`${LOCK_FILE_NAME}.`))).toEqual([]);
  });

  it('when the lock file holds no readable JSON, then it is treated as a leftover and taken over', async () => {
    writeFileSync(path.join(dataDir, LOCK_FILE_NAME), '{"pid":');
    await create().load(discardingSink());
    expect(readDataDirOwner(dataDir)?.pid).toBe(process.pid);
    expect(logger.messages('warn')).toEqual([expect.stringContaining('stale')]);
  });

  it('when several stores race to open the same directory, then exactly one gets it', async () => {
    const results = await Promise.allSettled([create().load(discardingSink()), create().load(discardingSink()), create().load(discardingSink()), create().load(discardingSink())]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const rejections = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
    expect(rejections).toHaveLength(3);
    for (const reason of rejections) expect(reason).toBeInstanceOf(DataDirLockedError);
  });

  it('when the store closes, then the lock file is removed and readDataDirOwner returns null', async () => {
    const persistence = create();
    await persistence.load(discardingSink());
    persistence.recordUri('mongodb://127.0.0.1:1');
    expect(readDataDirOwner(dataDir)?.uri).toBe('mongodb://127.0.0.1:1');

    await persistence.close();

    expect(existsSync(path.join(dataDir, LOCK_FILE_NAME))).toBe(false);
    expect(readDataDirOwner(dataDir)).toBeNull();
    await create().load(discardingSink());
  });

  it('when there is no data directory at all, then readDataDirOwner returns null', () => {
    expect(readDataDirOwner(path.join(dataDir, 'does-not-exist'))).toBeNull();
  });

  it('when the lock holds its pid, start time and URI, then it is plain JSON other tools can read', async () => {
    const lock = await DataDirLock.acquire(dataDir, logger);
    lock.setUri('mongodb://127.0.0.1:9');
    const content = JSON.parse(readFileSync(path.join(dataDir, LOCK_FILE_NAME), 'utf8')) as Record<string, unknown>;
    expect(content).toMatchObject({ pid: process.pid, uri: 'mongodb://127.0.0.1:9', startedAt: expect.any(String) });
    await lock.release();
    expect(existsSync(path.join(dataDir, LOCK_FILE_NAME))).toBe(false);
  });

  it('when a released lock is used again, then recording a URI fails instead of recreating the lock', async () => {
    const lock = await DataDirLock.acquire(dataDir, logger);
    await lock.release();
    expect(() => lock.setUri('mongodb://x')).toThrow(/released/);
    expect(existsSync(path.join(dataDir, LOCK_FILE_NAME))).toBe(false);
  });

  it('when another process took the lock after ours was removed, then releasing ours leaves theirs alone', async () => {
    const lock = await DataDirLock.acquire(dataDir, logger);
    const theirs = JSON.stringify({ pid: process.pid, startedAt: 'x', token: 'someone-else' });
    writeFileSync(path.join(dataDir, LOCK_FILE_NAME), theirs);
    await lock.release();
    expect(readFileSync(path.join(dataDir, LOCK_FILE_NAME), 'utf8')).toBe(theirs);
  });
});
