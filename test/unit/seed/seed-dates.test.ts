import { parseSeedDate } from '../../../seed/seed-dates';

const PARIS = 'Europe/Paris';

describe('parseSeedDate', () => {
  it.each([
    ['2017', 'year', '2016-12-31T23:00:00.000Z'],
    ['2021-12', 'month', '2021-11-30T23:00:00.000Z'],
    ['2021-12-20', 'day', '2021-12-19T23:00:00.000Z'],
    ['2021-12-29T16:00', 'instant', '2021-12-29T15:00:00.000Z'],
    ['2023-09-12T20:00', 'instant', '2023-09-12T18:00:00.000Z'],
    ['2023-09-13T12:00:30', 'instant', '2023-09-13T10:00:30.000Z'],
  ])('when given %s, then it is read in Paris time with %s precision', (input, precision, iso) => {
    const parsed = parseSeedDate(input, PARIS);
    expect(parsed.precision).toBe(precision);
    expect(parsed.at.toISOString()).toBe(iso);
  });

  it('when the zone differs, then the same wall-clock time is a different instant', () => {
    expect(parseSeedDate('2021-12-29T16:00', 'UTC').at.toISOString()).toBe('2021-12-29T16:00:00.000Z');
    expect(parseSeedDate('2021-12-29T16:00', 'America/Montreal').at.toISOString()).toBe('2021-12-29T21:00:00.000Z');
  });

  it.each([
    ['', 'empty'],
    ['21-12-2021', 'French day-first order'],
    ['2021-12-29T16:00Z', 'an explicit UTC marker'],
    ['2021-12-29T16:00+01:00', 'an explicit offset'],
    ['2021-12-29 16:00', 'a space instead of T'],
    ['2021-1', 'a one-digit month'],
    ['décembre 2021', 'words'],
  ])('when given %j (%s), then it throws', (input) => {
    expect(() => parseSeedDate(input, PARIS)).toThrow(RangeError);
  });

  it.each([['2021-02-30'], ['2021-13'], ['2021-12-29T24:00'], ['2021-12-29T16:60']])(
    'when given the impossible date %s, then it throws',
    (input) => {
      expect(() => parseSeedDate(input, PARIS)).toThrow(/Invalid seed date/);
    },
  );

  it('when the local time falls in the spring-forward gap, then it throws instead of moving it', () => {
    expect(() => parseSeedDate('2021-03-28T02:30', PARIS)).toThrow(/does not exist/);
    expect(parseSeedDate('2021-03-28T03:30', PARIS).at.toISOString()).toBe('2021-03-28T01:30:00.000Z');
  });

  it('when the time zone is unknown, then it throws naming the zone', () => {
    expect(() => parseSeedDate('2021-12-20', 'Europe/Nowhere')).toThrow(/Europe\/Nowhere/);
  });
});
