import { createPresentContext } from '../../../server/presenters/present-context';
import { formatFigure } from '../../../server/presenters/claim.presenter';
import { AMOUNT_IN_WORDS_FROM, formatAmount, formatMoneyInWords } from '../../../server/view-engine/format';

const NBSP = '\u00a0';
const NNBSP = '\u202f';
const sp = (s: string) => s.replace(/[\u00a0\u202f]/g, ' ');

describe('large amounts in words', () => {
  it.each([
    ['fr', 100_000_000, 'EUR', '100 millions d’euros'],
    ['fr', 1_500_000_000, 'EUR', '1,5 milliard d’euros'],
    ['fr', 1_000_000, 'EUR', '1 million d’euros'],
    ['fr', 5_000_000, 'USD', '5 millions de dollars'],
    ['fr', -3_000_000_000, 'EUR', '−3 milliards d’euros'],
    ['en', 100_000_000, 'EUR', '€100 million'],
    ['en', 1_500_000_000, 'EUR', '€1.5 billion'],
    ['en', -2_000_000, 'USD', '−$2 million'],
  ] as const)('when %s formats %d %s, then it reads "%s"', (locale, n, currency, expected) => {
    expect(sp(formatAmount(n, currency, locale))).toBe(expected);
  });

  it('when the amount is below a million, then it stays in digits', () => {
    expect(AMOUNT_IN_WORDS_FROM).toBe(1_000_000);
    expect(formatAmount(999_999, 'EUR', 'fr')).toBe(`999${NNBSP}999${NBSP}€`);
    expect(formatAmount(182_000, 'EUR', 'en')).toBe('€182,000');
  });

  it('when words would round the amount, then the exact digits are kept', () => {
    expect(formatMoneyInWords(1_234_567, 'EUR', 'fr')).toBeNull();
    expect(sp(formatAmount(1_234_567, 'EUR', 'en'))).toBe('€1,234,567');
    expect(sp(formatAmount(1_250_000_000, 'EUR', 'fr'))).toBe('1,25 milliard d’euros');
  });

  it('when French has no name for the currency after "millions", then the digits are kept rather than a guess', () => {
    expect(formatMoneyInWords(5_000_000, 'JPY', 'fr')).toBeNull();
  });

  it('when the words are printed, then the figure and its scale never break apart', () => {
    expect(formatAmount(100_000_000, 'EUR', 'fr')).toBe(`100${NBSP}millions d’euros`);
  });
});

describe('money against counts', () => {
  const fr = createPresentContext({ locale: 'fr', timeZone: 'Europe/Paris' }, new Date('2026-01-01T00:00:00Z'));
  const en = createPresentContext({ locale: 'en', timeZone: 'Europe/Paris' }, new Date('2026-01-01T00:00:00Z'));
  const money = { kind: 'money' as const, currency: 'EUR', definition: 'x' };
  const count = { kind: 'count' as const, unit: 'faux pass', definition: 'x' };

  it('when money of a million or more is shown, then in words, and exact when asked (the measurements table)', () => {
    expect(sp(formatFigure(fr, money, 100_000_000))).toBe('100 millions d’euros');
    expect(sp(formatFigure(en, money, 100_000_000))).toBe('€100 million');
    expect(sp(formatFigure(fr, money, 100_000_000, null, { exact: true }))).toBe('100 000 000 €');
  });

  it('when a count is shown, then it stays in digits whatever its size', () => {
    expect(sp(formatFigure(fr, count, 182_000))).toBe('182 000 faux pass');
    expect(sp(formatFigure(fr, count, 3_000_000))).toBe('3 000 000 faux pass');
  });
});
