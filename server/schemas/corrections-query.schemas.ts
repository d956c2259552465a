import { z } from 'zod';

/** The corrections page's only parameter, as strict as the claims list's (see claims-query.schemas.ts). */
export const correctionsQuerySchema = z.object({
  page: z.preprocess(
    (v) => (v === '' || v === undefined ? '1' : v),
    z
      .string()
      .regex(/^\d{1,6}$/, 'invalid')
      .transform(Number)
      .refine((n) => n >= 1, 'invalid'),
  ),
});
