import { Schema, type InferSchemaType } from 'mongoose';

export const DATE_PRECISIONS = ['instant', 'day', 'month', 'year'] as const;
export type DatePrecision = (typeof DATE_PRECISIONS)[number];

/**
 * Where a fact comes from. Every field but the outlet or title may be unknown: a source
 * is recorded with what the article gives, never with a guessed URL or date.
 */
export const sourceSchema = new Schema(
  {
    outlet: { type: String, trim: true, maxlength: 200 },
    title: { type: String, trim: true, maxlength: 500 },
    publishedAt: { type: Date },
    publishedPrecision: { type: String, enum: DATE_PRECISIONS, default: 'day' },
    url: { type: String, trim: true, maxlength: 2000, match: /^https?:\/\/\S+$/ },
    archiveUrl: { type: String, trim: true, maxlength: 2000, match: /^https?:\/\/\S+$/ },
    /** The passage of the source that supports the fact, verbatim. */
    quote: { type: String, trim: true, maxlength: 5000 },
    /** Écart's own stored copy of `url` (see snapshot.model.ts), and when it was fetched. */
    snapshot: { type: Schema.Types.ObjectId, ref: 'Snapshot' },
    snapshotAt: { type: Date },
  },
  { _id: false },
);

export type Source = InferSchemaType<typeof sourceSchema>;
