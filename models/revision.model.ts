import { model, Schema, type HydratedDocument, type InferSchemaType } from 'mongoose';

/** What a revision is about: the claim itself, or one of the things hanging off it (its data sources and their proposals included). */
export const REVISION_ENTITIES = ['claim', 'measurement', 'statement', 'event', 'verdict', 'source', 'proposal'] as const;
export type RevisionEntity = (typeof REVISION_ENTITIES)[number];

export const REVISION_ACTIONS = ['created', 'edited', 'removed', 'published', 'unpublished', 'deleted', 'rejected'] as const;
export type RevisionAction = (typeof REVISION_ACTIONS)[number];

/** One field's value before and after, as stored (a Date, a number, an id …); null when absent. */
const changeSchema = new Schema(
  {
    field: { type: String, required: true },
    before: { type: Schema.Types.Mixed },
    after: { type: Schema.Types.Mixed },
  },
  { _id: false },
);

/**
 * The editors' record of every change: who, when, and field by field. Written once, never
 * edited, and never shown to the public (the public sees updates and corrections).
 */
const revisionSchema = new Schema(
  {
    claim: { type: Schema.Types.ObjectId, ref: 'Claim', required: true, immutable: true },
    entity: { type: String, enum: REVISION_ENTITIES, required: true, immutable: true },
    /** The claim, measurement, timeline entry, data source or proposal changed. */
    entityId: { type: Schema.Types.ObjectId, required: true, immutable: true },
    action: { type: String, enum: REVISION_ACTIONS, required: true, immutable: true },
    at: { type: Date, required: true, immutable: true },
    /** The account, and its name as it was then: accounts get renamed, history should not. */
    by: { type: Schema.Types.ObjectId, ref: 'User', required: true, immutable: true },
    byName: { type: String, required: true, immutable: true },
    /** The entity's version key after this change: what a stale form is compared against. */
    version: { type: Number, immutable: true },
    changes: { type: [changeSchema], default: [], immutable: true },
    /** Set when the change was published as a correction: the public note. */
    correction: { type: String, trim: true, maxlength: 5000, immutable: true },
  },
  { timestamps: { createdAt: true, updatedAt: false } },
);

revisionSchema.index({ claim: 1, at: -1, _id: -1 });
revisionSchema.index({ entityId: 1, version: 1 });

export type Revision = InferSchemaType<typeof revisionSchema>;
export type RevisionDocument = HydratedDocument<Revision>;
export const RevisionModel = model('Revision', revisionSchema);
