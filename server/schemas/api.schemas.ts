import { z } from 'zod';
import { claimListQuerySchema } from './claims-query.schemas';

/**
 * An instant in ISO 8601: a date (midnight UTC) or a date-time with `Z` or an offset. A
 * date-time without a zone is refused: its instant would depend on the server's zone.
 */
const isoInstant = z
  .union([z.iso.date(), z.iso.datetime({ offset: true })], { error: 'invalid' })
  .transform((v) => new Date(v));

/** The /api/v1/updates query string. `page` is parsed exactly as on /claims. */
export const updatesQuerySchema = z.object({
  page: claimListQuerySchema.shape.page,
  after: z.preprocess((v) => (v === '' ? undefined : v), isoInstant.optional()),
});

export type UpdatesQuery = z.infer<typeof updatesQuerySchema>;
