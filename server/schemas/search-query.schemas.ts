import { z } from 'zod';
import { claimListQuerySchema } from './claims-query.schemas';

/** Longer queries are refused with a message (400 naming `q`): no real search needs more. */
export const SEARCH_QUERY_MAX = 200;

/**
 * The /search and /api/v1/search query string: `q` and the list's own filters and page, each
 * a single string (arrays and `q[$ne]` keys are refused before this), so only plain words,
 * slugs and keywords reach the search service. Operators and quotes inside `q` are not
 * refused: the service reads words only, so `$where` is the word "where".
 */
export const searchQuerySchema = claimListQuerySchema.pick({ page: true, topic: true, speaker: true, verdict: true, state: true }).extend({
  q: z.preprocess((v) => (v === undefined ? '' : v), z.string().max(SEARCH_QUERY_MAX, 'too_long').transform((s) => s.trim())),
});

export type SearchQuery = z.infer<typeof searchQuerySchema>;
