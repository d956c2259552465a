/** Embedded-only behaviour of the command layer, called without a socket. */
import { Binary, type Document } from 'bson';
import { Engine, type WriteOutcome } from '../../../server/db/embedded/engine/engine';
import { dispatchCommand } from '../../../server/db/embedded/commands/dispatch';
import type { CommandContext } from '../../../server/db/embedded/commands/command-context';
import { silentLogger } from '../../../server/db/embedded/logger';
import { SessionRegistry } from '../../../server/db/embedded/commands/sessions';

function context(engine = new Engine()): CommandContext {
  return {
    engine,
    store: engine,
    txn: null,
    db: 'd',
    connectionId: 1,
    logger: silentLogger,
    sessions: new SessionRegistry(engine),
    write: <T>(fn: () => T): Promise<WriteOutcome<T>> => Promise.resolve(engine.write(fn)),
    apply: <T>(fn: () => T) => ({ outcome: engine.write(fn), acknowledged: Promise.resolve() }),
    commit: (txn) => Promise.resolve(void engine.commitTransaction(txn)),
    compact: () => Promise.resolve(),
    eventLoopDelay: () => ({ maxMs: 0, p99Ms: 0, meanMs: 0, sinceMs: 0 }),
  };
}

const lsid = { id: new Binary(Buffer.alloc(16, 7), Binary.SUBTYPE_UUID) };

test('when a command starts a transaction, then its writes stay in the transaction until commitTransaction', async () => {
  const engine = new Engine();
  const ctx = context(engine);
  const insert = await dispatchCommand(ctx, { insert: 'c', documents: [{ _id: 1 }], lsid, txnNumber: 1, startTransaction: true, autocommit: false });
  expect(insert).toMatchObject({ ok: 1, n: 1 });
  expect(engine.getCollection('d', 'c')).toBeUndefined();
  expect(await dispatchCommand(ctx, { commitTransaction: 1, lsid, txnNumber: 1, autocommit: false })).toEqual({ ok: 1 });
  expect(engine.getCollection('d', 'c')?.size).toBe(1);
  // A retried commit of a committed transaction succeeds, as drivers expect.
  expect(await dispatchCommand(ctx, { commitTransaction: 1, lsid, txnNumber: 1, autocommit: false })).toEqual({ ok: 1 });
});

test('when a transaction runs an index build, then it is refused and the transaction is aborted', async () => {
  const engine = new Engine();
  const ctx = context(engine);
  await dispatchCommand(ctx, { insert: 'c', documents: [{ _id: 1 }], lsid, txnNumber: 2, startTransaction: true, autocommit: false });
  const reply = await dispatchCommand(ctx, { createIndexes: 'c', indexes: [{ key: { a: 1 }, name: 'a_1' }], lsid, txnNumber: 2, autocommit: false });
  expect(reply).toMatchObject({ ok: 0, code: 263, codeName: 'OperationNotSupportedInTransaction' });
  expect(await dispatchCommand(ctx, { commitTransaction: 1, lsid, txnNumber: 2, autocommit: false })).toMatchObject({ ok: 0, code: 251 });
  expect(engine.getCollection('d', 'c')).toBeUndefined();
  expect(engine.transactionsInProgress).toBe(0);
});

test('when startTransaction comes without autocommit: false, then it is refused and nothing is written', async () => {
  const engine = new Engine();
  const reply = await dispatchCommand(context(engine), { insert: 'c', documents: [{ a: 1 }], lsid, txnNumber: 3, startTransaction: true });
  expect(reply).toMatchObject({ ok: 0, codeName: 'InvalidOptions' });
  expect(engine.getCollection('d', 'c')).toBeUndefined();
});

test('when a command carries an lsid, then it runs normally', async () => {
  const reply = await dispatchCommand(context(), { ping: 1, lsid: { id: 'x' } });
  expect(reply).toEqual({ ok: 1 });
});

test('when a handler throws an unexpected error, then it becomes an error reply', async () => {
  const engine = new Engine();
  const ctx = context(engine);
  ctx.apply = () => {
    throw new Error('disk on fire');
  };
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
