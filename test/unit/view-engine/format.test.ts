import fc from 'fast-check';
import {
  INVALID_PLACEHOLDER,
  dateFromTemplateValue,
  formatDate,
  formatFactor,
  formatIsoDate,
  formatMoney,
  formatNumber,
  formatPercent,
  formatSignedNumber,
  fractionDigitsFromHash,
  type OnInvalid,
} from '../../../server/view-engine/format';

const PARIS = 'Europe/Paris';
const NNBSP = '\u202f'; // fr group separator
const NBSP = '\u00a0'; // fr space before %, and after < / >
const MINUS = '\u2212';

/** Records what a formatter reported as invalid, so a test can check it was reported. */
function recorder(): { onInvalid: OnInvalid; calls: [unknown, string][] } {
  const calls: [unknown, string][] = [];
  return { onInvalid: (value, reason) => calls.push([value, reason]), calls };
}

describe('formatNumber', () => {
  it('when 182 000 is formatted, then fr uses the narrow no-break space Intl gives and en a comma', () => {
    expect(formatNumber(182_000, 'fr')).toBe(`182${NNBSP}000`);
    expect(formatNumber(182_000, 'fr')).toBe(new Intl.NumberFormat('fr').format(182_000));
    expect(formatNumber(182_000, 'en')).toBe('182,000');
  });

  it('when no fraction digits are asked for, then the figure is rounded to a whole number; with 2, decimals show', () => {
    expect(formatNumber(3_601.6, 'fr')).toBe(`3${NNBSP}602`);
    expect(formatNumber(1_234.567, 'en', { maximumFractionDigits: 2 })).toBe('1,234.57');
    expect(formatNumber(1.5, 'fr', { maximumFractionDigits: 2 })).toBe('1,5');
  });

  it('when a figure is negative, then it carries the real minus sign; when it rounds to zero, then no sign at all', () => {
    expect(formatNumber(-1_234.567, 'fr', { maximumFractionDigits: 2 })).toBe(`${MINUS}1${NNBSP}234,57`);
    expect(formatNumber(-0.2, 'fr')).toBe('0');
    expect(formatNumber(-0, 'en')).toBe('0');
  });

  it.each([Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY])('when given %p, then it shows the placeholder and reports it', (n) => {
    const { onInvalid, calls } = recorder();
    expect(formatNumber(n, 'fr', { onInvalid })).toBe(INVALID_PLACEHOLDER);
    expect(calls).toEqual([[n, 'not a finite number']]);
  });
});

describe('formatPercent', () => {
  it('when 1.978 % is formatted, then it shows one decimal: fr "2,0 %" with a no-break space, en "2.0%"', () => {
    expect(formatPercent(1.978, 'fr')).toBe(`2,0${NBSP}%`);
    expect(formatPercent(1.817, 'fr')).toBe(`1,8${NBSP}%`);
    expect(formatPercent(1.978, 'en')).toBe('2.0%');
  });

  it('when a non-zero share would round to 0.0, then it shows "< 0,1 %" so nothing is not mistaken for something', () => {
    expect(formatPercent(0.04, 'fr')).toBe(`<${NBSP}0,1${NBSP}%`);
    expect(formatPercent(Number.MIN_VALUE, 'en')).toBe(`<${NBSP}0.1%`);
    expect(formatPercent(-0.04, 'en')).toBe(`>${NBSP}${MINUS}0.1%`);
  });

  it('when the share is exactly 0 or -0, then it shows "0,0 %" with no sign; at 0.05 it rounds up to 0,1 %', () => {
    expect(formatPercent(0, 'fr')).toBe(`0,0${NBSP}%`);
    expect(formatPercent(-0, 'fr')).toBe(`0,0${NBSP}%`);
    expect(formatPercent(0.05, 'fr')).toBe(`0,1${NBSP}%`);
  });

  it('when the share is large or negative, then it is grouped and signed with a real minus', () => {
    expect(formatPercent(12_345.67, 'fr')).toBe(`12${NNBSP}345,7${NBSP}%`);
    expect(formatPercent(-25, 'en')).toBe(`${MINUS}25.0%`);
  });

  it('when given NaN, then it shows the placeholder and reports it', () => {
    const { onInvalid, calls } = recorder();
    expect(formatPercent(Number.NaN, 'en', { onInvalid })).toBe(INVALID_PLACEHOLDER);
    expect(calls).toHaveLength(1);
  });

  it('when any finite share is formatted, then the text never reads as zero unless the share is zero, and never shows NaN or Infinity', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.constantFrom('fr' as const, 'en' as const), (p, locale) => {
        const text = formatPercent(p, locale);
        expect(text).not.toMatch(/NaN|∞|-/);
        expect(/^0[,.]0/.test(text)).toBe(p === 0);
      }),
    );
  });
});

describe('formatFactor', () => {
  it('when the factor is below 100, then it shows one decimal: fr "50,5×", en "50.5×"', () => {
    expect(formatFactor(182_000 / 3_601, 'fr')).toBe('50,5×');
    expect(formatFactor(182_000 / 3_601, 'en')).toBe('50.5×');
    expect(formatFactor(1, 'fr')).toBe('1,0×');
  });

  it('when the factor is 100 or more, then it shows a whole number, grouped: "182×", "1 820×"', () => {
    expect(formatFactor(182, 'fr')).toBe('182×');
    expect(formatFactor(1_820.4, 'fr')).toBe(`1${NNBSP}820×`);
    expect(formatFactor(1_820.4, 'en')).toBe('1,820×');
  });

  it('when a factor just below 100 would round to 100.0, then it shows "100×" rather than false precision', () => {
    expect(formatFactor(99.96, 'en')).toBe('100×');
    expect(formatFactor(99.94, 'en')).toBe('99.9×');
  });

  it('when given Infinity, then it shows the placeholder and reports it', () => {
    const { onInvalid, calls } = recorder();
    expect(formatFactor(Number.POSITIVE_INFINITY, 'fr', { onInvalid })).toBe(INVALID_PLACEHOLDER);
    expect(calls).toEqual([[Number.POSITIVE_INFINITY, 'not a finite number']]);
  });
});

describe('formatSignedNumber', () => {
  it('when the change is +294 or -294, then it shows "+294" and "−294" with U+2212', () => {
    expect(formatSignedNumber(294, 'fr')).toBe('+294');
    expect(formatSignedNumber(-294, 'fr')).toBe(`${MINUS}294`);
    expect(formatSignedNumber(-1_500, 'en')).toBe(`${MINUS}1,500`);
    expect(formatSignedNumber(1_500, 'fr')).toBe(`+1${NNBSP}500`);
  });

  it('when the change is zero or rounds to zero, then it shows "0" with no sign', () => {
    expect(formatSignedNumber(0, 'en')).toBe('0');
    expect(formatSignedNumber(-0.2, 'en')).toBe('0');
  });

  it('when decimals are asked for, then they show with the sign', () => {
    expect(formatSignedNumber(32.07, 'fr', { maximumFractionDigits: 1 })).toBe('+32,1');
  });

  it('when any finite figure is formatted, then the text has no hyphen-minus and its sign matches the rounded figure', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e9, max: 1e9 }), (n) => {
        const text = formatSignedNumber(n, 'en');
        expect(text).not.toContain('-');
        expect(text[0]).toBe(n > 0 ? '+' : n < 0 ? MINUS : '0');
      }),
    );
  });
});

describe('formatMoney', () => {
  it('when an amount has cents, then they show in the locale currency format', () => {
    expect(formatMoney(1_234.5, 'EUR', 'fr')).toBe(`1${NNBSP}234,50${NBSP}€`);
    expect(formatMoney(1_234.5, 'EUR', 'en')).toBe('€1,234.50');
  });

  it('when an amount is whole, then the cents are dropped', () => {
    expect(formatMoney(182_000_000, 'EUR', 'fr')).toBe(`182${NNBSP}000${NNBSP}000${NBSP}€`);
    expect(formatMoney(-5, 'USD', 'en')).toBe(`${MINUS}$5`);
  });

  it('when the currency is not an ISO code, then it shows the placeholder and reports it instead of throwing', () => {
    const { onInvalid, calls } = recorder();
    expect(formatMoney(10, 'euros', 'fr', { onInvalid })).toBe(INVALID_PLACEHOLDER);
    expect(calls).toEqual([['euros', 'not an ISO 4217 currency code']]);
  });
});

describe('formatDate', () => {
  const dec29 = new Date('2021-12-29T15:00:00Z'); // 16:00 in Paris

  it.each<[Parameters<typeof formatDate>[3], string, string]>([
    ['day', '29 décembre 2021', 'December 29, 2021'],
    ['day-time', '29 décembre 2021 à 16:00', 'December 29, 2021 at 4:00 PM'],
    ['month', 'décembre 2021', 'December 2021'],
    ['year', '2021', '2021'],
  ])('when the style is %s, then fr gives "%s" and en "%s" in the newsroom zone', (style, fr, en) => {
    expect(formatDate(dec29, 'fr', PARIS, style)).toBe(fr);
    expect(formatDate(dec29, 'en', PARIS, style)).toBe(en);
  });

  it('when the instant is late evening UTC, then the date shown is the Paris one (next day)', () => {
    expect(formatDate(new Date('2021-12-19T23:30:00Z'), 'fr', PARIS, 'day')).toBe('20 décembre 2021');
    expect(formatDate(new Date('2021-12-31T23:30:00Z'), 'en', PARIS, 'year')).toBe('2022');
  });

  it('when the day is the first of the month, then fr writes the ordinal "1er", and not on the 10th or 11th', () => {
    expect(formatDate(new Date('2021-12-01T08:00:00Z'), 'fr', PARIS, 'day')).toBe('1er décembre 2021');
    expect(formatDate(new Date('2021-12-01T08:00:00Z'), 'fr', PARIS, 'day-time')).toBe('1er décembre 2021 à 9:00');
    expect(formatDate(new Date('2021-12-11T08:00:00Z'), 'fr', PARIS, 'day')).toBe('11 décembre 2021');
    expect(formatDate(new Date('2021-12-01T08:00:00Z'), 'en', PARIS, 'day')).toBe('December 1, 2021');
  });

  it('when the date is invalid, then it shows "—", never the current date, and reports it', () => {
    const { onInvalid, calls } = recorder();
    const text = formatDate(new Date('not a date'), 'fr', PARIS, 'day', { onInvalid });
    expect(text).toBe(INVALID_PLACEHOLDER);
    expect(text).not.toContain(String(new Date().getFullYear()));
    expect(calls).toEqual([[expect.any(Date), 'not a valid Date']]);
  });

  it('when the zone is unknown, then it shows "—" and reports the zone', () => {
    const { onInvalid, calls } = recorder();
    expect(formatDate(dec29, 'fr', 'Europe/Atlantis', 'day', { onInvalid })).toBe(INVALID_PLACEHOLDER);
    expect(calls[0]?.[0]).toBe('Europe/Atlantis');
  });

  it('when the style is unknown (an untyped caller), then it shows "—" and reports the style', () => {
    const { onInvalid, calls } = recorder();
    expect(formatDate(dec29, 'fr', PARIS, 'week' as 'day', { onInvalid })).toBe(INVALID_PLACEHOLDER);
    expect(calls[0]?.[0]).toBe('week');
  });
});

describe('formatIsoDate', () => {
  it('when the date is valid, then it gives the UTC ISO instant for <time datetime>', () => {
    expect(formatIsoDate(new Date('2021-12-29T15:00:00Z'))).toBe('2021-12-29T15:00:00.000Z');
  });

  it('when the date is invalid, then it gives an empty string (a valid attribute) and reports it', () => {
    const { onInvalid, calls } = recorder();
    expect(formatIsoDate(new Date(Number.NaN), { onInvalid })).toBe('');
    expect(calls).toHaveLength(1);
  });
});

describe('dateFromTemplateValue', () => {
  it('when given a Date, an ISO string with an offset, or one without, then it reads the instant (the last in the newsroom zone)', () => {
    const date = new Date('2021-12-29T15:00:00Z');
    expect(dateFromTemplateValue(date, PARIS)).toBe(date);
    expect(dateFromTemplateValue('2021-12-29T15:00:00Z', PARIS)?.toISOString()).toBe('2021-12-29T15:00:00.000Z');
    expect(dateFromTemplateValue('2021-12-29T16:00', PARIS)?.toISOString()).toBe('2021-12-29T15:00:00.000Z');
  });

  it.each([['12/01/2021'], [''], [1_640_790_000_000], [undefined], [{}], [new Date('x')]])('when given %p, then it returns null', (value) => {
    expect(dateFromTemplateValue(value, PARIS)).toBeNull();
  });
});

describe('fractionDigitsFromHash', () => {
  it('when digits is absent, in range, or out of range, then it gives undefined, the digits, or undefined with a report', () => {
    const { onInvalid, calls } = recorder();
    expect(fractionDigitsFromHash({}, onInvalid)).toBeUndefined();
    expect(fractionDigitsFromHash({ digits: 2 }, onInvalid)).toBe(2);
    expect(calls).toEqual([]);
    expect(fractionDigitsFromHash({ digits: 50 }, onInvalid)).toBeUndefined();
    expect(fractionDigitsFromHash({ digits: '2' }, onInvalid)).toBeUndefined();
    expect(calls.map(([value]) => value)).toEqual([50, '2']);
  });
});
