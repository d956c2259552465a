import fc from 'fast-check';
import type { Locale } from '../../../server/config';
import { FIGURE_BOUND } from '../../../server/services/gap.service';
import { formatNewsroomDate, formatNewsroomNumber, parseNewsroomDate, parseNewsroomNumber } from '../../../server/services/newsroom-input.service';

const ZONE = 'Europe/Paris';
const LOCALES: Locale[] = ['fr', 'en'];

describe('parseNewsroomDate in French', () => {
  it.each([
    ['29/12/2021 16:00', '2021-12-29T15:00:00.000Z', 'instant'],
    ['29/12/2021', '2021-12-28T23:00:00.000Z', 'day'],
    ['1/7/2021', '2021-06-30T22:00:00.000Z', 'day'],
    ['29 décembre 2021', '2021-12-28T23:00:00.000Z', 'day'],
    ['29 déc. 2021', '2021-12-28T23:00:00.000Z', 'day'],
    ['1er juillet 2021', '2021-06-30T22:00:00.000Z', 'day'],
    ['29 Décembre 2021 à 16:00', '2021-12-29T15:00:00.000Z', 'instant'],
    ['2021-12-29', '2021-12-28T23:00:00.000Z', 'day'],
    ['2021-12-29T16:00', '2021-12-29T15:00:00.000Z', 'instant'],
    ['  29/12/2021  ', '2021-12-28T23:00:00.000Z', 'day'],
    ['décembre 2021', '2021-11-30T23:00:00.000Z', 'month'],
    ['mai 2017', '2017-04-30T22:00:00.000Z', 'month'],
    ['5/2017', '2017-04-30T22:00:00.000Z', 'month'],
    ['2021', '2020-12-31T23:00:00.000Z', 'year'],
  ])('when "%s" is typed, then it is read in the newsroom zone as %s (%s)', (input, iso, precision) => {
    expect(parseNewsroomDate(input, ZONE, 'fr')).toEqual({ ok: true, value: { at: new Date(iso), precision } });
  });

  it('when the first plausible year is typed, then it is accepted', () => {
    expect(parseNewsroomDate('1900', ZONE, 'fr')).toMatchObject({ ok: true, value: { precision: 'year' } });
  });

  it.each([
    ['31/02/2021', 'form.date.invalid'],
    ['hier', 'form.date.invalid'],
    ['', 'form.date.invalid'],
    ['2021-13-01', 'form.date.invalid'],
    ['29/12/21 25:00', 'form.date.invalid'],
    ['12/29/2021', 'form.date.invalid'],
    ['29 decembar 2021', 'form.date.invalid'],
    ['0000-12-29', 'form.date.implausible_year'],
    ['0000', 'form.date.implausible_year'],
    ['29/12/1021', 'form.date.implausible_year'],
    ['1899', 'form.date.implausible_year'],
    ['2200', 'form.date.implausible_year'],
  ])('when "%s" is typed, then it is refused with %s', (input, message) => {
    expect(parseNewsroomDate(input, ZONE, 'fr')).toEqual({ ok: false, message });
  });
});

describe('parseNewsroomDate in English', () => {
  it.each([
    ['29 December 2021', '2021-12-28T23:00:00.000Z', 'day'],
    ['December 29, 2021', '2021-12-28T23:00:00.000Z', 'day'],
    ['december 29 2021', '2021-12-28T23:00:00.000Z', 'day'],
    ['Dec 29, 2021', '2021-12-28T23:00:00.000Z', 'day'],
    ['29th December 2021', '2021-12-28T23:00:00.000Z', 'day'],
    ['December 1st, 2021', '2021-11-30T23:00:00.000Z', 'day'],
    ['29 December 2021 16:00', '2021-12-29T15:00:00.000Z', 'instant'],
    ['December 2021', '2021-11-30T23:00:00.000Z', 'month'],
    ['2021', '2020-12-31T23:00:00.000Z', 'year'],
    ['2021-12-29', '2021-12-28T23:00:00.000Z', 'day'],
    ['2021-12-29 16:00', '2021-12-29T15:00:00.000Z', 'instant'],
  ])('when "%s" is typed, then it is read in the newsroom zone as %s (%s)', (input, iso, precision) => {
    expect(parseNewsroomDate(input, ZONE, 'en')).toEqual({ ok: true, value: { at: new Date(iso), precision } });
  });

  it.each([
    // Numeric day/month orders differ between the UK and the US: refused, even when one reading is impossible.
    ['12/29/2021', 'form.date.numeric_ambiguous'],
    ['29/12/2021', 'form.date.numeric_ambiguous'],
    ['03/04/2021', 'form.date.numeric_ambiguous'],
    ['3.4.2021', 'form.date.numeric_ambiguous'],
    ['5/2017', 'form.date.numeric_ambiguous'],
    ['29 décembre 2021', 'form.date.invalid'],
    ['February 30, 2021', 'form.date.invalid'],
    ['yesterday', 'form.date.invalid'],
    ['0000-01-01', 'form.date.implausible_year'],
    ['December 29, 1021', 'form.date.implausible_year'],
  ])('when "%s" is typed, then it is refused with %s', (input, message) => {
    expect(parseNewsroomDate(input, ZONE, 'en')).toEqual({ ok: false, message });
  });
});

describe('parseNewsroomNumber', () => {
  it.each([
    ['fr', '182 000', 182000],
    ['fr', '182\u00a0000', 182000],
    ['fr', '182\u202f000', 182000],
    ['fr', '182000', 182000],
    ['fr', '3,5', 3.5],
    ['fr', '1 200,5', 1200.5],
    ['fr', '1\u202f200,5', 1200.5],
    ['fr', '1 234 567,25', 1234567.25],
    ['fr', '-12', -12],
    ['fr', '\u221212', -12],
    ['fr', ' 3 601 ', 3601],
    ['fr', '1,200', 1.2],
    ['fr', '-0', 0],
    ['en', '1,200', 1200],
    ['en', '1,200.5', 1200.5],
    ['en', '1,234,567.25', 1234567.25],
    ['en', '182000', 182000],
    ['en', '3.5', 3.5],
    ['en', '0.5', 0.5],
    ['en', '1 200.5', 1200.5],
    ['en', '-1,200', -1200],
    ['fr', '1 000 000 000 000 000', 1e15],
    ['en', '-1,000,000,000,000,000', -1e15],
    ['en', '999,999,999,999,999', 999999999999999],
    ['en', '0.000000000000001', 1e-15],
  ] as const)('when (%s) "%s" is typed, then it reads %d', (locale, input, value) => {
    expect(parseNewsroomNumber(input, locale)).toEqual({ ok: true, value });
  });

  it.each([
    ['fr', 'beaucoup', 'form.number.invalid'],
    ['fr', '', 'form.number.invalid'],
    ['fr', '5 M€', 'form.number.invalid'],
    ['fr', '1e21', 'form.number.invalid'],
    ['fr', 'Infinity', 'form.number.invalid'],
    ['fr', '3,', 'form.number.invalid'],
    ['fr', '3.5', 'form.number.ambiguous_separator'],
    ['fr', '1.200', 'form.number.ambiguous_separator'],
    ['fr', '1.200,5', 'form.number.ambiguous_separator'],
    ['fr', '1,2,3', 'form.number.ambiguous_separator'],
    ['fr', '12 34', 'form.number.grouping'],
    ['fr', '1 2345', 'form.number.grouping'],
    ['en', '1,20', 'form.number.ambiguous_separator'],
    ['en', '0,5', 'form.number.ambiguous_separator'],
    ['en', '1.200,5', 'form.number.ambiguous_separator'],
    ['en', '1.200.000', 'form.number.ambiguous_separator'],
    ['en', '1,2345', 'form.number.ambiguous_separator'],
    ['en', '0,001', 'form.number.ambiguous_separator'],
    ['en', '12 34', 'form.number.grouping'],
    ['en', '1,200 000', 'form.number.grouping'],
    ['fr', '1 000 000 000 000 000 000 000', 'form.number.too_large'],
    ['en', '1,000,000,000,000,001', 'form.number.too_precise'],
    ['en', '1,000,000,000,000,010', 'form.number.too_large'],
    ['en', '9,999,999,999,999,999', 'form.number.too_precise'],
    ['fr', '0,1234567890123456', 'form.number.too_precise'],
  ] as const)('when (%s) "%s" is typed, then it is refused with %s', (locale, input, message) => {
    expect(parseNewsroomNumber(input, locale)).toEqual({ ok: false, message });
  });

  /** Figures as editors type them: at most 15 significant digits, within the bound, a few decimals. */
  const typedFigure = fc
    .tuple(fc.integer({ min: -999_999_999_999_999, max: 999_999_999_999_999 }), fc.integer({ min: 0, max: 6 }))
    .map(([digits, decimals]) => digits / 10 ** decimals)
    .filter((v) => Math.abs(v) <= FIGURE_BOUND);

  it.each(LOCALES)('when any figure is written by Intl in %s (grouped or not) and read back, then it is the same number', (locale) => {
    fc.assert(
      fc.property(typedFigure, fc.boolean(), (value, grouping) => {
        const text = new Intl.NumberFormat(locale, { maximumSignificantDigits: 15, useGrouping: grouping }).format(value);
        const parsed = parseNewsroomNumber(text, locale);
        return parsed.ok && parsed.value === (value === 0 ? 0 : value);
      }),
      { numRuns: 500 },
    );
  });

  it('when a figure written by Intl in one language is read in the other, then it is the same number or refused, never another number', () => {
    fc.assert(
      fc.property(typedFigure, fc.constantFrom<[Locale, Locale]>(['fr', 'en'], ['en', 'fr']), (value, [written, read]) => {
        const text = new Intl.NumberFormat(written, { maximumSignificantDigits: 15 }).format(value);
        const parsed = parseNewsroomNumber(text, read);
        // The one shape both languages read by their own convention: "1,234" is 1.234 in French, 1234 in English.
        return !parsed.ok || parsed.value === (value === 0 ? 0 : value) || /^-?[1-9]\d{0,2},\d{3}$/.test(text);
      }),
      { numRuns: 500 },
    );
  });

  it('when the magnitude exceeds the bound, then any figure is refused', () => {
    fc.assert(
      fc.property(fc.double({ min: FIGURE_BOUND * 1.0000001, max: 1e300, noNaN: true }), fc.constantFrom(...LOCALES), (value, locale) => {
        const text = new Intl.NumberFormat(locale, { maximumSignificantDigits: 15 }).format(value);
        return !parseNewsroomNumber(text, locale).ok;
      }),
    );
  });
});

describe('formatting for the edit forms', () => {
  it.each([
    [new Date('2021-12-29T15:00:00.000Z'), 'instant', 'fr', '29/12/2021 16:00'],
    [new Date('2021-12-28T23:00:00.000Z'), 'day', 'fr', '29/12/2021'],
    [new Date('2017-04-30T22:00:00.000Z'), 'month', 'fr', 'mai 2017'],
    [new Date('2016-12-31T23:00:00.000Z'), 'year', 'fr', '2017'],
    [new Date('2021-12-29T15:00:00.000Z'), 'instant', 'en', '29 December 2021 16:00'],
    [new Date('2021-12-28T23:00:00.000Z'), 'day', 'en', '29 December 2021'],
    [new Date('2017-04-30T22:00:00.000Z'), 'month', 'en', 'May 2017'],
  ] as const)('when %s (%s) is shown in a %s form, then it reads "%s"', (at, precision, locale, text) => {
    expect(formatNewsroomDate(at, precision, ZONE, locale)).toBe(text);
  });

  it.each(LOCALES)('when any stored date is shown in a %s form and read back, then the date and its precision are unchanged', (locale) => {
    const precisions = ['instant', 'day', 'month', 'year'] as const;
    fc.assert(
      fc.property(fc.date({ min: new Date('1950-01-01'), max: new Date('2090-01-01'), noInvalidDate: true }), fc.constantFrom(...precisions), (date, precision) => {
        // Stored dates are the start of their period, to the minute: that is what the forms save.
        const start = parseNewsroomDate(formatNewsroomDate(date, precision, ZONE, locale), ZONE, locale);
        if (!start.ok) return false;
        const again = parseNewsroomDate(formatNewsroomDate(start.value.at, precision, ZONE, locale), ZONE, locale);
        return again.ok && again.value.at.getTime() === start.value.at.getTime() && again.value.precision === precision;
      }),
    );
  });

  it.each([
    [182000, 'fr', '182 000'],
    [3.5, 'fr', '3,5'],
    [-1234.25, 'fr', '-1 234,25'],
    [0, 'fr', '0'],
    [-0, 'fr', '0'],
    [182000, 'en', '182,000'],
    [-1234.25, 'en', '-1,234.25'],
    [1e15, 'en', '1,000,000,000,000,000'],
  ] as const)('when %d is shown in a %s form, then it reads "%s" and reads back to the same number', (value, locale, text) => {
    expect(formatNewsroomNumber(value, locale)).toBe(text);
    expect(parseNewsroomNumber(text, locale)).toEqual({ ok: true, value: value === 0 ? 0 : value });
  });

  it('when a stored figure beyond the bound is shown in a form, then it is written out in full and refused on saving, never read as another number', () => {
    expect(formatNewsroomNumber(1e21, 'fr')).toBe('1 000 000 000 000 000 000 000');
    expect(parseNewsroomNumber(formatNewsroomNumber(1e21, 'fr'), 'fr')).toEqual({ ok: false, message: 'form.number.too_large' });
  });
});
