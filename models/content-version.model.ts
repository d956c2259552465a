import { model, Schema, type InferSchemaType } from 'mongoose';

/**
 * The version of what the public sees, shared by every app process on the database: bumped
 * by each write to public content, polled by each process to invalidate its render cache.
 */
const contentVersionSchema = new Schema(
  {
    _id: { type: String, required: true },
    version: { type: Number, required: true, default: 0, min: 0 },
    /** Random, set when the document is created: a database reset (version back to 1) is a new series. */
    series: { type: String },
    changedAt: { type: Date, required: true },
  },
  { versionKey: false },
);

export type ContentVersion = InferSchemaType<typeof contentVersionSchema>;
export const ContentVersionModel = model('ContentVersion', contentVersionSchema);
export const SITE_VERSION_ID = 'site';
