import type { Request, Response } from 'express';
import type { Config } from '../config';
import { getPublishedClaim } from '../services/claims-query.service';
import { buildClaimsCsv, buildMeasurementsCsv } from '../services/csv-export.service';
import { listAllPublishedClaims } from '../services/open-data.service';
import type { Clock } from './public.controller';

function sendCsv(res: Response, filename: string, csv: string): void {
  res
    .set({
      'Content-Type': 'text/csv; charset=utf-8',
      // A download, not a page: browsers save it under a name that says what it holds.
      'Content-Disposition': `attachment; filename="${filename}"`,
      'Cache-Control': 'public, max-age=60',
    })
    .send(csv);
}

export function csvController(config: Pick<Config, 'siteUrl' | 'timeZone'>, clock: Clock) {
  return {
    claims: async (_req: Request, res: Response) => {
      const claims = await listAllPublishedClaims();
      sendCsv(res, 'ecart-claims.csv', buildClaimsCsv(claims, { siteUrl: config.siteUrl, timeZone: config.timeZone, now: clock() }));
    },

    measurements: async (req: Request<{ slug: string }>, res: Response) => {
      const page = await getPublishedClaim(req.params.slug);
      // The stored slug, not the requested text, goes in the header: it matches [a-z0-9-] only.
      sendCsv(res, `ecart-${page.claim.slug}-measurements.csv`, buildMeasurementsCsv(page));
    },
  };
}
