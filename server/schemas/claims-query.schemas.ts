import { z } from 'zod';
import { VERDICT_KEYS } from '../../models/verdict-scale';
import { CLAIM_STATE_FILTERS } from '../services/claim-state.service';

export { CLAIM_STATE_FILTERS };
export const CLAIM_SORTS = ['latest', 'gap'] as const;
export const MAX_PAGE = 10_000;

const slug = z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'invalid').max(120);
/** Empty values (an unselected <select> submits `topic=`) mean "no filter". */
const optional = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (v === '' ? undefined : v), schema.optional());

/**
 * The /claims query string. Every value must be a single string (the simple query parser
 * turns `?topic[$ne]=x` into a key of its own and repeated keys into arrays, both rejected),
 * so nothing but a plain slug or keyword ever reaches a database query.
 */
export const claimListQuerySchema = z.object({
  page: z.preprocess(
    (v) => (v === '' || v === undefined ? '1' : v),
    z
      .string()
      .regex(/^\d{1,6}$/, 'invalid')
      .transform(Number)
      .refine((n) => n >= 1 && n <= MAX_PAGE, 'invalid'),
  ),
  topic: optional(slug),
  speaker: optional(slug),
  verdict: optional(z.enum(VERDICT_KEYS)),
  state: optional(z.enum(CLAIM_STATE_FILTERS)),
  sort: z.preprocess((v) => (v === '' || v === undefined ? 'latest' : v), z.enum(CLAIM_SORTS)),
});

export type ClaimListQuery = z.infer<typeof claimListQuerySchema>;
