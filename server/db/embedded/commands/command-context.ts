/** What every command handler receives, and the shape of a handler. */
import type { Document } from 'bson';
import type { Engine } from '../engine/engine';
import type { WriteOutcome } from '../engine/engine';
import type { EmbeddedLogger } from '../logger';
import type { CollectionStore, TransactionWorkspace } from '../engine/transactions';
import type { SessionRegistry } from './sessions';

export interface CommandContext {
  engine: Engine;
  /** Where commands find collections: the engine, or the fork of the transaction the command runs in. */
  store: CollectionStore;
  /** The transaction this command belongs to, if any. */
  txn: TransactionWorkspace | null;
  db: string;
  connectionId: number;
  logger: EmbeddedLogger;
  /**
   * Runs a synchronous engine write and makes its journal batch durable before resolving,
   * so a handler replies only once the write is acknowledged by persistence.
   */
  write<T>(fn: () => T): Promise<WriteOutcome<T>>;
  /**
   * Applies a synchronous engine write now and starts making it durable; `acknowledged`
   * settles when it is (or rejects, the write rolled back). For commands applied in slices.
   */
  apply<T>(fn: () => T): { outcome: WriteOutcome<T>; acknowledged: Promise<void> };
  /** Commits a transaction: its writes applied and made durable as one batch. */
  commit(txn: TransactionWorkspace): Promise<void>;
  sessions: SessionRegistry;
  /**
   * The server's own event-loop delay (perf_hooks, 10 ms resolution) since the last reset:
   * how long any command or housekeeping held everything else up.
   */
  eventLoopDelay(reset: boolean): { maxMs: number; p99Ms: number; meanMs: number; sinceMs: number };
  /** Compacts the store now (the `compact` command); resolves when the new snapshot is durable. */
  compact(): Promise<void>;
}

export type CommandHandler = (ctx: CommandContext, cmd: Document) => Promise<Document> | Document;

export type CommandTable = Record<string, CommandHandler>;
