/**
 * Routes a command document to its handler and guarantees a reply: unknown commands get
 * CommandNotFound, any exception becomes an error reply. Nothing thrown here reaches the
 * socket layer except as a reply.
 */
import type { Document } from 'bson';
import { MongoError, isClientError, toMongoError } from '../errors';
import type { CommandContext, CommandTable } from './command-context';
import { adminCommands } from './admin-commands';
import { handshakeCommands } from './handshake-commands';
import type { TransactionWorkspace } from '../engine/transactions';
import { readCommands } from './read-commands';
import { writeCommands } from './write-commands';

const COMMANDS: CommandTable = {
  ...handshakeCommands,
  ...readCommands,
  ...writeCommands,
  ...adminCommands,
};

/** Commands that change collections or indexes themselves: not inside a transaction here. */
const DDL_COMMANDS = new Set(['create', 'drop', 'dropDatabase', 'createIndexes', 'dropIndexes', 'compact']);

export async function dispatchCommand(ctx: CommandContext, cmd: Document): Promise<Document> {
  const name = Object.keys(cmd)[0];
  let txn: TransactionWorkspace | null = null;
  try {
    if (name === undefined) throw new MongoError('FailedToParse', 'empty command document');
    if (name === 'commitTransaction') return await ctx.sessions.commit(cmd, (workspace) => ctx.commit(workspace));
    if (name === 'abortTransaction') return ctx.sessions.abort(cmd);
    const handler = Object.prototype.hasOwnProperty.call(COMMANDS, name) ? COMMANDS[name] : undefined;
    if (!handler) throw new MongoError('CommandNotFound', `no such command: '${name}'`);
    if (cmd.autocommit === false) {
      txn = ctx.sessions.enter(cmd);
      if (DDL_COMMANDS.has(name)) {
        throw new MongoError('OperationNotSupportedInTransaction', `Cannot run '${name}' in a multi-document transaction on Écart's embedded server.`);
      }
      const reply = await handler({ ...ctx, store: txn, txn }, cmd);
      // A write error inside a transaction aborts it, as in MongoDB: its writes can no longer all commit.
      if (Array.isArray(reply.writeErrors) && reply.writeErrors.length > 0) ctx.sessions.abortAfterError(txn);
      return reply;
    }
    if (cmd.startTransaction === true) {
      throw new MongoError('InvalidOptions', 'startTransaction requires autocommit: false');
    }
    return await handler(ctx, cmd);
  } catch (err) {
    if (txn !== null) ctx.sessions.abortAfterError(txn);
    const mongoError = toMongoError(err);
    if (!isClientError(err)) ctx.logger.error({ err, command: name }, 'embedded server command failed unexpectedly');
    return mongoError.toReply();
  }
}
