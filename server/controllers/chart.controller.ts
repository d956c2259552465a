import type { Request, Response } from 'express';
import type { Config } from '../config';
import { AppError } from '../errors';
import { presentShareImage, presentStandaloneChart, STANDALONE_CHART } from '../presenters/chart.presenter';
import { createPresentContext } from '../presenters/present-context';
import { getPublishedClaim } from '../services/claims-query.service';
import { buildShareSvg, SHARE_IMAGE } from '../services/share-image.service';
import { renderPng } from '../services/svg-render.service';
import type { Clock } from './public.controller';

/**
 * A claim's chart as files, and its share image. Each answer is a pure function of the claim
 * page (one service call) and the clock, so the render cache in front keeps it until the
 * content changes: a PNG is rendered once per content version, not once per request.
 */
export function chartController(config: Pick<Config, 'locale' | 'timeZone' | 'siteUrl'>, clock: Clock) {
  async function standalone(slug: string) {
    const ctx = createPresentContext(config, clock());
    const page = await getPublishedClaim(slug);
    const svg = presentStandaloneChart(ctx, page);
    // A published claim with nothing to plot (no measurement, or qualitative) has no chart file.
    if (!svg) throw new AppError({ code: 'NOT_FOUND', message: `No chart for claim "${slug}"` });
    return { svg, slug: page.claim.slug };
  }

  return {
    chartSvg: async (req: Request<{ slug: string }>, res: Response) => {
      const { svg, slug } = await standalone(req.params.slug);
      res
        .set({ 'Content-Type': 'image/svg+xml; charset=utf-8', 'Content-Disposition': `inline; filename="ecart-${slug}-chart.svg"` })
        .send(svg);
    },

    chartPng: async (req: Request<{ slug: string }>, res: Response) => {
      const { svg, slug } = await standalone(req.params.slug);
      // Twice the drawing's width: sharp on a high-density screen and in a print layout.
      res.set({ 'Content-Type': 'image/png', 'Content-Disposition': `inline; filename="ecart-${slug}-chart.png"` }).send(renderPng(svg, STANDALONE_CHART.width * 2));
    },

    sharePng: async (req: Request<{ slug: string }>, res: Response) => {
      const ctx = createPresentContext(config, clock());
      const page = await getPublishedClaim(req.params.slug);
      const share = presentShareImage(ctx, page, config);
      res.set('Content-Type', 'image/png').send(renderPng(buildShareSvg(share.text), SHARE_IMAGE.width));
    },
  };
}
