import { model, Schema, Types, type HydratedDocument, type InferSchemaType } from 'mongoose';
import { publicContent } from './content-change.plugin';
import { DATE_PRECISIONS, sourceSchema } from './source.schema';
import { VERDICT_KEYS } from './verdict-scale';

export const CLAIM_KINDS = ['count', 'money', 'percentage', 'deadline', 'qualitative'] as const;
export type ClaimKind = (typeof CLAIM_KINDS)[number];
/** `deleted` is a soft delete, by an admin: off the public site, kept with its history. */
export const CLAIM_STATUSES = ['draft', 'published', 'deleted'] as const;
export type ClaimStatus = (typeof CLAIM_STATUSES)[number];
export const CLAIM_TITLE_MAX = 75;
/**
 * The part of a claim's state that does not depend on the clock, stored in `tracking.stage`
 * so every state filter is an index range. Deadlines not delivered are "open" (checked or
 * not); whether an open deadline is pending or passed is read from `tracking.openDueAt` and
 * `now` (server/services/claim-state.service.ts holds the rule).
 */
export const CLAIM_STAGES = ['awaiting', 'measured', 'qualitative', 'deadline-open', 'deadline-checked', 'deadline-met'] as const;
export type ClaimStage = (typeof CLAIM_STAGES)[number];

const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/** What was announced. Which fields apply depends on `kind`; the validator below enforces it. */
const announcedSchema = new Schema(
  {
    kind: { type: String, enum: CLAIM_KINDS, required: true },
    value: { type: Number },
    /** e.g. "faux pass sanitaires", "euros", "numéros de téléphone". */
    unit: { type: String, trim: true, maxlength: 120 },
    /** ISO 4217, for money. */
    currency: { type: String, trim: true, uppercase: true, match: /^[A-Z]{3}$/ },
    /** For deadlines: the last instant that still counts as on time. */
    dueAt: { type: Date },
    duePrecision: { type: String, enum: DATE_PRECISIONS },
    /** What exactly is counted, or promised: "faux pass sanitaires détectés". Always required. */
    definition: { type: String, required: true, trim: true, maxlength: 1000 },
  },
  { _id: false },
);

announcedSchema.pre('validate', function checkKind() {
  const numeric = this.kind === 'count' || this.kind === 'money' || this.kind === 'percentage';
  if (numeric && (typeof this.value !== 'number' || !Number.isFinite(this.value))) {
    this.invalidate('value', 'A figure is required for this kind of claim');
  }
  if (this.kind === 'money' && !this.currency) this.invalidate('currency', 'A currency is required for money');
  if (this.kind === 'deadline' && !(this.dueAt instanceof Date)) this.invalidate('dueAt', 'A due date is required for a deadline');
});

const verdictSchema = new Schema(
  {
    rating: { type: String, enum: VERDICT_KEYS, required: true },
    explanation: { type: String, required: true, trim: true, maxlength: 5000 },
    setAt: { type: Date, required: true },
  },
  { _id: false },
);

const correctionSchema = new Schema({
  at: { type: Date, required: true },
  text: { type: String, required: true, trim: true, maxlength: 5000 },
});

/**
 * Derived from the measurements by the claims service whenever one is added, so that list
 * pages filter and sort with an index instead of joining a million measurements.
 */
const trackingSchema = new Schema(
  {
    measurementCount: { type: Number, default: 0, min: 0 },
    latestAsOf: { type: Date },
    /** |log10(announced / measured)| of the headline measurement: 0 = on target. */
    gapScore: { type: Number },
    /** The headline measurement (latest of the same quantity, else latest proxy), for cards. */
    headlineValue: { type: Number },
    headlineAsOf: { type: Date },
    headlineProxy: { type: Boolean },
    headlineUnit: { type: String },
    /** Deadlines: whether a measurement says it was delivered. */
    delivered: { type: Boolean, default: false },
    /** Time-independent part of the claim's state (claim-state.service). */
    stage: { type: String, enum: CLAIM_STAGES },
    /** Deadlines not delivered (checked or not): the due date, else null, so "pending" and "overdue" are index ranges. */
    openDueAt: { type: Date },
    lastUpdateAt: { type: Date },
  },
  { _id: false },
);

/**
 * Copies, kept on write by claim-search.service (refreshClaimSearch), of what search reads
 * beside the claim's own title and statement: a text index covers one document's fields only.
 */
const searchSchema = new Schema(
  {
    speaker: { type: String },
    topics: { type: [String], default: undefined },
    /** The announced definition and each measurement's. */
    definitions: { type: [String], default: undefined },
    /**
     * The beginnings (2 to 8 letters) of the folded (lowercase, no diacritics) words of the
     * title, speaker and topics, for prefix matches: "darm" is an equality here. A range over
     * folded words would not be an index range: on a multikey field neither MongoDB (without
     * $elemMatch) nor the embedded server bounds one.
     */
    prefixes: { type: [String], default: undefined },
  },
  { _id: false },
);

const claimSchema = new Schema(
  {
    slug: { type: String, required: true, trim: true, lowercase: true, match: SLUG, maxlength: 120 },
    /** Short: it becomes ClaimReview's claimReviewed. */
    title: { type: String, required: true, trim: true, maxlength: CLAIM_TITLE_MAX },
    /** Verbatim, in its original language. */
    statement: { type: String, required: true, trim: true, maxlength: 5000 },
    /** True: the speaker's own words. False: the source's words reporting what was said. */
    statementVerbatim: { type: Boolean, required: true, default: true },
    language: { type: String, required: true, default: 'fr', match: /^[a-z]{2}$/ },
    speaker: { type: Schema.Types.ObjectId, ref: 'Speaker', required: true },
    /** The role held when it was said, e.g. "ministre de l'Intérieur". */
    speakerRole: { type: String, trim: true, maxlength: 200 },
    saidAt: { type: Date, required: true },
    saidAtPrecision: { type: String, enum: DATE_PRECISIONS, required: true, default: 'day' },
    /** Where it appeared: "communiqué de l'ANTS sur ses réseaux sociaux". */
    appearance: { type: String, trim: true, maxlength: 500 },
    topics: { type: [{ type: Schema.Types.ObjectId, ref: 'Topic' }], default: [] },
    status: { type: String, enum: CLAIM_STATUSES, required: true, default: 'draft' },
    publishedAt: { type: Date },
    deletedAt: { type: Date },
    announced: { type: announcedSchema, required: true },
    verdict: { type: verdictSchema },
    /** Where the claim itself is reported. */
    sources: { type: [sourceSchema], default: [] },
    corrections: { type: [correctionSchema], default: [] },
    tracking: { type: trackingSchema, default: () => ({}) },
    search: { type: searchSchema },
  },
  { timestamps: true, optimisticConcurrency: true },
);

claimSchema.index({ slug: 1 }, { unique: true });
/*
 * Each list sort ({ lastUpdateAt: -1, _id: -1 } "latest", { gapScore: -1, lastUpdateAt: -1,
 * _id: -1 } "gap") has an index per filter that gives it, so a page reads its own entries
 * only. `_id` is spelled out: without it the index does not give the tie-break order.
 */
claimSchema.index({ status: 1, 'tracking.lastUpdateAt': -1, _id: -1 });
claimSchema.index({ status: 1, 'tracking.gapScore': -1, 'tracking.lastUpdateAt': -1, _id: -1 });
claimSchema.index({ status: 1, topics: 1, 'tracking.lastUpdateAt': -1, _id: -1 });
claimSchema.index({ status: 1, topics: 1, 'tracking.gapScore': -1, 'tracking.lastUpdateAt': -1, _id: -1 });
claimSchema.index({ status: 1, speaker: 1, 'tracking.lastUpdateAt': -1, _id: -1 });
claimSchema.index({ status: 1, speaker: 1, 'tracking.gapScore': -1, 'tracking.lastUpdateAt': -1, _id: -1 });
claimSchema.index({ status: 1, 'verdict.rating': 1, 'tracking.lastUpdateAt': -1, _id: -1 });
/** A feed's Last-Modified: the latest edit to a claim in its scope, whatever its status, read from one entry. */
claimSchema.index({ updatedAt: -1 });
claimSchema.index({ topics: 1, updatedAt: -1 });
claimSchema.index({ speaker: 1, updatedAt: -1 });
claimSchema.index({ status: 1, 'announced.kind': 1, 'announced.dueAt': 1 });
/** The state filters: a stage (awaiting, measured, qualitative, met) in list order, or a range of open due dates. */
claimSchema.index({ status: 1, 'tracking.stage': 1, 'tracking.lastUpdateAt': -1, _id: -1 });
claimSchema.index({ status: 1, 'tracking.openDueAt': 1, _id: 1 });
claimSchema.index({ status: 1, 'tracking.stage': 1, 'tracking.openDueAt': 1 });
/** The editors' dashboard: published claims nobody has measured yet. */
claimSchema.index({ status: 1, 'tracking.measurementCount': 1 });
/** The CSV export's order, so it streams from the index. */
claimSchema.index({ status: 1, saidAt: 1, _id: 1 });
/** Whether a snapshot is linked from a claim's sources (and so may be public): few claims have one. */
claimSchema.index({ 'sources.snapshot': 1 }, { sparse: true });

/**
 * The stemming language of the claims' text index, fixed for every newsroom: MongoDB allows
 * one text index per collection, and changing its language means dropping and rebuilding
 * it, so it is not a runtime setting. An English newsroom changes it here and rebuilds the
 * index (db.claims.dropIndex('claim_text'), then restart). search-text.ts stems for
 * highlighting in the same language.
 */
export const CLAIM_TEXT_LANGUAGE = 'french';
/*
 * Title above statement above the rest (issue 14). `language_override` names a field that
 * does not exist: `language` holds the statement's ISO code, which MongoDB would otherwise
 * read per document (and refuse for a code it does not know).
 */
claimSchema.index(
  { title: 'text', statement: 'text', 'search.speaker': 'text', 'search.topics': 'text', 'search.definitions': 'text' },
  {
    name: 'claim_text',
    weights: { title: 10, statement: 5, 'search.speaker': 2, 'search.topics': 2, 'search.definitions': 1 },
    default_language: CLAIM_TEXT_LANGUAGE,
    language_override: 'searchLanguage',
  },
);
/** Prefix matches: the last query word's beginning, one point of this multikey index. */
claimSchema.index({ status: 1, 'search.prefixes': 1 });

/** Writes here change what the public sees: they invalidate rendered pages. */
claimSchema.plugin(publicContent);

export type Claim = InferSchemaType<typeof claimSchema>;
export type ClaimDocument = HydratedDocument<Claim>;
export const ClaimModel = model('Claim', claimSchema);
export type ClaimId = Types.ObjectId;
