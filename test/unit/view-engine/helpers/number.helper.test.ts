import Handlebars from 'handlebars';
import { makeNumberHelper } from '../../../../server/view-engine/helpers/number.helper';

function setup(locale: 'fr' | 'en') {
  const warn = jest.fn();
  const hbs = Handlebars.create();
  hbs.registerHelper('number', makeNumberHelper({ locale, timeZone: 'Europe/Paris', logger: { warn } }));
  return { render: (template: string, context: object = {}) => hbs.compile(template)(context), warn };
}

describe('number helper', () => {
  it('when a template prints 182000, then fr gets "182 000" (U+202F) and en "182,000"', () => {
    expect(setup('fr').render('{{number n}}', { n: 182_000 })).toBe('182\u202f000');
    expect(setup('en').render('{{number n}}', { n: 182_000 })).toBe('182,000');
  });

  it('when digits=2 is given, then decimals show', () => {
    expect(setup('en').render('{{number n digits=2}}', { n: 32.0727 })).toBe('32.07');
  });

  it('when the value is null (no figure in the data), then it shows "—" without a warning', () => {
    const { render, warn } = setup('fr');
    expect(render('{{number n}}', { n: null })).toBe('—');
    expect(warn).not.toHaveBeenCalled();
  });

  it('when the value is missing, a string, or digits is out of range, then it warns with the helper name', () => {
    const { render, warn } = setup('fr');
    expect(render('{{number missing}}')).toBe('—');
    expect(render('{{number n}}', { n: '182000' })).toBe('—');
    expect(render('{{number n digits=99}}', { n: 1.5 })).toBe('2');
    expect(warn.mock.calls.map(([fields]: [Record<string, unknown>]) => [fields.helper, fields.value])).toEqual([
      ['number', undefined],
      ['number', '182000'],
      ['number', 99],
    ]);
  });
});
