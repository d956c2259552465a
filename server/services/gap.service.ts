import { DateTime, IANAZone } from 'luxon';

/**
 * The gap between an announced figure and what measurements later showed, and whether a
 * promised deadline was met. Pure functions of their input: no database, no clock (`now`
 * is a parameter so pages and tests agree on what "today" is).
 *
 * Inputs are validated upstream (forms, seed), so a non-finite number, an invalid Date or
 * an unknown time zone here is a programming error: it throws a RangeError rather than
 * letting NaN reach a page.
 */

export interface NumericMeasurementInput {
  id: string;
  value: number;
  asOf: Date;
  sameQuantity: boolean;
}

export interface MeasurementGap {
  id: string;
  value: number;
  asOf: Date;
  /** announced - value (positive: announcement above the data). */
  absoluteGap: number;
  /** value / announced * 100; null when announced is 0 (undefined ratio). */
  percentRealised: number | null;
  /** announced / value; null when value is 0 or the signs differ (meaningless). */
  factor: number | null;
  /** The announcement relative to the data. */
  direction: 'above' | 'below' | 'equal';
  /** value - the previous measurement of the same kind (same-quantity or proxy); null for the first. */
  changeFromPrevious: number | null;
  /** changeFromPrevious / elapsed days between the two as-of instants; null if first or same instant. */
  changePerDay: number | null;
  /** Whole calendar days in the newsroom zone, negative if before. */
  daysAfterAnnouncement: number;
  /** The as-of instant is strictly earlier than the announcement instant. */
  beforeAnnouncement: boolean;
  /** The measurement counts something related but different (!sameQuantity). */
  proxy: boolean;
}

export interface NumericGap {
  kind: 'numeric';
  state: 'awaiting' | 'measured';
  /** All measurements, ascending asOf (ties: input order). */
  series: MeasurementGap[];
  /** Latest same-quantity measurement; if none, the latest proxy (the page warns it counts something different). */
  headline: MeasurementGap | null;
  /** Calendar days from announcement to `now`, newsroom zone, never negative. */
  daysSinceAnnouncement: number;
}

export interface DeadlineMeasurementInput {
  id: string;
  asOf: Date;
  delivered: boolean;
  deliveredAt: Date | null;
}

export interface DeadlineStatus {
  kind: 'deadline';
  /**
   * pending: not delivered and not yet due; on-time: delivered at or before dueAt; late:
   * delivered after dueAt; overdue: past due and no measurement says delivered (computed
   * from `now`, so a claim goes overdue by itself); delivered-undated: a measurement says
   * delivered but gives no date, so on-time or late can't be told.
   */
  state: 'pending' | 'on-time' | 'late' | 'overdue' | 'unverified' | 'delivered-undated';
  /** Calendar days (newsroom zone) from due date to delivery, for 'late' (0 = same day, later hour). */
  daysLate: number | null;
  /** Calendar days from due date to `now`, for 'overdue' and 'unverified'. */
  daysOverdue: number | null;
  /** Calendar days from `now` to the due date, for 'pending'. */
  daysUntilDue: number | null;
  dueAt: Date;
  /** The measurement the state rests on: the latest delivered one, else the latest. */
  deciding: DeadlineMeasurementInput | null;
}

const MS_PER_DAY = 86_400_000;

/**
 * Beyond 2^53 integers stop being exact, so "gap + value = announced" would silently
 * fail; no real announced figure (people, euros) comes near it.
 */
const MAX_MAGNITUDE = Number.MAX_SAFE_INTEGER;

/**
 * The largest |figure| the forms accept, a million billion. The maths subtract two figures
 * (the gap, the change from the previous measurement), so each must stay within half of
 * 2^53 (about 9.007e15) for the result to be exact; 1e15 leaves that with room and is a round
 * number an editor can be told. Ratios (percentage, factor) are guarded by finiteOrNull,
 * Intl formats any double and JSON carries it. The largest real figures Écart tracks (state
 * budgets in euros, around 1e12) are a thousand times smaller.
 */
export const FIGURE_BOUND = 1e15;

/**
 * Whether a stored figure can go through the gap maths. One written before the forms were
 * bounded, or by hand, is shown as it is but compared with nothing: a page never fails on it.
 */
export function isFigureInBounds(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && Math.abs(value) <= FIGURE_BOUND;
}

function assertFigure(value: number, what: string): void {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new RangeError(`${what} must be a finite number, got ${String(value)}`);
  }
  if (Math.abs(value) > MAX_MAGNITUDE) {
    throw new RangeError(`${what} must be within ±${MAX_MAGNITUDE}, got ${value}`);
  }
}

function assertDate(value: Date, what: string): void {
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) {
    throw new RangeError(`${what} must be a valid Date, got ${String(value)}`);
  }
}

function assertZone(timeZone: string): void {
  if (!IANAZone.isValidZone(timeZone)) {
    throw new RangeError(`timeZone must be an IANA time zone, got ${JSON.stringify(timeZone)}`);
  }
}

/** -0 prints as "-0" in Intl and fails Object.is checks downstream; no figure here means it. */
function noNegativeZero(n: number): number {
  return n === 0 ? 0 : n;
}

/** A ratio that overflows a double (only with absurdly small non-zero figures) means nothing either. */
function finiteOrNull(n: number): number | null {
  return Number.isFinite(n) ? noNegativeZero(n) : null;
}

/**
 * Calendar days from `a` to `b` as a reader in `timeZone` counts them: 23:59 and 00:01 the
 * next morning are one day apart, 00:01 and 23:59 the same day are zero. Both instants go
 * to the start of their local day first, so a DST change (a 23- or 25-hour day) never turns
 * into a fractional or off-by-one count.
 */
export function daysBetween(a: Date, b: Date, timeZone: string): number {
  assertDate(a, 'daysBetween: a');
  assertDate(b, 'daysBetween: b');
  assertZone(timeZone);
  const start = DateTime.fromJSDate(a, { zone: timeZone }).startOf('day');
  const end = DateTime.fromJSDate(b, { zone: timeZone }).startOf('day');
  // Luxon's day diff is calendar-based; rounding only absorbs floating-point dust.
  return noNegativeZero(Math.round(end.diff(start, 'days').days));
}

/** Stable ascending sort by instant: Array#sort is stable, so ties keep input order. */
function byAsOf<T extends { asOf: Date }>(items: readonly T[]): T[] {
  return [...items].sort((x, y) => x.asOf.getTime() - y.asOf.getTime());
}

function directionOf(announced: number, value: number): MeasurementGap['direction'] {
  if (announced > value) return 'above';
  if (announced < value) return 'below';
  return 'equal';
}

function factorOf(announced: number, value: number): number | null {
  // A negative announced figure against a positive measurement (or the reverse) has no
  // "times as much" reading; announced/0 has no value at all.
  // An announced 0 makes every factor 0: meaningless, so undefined too.
  if (value === 0 || announced === 0 || (announced > 0 && value < 0) || (announced < 0 && value > 0)) return null;
  return finiteOrNull(announced / value);
}

/**
 * How a measured figure compares with the announced one: the one rule for the claim page,
 * the claim cards, the feeds and the API (a card reads the headline figure from tracking).
 */
export function compareFigures(announced: number, measured: number): Pick<MeasurementGap, 'absoluteGap' | 'percentRealised' | 'factor' | 'direction'> {
  const a = noNegativeZero(announced);
  const value = noNegativeZero(measured);
  return {
    absoluteGap: noNegativeZero(a - value),
    percentRealised: a === 0 ? null : finiteOrNull((value / a) * 100),
    factor: factorOf(a, value),
    direction: directionOf(a, value),
  };
}

/**
 * The share of the announcement a measurement realised, when it may be shown as one: only for
 * a measurement of the announced quantity. A proxy's ratio says how two different counts
 * compare, not how much of the announcement came true (2 % of 182 000 fake passes is not what
 * 3 601 blacklisted passes mean). The one rule for the claim page, the cards and the feeds.
 */
export function realisedShare(gap: Pick<MeasurementGap, 'percentRealised' | 'proxy'>): number | null {
  return gap.proxy ? null : gap.percentRealised;
}

export function computeNumericGap(input: {
  announced: number;
  announcedAt: Date;
  measurements: NumericMeasurementInput[];
  now: Date;
  timeZone: string;
}): NumericGap {
  const { announcedAt, measurements, now, timeZone } = input;
  assertFigure(input.announced, 'announced');
  assertDate(announcedAt, 'announcedAt');
  assertDate(now, 'now');
  assertZone(timeZone);
  measurements.forEach((m, i) => {
    assertFigure(m.value, `measurements[${i}].value (id ${m.id})`);
    assertDate(m.asOf, `measurements[${i}].asOf (id ${m.id})`);
  });
  const announced = noNegativeZero(input.announced);

  // Changes are taken within a kind: going from a proxy count to the real count is not a
  // change in what happened, only in what was counted.
  const previousOfKind = new Map<boolean, { value: number; asOf: Date }>();
  const series = byAsOf(measurements).map((m): MeasurementGap => {
    const value = noNegativeZero(m.value);
    const previous = previousOfKind.get(m.sameQuantity);
    previousOfKind.set(m.sameQuantity, { value, asOf: m.asOf });
    const changeFromPrevious = previous === undefined ? null : noNegativeZero(value - previous.value);
    const elapsedDays = previous === undefined ? 0 : (m.asOf.getTime() - previous.asOf.getTime()) / MS_PER_DAY;
    return {
      id: m.id,
      value,
      asOf: m.asOf,
      ...compareFigures(announced, value),
      changeFromPrevious,
      changePerDay: changeFromPrevious === null || elapsedDays === 0 ? null : finiteOrNull(changeFromPrevious / elapsedDays),
      daysAfterAnnouncement: daysBetween(announcedAt, m.asOf, timeZone),
      beforeAnnouncement: m.asOf.getTime() < announcedAt.getTime(),
      proxy: !m.sameQuantity,
    };
  });

  // The series is sorted, so the last of a kind is the latest (on a tie, the later input).
  const lastOf = (proxy: boolean) => series.filter((g) => g.proxy === proxy).at(-1) ?? null;
  return {
    kind: 'numeric',
    state: series.length === 0 ? 'awaiting' : 'measured',
    series,
    headline: lastOf(false) ?? lastOf(true),
    daysSinceAnnouncement: Math.max(0, daysBetween(announcedAt, now, timeZone)),
  };
}

export function computeDeadlineStatus(input: {
  dueAt: Date;
  announcedAt: Date;
  measurements: DeadlineMeasurementInput[];
  now: Date;
  timeZone: string;
}): DeadlineStatus {
  const { dueAt, announcedAt, measurements, now, timeZone } = input;
  assertDate(dueAt, 'dueAt');
  assertDate(announcedAt, 'announcedAt');
  assertDate(now, 'now');
  assertZone(timeZone);
  measurements.forEach((m, i) => {
    assertDate(m.asOf, `measurements[${i}].asOf (id ${m.id})`);
    if (m.deliveredAt !== null) assertDate(m.deliveredAt, `measurements[${i}].deliveredAt (id ${m.id})`);
  });

  const none = { daysLate: null, daysOverdue: null, daysUntilDue: null };
  const sorted = byAsOf(measurements);
  // A delivery, once observed, is what the claim is judged on even if a later check found
  // no news; the latest delivered measurement is the newsroom's most up-to-date account of it.
  const delivered = sorted.filter((m) => m.delivered).at(-1);
  if (delivered !== undefined) {
    if (delivered.deliveredAt === null) {
      return { kind: 'deadline', state: 'delivered-undated', ...none, dueAt, deciding: delivered };
    }
    if (delivered.deliveredAt.getTime() <= dueAt.getTime()) {
      return { kind: 'deadline', state: 'on-time', ...none, dueAt, deciding: delivered };
    }
    return {
      kind: 'deadline',
      state: 'late',
      ...none,
      daysLate: daysBetween(dueAt, delivered.deliveredAt, timeZone),
      dueAt,
      deciding: delivered,
    };
  }

  const deciding = sorted.at(-1) ?? null;
  // Due "at" an instant: the very instant is still in time, one millisecond later is not.
  if (now.getTime() > dueAt.getTime()) {
    // Past due with no measurement at all: nobody has checked, so "late" would be a claim
    // of our own. It still counts the days, and turns overdue once a check finds no delivery.
    const state = deciding === null ? 'unverified' : 'overdue';
    return { kind: 'deadline', state, ...none, daysOverdue: daysBetween(dueAt, now, timeZone), dueAt, deciding };
  }
  return { kind: 'deadline', state: 'pending', ...none, daysUntilDue: daysBetween(now, dueAt, timeZone), dueAt, deciding };
}
