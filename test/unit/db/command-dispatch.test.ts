/** Embedded-only behaviour of the command layer, called without a socket. */
import type { Document } from 'bson';
import { Engine, type WriteOutcome } from '../../../server/db/embedded/engine/engine';
import { dispatchCommand } from '../../../server/db/embedded/commands/dispatch';
import type { CommandContext } from '../../../server/db/embedded/commands/command-context';
import { silentLogger } from '../../../server/db/embedded/logger';

function context(engine = new Engine()): CommandContext {
  return {
    engine,
    db: 'd',
    connectionId: 1,
    logger: silentLogger,
    write: <T>(fn: () => T): Promise<WriteOutcome<T>> => Promise.resolve(engine.write(fn)),
  };
}

test('when a command starts a transaction, then it is refused with IllegalOperation and nothing is written', async () => {
  const engine = new Engine();
  const reply = await dispatchCommand(context(engine), { insert: 'c', documents: [{ a: 1 }], startTransaction: true, autocommit: false, txnNumber: 1 });
  expect(reply).toEqual({
    ok: 0,
    code: 20,
    codeName: 'IllegalOperation',
    errmsg: "Transactions are not supported by Écart's embedded server; use a real MongoDB (MONGODB_URI)",
  });
  expect(engine.getCollection('d', 'c')).toBeUndefined();
});

test('when commitTransaction arrives, then it is refused the same way', async () => {
  expect(await dispatchCommand(context(), { commitTransaction: 1 })).toMatchObject({ ok: 0, code: 20 });
});

test('when a command carries an lsid, then it runs normally', async () => {
  const reply = await dispatchCommand(context(), { ping: 1, lsid: { id: 'x' } });
  expect(reply).toEqual({ ok: 1 });
});

test('when a handler throws an unexpected error, then it becomes an error reply', async () => {
  const engine = new Engine();
  const ctx = context(engine);
  ctx.write = () => Promise.reject(new Error('disk on fire'));
  const reply: Document = await dispatchCommand(ctx, { insert: 'c', documents: [{ a: 1 }] });
  expect(reply).toMatchObject({ ok: 0, code: 1, errmsg: 'disk on fire' });
});

test('when mingo rejects an unknown query operator, then the reply is BadValue', async () => {
  const engine = new Engine();
  engine.write(() => engine.ensureCollection('d', 'c').insert({ _id: 1, a: 1 }));
  const reply = await dispatchCommand(context(engine), { find: 'c', filter: { a: { $bogus: 1 } } });
  expect(reply).toMatchObject({ ok: 0, code: 2, codeName: 'BadValue' });
});

test('when hello is asked, then the reply is a writable standalone with sessions and wire version 21', async () => {
  const reply = await dispatchCommand(context(), { hello: 1 });
  expect(reply).toMatchObject({ ok: 1, isWritablePrimary: true, logicalSessionTimeoutMinutes: 30, maxWireVersion: 21 });
  expect(reply.setName).toBeUndefined();
});
