import Handlebars from 'handlebars';
import { makePercentHelper } from '../../../../server/view-engine/helpers/percent.helper';

function setup(locale: 'fr' | 'en') {
  const warn = jest.fn();
  const hbs = Handlebars.create();
  hbs.registerHelper('percent', makePercentHelper({ locale, timeZone: 'Europe/Paris', logger: { warn } }));
  return { render: (template: string, context: object = {}) => hbs.compile(template)(context), warn };
}

describe('percent helper', () => {
  it('when a template prints 1.978, then fr gets "2,0 %" and en "2.0%"', () => {
    expect(setup('fr').render('{{percent p}}', { p: 1.978 })).toBe('2,0\u00a0%');
    expect(setup('en').render('{{percent p}}', { p: 1.978 })).toBe('2.0%');
  });

  it('when the share is tiny, then "< 0.1%" is HTML-escaped by Handlebars and so displays as written', () => {
    expect(setup('en').render('{{percent p}}', { p: 0.01 })).toBe('&lt;\u00a00.1%');
  });

  it('when the ratio is null (announced 0), then it shows "—" quietly; NaN shows "—" with a warning', () => {
    const { render, warn } = setup('fr');
    expect(render('{{percent p}}', { p: null })).toBe('—');
    expect(warn).not.toHaveBeenCalled();
    expect(render('{{percent p}}', { p: Number.NaN })).toBe('—');
    expect(warn).toHaveBeenCalledWith({ helper: 'percent', value: Number.NaN, reason: 'not a finite number' }, 'template value could not be formatted');
  });
});
