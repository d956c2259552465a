import mongoose from 'mongoose';
import { withVersionBumpAfter } from '../content-version.service';
import type { Actor } from '../revisions.service';

// Every query, save and aggregate started inside connection.transaction() joins its
// session by itself. Without this, a write the action forgot to pass a session to would
// commit on its own, outside the transaction: the half-done action this module exists to prevent.
mongoose.set('transactionAsyncLocalStorage', true);

/** Who acts, and Écart's clock and newsroom zone at the time of the action. */
export interface EditorActionContext {
  actor: Actor;
  now: Date;
  timeZone: string;
}

/**
 * Runs one editor action in one transaction: the entity, its Update, its Revision and the
 * claim's tracking are committed together or not at all (a crash in between leaves nothing).
 * A transient conflict with another editor's transaction is retried by the driver, so
 * `action` must read what it needs inside, never before. Pages cached from the content
 * before the commit stay valid until the one version bump that follows it.
 *
 * On MongoDB, transactions need a replica set (Atlas always is one); the embedded server
 * provides them standalone.
 */
export async function runEditorAction<T>(action: () => Promise<T>): Promise<T> {
  let result: { value: T } | null = null;
  await withVersionBumpAfter(() =>
    mongoose.connection.transaction(async () => {
      result = { value: await action() };
    }),
  );
  if (result === null) throw new Error('The editor action committed without a result');
  return (result as { value: T }).value;
}
