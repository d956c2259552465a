import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MongoClient } from 'mongodb';
import mongoose from 'mongoose';
import { connectDatabase } from '../../server/db/connect';
import { silentLogger } from '../helpers/app';
import { childEnv, ROOT, startServerProcess } from '../helpers/server-process';

const CLI = path.join(ROOT, 'dist/server/db/embedded/cli.js');

function startDbCli(dataDir: string) {
  const child = spawn(process.execPath, [CLI, '--port', '0'], { env: childEnv({ DATA_DIR: dataDir, LOG_LEVEL: 'silent' }) });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const uri = new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /(mongodb:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    void exited.then((code) => reject(new Error(`npm run db exited with ${code}: ${out}`)));
  });
  return { child, uri, exited };
}

describe('database tools', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ecart-tools-'));
  });
  afterEach(() => {
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('when `npm run db` is started on a DATA_DIR, then a MongoDB client can write there and the data survives a restart', async () => {
    const first = startDbCli(dataDir);
    const client = new MongoClient(await first.uri);
    await client.db('ecart').collection('notes').insertOne({ _id: 'n1' as never, text: 'Écart' });
    await client.close();
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);

    const second = startDbCli(dataDir);
    const again = new MongoClient(await second.uri);
    expect(await again.db('ecart').collection('notes').findOne({ _id: 'n1' as never })).toEqual({ _id: 'n1', text: 'Écart' });
    await again.close();
    second.child.kill('SIGINT');
    expect(await second.exited).toBe(0);
  });

  it('when the app holds DATA_DIR, then a command-line tool connects to the app’s embedded server instead of opening the store', async () => {
    const app = await startServerProcess({ DATA_DIR: dataDir });
    try {
      const handle = await connectDatabase({ mongodbUri: undefined, dataDir }, silentLogger, { role: 'tool', dbName: 'ecart' });
      try {
        expect(handle.kind).toBe('embedded-shared');
        await mongoose.connection.db!.collection('probe').insertOne({ from: 'tool' });
        expect(await handle.ping()).toBe(true);
      } finally {
        await handle.close();
      }
    } finally {
      app.child.kill('SIGTERM');
    }
    expect(await app.exited).toBe(0);

    // What the tool wrote went through the app's server into the app's store.
    const handle = await connectDatabase({ mongodbUri: undefined, dataDir }, silentLogger, { role: 'tool', dbName: 'ecart' });
    try {
      expect(handle.kind).toBe('embedded');
      expect(await mongoose.connection.db!.collection('probe').countDocuments({ from: 'tool' })).toBe(1);
    } finally {
      await handle.close();
    }
  });
});
