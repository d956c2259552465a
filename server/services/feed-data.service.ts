import { trusted, type FilterQuery, type Types } from 'mongoose';
import { ClaimModel, type Claim } from '../../models/claim.model';
import { MeasurementModel } from '../../models/measurement.model';
import { SpeakerModel } from '../../models/speaker.model';
import { TopicModel } from '../../models/topic.model';
import { UpdateModel, type Update } from '../../models/update.model';
import { AppError } from '../errors';
import { ensurePublicStateBackfilled } from './claim-public-state.service';
import { FEED_LIMIT } from './feeds.service';
import { populateClaims, type ClaimSummary } from './claims-query.service';

export type FeedScope = { kind: 'site' } | { kind: 'corrections' } | { kind: 'claim'; slug: string } | { kind: 'topic'; slug: string } | { kind: 'speaker'; slug: string };

export interface FeedUpdate {
  id: Types.ObjectId;
  kind: string;
  at: Date;
  summary: string;
  summaryData: Update['summaryData'] | null;
  claim: ClaimSummary;
  /** For a new measurement: the measurement as it stands (null once removed). */
  measurement: { value?: number | null; unit?: string | null; delivered?: boolean | null; sameQuantity?: boolean | null } | null;
}

export interface FeedData {
  /** What the feed follows: the whole site, or one claim, topic or speaker. */
  subject: { kind: FeedScope['kind']; slug?: string; name?: string };
  updates: FeedUpdate[];
  /**
   * When the feed's content last changed: its newest update, or a later edit to a claim in
   * scope (a title, a measurement, an unpublish), since items show claims as they stand.
   */
  lastModified: Date | null;
}

/**
 * A feed's scope: which updates it lists (public ones, from the index for that scope) and
 * which claims' edits date it, whatever their status (an unpublish changes the feed too).
 * Unknown slugs are a 404, like their pages.
 */
async function scopeFilters(scope: FeedScope): Promise<{ updates: FilterQuery<Update>; claims: FilterQuery<Claim>; name?: string }> {
  switch (scope.kind) {
    case 'site':
      return { updates: { public: true }, claims: {} };
    // Read from the (kind, public, at) index. Any claim's edit dates it, as for the site feed:
    // an unpublished claim's correction leaves it.
    case 'corrections':
      return { updates: { kind: 'correction', public: true }, claims: {} };
    case 'claim': {
      const claim = await ClaimModel.findOne({ slug: scope.slug, status: 'published' }, { title: 1 }).lean();
      if (!claim) throw new AppError({ code: 'NOT_FOUND', message: `No published claim "${scope.slug}"` });
      return { updates: { claim: claim._id }, claims: { _id: claim._id }, name: claim.title };
    }
    case 'topic': {
      const topic = await TopicModel.findOne({ slug: scope.slug }, { name: 1 }).lean();
      if (!topic) throw new AppError({ code: 'NOT_FOUND', message: `No topic "${scope.slug}"` });
      return { updates: { public: true, topics: topic._id }, claims: { topics: topic._id }, name: topic.name };
    }
    case 'speaker': {
      const speaker = await SpeakerModel.findOne({ slug: scope.slug }, { name: 1 }).lean();
      if (!speaker) throw new AppError({ code: 'NOT_FOUND', message: `No speaker "${scope.slug}"` });
      return { updates: { public: true, speaker: speaker._id }, claims: { speaker: speaker._id }, name: speaker.name };
    }
  }
}

/**
 * The latest updates of the published claims in scope, newest first, each with its claim
 * (for titles, links and the gap) and, for new measurements, the measurement. Every query
 * reads from an index in the feed's order and stops at FEED_LIMIT, whatever the totals.
 */
export async function loadFeedData(scope: FeedScope): Promise<FeedData> {
  await ensurePublicStateBackfilled();
  const { updates: updatesFilter, claims: claimsFilter, name } = await scopeFilters(scope);
  const [rows, lastEdited] = await Promise.all([
    UpdateModel.find(updatesFilter).sort({ at: -1, _id: -1 }).limit(FEED_LIMIT).lean(),
    ClaimModel.findOne(claimsFilter, { updatedAt: 1 }).sort({ updatedAt: -1 }).lean(),
  ]);
  const usedIds = [...new Set(rows.map((r) => String(r.claim)))];
  const measurementIds = rows.filter((r) => r.kind === 'measurement-added' && r.subject).map((r) => r.subject!);
  const [claims, measurements] = await Promise.all([
    populateClaims({ _id: trusted({ $in: usedIds }), status: 'published' }),
    MeasurementModel.find({ _id: trusted({ $in: measurementIds }) }, { value: 1, unit: 1, delivered: 1, sameQuantity: 1 }).lean(),
  ]);
  const claimById = new Map(claims.map((c) => [String(c._id), c]));
  const measurementById = new Map(measurements.map((m) => [String(m._id), m]));
  const updates = rows.flatMap((row): FeedUpdate[] => {
    const claim = claimById.get(String(row.claim));
    if (!claim) return [];
    const measurement = row.kind === 'measurement-added' && row.subject ? (measurementById.get(String(row.subject)) ?? null) : null;
    return [{ id: row._id, kind: row.kind, at: row.at, summary: row.summary, summaryData: row.summaryData ?? null, claim, measurement }];
  });
  const times = [updates[0]?.at, lastEdited?.updatedAt].filter((d): d is Date => d instanceof Date).map((d) => d.getTime());
  return {
    subject: { kind: scope.kind, ...(scope.kind === 'site' || scope.kind === 'corrections' ? {} : { slug: scope.slug }), ...(name ? { name } : {}) },
    updates,
    lastModified: times.length > 0 ? new Date(Math.max(...times)) : null,
  };
}
