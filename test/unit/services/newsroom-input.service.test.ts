import fc from 'fast-check';
import { formatNewsroomDate, formatNewsroomNumber, parseNewsroomDate, parseNewsroomNumber } from '../../../server/services/newsroom-input.service';

const ZONE = 'Europe/Paris';

describe('parseNewsroomDate', () => {
  it.each([
    ['29/12/2021 16:00', '2021-12-29T15:00:00.000Z', 'instant'],
    ['29/12/2021', '2021-12-28T23:00:00.000Z', 'day'],
    ['1/7/2021', '2021-06-30T22:00:00.000Z', 'day'],
    ['29 décembre 2021', '2021-12-28T23:00:00.000Z', 'day'],
    ['1er juillet 2021', '2021-06-30T22:00:00.000Z', 'day'],
    ['29 Décembre 2021 à 16:00', '2021-12-29T15:00:00.000Z', 'instant'],
    ['2021-12-29', '2021-12-28T23:00:00.000Z', 'day'],
    ['2021-12-29T16:00', '2021-12-29T15:00:00.000Z', 'instant'],
    ['  29/12/2021  ', '2021-12-28T23:00:00.000Z', 'day'],
    ['mai 2017', '2017-04-30T22:00:00.000Z', 'month'],
    ['5/2017', '2017-04-30T22:00:00.000Z', 'month'],
    ['2017', '2016-12-31T23:00:00.000Z', 'year'],
  ])('when "%s" is typed, then it is read in the newsroom zone as %s (%s)', (input, iso, precision) => {
    const result = parseNewsroomDate(input, ZONE);
    expect(result).toEqual({ ok: true, value: { at: new Date(iso), precision } });
  });

  it.each(['31/02/2021', 'hier', '', '2021-13-01', '29/12/21 25:00', '12/29/2021', '29 decembar 2021'])(
    'when "%s" is typed, then it is refused with the message saying what is expected',
    (input) => {
      expect(parseNewsroomDate(input, ZONE)).toEqual({ ok: false, message: 'form.date.invalid' });
    },
  );
});

describe('parseNewsroomNumber', () => {
  it.each([
    ['182 000', 182000],
    ['182\u00a0000', 182000],
    ['182\u202f000', 182000],
    ['182000', 182000],
    ['3,5', 3.5],
    ['1 234,5', 1234.5],
    ['-12', -12],
    [' 3 601 ', 3601],
  ])('when "%s" is typed, then it reads %d', (input, value) => {
    expect(parseNewsroomNumber(input)).toEqual({ ok: true, value });
  });

  it.each(['beaucoup', '', '3.5', '182.000', '12 34', '1,2,3', '5 M€'])('when "%s" is typed, then it is refused', (input) => {
    expect(parseNewsroomNumber(input)).toEqual({ ok: false, message: 'form.number.invalid' });
  });
});

describe('formatting for the edit forms', () => {
  it.each([
    [new Date('2021-12-29T15:00:00.000Z'), 'instant', '29/12/2021 16:00'],
    [new Date('2021-12-28T23:00:00.000Z'), 'day', '29/12/2021'],
    [new Date('2017-04-30T22:00:00.000Z'), 'month', 'mai 2017'],
    [new Date('2016-12-31T23:00:00.000Z'), 'year', '2017'],
  ] as const)('when %s (%s) is shown in a form, then it reads "%s"', (at, precision, text) => {
    expect(formatNewsroomDate(at, precision, ZONE)).toBe(text);
  });

  it('when any stored date is shown in a form and read back, then the date and its precision are unchanged', () => {
    const precisions = ['instant', 'day', 'month', 'year'] as const;
    fc.assert(
      fc.property(fc.date({ min: new Date('1950-01-01'), max: new Date('2090-01-01'), noInvalidDate: true }), fc.constantFrom(...precisions), (date, precision) => {
        // Stored dates are the start of their period, to the minute: that is what the forms save.
        const start = parseNewsroomDate(formatNewsroomDate(date, precision, ZONE), ZONE);
        if (!start.ok) return false;
        const again = parseNewsroomDate(formatNewsroomDate(start.value.at, precision, ZONE), ZONE);
        return again.ok && again.value.at.getTime() === start.value.at.getTime() && again.value.precision === precision;
      }),
    );
  });

  it.each([
    [182000, '182 000'],
    [3.5, '3,5'],
    [-1234.25, '-1 234,25'],
    [0, '0'],
    [1e21, '1 000 000 000 000 000 000 000'],
  ])('when %d is shown in a form, then it reads "%s" and reads back to the same number', (value, text) => {
    expect(formatNewsroomNumber(value)).toBe(text);
    expect(parseNewsroomNumber(text)).toEqual({ ok: true, value });
  });

  it('when any finite number is shown in a form, then it reads back to the same number', () => {
    fc.assert(
      // Newsroom figures are typed, so they have a handful of decimals at most.
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e15, max: 1e15 }).filter((v) => v === 0 || Math.abs(v) >= 1e-6), (value) => {
        const parsed = parseNewsroomNumber(formatNewsroomNumber(value));
        return parsed.ok && parsed.value === (Object.is(value, -0) ? 0 : value);
      }),
    );
  });
});
