import { model, Schema, type InferSchemaType } from 'mongoose';
import { publicContent } from './content-change.plugin';

export const SCORECARD_KINDS = ['speaker', 'topic'] as const;
export type ScorecardKind = (typeof SCORECARD_KINDS)[number];

/** An open deadline (not delivered): whether a measurement checked it, and when it is due. */
const openDeadlineSchema = new Schema(
  {
    dueAt: { type: Date },
    checked: { type: Boolean, required: true },
  },
  { _id: false },
);

/**
 * The part of a speaker's or topic's scorecard that does not depend on the clock, recomputed
 * from its published claims by the write use-cases (scorecard.service), so a page reads one
 * document instead of scanning claims. What changes with time (pending or overdue, days
 * overdue) is computed at read time from `openDeadlines`, bounded by that speaker's open deadlines.
 */
const scorecardSchema = new Schema(
  {
    kind: { type: String, enum: SCORECARD_KINDS, required: true },
    ref: { type: Schema.Types.ObjectId, required: true },
    /** Published claims counted. */
    claims: { type: Number, required: true, min: 0 },
    /** Claims per stored stage (tracking.stage). */
    stages: { type: Map, of: Number, default: () => new Map() },
    /** Claims per verdict key, and `none` for those not rated yet. */
    verdicts: { type: Map, of: Number, default: () => new Map() },
    /** % realised of each measured count claim with a same-quantity headline, ascending. */
    shares: { type: [Number], default: [] },
    /** Measured count claims whose headline is a proxy: counted, never in the median. */
    proxyHeadlines: { type: Number, default: 0, min: 0 },
    /** Open deadlines by due date. */
    openDeadlines: { type: [openDeadlineSchema], default: [] },
  },
  { versionKey: false, timestamps: { createdAt: false, updatedAt: true } },
);
scorecardSchema.index({ kind: 1, ref: 1 }, { unique: true });

/** Writes here change what the public sees: they invalidate rendered pages. */
scorecardSchema.plugin(publicContent);

export type Scorecard = InferSchemaType<typeof scorecardSchema>;
export const ScorecardModel = model('Scorecard', scorecardSchema);
