import { createRequire } from 'node:module';
import { scaleLinear, scaleLog, scaleUtc } from 'd3-scale';
import { line } from 'd3-shape';
import { timeFormatLocale, type TimeLocaleDefinition } from 'd3-time-format';
import { DateTime } from 'luxon';

/**
 * A claim's chart as an SVG string: a pure function of the data, the size and the words to
 * print (already in the reader's language). No clock, no database, no DOM.
 *
 * Two charts, by kind:
 * - **Figures** (count, money, percentage): the measurements over time against a horizontal
 *   line at the announced figure; a mark at the announcement, a vertical line at a deadline.
 *   Proxies (measurements that count something else) are hollow markers on a dashed line,
 *   in the legend as such: never told apart by colour alone.
 * - **Deadlines**: a timeline strip (announcement, due date, each check: delivered as a
 *   filled disc, not delivered as a hollow square), with the time past due shaded.
 * Qualitative claims have no chart: there is no figure and no date to plot, and a drawing
 * would suggest a measurement that does not exist.
 *
 * The scale (see chooseValueScale): logarithmic when all values are positive and the largest
 * is at least LOG_SCALE_RATIO times the smallest (182 000 against 3 601), linear otherwise.
 *
 * `inline` output carries CSS classes (styled by site.css under "Chart", so the page's CSP
 * holds and print styles apply); `standalone` output carries the same look as presentation
 * attributes, so the downloaded file and the PNG (resvg) need no stylesheet.
 */

/**
 * From this ratio of largest to smallest value, the chart is logarithmic. On a linear axis from
 * zero, a value under 1/20 of the largest sits in the bottom 5 % of the plot, where a reader
 * cannot tell it from zero nor see it change: 3 601 against 182 000 (50×) would be a flat line
 * on the floor. Below 20×, a linear axis shows the gap as it is, and is easier to read.
 */
export const LOG_SCALE_RATIO = 20;

export type ChartLocale = 'fr' | 'en';
export type FigureKind = 'count' | 'money' | 'percentage';

export interface NumericChartData {
  kind: 'numeric';
  figure: { kind: FigureKind; currency?: string | null };
  announced: { value: number; at: Date };
  dueAt: Date | null;
  /** In time order. */
  points: { value: number; asOf: Date; proxy: boolean }[];
  /** The measurement the gap is stated on (index into points), for the gap bracket. */
  headlineIndex: number | null;
}

export interface DeadlineChartData {
  kind: 'deadline';
  announcedAt: Date;
  dueAt: Date;
  /** Shown (as "today") only while nothing was delivered: then the time past due is the story. */
  now: Date;
  checks: { asOf: Date; delivered: boolean; deliveredAt: Date | null }[];
}

export type ChartData = NumericChartData | DeadlineChartData;

/** The words on the chart, in the reader's language. */
export interface ChartLabels {
  title: string;
  desc: string;
  announced: string;
  announcement: string;
  deadline: string;
  measured: string;
  proxy: string;
  delivered: string;
  notDelivered: string;
  today: string;
  logScale: string;
  /** Beside the bracket between the headline measurement and the announced line ("50,5× moins"); null: no bracket. */
  gap: string | null;
}

export interface ChartOptions {
  width: number;
  height: number;
  locale: ChartLocale;
  timeZone: string;
  mode: 'inline' | 'standalone';
  /** Unique per SVG on a page: the title and desc ids hang on it. */
  idPrefix: string;
}

export interface BuiltChart {
  svg: string;
  scale: 'log' | 'linear' | 'time';
  /** y of the announced line (numeric charts), for tests and annotations. */
  announcedY: number | null;
}

const FONT = 'DejaVu Sans, Verdana, sans-serif';
/** The site's ink, accent and proxy colours (site.css), shared with the share image. */
export const INK = '#16181d';
export const INK_SOFT = '#4a4f5a';
export const ACCENT = '#b3261e';
export const PROXY = '#8a5a00';
const OK = '#1d6b3a';

/** The look of each class, for standalone files; site.css says the same for the inline chart. */
const STANDALONE_STYLE: Record<string, Record<string, string>> = {
  chart__bg: { fill: '#ffffff' },
  chart__grid: { stroke: '#e4e1d8', 'stroke-width': '1' },
  chart__axis: { stroke: INK_SOFT, 'stroke-width': '1' },
  chart__tick: { fill: INK_SOFT, 'font-size': '11' },
  chart__announced: { stroke: ACCENT, 'stroke-width': '2.5', fill: 'none' },
  'chart__announced-label': { fill: ACCENT, 'font-size': '12', 'font-weight': 'bold' },
  chart__mark: { fill: ACCENT, stroke: '#ffffff', 'stroke-width': '1.5' },
  'chart__mark-label': { fill: ACCENT, 'font-size': '11' },
  chart__deadline: { stroke: INK, 'stroke-width': '1.5', 'stroke-dasharray': '5 4', fill: 'none' },
  'chart__deadline-label': { fill: INK, 'font-size': '11', 'font-weight': 'bold' },
  chart__today: { stroke: INK_SOFT, 'stroke-width': '1', 'stroke-dasharray': '1 3', fill: 'none' },
  chart__line: { stroke: INK, 'stroke-width': '2', fill: 'none' },
  'chart__line--proxy': { stroke: PROXY, 'stroke-width': '2', 'stroke-dasharray': '6 4', fill: 'none' },
  chart__point: { fill: INK, stroke: '#ffffff', 'stroke-width': '1.5' },
  'chart__point--proxy': { fill: '#ffffff', stroke: PROXY, 'stroke-width': '2' },
  chart__value: { fill: INK, 'font-size': '12', 'font-weight': 'bold' },
  'chart__value--proxy': { fill: PROXY, 'font-size': '12', 'font-weight': 'bold' },
  chart__gap: { stroke: INK_SOFT, 'stroke-width': '1.5', fill: 'none' },
  'chart__gap-label': { fill: INK, 'font-size': '12', 'font-weight': 'bold' },
  'chart__legend-text': { fill: INK, 'font-size': '11' },
  chart__note: { fill: INK_SOFT, 'font-size': '11', 'font-style': 'italic' },
  chart__span: { fill: '#e6eefb' },
  'chart__span--late': { fill: '#f6e3e1' },
  chart__baseline: { stroke: INK, 'stroke-width': '2' },
  chart__delivered: { fill: OK, stroke: '#ffffff', 'stroke-width': '1.5' },
  'chart__not-delivered': { fill: '#ffffff', stroke: ACCENT, 'stroke-width': '2' },
  'chart__status-label': { fill: INK, 'font-size': '11' },
};

// d3-time-format's own fr-FR and en-GB definitions (JSON, loaded through its `./locale/*` export).
const loadLocale = createRequire(__filename) as (id: string) => TimeLocaleDefinition;
const TIME_LOCALES: Record<ChartLocale, TimeLocaleDefinition> = {
  fr: loadLocale('d3-time-format/locale/fr-FR'),
  en: loadLocale('d3-time-format/locale/en-GB'),
};
/** Built once per language, not per chart. */
const TIME_FORMATS: Record<ChartLocale, ReturnType<typeof timeFormatLocale>> = { fr: timeFormatLocale(TIME_LOCALES.fr), en: timeFormatLocale(TIME_LOCALES.en) };

export function escapeSvgText(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Round to tenths: coordinates need no more, and the output stays short and stable. */
function r(n: number): string {
  return String(Math.round(n * 10) / 10);
}

function painter(mode: ChartOptions['mode']) {
  return (classes: string): string => {
    if (mode === 'inline') return `class="${classes}"`;
    const attrs: Record<string, string> = {};
    for (const name of classes.split(' ')) Object.assign(attrs, STANDALONE_STYLE[name]);
    return Object.entries(attrs)
      .map(([k, v]) => `${k}="${v}"`)
      .join(' ');
  };
}

/**
 * 'log' when every value is positive and max/min >= LOG_SCALE_RATIO; else 'linear'. Zero or
 * negative values have no logarithm, so they always get a linear axis.
 */
export function chooseValueScale(values: readonly number[]): 'log' | 'linear' {
  if (values.length === 0 || values.some((v) => !(v > 0) || !Number.isFinite(v))) return 'linear';
  return Math.max(...values) / Math.min(...values) >= LOG_SCALE_RATIO ? 'log' : 'linear';
}

/**
 * Dates as the newsroom's calendar shows them, moved onto UTC with the same wall-clock time:
 * d3's UTC scale and formats then tick and label local days, whatever the server's zone.
 */
function wallClock(date: Date, timeZone: string): Date {
  return new Date(DateTime.fromJSDate(date, { zone: timeZone }).setZone('UTC', { keepLocalTime: true }).toMillis());
}

/** A time axis over `dates` (wall-clock), never empty: a single instant gets a day either side. */
function timeDomain(dates: Date[]): [Date, Date] {
  const times = dates.map((d) => d.getTime());
  const min = Math.min(...times);
  const max = Math.max(...times);
  if (min === max) {
    const d = DateTime.fromMillis(min, { zone: 'UTC' });
    return [d.minus({ days: 1 }).toJSDate(), d.plus({ days: 1 }).toJSDate()];
  }
  return [new Date(min), new Date(max)];
}

function dateTickFormat(locale: ChartLocale, spanDays: number) {
  const loc = TIME_FORMATS[locale];
  const day = loc.utcFormat('%-d %b');
  const month = loc.utcFormat('%b %Y');
  const year = loc.utcFormat('%Y');
  // Ticks a year or more apart read as years; months as "déc. 2021"; days as "20 déc.".
  if (spanDays > 3 * 365) return year;
  if (spanDays > 120) return month;
  return day;
}

function numberTickFormat(locale: ChartLocale, figure: NumericChartData['figure']) {
  const compact = new Intl.NumberFormat(locale, { notation: 'compact', maximumFractionDigits: 1 });
  if (figure.kind === 'percentage') return (n: number) => `${compact.format(n)}${locale === 'fr' ? '\u202f%' : '%'}`;
  if (figure.kind === 'money') {
    const money = new Intl.NumberFormat(locale, { notation: 'compact', maximumFractionDigits: 1, style: 'currency', currency: figure.currency ?? 'EUR' });
    return (n: number) => money.format(n);
  }
  return (n: number) => compact.format(n);
}

/** A rough width of text in DejaVu Sans at `size`: enough to lay out a legend without measuring glyphs. */
export function approxTextWidth(text: string, size: number): number {
  return text.length * size * 0.6;
}

interface LegendItem {
  swatch: string;
  text: string;
}

/** Legend items laid out left to right, wrapping to a new row when the width runs out; returns its height. */
function legend(items: LegendItem[], x0: number, y0: number, width: number, paint: (c: string) => string): { svg: string; height: number } {
  const rowHeight = 18;
  let x = x0;
  let y = y0;
  const parts: string[] = [];
  for (const item of items) {
    const w = 26 + approxTextWidth(item.text, 11) + 16;
    if (x > x0 && x + w > x0 + width) {
      x = x0;
      y += rowHeight;
    }
    parts.push(`<g transform="translate(${r(x)},${r(y)})">${item.swatch}<text ${paint('chart__legend-text')} x="26" y="4">${escapeSvgText(item.text)}</text></g>`);
    x += w;
  }
  return { svg: `<g>${parts.join('')}</g>`, height: y - y0 + rowHeight };
}

function open(opts: ChartOptions, labels: ChartLabels): string {
  const { width, height, idPrefix, mode } = opts;
  const ns = mode === 'standalone' ? ' xmlns="http://www.w3.org/2000/svg"' : '';
  const font = mode === 'standalone' ? ` font-family="${FONT}"` : '';
  return (
    `<svg${ns}${mode === 'inline' ? ' class="chart__svg"' : ''} viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-labelledby="${idPrefix}-title ${idPrefix}-desc"${font}>` +
    `<title id="${idPrefix}-title">${escapeSvgText(labels.title)}</title>` +
    `<desc id="${idPrefix}-desc">${escapeSvgText(labels.desc)}</desc>`
  );
}

function diamond(x: number, y: number, size: number, paint: string): string {
  return `<path ${paint} d="M${r(x)},${r(y - size)}L${r(x + size)},${r(y)}L${r(x)},${r(y + size)}L${r(x - size)},${r(y)}Z"/>`;
}

export function buildClaimChart(data: ChartData, labels: ChartLabels, opts: ChartOptions): BuiltChart {
  return data.kind === 'numeric' ? buildNumericChart(data, labels, opts) : buildDeadlineChart(data, labels, opts);
}

function buildNumericChart(data: NumericChartData, labels: ChartLabels, opts: ChartOptions): BuiltChart {
  const paint = painter(opts.mode);
  const { width, height } = opts;
  const narrow = width < 480;
  const values = [data.announced.value, ...data.points.map((p) => p.value)];
  const scaleType = chooseValueScale(values);
  const tickFormat = numberTickFormat(opts.locale, data.figure);

  // The legend first: its height decides where the plot starts.
  const items: LegendItem[] = [{ swatch: `<line ${paint('chart__announced')} x1="0" x2="20" y1="0" y2="0"/>`, text: labels.announced }];
  if (data.points.some((p) => !p.proxy)) {
    items.push({ swatch: `<line ${paint('chart__line')} x1="0" x2="20" y1="0" y2="0"/><circle ${paint('chart__point')} cx="10" cy="0" r="4.5"/>`, text: labels.measured });
  }
  if (data.points.some((p) => p.proxy)) {
    items.push({ swatch: `<line ${paint('chart__line--proxy')} x1="0" x2="20" y1="0" y2="0"/><circle ${paint('chart__point--proxy')} cx="10" cy="0" r="4"/>`, text: labels.proxy });
  }
  if (data.dueAt) items.push({ swatch: `<line ${paint('chart__deadline')} x1="10" x2="10" y1="-7" y2="7"/>`, text: labels.deadline });
  const left = narrow ? 44 : 56;
  const right = narrow ? 14 : 24;
  const legendBox = legend(items, left, 14, width - left - right, paint);
  const note = scaleType === 'log' ? `<text ${paint('chart__note')} x="${width - right}" y="${r(14 + legendBox.height + 4)}" text-anchor="end">${escapeSvgText(labels.logScale)}</text>` : '';
  const top = 14 + legendBox.height + (scaleType === 'log' ? 20 : 10);
  const bottom = 28;

  const tz = opts.timeZone;
  const announcedAt = wallClock(data.announced.at, tz);
  const dueAt = data.dueAt ? wallClock(data.dueAt, tz) : null;
  const points = data.points.map((p) => ({ ...p, at: wallClock(p.asOf, tz) }));
  const domain = timeDomain([announcedAt, ...(dueAt ? [dueAt] : []), ...points.map((p) => p.at)]);
  // Inset so the first and last markers and their labels stay inside the plot.
  const x = scaleUtc().domain(domain).range([left + 14, width - right - (narrow ? 14 : 24)]);
  const spanDays = (domain[1].getTime() - domain[0].getTime()) / 86_400_000;

  const min = Math.min(...values);
  const max = Math.max(...values);
  const y =
    scaleType === 'log'
      ? scaleLog().domain([min, max]).range([height - bottom, top]).nice()
      : scaleLinear()
          .domain(min === max && min === 0 ? [0, 1] : [Math.min(0, min), Math.max(0, max)])
          .range([height - bottom, top])
          .nice();
  // A log axis labels its decades only (d3's log tickFormat leaves the others blank).
  const yTicks = y.ticks(narrow ? 4 : 5);
  const logKeeps = scaleType === 'log' ? (y as ReturnType<typeof scaleLog>).tickFormat(narrow ? 4 : 5) : null;
  const yLabel = (n: number) => (logKeeps && logKeeps(n) === '' ? '' : tickFormat(n));

  const parts: string[] = [open(opts, labels), `<rect ${paint('chart__bg')} x="0" y="0" width="${width}" height="${height}"/>`, legendBox.svg, note];
  for (const t of yTicks) {
    const text = yLabel(t);
    if (text === '') continue;
    parts.push(`<line ${paint('chart__grid')} x1="${left}" x2="${width - right}" y1="${r(y(t))}" y2="${r(y(t))}"/>`);
    parts.push(`<text ${paint('chart__tick')} x="${left - 6}" y="${r(y(t) + 4)}" text-anchor="end">${escapeSvgText(text)}</text>`);
  }
  parts.push(`<line ${paint('chart__axis')} x1="${left}" x2="${width - right}" y1="${height - bottom}" y2="${height - bottom}"/>`);
  const timeFormat = dateTickFormat(opts.locale, spanDays);
  const xTicks = x.ticks(narrow ? 3 : 6);
  for (const t of xTicks) {
    parts.push(`<line ${paint('chart__axis')} x1="${r(x(t))}" x2="${r(x(t))}" y1="${height - bottom}" y2="${height - bottom + 4}"/>`);
    parts.push(`<text ${paint('chart__tick')} x="${r(x(t))}" y="${height - bottom + 17}" text-anchor="middle">${escapeSvgText(timeFormat(t))}</text>`);
  }

  if (dueAt) {
    const dx = x(dueAt);
    parts.push(`<line ${paint('chart__deadline')} x1="${r(dx)}" x2="${r(dx)}" y1="${top - 4}" y2="${height - bottom}"/>`);
    parts.push(`<text ${paint('chart__deadline-label')} x="${r(dx - 4)}" y="${height - bottom - 6}" text-anchor="end">${escapeSvgText(labels.deadline)}</text>`);
  }

  const ay = y(data.announced.value);
  parts.push(`<line ${paint('chart__announced')} x1="${left}" x2="${width - right}" y1="${r(ay)}" y2="${r(ay)}"/>`);
  const ax = x(announcedAt);
  // The label sits above the line unless the line is at the top of the plot.
  const labelY = ay - 8 < top ? ay + 16 : ay - 8;
  const labelAnchor = ax > (left + width - right) / 2 ? 'end' : 'start';
  parts.push(`<text ${paint('chart__announced-label')} x="${r(labelAnchor === 'start' ? ax + 10 : ax - 10)}" y="${r(labelY)}" text-anchor="${labelAnchor}">${escapeSvgText(labels.announcement)}</text>`);
  parts.push(diamond(ax, ay, 6, paint('chart__mark')));

  // The bracket from the headline measurement up (or down) to the announced line.
  const head = data.headlineIndex === null ? undefined : points[data.headlineIndex];
  let bracketX: number | null = null;
  if (head && labels.gap) {
    const hx = x(head.at);
    const hy = y(head.value);
    if (Math.abs(hy - ay) > 24) {
      const bx = hx + (hx > (left + width) / 2 ? -16 : 16);
      bracketX = bx;
      parts.push(`<path ${paint('chart__gap')} d="M${r(bx - 4)},${r(ay)}H${r(bx)}V${r(hy)}H${r(bx - 4)}"/>`);
      const anchor = hx > (left + width) / 2 ? 'end' : 'start';
      parts.push(
        `<text ${paint('chart__gap-label')} x="${r(anchor === 'end' ? bx - 8 : bx + 8)}" y="${r((ay + hy) / 2 + 4)}" text-anchor="${anchor}">${escapeSvgText(labels.gap)}</text>`,
      );
    }
  }

  for (const proxy of [true, false]) {
    const series = points.filter((p) => p.proxy === proxy);
    if (series.length === 0) continue;
    const path = line<(typeof series)[number]>()
      .x((p) => x(p.at))
      .y((p) => y(p.value))(series);
    if (series.length > 1 && path) parts.push(`<path ${paint(proxy ? 'chart__line--proxy' : 'chart__line')} d="${path}"/>`);
    for (const p of series) {
      parts.push(`<circle ${paint(proxy ? 'chart__point--proxy' : 'chart__point')} cx="${r(x(p.at))}" cy="${r(y(p.value))}" r="${proxy ? 4.5 : 5}"/>`);
    }
    // Only the latest of each series is labelled: labels on every point would collide.
    const last = series[series.length - 1]!;
    const lx = x(last.at);
    const ly = y(last.value);
    const below = ly - 10 < top || Math.abs(ly - ay) < 18;
    // Beside the bracket's foot when there is one (above the point it would cross the bracket).
    const bracketed = bracketX !== null && head === last;
    const rightHalf = lx > (left + width) / 2;
    const vx = bracketed ? bracketX! + (rightHalf ? -6 : 6) : lx;
    const vy = bracketed ? ly - 8 : below ? ly + 20 : ly - 10;
    const anchor = bracketed ? (rightHalf ? 'end' : 'start') : rightHalf ? 'end' : 'middle';
    parts.push(
      `<text ${paint(proxy ? 'chart__value--proxy' : 'chart__value')} x="${r(vx)}" y="${r(vy)}" text-anchor="${anchor}">${escapeSvgText(
        new Intl.NumberFormat(opts.locale, { maximumFractionDigits: 2 }).format(last.value),
      )}</text>`,
    );
  }
  parts.push('</svg>');
  return { svg: parts.join(''), scale: scaleType, announcedY: ay };
}

function buildDeadlineChart(data: DeadlineChartData, labels: ChartLabels, opts: ChartOptions): BuiltChart {
  const paint = painter(opts.mode);
  const { width, height } = opts;
  const narrow = width < 480;
  const tz = opts.timeZone;
  const deliveredAny = data.checks.some((c) => c.delivered);
  const announcedAt = wallClock(data.announcedAt, tz);
  const dueAt = wallClock(data.dueAt, tz);
  const now = wallClock(data.now, tz);
  const checks = data.checks.map((c) => ({ ...c, at: wallClock(c.delivered && c.deliveredAt ? c.deliveredAt : c.asOf, tz) }));

  const items: LegendItem[] = [{ swatch: diamond(10, 0, 5, paint('chart__mark')), text: labels.announcement }];
  items.push({ swatch: `<line ${paint('chart__deadline')} x1="10" x2="10" y1="-7" y2="7"/>`, text: labels.deadline });
  if (deliveredAny) items.push({ swatch: `<circle ${paint('chart__delivered')} cx="10" cy="0" r="5"/>`, text: labels.delivered });
  if (checks.some((c) => !c.delivered)) items.push({ swatch: `<rect ${paint('chart__not-delivered')} x="5" y="-5" width="10" height="10"/>`, text: labels.notDelivered });
  const left = 20;
  const right = 20;
  const legendBox = legend(items, left, 14, width - left - right, paint);
  const top = 14 + legendBox.height + 16;
  const bottom = 28;

  const domain = timeDomain([announcedAt, dueAt, ...checks.map((c) => c.at), ...(deliveredAny ? [] : [now])]);
  const x = scaleUtc().domain(domain).range([left + 10, width - right - 10]);
  const spanDays = (domain[1].getTime() - domain[0].getTime()) / 86_400_000;
  const baseY = top + (height - bottom - top) / 2;

  const parts: string[] = [open(opts, labels), `<rect ${paint('chart__bg')} x="0" y="0" width="${width}" height="${height}"/>`, legendBox.svg];
  // Announcement to due date: the time allowed; due date to delivery (or today): the time late.
  const endOfLate = deliveredAny ? Math.max(...checks.filter((c) => c.delivered).map((c) => c.at.getTime())) : now.getTime();
  parts.push(`<rect ${paint('chart__span')} x="${r(x(announcedAt))}" y="${r(baseY - 8)}" width="${r(Math.max(0, x(dueAt) - x(announcedAt)))}" height="16"/>`);
  if (endOfLate > dueAt.getTime()) {
    parts.push(`<rect ${paint('chart__span--late')} x="${r(x(dueAt))}" y="${r(baseY - 8)}" width="${r(x(new Date(endOfLate)) - x(dueAt))}" height="16"/>`);
  }
  parts.push(`<line ${paint('chart__baseline')} x1="${left}" x2="${width - right}" y1="${r(baseY)}" y2="${r(baseY)}"/>`);
  const timeFormat = dateTickFormat(opts.locale, spanDays);
  for (const t of x.ticks(narrow ? 3 : 6)) {
    parts.push(`<line ${paint('chart__axis')} x1="${r(x(t))}" x2="${r(x(t))}" y1="${height - bottom}" y2="${height - bottom + 4}"/>`);
    parts.push(`<text ${paint('chart__tick')} x="${r(x(t))}" y="${height - bottom + 17}" text-anchor="middle">${escapeSvgText(timeFormat(t))}</text>`);
  }
  parts.push(`<line ${paint('chart__axis')} x1="${left}" x2="${width - right}" y1="${height - bottom}" y2="${height - bottom}"/>`);
  const dx = x(dueAt);
  parts.push(`<line ${paint('chart__deadline')} x1="${r(dx)}" x2="${r(dx)}" y1="${top - 6}" y2="${height - bottom}"/>`);
  parts.push(`<text ${paint('chart__deadline-label')} x="${r(dx)}" y="${top - 10}" text-anchor="middle">${escapeSvgText(labels.deadline)}</text>`);
  if (!deliveredAny && now.getTime() > dueAt.getTime()) {
    const nx = x(now);
    parts.push(`<line ${paint('chart__today')} x1="${r(nx)}" x2="${r(nx)}" y1="${top - 6}" y2="${height - bottom}"/>`);
    parts.push(`<text ${paint('chart__status-label')} x="${r(nx)}" y="${top - 10}" text-anchor="end">${escapeSvgText(labels.today)}</text>`);
  }
  parts.push(diamond(x(announcedAt), baseY, 7, paint('chart__mark')));
  for (const c of checks) {
    const cx = x(c.at);
    parts.push(
      c.delivered
        ? `<circle ${paint('chart__delivered')} cx="${r(cx)}" cy="${r(baseY)}" r="7"/>`
        : `<rect ${paint('chart__not-delivered')} x="${r(cx - 6)}" y="${r(baseY - 6)}" width="12" height="12"/>`,
    );
  }
  parts.push('</svg>');
  return { svg: parts.join(''), scale: 'time', announcedY: null };
}

/**
 * A claim card's small bar: the announced and measured figures as two bars sharing one
 * scale. Linear when the two are within LOG_SCALE_RATIO of each other; beyond, on a log scale
 * from 1, so a measurement fifty times smaller is still a visible bar (the card says "log").
 * Null when there is nothing honest to draw (a zero, a negative, a non-finite figure).
 */
export function gapBar(announced: number, measured: number, width = 100): { announcedWidth: number; measuredWidth: number; scale: 'log' | 'linear' } | null {
  if (!(announced > 0) || !(measured > 0) || !Number.isFinite(announced) || !Number.isFinite(measured)) return null;
  const scale = chooseValueScale([announced, measured]);
  const top = Math.max(announced, measured);
  const x = scale === 'log' ? scaleLog().domain([1, Math.max(10, top)]).range([0, width]).clamp(true) : scaleLinear().domain([0, top]).range([0, width]);
  // At least a sliver, so a figure never reads as nothing.
  const w = (v: number) => Math.max(1.5, Math.round(x(v) * 10) / 10);
  return { announcedWidth: w(announced), measuredWidth: w(measured), scale };
}
