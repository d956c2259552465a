import fc from 'fast-check';
import { DateTime } from 'luxon';
import {
  computeDeadlineStatus,
  computeNumericGap,
  daysBetween,
  type DeadlineMeasurementInput,
  type MeasurementGap,
  type NumericMeasurementInput,
} from '../../../server/services/gap.service';

const PARIS = 'Europe/Paris';

/** An instant given as a wall-clock time in Paris, the way the newsroom reads dates. */
function paris(iso: string): Date {
  return DateTime.fromISO(iso, { zone: PARIS }).toJSDate();
}

function measurement(id: string, value: number, asOf: Date, sameQuantity = true): NumericMeasurementInput {
  return { id, value, asOf, sameQuantity };
}

/** The numeric fields a page prints: each must be a finite number (and never -0) or null. */
function numericFields(g: MeasurementGap): (number | null)[] {
  return [g.value, g.absoluteGap, g.percentRealised, g.factor, g.changeFromPrevious, g.changePerDay, g.daysAfterAnnouncement];
}

const isCleanNumberOrNull = (n: number | null) => n === null || (Number.isFinite(n) && !Object.is(n, -0));

// Dates from 2000 to 2040: the span of anything the newsroom tracks, with DST changes in it.
const instant = fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2040-01-01T00:00:00Z'), noInvalidDate: true });
// Whole counts (people, passes) and decimals (euros, rates), including 0, -0 and negatives.
const figure = fc.oneof(fc.integer({ min: -1_000_000_000, max: 1_000_000_000 }), fc.double({ min: -1e12, max: 1e12, noNaN: true }), fc.constantFrom(0, -0));
const zone = fc.constantFrom(PARIS, 'UTC', 'America/New_York', 'Pacific/Chatham', 'Asia/Kolkata');
// Ids follow input position so a test can tell where each measurement came from.
const measurements = (value: fc.Arbitrary<number>) =>
  fc
    .array(fc.record({ value, asOf: fc.oneof(instant, fc.constant(new Date('2021-12-20T11:00:00Z'))), sameQuantity: fc.boolean() }), { maxLength: 12 })
    .map((ms) => ms.map((m, i) => ({ id: `m${i}`, ...m })));

describe('daysBetween', () => {
  it('when two instants fall on consecutive Paris days across the spring DST change (23 h apart), then they are 1 day apart', () => {
    expect(daysBetween(paris('2021-03-27T12:00'), paris('2021-03-28T12:00'), PARIS)).toBe(1);
  });

  it('when the autumn DST day has 25 hours, then midnight to the next midnight is still 1 day and 00:30 to 23:30 that day is 0', () => {
    expect(daysBetween(paris('2021-10-31T00:00'), paris('2021-11-01T00:00'), PARIS)).toBe(1);
    expect(daysBetween(paris('2021-10-31T00:30'), paris('2021-10-31T23:30'), PARIS)).toBe(0);
  });

  it('when 23:30 UTC is already the next day in Paris, then the count follows the newsroom zone, not UTC', () => {
    const noon = new Date('2021-12-20T12:00:00Z');
    const lateEvening = new Date('2021-12-20T23:30:00Z');
    expect(daysBetween(noon, lateEvening, PARIS)).toBe(1);
    expect(daysBetween(noon, lateEvening, 'UTC')).toBe(0);
  });

  it('when b is before a, then the count is negative, and the same day gives 0 (never -0)', () => {
    expect(daysBetween(paris('2021-12-29T16:00'), paris('2021-12-20T09:00'), PARIS)).toBe(-9);
    expect(Object.is(daysBetween(paris('2021-12-20T18:00'), paris('2021-12-20T09:00'), PARIS), 0)).toBe(true);
  });

  it('when the zone is not an IANA zone, then it throws a RangeError naming it', () => {
    expect(() => daysBetween(new Date(), new Date(), 'Mars/Olympus')).toThrow(new RangeError('timeZone must be an IANA time zone, got "Mars/Olympus"'));
  });

  it('when any three instants are taken, then counts are whole, antisymmetric and add up (a→b + b→c = a→c)', () => {
    fc.assert(
      fc.property(instant, instant, instant, zone, (a, b, c, tz) => {
        const ab = daysBetween(a, b, tz);
        expect(Number.isInteger(ab)).toBe(true);
        expect(daysBetween(b, a, tz)).toBe(ab === 0 ? 0 : -ab);
        expect(ab + daysBetween(b, c, tz)).toBe(daysBetween(a, c, tz));
      }),
    );
  });
});

describe('computeNumericGap', () => {
  describe('with the fake health passes (182 000 announced on 20 Dec 2021)', () => {
    const announcedAt = paris('2021-12-20T12:00');
    const gap = computeNumericGap({
      announced: 182_000,
      announcedAt,
      // Given out of order on purpose: the series must come back sorted.
      measurements: [measurement('dec-29', 3_601, paris('2021-12-29T16:00')), measurement('dec-20', 3_307, paris('2021-12-20T12:00'))],
      now: paris('2022-01-05T10:00'),
      timeZone: PARIS,
    });

    it('when both blacklist counts are in, then the series is in date order and the headline is the 29 Dec count', () => {
      expect(gap.state).toBe('measured');
      expect(gap.series.map((g) => g.id)).toEqual(['dec-20', 'dec-29']);
      expect(gap.headline?.id).toBe('dec-29');
      expect(gap.daysSinceAnnouncement).toBe(16);
    });

    it('when 3 307 were blacklisted on announcement day, then the gap is 178 693, 1.817 % realised, factor 55.03, 0 days after', () => {
      const [first] = gap.series;
      expect(first).toMatchObject({ absoluteGap: 178_693, direction: 'above', daysAfterAnnouncement: 0, beforeAnnouncement: false, proxy: false });
      expect(first?.percentRealised).toBeCloseTo(1.81703, 5);
      expect(first?.factor).toBeCloseTo(55.0348, 4);
      expect(first?.changeFromPrevious).toBeNull();
      expect(first?.changePerDay).toBeNull();
    });

    it('when 3 601 were blacklisted on 29 Dec at 16:00, then the gap is 178 399, 1.979 % realised, factor 50.54, +294 in 9 days 4 hours', () => {
      const second = gap.series[1];
      expect(second).toMatchObject({ absoluteGap: 178_399, direction: 'above', changeFromPrevious: 294, daysAfterAnnouncement: 9 });
      expect(second?.percentRealised).toBeCloseTo(1.97857, 5);
      expect(second?.factor).toBeCloseTo(50.5415, 4);
      // 20 Dec 12:00 → 29 Dec 16:00 is 9 days and 4 hours of elapsed time.
      expect(second?.changePerDay).toBeCloseTo(294 / (9 + 4 / 24), 10);
      expect(second?.changePerDay).toBeCloseTo(32.07, 2);
    });
  });

  it('when nothing has been measured yet, then the state is awaiting with no headline, and days since the announcement still count', () => {
    const gap = computeNumericGap({ announced: 182_000, announcedAt: paris('2021-12-20T12:00'), measurements: [], now: paris('2021-12-23T08:00'), timeZone: PARIS });
    expect(gap).toEqual({ kind: 'numeric', state: 'awaiting', series: [], headline: null, daysSinceAnnouncement: 3 });
  });

  it('when `now` is before the announcement (a clock skew or a scheduled claim), then days since the announcement is 0, not negative', () => {
    const gap = computeNumericGap({ announced: 10, announcedAt: paris('2021-12-20T12:00'), measurements: [], now: paris('2021-12-18T12:00'), timeZone: PARIS });
    expect(gap.daysSinceAnnouncement).toBe(0);
  });

  it('when the measurement equals the announcement, then direction is equal, factor 1, gap 0 and 100 % realised', () => {
    const gap = computeNumericGap({ announced: 500, announcedAt: paris('2022-01-01T12:00'), measurements: [measurement('a', 500, paris('2022-02-01T12:00'))], now: paris('2022-03-01'), timeZone: PARIS });
    expect(gap.headline).toMatchObject({ direction: 'equal', factor: 1, absoluteGap: 0, percentRealised: 100 });
  });

  it('when the announcement was 0, then the percentage and the factor are null (undefined ratios), with direction below', () => {
    const gap = computeNumericGap({ announced: 0, announcedAt: paris('2022-01-01T12:00'), measurements: [measurement('a', 40, paris('2022-02-01T12:00'))], now: paris('2022-03-01'), timeZone: PARIS });
    expect(gap.headline).toMatchObject({ percentRealised: null, factor: null, absoluteGap: -40, direction: 'below' });
  });

  it('when the measured value is 0, then the factor is null and 0 % was realised', () => {
    const gap = computeNumericGap({ announced: 1_000, announcedAt: paris('2022-01-01T12:00'), measurements: [measurement('a', 0, paris('2022-02-01T12:00'))], now: paris('2022-03-01'), timeZone: PARIS });
    expect(gap.headline).toMatchObject({ percentRealised: 0, factor: null, absoluteGap: 1_000, direction: 'above' });
  });

  it('when announced and measured are both 0, then the direction is equal and both ratios are null', () => {
    const gap = computeNumericGap({ announced: 0, announcedAt: paris('2022-01-01T12:00'), measurements: [measurement('a', -0, paris('2022-02-01T12:00'))], now: paris('2022-03-01'), timeZone: PARIS });
    expect(gap.headline).toMatchObject({ percentRealised: null, factor: null, direction: 'equal' });
    expect(Object.is(gap.headline?.absoluteGap, 0)).toBe(true);
    expect(Object.is(gap.headline?.value, 0)).toBe(true);
  });

  it('when the announced figure is a deficit (negative) and the measurement a surplus, then the factor is null and the percentage negative', () => {
    const gap = computeNumericGap({ announced: -200, announcedAt: paris('2022-01-01T12:00'), measurements: [measurement('a', 50, paris('2022-02-01T12:00'))], now: paris('2022-03-01'), timeZone: PARIS });
    expect(gap.headline).toMatchObject({ factor: null, percentRealised: -25, absoluteGap: -250, direction: 'below' });
  });

  it('when a positive announcement meets a negative measurement (jobs promised, jobs lost), then the factor is null', () => {
    const gap = computeNumericGap({ announced: 100, announcedAt: paris('2022-01-01T12:00'), measurements: [measurement('a', -20, paris('2022-02-01T12:00'))], now: paris('2022-03-01'), timeZone: PARIS });
    expect(gap.headline).toMatchObject({ factor: null, percentRealised: -20, absoluteGap: 120, direction: 'above' });
  });

  it('when both figures are negative, then the factor is their positive ratio', () => {
    const gap = computeNumericGap({ announced: -200, announcedAt: paris('2022-01-01T12:00'), measurements: [measurement('a', -50, paris('2022-02-01T12:00'))], now: paris('2022-03-01'), timeZone: PARIS });
    expect(gap.headline).toMatchObject({ factor: 4, percentRealised: 25, absoluteGap: -150, direction: 'below' });
  });

  it('when a measurement predates the announcement, then it is flagged before with a negative day count, and still sorted first', () => {
    const gap = computeNumericGap({
      announced: 100,
      announcedAt: paris('2022-01-10T12:00'),
      measurements: [measurement('after', 80, paris('2022-01-20T12:00')), measurement('before', 60, paris('2022-01-07T09:00')), measurement('same-morning', 70, paris('2022-01-10T08:00'))],
      now: paris('2022-02-01'),
      timeZone: PARIS,
    });
    expect(gap.series.map((g) => [g.id, g.daysAfterAnnouncement, g.beforeAnnouncement])).toEqual([
      ['before', -3, true],
      // The same calendar day but hours earlier: day count 0, and still before.
      ['same-morning', 0, true],
      ['after', 10, false],
    ]);
  });

  it('when only proxy measurements exist, then the headline is the latest proxy and says so', () => {
    const gap = computeNumericGap({
      announced: 100,
      announcedAt: paris('2022-01-10T12:00'),
      measurements: [measurement('p2', 30, paris('2022-03-01T12:00'), false), measurement('p1', 20, paris('2022-02-01T12:00'), false)],
      now: paris('2022-04-01'),
      timeZone: PARIS,
    });
    expect(gap.headline).toMatchObject({ id: 'p2', proxy: true });
  });

  it('when a later proxy follows a same-quantity measurement, then the headline stays on the same-quantity one and changes are taken within each kind', () => {
    const gap = computeNumericGap({
      announced: 100,
      announcedAt: paris('2022-01-10T12:00'),
      measurements: [
        measurement('real-1', 40, paris('2022-02-01T12:00')),
        measurement('proxy-1', 900, paris('2022-02-15T12:00'), false),
        measurement('real-2', 50, paris('2022-03-01T12:00')),
        measurement('proxy-2', 950, paris('2022-04-01T12:00'), false),
      ],
      now: paris('2022-05-01'),
      timeZone: PARIS,
    });
    expect(gap.headline?.id).toBe('real-2');
    expect(gap.series.map((g) => [g.id, g.changeFromPrevious])).toEqual([
      ['real-1', null],
      ['proxy-1', null],
      ['real-2', 10],
      ['proxy-2', 50],
    ]);
  });

  it('when two measurements share an instant, then they keep input order, the change between them has no per-day rate, and the later input is the headline', () => {
    const at = paris('2022-02-01T12:00');
    const gap = computeNumericGap({ announced: 100, announcedAt: paris('2022-01-10T12:00'), measurements: [measurement('first', 40, at), measurement('second', 45, at)], now: paris('2022-03-01'), timeZone: PARIS });
    expect(gap.series.map((g) => g.id)).toEqual(['first', 'second']);
    expect(gap.series[1]).toMatchObject({ changeFromPrevious: 5, changePerDay: null });
    expect(gap.headline?.id).toBe('second');
  });

  it.each<[string, Partial<Parameters<typeof computeNumericGap>[0]>, string]>([
    ['announced is NaN', { announced: Number.NaN }, 'announced must be a finite number, got NaN'],
    ['announced is Infinity', { announced: Number.POSITIVE_INFINITY }, 'announced must be a finite number, got Infinity'],
    ['announced is beyond exact integers', { announced: 2 ** 60 }, `announced must be within ±${Number.MAX_SAFE_INTEGER}`],
    ['a measurement is -Infinity', { measurements: [measurement('bad', Number.NEGATIVE_INFINITY, new Date('2022-01-01'))] }, 'measurements[0].value (id bad) must be a finite number, got -Infinity'],
    ['a measurement date is invalid', { measurements: [measurement('bad', 1, new Date('nope'))] }, 'measurements[0].asOf (id bad) must be a valid Date, got Invalid Date'],
    ['announcedAt is invalid', { announcedAt: new Date(Number.NaN) }, 'announcedAt must be a valid Date'],
    ['now is invalid', { now: new Date(Number.NaN) }, 'now must be a valid Date'],
    ['the zone is unknown', { timeZone: 'Europe/Atlantis' }, 'timeZone must be an IANA time zone'],
  ])('when %s, then it throws a RangeError saying so', (_case, override, message) => {
    const input = { announced: 1, announcedAt: new Date('2022-01-01'), measurements: [], now: new Date('2022-02-01'), timeZone: PARIS, ...override };
    expect(() => computeNumericGap(input)).toThrow(RangeError);
    expect(() => computeNumericGap(input)).toThrow(message);
  });

  describe('properties', () => {
    it('when any figures and dates are given, then every number is finite (never NaN, Infinity or -0) or null', () => {
      fc.assert(
        fc.property(figure, instant, measurements(figure), instant, zone, (announced, announcedAt, ms, now, tz) => {
          const gap = computeNumericGap({ announced, announcedAt, measurements: ms, now, timeZone: tz });
          for (const g of gap.series) expect(numericFields(g).every(isCleanNumberOrNull)).toBe(true);
          expect(isCleanNumberOrNull(gap.daysSinceAnnouncement)).toBe(true);
          expect(gap.daysSinceAnnouncement).toBeGreaterThanOrEqual(0);
        }),
      );
    });

    it('when figures are whole numbers, then gap + value equals the announced figure exactly and the direction matches the gap sign', () => {
      const whole = fc.integer({ min: -1_000_000_000, max: 1_000_000_000 });
      fc.assert(
        fc.property(whole, measurements(whole), (announced, ms) => {
          const gap = computeNumericGap({ announced, announcedAt: new Date('2021-12-20T11:00:00Z'), measurements: ms, now: new Date('2022-01-01'), timeZone: PARIS });
          for (const g of gap.series) {
            expect(g.absoluteGap + g.value).toBe(announced);
            expect(g.direction).toBe(g.absoluteGap > 0 ? 'above' : g.absoluteGap < 0 ? 'below' : 'equal');
          }
        }),
      );
    });

    it('when figures are decimals, then gap + value equals the announced figure to within rounding', () => {
      fc.assert(
        fc.property(figure, measurements(figure), (announced, ms) => {
          const gap = computeNumericGap({ announced, announcedAt: new Date('2021-12-20T11:00:00Z'), measurements: ms, now: new Date('2022-01-01'), timeZone: PARIS });
          for (const g of gap.series) {
            const scale = Math.max(Math.abs(announced), Math.abs(g.value));
            expect(Math.abs(g.absoluteGap + g.value - announced)).toBeLessThanOrEqual(scale * Number.EPSILON * 2);
          }
        }),
      );
    });

    // The brief said 10 000; (v / a × 100) × (a / v) is 100: 1.978 % × 50.54 ≈ 100.
    it('when both the percentage and the factor are defined, then their product is 100 (they are reciprocal views of one ratio)', () => {
      fc.assert(
        fc.property(figure, measurements(figure), (announced, ms) => {
          const gap = computeNumericGap({ announced, announcedAt: new Date('2021-12-20T11:00:00Z'), measurements: ms, now: new Date('2022-01-01'), timeZone: PARIS });
          for (const { percentRealised, factor } of gap.series) {
            if (percentRealised !== null && factor !== null) expect(Math.abs(percentRealised * factor - 100)).toBeLessThan(1e-10);
          }
        }),
      );
    });

    it('when measurements come in any order, then the series is sorted by date with ties in input order, and holds every measurement once', () => {
      fc.assert(
        fc.property(measurements(figure), (ms) => {
          const gap = computeNumericGap({ announced: 1, announcedAt: new Date('2021-12-20T11:00:00Z'), measurements: ms, now: new Date('2022-01-01'), timeZone: PARIS });
          const position = (id: string) => Number(id.slice(1));
          gap.series.slice(1).forEach((g, i) => {
            const previous = gap.series[i]!;
            const delta = g.asOf.getTime() - previous.asOf.getTime();
            expect(delta > 0 || (delta === 0 && position(g.id) > position(previous.id))).toBe(true);
          });
          expect(gap.series.map((g) => g.id).sort()).toEqual(ms.map((m) => m.id).sort());
        }),
      );
    });

    it('when there are measurements, then the headline is the latest same-quantity one (the later input on a tie), else the latest proxy', () => {
      fc.assert(
        fc.property(measurements(figure), (ms) => {
          const gap = computeNumericGap({ announced: 1, announcedAt: new Date('2021-12-20T11:00:00Z'), measurements: ms, now: new Date('2022-01-01'), timeZone: PARIS });
          const latest = (candidates: NumericMeasurementInput[]) =>
            candidates.reduce<NumericMeasurementInput | null>((best, m) => (best === null || m.asOf.getTime() >= best.asOf.getTime() ? m : best), null);
          const expected = latest(ms.filter((m) => m.sameQuantity)) ?? latest(ms.filter((m) => !m.sameQuantity));
          expect(gap.headline?.id ?? null).toBe(expected?.id ?? null);
          expect(gap.state).toBe(ms.length === 0 ? 'awaiting' : 'measured');
        }),
      );
    });

    it('when a measurement is before the announcement instant, then its day count is never positive, and after it never negative', () => {
      fc.assert(
        fc.property(instant, measurements(figure), zone, (announcedAt, ms, tz) => {
          const gap = computeNumericGap({ announced: 1, announcedAt, measurements: ms, now: announcedAt, timeZone: tz });
          for (const g of gap.series) {
            expect(g.beforeAnnouncement).toBe(g.asOf.getTime() < announcedAt.getTime());
            if (g.beforeAnnouncement) expect(g.daysAfterAnnouncement).toBeLessThanOrEqual(0);
            else expect(g.daysAfterAnnouncement).toBeGreaterThanOrEqual(0);
          }
        }),
      );
    });

    it('when whole-number changes are added up within a kind, then they span the first to the latest value of that kind', () => {
      const whole = fc.integer({ min: -1_000_000, max: 1_000_000 });
      fc.assert(
        fc.property(measurements(whole), (ms) => {
          const gap = computeNumericGap({ announced: 1, announcedAt: new Date('2021-12-20T11:00:00Z'), measurements: ms, now: new Date('2022-01-01'), timeZone: PARIS });
          for (const proxy of [true, false]) {
            const kind = gap.series.filter((g) => g.proxy === proxy);
            const total = kind.reduce((sum, g) => sum + (g.changeFromPrevious ?? 0), 0);
            expect(total).toBe(kind.length === 0 ? 0 : kind.at(-1)!.value - kind[0]!.value);
          }
        }),
      );
    });
  });
});

describe('computeDeadlineStatus', () => {
  // "Retour à la normale au plus tard demain matin", said on 12 Sep 2023.
  const announcedAt = paris('2023-09-12T18:00');
  const dueAt = paris('2023-09-13T09:00');
  const base = { dueAt, announcedAt, timeZone: PARIS };
  const check = (id: string, asOf: Date, delivered: boolean, deliveredAt: Date | null = null): DeadlineMeasurementInput => ({ id, asOf, delivered, deliveredAt });

  it('when it is 20 Sep 2023 and nothing says the service is back, then the promise is 7 days overdue', () => {
    const status = computeDeadlineStatus({ ...base, measurements: [check('still-down', paris('2023-09-14T10:00'), false)], now: paris('2023-09-20T12:00') });
    expect(status).toEqual({ kind: 'deadline', state: 'overdue', daysLate: null, daysOverdue: 7, daysUntilDue: null, dueAt, deciding: expect.objectContaining({ id: 'still-down' }) });
  });

  it('when the deadline has not come, then it is pending with the days left and no measurement to rest on', () => {
    const status = computeDeadlineStatus({ ...base, measurements: [], now: paris('2023-09-12T20:00') });
    expect(status).toMatchObject({ state: 'pending', daysUntilDue: 1, daysOverdue: null, daysLate: null, deciding: null });
  });

  it('when `now` is exactly the due instant, then it is still pending (due that day, 0 days left)', () => {
    expect(computeDeadlineStatus({ ...base, measurements: [], now: dueAt })).toMatchObject({ state: 'pending', daysUntilDue: 0 });
  });

  it('when past due and nobody has measured anything, then it is unverified (not "late"), with the days since it was due', () => {
    expect(computeDeadlineStatus({ ...base, measurements: [], now: paris('2023-09-20T10:00') })).toMatchObject({ state: 'unverified', daysOverdue: 7, deciding: null });
  });

  it('when one hour past due and a check found no delivery, then it is overdue by 0 calendar days', () => {
    const notYet = check('still-down', paris('2023-09-13T09:30'), false, null);
    expect(computeDeadlineStatus({ ...base, measurements: [notYet], now: paris('2023-09-13T10:00') })).toMatchObject({ state: 'overdue', daysOverdue: 0 });
  });

  it('when delivery came at the due instant, then it is on time', () => {
    const status = computeDeadlineStatus({ ...base, measurements: [check('back', paris('2023-09-13T12:00'), true, dueAt)], now: paris('2023-09-20') });
    expect(status).toMatchObject({ state: 'on-time', daysLate: null, daysOverdue: null, daysUntilDue: null, deciding: { id: 'back' } });
  });

  it('when delivery came the same day but after the due hour, then it is late by 0 days', () => {
    const status = computeDeadlineStatus({ ...base, measurements: [check('back', paris('2023-09-13T18:00'), true, paris('2023-09-13T14:00'))], now: paris('2023-09-20') });
    expect(status).toMatchObject({ state: 'late', daysLate: 0 });
  });

  it('when a project promised for 2017 was delivered in March 2019, then it is late by the calendar days in between', () => {
    const due = paris('2017-12-31T23:59:59');
    const status = computeDeadlineStatus({ dueAt: due, announcedAt: paris('2014-05-01'), timeZone: PARIS, measurements: [check('opened', paris('2019-03-20'), true, paris('2019-03-15T10:00'))], now: paris('2020-01-01') });
    expect(status).toMatchObject({ state: 'late', daysLate: 439 });
  });

  it('when a measurement says delivered but gives no date, then the state is delivered-undated, not guessed', () => {
    const status = computeDeadlineStatus({ ...base, measurements: [check('reported-back', paris('2023-09-15'), true)], now: paris('2023-09-20') });
    expect(status).toMatchObject({ state: 'delivered-undated', daysLate: null, daysOverdue: null, daysUntilDue: null, deciding: { id: 'reported-back' } });
  });

  it('when a delivery is followed by a later "not delivered" check, then the delivery still decides', () => {
    const status = computeDeadlineStatus({
      ...base,
      measurements: [check('later-outage', paris('2023-09-18'), false), check('back', paris('2023-09-14'), true, paris('2023-09-14T08:00')), check('down', paris('2023-09-13T12:00'), false)],
      now: paris('2023-09-20'),
    });
    expect(status).toMatchObject({ state: 'late', daysLate: 1, deciding: { id: 'back' } });
  });

  it('when two deliveries are recorded, then the latest by date decides', () => {
    const status = computeDeadlineStatus({
      ...base,
      measurements: [check('corrected', paris('2023-09-16'), true, paris('2023-09-15T10:00')), check('first-report', paris('2023-09-13T08:00'), true, paris('2023-09-13T07:00'))],
      now: paris('2023-09-20'),
    });
    expect(status).toMatchObject({ state: 'late', daysLate: 2, deciding: { id: 'corrected' } });
  });

  it.each<[string, Partial<Parameters<typeof computeDeadlineStatus>[0]>, string]>([
    ['dueAt is invalid', { dueAt: new Date('x') }, 'dueAt must be a valid Date'],
    ['now is invalid', { now: new Date('x') }, 'now must be a valid Date'],
    ['a deliveredAt is invalid', { measurements: [{ id: 'm', asOf: new Date('2023-09-14'), delivered: true, deliveredAt: new Date('x') }] }, 'measurements[0].deliveredAt (id m) must be a valid Date'],
    ['the zone is unknown', { timeZone: 'Paris' }, 'timeZone must be an IANA time zone'],
  ])('when %s, then it throws a RangeError saying so', (_case, override, message) => {
    const input = { ...base, measurements: [], now: paris('2023-09-20'), ...override };
    expect(() => computeDeadlineStatus(input)).toThrow(RangeError);
    expect(() => computeDeadlineStatus(input)).toThrow(message);
  });

  describe('properties', () => {
    const deadlineMeasurements = fc
      .array(fc.record({ asOf: instant, delivered: fc.boolean(), deliveredAt: fc.option(instant, { nil: null }) }), { maxLength: 6 })
      .map((ms) => ms.map((m, i) => ({ id: `d${i}`, ...m })));

    it('when any input is given, then exactly the day count that belongs to the state is set, and it is never negative', () => {
      fc.assert(
        fc.property(instant, deadlineMeasurements, instant, zone, (due, ms, now, tz) => {
          const s = computeDeadlineStatus({ dueAt: due, announcedAt: due, measurements: ms, now, timeZone: tz });
          expect({ late: s.daysLate !== null, overdue: s.daysOverdue !== null, pending: s.daysUntilDue !== null }).toEqual({
            late: s.state === 'late',
            overdue: s.state === 'overdue' || s.state === 'unverified',
            pending: s.state === 'pending',
          });
          for (const n of [s.daysLate, s.daysOverdue, s.daysUntilDue]) {
            expect(isCleanNumberOrNull(n)).toBe(true);
            if (n !== null) expect(n).toBeGreaterThanOrEqual(0);
          }
          expect(['overdue', 'unverified', 'pending'].includes(s.state)).toBe(!ms.some((m) => m.delivered));
          if (s.state === 'unverified') expect(ms).toEqual([]);
        }),
      );
    });

    it('when time moves forward, then an overdue promise stays overdue until a delivery is recorded, and a delivered one does not change', () => {
      fc.assert(
        fc.property(instant, deadlineMeasurements, fc.array(instant, { minLength: 2, maxLength: 5 }), (due, ms, nows) => {
          const states = [...nows]
            .sort((a, b) => a.getTime() - b.getTime())
            .map((now) => computeDeadlineStatus({ dueAt: due, announcedAt: due, measurements: ms, now, timeZone: PARIS }).state);
          if (ms.some((m) => m.delivered)) {
            expect(new Set(states).size).toBe(1);
          } else {
            const late = ms.length === 0 ? 'unverified' : 'overdue';
            const firstOverdue = states.indexOf(late);
            if (firstOverdue >= 0) expect(states.slice(firstOverdue).every((s) => s === late)).toBe(true);
          }
        }),
      );
    });

    it('when an overdue promise gets a delivery measurement, then it leaves overdue for on-time, late or delivered-undated', () => {
      fc.assert(
        fc.property(instant, fc.option(instant, { nil: null }), (due, deliveredAt) => {
          const now = new Date(due.getTime() + 86_400_000);
          const input = { dueAt: due, announcedAt: due, now, timeZone: PARIS };
          expect(computeDeadlineStatus({ ...input, measurements: [] }).state).toBe('unverified');
          expect(computeDeadlineStatus({ ...input, measurements: [check('down', now, false, null)] }).state).toBe('overdue');
          const after = computeDeadlineStatus({ ...input, measurements: [check('delivery', now, true, deliveredAt)] }).state;
          expect(after).toBe(deliveredAt === null ? 'delivered-undated' : deliveredAt.getTime() <= due.getTime() ? 'on-time' : 'late');
        }),
      );
    });
  });
});
