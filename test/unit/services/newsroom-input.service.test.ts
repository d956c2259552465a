import { parseNewsroomDate, parseNewsroomNumber } from '../../../server/services/newsroom-input.service';

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
