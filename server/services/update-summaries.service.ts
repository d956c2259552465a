import { trusted, type Types } from 'mongoose';
import { ClaimModel } from '../../models/claim.model';
import { CounterModel } from '../../models/counter.model';
import { MeasurementModel } from '../../models/measurement.model';
import { TimelineEventModel } from '../../models/timeline-event.model';
import { UpdateModel, type Update } from '../../models/update.model';
import type { UpdateSummaryData } from './updates.service';

/** Marks (in the counters collection) that every update written before summaries were data got its summaryData. */
export const UPDATE_SUMMARIES_MIGRATION = 'migration.updateSummaryData';

const BATCH = 200;

type Row = Pick<Update, 'claim' | 'kind' | 'at' | 'summary' | 'subject'> & { _id: Types.ObjectId };

/**
 * The summary's data of an old update, from its subject as it is stored now: the measurement,
 * the timeline event, the claim's correction, the claim's verdict. Null when the subject is
 * gone or can't be told: the update then keeps its old text.
 *
 * A verdict has no stored id of its own (its update's subject is a fresh id), so only the
 * update dated exactly when the claim's current verdict was set is taken to be about it; an
 * earlier verdict's update keeps its text rather than claim a rating it may not have had. A
 * publication's title is its stored summary, which was the title then.
 */
async function dataOf(row: Row): Promise<UpdateSummaryData | null> {
  switch (row.kind) {
    case 'claim-published':
      return { title: row.summary };
    case 'measurement-added': {
      const m = row.subject ? await MeasurementModel.findById(row.subject, { definition: 1 }).lean() : null;
      return m?.definition ? { definition: m.definition } : null;
    }
    case 'statement-added':
    case 'event-added': {
      const e = row.subject ? await TimelineEventModel.findById(row.subject, { who: 1, text: 1 }).lean() : null;
      return e?.text ? { ...(e.who ? { who: e.who } : {}), text: e.text } : null;
    }
    case 'verdict-changed': {
      const claim = await ClaimModel.findById(row.claim, { verdict: 1 }).lean();
      return claim?.verdict && claim.verdict.setAt.getTime() === row.at.getTime() ? { rating: claim.verdict.rating } : null;
    }
    case 'correction': {
      const claim = row.subject ? await ClaimModel.findOne({ _id: row.claim, 'corrections._id': row.subject }, { 'corrections.$': 1 }).lean() : null;
      const text = claim?.corrections[0]?.text;
      return text ? { text } : null;
    }
    default:
      return null;
  }
}

/**
 * Once per database: updates stored with only their frozen text get their summary's data,
 * from their subjects. Walks the updates by _id a batch at a time (a one-off scan, like the
 * openDueAt backfill), then marks itself done in the counters collection, so later boots cost
 * one lookup. Running it twice, or from two processes, writes the same values again at most.
 */
export async function backfillUpdateSummaries(): Promise<{ updated: number; kept: number }> {
  if (await CounterModel.exists({ _id: UPDATE_SUMMARIES_MIGRATION })) return { updated: 0, kept: 0 };
  let updated = 0;
  let kept = 0;
  let after: Types.ObjectId | null = null;
  for (;;) {
    const filter: Record<string, unknown> = { summaryData: trusted({ $exists: false }) };
    if (after) filter._id = trusted({ $gt: after });
    const rows: Row[] = await UpdateModel.find(filter, { claim: 1, kind: 1, at: 1, summary: 1, subject: 1 }).sort({ _id: 1 }).limit(BATCH).lean<Row[]>();
    for (const row of rows) {
      const data = await dataOf(row);
      if (data) {
        await UpdateModel.updateOne({ _id: row._id, summaryData: trusted({ $exists: false }) }, { $set: { summaryData: data } });
        updated++;
      } else kept++;
    }
    if (rows.length < BATCH) break;
    after = rows[rows.length - 1]!._id;
  }
  // The mark is bookkeeping, not public content: written past the models' change hooks.
  await CounterModel.collection.updateOne({ _id: UPDATE_SUMMARIES_MIGRATION } as never, { $set: { value: 1 } }, { upsert: true });
  return { updated, kept };
}
