import { trusted, type Types } from 'mongoose';
import { ClaimModel } from '../../models/claim.model';
import { MeasurementModel } from '../../models/measurement.model';
import { searchDefinitionsOf } from './claim-search.service';
import { storedClaimState } from './claim-state.service';
import { computeNumericGap, isFigureInBounds } from './gap.service';
import { refreshClaimScorecards } from './scorecard.service';

/**
 * How far apart the announcement and the headline measurement are, on one scale for all
 * numeric claims: |log10(announced / measured)|. 0 is on target; 1 is ten times off either
 * way. Undefined (null) when either side is zero or they differ in sign.
 */
export function gapScore(announced: number, measured: number): number | null {
  if (announced === 0 || measured === 0 || Math.sign(announced) !== Math.sign(measured)) return null;
  const score = Math.abs(Math.log10(announced / measured));
  return Number.isFinite(score) ? score : null;
}

/**
 * Recomputes the claim's derived `tracking` fields from its measurements, so list pages can
 * filter and sort with an index. Called after every change to a claim's measurements.
 */
export async function refreshClaimTracking(claimId: Types.ObjectId, lastUpdateAt: Date | null, now: Date, timeZone: string): Promise<void> {
  const claim = await ClaimModel.findById(claimId, { announced: 1, saidAt: 1, tracking: 1, status: 1, speaker: 1, topics: 1 }).lean();
  if (claim) await writeClaimTracking({ ...claim, _id: claimId }, lastUpdateAt, now, timeZone);
}

/** The fields of a claim its tracking is computed from: an editor action passes the claim it loaded. */
export interface TrackedClaim {
  _id: Types.ObjectId;
  announced: { kind: string; value?: number | null; dueAt?: Date | null; definition?: string | null };
  saidAt: Date;
  tracking?: { lastUpdateAt?: Date | null } | null;
  /** Whose scorecards follow (scorecard.service): read from the claim when not given. */
  status?: string | null;
  speaker?: Types.ObjectId;
  topics?: Types.ObjectId[];
}

/** refreshClaimTracking for a claim already loaded: reads its measurements, writes the claim once. */
export async function writeClaimTracking(claim: TrackedClaim, lastUpdateAt: Date | null, now: Date, timeZone: string): Promise<void> {
  const claimId = claim._id;
  const measurements = await MeasurementModel.find({ claim: claimId }, { value: 1, unit: 1, asOf: 1, sameQuantity: 1, delivered: 1, definition: 1 })
    .sort({ asOf: 1, _id: 1 })
    .lean();
  let score: number | null = null;
  let headline: { value: number; asOf: Date; proxy: boolean; unit: string | null } | null = null;
  const { kind, value } = claim.announced;
  // A figure stored out of bounds (see isFigureInBounds) is counted but never compared.
  if ((kind === 'count' || kind === 'money' || kind === 'percentage') && isFigureInBounds(value)) {
    const numeric = measurements.filter((m): m is typeof m & { value: number } => isFigureInBounds(m.value));
    const gap = computeNumericGap({
      announced: value,
      announcedAt: claim.saidAt,
      measurements: numeric.map((m) => ({ id: String(m._id), value: m.value, asOf: m.asOf, sameQuantity: m.sameQuantity })),
      now,
      timeZone,
    });
    if (gap.headline) {
      score = gapScore(value, gap.headline.value);
      const row = numeric.find((m) => String(m._id) === gap.headline?.id);
      headline = { value: gap.headline.value, asOf: gap.headline.asOf, proxy: gap.headline.proxy, unit: row?.unit ?? null };
    }
  }
  const previous = claim.tracking?.lastUpdateAt;
  const delivered = measurements.some((m) => m.delivered === true);
  const state = storedClaimState(claim.announced, measurements.length, delivered);
  await ClaimModel.updateOne(
    { _id: claimId },
    {
      $set: {
        'tracking.measurementCount': measurements.length,
        'tracking.latestAsOf': measurements.at(-1)?.asOf ?? null,
        'tracking.gapScore': score,
        'tracking.headlineValue': headline?.value ?? null,
        'tracking.headlineAsOf': headline?.asOf ?? null,
        'tracking.headlineProxy': headline?.proxy ?? null,
        'tracking.headlineUnit': headline?.unit ?? null,
        'tracking.delivered': delivered,
        'tracking.stage': state.stage,
        'tracking.openDueAt': state.openDueAt,
        // Search's copy of the definitions rides on this write: the measurements are read here anyway.
        'search.definitions': searchDefinitionsOf([claim.announced.definition ?? '', ...measurements.map((m) => m.definition)]),
        // Never moved back; null (an edit, a removal) leaves it where it is.
        'tracking.lastUpdateAt': lastUpdateAt === null || (previous && previous > lastUpdateAt) ? (previous ?? null) : lastUpdateAt,
      },
    },
  );
  await refreshTrackedClaimScorecards(claim);
}

/** The scorecards the claim counts in follow its new state, figure and headline. */
async function refreshTrackedClaimScorecards(claim: TrackedClaim): Promise<void> {
  const refs = claim.speaker && claim.topics && claim.status !== undefined ? { status: claim.status, speaker: claim.speaker, topics: claim.topics } : await ClaimModel.findById(claim._id, { status: 1, speaker: 1, topics: 1 }).lean();
  if (refs) await refreshClaimScorecards(refs);
}

/** Moves the claim's "last updated" forward to `at`, never back. */
export async function moveLastUpdateForward(claimId: Types.ObjectId, at: Date): Promise<void> {
  await ClaimModel.updateOne({ _id: claimId, 'tracking.lastUpdateAt': trusted({ $not: { $gte: at } }) }, { $set: { 'tracking.lastUpdateAt': at } });
}
