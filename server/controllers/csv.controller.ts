import type { Request, Response } from 'express';
import type { Config } from '../config';
import { getPublishedClaim } from '../services/claims-query.service';
import { buildMeasurementsCsv, claimsCsvHead, claimsCsvRows } from '../services/csv-export.service';
import { publishedClaimBatches } from '../services/open-data.service';
import type { Clock } from './public.controller';
import { writeChunk } from './stream-helpers';

function csvHeaders(res: Response, filename: string): Response {
  return res.set({
      'Content-Type': 'text/csv; charset=utf-8',
      // A download, not a page: browsers save it under a name that says what it holds.
      'Content-Disposition': `attachment; filename="${filename}"`,
    'Cache-Control': 'public, max-age=60',
  });
}

function sendCsv(res: Response, filename: string, csv: string): void {
  csvHeaders(res, filename).send(csv);
}


export function csvController(config: Pick<Config, 'siteUrl' | 'timeZone'>, clock: Clock) {
  return {
    /** Every published claim, streamed batch by batch: memory holds one batch, whatever the total. */
    claims: async (req: Request, res: Response) => {
      const site = { siteUrl: config.siteUrl, timeZone: config.timeZone, now: clock() };
      const batches = publishedClaimBatches();
      const first = await batches.next();
      csvHeaders(res, 'ecart-claims.csv').status(200);
      await writeChunk(res, claimsCsvHead());
      if (!first.done) await writeChunk(res, claimsCsvRows(first.value, site));
      for await (const batch of batches) {
        if (req.socket.destroyed) {
          await batches.return(undefined);
          return;
        }
        await writeChunk(res, claimsCsvRows(batch, site));
      }
      res.end();
    },

    measurements: async (req: Request<{ slug: string }>, res: Response) => {
      const page = await getPublishedClaim(req.params.slug);
      // The stored slug, not the requested text, goes in the header: it matches [a-z0-9-] only.
      sendCsv(res, `ecart-${page.claim.slug}-measurements.csv`, buildMeasurementsCsv(page));
    },
  };
}
