/**
 * Logical sessions and their transactions, as drivers drive them: every command of a
 * transaction carries `lsid`, `txnNumber` and `autocommit: false`; the first also carries
 * `startTransaction: true`; `commitTransaction` or `abortTransaction` ends it. A command
 * that fails inside a transaction aborts it, as MongoDB does, and a transaction left open
 * longer than MongoDB's default lifetime (60 s) is aborted by the reaper.
 */
import { Binary, Long, type Document } from 'bson';
import { MongoError } from '../errors';
import type { Engine } from '../engine/engine';
import type { TransactionWorkspace } from '../engine/transactions';

/** MongoDB's transactionLifetimeLimitSeconds default. */
export const TRANSACTION_LIFETIME_MS = 60_000;

type TxnState = 'none' | 'inProgress' | 'committed' | 'aborted';

interface SessionState {
  txnNumber: number;
  state: TxnState;
  workspace: TransactionWorkspace | null;
}

function noSuchTransaction(txnNumber: number, detail: string): MongoError {
  return new MongoError('NoSuchTransaction', `Transaction with { txnNumber: ${txnNumber} } has been aborted or was never started: ${detail}`, {
    errorLabels: ['TransientTransactionError'],
  });
}

function sessionKey(lsid: unknown): string {
  const id = (lsid as Document | undefined)?.id as unknown;
  if (id instanceof Binary) return Buffer.from(id.buffer).toString('hex');
  throw new MongoError('InvalidOptions', 'a transaction must run in a session (lsid with a UUID id)');
}

function txnNumberOf(cmd: Document): number {
  const raw = cmd.txnNumber as unknown;
  if (raw instanceof Long) return raw.toNumber();
  if (typeof raw === 'number' && Number.isInteger(raw)) return raw;
  if (typeof raw === 'bigint') return Number(raw);
  throw new MongoError('InvalidOptions', "'txnNumber' is required for a command in a multi-document transaction");
}

export class SessionRegistry {
  private readonly sessions = new Map<string, SessionState>();

  constructor(private readonly engine: Engine) {}

  private session(cmd: Document): SessionState {
    const key = sessionKey(cmd.lsid);
    let session = this.sessions.get(key);
    if (!session) {
      session = { txnNumber: -1, state: 'none', workspace: null };
      this.sessions.set(key, session);
    }
    return session;
  }

  /** The transaction a command with `autocommit: false` belongs to, starting it when asked. */
  enter(cmd: Document): TransactionWorkspace {
    const session = this.session(cmd);
    const txnNumber = txnNumberOf(cmd);
    if (cmd.startTransaction === true) {
      if (txnNumber < session.txnNumber || (txnNumber === session.txnNumber && session.state !== 'none')) {
        throw new MongoError('TransactionTooOld', `Cannot start transaction ${txnNumber} on session: a transaction numbered ${session.txnNumber} has already started`);
      }
      this.discard(session);
      session.txnNumber = txnNumber;
      session.state = 'inProgress';
      session.workspace = this.engine.beginTransaction();
      return session.workspace;
    }
    if (session.txnNumber !== txnNumber || session.state !== 'inProgress' || session.workspace === null) {
      throw noSuchTransaction(txnNumber, 'no transaction in progress with this number');
    }
    return session.workspace;
  }

  /** A command failed inside the transaction: MongoDB aborts it. */
  abortAfterError(workspace: TransactionWorkspace): void {
    for (const session of this.sessions.values()) {
      if (session.workspace === workspace) {
        this.discard(session);
        session.state = 'aborted';
      }
    }
  }

  /** commitTransaction: applies and persists through `commit`; a retried commit of a committed transaction succeeds. */
  async commit(cmd: Document, commit: (txn: TransactionWorkspace) => Promise<void>): Promise<Document> {
    const session = this.session(cmd);
    const txnNumber = txnNumberOf(cmd);
    if (session.txnNumber === txnNumber && session.state === 'committed') return { ok: 1 };
    if (session.txnNumber !== txnNumber || session.state !== 'inProgress' || session.workspace === null) {
      throw noSuchTransaction(txnNumber, 'nothing to commit');
    }
    const workspace = session.workspace;
    session.workspace = null;
    try {
      await commit(workspace);
      session.state = 'committed';
      return { ok: 1 };
    } catch (err) {
      this.engine.discardTransaction(workspace);
      session.state = 'aborted';
      throw err;
    }
  }

  abort(cmd: Document): Document {
    const session = this.session(cmd);
    const txnNumber = txnNumberOf(cmd);
    if (session.txnNumber !== txnNumber || session.state !== 'inProgress') {
      throw noSuchTransaction(txnNumber, 'nothing to abort');
    }
    this.discard(session);
    session.state = 'aborted';
    return { ok: 1 };
  }

  /** endSessions / killSessions: their open transactions are aborted. */
  end(lsids: unknown): void {
    if (!Array.isArray(lsids)) return;
    for (const lsid of lsids) {
      const id = (lsid as Document | undefined)?.id as unknown;
      if (!(id instanceof Binary)) continue;
      const key = Buffer.from(id.buffer).toString('hex');
      const session = this.sessions.get(key);
      if (session) this.discard(session);
      this.sessions.delete(key);
    }
  }

  /** Aborts transactions open longer than MongoDB's lifetime limit. */
  reap(now = Date.now()): number {
    let aborted = 0;
    for (const session of this.sessions.values()) {
      if (session.workspace && now - session.workspace.startedAt > TRANSACTION_LIFETIME_MS) {
        this.discard(session);
        session.state = 'aborted';
        aborted++;
      }
    }
    return aborted;
  }

  clear(): void {
    for (const session of this.sessions.values()) this.discard(session);
    this.sessions.clear();
  }

  private discard(session: SessionState): void {
    if (session.workspace) this.engine.discardTransaction(session.workspace);
    session.workspace = null;
  }
}
