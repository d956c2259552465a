import { model, Schema, type HydratedDocument, type InferSchemaType } from 'mongoose';

export const SOURCE_FORMATS = ['csv', 'json'] as const;
export type SourceFormat = (typeof SOURCE_FORMATS)[number];

export const SOURCE_SCHEDULES = ['hourly', 'daily', 'weekly'] as const;

/** The fields an editor sets in the source form: what the form keeps when refused, and what a source's Revision compares. */
export const SOURCE_FORM_FIELDS = ['url', 'format', 'valueField', 'filterColumn', 'filterValue', 'dateField', 'outlet', 'unit', 'definition', 'sameQuantity', 'schedule'] as const;
export type SourceSchedule = (typeof SOURCE_SCHEDULES)[number];

/** Why the last fetch or reading failed: a code the editor's page translates, the detail, and when. */
const sourceErrorSchema = new Schema(
  {
    code: { type: String, required: true, maxlength: 60 },
    message: { type: String, maxlength: 1000 },
    /** The HTTP status, when the source answered one it should not have. */
    status: { type: Number },
    at: { type: Date, required: true },
  },
  { _id: false },
);

/**
 * A published CSV or JSON file that counts what a claim announced, read on a schedule by the
 * poller (server/services/sources/poller.ts). Each new value it reads becomes a Proposal for
 * an editor to approve; nothing here is public.
 *
 * How the value is read:
 * - csv: `valueField` is a column named in the header row; `filterColumn` = `filterValue`
 *   picks the rows (all of them without a filter), and of several rows the LAST one is read
 *   (files are usually appended to, oldest first).
 * - json: `valueField` is an RFC 9535 JSON path that must select exactly one number (or a
 *   numeric string).
 * `dateField` (a column, or a JSON path) dates the value; unset, the value is dated by the fetch.
 */
const dataSourceSchema = new Schema(
  {
    claim: { type: Schema.Types.ObjectId, ref: 'Claim', required: true, immutable: true },
    url: { type: String, required: true, trim: true, maxlength: 2000, match: /^https?:\/\/\S+$/ },
    format: { type: String, enum: SOURCE_FORMATS, required: true },
    valueField: { type: String, required: true, trim: true, maxlength: 500 },
    filterColumn: { type: String, trim: true, maxlength: 200 },
    filterValue: { type: String, trim: true, maxlength: 500 },
    dateField: { type: String, trim: true, maxlength: 500 },
    /** Who publishes the data: the measurement's source outlet once approved. */
    outlet: { type: String, required: true, trim: true, maxlength: 200 },
    unit: { type: String, trim: true, maxlength: 120 },
    definition: { type: String, required: true, trim: true, maxlength: 1000 },
    /** False when the data counts a proxy, not the announced quantity itself. */
    sameQuantity: { type: Boolean, required: true, default: true },
    schedule: { type: String, enum: SOURCE_SCHEDULES, required: true },

    /** When the poller should fetch it next: after a period, or sooner after a failure (backoff). */
    nextFetchAt: { type: Date, required: true },
    lastFetchedAt: { type: Date },
    /** The last value read, its date, and the SHA-256 of the response it was read from. */
    lastValue: { type: Number },
    lastValueAt: { type: Date },
    lastHash: { type: String, maxlength: 64 },
    lastError: { type: sourceErrorSchema },
    /** Failures in a row since the last success: what the backoff grows with. */
    failureCount: { type: Number, required: true, default: 0, min: 0 },
    /**
     * The last proposal made from this source (its value and date): an unchanged value is not
     * proposed again; see server/services/sources/proposals.service.ts for the exact rule.
     */
    lastProposal: {
      id: { type: Schema.Types.ObjectId },
      value: { type: Number },
      asOf: { type: Date },
    },
    /**
     * Who is fetching it now, until when: a process takes a due source by setting these in one
     * atomic update, so N processes fetch it once; a process that dies leaves them to expire.
     */
    lease: {
      owner: { type: String, maxlength: 200 },
      token: { type: String, maxlength: 64 },
      until: { type: Date },
    },
    createdBy: { type: Schema.Types.ObjectId, ref: 'User' },
  },
  { timestamps: true, optimisticConcurrency: true },
);

/** The poller's question, "which source is due?", answered from an index. */
dataSourceSchema.index({ nextFetchAt: 1 });
dataSourceSchema.index({ claim: 1, createdAt: 1 });

export type DataSource = InferSchemaType<typeof dataSourceSchema>;
export type DataSourceDocument = HydratedDocument<DataSource>;
export const DataSourceModel = model('DataSource', dataSourceSchema);
