import { z } from 'zod';

const optionalSize = z.preprocess(
  (v) => (v === '' ? undefined : v),
  z
    .string()
    .regex(/^\d{1,5}$/, 'invalid')
    .transform(Number)
    .refine((n) => n >= 1, 'invalid')
    .optional(),
);

/**
 * The /oembed query string (https://oembed.com, section 2.2). `format` is any short string
 * here: the spec wants 501 for a format the provider does not serve, not a 400.
 */
export const oembedQuerySchema = z.object({
  url: z.string().min(1, 'required').max(2000, 'invalid'),
  format: z.preprocess((v) => (v === '' || v === undefined ? 'json' : v), z.string().max(20, 'invalid')),
  maxwidth: optionalSize,
  maxheight: optionalSize,
});

export type OembedQuery = z.infer<typeof oembedQuerySchema>;
