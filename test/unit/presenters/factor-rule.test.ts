/**
 * One rule for "×N": the claim page's gap panel and a claim card (built from the stored
 * headline figure) show the same factor, with the same meaning, or both show none.
 */
import { Types } from 'mongoose';
import { presentClaimCard, presentGap } from '../../../server/presenters/claim.presenter';
import { createPresentContext } from '../../../server/presenters/present-context';
import type { ClaimSummary } from '../../../server/services/claims-query.service';

const ctx = createPresentContext({ locale: 'fr', timeZone: 'Europe/Paris' }, new Date('2026-01-01T12:00:00Z'));
const saidAt = new Date('2021-12-20T12:00:00Z');
const asOf = new Date('2021-12-29T12:00:00Z');

function claimWith(announced: number, measured: number): { claim: ClaimSummary; measurements: Parameters<typeof presentGap>[2] } {
  const measurementId = new Types.ObjectId();
  const claim = {
    _id: new Types.ObjectId(),
    slug: 'exemple',
    title: 'Exemple',
    statement: 'Exemple',
    statementVerbatim: true,
    language: 'fr',
    speaker: { _id: new Types.ObjectId(), slug: 'x', name: 'X', kind: 'person', sameAs: [] },
    topics: [],
    saidAt,
    saidAtPrecision: 'day',
    status: 'published',
    announced: { kind: 'count', value: announced, unit: 'pass', definition: 'pass' },
    sources: [],
    corrections: [],
    tracking: { measurementCount: 1, headlineValue: measured, headlineAsOf: asOf, headlineProxy: false, headlineUnit: 'pass', delivered: false },
  } as unknown as ClaimSummary;
  const measurements = [{ _id: measurementId, claim: claim._id, value: measured, unit: 'pass', asOf, asOfPrecision: 'day', definition: 'pass', sameQuantity: true }] as unknown as Parameters<typeof presentGap>[2];
  return { claim, measurements };
}

test.each([
  ['an announcement 50 times the measurement', 182_000, 3_601],
  ['a measurement above the announcement', 1_000, 4_000],
  ['equal figures', 100, 100],
  ['a measurement of zero', 100, 0],
  ['opposite signs', -50, 25],
])('when the gap is %s, then the card and the claim page agree on the factor', (_label, announced, measured) => {
  const { claim, measurements } = claimWith(announced, measured);
  const panel = presentGap(ctx, claim, measurements) as { factorText?: string | null; factorLabel?: string };
  const card = presentClaimCard(ctx, claim);
  expect(card.factorText).toBe(panel.factorText ?? null);
  if (card.factorText) expect(card.factorLabel).toBe(panel.factorLabel);
});

test('when the measurement is above the announcement, then both say "fois plus" and the feeds’ "higher" sentence does not apply', () => {
  const { claim } = claimWith(1_000, 4_000);
  const card = presentClaimCard(ctx, claim);
  expect(card.factorText).not.toBeNull();
  expect(card.factorLabel).toBe('fois plus que l’annonce');
  expect(card.factorAbove).toBe(false);
});
