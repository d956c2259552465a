import { model, Schema, type HydratedDocument, type InferSchemaType } from 'mongoose';
import { publicContent } from './content-change.plugin';

const topicSchema = new Schema(
  {
    slug: { type: String, required: true, trim: true, lowercase: true, match: /^[a-z0-9]+(?:-[a-z0-9]+)*$/, maxlength: 120 },
    name: { type: String, required: true, trim: true, maxlength: 120 },
    /** How many published claims it has, kept by the claim use-cases: filter menus list only these, with no scan. */
    publishedClaims: { type: Number, min: 0 },
  },
  // Editors edit these in forms: a save made from a stale copy fails instead of overwriting silently.
  { timestamps: true, optimisticConcurrency: true },
);
topicSchema.index({ slug: 1 }, { unique: true });
/** The /topics index: most published claims first, an index range. */
topicSchema.index({ publishedClaims: -1, name: 1, _id: 1 });

/** Writes here change what the public sees: they invalidate rendered pages. */
topicSchema.plugin(publicContent);

export type Topic = InferSchemaType<typeof topicSchema>;
export type TopicDocument = HydratedDocument<Topic>;
export const TopicModel = model('Topic', topicSchema);
