import { trusted, type FilterQuery, type PipelineStage, type Types } from 'mongoose';
import { ClaimModel, type Claim, type ClaimStage } from '../../models/claim.model';
import { SpeakerModel } from '../../models/speaker.model';
import { TopicModel } from '../../models/topic.model';
import type { VerdictKey } from '../../models/verdict-scale';
import { AppError } from '../errors';
import type { SearchQuery } from '../schemas/search-query.schemas';
import { ensureClaimSearchBackfilled } from './claim-search.service';
import { stateAt, stateFilter, type ClaimState } from './claim-state.service';
import { CLAIMS_PER_PAGE, populateRefs, SPEAKER_FIELDS, TOPIC_FIELDS, type ClaimSummary, type SpeakerRef, type TopicRef } from './claims-query.service';
import { ensurePublicStateBackfilled } from './claim-public-state.service';
import { foldedWords, isStopWord, MAX_PREFIX, MIN_PREFIX } from './search-text';

export const SEARCH_PER_PAGE = CLAIMS_PER_PAGE;

/**
 * Why a query was not run: empty, only signs (`{`, `"`, `-`), or only stop words. The page
 * says so in the reader's language (a 200): nothing is wrong with the address.
 */
export type SearchRefusal = 'empty' | 'no_words' | 'only_stop_words';

/** How the claims were found: by the text index (stemmed words), or by word beginnings (see below). */
export type SearchMode = 'text' | 'prefix';

export interface SearchTerms {
  /** The query's folded words, stop words left out: what highlighting compares by stem. */
  words: string[];
  /** In prefix mode, the last word's beginning: highlighting marks words that start with it. */
  prefix: string | null;
}

export interface SearchFacets {
  topics: { topic: TopicRef; count: number }[];
  speakers: { speaker: SpeakerRef; count: number }[];
  verdicts: { key: VerdictKey; count: number }[];
  states: { key: ClaimState; count: number }[];
}

export type SearchResult =
  | { refused: SearchRefusal; query: SearchQuery }
  | {
      refused: null;
      query: SearchQuery;
      mode: SearchMode;
      terms: SearchTerms;
      claims: ClaimSummary[];
      total: number;
      page: number;
      pageCount: number;
      facets: SearchFacets;
      topic: TopicRef | null;
      speaker: SpeakerRef | null;
    };

/** Reads the query's words: signs and operators fall away, so nothing but words reaches $text. */
export function readQuery(q: string): { refused: SearchRefusal } | { refused: null; words: string[] } {
  if (q.length === 0) return { refused: 'empty' };
  const all = foldedWords(q);
  if (all.length === 0) return { refused: 'no_words' };
  const words = [...new Set(all.filter((w) => !isStopWord(w)))];
  return words.length === 0 ? { refused: 'only_stop_words' } : { refused: null, words };
}

/**
 * Published claims matching the query and the filters, ordered by text score then latest
 * update, with facet counts over the same matches.
 *
 * Matching: MongoDB `$text` over the claims' text index (French stemming and stop words;
 * accents and case ignored), the words OR-ed and scored title 10, statement 5, speaker and
 * topics 2, definitions 1. When `$text` finds nothing, the query is read as word beginnings
 * ("darm", "pass sani"): each word's first MAX_PREFIX letters must begin a word of a claim's
 * title, speaker or topics (`search.prefixes`, an equality on a multikey index). Running
 * $text first keeps a whole word's stemmed, weighted matches whenever there are some.
 */
export async function searchClaims(query: SearchQuery, now: Date): Promise<SearchResult> {
  const read = readQuery(query.q);
  if (read.refused) return { refused: read.refused, query };
  await Promise.all([ensureClaimSearchBackfilled(), ensurePublicStateBackfilled()]);

  const [topic, speaker] = await Promise.all([
    query.topic ? TopicModel.findOne({ slug: query.topic }, TOPIC_FIELDS).lean<TopicRef>() : null,
    query.speaker ? SpeakerModel.findOne({ slug: query.speaker }, SPEAKER_FIELDS).lean<SpeakerRef>() : null,
  ]);
  if (query.topic && !topic) throw new AppError({ code: 'NOT_FOUND', message: `No topic "${query.topic}"`, details: { topic: 'unknown' } });
  if (query.speaker && !speaker) throw new AppError({ code: 'NOT_FOUND', message: `No speaker "${query.speaker}"`, details: { speaker: 'unknown' } });
  const filters: FilterQuery<Claim> = { status: 'published' };
  if (topic) filters.topics = topic._id;
  if (speaker) filters.speaker = speaker._id;
  if (query.verdict) filters['verdict.rating'] = query.verdict;
  if (query.state) Object.assign(filters, stateFilter(query.state, now));

  const textMatch: FilterQuery<Claim> = { $text: trusted({ $search: read.words.join(' ') }), ...filters };
  let mode: SearchMode = 'text';
  let match = textMatch;
  let found = await matchesOf(match, mode, query.page, now);
  const last = read.words.at(-1)!;
  if (found.total === 0 && last.length >= MIN_PREFIX) {
    const beginnings = read.words.filter((w) => w.length >= MIN_PREFIX).map((w) => w.slice(0, MAX_PREFIX));
    mode = 'prefix';
    match = { ...filters, 'search.prefixes': beginnings.length === 1 ? beginnings[0] : trusted({ $all: beginnings }) };
    found = await matchesOf(match, mode, query.page, now);
  }
  const pageCount = Math.max(1, Math.ceil(found.total / SEARCH_PER_PAGE));
  const page = Math.min(query.page, pageCount);
  // A page past the end shows the last one (rare: an old link after claims were unpublished).
  if (page !== query.page && found.total > 0) found = await matchesOf(match, mode, page, now);
  const claims = await claimsInOrder(found.pageIds);
  return {
    refused: null,
    query,
    mode,
    terms: { words: read.words, prefix: mode === 'prefix' ? last.slice(0, MAX_PREFIX) : null },
    claims,
    total: found.total,
    page,
    pageCount,
    facets: found.facets,
    topic,
    speaker,
  };
}

interface FacetRows {
  total: { n: number }[];
  topics: { _id: Types.ObjectId; count: number }[];
  speakers: { _id: Types.ObjectId; count: number }[];
  verdicts: { _id: VerdictKey | null; count: number }[];
  states: { _id: { stage?: ClaimStage; openDueAt?: Date | null }; count: number }[];
  page: { _id: Types.ObjectId }[];
}

/** What the facets and the page's order read of a claim: its text and sources are never needed. */
const MATCH_FIELDS = { speaker: 1, topics: 1, 'verdict.rating': 1, 'tracking.stage': 1, 'tracking.openDueAt': 1, 'tracking.lastUpdateAt': 1 } as const;

/** The page's claims, whole, in the order the aggregate ranked their ids. */
async function claimsInOrder(ids: Types.ObjectId[]): Promise<ClaimSummary[]> {
  if (ids.length === 0) return [];
  const claims = await populateRefs(ClaimModel.find({ _id: trusted({ $in: ids }) }));
  const byId = new Map(claims.map((c) => [String(c._id), c]));
  return ids.flatMap((id) => byId.get(String(id)) ?? []);
}

/**
 * The total, the four facets and the ids of one page of the matches, in ONE aggregate whose
 * first stage is the match ($text first when searching by text), then a projection of the
 * few fields the facets and the order read. Each facet value's count is the total of the
 * list its link opens (the same match plus that filter): states go through stateAt, the
 * one rule, over each distinct (stage, open due date). The page is ranked by text score,
 * then latest update (prefix matches: latest update only); its claims are then read whole by
 * id, 20 at most.
 *
 * Cost: every matching claim is read once, and only its projected fields (the embedded
 * server decodes just those; MongoDB reads them from the document it fetches). At 10 000
 * claims a common word may match a few thousand: the profile of 32 uncached searches showed
 * the text and facet passes decoding whole claims twice, and mingo's $facet copying them
 * (issue 14's note). Then one small $in per facet for names. The render cache keeps the page
 * until content changes.
 */
async function matchesOf(
  match: FilterQuery<Claim>,
  mode: SearchMode,
  page: number,
  now: Date,
): Promise<{ total: number; facets: SearchFacets; pageIds: Types.ObjectId[] }> {
  const order: Record<string, 1 | -1> = mode === 'text' ? { score: -1, 'tracking.lastUpdateAt': -1, _id: -1 } : { 'tracking.lastUpdateAt': -1, _id: -1 };
  const pipeline: PipelineStage[] = [
    { $match: match },
    { $project: mode === 'text' ? { ...MATCH_FIELDS, score: { $meta: 'textScore' } } : MATCH_FIELDS },
    {
      $facet: {
        total: [{ $count: 'n' }],
        topics: [{ $unwind: '$topics' }, { $group: { _id: '$topics', count: { $sum: 1 } } }],
        speakers: [{ $group: { _id: '$speaker', count: { $sum: 1 } } }],
        verdicts: [{ $group: { _id: '$verdict.rating', count: { $sum: 1 } } }],
        states: [{ $group: { _id: { stage: '$tracking.stage', openDueAt: '$tracking.openDueAt' }, count: { $sum: 1 } } }],
        page: [{ $sort: order }, { $skip: (page - 1) * SEARCH_PER_PAGE }, { $limit: SEARCH_PER_PAGE }, { $project: { _id: 1 } }],
      },
    },
  ];
  const [rows] = await ClaimModel.aggregate<FacetRows>(pipeline);
  const total = rows?.total[0]?.n ?? 0;
  if (!rows || total === 0) return { total: 0, facets: { topics: [], speakers: [], verdicts: [], states: [] }, pageIds: [] };
  const [topics, speakers] = await Promise.all([
    TopicModel.find({ _id: trusted({ $in: rows.topics.map((r) => r._id) }) }, TOPIC_FIELDS).lean<TopicRef[]>(),
    SpeakerModel.find({ _id: trusted({ $in: rows.speakers.map((r) => r._id) }) }, SPEAKER_FIELDS).lean<SpeakerRef[]>(),
  ]);
  const topicsById = new Map(topics.map((t) => [String(t._id), t]));
  const speakersById = new Map(speakers.map((sp) => [String(sp._id), sp]));
  const states = new Map<ClaimState, number>();
  for (const row of rows.states) {
    // Every published claim has its stage: ensurePublicStateBackfilled ran before the search.
    const state = stateAt({ stage: row._id.stage!, openDueAt: row._id.openDueAt ?? null }, now);
    states.set(state, (states.get(state) ?? 0) + row.count);
  }
  const byCount = <T extends { count: number }>(a: T, b: T) => b.count - a.count;
  return {
    total,
    pageIds: rows.page.map((r) => r._id),
    facets: {
      topics: rows.topics
        .flatMap((r) => {
          const t = topicsById.get(String(r._id));
          return t ? [{ topic: t, count: r.count }] : [];
        })
        .sort((a, b) => byCount(a, b) || a.topic.name.localeCompare(b.topic.name)),
      speakers: rows.speakers
        .flatMap((r) => {
          const s = speakersById.get(String(r._id));
          return s ? [{ speaker: s, count: r.count }] : [];
        })
        .sort((a, b) => byCount(a, b) || a.speaker.name.localeCompare(b.speaker.name)),
      verdicts: rows.verdicts.flatMap((r) => (r._id ? [{ key: r._id, count: r.count }] : [])).sort(byCount),
      states: [...states].map(([key, count]) => ({ key, count })).sort(byCount),
    },
  };
}
