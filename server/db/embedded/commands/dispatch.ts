/**
 * Routes a command document to its handler and guarantees a reply: unknown commands get
 * CommandNotFound, any exception becomes an error reply. Nothing thrown here reaches the
 * socket layer except as a reply.
 */
import type { Document } from 'bson';
import { MongoError, isClientError, toMongoError } from '../errors';
import type { CommandContext, CommandTable } from './command-context';
import { adminCommands } from './admin-commands';
import { TRANSACTIONS_REFUSED_MESSAGE, handshakeCommands } from './handshake-commands';
import { readCommands } from './read-commands';
import { writeCommands } from './write-commands';

const COMMANDS: CommandTable = {
  ...handshakeCommands,
  ...readCommands,
  ...writeCommands,
  ...adminCommands,
};

export async function dispatchCommand(ctx: CommandContext, cmd: Document): Promise<Document> {
  const name = Object.keys(cmd)[0];
  try {
    if (name === undefined) throw new MongoError('FailedToParse', 'empty command document');
    // Refuse before running anything, so no part of a would-be transaction is applied.
    if (cmd.startTransaction === true || cmd.autocommit === false) {
      throw new MongoError('IllegalOperation', TRANSACTIONS_REFUSED_MESSAGE);
    }
    const handler = Object.prototype.hasOwnProperty.call(COMMANDS, name) ? COMMANDS[name] : undefined;
    if (!handler) throw new MongoError('CommandNotFound', `no such command: '${name}'`);
    return await handler(ctx, cmd);
  } catch (err) {
    const mongoError = toMongoError(err);
    if (!isClientError(err)) ctx.logger.error({ err, command: name }, 'embedded server command failed unexpectedly');
    return mongoError.toReply();
  }
}
