import Handlebars from 'handlebars';
import { makeFactorHelper } from '../../../../server/view-engine/helpers/factor.helper';

function setup(locale: 'fr' | 'en') {
  const warn = jest.fn();
  const hbs = Handlebars.create();
  hbs.registerHelper('factor', makeFactorHelper({ locale, timeZone: 'Europe/Paris', logger: { warn } }));
  return { render: (template: string, context: object = {}) => hbs.compile(template)(context), warn };
}

describe('factor helper', () => {
  it('when a template prints 182000/3601, then fr gets "50,5×" and en "50.5×"; 182 gets "182×"', () => {
    expect(setup('fr').render('{{factor f}}', { f: 182_000 / 3_601 })).toBe('50,5×');
    expect(setup('en').render('{{factor f}}', { f: 182_000 / 3_601 })).toBe('50.5×');
    expect(setup('en').render('{{factor f}}', { f: 182 })).toBe('182×');
  });

  it('when the factor is null (measured 0), then it shows "—" quietly; an object shows "—" and is logged by type only', () => {
    const { render, warn } = setup('fr');
    expect(render('{{factor f}}', { f: null })).toBe('—');
    expect(warn).not.toHaveBeenCalled();
    expect(render('{{factor f}}', { f: { value: 3 } })).toBe('—');
    expect(warn).toHaveBeenCalledWith({ helper: 'factor', value: '[object]', reason: 'not a number' }, 'template value could not be formatted');
  });
});
