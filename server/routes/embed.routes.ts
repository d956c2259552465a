import { Router } from 'express';
import type { Config } from '../config';
import { embedController } from '../controllers/embed.controller';
import type { Clock } from '../controllers/public.controller';
import { allowFramingByAnySite } from '../middleware/framing';
import { jsonClientErrors } from '../middleware/json-errors';
import { validateQuery } from '../middleware/validate';
import { oembedQuerySchema } from '../schemas/oembed.schemas';

/** The embeddable card (the only page other sites may frame) and its oEmbed endpoint. */
export function embedRouter(config: Pick<Config, 'locale' | 'timeZone' | 'siteUrl'>, clock: Clock): Router {
  const router = Router();
  const controller = embedController(config, clock);
  router.get('/embed/claims/:slug', allowFramingByAnySite, controller.showClaim, controller.missingClaim);
  router.get('/oembed', validateQuery(oembedQuerySchema), controller.oembed, jsonClientErrors);
  return router;
}
