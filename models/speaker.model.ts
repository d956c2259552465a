import { model, Schema, type HydratedDocument, type InferSchemaType } from 'mongoose';
import { publicContent } from './content-change.plugin';

/** Who is speaking: ClaimReview names a Person or an Organization, and nobody when unattributed. */
export const SPEAKER_KINDS = ['person', 'organisation', 'unattributed'] as const;
export type SpeakerKind = (typeof SPEAKER_KINDS)[number];

const speakerSchema = new Schema(
  {
    slug: { type: String, required: true, trim: true, lowercase: true, match: /^[a-z0-9]+(?:-[a-z0-9]+)*$/, maxlength: 120 },
    name: { type: String, required: true, trim: true, maxlength: 200 },
    /** The usual role, e.g. "ministre de l'Intérieur"; a claim keeps the role held when it was said. */
    role: { type: String, trim: true, maxlength: 200 },
    organisation: { type: String, trim: true, maxlength: 200 },
    kind: { type: String, enum: SPEAKER_KINDS },
    /** Pages that identify the speaker (an official profile, Wikidata): ClaimReview's sameAs. */
    /** How many published claims it has, kept by the claim use-cases: filter menus list only these, with no scan. */
    publishedClaims: { type: Number, min: 0 },
    sameAs: { type: [{ type: String, trim: true, maxlength: 2000, match: /^https?:\/\/\S+$/ }], default: [] },
  },
  // Editors edit these in forms: a save made from a stale copy fails instead of overwriting silently.
  { timestamps: true, optimisticConcurrency: true },
);
speakerSchema.index({ slug: 1 }, { unique: true });
/** The /speakers index: most published claims first, an index range. */
speakerSchema.index({ publishedClaims: -1, name: 1, _id: 1 });
speakerSchema.index({ name: 1 });

/** Writes here change what the public sees: they invalidate rendered pages. */
speakerSchema.plugin(publicContent);

export type Speaker = InferSchemaType<typeof speakerSchema>;
export type SpeakerDocument = HydratedDocument<Speaker>;
export const SpeakerModel = model('Speaker', speakerSchema);
