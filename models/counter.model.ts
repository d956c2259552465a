import { model, Schema, type InferSchemaType } from 'mongoose';
import { publicContent } from './content-change.plugin';

/**
 * Totals the public pages show, kept by the write use-cases that change them, so a page
 * reads one document instead of counting a collection. `_id` names the total.
 */
const counterSchema = new Schema(
  {
    _id: { type: String, required: true },
    value: { type: Number, required: true, min: 0 },
  },
  { versionKey: false },
);

/** Writes here change what the public sees: they invalidate rendered pages. */
counterSchema.plugin(publicContent);

export const PUBLISHED_CLAIMS_COUNTER = 'publishedClaims';

export type Counter = InferSchemaType<typeof counterSchema>;
export const CounterModel = model('Counter', counterSchema);
