import { trusted, type Types } from 'mongoose';
import { ClaimModel, type ClaimStage } from '../../models/claim.model';
import { CounterModel } from '../../models/counter.model';
import { ScorecardModel, type ScorecardKind } from '../../models/scorecard.model';
import { SpeakerModel } from '../../models/speaker.model';
import { TopicModel } from '../../models/topic.model';
import { VERDICT_KEYS, type VerdictKey } from '../../models/verdict-scale';
import { CLAIM_STATES, stateAt, storedStateOf, type ClaimState } from './claim-state.service';
import { compareFigures, daysBetween, isFigureInBounds, realisedShare } from './gap.service';

/*
 * Scorecards: a speaker's or topic's totals, kept on write and read as one document.
 *
 * Each published claim contributes what its own page shows, through the same rules: its
 * state (claim-state.service), its verdict, and for a measured count claim the % realised
 * of its headline measurement (gap.service realisedShare: never for a proxy headline). The
 * clock-free part is stored (ScorecardModel); whether an open deadline is pending or overdue,
 * and by how many days, is worked out at read time from `now`, as on the claim's page.
 */

/** The fields of a claim its scorecard entry is computed from. */
export interface ScoredClaim {
  announced: { kind: string; value?: number | null; dueAt?: Date | null };
  verdict?: { rating?: string | null } | null;
  tracking?: {
    stage?: ClaimStage | null;
    openDueAt?: Date | null;
    measurementCount?: number | null;
    delivered?: boolean | null;
    headlineValue?: number | null;
    headlineProxy?: boolean | null;
  } | null;
}

export const SCORED_CLAIM_FIELDS = {
  'announced.kind': 1,
  'announced.value': 1,
  'announced.dueAt': 1,
  'verdict.rating': 1,
  'tracking.stage': 1,
  'tracking.openDueAt': 1,
  'tracking.measurementCount': 1,
  'tracking.delivered': 1,
  'tracking.headlineValue': 1,
  'tracking.headlineProxy': 1,
} as const;

export interface StoredScorecard {
  claims: number;
  stages: Partial<Record<ClaimStage, number>>;
  verdicts: Partial<Record<VerdictKey | 'none', number>>;
  shares: number[];
  proxyHeadlines: number;
  openDeadlines: { dueAt: Date | null; checked: boolean }[];
}

/**
 * The % realised a claim's page shows for a measured count claim, or null: the headline
 * measurement of the announced quantity against the announced figure (realisedShare is the
 * one rule). `proxy` says a headline exists but measures something else.
 */
export function claimRealisedShare(claim: ScoredClaim): { share: number | null; proxy: boolean } | null {
  const { announced, tracking } = claim;
  if (announced.kind !== 'count' || typeof tracking?.headlineValue !== 'number') return null;
  if (!isFigureInBounds(announced.value) || !isFigureInBounds(tracking.headlineValue)) return null;
  const proxy = tracking.headlineProxy === true;
  return { share: realisedShare({ ...compareFigures(announced.value, tracking.headlineValue), proxy }), proxy };
}

/** The clock-free scorecard of these claims (all published, all of one speaker or topic). */
export function buildScorecard(claims: ScoredClaim[]): StoredScorecard {
  const stages: Partial<Record<ClaimStage, number>> = {};
  const verdicts: Partial<Record<VerdictKey | 'none', number>> = {};
  const shares: number[] = [];
  let proxyHeadlines = 0;
  const openDeadlines: StoredScorecard['openDeadlines'] = [];
  for (const claim of claims) {
    const { stage, openDueAt } = storedStateOf(claim);
    stages[stage] = (stages[stage] ?? 0) + 1;
    const rating = (VERDICT_KEYS as readonly string[]).includes(claim.verdict?.rating ?? '') ? (claim.verdict?.rating as VerdictKey) : 'none';
    verdicts[rating] = (verdicts[rating] ?? 0) + 1;
    if (stage === 'measured') {
      const realised = claimRealisedShare(claim);
      if (realised?.proxy) proxyHeadlines += 1;
      else if (realised?.share !== null && realised?.share !== undefined) shares.push(realised.share);
    }
    if (stage === 'deadline-open' || stage === 'deadline-checked') {
      openDeadlines.push({ dueAt: openDueAt, checked: stage === 'deadline-checked' });
    }
  }
  shares.sort((a, b) => a - b);
  openDeadlines.sort((a, b) => (a.dueAt?.getTime() ?? Infinity) - (b.dueAt?.getTime() ?? Infinity));
  return { claims: claims.length, stages, verdicts, shares, proxyHeadlines, openDeadlines };
}

/** The median of values sorted ascending; null for none. */
export function medianOfSorted(sorted: readonly number[]): number | null {
  if (sorted.length === 0) return null;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

export interface ScorecardView {
  claims: number;
  /** Claims per state at `now`, in CLAIM_STATES order (every state, zeros included). */
  states: { key: ClaimState; count: number }[];
  /** Claims per verdict in scale order, unrated last; only those with claims. */
  verdicts: { key: VerdictKey | 'none'; count: number }[];
  medianShare: number | null;
  /** How many claims the median is over, and how many measured count claims it leaves out for a proxy headline. */
  shareCount: number;
  proxyHeadlines: number;
  deadlines: { total: number; met: number; pending: number; late: number; unverified: number; overdue: number; daysOverdue: number };
}

/**
 * The scorecard at `now`: the stored counts, with each open deadline sorted into pending,
 * unverified or late by the state rule, and the days overdue summed as the claims' pages
 * count them (calendar days from the due date to today, in the newsroom's zone).
 */
export function scorecardAt(stored: StoredScorecard | null, now: Date, timeZone: string): ScorecardView {
  const s = stored ?? { claims: 0, stages: {}, verdicts: {}, shares: [], proxyHeadlines: 0, openDeadlines: [] };
  const counts = new Map<ClaimState, number>(CLAIM_STATES.map((k) => [k, 0]));
  const add = (k: ClaimState, n: number) => counts.set(k, (counts.get(k) ?? 0) + n);
  add('awaiting', s.stages.awaiting ?? 0);
  add('measured', s.stages.measured ?? 0);
  add('qualitative', s.stages.qualitative ?? 0);
  add('met', s.stages['deadline-met'] ?? 0);
  let daysOverdue = 0;
  for (const d of s.openDeadlines) {
    const state = stateAt({ stage: d.checked ? 'deadline-checked' : 'deadline-open', openDueAt: d.dueAt }, now);
    add(state, 1);
    if ((state === 'late' || state === 'unverified') && d.dueAt) daysOverdue += daysBetween(d.dueAt, now, timeZone);
  }
  const get = (k: ClaimState) => counts.get(k) ?? 0;
  const verdicts = [...VERDICT_KEYS, 'none' as const].filter((key) => (s.verdicts[key] ?? 0) > 0).map((key) => ({ key, count: s.verdicts[key] ?? 0 }));
  return {
    claims: s.claims,
    states: CLAIM_STATES.map((key) => ({ key, count: get(key) })),
    verdicts,
    medianShare: medianOfSorted(s.shares),
    shareCount: s.shares.length,
    proxyHeadlines: s.proxyHeadlines,
    deadlines: {
      total: get('met') + get('pending') + get('late') + get('unverified'),
      met: get('met'),
      pending: get('pending'),
      late: get('late'),
      unverified: get('unverified'),
      overdue: get('late') + get('unverified'),
      daysOverdue,
    },
  };
}

/** A stored document as the plain shape above (Mongoose Maps come back as objects from lean()). */
export function toStoredScorecard(doc: {
  claims: number;
  stages?: unknown;
  verdicts?: unknown;
  shares?: number[] | null;
  proxyHeadlines?: number | null;
  openDeadlines?: { dueAt?: Date | null; checked: boolean }[] | null;
} | null): StoredScorecard | null {
  if (!doc) return null;
  const plain = (m: unknown): Record<string, number> => (m instanceof Map ? (Object.fromEntries(m as Map<string, number>)) : ((m ?? {}) as Record<string, number>));
  return {
    claims: doc.claims,
    stages: plain(doc.stages),
    verdicts: plain(doc.verdicts),
    shares: doc.shares ?? [],
    proxyHeadlines: doc.proxyHeadlines ?? 0,
    openDeadlines: (doc.openDeadlines ?? []).map((d) => ({ dueAt: d.dueAt ?? null, checked: d.checked })),
  };
}

const unique = (ids: Types.ObjectId[]) => [...new Map(ids.map((id) => [String(id), id])).values()];

async function writeScorecard(kind: ScorecardKind, ref: Types.ObjectId, match: Record<string, unknown>): Promise<void> {
  // An index range (status, speaker|topics, …), bounded by that speaker's or topic's published claims.
  const claims = await ClaimModel.find({ status: 'published', ...match }, SCORED_CLAIM_FIELDS).lean<ScoredClaim[]>();
  await ScorecardModel.updateOne({ kind, ref }, { $set: buildScorecard(claims) }, { upsert: true });
}

/**
 * Recomputes the scorecards of these speakers and topics from their published claims, one
 * after the other (a transaction runs a session's operations one at a time). Recomputed, not
 * incremented, so a retried write cannot leave them off.
 */
export async function refreshScorecards(speakers: Types.ObjectId[], topics: Types.ObjectId[]): Promise<void> {
  for (const speaker of unique(speakers)) await writeScorecard('speaker', speaker, { speaker });
  for (const topic of unique(topics)) await writeScorecard('topic', topic, { topics: topic });
}

/** After a claim's verdict, measurements or announcement changed: its speaker's and topics' scorecards, if it is public. */
export async function refreshClaimScorecards(claim: { status?: string | null; speaker: Types.ObjectId; topics: Types.ObjectId[] }): Promise<void> {
  if (claim.status !== 'published') return;
  await refreshScorecards([claim.speaker], claim.topics);
}

/** refreshClaimScorecards for a claim known by its id (the seed writer). */
export async function refreshScorecardsOfClaim(claimId: Types.ObjectId): Promise<void> {
  const claim = await ClaimModel.findById(claimId, { status: 1, speaker: 1, topics: 1 }).lean();
  if (claim) await refreshClaimScorecards(claim);
}

export async function loadScorecard(kind: ScorecardKind, ref: Types.ObjectId): Promise<StoredScorecard | null> {
  return toStoredScorecard(await ScorecardModel.findOne({ kind, ref }).lean());
}

/** Scorecards of several speakers or topics at once (an index list). */
export async function loadScorecards(kind: ScorecardKind, refs: Types.ObjectId[]): Promise<Map<string, StoredScorecard>> {
  const docs = await ScorecardModel.find({ kind, ref: trusted({ $in: refs }) }).lean();
  return new Map(docs.map((d) => [String(d.ref), toStoredScorecard(d) as StoredScorecard]));
}

/** Marks (in the counters collection) that every speaker and topic with published claims got its scorecard. */
export const SCORECARDS_MIGRATION = 'migration.scorecards';

/**
 * Data written before scorecards existed gets them once per database: every speaker and topic
 * with published claims (from the counts kept on write) that has none yet, then the mark.
 */
export async function backfillScorecards(): Promise<void> {
  if (await CounterModel.exists({ _id: SCORECARDS_MIGRATION })) return;
  const withClaims = { publishedClaims: trusted({ $gt: 0 }) };
  const [speakers, topics, kept] = await Promise.all([
    SpeakerModel.find(withClaims, { _id: 1 }).lean(),
    TopicModel.find(withClaims, { _id: 1 }).lean(),
    ScorecardModel.find({}, { kind: 1, ref: 1 }).lean(),
  ]);
  // Only the missing ones: a write here invalidates every cached page.
  const has = new Set(kept.map((k) => `${k.kind}:${String(k.ref)}`));
  await refreshScorecards(
    speakers.filter((s) => !has.has(`speaker:${String(s._id)}`)).map((s) => s._id),
    topics.filter((t) => !has.has(`topic:${String(t._id)}`)).map((t) => t._id),
  );
  // Bookkeeping, not public content: written past the models' change hooks.
  await CounterModel.collection.updateOne({ _id: SCORECARDS_MIGRATION } as never, { $set: { value: 1 } }, { upsert: true });
}
