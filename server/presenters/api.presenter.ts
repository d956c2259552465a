import type { SearchFacets } from '../services/search.service';
import type { Types } from 'mongoose';
import type { Config } from '../config';
import type { ClaimPage, ClaimSummary, SpeakerRef, TopicRef, VerdictTotal } from '../services/claims-query.service';
import { claimState } from '../services/claim-state.service';
import { scorecardAt, type ScorecardView, type StoredScorecard } from '../services/scorecard.service';
import { claimUrl, headlineFigure, measurementUnit, roundRatio, type PublicUpdateRow } from '../services/open-data.service';
import type { TimelineEntryInput } from '../services/timeline.service';
import { deadlineStatus, isCoarse, numericGap, orderTimeline } from './claim.presenter';
import { createPresentContext, type PresentContext } from './present-context';
import { presentUpdateSummary } from './update-summary.presenter';

/**
 * The JSON API's documented shapes (README, "Open data"). Field names are a public
 * contract: camelCase, instants as ISO 8601 strings in UTC, figures as JSON numbers, null
 * (never absent) for what is unknown, so a client can rely on every key being there.
 */

export interface ApiContext extends PresentContext {
  /** Without a trailing slash. */
  siteUrl: string;
}

export function createApiContext(config: Pick<Config, 'locale' | 'timeZone' | 'siteUrl'>, now: Date): ApiContext {
  return { ...createPresentContext(config, now), siteUrl: config.siteUrl };
}

export function isoOrNull(date: Date | null | undefined): string | null {
  return date instanceof Date ? date.toISOString() : null;
}

export function apiSpeaker(ctx: ApiContext, speaker: SpeakerRef) {
  return {
    slug: speaker.slug,
    name: speaker.name,
    role: speaker.role ?? null,
    organisation: speaker.organisation ?? null,
    url: `${ctx.siteUrl}/speakers/${speaker.slug}`,
  };
}

export function apiTopic(ctx: ApiContext, topic: TopicRef) {
  return { slug: topic.slug, name: topic.name, url: `${ctx.siteUrl}/topics/${topic.slug}` };
}

interface SourceLike {
  outlet?: string | null;
  title?: string | null;
  publishedAt?: Date | null;
  publishedPrecision?: string | null;
  url?: string | null;
  archiveUrl?: string | null;
  quote?: string | null;
  snapshot?: Types.ObjectId | null;
  snapshotAt?: Date | null;
}

/** A source as data; `snapshotUrl` is Écart's own stored copy of it (served sandboxed), when there is one. */
function apiSource(ctx: ApiContext, source: SourceLike | null | undefined) {
  if (!source) return null;
  return {
    outlet: source.outlet ?? null,
    title: source.title ?? null,
    publishedAt: isoOrNull(source.publishedAt),
    publishedPrecision: source.publishedAt ? (source.publishedPrecision ?? 'day') : null,
    url: source.url ?? null,
    archiveUrl: source.archiveUrl ?? null,
    snapshotUrl: source.snapshot ? `${ctx.siteUrl}/snapshots/${String(source.snapshot)}` : null,
    snapshotAt: isoOrNull(source.snapshotAt),
    quote: source.quote ?? null,
  };
}

/** A claim in a list: from its stored tracking fields only, no measurement query per claim. */
export function apiClaimSummary(ctx: ApiContext, claim: ClaimSummary) {
  const { announced, tracking } = claim;
  const headline = headlineFigure(claim, ctx.now, ctx.timeZone);
  return {
    slug: claim.slug,
    url: claimUrl(ctx.siteUrl, claim.slug),
    apiUrl: `${ctx.siteUrl}/api/v1/claims/${claim.slug}`,
    title: claim.title,
    speaker: apiSpeaker(ctx, claim.speaker),
    topics: claim.topics.map((t) => apiTopic(ctx, t)),
    saidAt: claim.saidAt.toISOString(),
    saidAtPrecision: claim.saidAtPrecision,
    announced: {
      kind: announced.kind,
      value: announced.value ?? null,
      unit: announced.unit ?? null,
      currency: announced.currency ?? null,
      dueAt: isoOrNull(announced.dueAt),
      duePrecision: announced.dueAt ? (announced.duePrecision ?? 'day') : null,
      definition: announced.definition,
    },
    state: claimState(claim, ctx.now),
    headline: headline && {
      value: headline.value,
      unit: headline.unit,
      proxy: headline.proxy,
      asOf: headline.asOf.toISOString(),
      absoluteGap: headline.absoluteGap,
      percentRealised: roundRatio(headline.percentRealised),
      factor: roundRatio(headline.factor),
    },
    verdict: claim.verdict ? { rating: claim.verdict.rating, explanation: claim.verdict.explanation, setAt: claim.verdict.setAt.toISOString() } : null,
    measurementCount: tracking?.measurementCount ?? 0,
    lastUpdateAt: isoOrNull(tracking?.lastUpdateAt),
  };
}

type MeasurementRow = ClaimPage['measurements'][number];

function apiGap(ctx: ApiContext, claim: ClaimSummary, measurements: MeasurementRow[]) {
  const { kind } = claim.announced;
  if (kind === 'qualitative') return { kind };
  if (kind === 'deadline') {
    const status = deadlineStatus(ctx, claim, measurements);
    return {
      kind,
      state: status.state,
      dueAt: status.dueAt.toISOString(),
      daysLate: status.daysLate,
      daysOverdue: status.daysOverdue,
      daysUntilDue: status.daysUntilDue,
      decidingMeasurementId: status.deciding?.id ?? null,
    };
  }
  const gap = numericGap(ctx, claim, measurements);
  const head = gap.headline;
  return {
    kind: 'numeric' as const,
    state: gap.state,
    daysSinceAnnouncement: gap.daysSinceAnnouncement,
    headline: head && {
      measurementId: head.id,
      value: head.value,
      asOf: head.asOf.toISOString(),
      proxy: head.proxy,
      absoluteGap: head.absoluteGap,
      percentRealised: roundRatio(head.percentRealised),
      factor: roundRatio(head.factor),
      direction: head.direction,
    },
  };
}

export function apiMeasurement(ctx: ApiContext, claim: Pick<ClaimSummary, 'announced'>, m: MeasurementRow) {
  return {
    id: String(m._id),
    value: m.value ?? null,
    unit: measurementUnit(claim, m),
    definition: m.definition,
    proxy: !m.sameQuantity,
    delivered: m.delivered ?? null,
    deliveredAt: isoOrNull(m.deliveredAt),
    asOf: m.asOf.toISOString(),
    asOfPrecision: m.asOfPrecision,
    source: apiSource(ctx, m.source),
    methodNotes: m.methodNotes ?? null,
  };
}

interface ApiTimelineItem extends TimelineEntryInput {
  who: string | null;
  text: string;
  verbatim: boolean;
  source: SourceLike | null;
}

/** The claim's story in the page's order, with raw text instead of the page's labels. */
function apiTimeline(ctx: ApiContext, { claim, measurements, events }: ClaimPage) {
  const items: ApiTimelineItem[] = [
    {
      id: String(claim._id),
      kind: 'statement-original',
      at: claim.saidAt,
      precision: claim.saidAtPrecision,
      who: claim.speaker.name,
      text: claim.statement,
      verbatim: claim.statementVerbatim,
      source: claim.sources[0] ?? null,
    },
    ...measurements.map((m): ApiTimelineItem => ({
      id: String(m._id),
      kind: 'measurement',
      at: m.asOf,
      precision: m.asOfPrecision,
      who: m.source.outlet ?? null,
      text: m.definition,
      verbatim: false,
      source: m.source,
    })),
    ...events.map((e): ApiTimelineItem => ({
      id: String(e._id),
      kind: e.kind,
      at: e.at,
      precision: e.atPrecision,
      who: e.who,
      text: e.text,
      verbatim: e.verbatim ?? false,
      source: e.source,
    })),
    ...(claim.verdict
      ? [{ id: `verdict-${String(claim._id)}`, kind: 'verdict' as const, at: claim.verdict.setAt, precision: 'day' as const, who: null, text: claim.verdict.explanation, verbatim: false, source: null }]
      : []),
    ...claim.corrections.map((c): ApiTimelineItem => ({
      id: String((c as { _id?: Types.ObjectId })._id ?? c.at.toISOString()),
      kind: 'correction',
      at: c.at,
      precision: 'day',
      who: null,
      text: c.text,
      verbatim: false,
      source: null,
    })),
  ];
  return orderTimeline(claim.saidAt, items, ctx.timeZone).map(({ entry, daysAfterAnnouncement }) => ({
    id: entry.id,
    kind: entry.kind,
    at: entry.at.toISOString(),
    precision: entry.precision,
    // A month- or year-precise date has no honest distance in days.
    daysAfterAnnouncement: isCoarse(entry.precision) || isCoarse(claim.saidAtPrecision) ? null : daysAfterAnnouncement,
    who: entry.who,
    text: entry.text,
    verbatim: entry.verbatim,
    source: apiSource(ctx, entry.source),
  }));
}

/** One claim with everything its page shows. */
export function apiClaimDetail(ctx: ApiContext, page: ClaimPage) {
  const { claim } = page;
  return {
    ...apiClaimSummary(ctx, claim),
    statement: claim.statement,
    statementVerbatim: claim.statementVerbatim,
    language: claim.language,
    speakerRole: claim.speakerRole ?? claim.speaker.role ?? null,
    appearance: claim.appearance ?? null,
    sources: claim.sources.map((source) => apiSource(ctx, source)),
    corrections: claim.corrections.map((c) => ({ at: c.at.toISOString(), text: c.text })),
    measurements: page.measurements.map((m) => apiMeasurement(ctx, claim, m)),
    gap: apiGap(ctx, claim, page.measurements),
    timeline: apiTimeline(ctx, page),
  };
}

export function apiUpdate(ctx: ApiContext, u: PublicUpdateRow) {
  return {
    id: String(u._id),
    kind: u.kind,
    at: u.at.toISOString(),
    summary: presentUpdateSummary(ctx, u),
    claim: { slug: u.claim.slug, title: u.claim.title, url: claimUrl(ctx.siteUrl, u.claim.slug) },
  };
}

/**
 * A speaker or topic with how its published claims are rated (`rating: null` counts those
 * not rated yet) and where to page through them.
 */
/**
 * A scorecard as data, from the same `scorecardAt` the pages render: states at the request's
 * time, verdicts (`null` for claims not rated yet), the median % realised (in percent, to two
 * decimals as `percentRealised`; null when no measured count claim has a same-quantity
 * headline) and the deadlines.
 */
export function apiScorecard(view: ScorecardView) {
  return {
    claims: view.claims,
    states: Object.fromEntries(view.states.map((s) => [s.key, s.count])),
    verdicts: view.verdicts.map((v) => ({ rating: v.key === 'none' ? null : v.key, count: v.count })),
    medianRealisedPercent: roundRatio(view.medianShare),
    medianOverClaims: view.shareCount,
    proxyHeadlinesLeftOut: view.proxyHeadlines,
    deadlines: view.deadlines,
  };
}

export function apiProfile<T extends { slug: string }>(
  ctx: ApiContext,
  entity: T,
  filter: 'speaker' | 'topic',
  { totals, total, scorecard }: { totals: VerdictTotal[]; total: number; scorecard: StoredScorecard | null },
) {
  return {
    ...entity,
    claimCount: total,
    verdictTotals: totals.map((t) => ({ rating: t.key === 'none' ? null : t.key, count: t.count })),
    scorecard: apiScorecard(scorecardAt(scorecard, ctx.now, ctx.timeZone)),
    claimsApiUrl: `${ctx.siteUrl}/api/v1/claims?${filter}=${entity.slug}`,
  };
}

export interface ApiPagination {
  page: number;
  pageCount: number;
  total: number;
  perPage: number;
}

/** Search facets as data: each value is what the matching filter parameter takes (topic, speaker, state, verdict). */
export function apiSearchFacets(facets: SearchFacets) {
  return {
    topics: facets.topics.map((f) => ({ value: f.topic.slug, name: f.topic.name, count: f.count })),
    speakers: facets.speakers.map((f) => ({ value: f.speaker.slug, name: f.speaker.name, count: f.count })),
    states: facets.states.map((f) => ({ value: f.key, count: f.count })),
    verdicts: facets.verdicts.map((f) => ({ value: f.key, count: f.count })),
  };
}
