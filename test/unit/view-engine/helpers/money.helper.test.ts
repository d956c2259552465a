import Handlebars from 'handlebars';
import { makeMoneyHelper } from '../../../../server/view-engine/helpers/money.helper';

function setup(locale: 'fr' | 'en') {
  const warn = jest.fn();
  const hbs = Handlebars.create();
  hbs.registerHelper('money', makeMoneyHelper({ locale, timeZone: 'Europe/Paris', logger: { warn } }));
  return { render: (template: string, context: object = {}) => hbs.compile(template)(context), warn };
}

describe('money helper', () => {
  it('when the currency is given positionally or as currency=, then both render the same amount', () => {
    const { render } = setup('fr');
    expect(render('{{money n "EUR"}}', { n: 1_200 })).toBe('1\u202f200\u00a0€');
    expect(render('{{money n currency=c}}', { n: 1_234.5, c: 'EUR' })).toBe('1\u202f234,50\u00a0€');
    expect(setup('en').render('{{money n "USD"}}', { n: 99.9 })).toBe('$99.90');
  });

  it('when the currency is missing or not a code, then it shows "—" and warns', () => {
    const { render, warn } = setup('fr');
    expect(render('{{money n}}', { n: 10 })).toBe('—');
    expect(render('{{money n "€"}}', { n: 10 })).toBe('—');
    expect(warn.mock.calls.map(([fields]: [Record<string, unknown>]) => fields.value)).toEqual([undefined, '€']);
  });

  it('when the amount is null, then it shows "—" without a warning', () => {
    const { render, warn } = setup('fr');
    expect(render('{{money n "EUR"}}', { n: null })).toBe('—');
    expect(warn).not.toHaveBeenCalled();
  });
});
