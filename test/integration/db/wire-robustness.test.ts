/**
 * Raw-socket checks of the wire layer: a malformed message costs only its own connection;
 * document sequences (OP_MSG section kind 1) work. These hold against real MongoDB too.
 */
import net from 'node:net';
import { MongoClient } from 'mongodb';
import { withDatabase, type TestDatabase } from '../../helpers/embedded';
import { connectRaw, opMsg, readReply } from '../../helpers/raw-wire';

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

function waitForClose(socket: net.Socket): Promise<'closed'> {
  return new Promise((resolve) => {
    if (socket.destroyed) resolve('closed');
    socket.once('close', () => resolve('closed'));
  });
}


test('when a client sends a message with an impossible length, then that socket closes and others are still served', async () => {
  const bad = await connectRaw(testDb.uri);
  const closed = waitForClose(bad);
  const garbage = Buffer.alloc(16);
  garbage.writeInt32LE(5, 0); // shorter than a header
  bad.write(garbage);
  await expect(closed).resolves.toBe('closed');
  const ping = await client.db('admin').command({ ping: 1 });
  expect(ping.ok).toBe(1);
});

test('when a client sends an OP_MSG whose body is not BSON, then that socket closes and others are still served', async () => {
  const bad = await connectRaw(testDb.uri);
  const closed = waitForClose(bad);
  const msg = opMsg(1, { ping: 1, $db: 'admin' });
  msg.writeInt32LE(9999, 21); // corrupt the BSON length of the body
  bad.write(msg);
  await expect(closed).resolves.toBe('closed');
  await expect(client.db('admin').command({ ping: 1 })).resolves.toMatchObject({ ok: 1 });
});

test('when an insert carries its documents in a kind-1 document sequence, then they are all inserted', async () => {
  const socket = await connectRaw(testDb.uri);
  const replyPromise = readReply(socket);
  socket.write(opMsg(7, { insert: 'raw_seq', $db: testDb.dbName }, [['documents', [{ _id: 1, a: 'x' }, { _id: 2, a: 'y' }]]]));
  const reply = await replyPromise;
  socket.destroy();
  expect(reply).toMatchObject({ ok: 1, n: 2 });
  const docs = await client.db(testDb.dbName).collection('raw_seq').find({}).sort({ _id: 1 }).toArray();
  expect(docs).toEqual([{ _id: 1, a: 'x' }, { _id: 2, a: 'y' }]);
});

test('when an unknown command arrives over a raw socket, then the reply is CommandNotFound and the socket stays usable', async () => {
  const socket = await connectRaw(testDb.uri);
  const first = readReply(socket);
  socket.write(opMsg(1, { noSuchThing: 1, $db: 'admin' }));
  await expect(first).resolves.toMatchObject({ ok: 0, code: 59, codeName: 'CommandNotFound' });
  const second = readReply(socket);
  socket.write(opMsg(2, { ping: 1, $db: 'admin' }));
  await expect(second).resolves.toMatchObject({ ok: 1 });
  socket.destroy();
});
