import type { Types } from 'mongoose';
import { UpdateModel, type Update, type UpdateKind } from '../../models/update.model';

export type UpdateSummaryData = NonNullable<Update['summaryData']>;
import { loadUpdatePublicState, type UpdatePublicState } from './claim-public-state.service';

/**
 * Records an update the public should see. Keyed by (claim, kind, subject): recording the
 * same thing twice (a re-run seed, a retried request) keeps the first one, its id and date.
 * It carries its claim's public state as it stands, for the feed indexes: `state` when the
 * caller has just loaded the claim, else read here.
 */
export async function recordUpdate(input: {
  claim: Types.ObjectId;
  kind: UpdateKind;
  subject: Types.ObjectId;
  at: Date;
  summary: string;
  /** What the summary says, as data, for it to be written in the reader's language. */
  summaryData?: UpdateSummaryData;
}, state: UpdatePublicState | null = null): Promise<void> {
  state ??= await loadUpdatePublicState(input.claim);
  await UpdateModel.updateOne(
    { claim: input.claim, kind: input.kind, subject: input.subject },
    { $set: state ?? { public: false }, $setOnInsert: { at: input.at, summary: input.summary, ...(input.summaryData ? { summaryData: input.summaryData } : {}), createdAt: new Date() } },
    { upsert: true },
  );
}
