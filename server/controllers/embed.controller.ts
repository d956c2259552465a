import type { NextFunction, Request, Response } from 'express';
import type { Config } from '../config';
import { AppError, isAppError } from '../errors';
import { validatedQuery } from '../middleware/validate';
import { presentClaimEmbed } from '../presenters/claim.presenter';
import { createPresentContext } from '../presenters/present-context';
import { oembedQuerySchema } from '../schemas/oembed.schemas';
import { getPublishedClaim } from '../services/claims-query.service';
import { buildOembed, claimSlugFromPageUrl } from '../services/oembed.service';
import type { Clock } from './public.controller';

export function embedController(config: Pick<Config, 'locale' | 'timeZone' | 'siteUrl'>, clock: Clock) {
  return {
    showClaim: async (req: Request<{ slug: string }>, res: Response) => {
      const ctx = createPresentContext(config, clock());
      const page = await getPublishedClaim(req.params.slug);
      const card = presentClaimEmbed(ctx, page);
      res.render('pages/embed/claim', {
        layout: 'embed',
        pageTitle: card.title,
        claimUrl: `${config.siteUrl}/claims/${card.slug}`,
        card,
      });
    },

    /**
     * A card whose claim was unpublished or never existed: still a 404, but in the card's own
     * layout, so a publisher's page shows a tidy notice instead of the whole site in a frame.
     */
    missingClaim: (err: unknown, _req: Request, res: Response, next: NextFunction) => {
      if (!isAppError(err) || err.code !== 'NOT_FOUND') {
        next(err);
        return;
      }
      res.status(404).render('pages/embed/missing', { layout: 'embed', pageTitle: createPresentContext(config, clock()).t('embed.missing.title') });
    },

    oembed: async (_req: Request, res: Response) => {
      const query = validatedQuery(res, oembedQuerySchema);
      if (query.format !== 'json') {
        // The spec's answer for a format the provider does not serve (only JSON is).
        res.status(501).json({ error: { status: 501, message: `Format "${query.format}" is not served; use format=json` } });
        return;
      }
      const slug = claimSlugFromPageUrl(query.url, config.siteUrl);
      if (!slug) throw new AppError({ code: 'NOT_FOUND', message: 'Not a claim page of this site' });
      const { claim } = await getPublishedClaim(slug);
      const ctx = createPresentContext(config, clock());
      res.json(
        buildOembed({
          siteUrl: config.siteUrl,
          providerName: ctx.t('site.name'),
          claim,
          frameTitle: ctx.t('embed.frame_title', { title: claim.title }),
          maxwidth: query.maxwidth,
          maxheight: query.maxheight,
        }),
      );
    },
  };
}
