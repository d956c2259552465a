/** What every command handler receives, and the shape of a handler. */
import type { Document } from 'bson';
import type { Engine } from '../engine/engine';
import type { WriteOutcome } from '../engine/engine';
import type { EmbeddedLogger } from '../logger';

export interface CommandContext {
  engine: Engine;
  db: string;
  connectionId: number;
  logger: EmbeddedLogger;
  /**
   * Runs a synchronous engine write and makes its journal batch durable before resolving,
   * so a handler replies only once the write is acknowledged by persistence.
   */
  write<T>(fn: () => T): Promise<WriteOutcome<T>>;
}

export type CommandHandler = (ctx: CommandContext, cmd: Document) => Promise<Document> | Document;

export type CommandTable = Record<string, CommandHandler>;
