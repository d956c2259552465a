import { trusted, type FilterQuery, type Types } from 'mongoose';
import { ClaimModel } from '../../models/claim.model';
import { UpdateModel, type Update } from '../../models/update.model';
import type { Claim } from '../../models/claim.model';
import { ensurePublicStateBackfilled } from './claim-public-state.service';
import { SPEAKER_FIELDS, TOPIC_FIELDS, type ClaimSummary } from './claims-query.service';
import { computeNumericGap, isFigureInBounds, type MeasurementGap } from './gap.service';

/**
 * What the open-data exports (JSON API, CSV) read beyond what the public pages already
 * load. Field selection and ordering live here; shaping into JSON or CSV does not.
 */

export const UPDATES_PER_PAGE = 50;

/** A claim's public page, absolute: exports are read away from the site. */
export const claimUrl = (siteUrl: string, slug: string) => `${siteUrl}/claims/${slug}`;

/** Percentages and factors to two decimals: more digits are float noise, and value / announced gives them back exactly. */
export function roundRatio(n: number | null | undefined): number | null {
  return typeof n === 'number' ? Math.round(n * 100) / 100 : null;
}

/** A measurement without a unit of its own counts in the announced one. */
export function measurementUnit(claim: Pick<Claim, 'announced'>, m: { unit?: string | null }): string | null {
  return m.unit ?? claim.announced.unit ?? null;
}

/** Every published claim, oldest statement first: a stable order, so two exports diff cleanly. */
/**
 * Every published claim in batches, in the export's order (said, then id) from an index:
 * a whole-collection export holds one batch at a time, never the whole collection.
 */
export async function* publishedClaimBatches(batchSize = 500): AsyncGenerator<ClaimSummary[]> {
  const cursor = ClaimModel.find({ status: 'published' }).sort({ saidAt: 1, _id: 1 }).lean().cursor({ batchSize });
  let batch: unknown[] = [];
  const populated = async (docs: unknown[]) =>
    (await ClaimModel.populate(docs, [
      { path: 'speaker', select: SPEAKER_FIELDS },
      { path: 'topics', select: TOPIC_FIELDS },
    ])) as unknown as ClaimSummary[];
  for await (const doc of cursor) {
    batch.push(doc);
    if (batch.length >= batchSize) {
      yield await populated(batch);
      batch = [];
    }
  }
  if (batch.length > 0) yield await populated(batch);
}


export interface HeadlineFigure extends Pick<MeasurementGap, 'value' | 'asOf' | 'proxy' | 'absoluteGap' | 'percentRealised' | 'factor'> {
  /** The measurement's own unit, else the announced one (a same-quantity figure is counted in it). */
  unit: string | null;
}

/**
 * The headline figure of a numeric claim from its stored tracking fields (no measurement
 * query per claim), through the same gap maths as the claim page, so lists and exports
 * agree with it. Null for deadlines, qualitative claims and claims not yet measured.
 */
export function headlineFigure(claim: Pick<Claim, 'announced' | 'saidAt' | 'tracking'>, now: Date, timeZone: string): HeadlineFigure | null {
  const { announced, tracking } = claim;
  if (announced.kind === 'deadline' || announced.kind === 'qualitative' || typeof announced.value !== 'number') return null;
  if (!isFigureInBounds(tracking?.headlineValue) || !(tracking.headlineAsOf instanceof Date)) return null;
  // A figure stored out of bounds is shown as it is, never compared (see isFigureInBounds).
  if (!isFigureInBounds(announced.value)) return null;
  const { headline } = computeNumericGap({
    announced: announced.value,
    announcedAt: claim.saidAt,
    measurements: [{ id: 'headline', value: tracking.headlineValue, asOf: tracking.headlineAsOf, sameQuantity: tracking.headlineProxy !== true }],
    now,
    timeZone,
  });
  if (!headline) return null;
  const { value, asOf, proxy, absoluteGap, percentRealised, factor } = headline;
  return { value, asOf, proxy, absoluteGap, percentRealised, factor, unit: tracking.headlineUnit ?? announced.unit ?? null };
}

export type PublicUpdateRow = Omit<Update, 'claim'> & {
  _id: Types.ObjectId;
  claim: { _id: Types.ObjectId; slug: string; title: string };
};

export interface UpdatesPage {
  updates: PublicUpdateRow[];
  total: number;
  page: number;
  pageCount: number;
}

/**
 * Updates of published claims, newest first, strictly after `after` when given, from the
 * index on the claim's public state that updates carry: exact counts and pages without
 * reading the claims. The total counts index entries (no document decoded).
 */
export async function listPublicUpdates({ after, page }: { after?: Date | undefined; page: number }): Promise<UpdatesPage> {
  await ensurePublicStateBackfilled();
  const filter: FilterQuery<Update> = { public: true };
  if (after) filter.at = trusted({ $gt: after });
  const [total, updates] = await Promise.all([
    UpdateModel.countDocuments(filter),
    UpdateModel.find(filter)
      .sort({ at: -1, _id: -1 })
      .skip((page - 1) * UPDATES_PER_PAGE)
      .limit(UPDATES_PER_PAGE)
      .populate<{ claim: PublicUpdateRow['claim'] }>('claim', 'slug title')
      .lean(),
  ]);
  return { updates, total, page, pageCount: Math.max(1, Math.ceil(total / UPDATES_PER_PAGE)) };
}
