import type { NextFunction, Request, Response } from 'express';
import type { Config } from '../config';
import { AppError, isAppError } from '../errors';
import { validatedQuery } from '../middleware/validate';
import { presentClaimCard } from '../presenters/claim.presenter';
import { presentPageMeta } from '../presenters/page-meta.presenter';
import { createPresentContext, type PresentContext, presentPagination } from '../presenters/present-context';
import { highlight, highlightedExcerpt, presentFacets, searchHref, wordMatcher } from '../presenters/search.presenter';
import { SEARCH_QUERY_MAX, searchQuerySchema, type SearchQuery } from '../schemas/search-query.schemas';
import { searchClaims, type SearchResult } from '../services/search.service';
import type { Clock } from './public.controller';

/** An unknown topic or speaker in a search's filters is a bad parameter, not a missing page: 400 naming it. */
export async function searchOrBadParameter(query: SearchQuery, now: Date): Promise<SearchResult> {
  return searchClaims(query, now).catch((err: unknown) => {
    if (isAppError(err) && err.code === 'NOT_FOUND' && err.details) throw new AppError({ code: 'BAD_REQUEST', message: err.message, details: err.details });
    throw err;
  });
}

function searchHead(ctx: PresentContext, config: Pick<Config, 'siteUrl'>, q: string) {
  const title = q ? ctx.t('search.title_for', { q: q.slice(0, 80) }) : ctx.t('search.title');
  return { pageTitle: title, meta: presentPageMeta(ctx, config, { path: '/search', title, description: ctx.t('search.description') }) };
}

export function searchController(config: Pick<Config, 'locale' | 'timeZone' | 'siteUrl'>, clock: Clock) {
  return {
    search: async (_req: Request, res: Response) => {
      const ctx = createPresentContext(config, clock());
      const query = validatedQuery(res, searchQuerySchema);
      const result = await searchOrBadParameter(query, ctx.now);
      const head = searchHead(ctx, config, query.q);
      if (result.refused) {
        res.render('pages/search', { ...head, q: query.q, message: ctx.t(`search.refused.${result.refused}`) });
        return;
      }
      const matches = wordMatcher(result.terms);
      const current = { q: query.q, topic: query.topic, speaker: query.speaker, verdict: query.verdict, state: query.state };
      res.render('pages/search', {
        ...head,
        q: query.q,
        countText: ctx.tp('search.count', result.total),
        prefixNote: result.mode === 'prefix' ? ctx.t('search.prefix_note', { prefix: result.terms.prefix ?? '' }) : null,
        claims: result.claims.map((c) => ({
          ...presentClaimCard(ctx, c),
          // Built here from escaped pieces (search.presenter): the template prints them as they are.
          titleHtml: highlight(c.title, matches),
          excerptHtml: highlightedExcerpt(c.statement, matches),
        })),
        facets: presentFacets(ctx, result.facets, current),
        clearFiltersHref: query.topic || query.speaker || query.verdict || query.state ? searchHref({ q: query.q }) : null,
        pagination: presentPagination(ctx, result.page, result.pageCount, (page) => searchHref({ ...current, page })),
      });
    },

    /** A refused parameter: the search page again, 400, one message per parameter in the reader's language. */
    rejectedSearch: (err: unknown, req: Request, res: Response, next: NextFunction) => {
      if (!isAppError(err) || err.code !== 'BAD_REQUEST' || !err.details) {
        next(err);
        return;
      }
      const ctx = createPresentContext(config, clock());
      const raw = (req.query as Record<string, unknown>).q;
      const q = typeof raw === 'string' ? raw.slice(0, SEARCH_QUERY_MAX) : '';
      const value = (name: string) => {
        const v = (req.query as Record<string, unknown>)[name];
        return (Array.isArray(v) ? v.map(String).join(', ') : typeof v === 'string' ? v : '').slice(0, 100);
      };
      res.status(400).render('pages/search', {
        ...searchHead(ctx, config, ''),
        q,
        errors: Object.entries(err.details).map(([name, problem]) => ({
          message: name === 'q' && problem === 'too_long' ? ctx.t('search.too_long', { max: SEARCH_QUERY_MAX }) : ctx.t('claims.invalid_param', { name, value: value(name) }),
        })),
      });
    },
  };
}
