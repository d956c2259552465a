/**
 * Raw-socket checks of the wire layer: a malformed message costs only its own connection;
 * document sequences (OP_MSG section kind 1) work. These hold against real MongoDB too.
 */
import net from 'node:net';
import { deserialize, serialize, type Document } from 'bson';
import { MongoClient } from 'mongodb';
import { withDatabase, type TestDatabase } from '../../helpers/embedded';

let testDb: TestDatabase;
let client: MongoClient;

beforeAll(async () => {
  testDb = await withDatabase();
  client = await MongoClient.connect(testDb.uri);
});

afterAll(async () => {
  await client.db(testDb.dbName).dropDatabase();
  await client.close();
  await testDb.close();
});

function hostPort(uri: string): { host: string; port: number } {
  const match = /^mongodb:\/\/([^:/]+):(\d+)/.exec(uri);
  if (!match) throw new Error(`cannot parse ${uri}`);
  return { host: match[1] as string, port: Number(match[2]) };
}

function connectRaw(): Promise<net.Socket> {
  const { host, port } = hostPort(testDb.uri);
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, host, () => resolve(socket));
    socket.once('error', reject);
  });
}

function waitForClose(socket: net.Socket): Promise<'closed'> {
  return new Promise((resolve) => {
    if (socket.destroyed) resolve('closed');
    socket.once('close', () => resolve('closed'));
  });
}

/** An OP_MSG with a body and optional kind-1 document sequences. */
function opMsg(requestId: number, body: Document, sequences: [string, Document[]][] = []): Buffer {
  const parts: Uint8Array[] = [Buffer.alloc(4)]; // flagBits = 0
  parts.push(Buffer.from([0]), serialize(body));
  for (const [id, docs] of sequences) {
    const payload = Buffer.concat([Buffer.from(`${id}\0`, 'utf8'), ...docs.map((d) => serialize(d))]);
    const size = Buffer.alloc(4);
    size.writeInt32LE(payload.length + 4);
    parts.push(Buffer.from([1]), size, payload);
  }
  const content = Buffer.concat(parts);
  const header = Buffer.alloc(16);
  header.writeInt32LE(16 + content.length, 0);
  header.writeInt32LE(requestId, 4);
  header.writeInt32LE(0, 8);
  header.writeInt32LE(2013, 12);
  return Buffer.concat([header, content]);
}

function readReply(socket: net.Socket): Promise<Document> {
  return new Promise((resolve, reject) => {
    let buffered = Buffer.alloc(0);
    const onData = (chunk: Buffer): void => {
      buffered = Buffer.concat([buffered, chunk]);
      if (buffered.length < 4 || buffered.length < buffered.readInt32LE(0)) return;
      socket.off('data', onData);
      // header (16) + flagBits (4) + section kind (1)
      resolve(deserialize(buffered.subarray(21, buffered.readInt32LE(0))));
    };
    socket.on('data', onData);
    socket.once('error', reject);
  });
}

test('when a client sends a message with an impossible length, then that socket closes and others are still served', async () => {
  const bad = await connectRaw();
  const closed = waitForClose(bad);
  const garbage = Buffer.alloc(16);
  garbage.writeInt32LE(5, 0); // shorter than a header
  bad.write(garbage);
  await expect(closed).resolves.toBe('closed');
  const ping = await client.db('admin').command({ ping: 1 });
  expect(ping.ok).toBe(1);
});

test('when a client sends an OP_MSG whose body is not BSON, then that socket closes and others are still served', async () => {
  const bad = await connectRaw();
  const closed = waitForClose(bad);
  const msg = opMsg(1, { ping: 1, $db: 'admin' });
  msg.writeInt32LE(9999, 21); // corrupt the BSON length of the body
  bad.write(msg);
  await expect(closed).resolves.toBe('closed');
  await expect(client.db('admin').command({ ping: 1 })).resolves.toMatchObject({ ok: 1 });
});

test('when an insert carries its documents in a kind-1 document sequence, then they are all inserted', async () => {
  const socket = await connectRaw();
  const replyPromise = readReply(socket);
  socket.write(opMsg(7, { insert: 'raw_seq', $db: testDb.dbName }, [['documents', [{ _id: 1, a: 'x' }, { _id: 2, a: 'y' }]]]));
  const reply = await replyPromise;
  socket.destroy();
  expect(reply).toMatchObject({ ok: 1, n: 2 });
  const docs = await client.db(testDb.dbName).collection('raw_seq').find({}).sort({ _id: 1 }).toArray();
  expect(docs).toEqual([{ _id: 1, a: 'x' }, { _id: 2, a: 'y' }]);
});

test('when an unknown command arrives over a raw socket, then the reply is CommandNotFound and the socket stays usable', async () => {
  const socket = await connectRaw();
  const first = readReply(socket);
  socket.write(opMsg(1, { noSuchThing: 1, $db: 'admin' }));
  await expect(first).resolves.toMatchObject({ ok: 0, code: 59, codeName: 'CommandNotFound' });
  const second = readReply(socket);
  socket.write(opMsg(2, { ping: 1, $db: 'admin' }));
  await expect(second).resolves.toMatchObject({ ok: 1 });
  socket.destroy();
});
