/**
 * Kills a writer process with SIGKILL at a random moment and checks that every insert it
 * had acknowledged survives a restart. The child runs the compiled
 * dist/test/helpers/durability-writer.js (`npm run build` first).
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { MongoClient, type Db } from 'mongodb';
import { startEmbeddedServer } from '../../../server/db/embedded';
import {
  createFilePersistence,
  DataDirLockedError,
  readDataDirOwner,
} from '../../../server/db/embedded/persistence';
import { discardingSink, makeRecordingLogger, makeTempDir, removeDir } from '../../helpers/persistence-fixtures';

const WRITER = path.resolve(__dirname, '../../../dist/test/helpers/durability-writer.js');

interface Writer {
  child: ChildProcessWithoutNullStreams;
  acked: number[];
  stderr: () => string;
  ready: Promise<string>;
  firstAck: Promise<void>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function startWriter(dataDir: string, run: string, args: string[] = []): Writer {
  const child = spawn(process.execPath, [WRITER, dataDir, run, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  const acked: number[] = [];
  let stderr = '';
  let pending = '';
  let onReady: (uri: string) => void = () => undefined;
  let onFirstAck: () => void = () => undefined;
  const ready = new Promise<string>((resolve) => (onReady = resolve));
  const firstAck = new Promise<void>((resolve) => (onFirstAck = resolve));
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    pending += chunk;
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      if (line.startsWith('ready ')) onReady(line.slice('ready '.length));
      if (line.startsWith('ack ')) {
        acked.push(Number(line.slice('ack '.length)));
        onFirstAck();
      }
    }
  });
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => (stderr += chunk));
  // 'close' (not 'exit') so every byte the child wrote to stdout has been read.
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal })),
  );
  return { child, acked, stderr: () => stderr, ready, firstAck, exited };
}

/** Restarts the store on `dataDir` (as after the crash) and reads what it holds through the driver. */
async function afterRestart<T>(dataDir: string, read: (db: Db) => Promise<T>): Promise<T> {
  const persistence = createFilePersistence({ dataDir, logger: makeRecordingLogger() });
  const server = await startEmbeddedServer({ persistence });
  const client = new MongoClient(server.uri);
  try {
    return await read(client.db('durability'));
  } finally {
    await client.close();
    await server.close();
  }
}

function readSeqsByRun(dataDir: string): Promise<Map<string, Set<number>>> {
  return afterRestart(dataDir, async (db) => {
    const docs = await db.collection('writes').find({}, { projection: { run: 1, seq: 1 } }).toArray();
    const byRun = new Map<string, Set<number>>();
    for (const doc of docs) {
      const run = String(doc.run);
      if (!byRun.has(run)) byRun.set(run, new Set());
      byRun.get(run)?.add(Number(doc.seq));
    }
    return byRun;
  });
}

/** seq → how many of the transaction's three documents (two in writes, one in txnlog) are stored. */
function readTransactionParts(dataDir: string, run: string): Promise<Map<number, number>> {
  return afterRestart(dataDir, async (db) => {
    const docs = [...(await db.collection('writes').find({ run }).toArray()), ...(await db.collection('txnlog').find({ run }).toArray())];
    const parts = new Map<number, number>();
    for (const doc of docs) parts.set(Number(doc.seq), (parts.get(Number(doc.seq)) ?? 0) + 1);
    return parts;
  });
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Starts a writer, lets it acknowledge for a random 100–600 ms, then kills it with SIGKILL. */
async function killAtRandom(writers: Writer[], dataDir: string, run: string, args: readonly string[]): Promise<{ writer: Writer; signal: NodeJS.Signals | null }> {
  const writer = startWriter(dataDir, run, [...args]);
  writers.push(writer);
  await writer.firstAck;
  await sleep(100 + Math.floor(Math.random() * 500));
  writer.child.kill('SIGKILL');
  const exit = await writer.exited;
  return { writer, signal: exit.signal };
}

describe('durability of the embedded server with file persistence', () => {
  let dataDir: string;
  const writers: Writer[] = [];

  beforeAll(() => {
    if (!existsSync(WRITER)) throw new Error(`${WRITER} is missing: run \`npm run build\` before the tests`);
  });

  beforeEach(() => {
    dataDir = makeTempDir('ecart-durability-');
  });

  afterEach(() => {
    for (const writer of writers.splice(0)) {
      if (writer.child.exitCode === null && writer.child.signalCode === null) writer.child.kill('SIGKILL');
    }
    removeDir(dataDir);
  });

  it('when a writer is killed with SIGKILL at a random moment, then every write it acknowledged is there after a restart', async () => {
    const acknowledged = new Map<string, number[]>();
    // Several kills on the same directory: each restart also recovers what the last one left,
    // and a small compaction threshold makes some kills land in the middle of a compaction.
    for (const [round, args] of [
      ['r1', ['1']],
      ['r2', ['4', '65536']],
      ['r3', ['8', '32768']],
    ] as const) {
      const { writer, signal } = await killAtRandom(writers, dataDir, round, args);
      expect({ round, signal }).toEqual({ round, signal: 'SIGKILL' });
      acknowledged.set(round, [...writer.acked]);

      const stored = await readSeqsByRun(dataDir);
      for (const [run, seqs] of acknowledged) {
        const present = stored.get(run) ?? new Set<number>();
        const missing = seqs.filter((seq) => !present.has(seq));
        expect({ run, acknowledged: seqs.length > 0, missing }).toEqual({ run, acknowledged: true, missing: [] });
      }
    }
  }, 60_000);

  it('when a writer of transactions is killed with SIGKILL, then each acknowledged transaction is whole after a restart and no other is partly there', async () => {
    for (const [round, args] of [
      ['t1', ['4', '-', 'txn']],
      ['t2', ['8', '65536', 'txn']],
    ] as const) {
      const { writer, signal } = await killAtRandom(writers, dataDir, round, args);
      expect({ round, signal }).toEqual({ round, signal: 'SIGKILL' });

      const parts = await readTransactionParts(dataDir, round);
      const acked = [...writer.acked];
      expect(acked.length).toBeGreaterThan(0);
      const missing = acked.filter((seq) => parts.get(seq) !== 3);
      const partial = [...parts].filter(([, count]) => count !== 3).map(([seq]) => seq);
      expect({ round, missing, partial }).toEqual({ round, missing: [], partial: [] });
    }
  }, 60_000);

  it('when a second process opens the DATA_DIR of a live one, then it fails with a clear error and the first keeps its data', async () => {
    const first = startWriter(dataDir, 'owner', ['1']);
    writers.push(first);
    const uri = await first.ready;
    await first.firstAck;

    const second = startWriter(dataDir, 'intruder', ['1']);
    writers.push(second);
    const exit = await second.exited;
    expect(exit.code).toBe(3);
    expect(second.stderr()).toContain(`DATA_DIR ${dataDir} is in use by process ${first.child.pid} (${uri})`);
    expect(second.acked).toEqual([]);

    // In this process too: the lock names the owner and its URI, and opening fails cleanly.
    expect(readDataDirOwner(dataDir)).toMatchObject({ pid: first.child.pid, uri });
    const error = await createFilePersistence({ dataDir, logger: makeRecordingLogger() })
      .load(discardingSink())
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect(error).toBeInstanceOf(DataDirLockedError);
    expect(error).toMatchObject({ pid: first.child.pid, uri });

    first.child.kill('SIGKILL');
    await first.exited;
    const stored = await readSeqsByRun(dataDir);
    const missing = first.acked.filter((seq) => !stored.get('owner')?.has(seq));
    expect(first.acked.length).toBeGreaterThan(0);
    expect(missing).toEqual([]);
    expect(stored.has('intruder')).toBe(false);
  }, 60_000);
});
