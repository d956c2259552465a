/**
 * Connection-level commands: handshake, diagnostics that drivers/mongosh send on connect,
 * sessions, and the names of the transaction commands (their work is in dispatch.ts and sessions.ts).
 */
import type { Document } from 'bson';
import { MongoError } from '../errors';
import { MAX_BSON_OBJECT_SIZE, MAX_MESSAGE_SIZE } from '../wire-protocol';
import type { CommandContext, CommandTable } from './command-context';

/** MongoDB 7.0. Driver 6.20 accepts 8..27; 21 keeps the driver on features we implement. */
export const MAX_WIRE_VERSION = 21;
export const SERVER_VERSION = '7.0.0';

function helloReply(ctx: CommandContext, legacy: boolean): Document {
  return {
    // A standalone: no setName. The driver runs transactions against it all the same (it
    // does not check the topology), and attaches no retryable-write txnNumbers outside them.
    ...(legacy ? { ismaster: true } : { isWritablePrimary: true }),
    helloOk: true,
    maxBsonObjectSize: MAX_BSON_OBJECT_SIZE,
    maxMessageSizeBytes: MAX_MESSAGE_SIZE,
    maxWriteBatchSize: 100_000,
    localTime: new Date(),
    // Advertising sessions lets drivers send lsid (accepted and ignored).
    logicalSessionTimeoutMinutes: 30,
    connectionId: ctx.connectionId,
    minWireVersion: 0,
    maxWireVersion: MAX_WIRE_VERSION,
    readOnly: false,
    ok: 1,
  };
}

export const handshakeCommands: CommandTable = {
  hello: (ctx) => helloReply(ctx, false),
  isMaster: (ctx) => helloReply(ctx, true),
  ismaster: (ctx) => helloReply(ctx, true),
  ping: () => ({ ok: 1 }),
  buildInfo: () => buildInfoReply(),
  buildinfo: () => buildInfoReply(),
  getParameter: (_ctx, cmd) => {
    const reply: Document = { ok: 1 };
    if (cmd.featureCompatibilityVersion !== undefined || cmd.getParameter === '*') {
      reply.featureCompatibilityVersion = { version: '7.0' };
    }
    return reply;
  },
  getLog: (_ctx, cmd) =>
    cmd.getLog === '*' ? { names: ['global', 'startupWarnings'], ok: 1 } : { totalLinesWritten: 0, log: [], ok: 1 },
  getCmdLineOpts: () => ({ argv: ['ecart-embedded'], parsed: {}, ok: 1 }),
  hostInfo: () => ({ system: { currentTime: new Date(), hostname: 'localhost' }, os: { type: process.platform }, extra: {}, ok: 1 }),
  // `ecart.eventLoopDelay`: the longest the server held its event loop since the last call
  // with `ecartResetEventLoopDelay: true` (which starts a new window), for benchmarks.
  serverStatus: (ctx, cmd) => ({
    host: 'localhost',
    version: SERVER_VERSION,
    process: 'ecart-embedded',
    uptime: process.uptime(),
    localTime: new Date(),
    ecart: {
      eventLoopDelay: ctx.eventLoopDelay(cmd.ecartResetEventLoopDelay === true),
      // What the engine has read and written since it started: a test reads it around a request.
      counters: { ...ctx.engine.counters },
    },
    ok: 1,
  }),
  connectionStatus: () => ({ authInfo: { authenticatedUsers: [], authenticatedUserRoles: [] }, ok: 1 }),
  endSessions: (ctx, cmd) => {
    ctx.sessions.end(cmd.endSessions);
    return { ok: 1 };
  },
  killSessions: (ctx, cmd) => {
    ctx.sessions.end(cmd.killSessions);
    return { ok: 1 };
  },
  killAllSessions: () => ({ ok: 1 }),
  refreshSessions: () => ({ ok: 1 }),
  // Handled in dispatch.ts, which owns the sessions; listed so they are known commands.
  commitTransaction: () => {
    throw new MongoError('InternalError', 'commitTransaction is dispatched before the command table');
  },
  abortTransaction: () => {
    throw new MongoError('InternalError', 'abortTransaction is dispatched before the command table');
  },
};

function buildInfoReply(): Document {
  return {
    version: SERVER_VERSION,
    gitVersion: 'ecart-embedded',
    versionArray: [7, 0, 0, 0],
    bits: 64,
    debug: false,
    maxBsonObjectSize: MAX_BSON_OBJECT_SIZE,
    modules: [],
    storageEngines: ['ecart-embedded'],
    javascriptEngine: 'none',
    ok: 1,
  };
}
