import type { Config } from '../config';
import type { PresentContext } from './present-context';

/** Open Graph wants a territory as well as a language; these are the editions Écart has. */
const OG_LOCALE: Record<PresentContext['locale'], string> = { fr: 'fr_FR', en: 'en_GB' };

/**
 * What head-meta.hbs prints for a public page. A page rendered without one (editor, admin,
 * login, previews, error pages) gets `noindex` instead: forgetting it hides a page from
 * search engines, it never exposes one.
 */
export interface PageMeta {
  canonicalUrl: string;
  title: string;
  description: string;
  type: 'article' | 'website';
  siteName: string;
  locale: string;
  /** The oEmbed discovery address, on pages that can be embedded (claim pages). */
  oembedUrl: string | null;
  /** The share image (og:image), an absolute address; pages without one fall back to the small summary card. */
  image: PageImage | null;
}

export interface PageImage {
  url: string;
  width: number;
  height: number;
  alt: string;
}

export interface PageMetaInput {
  /** The page's path on this site, with any query string it keeps in its canonical form. */
  path: string;
  title?: string | null;
  description?: string | null;
  type?: PageMeta['type'];
  embeddable?: boolean;
  /** The image's path on this site, its size and its text alternative. */
  image?: { path: string; width: number; height: number; alt: string } | null;
}

export function presentPageMeta(ctx: PresentContext, site: Pick<Config, 'siteUrl'>, input: PageMetaInput): PageMeta {
  const canonicalUrl = `${site.siteUrl}${input.path}`;
  return {
    canonicalUrl,
    title: input.title ?? ctx.t('site.name'),
    description: input.description ?? ctx.t('site.tagline'),
    type: input.type ?? 'website',
    siteName: ctx.t('site.name'),
    locale: OG_LOCALE[ctx.locale],
    oembedUrl: input.embeddable ? oembedDiscoveryUrl(site, canonicalUrl) : null,
    image: input.image ? { url: `${site.siteUrl}${input.image.path}`, width: input.image.width, height: input.image.height, alt: input.image.alt } : null,
  };
}

/** Where an oEmbed consumer asks about `pageUrl` (JSON only: the one format served). */
export function oembedDiscoveryUrl(site: Pick<Config, 'siteUrl'>, pageUrl: string): string {
  return `${site.siteUrl}/oembed?${new URLSearchParams({ url: pageUrl, format: 'json' }).toString()}`;
}
