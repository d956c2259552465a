import { model, Schema, type HydratedDocument, type InferSchemaType } from 'mongoose';
import { DATE_PRECISIONS } from './source.schema';

export const PROPOSAL_STATUSES = ['pending', 'approved', 'rejected'] as const;
export type ProposalStatus = (typeof PROPOSAL_STATUSES)[number];

/**
 * A measurement read from a data source, waiting for an editor. Approving it makes a
 * measurement like any other (through the add-measurement steps, in one transaction);
 * until then nothing of it is public.
 */
const proposalSchema = new Schema(
  {
    claim: { type: Schema.Types.ObjectId, ref: 'Claim', required: true, immutable: true },
    source: { type: Schema.Types.ObjectId, ref: 'DataSource', required: true, immutable: true },
    /**
     * What makes two readings "the same value": unique per source, so two processes (or the
     * poller and a "fetch now") reading the same new value at once make one proposal.
     * See server/services/sources/proposals.service.ts.
     */
    dedupKey: { type: String, required: true, immutable: true, maxlength: 200 },
    value: { type: Number, required: true },
    asOf: { type: Date, required: true },
    asOfPrecision: { type: String, enum: DATE_PRECISIONS, required: true },
    unit: { type: String, trim: true, maxlength: 120 },
    definition: { type: String, required: true, trim: true, maxlength: 1000 },
    sameQuantity: { type: Boolean, required: true },
    outlet: { type: String, trim: true, maxlength: 200 },
    sourceUrl: { type: String, required: true, maxlength: 2000 },
    /** Where in the file the value was found, so the editor can check it: the CSV line (1 = the header) or the JSON path. */
    matchedRow: { type: Number },
    matchedPath: { type: String, maxlength: 1000 },
    /** The stored copy of the response it was read from (server/services/sources/snapshot.service.ts). */
    snapshot: { type: Schema.Types.ObjectId, ref: 'Snapshot' },
    snapshotAt: { type: Date },
    fetchedAt: { type: Date, required: true },
    status: { type: String, enum: PROPOSAL_STATUSES, required: true, default: 'pending' },
    decidedAt: { type: Date },
    decidedBy: { type: Schema.Types.ObjectId, ref: 'User' },
    decidedByName: { type: String, maxlength: 200 },
    rejectionReason: { type: String, trim: true, maxlength: 2000 },
    /** The measurement an approval made. */
    measurement: { type: Schema.Types.ObjectId, ref: 'Measurement' },
  },
  { timestamps: true },
);

proposalSchema.index({ source: 1, dedupKey: 1 }, { unique: true });
/** The dashboard's queue, oldest first, and its count. */
proposalSchema.index({ status: 1, createdAt: 1 });
/** Whether retention may drop a snapshot: one a proposal cites is kept. */
proposalSchema.index({ snapshot: 1 }, { sparse: true });
proposalSchema.index({ claim: 1, status: 1, createdAt: 1 });

export type Proposal = InferSchemaType<typeof proposalSchema>;
export type ProposalDocument = HydratedDocument<Proposal>;
export const ProposalModel = model('Proposal', proposalSchema);
