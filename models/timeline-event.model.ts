import { model, Schema, type HydratedDocument, type InferSchemaType } from 'mongoose';
import { publicContent } from './content-change.plugin';
import { DATE_PRECISIONS, sourceSchema } from './source.schema';

export const TIMELINE_EVENT_KINDS = ['statement', 'event'] as const;

/**
 * Statements and events on a claim's timeline: official responses, confirmations,
 * refusals to comment ("le secret de l'enquête").
 */
const timelineEventSchema = new Schema(
  {
    claim: { type: Schema.Types.ObjectId, ref: 'Claim', required: true },
    kind: { type: String, enum: TIMELINE_EVENT_KINDS, required: true },
    at: { type: Date, required: true },
    atPrecision: { type: String, enum: DATE_PRECISIONS, required: true, default: 'day' },
    /** Who spoke or acted: "Direction générale de la santé (DGS)". */
    who: { type: String, required: true, trim: true, maxlength: 300 },
    /** What they said (verbatim when `verbatim`) or did. */
    text: { type: String, required: true, trim: true, maxlength: 5000 },
    verbatim: { type: Boolean, default: false },
    source: { type: sourceSchema, required: true },
  },
  { timestamps: true },
);

timelineEventSchema.index({ claim: 1, at: 1 });
/** Whether retention may drop a snapshot: one a timeline entry's source cites is kept. */
timelineEventSchema.index({ 'source.snapshot': 1 }, { sparse: true });

/** Writes here change what the public sees: they invalidate rendered pages. */
timelineEventSchema.plugin(publicContent);

export type TimelineEvent = InferSchemaType<typeof timelineEventSchema>;
export type TimelineEventDocument = HydratedDocument<TimelineEvent>;
export const TimelineEventModel = model('TimelineEvent', timelineEventSchema);
