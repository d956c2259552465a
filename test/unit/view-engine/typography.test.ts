import { createTranslator } from '../../../server/i18n';
import { typeset, typesetUserText } from '../../../server/view-engine/typography';

const NBSP = '\u00a0';
const NNBSP = '\u202f';

describe('typeset (French)', () => {
  it.each([
    ['Nouvelle mesure : 3 601', `Nouvelle mesure${NBSP}: 3 601`],
    ['Vraiment ? Oui ! Bon ; suite', `Vraiment${NNBSP}? Oui${NNBSP}! Bon${NNBSP}; suite`],
    ['un « faux pass »', `un «${NBSP}faux pass${NBSP}»`],
    ['un «faux pass»', `un «${NBSP}faux pass${NBSP}»`],
    ['à 16:00, le 29', 'à 16:00, le 29'],
  ])('when "%s" is set in French, then the signs get their no-break spaces', (input, expected) => {
    expect(typeset(input, 'fr')).toBe(expected);
  });

  it('when a text holds web addresses, then they are left exactly as written', () => {
    const text = 'voir https://exemple.fr/a?b=1:2&c=« x » et www.exemple.fr/ ? fin : oui';
    const out = typeset(text, 'fr');
    expect(out).toContain('https://exemple.fr/a?b=1:2&c=«');
    expect(out).toContain('www.exemple.fr/');
    expect(out).toContain(`fin${NBSP}: oui`);
    expect(out).toContain(`/${NNBSP}?`);
  });

  it('when a text is set twice, then the second pass changes nothing', () => {
    const once = typeset('« Quoi ? » : rien', 'fr');
    expect(typeset(once, 'fr')).toBe(once);
  });
});

describe('typeset (English)', () => {
  it.each([
    ['What is counted : passes', 'What is counted: passes'],
    ['Really ? Yes !', 'Really? Yes!'],
    ['the « fake pass »', 'the \u201cfake pass\u201d'],
    ['https://example.com/x?y=1 : z', 'https://example.com/x?y=1: z'],
  ])('when "%s" is set in English, then French habits are removed', (input, expected) => {
    expect(typeset(input, 'en')).toBe(expected);
  });

  it('when an address contains a guillemet-free colon and query, then it is untouched', () => {
    expect(typeset('see http://a.b/c?d=e:f', 'en')).toBe('see http://a.b/c?d=e:f');
  });
});

describe('typesetUserText', () => {
  it('when the text has a language of its own, then that language decides, whatever the site', () => {
    expect(typesetUserText('« oui » : non', 'en', 'fr')).toBe(`«${NBSP}oui${NBSP}»${NBSP}: non`);
  });

  it('when the text has no language, then it is set in French on the French site and left alone on the English one', () => {
    expect(typesetUserText('mesure : x', 'fr')).toBe(`mesure${NBSP}: x`);
    expect(typesetUserText('mesure : x', 'en')).toBe('mesure : x');
  });
});

describe('UI strings', () => {
  it('when a French string with a colon is translated, then the colon has its no-break space and the value is inserted as given', () => {
    expect(createTranslator('fr')('update.summary.measurement', { definition: 'https://x.fr/?a=1 : b' })).toBe(`Nouvelle mesure${NBSP}: https://x.fr/?a=1 : b`);
  });

  it('when the English strings are translated, then none has a space before a colon or a French guillemet', () => {
    const t = createTranslator('en');
    expect(t('claim.what_counted') + t('punct.colon')).toBe('What is counted:');
    expect(t('source.title_quoted', { title: 'T' })).toBe('\u201cT\u201d');
  });
});
