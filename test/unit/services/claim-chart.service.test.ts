/**
 * The chart builder: where the announced line sits, which scale it picks, how proxies look,
 * and that odd data (one point, zeros, negatives) still draws.
 */
import { buildClaimChart, chooseValueScale, gapBar, type ChartLabels, type ChartOptions, type NumericChartData } from '../../../server/services/claim-chart.service';

const labels: ChartLabels = {
  title: 'Titre du graphique',
  desc: 'Description & <détails>',
  announced: 'Annoncé : 182 000',
  announcement: 'Annonce',
  deadline: 'Échéance',
  measured: 'Mesure',
  proxy: 'Indicateur indirect',
  delivered: 'Réalisé',
  notDelivered: 'Non réalisé',
  today: 'Aujourd’hui',
  logScale: 'Échelle logarithmique',
  gap: '50,5× moins',
};
const options: ChartOptions = { width: 720, height: 340, locale: 'fr', timeZone: 'Europe/Paris', mode: 'inline', idPrefix: 'c' };
const day = (d: string) => new Date(`${d}T12:00:00Z`);

function numeric(announced: number, points: { value: number; asOf: string; proxy?: boolean }[], dueAt: Date | null = null): NumericChartData {
  return {
    kind: 'numeric',
    figure: { kind: 'count' },
    announced: { value: announced, at: day('2021-12-20') },
    dueAt,
    points: points.map((p) => ({ value: p.value, asOf: day(p.asOf), proxy: p.proxy ?? false })),
    headlineIndex: points.length ? points.length - 1 : null,
  };
}

/** The y of the red horizontal line, read back from the SVG. */
function announcedLineY(svg: string): number {
  const match = /<line class="chart__announced" x1="56" x2="[\d.]+" y1="([\d.]+)" y2="\1"\/>/.exec(svg);
  if (!match) throw new Error('no announced line');
  return Number(match[1]);
}

test('when values span 182 000 against 3 601, then the scale is logarithmic and the desc says so', () => {
  const chart = buildClaimChart(numeric(182_000, [{ value: 3_601, asOf: '2021-12-29', proxy: true }]), labels, options);
  expect(chart.scale).toBe('log');
  expect(chart.svg).toContain('Échelle logarithmique');
  // Decades only on a log axis: 1 k, 10 k, 100 k, 1 M.
  expect(chart.svg).toMatch(/>100\u00a0k</);
});

test('when values are within 20× of each other, then the scale is linear from zero', () => {
  const chart = buildClaimChart(numeric(1_000, [{ value: 800, asOf: '2021-12-29' }]), labels, options);
  expect(chart.scale).toBe('linear');
  expect(chart.svg).not.toContain('Échelle logarithmique');
  expect(chart.svg).toMatch(/>0</);
});

test('when the announced figure is the largest on a linear axis, then its line is at that value and a half-way measurement sits half-way up', () => {
  // Domain [0, 1 000] after nice(); the plot runs from the bottom (height - 28) up to its top.
  const chart = buildClaimChart(numeric(1_000, [{ value: 500, asOf: '2021-12-29' }]), labels, options);
  const y = announcedLineY(chart.svg);
  expect(chart.announcedY).toBeCloseTo(y, 0);
  const zeroY = 340 - 28;
  // The last circle is the data point (the first is the legend's swatch).
  const point = [...chart.svg.matchAll(/<circle class="chart__point" cx="[\d.]+" cy="([\d.]+)"/g)].at(-1)!;
  // 500 sits halfway between zero and the announced 1 000.
  expect(Number(point[1])).toBeCloseTo((zeroY + y) / 2, 0);
});

test('when the measurement is a proxy, then it is a hollow marker on a dashed line, and the legend names it', () => {
  const chart = buildClaimChart(
    numeric(182_000, [
      { value: 3_307, asOf: '2021-12-20', proxy: true },
      { value: 3_601, asOf: '2021-12-29', proxy: true },
    ]),
    labels,
    options,
  );
  expect(chart.svg.match(/class="chart__point--proxy"/g)).toHaveLength(3); // two points and the legend swatch
  expect(chart.svg).toContain('class="chart__line--proxy"');
  expect(chart.svg).not.toContain('class="chart__point"');
  expect(chart.svg).toContain('>Indicateur indirect<');
});

test('when the chart is standalone, then it carries its look as attributes and no class', () => {
  const chart = buildClaimChart(numeric(182_000, [{ value: 3_601, asOf: '2021-12-29', proxy: true }]), labels, { ...options, mode: 'standalone' });
  expect(chart.svg).toContain('xmlns="http://www.w3.org/2000/svg"');
  expect(chart.svg).not.toContain('class="chart__');
  expect(chart.svg).toContain('stroke-dasharray="6 4"');
  expect(chart.svg).toContain('fill="#ffffff" stroke="#8a5a00"');
});

test('when built, then the SVG is an image with an escaped title and desc it is labelled by', () => {
  const chart = buildClaimChart(numeric(100, [{ value: 90, asOf: '2021-12-29' }]), labels, options);
  expect(chart.svg).toMatch(/^<svg [^>]*role="img" aria-labelledby="c-title c-desc"/);
  expect(chart.svg).toContain('<title id="c-title">Titre du graphique</title>');
  expect(chart.svg).toContain('<desc id="c-desc">Description &#38; &#60;détails&#62;</desc>');
});

test('when there is a deadline, then it gets a vertical line', () => {
  const chart = buildClaimChart(numeric(100, [{ value: 90, asOf: '2021-12-29' }], day('2022-01-10')), labels, options);
  expect(chart.svg).toMatch(/<line class="chart__deadline" x1="([\d.]+)" x2="\1"/);
});

test.each([
  ['a zero', [0, 1_000_000]],
  ['a negative figure', [-5, 1_000_000]],
])('when values include %s, then the scale falls back to linear', (_label, values) => {
  expect(chooseValueScale(values)).toBe('linear');
  const chart = buildClaimChart(numeric(values[1]!, [{ value: values[0]!, asOf: '2021-12-29' }]), labels, options);
  expect(chart.scale).toBe('linear');
  expect(chart.svg).not.toContain('NaN');
});

test('when there is one measurement on the announcement day, then the chart still draws without NaN', () => {
  const chart = buildClaimChart(numeric(0, [{ value: 0, asOf: '2021-12-20' }]), labels, options);
  expect(chart.svg).not.toContain('NaN');
  expect(chart.svg).toContain('chart__point');
});

test('when a deadline was checked and not delivered, then the strip shows a hollow square and the time past due', () => {
  const chart = buildClaimChart(
    { kind: 'deadline', announcedAt: day('2016-05-01'), dueAt: day('2017-12-31'), now: day('2020-01-01'), checks: [{ asOf: day('2018-06-01'), delivered: false, deliveredAt: null }] },
    labels,
    { ...options, height: 150 },
  );
  expect(chart.scale).toBe('time');
  expect(chart.svg).toContain('class="chart__not-delivered"');
  expect(chart.svg).toContain('class="chart__span--late"');
  expect(chart.svg).toContain('>Aujourd’hui<');
});

test('when the card bar compares figures 50× apart, then it is log and the small one is still visible', () => {
  const bar = gapBar(182_000, 3_601)!;
  expect(bar.scale).toBe('log');
  expect(bar.announcedWidth).toBe(100);
  expect(bar.measuredWidth).toBeGreaterThan(50);
  expect(gapBar(100, 50)).toEqual({ announcedWidth: 100, measuredWidth: 50, scale: 'linear' });
  expect(gapBar(100, 0)).toBeNull();
});
