import { model, Schema, type HydratedDocument, type InferSchemaType } from 'mongoose';
import { publicContent } from './content-change.plugin';

export const UPDATE_KINDS = ['claim-published', 'measurement-added', 'statement-added', 'event-added', 'verdict-changed', 'correction'] as const;
export type UpdateKind = (typeof UPDATE_KINDS)[number];

/**
 * What an update says, as data: its summary is written at read time in the reader's language
 * (server/presenters/update-summary.presenter.ts), so the English site never shows a French
 * sentence frozen at write time. Which fields are set depends on the kind: the title for a
 * publication, the definition for a measurement, who and text for a statement or event, the
 * rating for a verdict, the text for a correction. Written with the update, or once by the
 * summaries' backfill; never edited after.
 */
const summaryDataSchema = new Schema(
  {
    title: { type: String, trim: true, maxlength: 500 },
    definition: { type: String, trim: true, maxlength: 1000 },
    who: { type: String, trim: true, maxlength: 200 },
    text: { type: String, trim: true, maxlength: 5000 },
    rating: { type: String, trim: true, maxlength: 40 },
  },
  { _id: false },
);

/**
 * Something the public should see, as it happened. Written once and never edited, so a
 * feed item keeps its id and date whatever is edited later.
 */
const updateSchema = new Schema(
  {
    claim: { type: Schema.Types.ObjectId, ref: 'Claim', required: true },
    kind: { type: String, enum: UPDATE_KINDS, required: true },
    at: { type: Date, required: true, immutable: true },
    /** The measurement, event or correction this update is about, when there is one. */
    subject: { type: Schema.Types.ObjectId },
    /**
     * A one-line summary in the site's language at the time of the update: what a reader sees
     * only when `summaryData` is missing (an old update whose subject is gone).
     */
    summary: { type: String, required: true, trim: true, maxlength: 500, immutable: true },
    /* Not `immutable`: Mongoose would then drop the backfill's $set of it on old updates. */
    summaryData: { type: summaryDataSchema },
    /*
     * The claim's public state, copied onto each of its updates by every write that changes it
     * (publish, unpublish, delete, a new speaker or topics): feeds then take their newest items
     * straight from the indexes below instead of joining every published claim.
     */
    /** Whether the claim is published, so the update shows. */
    public: { type: Boolean },
    speaker: { type: Schema.Types.ObjectId, ref: 'Speaker' },
    topics: { type: [{ type: Schema.Types.ObjectId, ref: 'Topic' }], default: undefined },
  },
  { timestamps: { createdAt: true, updatedAt: false } },
);

updateSchema.index({ at: -1, _id: -1 });
// `_id` is spelled out: an index gives the sort { at: -1, _id: -1 } only if it names it.
updateSchema.index({ claim: 1, at: -1, _id: -1 });
updateSchema.index({ public: 1, at: -1, _id: -1 });
updateSchema.index({ public: 1, topics: 1, at: -1, _id: -1 });
updateSchema.index({ public: 1, speaker: 1, at: -1, _id: -1 });
/** The corrections page and its feeds: public corrections, newest first, read from this index alone. */
updateSchema.index({ kind: 1, public: 1, at: -1, _id: -1 });
/** One update per subject and kind: what makes re-running the seed idempotent. */
updateSchema.index({ claim: 1, kind: 1, subject: 1 }, { unique: true, partialFilterExpression: { subject: { $exists: true } } });

/** Writes here change what the public sees: they invalidate rendered pages. */
updateSchema.plugin(publicContent);

export type Update = InferSchemaType<typeof updateSchema>;
export type UpdateDocument = HydratedDocument<Update>;
export const UpdateModel = model('Update', updateSchema);
