import type { Request, Response } from 'express';
import type { Config } from '../config';
import { AppError } from '../errors';
import { validatedQuery } from '../middleware/validate';
import { presentFeedLinks } from '../presenters/feed.presenter';
import { presentPageMeta } from '../presenters/page-meta.presenter';
import { createPresentContext } from '../presenters/present-context';
import { presentCorrectionsPage, presentMethodPage } from '../presenters/trust.presenter';
import { correctionsQuerySchema } from '../schemas/corrections-query.schemas';
import { listPublicCorrections } from '../services/corrections.service';

/** The pages that say how Écart works and where it got things wrong: /methode and /corrections. */
export function trustController(config: Pick<Config, 'locale' | 'timeZone' | 'siteUrl'>, clock: () => Date) {
  const context = () => createPresentContext(config, clock());
  return {
    method: (_req: Request, res: Response) => {
      const ctx = context();
      res.render('pages/method', {
        pageTitle: ctx.t('method.title'),
        meta: presentPageMeta(ctx, config, { path: '/methode', title: ctx.t('method.title'), description: ctx.t('method.lead') }),
        ...presentMethodPage(ctx),
      });
    },

    corrections: async (_req: Request, res: Response) => {
      const ctx = context();
      const { page } = validatedQuery(res, correctionsQuerySchema);
      const data = await listPublicCorrections(page);
      // Past the last page there is nothing to show: a 404, as for any missing page (page 1 always exists).
      if (page > data.pageCount) throw new AppError({ code: 'NOT_FOUND', message: `No corrections page ${page}` });
      res.render('pages/corrections', {
        pageTitle: ctx.t('corrections.title'),
        meta: presentPageMeta(ctx, config, { path: page > 1 ? `/corrections?page=${page}` : '/corrections', title: ctx.t('corrections.title'), description: ctx.t('corrections.lead') }),
        ...presentCorrectionsPage(ctx, data),
        pageFeedLinks: presentFeedLinks(ctx, { kind: 'corrections' }),
      });
    },
  };
}
