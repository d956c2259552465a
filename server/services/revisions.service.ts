import { trusted, Types } from 'mongoose';
import { RevisionModel, type RevisionAction, type RevisionEntity } from '../../models/revision.model';
import { SpeakerModel } from '../../models/speaker.model';
import { TopicModel } from '../../models/topic.model';

/** Who made a change, as the session knows them. */
export interface Actor {
  id: string;
  name: string;
}

export type FieldValue = string | number | boolean | Date | Types.ObjectId | FieldValue[] | null;
export type Snapshot = Record<string, FieldValue>;

export interface FieldChange {
  field: string;
  before: FieldValue;
  after: FieldValue;
}

function valueAt(source: unknown, path: string): unknown {
  let current: unknown = source;
  for (const part of path.split('.')) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}

function normalise(value: unknown): FieldValue {
  if (value === undefined || value === null || value === '') return null;
  if (Array.isArray(value)) return value.map(normalise);
  if (value instanceof Date || value instanceof Types.ObjectId) return value;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  // An ObjectId from another copy of bson is still an id, not an object to serialise.
  const hex = (value as { toHexString?: unknown }).toHexString;
  if (typeof hex === 'function') return new Types.ObjectId(String(hex.call(value)));
  return JSON.stringify(value);
}

/** The listed fields of a plain object ("announced.value", "sources.0.url"), absent ones as null. */
export function snapshotOf(source: object, fields: readonly string[]): Snapshot {
  const snapshot: Snapshot = {};
  for (const field of fields) snapshot[field] = normalise(valueAt(source, field));
  return snapshot;
}

function comparable(value: FieldValue): string {
  if (value instanceof Date) return `d:${value.toISOString()}`;
  if (value instanceof Types.ObjectId) return `o:${value.toHexString()}`;
  if (Array.isArray(value)) return `[${value.map(comparable).join(',')}]`;
  return JSON.stringify(value);
}

/** Field by field, what differs between two snapshots of the same fields, in the fields' order. */
export function diffSnapshots(before: Snapshot, after: Snapshot): FieldChange[] {
  const fields = [...new Set([...Object.keys(before), ...Object.keys(after)])];
  return fields
    .filter((field) => comparable(before[field] ?? null) !== comparable(after[field] ?? null))
    .map((field) => ({ field, before: before[field] ?? null, after: after[field] ?? null }));
}

export interface RevisionInput {
  claim: Types.ObjectId;
  entity: RevisionEntity;
  entityId: Types.ObjectId;
  action: RevisionAction;
  actor: Actor;
  at: Date;
  version?: number;
  changes?: FieldChange[];
  correction?: string;
}

export async function recordRevision(input: RevisionInput): Promise<void> {
  await RevisionModel.create({
    claim: input.claim,
    entity: input.entity,
    entityId: input.entityId,
    action: input.action,
    at: input.at,
    by: new Types.ObjectId(input.actor.id),
    byName: input.actor.name,
    version: input.version,
    changes: input.changes ?? [],
    correction: input.correction,
  });
}

/** What was saved to an entity after the version an editor's form was based on. */
export async function revisionsSince(entityId: Types.ObjectId, version: number) {
  return RevisionModel.find({ entityId, version: trusted({ $gt: version }) })
    .sort({ at: 1, _id: 1 })
    .lean();
}

export const HISTORY_LIMIT = 500;

/** A claim's history, newest first. */
export async function listClaimHistory(claimId: Types.ObjectId) {
  return RevisionModel.find({ claim: claimId }).sort({ at: -1, _id: -1 }).limit(HISTORY_LIMIT).lean();
}

/** The names behind the speaker and topic ids in these revisions' changes, for display. */
export async function namesInRevisions(revisions: { changes: { before?: unknown; after?: unknown }[] }[]): Promise<Map<string, string>> {
  const ids = new Set<string>();
  const collect = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(collect);
    else if (value instanceof Types.ObjectId) ids.add(value.toHexString());
  };
  for (const revision of revisions) for (const change of revision.changes) [change.before, change.after].forEach(collect);
  const wanted = [...ids].map((id) => new Types.ObjectId(id));
  if (wanted.length === 0) return new Map();
  const [speakers, topics] = await Promise.all([
    SpeakerModel.find({ _id: trusted({ $in: wanted }) }, { name: 1 }).lean(),
    TopicModel.find({ _id: trusted({ $in: wanted }) }, { name: 1 }).lean(),
  ]);
  return new Map([...speakers, ...topics].map((doc) => [doc._id.toHexString(), doc.name]));
}
