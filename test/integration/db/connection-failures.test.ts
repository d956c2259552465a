/**
 * What the server does when answering one message fails outside a command handler (a reply
 * that cannot be encoded, a bug around dispatch): the client gets an error reply when one can
 * be encoded, otherwise only that connection is closed; the process and every other
 * connection carry on. Failures are injected by spying on the wire layer's exports, so this
 * file runs its own in-process embedded server (never MONGODB_URI).
 */
import net from 'node:net';
import vm from 'node:vm';
import { MongoClient } from 'mongodb';
import { startEmbeddedServer, type EmbeddedServer } from '../../../server/db/embedded';
import * as wireProtocol from '../../../server/db/embedded/wire-protocol';
import * as dispatch from '../../../server/db/embedded/commands/dispatch';
import { connectRaw, opMsg, readReply } from '../../helpers/raw-wire';

interface LogEntry {
  level: string;
  obj: object | string;
  msg: string | undefined;
}

/**
 * Node emits 'unhandledRejection' on the real process object; inside a test file `process`
 * is Jest's per-file copy, whose events Node never emits. The top-level context's `process`
 * is the real one.
 */
const realProcess = vm.runInThisContext('process') as NodeJS.Process;

const logs: LogEntry[] = [];
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown): void => {
  unhandled.push(reason);
};
let server: EmbeddedServer;
let client: MongoClient;

const realEncodeReply = wireProtocol.encodeReply;

beforeAll(async () => {
  realProcess.on('unhandledRejection', onUnhandled);
  const record = (level: string) => (obj: object | string, msg?: string) => {
    logs.push({ level, obj, msg });
  };
  server = await startEmbeddedServer({ logger: { info: record('info'), warn: record('warn'), error: record('error'), debug: record('debug') } });
  client = await MongoClient.connect(server.uri);
});

afterAll(async () => {
  await client.close();
  await server.close();
  realProcess.off('unhandledRejection', onUnhandled);
});

afterEach(() => {
  jest.restoreAllMocks();
});

/** Encoding fails for any request whose command carries `poison`, `times` times at most. */
function poisonEncoding(times: number): void {
  let left = times;
  jest.spyOn(wireProtocol, 'encodeReply').mockImplementation((request, reply) => {
    if (request.command.poison === true && left > 0) {
      left -= 1;
      throw new Error('injected encoding failure');
    }
    return realEncodeReply(request, reply);
  });
}

function waitForClose(socket: net.Socket, timeoutMs = 2000): Promise<'closed' | 'still open'> {
  return new Promise((resolve) => {
    if (socket.destroyed) resolve('closed');
    socket.once('close', () => resolve('closed'));
    setTimeout(() => resolve('still open'), timeoutMs).unref();
  });
}

/** Lets any stray rejection reach the 'unhandledRejection' event before we look. */
function settle(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 50));
}

test('when a poisoned message cannot even be answered with an error, then only its own connection closes and the process survives', async () => {
  const bystander = await connectRaw(server.uri);
  const poisoned = await connectRaw(server.uri);
  poisonEncoding(2); // the reply and the error reply both fail
  const closed = waitForClose(poisoned);
  // A ping queued behind the poisoned message on the same connection must not be answered.
  let answeredAfterPoison = false;
  poisoned.on('data', () => {
    answeredAfterPoison = true;
  });
  poisoned.write(Buffer.concat([opMsg(1, { ping: 1, poison: true, $db: 'admin' }), opMsg(2, { ping: 1, $db: 'admin' })]));
  await expect(closed).resolves.toBe('closed');
  expect(answeredAfterPoison).toBe(false);

  const reply = readReply(bystander);
  bystander.write(opMsg(3, { ping: 1, $db: 'admin' }));
  await expect(reply).resolves.toMatchObject({ ok: 1 });
  bystander.destroy();
  await expect(client.db('admin').command({ ping: 1 })).resolves.toMatchObject({ ok: 1 });

  await settle();
  expect(unhandled).toEqual([]);
  expect(logs).toContainEqual(
    expect.objectContaining({ level: 'error', msg: 'embedded server closed a connection after failing to answer a message' }),
  );
});

test('when a reply cannot be encoded once, then the client gets an InternalError reply and its connection stays usable', async () => {
  const socket = await connectRaw(server.uri);
  poisonEncoding(1);
  const first = readReply(socket);
  socket.write(opMsg(1, { ping: 1, poison: true, $db: 'admin' }));
  await expect(first).resolves.toMatchObject({
    ok: 0,
    code: 1,
    codeName: 'InternalError',
    errmsg: 'could not encode reply: injected encoding failure',
  });
  const second = readReply(socket);
  socket.write(opMsg(2, { ping: 1, $db: 'admin' }));
  await expect(second).resolves.toMatchObject({ ok: 1 });
  socket.destroy();
  await settle();
  expect(unhandled).toEqual([]);
});

test('when dispatch itself throws, then the client gets an InternalError reply and its connection stays usable', async () => {
  const socket = await connectRaw(server.uri);
  jest.spyOn(dispatch, 'dispatchCommand').mockRejectedValueOnce(new Error('injected dispatch failure'));
  const first = readReply(socket);
  socket.write(opMsg(1, { ping: 1, $db: 'admin' }));
  await expect(first).resolves.toMatchObject({ ok: 0, code: 1, errmsg: 'could not run the command: injected dispatch failure' });
  const second = readReply(socket);
  socket.write(opMsg(2, { ping: 1, $db: 'admin' }));
  await expect(second).resolves.toMatchObject({ ok: 1 });
  socket.destroy();
  await settle();
  expect(unhandled).toEqual([]);
  expect(logs).toContainEqual(expect.objectContaining({ level: 'error', msg: 'embedded server could not run the command' }));
});
