import { scaleLinear } from 'd3-scale';
import type { ScorecardView } from '../services/scorecard.service';
import { formatNumber, formatPercent } from '../view-engine/format';
import type { PresentContext } from './present-context';

/*
 * A scorecard as the page shows it: formatting only. The numbers come from scorecardAt
 * (scorecard.service); the chart is drawn here as plain geometry for an inline SVG.
 */

const CHART_WIDTH = 320;
const CHART_HEIGHT = 20;

export interface ScorecardChartSegment {
  key: string;
  x: string;
  width: string;
  label: string;
}

/** A stacked bar of the claims by state, one segment per state with claims; its numbers are also in the page text. */
export function presentScorecardChart(ctx: PresentContext, view: ScorecardView) {
  const x = scaleLinear().domain([0, Math.max(1, view.claims)]).range([0, CHART_WIDTH]);
  let at = 0;
  const segments: ScorecardChartSegment[] = [];
  for (const s of view.states) {
    if (s.count === 0) continue;
    segments.push({ key: s.key, x: x(at).toFixed(2), width: x(s.count).toFixed(2), label: ctx.t('scorecard.chart.segment', { state: ctx.t(`state.${s.key}`), count: formatNumber(s.count, ctx.locale) }) });
    at += s.count;
  }
  const parts = segments.map((s) => s.label).join(' ; ');
  return {
    width: CHART_WIDTH,
    height: CHART_HEIGHT,
    title: ctx.t('scorecard.chart.title'),
    desc: view.claims === 0 ? ctx.t('scorecard.chart.empty') : ctx.t('scorecard.chart.desc', { total: ctx.tp('claims.count', view.claims), parts }),
    segments,
  };
}

export function presentScorecard(ctx: PresentContext, view: ScorecardView) {
  const n = (v: number) => formatNumber(v, ctx.locale);
  const { deadlines } = view;
  return {
    claimsText: ctx.tp('claims.count', view.claims),
    empty: view.claims === 0,
    states: view.states.map((s) => ({ key: s.key, label: ctx.t(`state.${s.key}`), count: n(s.count), zero: s.count === 0 })),
    verdicts: view.verdicts.map((v) => ({ key: v.key, label: ctx.t(`verdict.${v.key}`), count: n(v.count) })),
    median:
      view.medianShare === null
        ? { text: '—', note: ctx.t('scorecard.median.none') }
        : { text: formatPercent(view.medianShare, ctx.locale), note: ctx.tp('scorecard.median.over', view.shareCount) },
    proxyNote: view.proxyHeadlines > 0 ? ctx.tp('scorecard.median.proxies', view.proxyHeadlines) : null,
    hasDeadlines: deadlines.total > 0,
    deadlines: {
      met: n(deadlines.met),
      late: n(deadlines.late),
      overdue: n(deadlines.overdue),
      pending: n(deadlines.pending),
      overdueDetail: ctx.t('scorecard.deadlines.overdue_detail', { late: n(deadlines.late), unverified: n(deadlines.unverified) }),
      daysOverdue: ctx.tp('scorecard.deadlines.days', deadlines.daysOverdue),
    },
    chart: presentScorecardChart(ctx, view),
  };
}

/** The one line an index row shows: claims, then met and overdue deadlines, then the median. */
export function presentScorecardLine(ctx: PresentContext, view: ScorecardView): string {
  const parts = [ctx.tp('claims.count', view.claims)];
  if (view.deadlines.total > 0) parts.push(ctx.t('scorecard.line.deadlines', { met: formatNumber(view.deadlines.met, ctx.locale), overdue: formatNumber(view.deadlines.overdue, ctx.locale) }));
  if (view.medianShare !== null) parts.push(ctx.t('scorecard.line.median', { percent: formatPercent(view.medianShare, ctx.locale) }));
  return parts.join(' · ');
}
