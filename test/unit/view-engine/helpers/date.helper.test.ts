import Handlebars from 'handlebars';
import { makeDateHelper } from '../../../../server/view-engine/helpers/date.helper';

function setup(locale: 'fr' | 'en') {
  const warn = jest.fn();
  const hbs = Handlebars.create();
  hbs.registerHelper('date', makeDateHelper({ locale, timeZone: 'Europe/Paris', logger: { warn } }));
  return { render: (template: string, context: object = {}) => hbs.compile(template)(context), warn };
}

const dec29 = new Date('2021-12-29T15:00:00Z');

describe('date helper', () => {
  it('when no style is given, then it prints the day in the newsroom zone; style= picks the others', () => {
    const { render } = setup('fr');
    expect(render('{{date d}}', { d: dec29 })).toBe('29 décembre 2021');
    expect(render('{{date d style="day-time"}}', { d: dec29 })).toBe('29 décembre 2021 à 16:00');
    expect(render('{{date d style="month"}}', { d: dec29 })).toBe('décembre 2021');
    expect(render('{{date d style="year"}}', { d: dec29 })).toBe('2021');
    expect(setup('en').render('{{date d style="day-time"}}', { d: dec29 })).toBe('December 29, 2021 at 4:00 PM');
  });

  it('when the value is an ISO string, then it is read as an instant (no offset: Paris time)', () => {
    expect(setup('fr').render('{{date d style="day-time"}}', { d: '2021-12-29T16:00' })).toBe('29 décembre 2021 à 16:00');
  });

  it('when the date is invalid, missing or not ISO, then it shows "—" (never today) and warns each time', () => {
    const { render, warn } = setup('fr');
    expect(render('{{date d}}', { d: new Date('garbage') })).toBe('—');
    expect(render('{{date missing}}')).toBe('—');
    expect(render('{{date d}}', { d: '29/12/2021' })).toBe('—');
    expect(warn.mock.calls.map(([fields]: [Record<string, unknown>]) => [fields.helper, fields.value])).toEqual([
      ['date', 'Invalid Date'],
      ['date', undefined],
      ['date', '29/12/2021'],
    ]);
  });

  it('when the style is unknown, then it shows "—" and warns with the style', () => {
    const { render, warn } = setup('fr');
    expect(render('{{date d style="week"}}', { d: dec29 })).toBe('—');
    expect(warn).toHaveBeenCalledWith(expect.objectContaining({ helper: 'date', value: 'week' }), 'template value could not be formatted');
  });

  it('when the date is null (none in the data), then it shows "—" quietly', () => {
    const { render, warn } = setup('fr');
    expect(render('{{date d}}', { d: null })).toBe('—');
    expect(warn).not.toHaveBeenCalled();
  });
});
