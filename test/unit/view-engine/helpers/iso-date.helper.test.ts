import Handlebars from 'handlebars';
import { makeIsoDateHelper } from '../../../../server/view-engine/helpers/iso-date.helper';

function setup() {
  const warn = jest.fn();
  const hbs = Handlebars.create();
  hbs.registerHelper('isoDate', makeIsoDateHelper({ locale: 'fr', timeZone: 'Europe/Paris', logger: { warn } }));
  return { render: (template: string, context: object = {}) => hbs.compile(template)(context), warn };
}

describe('isoDate helper', () => {
  it('when a template fills <time datetime>, then it gets the UTC ISO instant', () => {
    expect(setup().render('<time datetime="{{isoDate d}}">', { d: new Date('2021-12-29T15:00:00Z') })).toBe('<time datetime="2021-12-29T15:00:00.000Z">');
  });

  it('when the date is invalid, then the attribute is empty and a warning is logged; null is quiet', () => {
    const { render, warn } = setup();
    expect(render('{{isoDate d}}', { d: null })).toBe('');
    expect(warn).not.toHaveBeenCalled();
    expect(render('{{isoDate d}}', { d: 'yesterday' })).toBe('');
    expect(warn).toHaveBeenCalledWith({ helper: 'isoDate', value: 'yesterday', reason: 'not a valid Date or ISO 8601 string' }, 'template value could not be formatted');
  });
});
