/**
 * oEmbed (https://oembed.com) for claim pages: pure functions of the site's address and a
 * claim, so the controller only fetches the claim and sends the result.
 */
import { escapeMarkup } from './markup';

/** The card reflows from about 320 px (a phone column) to 600 px; this is the width offered by default. */
export const EMBED_DEFAULT_WIDTH = 480;

/**
 * The iframe height for a width. The card cannot tell the host page its height without a
 * script on that page, so this leaves room for the tallest seeded card (a proxy warning and
 * a two-line title: 571 px at 320 wide, 501 at 400, 472 at 480, 460 at 600 in the test
 * browser's fonts) plus some 40 px for wider fonts. The page behind the card is transparent,
 * so spare room is invisible. The browser test checks every seeded card against these.
 */
export function embedHeight(width: number): number {
  if (width < 360) return 620;
  if (width < 440) return 540;
  if (width < 520) return 510;
  return 500;
}

const CLAIM_PATH = /^\/claims\/([a-z0-9]+(?:-[a-z0-9]+)*)\/?$/;

/**
 * The slug of the claim page `url` names, when it is one of this site's claim pages; null
 * otherwise. http and https are both accepted for the site's host: a publisher may paste either.
 */
export function claimSlugFromPageUrl(url: string, siteUrl: string): string | null {
  let target: URL;
  let site: URL;
  try {
    target = new URL(url);
    site = new URL(siteUrl);
  } catch {
    return null;
  }
  if (target.protocol !== 'http:' && target.protocol !== 'https:') return null;
  if (target.host !== site.host || target.username || target.password) return null;
  const sitePath = site.pathname.replace(/\/+$/, '');
  if (!target.pathname.startsWith(`${sitePath}/`)) return null;
  return CLAIM_PATH.exec(target.pathname.slice(sitePath.length))?.[1] ?? null;
}

export interface OembedInput {
  siteUrl: string;
  providerName: string;
  claim: { slug: string; title: string };
  /** The iframe's accessible name, e.g. "Écart : <claim title>". */
  frameTitle: string;
  maxwidth?: number | undefined;
  maxheight?: number | undefined;
}

export interface OembedResponse {
  type: 'rich';
  version: '1.0';
  title: string;
  provider_name: string;
  provider_url: string;
  html: string;
  width: number;
  height: number;
  cache_age: number;
}

/** The spec's "rich" response: an iframe of the card, never wider or taller than asked. */
export function buildOembed({ siteUrl, providerName, claim, frameTitle, maxwidth, maxheight }: OembedInput): OembedResponse {
  const width = Math.min(EMBED_DEFAULT_WIDTH, maxwidth ?? EMBED_DEFAULT_WIDTH);
  const height = Math.min(embedHeight(width), maxheight ?? embedHeight(width));
  const src = `${siteUrl}/embed/claims/${encodeURIComponent(claim.slug)}`;
  const html =
    `<iframe src="${escapeMarkup(src)}" width="${width}" height="${height}" title="${escapeMarkup(frameTitle)}"` +
    ' loading="lazy" style="border:0;max-width:100%"></iframe>';
  return {
    type: 'rich',
    version: '1.0',
    title: claim.title,
    provider_name: providerName,
    provider_url: siteUrl,
    html,
    width,
    height,
    // Figures change when a measurement is published: consumers should not keep the snippet's size for long.
    cache_age: 3600,
  };
}
