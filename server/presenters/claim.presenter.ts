import type { Types } from 'mongoose';
import type { DatePrecision } from '../../models/source.schema';
import type { ClaimPage, ClaimSummary } from '../services/claims-query.service';
import { claimState, type ClaimState } from '../services/claim-state.service';
import { compareFigures, computeDeadlineStatus, computeNumericGap, isFigureInBounds, realisedShare, type DeadlineStatus, type MeasurementGap, type NumericGap } from '../services/gap.service';
import { deadlineInstant } from '../services/newsroom-input.service';
import { buildTimeline, type TimelineEntryInput } from '../services/timeline.service';
import { formatAmount, formatMoney, formatNumber, formatPercent, formatSignedNumber } from '../view-engine/format';
import { typesetUserText } from '../view-engine/typography';
import { presentCardGapBar, type CardGapBar } from './card-gap.presenter';
import { presentDate, speakerName, type PresentContext, type PresentedDate } from './present-context';

type Announced = ClaimSummary['announced'];

interface SourceLike {
  outlet?: string | null;
  title?: string | null;
  publishedAt?: Date | null;
  publishedPrecision?: DatePrecision | null;
  url?: string | null;
  archiveUrl?: string | null;
  quote?: string | null;
  snapshot?: Types.ObjectId | null;
  snapshotAt?: Date | null;
}

/** Écart's own stored copy of a source: "archivé le 29 décembre 2021", linking to it. */
export interface PresentedSnapshot {
  href: string;
  text: string;
  label: string;
}

export interface PresentedSource {
  outlet: string;
  title: string | null;
  date: PresentedDate | null;
  url: string | null;
  archiveUrl: string | null;
  snapshot: PresentedSnapshot | null;
  quote: string | null;
}

function presentSnapshot(ctx: PresentContext, source: SourceLike, outlet: string): PresentedSnapshot | null {
  if (!source.snapshot) return null;
  const date = presentDate(ctx, source.snapshotAt, 'day')?.text ?? '—';
  return { href: `${ctx.snapshotsPath ?? '/snapshots'}/${source.snapshot.toHexString()}`, text: ctx.t('source.snapshot', { date }), label: ctx.t('source.snapshot_label', { outlet, date }) };
}

export function presentSource(ctx: PresentContext, source: SourceLike | null | undefined): PresentedSource | null {
  if (!source) return null;
  const outlet = source.outlet ?? ctx.t('source.outlet_unknown');
  return {
    outlet,
    title: source.title ? typesetUserText(source.title, ctx.locale) : null,
    date: presentDate(ctx, source.publishedAt, source.publishedPrecision ?? 'day'),
    url: source.url ?? null,
    archiveUrl: source.archiveUrl ?? null,
    snapshot: presentSnapshot(ctx, source, outlet),
    quote: source.quote ? typesetUserText(source.quote, ctx.locale) : null,
  };
}

/**
 * A figure of the claim's kind: "182 000 faux pass sanitaires", "5 000 000 €", "70 %". A
 * measurement with a unit of its own ("pass sur liste noire") is shown in that unit: a
 * proxy must never be labelled as the thing announced. Money from a million is in words
 * ("100 millions d’euros", see formatAmount) unless `exact`, for the measurements table.
 */
export function formatFigure(ctx: PresentContext, announced: Announced, value: number, ownUnit?: string | null, options: { exact?: boolean } = {}): string {
  if (ownUnit) return `${formatNumber(value, ctx.locale, { maximumFractionDigits: 2 })} ${ownUnit}`;
  switch (announced.kind) {
    case 'money':
      return (options.exact ? formatMoney : formatAmount)(value, announced.currency ?? 'EUR', ctx.locale);
    case 'percentage':
      return `${formatNumber(value, ctx.locale, { maximumFractionDigits: 1 })}${ctx.locale === 'fr' ? '\u202f%' : '%'}`;
    default:
      return announced.unit ? `${formatNumber(value, ctx.locale, { maximumFractionDigits: 2 })} ${announced.unit}` : formatNumber(value, ctx.locale, { maximumFractionDigits: 2 });
  }
}

/** The announced figure as a headline: the number, the due date, or nothing for a qualitative claim. */
export function presentAnnounced(ctx: PresentContext, announced: Announced): string | null {
  if (announced.kind === 'deadline') {
    return presentDate(ctx, announced.dueAt, announced.duePrecision ?? 'day')?.text ?? null;
  }
  if (announced.kind === 'qualitative' || typeof announced.value !== 'number') return null;
  return formatFigure(ctx, announced, announced.value);
}

export type GapPanel =
  | { type: 'numeric'; announced: string; awaiting: true; daysSince: string | null }
  | {
      type: 'numeric';
      awaiting: false;
      announced: string;
      measured: string;
      /** "Mesuré", or "Indicateur indirect" when the headline figure counts something else. */
      measuredLabel: string;
      measuredOn: PresentedDate | null;
      /** Only for a measurement of the announced quantity (realisedShare). */
      percentText: string | null;
      factorText: string | null;
      factorLabel: string;
      /** "178 399 de moins que l’annonce"; null when the figures are equal. */
      absoluteText: string | null;
      equal: boolean;
      /** The panel's first line when the headline figure is a proxy; null otherwise. */
      proxyHeadline: string | null;
      daysSince: string | null;
    }
  | { type: 'deadline'; due: PresentedDate | null; state: DeadlineStatus['state']; stateText: string; overdue: boolean }
  | { type: 'qualitative' };

type MeasurementRow = ClaimPage['measurements'][number];

/**
 * The gap maths over the figures they can take. A figure stored out of bounds (before the forms
 * refused it, or by hand) is still listed on the page, but compared with nothing: with an
 * announced figure out of bounds, the claim reads as not yet measured rather than failing.
 */
export function numericGap(ctx: PresentContext, claim: ClaimSummary, measurements: MeasurementRow[]): NumericGap {
  const announced = claim.announced.value ?? 0;
  const comparable = isFigureInBounds(announced);
  return computeNumericGap({
    announced: comparable ? announced : 0,
    announcedAt: claim.saidAt,
    measurements: measurements
      .filter((m): m is MeasurementRow & { value: number } => comparable && isFigureInBounds(m.value))
      .map((m) => ({ id: String(m._id), value: m.value, asOf: m.asOf, sameQuantity: m.sameQuantity })),
    now: ctx.now,
    timeZone: ctx.timeZone,
  });
}

export function deadlineStatus(ctx: PresentContext, claim: ClaimSummary, measurements: MeasurementRow[]): DeadlineStatus {
  return computeDeadlineStatus({
    dueAt: claim.announced.dueAt as Date,
    announcedAt: claim.saidAt,
    measurements: measurements
      .filter((m) => typeof m.delivered === 'boolean')
      .map((m) => ({ id: String(m._id), asOf: m.asOf, delivered: m.delivered === true, deliveredAt: m.deliveredAt ?? null })),
    now: ctx.now,
    timeZone: ctx.timeZone,
  });
}

export function deadlineText(ctx: PresentContext, status: DeadlineStatus): string {
  switch (status.state) {
    case 'pending':
      return ctx.tp('gap.deadline.pending', status.daysUntilDue ?? 0);
    case 'on-time':
      return ctx.t('gap.deadline.on-time');
    case 'late':
      return status.daysLate ? ctx.tp('gap.deadline.late', status.daysLate) : ctx.t('gap.deadline.late_same_day');
    case 'overdue':
      return status.daysOverdue ? ctx.tp('gap.deadline.overdue', status.daysOverdue) : ctx.t('gap.deadline.overdue_today');
    case 'unverified':
      return ctx.tp('gap.deadline.unverified', status.daysOverdue ?? 0);
    case 'delivered-undated':
      return ctx.t('gap.deadline.delivered-undated');
  }
}

export function presentGap(ctx: PresentContext, claim: ClaimSummary, measurements: MeasurementRow[]): GapPanel {
  const { announced } = claim;
  if (announced.kind === 'qualitative') return { type: 'qualitative' };
  if (announced.kind === 'deadline') {
    const status = deadlineStatus(ctx, claim, measurements);
    return {
      type: 'deadline',
      due: presentDate(ctx, announced.dueAt, announced.duePrecision ?? 'day'),
      state: status.state,
      stateText: deadlineText(ctx, status),
      overdue: status.state === 'overdue' || status.state === 'late',
    };
  }
  const gap = numericGap(ctx, claim, measurements);
  const announcedText = presentAnnounced(ctx, announced) ?? '—';
  // An announcement known only to the month or year has no honest day count.
  const daysSince = isCoarse(claim.saidAtPrecision) ? null : ctx.tp('gap.days_since', gap.daysSinceAnnouncement);
  const head = gap.headline;
  if (!head) return { type: 'numeric', awaiting: true, announced: announcedText, daysSince };
  const row = measurements.find((m) => String(m._id) === head.id);
  const share = realisedShare(head);
  return {
    type: 'numeric',
    awaiting: false,
    announced: announcedText,
    measured: formatFigure(ctx, announced, head.value, row?.unit),
    measuredLabel: ctx.t(head.proxy ? 'gap.measured_proxy' : 'gap.measured'),
    measuredOn: presentDate(ctx, head.asOf, row?.asOfPrecision ?? 'day'),
    percentText: share === null ? null : formatPercent(share, ctx.locale),
    ...presentFactor(ctx, head),
    absoluteText: presentAbsoluteGap(ctx, announced, head),
    equal: head.direction === 'equal',
    proxyHeadline: head.proxy ? ctx.t('gap.proxy_headline', { definition: row?.definition ?? '' }) : null,
    daysSince,
  };
}

/**
 * The absolute gap as a reader says it: "178 399 de moins que l’annonce", never a signed
 * "+178 399" whose sign reads the wrong way round. Money keeps its currency; percentages
 * differ in points.
 */
export function presentAbsoluteGap(ctx: PresentContext, announced: Announced, gap: Pick<MeasurementGap, 'absoluteGap' | 'direction'>): string | null {
  if (gap.direction === 'equal') return null;
  const size = Math.abs(gap.absoluteGap);
  const value =
    announced.kind === 'money'
      ? formatMoney(size, announced.currency ?? 'EUR', ctx.locale)
      : announced.kind === 'percentage'
        ? ctx.t('gap.points', { value: formatNumber(size, ctx.locale, { maximumFractionDigits: 1 }) })
        : formatNumber(size, ctx.locale, { maximumFractionDigits: 2 });
  return ctx.t(gap.direction === 'above' ? 'gap.absolute_below' : 'gap.absolute_above', { value });
}

export interface PresentedMeasurement {
  id: string;
  value: string;
  change: string | null;
  asOf: PresentedDate | null;
  definition: string;
  proxy: boolean;
  source: PresentedSource | null;
  methodNotes: string | null;
}

export function presentMeasurements(ctx: PresentContext, claim: ClaimSummary, measurements: MeasurementRow[]): PresentedMeasurement[] {
  const changes = new Map<string, number | null>();
  if (claim.announced.kind !== 'deadline' && claim.announced.kind !== 'qualitative') {
    for (const row of numericGap(ctx, claim, measurements).series) changes.set(row.id, row.changeFromPrevious);
  }
  return measurements.map((m) => {
    let value: string;
    // The table is where a reader checks the figures: exact digits, never words.
    if (typeof m.value === 'number') value = formatFigure(ctx, claim.announced, m.value, m.unit, { exact: true });
    else if (m.delivered === true) {
      const on = presentDate(ctx, m.deliveredAt, 'day');
      value = on ? ctx.t('claim.measurement.delivered_on', { date: on.text }) : ctx.t('claim.measurement.delivered_undated');
    } else value = ctx.t('claim.measurement.not_delivered');
    const change = changes.get(String(m._id));
    return {
      id: String(m._id),
      value,
      change: typeof change === 'number' ? formatSignedNumber(change, ctx.locale, { maximumFractionDigits: 2 }) : null,
      asOf: presentDate(ctx, m.asOf, m.asOfPrecision),
      definition: m.definition,
      proxy: !m.sameQuantity,
      source: presentSource(ctx, m.source),
      methodNotes: m.methodNotes ?? null,
    };
  });
}

interface TimelineItem extends TimelineEntryInput {
  label: string;
  who: string | null;
  text: string;
  verbatim: boolean;
  source: PresentedSource | null;
}

export interface PresentedTimelineEntry extends TimelineItem {
  date: PresentedDate | null;
  relative: string | null;
}

/**
 * Where an entry known only to the month or year sorts: at the end of that period. "In
 * December 2021" is usually what a December article reports after the fact, so it follows
 * the precisely dated events of that month rather than preceding the announcement.
 */
export function isCoarse(precision: DatePrecision): boolean {
  return precision === 'month' || precision === 'year';
}

/**
 * Timeline entries in reading order, each with its distance from the announcement, for the
 * page and the JSON API alike. Coarse entries sort at the end of their period (see
 * deadlineInstant: the end of their period) but keep their own `at`; the announcement keeps its instant (the start of
 * its period), so it always leads.
 */
export function orderTimeline<T extends TimelineEntryInput>(saidAt: Date, items: T[], timeZone: string) {
  const sortable = items.map((item) => ({
    ...item,
    displayAt: item.at,
    at: item.kind === 'statement-original' ? item.at : deadlineInstant({ at: item.at, precision: item.precision }, timeZone),
  }));
  return buildTimeline(saidAt, sortable, timeZone).map(({ entry: { displayAt, ...entry }, ...placed }) => ({
    ...placed,
    entry: { ...entry, at: displayAt } as unknown as T,
  }));
}

/** Every event of the claim in order, with its distance from the announcement. */
export function presentTimeline(ctx: PresentContext, page: ClaimPage): PresentedTimelineEntry[] {
  const { claim, measurements, events } = page;
  const items: TimelineItem[] = [
    {
      id: String(claim._id),
      kind: 'statement-original',
      at: claim.saidAt,
      precision: claim.saidAtPrecision,
      label: ctx.t('timeline.announcement'),
      who: speakerName(ctx, claim.speaker),
      text: typesetUserText(claim.statement, ctx.locale, claim.language),
      verbatim: claim.statementVerbatim,
      source: presentSource(ctx, claim.sources[0]),
    },
    ...presentMeasurements(ctx, claim, measurements).map((m, i): TimelineItem => ({
      id: m.id,
      kind: 'measurement',
      at: (measurements[i] as MeasurementRow).asOf,
      precision: (measurements[i] as MeasurementRow).asOfPrecision,
      label: ctx.t('timeline.measurement'),
      who: m.source?.outlet ?? null,
      text: `${m.value} — ${m.definition}`,
      verbatim: false,
      source: m.source,
    })),
    ...events.map((e): TimelineItem => ({
      id: String(e._id),
      kind: e.kind,
      at: e.at,
      precision: e.atPrecision,
      label: ctx.t(e.kind === 'statement' ? 'timeline.statement' : 'timeline.event'),
      who: e.who,
      text: typesetUserText(e.text, ctx.locale),
      verbatim: e.verbatim ?? false,
      source: presentSource(ctx, e.source),
    })),
    ...(claim.verdict
      ? [
          {
            id: `verdict-${String(claim._id)}`,
            kind: 'verdict' as const,
            at: claim.verdict.setAt,
            precision: 'day' as const,
            label: ctx.t('timeline.verdict'),
            who: null,
            text: `${ctx.t(`verdict.${claim.verdict.rating}`)} — ${claim.verdict.explanation}`,
            verbatim: false,
            source: null,
          },
        ]
      : []),
    ...claim.corrections.map((c): TimelineItem => ({
      id: String((c as { _id?: Types.ObjectId })._id ?? c.at.toISOString()),
      kind: 'correction',
      at: c.at,
      precision: 'day',
      label: ctx.t('timeline.correction'),
      who: null,
      text: c.text,
      verbatim: false,
      source: null,
    })),
  ];
  return orderTimeline(claim.saidAt, items, ctx.timeZone).map(({ entry, daysAfterAnnouncement, relation }) => ({
    ...entry,
    date: presentDate(ctx, entry.at, entry.precision),
    // A month- or year-precise date has no meaningful distance in days.
    relative:
      entry.kind === 'statement-original' || isCoarse(entry.precision) || isCoarse(claim.saidAtPrecision)
        ? null
        : relation === 'same-day'
          ? ctx.t('timeline.same_day')
          : ctx.tp(relation === 'after' ? 'timeline.after' : 'timeline.before', Math.abs(daysAfterAnnouncement)),
  }));
}

export interface ClaimCard {
  slug: string;
  title: string;
  speaker: { name: string; slug: string };
  saidOn: PresentedDate | null;
  kindLabel: string;
  state: string;
  stateKey: string;
  announced: string | null;
  measured: string | null;
  percentText: string | null;
  factorText: string | null;
  factorLabel: string;
  /** The announcement is higher than the measurement (what the feeds' sentence says). */
  factorAbove: boolean;
  proxy: boolean;
  verdict: { key: string; label: string } | null;
  /** The small announced-against-measured bars (views/partials/claim-card-gap.hbs). */
  gapBar: CardGapBar | null;
}

/**
 * "50,5" and what it means ("fois moins que l’annonce"), or nothing when no factor applies
 * (equal figures, a zero, opposite signs). The number carries no "×": its label says "fois",
 * and both together must not say it twice. A proxy's factor says it compares with a proxy.
 * The claim page, the cards and the feeds all show a factor by this one rule.
 */
function presentFactor(
  ctx: PresentContext,
  figures: Pick<MeasurementGap, 'factor' | 'direction' | 'proxy'>,
): { factorText: string | null; factorLabel: string; factorAbove: boolean } {
  const { factor, direction, proxy } = figures;
  const shown = factor !== null && direction !== 'equal';
  const times = factor === null ? 0 : factor >= 1 ? factor : 1 / factor;
  // From 100 up, whole numbers: a decimal there would be false precision.
  const digits = Math.round(times * 10) / 10 >= 100 ? 0 : 1;
  const below = factor !== null && factor < 1;
  return {
    factorText: shown ? formatNumber(times, ctx.locale, { maximumFractionDigits: digits }) : null,
    factorLabel: ctx.t(proxy ? (below ? 'gap.factor_below_proxy' : 'gap.factor_proxy') : below ? 'gap.factor_below' : 'gap.factor'),
    factorAbove: shown && direction === 'above',
  };
}

/** The claim's state badge (claim-state.service decides which), for cards and the claim page alike. */
export function presentState(ctx: PresentContext, claim: Pick<ClaimSummary, 'announced' | 'tracking'>): { key: ClaimState; label: string } {
  const key = claimState(claim, ctx.now);
  return { key, label: ctx.t(`state.${key}`) };
}

/** A claim in a list, from its stored tracking fields only (no measurement query per card). */
export function presentClaimCard(ctx: PresentContext, claim: ClaimSummary): ClaimCard {
  const { announced, tracking } = claim;
  const state = presentState(ctx, claim);
  const value = announced.value;
  const measuredValue = tracking?.headlineValue;
  const hasGap = typeof value === 'number' && typeof measuredValue === 'number' && announced.kind !== 'deadline';
  const figures = hasGap ? { ...compareFigures(value, measuredValue), proxy: tracking?.headlineProxy === true } : null;
  const share = figures ? realisedShare(figures) : null;
  return {
    slug: claim.slug,
    title: claim.title,
    speaker: { name: speakerName(ctx, claim.speaker), slug: claim.speaker.slug },
    saidOn: presentDate(ctx, claim.saidAt, claim.saidAtPrecision),
    kindLabel: ctx.t(`kind.${announced.kind}`),
    state: state.label,
    stateKey: state.key,
    announced: presentAnnounced(ctx, announced),
    measured: hasGap ? formatFigure(ctx, announced, measuredValue, tracking?.headlineUnit) : null,
    percentText: share !== null ? formatPercent(share, ctx.locale) : null,
    ...(figures ? presentFactor(ctx, figures) : { factorText: null, factorLabel: ctx.t('gap.factor'), factorAbove: false }),
    proxy: hasGap && tracking?.headlineProxy === true,
    verdict: claim.verdict ? { key: claim.verdict.rating, label: ctx.t(`verdict.${claim.verdict.rating}`) } : null,
    gapBar: hasGap ? presentCardGapBar(ctx, { announced: value, measured: measuredValue, proxy: tracking?.headlineProxy === true, announcedText: presentAnnounced(ctx, announced), measuredText: formatFigure(ctx, announced, measuredValue, tracking?.headlineUnit) }) : null,
  };
}

/** "le 20 décembre 2021", or "en juillet 2021" for a date known only to the month or year. */
export function saidOnText(ctx: PresentContext, claim: ClaimSummary): string {
  return ctx.t(isCoarse(claim.saidAtPrecision) ? 'claim.said_in' : 'claim.said_on', {
    date: presentDate(ctx, claim.saidAt, claim.saidAtPrecision)?.text ?? '—',
  });
}

/** What the embeddable card shows: who said what and when, the gap, the verdict. No timeline, no table. */
export function presentClaimEmbed(ctx: PresentContext, page: ClaimPage) {
  const { claim } = page;
  return {
    title: claim.title,
    slug: claim.slug,
    kindLabel: ctx.t(`kind.${claim.announced.kind}`),
    speakerName: speakerName(ctx, claim.speaker),
    speakerRole: claim.speakerRole ?? claim.speaker.role ?? null,
    saidOn: presentDate(ctx, claim.saidAt, claim.saidAtPrecision),
    saidOnText: saidOnText(ctx, claim),
    gap: presentGap(ctx, claim, page.measurements),
    verdict: claim.verdict ? { key: claim.verdict.rating, label: ctx.t(`verdict.${claim.verdict.rating}`) } : null,
  };
}

/** Everything a claim page shows, for the public page and the editors' preview alike. */
export function presentClaimPage(ctx: PresentContext, page: ClaimPage) {
  const { claim } = page;
  return {
    pageTitle: claim.title,
    pageDescription: claim.statement.slice(0, 200),
    claim: {
      title: claim.title,
      // Typography follows the text's own language: a French quotation keeps French spacing on the English site.
      statement: typesetUserText(claim.statement, ctx.locale, claim.language),
      statementVerbatim: claim.statementVerbatim,
      language: claim.language,
      speaker: { ...claim.speaker, name: speakerName(ctx, claim.speaker) },
      speakerRole: claim.speakerRole ?? claim.speaker.role ?? null,
      saidOn: presentDate(ctx, claim.saidAt, claim.saidAtPrecision),
      saidOnText: saidOnText(ctx, claim),
      appearance: claim.appearance ?? null,
      topics: claim.topics,
      kindLabel: ctx.t(`kind.${claim.announced.kind}`),
      definition: typesetUserText(claim.announced.definition, ctx.locale),
      verdict: claim.verdict
        ? {
            key: claim.verdict.rating,
            label: ctx.t(`verdict.${claim.verdict.rating}`),
            explanation: typesetUserText(claim.verdict.explanation, ctx.locale),
            setOn: presentDate(ctx, claim.verdict.setAt, 'day'),
          }
        : null,
      sources: claim.sources.map((s) => presentSource(ctx, s)),
      corrections: claim.corrections.map((c) => ({ date: presentDate(ctx, c.at, 'day'), text: typesetUserText(c.text, ctx.locale) })),
      updatedOn: presentUpdatedOn(ctx, claim),
    },
    state: presentState(ctx, claim),
    gap: presentGap(ctx, claim, page.measurements),
    measurements: presentMeasurements(ctx, claim, page.measurements),
    timeline: presentTimeline(ctx, page),
  };
}

/**
 * "Mis à jour le …": the last time something a reader can see changed on the claim, which is
 * tracking.lastUpdateAt (moved by a publication, a measurement, a reaction, a verdict or a
 * correction). Not updatedAt: that moves with any save, a typo fixed in an editor's note or a
 * recount, and would tell readers the claim changed when nothing they see did. A claim never
 * tracked falls back to its publication date.
 */
export function presentUpdatedOn(ctx: PresentContext, claim: Pick<ClaimSummary, 'tracking' | 'publishedAt'>): PresentedDate | null {
  return presentDate(ctx, claim.tracking?.lastUpdateAt ?? claim.publishedAt ?? null, 'day');
}
