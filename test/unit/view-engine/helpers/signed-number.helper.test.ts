import Handlebars from 'handlebars';
import { makeSignedNumberHelper } from '../../../../server/view-engine/helpers/signed-number.helper';

function setup(locale: 'fr' | 'en') {
  const warn = jest.fn();
  const hbs = Handlebars.create();
  hbs.registerHelper('signedNumber', makeSignedNumberHelper({ locale, timeZone: 'Europe/Paris', logger: { warn } }));
  return { render: (template: string, context: object = {}) => hbs.compile(template)(context), warn };
}

describe('signedNumber helper', () => {
  it('when a template prints +294 and -294, then it gets "+294" and "−294" (U+2212)', () => {
    const { render } = setup('fr');
    expect(render('{{signedNumber n}}', { n: 294 })).toBe('+294');
    expect(render('{{signedNumber n}}', { n: -294 })).toBe('\u2212294');
  });

  it('when digits=1 is given, then the per-day change shows one decimal', () => {
    expect(setup('fr').render('{{signedNumber n digits=1}}', { n: 32.0727 })).toBe('+32,1');
  });

  it('when the change is null (first measurement), then it shows "—" quietly; a string warns', () => {
    const { render, warn } = setup('en');
    expect(render('{{signedNumber n}}', { n: null })).toBe('—');
    expect(warn).not.toHaveBeenCalled();
    expect(render('{{signedNumber n}}', { n: '+3' })).toBe('—');
    expect(warn).toHaveBeenCalledTimes(1);
  });
});
