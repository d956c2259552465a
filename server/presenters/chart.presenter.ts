import type { Config } from '../config';
import type { ClaimPage, ClaimSummary } from '../services/claims-query.service';
import { buildClaimChart, chooseValueScale, gapBar, type ChartData, type ChartLabels, type ChartOptions, type FigureKind } from '../services/claim-chart.service';
import type { MeasurementGap } from '../services/gap.service';
import { SHARE_IMAGE, type ShareImageText } from '../services/share-image.service';
import { formatFactor, formatMoney, formatNumber, formatPercent } from '../view-engine/format';
import { deadlineStatus, deadlineText, formatFigure, isCoarse, numericGap, presentAnnounced, saidOnText } from './claim.presenter';
import { presentDate, speakerName, type PresentContext, type PresentedDate } from './present-context';

/**
 * The chart, the data table under it, the card's gap bar and the share image's text: the
 * words and figures formatted in the reader's language, handed to the pure builders in
 * claim-chart.service and share-image.service.
 */

/** The two inline sizes: the narrow one is shown below 600 px (site.css), where the wide one's text would be too small. */
export const CHART_SIZES = { wide: { width: 720, height: 340 }, narrow: { width: 360, height: 320 } } as const;
export const DEADLINE_CHART_SIZES = { wide: { width: 720, height: 150 }, narrow: { width: 360, height: 170 } } as const;
/** The downloaded chart (SVG and PNG, the PNG at twice this width). */
export const STANDALONE_CHART = { width: 800, height: 380 } as const;

type MeasurementRow = ClaimPage['measurements'][number];

export interface ChartTableRow {
  date: PresentedDate | null;
  value: string;
  kind: string;
  proxy: boolean;
}

export interface PresentedChart {
  kind: 'numeric' | 'deadline';
  wideSvg: string;
  narrowSvg: string;
  table: { caption: string; rows: ChartTableRow[] };
  downloads: { svg: string; png: string; csv: string };
}

interface ChartModel {
  data: ChartData;
  labels: ChartLabels;
  rows: ChartTableRow[];
  sizes: { wide: { width: number; height: number }; narrow: { width: number; height: number } };
}

function factorWords(ctx: PresentContext, head: MeasurementGap): { short: string; sentence: string } | null {
  if (head.factor === null || head.direction === 'equal') return null;
  const above = head.factor >= 1;
  const factor = formatFactor(above ? head.factor : 1 / head.factor, ctx.locale);
  return above
    ? { short: ctx.t('chart.gap_above', { factor }), sentence: ctx.t('chart.desc.factor_above', { factor }) }
    : { short: ctx.t('chart.gap_below', { factor }), sentence: ctx.t('chart.desc.factor_below', { factor }) };
}

/** What the chart of a figure claim shows, or null without a measurement to plot. */
function numericModel(ctx: PresentContext, page: ClaimPage): ChartModel | null {
  const { claim, measurements } = page;
  const gap = numericGap(ctx, claim, measurements);
  const head = gap.headline;
  if (!head || typeof claim.announced.value !== 'number') return null;
  const rowById = new Map(measurements.map((m) => [String(m._id), m]));
  const announcedText = presentAnnounced(ctx, claim.announced) ?? '—';
  const headRow = rowById.get(head.id);
  const headDate = presentDate(ctx, head.asOf, headRow?.asOfPrecision ?? 'day')?.text ?? '—';
  const factor = factorWords(ctx, head);
  const values = [claim.announced.value, ...gap.series.map((g) => g.value)];
  const scale = chooseValueScale(values);

  const desc = [ctx.t('chart.desc.announced', { when: saidOnText(ctx, claim), announced: announcedText })];
  const measuredText = formatFigure(ctx, claim.announced, head.value, headRow?.unit);
  desc.push(
    head.proxy
      ? ctx.t('chart.desc.latest_proxy', { date: headDate, measured: measuredText, definition: headRow?.definition ?? '' })
      : ctx.t('chart.desc.latest', { date: headDate, measured: measuredText }),
  );
  if (head.direction === 'equal') desc.push(ctx.t('chart.desc.equal'));
  else if (factor) desc.push(factor.sentence);
  // A share of the announcement only means something when the same thing was counted.
  if (!head.proxy && head.direction !== 'equal' && head.percentRealised !== null) desc.push(ctx.t('chart.desc.percent', { percent: formatPercent(head.percentRealised, ctx.locale) }));
  desc.push(ctx.tp('chart.desc.count', gap.series.length));
  if (scale === 'log') {
    desc.push(ctx.t('chart.desc.log', { min: formatNumber(Math.min(...values), ctx.locale, { maximumFractionDigits: 2 }), max: formatNumber(Math.max(...values), ctx.locale, { maximumFractionDigits: 2 }) }));
  }

  const rows: ChartTableRow[] = [
    { date: presentDate(ctx, claim.saidAt, claim.saidAtPrecision), value: announcedText, kind: ctx.t('chart.table.announcement'), proxy: false },
    ...gap.series.map((g): ChartTableRow => {
      const row = rowById.get(g.id);
      return {
        date: presentDate(ctx, g.asOf, row?.asOfPrecision ?? 'day'),
        value: formatFigure(ctx, claim.announced, g.value, row?.unit),
        kind: ctx.t(g.proxy ? 'chart.table.proxy' : 'chart.table.measurement'),
        proxy: g.proxy,
      };
    }),
  ];
  const kind = claim.announced.kind as FigureKind;
  return {
    data: {
      kind: 'numeric',
      figure: { kind, currency: claim.announced.currency ?? null },
      announced: { value: claim.announced.value, at: claim.saidAt },
      dueAt: claim.announced.dueAt ?? null,
      points: gap.series.map((g) => ({ value: g.value, asOf: g.asOf, proxy: g.proxy })),
      headlineIndex: gap.series.findIndex((g) => g.id === head.id),
    },
    labels: {
      ...commonLabels(ctx),
      title: ctx.t('chart.title', { title: claim.title }),
      desc: desc.join(' '),
      announced: ctx.t('chart.legend.announced', { value: announcedText }),
      gap: factor?.short ?? null,
    },
    rows,
    sizes: CHART_SIZES,
  };
}

function commonLabels(ctx: PresentContext): Omit<ChartLabels, 'title' | 'desc' | 'announced' | 'gap'> {
  return {
    announcement: ctx.t('chart.announcement'),
    deadline: ctx.t('chart.deadline'),
    measured: ctx.t('chart.measured'),
    proxy: ctx.t('chart.proxy'),
    delivered: ctx.t('chart.delivered'),
    notDelivered: ctx.t('chart.not_delivered'),
    today: ctx.t('chart.today'),
    logScale: ctx.t('chart.log_scale'),
  };
}

/** A deadline's strip, or null before anyone checked: an empty strip would only repeat the due date. */
function deadlineModel(ctx: PresentContext, page: ClaimPage): ChartModel | null {
  const { claim, measurements } = page;
  const checks = measurements.filter((m): m is MeasurementRow & { delivered: boolean } => typeof m.delivered === 'boolean');
  // A check known only to the month, or a delivery without a date, has no honest place on a
  // line of days (placed at the start of its month it would precede the announcement): it
  // stays in the measurements table, off the strip.
  const plottable = checks.filter((m) => !isCoarse(m.asOfPrecision) && (!m.delivered || m.deliveredAt instanceof Date));
  if (!(claim.announced.dueAt instanceof Date) || plottable.length === 0) return null;
  const status = deadlineStatus(ctx, claim, measurements);
  const due = presentDate(ctx, claim.announced.dueAt, claim.announced.duePrecision ?? 'day')?.text ?? '—';
  const stateText = deadlineText(ctx, status);
  const rows: ChartTableRow[] = [
    { date: presentDate(ctx, claim.saidAt, claim.saidAtPrecision), value: '—', kind: ctx.t('chart.table.announcement'), proxy: false },
    { date: presentDate(ctx, claim.announced.dueAt, claim.announced.duePrecision ?? 'day'), value: '—', kind: ctx.t('chart.table.deadline'), proxy: false },
    ...checks.map((m): ChartTableRow => {
      const on = presentDate(ctx, m.deliveredAt, 'day');
      return {
        date: presentDate(ctx, m.asOf, m.asOfPrecision),
        value: m.delivered
          ? on
            ? ctx.t('claim.measurement.delivered_on', { date: on.text })
            : ctx.t('claim.measurement.delivered_undated')
          : ctx.t('claim.measurement.not_delivered'),
        kind: ctx.t('chart.table.check'),
        proxy: !m.sameQuantity,
      };
    }),
  ];
  return {
    data: {
      kind: 'deadline',
      announcedAt: claim.saidAt,
      dueAt: claim.announced.dueAt,
      now: ctx.now,
      checks: plottable.map((m) => ({ asOf: m.asOf, delivered: m.delivered, deliveredAt: m.deliveredAt ?? null })),
    },
    labels: {
      ...commonLabels(ctx),
      title: ctx.t('chart.title_deadline', { title: claim.title }),
      desc: `${ctx.t('chart.desc.announced', { when: saidOnText(ctx, claim), announced: claim.announced.definition })} ${ctx.t('chart.desc.deadline', { due, state: stateText })}`,
      announced: ctx.t('chart.deadline'),
      gap: null,
    },
    rows,
    sizes: DEADLINE_CHART_SIZES,
  };
}

/** Qualitative claims have no chart (nothing to plot); figures and deadlines need a measurement. */
function chartModel(ctx: PresentContext, page: ClaimPage): ChartModel | null {
  switch (page.claim.announced.kind) {
    case 'count':
    case 'money':
    case 'percentage':
      return numericModel(ctx, page);
    case 'deadline':
      return deadlineModel(ctx, page);
    default:
      return null;
  }
}

function chartOptions(ctx: PresentContext, size: { width: number; height: number }, mode: ChartOptions['mode'], idPrefix: string): ChartOptions {
  return { ...size, locale: ctx.locale, timeZone: ctx.timeZone, mode, idPrefix };
}

/** The claim page's chart (two sizes, inline), its table and its downloads; null when there is none. */
export function presentClaimChart(ctx: PresentContext, page: ClaimPage): PresentedChart | null {
  const model = chartModel(ctx, page);
  if (!model) return null;
  const wide = buildClaimChart(model.data, model.labels, chartOptions(ctx, model.sizes.wide, 'inline', 'chart-wide'));
  const narrow = buildClaimChart(model.data, model.labels, chartOptions(ctx, model.sizes.narrow, 'inline', 'chart-narrow'));
  const base = `/claims/${page.claim.slug}`;
  return {
    kind: model.data.kind,
    wideSvg: wide.svg,
    narrowSvg: narrow.svg,
    table: { caption: ctx.t('chart.table.caption'), rows: model.rows },
    downloads: { svg: `${base}/chart.svg`, png: `${base}/chart.png`, csv: `${base}/measurements.csv` },
  };
}

/** The downloadable chart: its own styles as attributes, fonts named for resvg. */
export function presentStandaloneChart(ctx: PresentContext, page: ClaimPage): string | null {
  const model = chartModel(ctx, page);
  if (!model) return null;
  const size = model.data.kind === 'numeric' ? STANDALONE_CHART : { width: STANDALONE_CHART.width, height: 170 };
  return `<?xml version="1.0" encoding="UTF-8"?>\n${buildClaimChart(model.data, model.labels, chartOptions(ctx, size, 'standalone', 'chart')).svg}`;
}

/** A figure for the share image, its number and its unit apart: the number is set large, the unit under it. */
function splitFigure(ctx: PresentContext, announced: ClaimSummary['announced'], value: number, unit: string | null | undefined): { value: string; unit: string | null } {
  if (announced.kind === 'money') return { value: formatMoney(value, announced.currency ?? 'EUR', ctx.locale), unit: null };
  if (announced.kind === 'percentage' && !unit) return { value: formatFigure(ctx, announced, value), unit: null };
  return { value: formatNumber(value, ctx.locale, { maximumFractionDigits: 2 }), unit: unit ?? announced.unit ?? null };
}

/** Why the bars are not to be read as a plain ratio, if they are not. */
function shareBarNote(ctx: PresentContext, proxy: boolean, log: boolean): string | null {
  if (proxy && log) return ctx.t('share.bar_log_proxy');
  if (proxy) return ctx.t('share.bar_proxy');
  return log ? ctx.t('share.bar_log') : null;
}

export interface PresentedShareImage {
  text: ShareImageText;
  alt: string;
  width: number;
  height: number;
}

/** What the share image says: the claim, announced against measured, and the verdict. */
export function presentShareImage(ctx: PresentContext, page: ClaimPage, site: Pick<Config, 'siteUrl'>): PresentedShareImage {
  const { claim, measurements } = page;
  const { announced } = claim;
  const who = [speakerName(ctx, claim.speaker), presentDate(ctx, claim.saidAt, claim.saidAtPrecision)?.text].filter(Boolean).join(', ');
  const verdict = claim.verdict ? { key: claim.verdict.rating, label: ctx.t(`verdict.${claim.verdict.rating}`) } : null;
  let figures: Pick<ShareImageText, 'announcedLabel' | 'announced' | 'announcedUnit' | 'measuredLabel' | 'measured' | 'measuredUnit' | 'gapText' | 'bar'> = {
    announcedLabel: ctx.t('gap.announced'),
    announced: '',
    announcedUnit: null,
    measuredLabel: null,
    measured: null,
    measuredUnit: null,
    gapText: null,
    bar: null,
  };
  const summary: string[] = [];
  if (announced.kind === 'deadline') {
    const status = deadlineStatus(ctx, claim, measurements);
    const due = presentDate(ctx, announced.dueAt, announced.duePrecision ?? 'day')?.text ?? '—';
    figures = { ...figures, announcedLabel: ctx.t('chart.deadline'), announced: due, announcedUnit: null, gapText: deadlineText(ctx, status) };
    summary.push(ctx.t('chart.desc.deadline', { due, state: deadlineText(ctx, status) }));
  } else if (announced.kind !== 'qualitative' && typeof announced.value === 'number') {
    const a = splitFigure(ctx, announced, announced.value, null);
    figures = { ...figures, announced: a.value, announcedUnit: a.unit };
    summary.push(ctx.t('chart.desc.announced', { when: saidOnText(ctx, claim), announced: presentAnnounced(ctx, announced) ?? '—' }));
    const head = numericGap(ctx, claim, measurements).headline;
    if (head) {
      const row = measurements.find((m) => String(m._id) === head.id);
      const m = splitFigure(ctx, announced, head.value, row?.unit);
      const bar = gapBar(announced.value, head.value);
      figures = {
        ...figures,
        measuredLabel: head.proxy ? `${ctx.t('gap.measured')} (${ctx.t('claim.measurement.proxy').toLowerCase()})` : ctx.t('gap.measured'),
        measured: m.value,
        measuredUnit: m.unit,
        gapText: factorWords(ctx, head)?.short ?? null,
        bar: bar ? { announcedWidth: bar.announcedWidth, measuredWidth: bar.measuredWidth, proxy: head.proxy, note: shareBarNote(ctx, head.proxy, bar.scale === 'log') } : null,
      };
      summary.push(head.proxy ? ctx.t('chart.desc.latest_proxy', { date: presentDate(ctx, head.asOf, row?.asOfPrecision ?? 'day')?.text ?? '—', measured: formatFigure(ctx, announced, head.value, row?.unit), definition: row?.definition ?? '' }) : ctx.t('chart.desc.latest', { date: presentDate(ctx, head.asOf, row?.asOfPrecision ?? 'day')?.text ?? '—', measured: formatFigure(ctx, announced, head.value, row?.unit) }));
    }
  }
  if (verdict) summary.push(ctx.t('share.alt.verdict', { verdict: verdict.label }));
  return {
    text: {
      siteName: ctx.t('site.name'),
      siteHost: new URL(site.siteUrl).host,
      kicker: ctx.t('share.kicker', { kind: ctx.t(`kind.${announced.kind}`) }),
      title: claim.title,
      byline: who,
      ...figures,
      verdict,
    },
    alt: ctx.t('share.alt', { title: claim.title, summary: summary.join(' ') }).trim(),
    ...SHARE_IMAGE,
  };
}
