import { DateTime } from 'luxon';
import type { DatePrecision } from '../../models/source.schema';
import type { SpeakerKind } from '../../models/speaker.model';
import { VERDICT_SCALE, type VerdictKey } from '../../models/verdict-scale';

/** The newsroom publishing the fact checks: its name and address come from config. */
export interface ClaimReviewSite {
  siteUrl: string;
  siteName: string;
  timeZone: string;
}

export interface ClaimReviewInput {
  slug: string;
  /** At most 75 characters (the model enforces it): Google truncates claimReviewed beyond. */
  title: string;
  publishedAt: Date;
  saidAt: Date;
  saidAtPrecision: DatePrecision;
  appearance?: string | null;
  sources: { url?: string | null; title?: string | null; outlet?: string | null; publishedAt?: Date | null }[];
  speaker: { name: string; kind?: SpeakerKind | null; sameAs?: string[] | null };
  verdict: { rating: VerdictKey; label: string };
}

const CLAIM_REVIEWED_MAX = 75;
const BEST = Math.max(...VERDICT_SCALE.map((v) => v.ratingValue));
const WORST = Math.min(...VERDICT_SCALE.map((v) => v.ratingValue));

const ISO_BY_PRECISION: Record<DatePrecision, string> = { instant: 'yyyy-MM-dd', day: 'yyyy-MM-dd', month: 'yyyy-MM', year: 'yyyy' };

/** ISO 8601 to the precision known ("2017-05" for May 2017), as the newsroom dates it. */
function isoDate(at: Date, precision: DatePrecision, timeZone: string): string {
  return DateTime.fromJSDate(at, { zone: timeZone }).toFormat(ISO_BY_PRECISION[precision]);
}

function claimAuthor(speaker: ClaimReviewInput['speaker']) {
  // Nobody is named when the source names nobody: no guessed author.
  if (speaker.kind === 'unattributed') return undefined;
  const sameAs = speaker.sameAs?.length ? { sameAs: speaker.sameAs.length === 1 ? speaker.sameAs[0] : speaker.sameAs } : {};
  return { '@type': speaker.kind === 'organisation' ? 'Organization' : 'Person', name: speaker.name, ...sameAs };
}

/** Where the claim was made: the first source with an address, else the place described in words. */
function appearance(input: ClaimReviewInput, timeZone: string) {
  const withUrl = input.sources.find((s) => s.url);
  if (withUrl?.url) {
    return {
      appearance: {
        '@type': 'CreativeWork',
        url: withUrl.url,
        ...(withUrl.title ? { headline: withUrl.title } : {}),
        ...(withUrl.outlet ? { publisher: { '@type': 'Organization', name: withUrl.outlet } } : {}),
        ...(withUrl.publishedAt ? { datePublished: isoDate(withUrl.publishedAt, 'day', timeZone) } : {}),
      },
    };
  }
  const name = input.appearance ?? input.sources[0]?.title ?? input.sources[0]?.outlet;
  return name ? { firstAppearance: { '@type': 'CreativeWork', name } } : {};
}

/**
 * schema.org ClaimReview for a published claim with a verdict, with the fields Google
 * requires and recommends. A pure function of the claim: unit-tested on hostile text.
 */
export function buildClaimReview(input: ClaimReviewInput, site: ClaimReviewSite): Record<string, unknown> {
  const rating = VERDICT_SCALE.find((v) => v.key === input.verdict.rating)!;
  const author = claimAuthor(input.speaker);
  return {
    '@context': 'https://schema.org',
    '@type': 'ClaimReview',
    url: `${site.siteUrl}/claims/${input.slug}`,
    claimReviewed: [...input.title].length > CLAIM_REVIEWED_MAX ? `${[...input.title].slice(0, CLAIM_REVIEWED_MAX - 1).join('')}…` : input.title,
    datePublished: isoDate(input.publishedAt, 'day', site.timeZone),
    author: { '@type': 'Organization', name: site.siteName, url: site.siteUrl },
    reviewRating: {
      '@type': 'Rating',
      ratingValue: rating.ratingValue,
      bestRating: BEST,
      worstRating: WORST,
      alternateName: input.verdict.label,
      name: input.verdict.label,
    },
    itemReviewed: {
      '@type': 'Claim',
      ...(author ? { author } : {}),
      datePublished: isoDate(input.saidAt, input.saidAtPrecision, site.timeZone),
      ...appearance(input, site.timeZone),
    },
  };
}

/**
 * JSON for a `<script type="application/ld+json">` element. `<`, `>` and `&` are written as
 * \u escapes (still the same JSON), so no text can close the element ("</script>") or open
 * a comment ("<!--"); U+2028/2029 are escaped for old parsers.
 */
export function jsonLdScriptContent(data: unknown): string {
  return JSON.stringify(data)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}
