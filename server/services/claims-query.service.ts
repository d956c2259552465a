import { trusted, type FilterQuery, type Types } from 'mongoose';
import { ClaimModel, type Claim } from '../../models/claim.model';
import { MeasurementModel } from '../../models/measurement.model';
import { SpeakerModel, type Speaker } from '../../models/speaker.model';
import { TimelineEventModel } from '../../models/timeline-event.model';
import { TopicModel, type Topic } from '../../models/topic.model';
import { UpdateModel, type Update } from '../../models/update.model';
import { CounterModel, PUBLISHED_CLAIMS_COUNTER } from '../../models/counter.model';
import { VERDICT_KEYS, type VerdictKey } from '../../models/verdict-scale';
import { AppError } from '../errors';
import { ensurePublicStateBackfilled, hasPublishedClaims } from './claim-public-state.service';
import { notDeleted } from './editor-reads.service';
import type { ClaimListQuery } from '../schemas/claims-query.schemas';
import { stateFilter } from './claim-state.service';
import { loadScorecard, loadScorecards, type StoredScorecard } from './scorecard.service';
import type { ScorecardKind } from '../../models/scorecard.model';

export const CLAIMS_PER_PAGE = 20;

type WithId<T> = T & { _id: Types.ObjectId };
export type SpeakerRef = WithId<Pick<Speaker, 'slug' | 'name' | 'role' | 'organisation' | 'kind' | 'sameAs'>>;
export type TopicRef = WithId<Pick<Topic, 'slug' | 'name'>>;
export type ClaimSummary = WithId<Omit<Claim, 'speaker' | 'topics'>> & { speaker: SpeakerRef; topics: TopicRef[] };

export const SPEAKER_FIELDS = 'slug name role organisation kind sameAs';
export const TOPIC_FIELDS = 'slug name';

/** Loads a claims query with its speaker and topics; the one place that decides which of their fields a claim carries. */
export async function populateRefs(query: ReturnType<typeof ClaimModel.find>): Promise<ClaimSummary[]> {
  return await query
    .populate<{ speaker: SpeakerRef }>('speaker', SPEAKER_FIELDS)
    .populate<{ topics: TopicRef[] }>('topics', TOPIC_FIELDS)
    .lean();
}

/** Claims matching `filter`, with their speaker and topics. */
export function populateClaims(filter: FilterQuery<Claim>): Promise<ClaimSummary[]> {
  return populateRefs(ClaimModel.find(filter));
}

export interface ClaimListPage {
  claims: ClaimSummary[];
  total: number;
  page: number;
  pageCount: number;
  topic: TopicRef | null;
  speaker: SpeakerRef | null;
}

/** The public, paginated, filtered list. Unknown topic or speaker slugs are a 404. */
export async function listPublishedClaims(query: ClaimListQuery, now: Date): Promise<ClaimListPage> {
  const filter: FilterQuery<Claim> = { status: 'published' };
  const [topic, speaker] = await Promise.all([
    query.topic ? TopicModel.findOne({ slug: query.topic }, TOPIC_FIELDS).lean<TopicRef>() : null,
    query.speaker ? SpeakerModel.findOne({ slug: query.speaker }, SPEAKER_FIELDS).lean<SpeakerRef>() : null,
  ]);
  // `details` names the parameter: the API answers it as a bad parameter (400), the site as a missing page.
  if (query.topic && !topic) throw new AppError({ code: 'NOT_FOUND', message: `No topic "${query.topic}"`, details: { topic: 'unknown' } });
  if (query.speaker && !speaker) throw new AppError({ code: 'NOT_FOUND', message: `No speaker "${query.speaker}"`, details: { speaker: 'unknown' } });
  if (topic) filter.topics = topic._id;
  if (speaker) filter.speaker = speaker._id;
  if (query.verdict) filter['verdict.rating'] = query.verdict;
  const conditions: FilterQuery<Claim>[] = [filter];
  if (query.state) conditions.push(stateFilter(query.state, now));
  const where = conditions.length === 1 ? filter : { $and: conditions };

  const sort: Record<string, 1 | -1> =
    query.sort === 'gap' ? { 'tracking.gapScore': -1, 'tracking.lastUpdateAt': -1, _id: -1 } : { 'tracking.lastUpdateAt': -1, _id: -1 };
  const [total, claims] = await Promise.all([
    countListed({ topic, speaker, verdict: query.verdict, state: query.state }, where),
    populateRefs(
      ClaimModel.find(where)
        .sort(sort)
        .skip((query.page - 1) * CLAIMS_PER_PAGE)
        .limit(CLAIMS_PER_PAGE),
    ),
  ]);
  return { claims, total, page: query.page, pageCount: Math.max(1, Math.ceil(total / CLAIMS_PER_PAGE)), topic, speaker };
}

/**
 * The list's total: the counts kept on write for the whole list and per topic or speaker (one
 * document read); other filters count the matches in an index (no document decoded for a
 * verdict; the state filters also read the matching claims).
 */
async function countListed(
  only: { topic: TopicRef | null; speaker: SpeakerRef | null; verdict?: unknown; state?: unknown },
  where: FilterQuery<Claim>,
): Promise<number> {
  await ensurePublicStateBackfilled();
  if (only.verdict === undefined && only.state === undefined) {
    if (!only.topic && !only.speaker) {
      const counter = await CounterModel.findById(PUBLISHED_CLAIMS_COUNTER, { value: 1 }).lean();
      if (counter) return counter.value;
    } else if (!only.speaker) {
      const topic = await TopicModel.findById(only.topic!._id, { publishedClaims: 1 }).lean();
      if (typeof topic?.publishedClaims === 'number') return topic.publishedClaims;
    } else if (!only.topic) {
      const speaker = await SpeakerModel.findById(only.speaker._id, { publishedClaims: 1 }).lean();
      if (typeof speaker?.publishedClaims === 'number') return speaker.publishedClaims;
    }
  }
  return ClaimModel.countDocuments(where);
}

export type PublicUpdate = WithId<Omit<Update, 'claim'>> & { claim: WithId<Pick<Claim, 'slug' | 'title'>> };

export interface HomePage {
  updates: PublicUpdate[];
  widestGaps: ClaimSummary[];
  openClaims: ClaimSummary[];
}

const HOME_UPDATES = 8;
const HOME_OPEN = 6;

export async function getHomePage(now: Date): Promise<HomePage> {
  await ensurePublicStateBackfilled();
  const [updates, widestGaps, overdue, awaiting] = await Promise.all([
    latestPublicUpdates(HOME_UPDATES),
    populateRefs(
      ClaimModel.find({ status: 'published', 'tracking.gapScore': trusted({ $gt: 0 }) })
        // The list's "gap" order, which its index gives.
        .sort({ 'tracking.gapScore': -1, 'tracking.lastUpdateAt': -1, _id: -1 })
        .limit(5),
    ),
    // Deadlines past due that nobody has shown were kept first (the most newsworthy), then
    // claims still awaiting a measurement: the `overdue` and `awaiting` filters of the list.
    populateRefs(ClaimModel.find({ status: 'published', ...stateFilter('overdue', now) }).sort({ 'tracking.openDueAt': 1, _id: 1 }).limit(HOME_OPEN)),
    populateRefs(
      ClaimModel.find({ status: 'published', ...stateFilter('awaiting', now) })
        .sort({ 'tracking.lastUpdateAt': -1, _id: -1 })
        .limit(HOME_OPEN),
    ),
  ]);
  return { updates, widestGaps, openClaims: [...overdue, ...awaiting].slice(0, HOME_OPEN) };
}

/** How many recent public updates the home page reads at most to find its claims. */
const HOME_UPDATES_SCAN = HOME_UPDATES * 20;

/**
 * The newest update of each of the most recently updated published claims: one line per
 * claim, so one claim's burst of updates (a seed load, a busy day) does not fill the list.
 * Public updates are walked newest first from their index, a batch at a time, until `limit`
 * claims are found or HOME_UPDATES_SCAN updates were read: bounded whatever the totals.
 */
export async function latestPublicUpdates(limit: number): Promise<HomePage['updates']> {
  await ensurePublicStateBackfilled();
  const latest = new Map<string, WithId<Update>>();
  const seen = new Set<string>();
  const batch = limit * 2;
  // Pages of the index, each starting at the last date read (`at <= last`: an index range on
  // any MongoDB, where a cursor's later batches may not be read lazily), until `limit` claims.
  let before: Date | null = null;
  // Rows at exactly `before` come again at the top of the next page: read that many more.
  let ties = 0;
  while (latest.size < limit && seen.size < HOME_UPDATES_SCAN) {
    const rows: WithId<Update>[] = await UpdateModel.find({ public: true, ...(before ? { at: trusted({ $lte: before }) } : {}) })
      .sort({ at: -1, _id: -1 })
      .limit(batch + ties)
      .lean<WithId<Update>[]>();
    const fresh = rows.filter((row) => !seen.has(String(row._id)));
    for (const row of fresh) {
      seen.add(String(row._id));
      if (!latest.has(String(row.claim))) latest.set(String(row.claim), row);
      if (latest.size >= limit) break;
    }
    if (fresh.length === 0 || rows.length < batch + ties) break;
    const last = rows[rows.length - 1]!.at.getTime();
    ties = rows.filter((row) => row.at.getTime() === last).length;
    before = new Date(last);
  }
  const claims = await ClaimModel.find({ _id: trusted({ $in: [...latest.values()].map((u) => u.claim) }), status: 'published' }, { slug: 1, title: 1 }).lean();
  const claimById = new Map(claims.map((c) => [String(c._id), c]));
  return [...latest.values()].flatMap((row) => {
    const claim = claimById.get(String(row.claim));
    return claim ? [{ ...row, claim }] : [];
  });
}

export interface ClaimPage {
  claim: ClaimSummary;
  measurements: Awaited<ReturnType<typeof loadMeasurements>>;
  events: Awaited<ReturnType<typeof loadEvents>>;
}

function loadMeasurements(claimId: Types.ObjectId) {
  return MeasurementModel.find({ claim: claimId }).sort({ asOf: 1, _id: 1 }).lean();
}
function loadEvents(claimId: Types.ObjectId) {
  return TimelineEventModel.find({ claim: claimId }).sort({ at: 1, _id: 1 }).lean();
}

/** One published claim with everything its page shows: five queries (claim, speaker, topics, measurements, events). */
export async function getPublishedClaim(slug: string): Promise<ClaimPage> {
  return loadClaimPage({ slug, status: 'published' }, `No published claim "${slug}"`);
}

async function loadClaimPage(filter: FilterQuery<Claim>, notFound: string): Promise<ClaimPage> {
  const [claim] = await populateRefs(ClaimModel.find(filter).limit(1));
  if (!claim) throw new AppError({ code: 'NOT_FOUND', message: notFound });
  const [measurements, events] = await Promise.all([loadMeasurements(claim._id), loadEvents(claim._id)]);
  return { claim, measurements, events };
}

/** Any claim but a deleted one, for the editors' preview of what publishing would show. */
export async function getClaimForPreview(claimId: Types.ObjectId): Promise<ClaimPage> {
  return loadClaimPage({ _id: claimId, ...notDeleted() }, `No claim ${String(claimId)}`);
}

export interface VerdictTotal {
  key: VerdictKey | 'none';
  count: number;
}

/** Totals per verdict, in scale order, unrated last: from the scorecard kept on write, never a scan. */
function verdictTotals(scorecard: StoredScorecard | null): { totals: VerdictTotal[]; total: number } {
  const counts = scorecard?.verdicts ?? {};
  const totals = [...VERDICT_KEYS, 'none' as const].filter((key) => (counts[key] ?? 0) > 0).map((key) => ({ key, count: counts[key] ?? 0 }));
  return { totals, total: scorecard?.claims ?? 0 };
}

/** How many claims a speaker or topic page lists; the full list is /claims with that filter. */
export const PROFILE_CLAIMS_LIMIT = 50;

/**
 * The latest published claims matching `match` (a speaker or a topic), with its scorecard
 * (kept on write: one document) and the totals per verdict it holds.
 */
async function profileClaims(match: FilterQuery<Claim>, kind: ScorecardKind, ref: Types.ObjectId) {
  await ensurePublicStateBackfilled();
  const [claims, scorecard] = await Promise.all([
    populateRefs(ClaimModel.find({ status: 'published', ...match }).sort({ 'tracking.lastUpdateAt': -1, _id: -1 }).limit(PROFILE_CLAIMS_LIMIT)),
    loadScorecard(kind, ref),
  ]);
  return { claims, scorecard, ...verdictTotals(scorecard) };
}

export async function getSpeakerPage(slug: string) {
  const speaker = await SpeakerModel.findOne({ slug }, SPEAKER_FIELDS).lean<SpeakerRef>();
  if (!speaker) throw new AppError({ code: 'NOT_FOUND', message: `No speaker "${slug}"` });
  return { speaker, ...(await profileClaims({ speaker: speaker._id }, 'speaker', speaker._id)) };
}

export async function getTopicPage(slug: string) {
  const topic = await TopicModel.findOne({ slug }, TOPIC_FIELDS).lean<TopicRef>();
  if (!topic) throw new AppError({ code: 'NOT_FOUND', message: `No topic "${slug}"` });
  return { topic, ...(await profileClaims({ topics: topic._id }, 'topic', topic._id)) };
}

/** Every topic with published claims, by name: from the counts kept on write (a small collection). */
export async function listPublishedTopics() {
  await ensurePublicStateBackfilled();
  return TopicModel.find(hasPublishedClaims(), TOPIC_FIELDS).sort({ name: 1 }).lean<TopicRef[]>();
}

/** Every speaker with published claims, by name: from the counts kept on write (a small collection). */
export async function listPublishedSpeakers() {
  await ensurePublicStateBackfilled();
  return SpeakerModel.find(hasPublishedClaims(), SPEAKER_FIELDS).sort({ name: 1 }).lean<SpeakerRef[]>();
}

/** Every topic and speaker with published claims, for the filter menus. */
export async function listFilterOptions() {
  const [topics, speakers] = await Promise.all([listPublishedTopics(), listPublishedSpeakers()]);
  return { topics, speakers };
}

/** Every published claim's slug and title, by title: the /feeds page lists their feeds. */
export function listPublishedClaimTitles() {
  return ClaimModel.find({ status: 'published' }, { slug: 1, title: 1 }).sort({ title: 1, _id: 1 }).lean();
}

/** How many speakers or topics an index page lists. */
export const PROFILE_INDEX_PAGE_SIZE = 30;

/**
 * One page of the speakers or topics with published claims, most claims first (the counts
 * kept on write, then the name), each with its scorecard: two bounded reads.
 */
export async function listProfileIndex(kind: ScorecardKind, page: number) {
  await ensurePublicStateBackfilled();
  const model = (kind === 'speaker' ? SpeakerModel : TopicModel) as typeof SpeakerModel;
  const fields = kind === 'speaker' ? SPEAKER_FIELDS : TOPIC_FIELDS;
  const total = await model.countDocuments(hasPublishedClaims());
  const pageCount = Math.max(1, Math.ceil(total / PROFILE_INDEX_PAGE_SIZE));
  const rows = await model
    .find(hasPublishedClaims(), `${fields} publishedClaims`)
    .sort({ publishedClaims: -1, name: 1, _id: 1 })
    .skip((page - 1) * PROFILE_INDEX_PAGE_SIZE)
    .limit(PROFILE_INDEX_PAGE_SIZE)
    .lean<(SpeakerRef & { publishedClaims: number })[]>();
  const scorecards = await loadScorecards(kind, rows.map((r) => r._id));
  return { rows: rows.map((r) => ({ ...r, scorecard: scorecards.get(String(r._id)) ?? null })), total, page, pageCount };
}
