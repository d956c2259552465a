/**
 * Marks a schema as public content: every write through its model (save, insertMany,
 * bulkWrite, update and delete queries) is announced on `contentChanges` once it has
 * happened, so caches of what the public sees can be invalidated by writes, not by timers.
 * Models only announce; what to do about it belongs to the server (content versions).
 */
import { EventEmitter } from 'node:events';
import type { Schema } from 'mongoose';

export interface ContentChange {
  /** The model's name: Claim, Measurement, Update… */
  model: string;
}

export const contentChanges = new EventEmitter();
// Every app instance in a test process listens; more than the default 10 is not a leak.
contentChanges.setMaxListeners(0);

const QUERY_WRITES = ['updateOne', 'updateMany', 'findOneAndUpdate', 'replaceOne', 'deleteOne', 'deleteMany', 'findOneAndDelete', 'findOneAndReplace'] as const;

export function publicContent(schema: Schema): void {
  const announce = function announce(this: { constructor?: { modelName?: string }; model?: { modelName?: string } }): void {
    const model = this.model?.modelName ?? this.constructor?.modelName ?? 'unknown';
    contentChanges.emit('change', { model } satisfies ContentChange);
  };
  schema.post('save', announce);
  schema.post('insertMany', function announceInsert(this: { modelName?: string }) {
    contentChanges.emit('change', { model: this.modelName ?? 'unknown' } satisfies ContentChange);
  });
  schema.post('bulkWrite', function announceBulk(this: { modelName?: string }) {
    contentChanges.emit('change', { model: this.modelName ?? 'unknown' } satisfies ContentChange);
  });
  schema.post([...QUERY_WRITES], announce);
  schema.post('deleteOne', { document: true, query: false }, announce);
}
