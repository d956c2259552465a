/**
 * The TCP side: accepts connections, frames messages, runs commands one at a time per
 * connection (as MongoDB does), and writes replies. A malformed message closes only its
 * own connection.
 */
import net from 'node:net';
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import type { JournalBatch, Persistence } from './persistence.types';
import { MongoError } from './errors';
import type { Engine, WriteOutcome } from './engine/engine';
import type { TransactionWorkspace } from './engine/transactions';
import { SessionRegistry } from './commands/sessions';
import type { EmbeddedLogger } from './logger';
import type { CommandContext } from './commands/command-context';
import { dispatchCommand } from './commands/dispatch';
import { MessageFramer, ProtocolError, encodeReply, parseMessage, type CommandRequest } from './wire-protocol';

const TTL_SWEEP_INTERVAL_MS = 60_000;
const CURSOR_REAP_INTERVAL_MS = 60_000;
const TRANSACTION_REAP_INTERVAL_MS = 5_000;

export interface WireServerOptions {
  engine: Engine;
  persistence: Persistence | undefined;
  logger: EmbeddedLogger;
}

export class WireServer {
  private readonly engine: Engine;
  private readonly persistence: Persistence | undefined;
  private readonly logger: EmbeddedLogger;
  private readonly server: net.Server;
  private readonly sockets = new Set<net.Socket>();
  private readonly pendingAppends = new Set<Promise<void>>();
  /** Writes applied in memory whose journal append has not resolved yet, oldest first. */
  private readonly unacknowledged: WriteOutcome<unknown>[] = [];
  /** Set once the journal failed: every later write is refused until a restart. */
  private journalFailure: Error | null = null;
  readonly sessions: SessionRegistry;
  /** How long the event loop was held up, for serverStatus: the figure issue 10 bounds. */
  private readonly loopDelay: IntervalHistogram = monitorEventLoopDelay({ resolution: 10 });
  private loopDelaySince = Date.now();
  private readonly timers: NodeJS.Timeout[] = [];
  private nextConnectionId = 1;

  constructor(opts: WireServerOptions) {
    this.engine = opts.engine;
    this.persistence = opts.persistence;
    this.logger = opts.logger;
    this.sessions = new SessionRegistry(this.engine);
    this.server = net.createServer((socket) => this.onConnection(socket));
  }

  async listen(host: string, port: number): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    this.loopDelay.enable();
    // unref: these housekeeping timers must never keep a test process or CLI alive.
    this.timers.push(setInterval(() => void this.sweepTtl(), TTL_SWEEP_INTERVAL_MS).unref());
    this.timers.push(setInterval(() => this.engine.cursors.reapIdle(), CURSOR_REAP_INTERVAL_MS).unref());
    this.timers.push(setInterval(() => this.sessions.reap(), TRANSACTION_REAP_INTERVAL_MS).unref());
    const address = this.server.address();
    if (address === null || typeof address === 'string') throw new Error('embedded server has no TCP address');
    return address.port;
  }

  /** Makes a journal batch durable; resolves at once when running in memory. */
  private async persist(batch: JournalBatch): Promise<void> {
    if (!this.persistence || batch.length === 0) return;
    const pending = this.persistence.append(batch);
    this.pendingAppends.add(pending);
    try {
      await pending;
    } finally {
      this.pendingAppends.delete(pending);
    }
  }

  /**
   * Waits for a write's journal append. If the append fails, this write and every write
   * applied after it (none of which can be acknowledged any more: the store refuses all
   * appends after a failure) are rolled back, newest first, and writes are refused from
   * then on. Nothing unacknowledged stays in memory to be served.
   */
  private async acknowledge(outcome: WriteOutcome<unknown>): Promise<void> {
    if (outcome.batch.length === 0) return;
    this.unacknowledged.push(outcome);
    try {
      await this.persist(outcome.batch);
    } catch (err) {
      this.journalFailure ??= err instanceof Error ? err : new Error(String(err));
      this.logger.error({ err }, 'embedded server could not persist a write; it was rolled back and writes are refused until restart');
      const at = this.unacknowledged.indexOf(outcome);
      if (at >= 0) {
        const failed = this.unacknowledged.splice(at);
        for (let i = failed.length - 1; i >= 0; i--) this.engine.rollback(failed[i] as WriteOutcome<unknown>);
      }
      throw new MongoError('InternalError', `write could not be made durable and was not applied: ${this.journalFailure.message}`);
    } finally {
      const at = this.unacknowledged.indexOf(outcome);
      if (at >= 0) this.unacknowledged.splice(at, 1);
    }
  }

  /** Applies a write now and starts making it durable (see acknowledge). */
  private apply<T>(fn: () => T): { outcome: WriteOutcome<T>; acknowledged: Promise<void> } {
    this.assertWritable();
    const outcome = this.engine.write(fn);
    return { outcome, acknowledged: this.acknowledge(outcome) };
  }

  private assertWritable(): void {
    if (this.journalFailure) {
      throw new MongoError('InternalError', `writes are refused since the journal failed (${this.journalFailure.message}); restart the server`);
    }
  }

  private async sweepTtl(): Promise<void> {
    try {
      if (this.journalFailure) return;
      await this.acknowledge(this.engine.sweepExpired());
    } catch (err) {
      this.logger.error({ err }, 'embedded server TTL sweep failed');
    }
  }

  private onConnection(socket: net.Socket): void {
    const connectionId = this.nextConnectionId++;
    this.sockets.add(socket);
    socket.setNoDelay(true);
    const framer = new MessageFramer();
    let queue: Promise<void> = Promise.resolve();
    const ctx = this.contextFor(connectionId);

    socket.on('data', (chunk: Buffer) => {
      let messages: Buffer[];
      try {
        messages = framer.push(chunk);
      } catch (err) {
        this.dropConnection(socket, connectionId, err);
        return;
      }
      for (const message of messages) {
        // The catch keeps one failing message from poisoning the queue (every later message
        // on this connection would be skipped) or surfacing as an unhandled rejection.
        queue = queue
          .then(() => this.handleMessage(socket, connectionId, ctx, message))
          .catch((err: unknown) => this.failConnection(socket, connectionId, err));
      }
    });
    socket.on('error', (err) => this.logger.debug({ err, connectionId }, 'embedded server socket error'));
    socket.on('close', () => this.sockets.delete(socket));
  }

  private async handleMessage(socket: net.Socket, connectionId: number, ctx: CommandContext, message: Buffer): Promise<void> {
    if (socket.destroyed) return;
    let request: CommandRequest;
    try {
      request = parseMessage(message);
    } catch (err) {
      this.dropConnection(socket, connectionId, err);
      return;
    }
    let stage = 'run the command';
    let bytes: Buffer;
    try {
      const reply = await dispatchCommand({ ...ctx, db: request.db }, request.command);
      if (request.moreToCome || socket.destroyed) return;
      stage = 'encode reply';
      bytes = encodeReply(request, reply);
    } catch (err) {
      // dispatchCommand turns command failures into replies, so this is a reply that cannot
      // be encoded (e.g. over 16 MiB) or a bug. The client still gets an answer; if even that
      // fails, the error reaches the queue's catch, which closes this connection only.
      const reason = err instanceof Error ? err.message : String(err);
      this.logger.error({ err, connectionId, command: Object.keys(request.command)[0] }, `embedded server could not ${stage}`);
      if (request.moreToCome || socket.destroyed) return;
      const text = stage === 'encode reply' ? `could not encode reply: ${reason}` : `could not run the command: ${reason}`;
      bytes = encodeReply(request, new MongoError('InternalError', text).toReply());
    }
    socket.write(bytes);
  }

  private dropConnection(socket: net.Socket, connectionId: number, err: unknown): void {
    const reason = err instanceof ProtocolError ? err.message : String(err);
    this.logger.warn({ connectionId, reason }, 'embedded server closed a connection after a malformed message');
    socket.destroy();
  }

  /** A message that could not even be answered with an error: close its connection only. */
  private failConnection(socket: net.Socket, connectionId: number, err: unknown): void {
    this.logger.error({ err, connectionId }, 'embedded server closed a connection after failing to answer a message');
    socket.destroy();
  }

  private contextFor(connectionId: number): CommandContext {
    return {
      engine: this.engine,
      store: this.engine,
      txn: null,
      db: 'admin',
      connectionId,
      logger: this.logger,
      sessions: this.sessions,
      write: async <T>(fn: () => T): Promise<WriteOutcome<T>> => {
        const { outcome, acknowledged } = this.apply(fn);
        await acknowledged;
        return outcome;
      },
      apply: <T>(fn: () => T) => this.apply(fn),
      commit: async (txn: TransactionWorkspace): Promise<void> => {
        this.assertWritable();
        await this.acknowledge(this.engine.commitTransaction(txn));
      },
      eventLoopDelay: (reset: boolean) => {
        const ms = (ns: number): number => Math.round(ns / 1e4) / 100;
        const figures = {
          maxMs: ms(this.loopDelay.max),
          p99Ms: ms(this.loopDelay.percentile(99)),
          meanMs: ms(this.loopDelay.mean),
          sinceMs: Date.now() - this.loopDelaySince,
        };
        if (reset) {
          this.loopDelay.reset();
          this.loopDelaySince = Date.now();
        }
        return figures;
      },
      compact: async (): Promise<void> => {
        if (!this.persistence) return;
        await this.persistence.compact(() => this.engine.takeSnapshot());
      },
    };
  }

  async close(): Promise<void> {
    for (const timer of this.timers) clearInterval(timer);
    this.loopDelay.disable();
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const socket of this.sockets) socket.destroy();
    await closed;
    await Promise.allSettled([...this.pendingAppends]);
    this.engine.cursors.clear();
    this.sessions.clear();
  }
}

