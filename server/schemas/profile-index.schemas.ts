import { z } from 'zod';
import { MAX_PAGE } from './claims-query.schemas';

/** The /speakers and /topics query string: a page number only, as a single plain string. */
export const profileIndexQuerySchema = z.object({
  page: z.preprocess(
    (v) => (v === '' || v === undefined ? '1' : v),
    z
      .string()
      .regex(/^\d{1,6}$/, 'invalid')
      .transform(Number)
      .refine((n) => n >= 1 && n <= MAX_PAGE, 'invalid'),
  ),
});

export type ProfileIndexQuery = z.infer<typeof profileIndexQuerySchema>;
