/**
 * Shared by the persistence tests: temp data directories, a logger that records what it was
 * told, and a tiny reference model that applies journal ops the way the engine does, so a
 * test can compare "what was acknowledged" with "what load() gives back" as one digest.
 */
import { EJSON, type Document } from 'bson';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { IndexSpec, JournalBatch, JournalOp, LoadedState, Snapshot } from '../../server/db/embedded/persistence.types';
import type { PersistenceLogger } from '../../server/db/embedded/persistence';
import { LOCK_FILE_NAME } from '../../server/db/embedded/persistence';

export function makeTempDir(prefix = 'ecart-persistence-'): string {
  return mkdtempSync(path.join(os.tmpdir(), prefix));
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** What a crash right now would leave on disk (minus our own lock, whose pid is alive). */
export function copyDataDir(from: string, to: string): void {
  cpSync(from, to, { recursive: true, filter: (source) => path.basename(source) !== LOCK_FILE_NAME });
}

export interface LogEntry {
  level: 'info' | 'warn' | 'error';
  details: object;
  message: string;
}

export interface RecordingLogger extends PersistenceLogger {
  entries: LogEntry[];
  messages(level: LogEntry['level']): string[];
}

export function makeRecordingLogger(): RecordingLogger {
  const entries: LogEntry[] = [];
  const record =
    (level: LogEntry['level']) =>
    (details: object, message: string): void => {
      entries.push({ level, details, message });
    };
  return {
    entries,
    info: record('info'),
    warn: record('warn'),
    error: record('error'),
    messages: (level) => entries.filter((e) => e.level === level).map((e) => e.message),
  };
}

interface ModelCollection {
  db: string;
  coll: string;
  options: Document;
  indexes: IndexSpec[];
  docs: Map<string, Document>;
}

const keyOf = (id: unknown): string => EJSON.stringify({ id }, { relaxed: false });

/** Reference semantics of the journal ops (idempotent, like the engine's replay). */
export class ReferenceModel {
  private readonly collections = new Map<string, ModelCollection>();

  static fromLoaded(state: LoadedState): ReferenceModel {
    const model = new ReferenceModel();
    for (const c of state.snapshot?.collections ?? []) {
      const target = model.ensure(c.db, c.coll, c.options);
      target.indexes = [...c.indexes];
      for (const doc of c.docs) target.docs.set(keyOf(doc._id), doc);
    }
    for (const batch of state.batches) model.applyBatch(batch);
    return model;
  }

  private ensure(db: string, coll: string, options: Document = {}): ModelCollection {
    const ns = `${db}.${coll}`;
    let found = this.collections.get(ns);
    if (found === undefined) {
      found = { db, coll, options, indexes: [], docs: new Map() };
      this.collections.set(ns, found);
    }
    return found;
  }

  applyBatch(batch: JournalBatch): void {
    for (const op of batch) this.apply(op);
  }

  apply(op: JournalOp): void {
    switch (op.op) {
      case 'put':
        this.ensure(op.db, op.coll).docs.set(keyOf(op.doc._id), op.doc);
        return;
      case 'del':
        this.collections.get(`${op.db}.${op.coll}`)?.docs.delete(keyOf(op.id));
        return;
      case 'createCollection':
        this.ensure(op.db, op.coll, op.options);
        return;
      case 'dropCollection':
        this.collections.delete(`${op.db}.${op.coll}`);
        return;
      case 'createIndex': {
        const target = this.ensure(op.db, op.coll);
        if (!target.indexes.some((s) => s.name === op.spec.name)) target.indexes.push(op.spec);
        return;
      }
      case 'dropIndex': {
        const target = this.collections.get(`${op.db}.${op.coll}`);
        if (target) target.indexes = target.indexes.filter((s) => s.name !== op.name);
        return;
      }
      case 'dropDatabase':
        for (const [ns, c] of this.collections) if (c.db === op.db) this.collections.delete(ns);
        return;
    }
  }

  snapshot(): Snapshot {
    return {
      collections: [...this.collections.values()].map((c) => ({
        db: c.db,
        coll: c.coll,
        options: c.options,
        indexes: c.indexes,
        docs: [...c.docs.values()],
      })),
    };
  }

  /** Canonical Extended JSON keeps type distinctions (Int32 vs Double vs Long, Binary subtypes). */
  digest(): string {
    const sorted = [...this.collections.entries()].sort(([a], [b]) => a.localeCompare(b));
    return EJSON.stringify(
      sorted.map(([ns, c]) => ({ ns, options: c.options, indexes: c.indexes, docs: [...c.docs.values()] })),
      { relaxed: false },
    );
  }
}
