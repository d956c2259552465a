/** How the gap panel words the 182 000 case: a proxy headline, no share, a gap with no sign, a factor said once. */
import { Types } from 'mongoose';
import { presentAbsoluteGap, presentClaimCard, presentGap } from '../../../server/presenters/claim.presenter';
import { createPresentContext } from '../../../server/presenters/present-context';
import type { ClaimSummary } from '../../../server/services/claims-query.service';

const saidAt = new Date('2021-12-20T12:00:00Z');
const asOf = new Date('2021-12-29T12:00:00Z');
const fr = createPresentContext({ locale: 'fr', timeZone: 'Europe/Paris' }, new Date('2026-01-01T12:00:00Z'));
const en = createPresentContext({ locale: 'en', timeZone: 'Europe/Paris' }, new Date('2026-01-01T12:00:00Z'));

function claimWith(announced: number, measured: number, sameQuantity: boolean) {
  const claim = {
    _id: new Types.ObjectId(),
    slug: 'exemple',
    title: 'Exemple',
    speaker: { _id: new Types.ObjectId(), slug: 'x', name: 'X', kind: 'person', sameAs: [] },
    topics: [],
    saidAt,
    saidAtPrecision: 'day',
    announced: { kind: 'count', value: announced, unit: 'faux pass', definition: 'faux pass détectés' },
    tracking: { measurementCount: 1, headlineValue: measured, headlineAsOf: asOf, headlineProxy: !sameQuantity, delivered: false, stage: 'measured' },
  } as unknown as ClaimSummary;
  const measurements = [
    { _id: new Types.ObjectId(), claim: claim._id, value: measured, unit: sameQuantity ? undefined : 'pass sur liste noire', asOf, asOfPrecision: 'day', definition: 'pass sur liste noire', sameQuantity },
  ] as unknown as Parameters<typeof presentGap>[2];
  return { claim, measurements };
}

type Measured = Extract<ReturnType<typeof presentGap>, { awaiting: false }>;

describe('gap panel wording', () => {
  it('when the headline figure is a proxy, then the panel says so first, labels the figure as one and shows no share of the announcement', () => {
    const { claim, measurements } = claimWith(182_000, 3_601, false);
    const panel = presentGap(fr, claim, measurements) as Measured;
    expect(panel.proxyHeadline).toMatch(/^Indicateur indirect\u00a0: .*\(pass sur liste noire\)/);
    expect(panel.measuredLabel).toBe('Indicateur indirect');
    expect(panel.percentText).toBeNull();
    expect(panel.factorLabel).toBe('fois moins que l’annonce, selon cet indicateur indirect');
    expect(presentClaimCard(fr, claim).percentText).toBeNull();
    const english = presentGap(en, claim, measurements) as Measured;
    expect(english.proxyHeadline).toMatch(/^Proxy measure: /);
  });

  it('when the headline figure counts the announced quantity, then the share is shown and no proxy headline', () => {
    const { claim, measurements } = claimWith(182_000, 3_601, true);
    const panel = presentGap(fr, claim, measurements) as Measured;
    expect(panel.proxyHeadline).toBeNull();
    expect(panel.measuredLabel).toBe('Mesuré');
    expect(panel.percentText?.replace(/\s/g, ' ')).toBe('2,0 %');
    expect(presentClaimCard(fr, claim).percentText).toBe(panel.percentText);
  });

  it('when the measurement is below the announcement, then the gap says "de moins" with no sign, and the factor carries no ×', () => {
    const { claim, measurements } = claimWith(182_000, 3_601, true);
    const panel = presentGap(fr, claim, measurements) as Measured;
    expect(panel.absoluteText?.replace(/\u202f/g, ' ')).toBe('178 399 de moins que l’annonce');
    expect(panel.factorText).toBe('50,5');
    expect(panel.factorLabel).toBe('fois moins que l’annonce');
    const english = presentGap(en, claim, measurements) as Measured;
    expect(english.absoluteText).toBe('178,399 below the announcement');
    expect(`${english.factorText} ${english.factorLabel}`).toBe('50.5 times less than announced');
  });

  it('when the measurement is above the announcement, then the gap says "de plus" and the factor "fois plus"', () => {
    const { claim, measurements } = claimWith(1_000, 4_000, true);
    const panel = presentGap(fr, claim, measurements) as Measured;
    expect(panel.absoluteText?.replace(/\u202f/g, ' ')).toBe('3 000 de plus que l’annonce');
    expect(`${panel.factorText} ${panel.factorLabel}`).toBe('4 fois plus que l’annonce');
  });

  it('when the figures are equal, then there is no gap sentence; money keeps its currency and percentages count points', () => {
    expect(presentAbsoluteGap(fr, { kind: 'count', definition: 'x' } as never, { absoluteGap: 0, direction: 'equal' })).toBeNull();
    expect(presentAbsoluteGap(en, { kind: 'money', currency: 'EUR', definition: 'x' } as never, { absoluteGap: 5_000_000, direction: 'above' })).toBe('€5,000,000 below the announcement');
    expect(presentAbsoluteGap(fr, { kind: 'percentage', definition: 'x' } as never, { absoluteGap: -3.5, direction: 'below' })).toBe('3,5 points de plus que l’annonce');
  });
});
