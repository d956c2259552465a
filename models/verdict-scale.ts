/**
 * The verdict scale. A newsroom that rates differently edits this list (keys are stored
 * on claims, so rename a key only with a migration); labels live in server/i18n.
 * `ratingValue` orders the scale for ClaimReview (1 = worst).
 */
export const VERDICT_SCALE = [
  { key: 'false', ratingValue: 1 },
  { key: 'misleading', ratingValue: 2 },
  { key: 'unproven', ratingValue: 3 },
  { key: 'partly-true', ratingValue: 4 },
  { key: 'true', ratingValue: 5 },
] as const;

export type VerdictKey = (typeof VERDICT_SCALE)[number]['key'];
export const VERDICT_KEYS = VERDICT_SCALE.map((v) => v.key) as [VerdictKey, ...VerdictKey[]];
