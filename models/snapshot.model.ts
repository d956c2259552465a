import { model, Schema, type HydratedDocument, type InferSchemaType } from 'mongoose';

/** The most one stored copy holds: what safeFetch reads at most by default. */
export const MAX_SNAPSHOT_BYTES = 5 * 1024 * 1024;

/**
 * Snapshots are content-addressed, in two collections:
 * - a **blob** holds bytes once, under their SHA-256 (`_id`): an hourly poll of a source that
 *   has not changed for years adds no bytes, and an editor archiving the same page twice
 *   neither;
 * - a **snapshot** is one fetch: which URL, when, what came back (final URL, status, content
 *   type), and the hash of its bytes. A few hundred bytes, so years of hourly fetches of a
 *   source stay small (about 9 000 a year).
 * Both are written once (a blob's `lastStoredAt` aside). A blob (at most 5 MiB) stays under
 * MongoDB's 16 MB document limit, so no GridFS is needed.
 *
 * Retention (snapshot-retention.service.ts): a copy that nothing cites (no measurement, claim,
 * timeline entry or proposal) is dropped SNAPSHOT_RETENTION_DAYS after its fetch, and its bytes
 * once no copy names them; what a measurement or a proposal cites is kept for good. A file that
 * changes at every hourly fetch would otherwise add its size 8 760 times a year.
 */
const snapshotBlobSchema = new Schema(
  {
    /** Hex SHA-256 of `bytes`. */
    _id: { type: String, required: true, match: /^[0-9a-f]{64}$/ },
    bytes: { type: Buffer, required: true },
    size: { type: Number, required: true, min: 0, max: MAX_SNAPSHOT_BYTES },
    /** The last time a fetch stored these bytes: retention never drops bytes stored since its cutoff. */
    lastStoredAt: { type: Date },
  },
  { collection: 'snapshot_blobs', versionKey: false, timestamps: { createdAt: true, updatedAt: false } },
);

const snapshotSchema = new Schema(
  {
    /** The URL asked for, and the one that answered after redirects. */
    url: { type: String, required: true, maxlength: 2000, immutable: true },
    finalUrl: { type: String, required: true, maxlength: 2000, immutable: true },
    status: { type: Number, required: true, immutable: true },
    /** Media type, lowercased, without parameters; the charset apart (null when none was given). */
    contentType: { type: String, required: true, maxlength: 200, immutable: true },
    charset: { type: String, maxlength: 100, immutable: true },
    /** The blob holding the bytes. */
    sha256: { type: String, required: true, match: /^[0-9a-f]{64}$/, immutable: true },
    size: { type: Number, required: true, min: 0, max: MAX_SNAPSHOT_BYTES, immutable: true },
    fetchedAt: { type: Date, required: true, immutable: true },
  },
  { versionKey: false, timestamps: { createdAt: true, updatedAt: false } },
);

/** A source's copies, latest first. */
snapshotSchema.index({ url: 1, fetchedAt: -1 });
snapshotSchema.index({ sha256: 1 });
/** Retention walks the oldest copies first. */
snapshotSchema.index({ fetchedAt: 1 });

export type SnapshotBlob = InferSchemaType<typeof snapshotBlobSchema>;
export const SnapshotBlobModel = model('SnapshotBlob', snapshotBlobSchema);

export type Snapshot = InferSchemaType<typeof snapshotSchema>;
export type SnapshotDocument = HydratedDocument<Snapshot>;
export const SnapshotModel = model('Snapshot', snapshotSchema);
