import { model, Schema, type HydratedDocument, type InferSchemaType } from 'mongoose';
import { publicContent } from './content-change.plugin';
import { DATE_PRECISIONS, sourceSchema } from './source.schema';

/**
 * A measurement of what a claim announced. Its own collection: a claim may gather
 * measurements for years, and there may be a million in all.
 */
const measurementSchema = new Schema(
  {
    claim: { type: Schema.Types.ObjectId, ref: 'Claim', required: true },
    /** Numeric claims. */
    value: { type: Number },
    /** What the value is counted in ("pass sur liste noire"), when not the announcement's unit. */
    unit: { type: String, trim: true, maxlength: 120 },
    /** Deadline claims: whether it was delivered, and when (null when the source gives no date). */
    delivered: { type: Boolean },
    deliveredAt: { type: Date },
    asOf: { type: Date, required: true },
    asOfPrecision: { type: String, enum: DATE_PRECISIONS, required: true, default: 'day' },
    /** What exactly it counts: "pass placés sur liste noire". */
    definition: { type: String, required: true, trim: true, maxlength: 1000 },
    /** False when it measures a proxy, not the announced quantity itself. */
    sameQuantity: { type: Boolean, required: true, default: true },
    source: { type: sourceSchema, required: true },
    methodNotes: { type: String, trim: true, maxlength: 5000 },
  },
  // Two editors fixing the same measurement: the second save is refused, never silently applied.
  { timestamps: true, optimisticConcurrency: true },
);

measurementSchema.pre('validate', function checkValue() {
  const hasValue = typeof this.value === 'number' && Number.isFinite(this.value);
  if (!hasValue && typeof this.delivered !== 'boolean') {
    this.invalidate('value', 'A measurement needs a value, or whether a deadline was met');
  }
});

measurementSchema.index({ claim: 1, asOf: 1 });
/** Whether a snapshot is linked from a measurement (and so may be public): few measurements have one. */
measurementSchema.index({ 'source.snapshot': 1 }, { sparse: true });

/** Writes here change what the public sees: they invalidate rendered pages. */
measurementSchema.plugin(publicContent);

export type Measurement = InferSchemaType<typeof measurementSchema>;
export type MeasurementDocument = HydratedDocument<Measurement>;
export const MeasurementModel = model('Measurement', measurementSchema);
