import type { Types } from 'mongoose';
import { UpdateModel, type UpdateKind } from '../../models/update.model';

/**
 * Records an update the public should see. Keyed by (claim, kind, subject): recording the
 * same thing twice (a re-run seed, a retried request) keeps the first one, its id and date.
 */
export async function recordUpdate(input: {
  claim: Types.ObjectId;
  kind: UpdateKind;
  subject: Types.ObjectId;
  at: Date;
  summary: string;
}): Promise<void> {
  await UpdateModel.updateOne(
    { claim: input.claim, kind: input.kind, subject: input.subject },
    { $setOnInsert: { at: input.at, summary: input.summary, createdAt: new Date() } },
    { upsert: true },
  );
}
