import type { Request, Response } from 'express';
import type { Config } from '../config';
import { AppError, isAppError } from '../errors';
import { validatedQuery } from '../middleware/validate';
import {
  apiClaimDetail,
  apiClaimSummary,
  apiProfile,
  apiSpeaker,
  apiTopic,
  apiUpdate,
  createApiContext,
  type ApiPagination,
} from '../presenters/api.presenter';
import { claimListQuerySchema } from '../schemas/claims-query.schemas';
import { updatesQuerySchema } from '../schemas/api.schemas';
import {
  CLAIMS_PER_PAGE,
  getPublishedClaim,
  getSpeakerPage,
  getTopicPage,
  listPublishedSpeakers,
  listPublishedTopics,
  listPublishedClaims,
} from '../services/claims-query.service';
import { listPublicUpdates, UPDATES_PER_PAGE } from '../services/open-data.service';
import type { Clock } from './public.controller';
import { searchOrBadParameter } from './search.controller';
import { apiSearchFacets } from '../presenters/api.presenter';
import { searchQuerySchema } from '../schemas/search-query.schemas';
import { SEARCH_PER_PAGE } from '../services/search.service';

/** A minute: the data changes a few times a day, and a popular embed should not reach the database on every view. */
const CACHE_CONTROL = 'public, max-age=60';

function send(res: Response, body: unknown): void {
  res.set('Cache-Control', CACHE_CONTROL).json(body);
}

function pagination(page: { page: number; pageCount: number; total: number }, perPage: number): ApiPagination {
  return { page: page.page, pageCount: page.pageCount, total: page.total, perPage };
}

export function apiController(config: Pick<Config, 'locale' | 'timeZone' | 'siteUrl'>, clock: Clock) {
  return {
    listClaims: async (_req: Request, res: Response) => {
      const ctx = createApiContext(config, clock());
      const list = await listPublishedClaims(validatedQuery(res, claimListQuerySchema), ctx.now).catch((err: unknown) => {
        // An unknown topic or speaker in a filter is a bad parameter here, as the issue asks: 400, naming it.
        if (isAppError(err) && err.code === 'NOT_FOUND' && err.details) throw new AppError({ code: 'BAD_REQUEST', message: err.message, details: err.details });
        throw err;
      });
      send(res, { data: list.claims.map((c) => apiClaimSummary(ctx, c)), pagination: pagination(list, CLAIMS_PER_PAGE) });
    },

    /** A query with no word to search (empty, signs only, stop words only) is a bad `q`: 400 in the API's error format. */
    search: async (_req: Request, res: Response) => {
      const ctx = createApiContext(config, clock());
      const result = await searchOrBadParameter(validatedQuery(res, searchQuerySchema), ctx.now);
      if (result.refused) throw new AppError({ code: 'BAD_REQUEST', message: `Nothing to search for (${result.refused})`, details: { q: result.refused } });
      send(res, {
        data: result.claims.map((c) => apiClaimSummary(ctx, c)),
        facets: apiSearchFacets(result.facets),
        match: result.mode,
        pagination: pagination(result, SEARCH_PER_PAGE),
      });
    },

    showClaim: async (req: Request<{ slug: string }>, res: Response) => {
      const ctx = createApiContext(config, clock());
      send(res, { data: apiClaimDetail(ctx, await getPublishedClaim(req.params.slug)) });
    },

    listUpdates: async (_req: Request, res: Response) => {
      const ctx = createApiContext(config, clock());
      const list = await listPublicUpdates(validatedQuery(res, updatesQuerySchema));
      send(res, { data: list.updates.map((u) => apiUpdate(ctx, u)), pagination: pagination(list, UPDATES_PER_PAGE) });
    },

    listSpeakers: async (_req: Request, res: Response) => {
      const ctx = createApiContext(config, clock());
      const speakers = await listPublishedSpeakers();
      send(res, { data: speakers.map((s) => apiSpeaker(ctx, s)) });
    },

    showSpeaker: async (req: Request<{ slug: string }>, res: Response) => {
      const ctx = createApiContext(config, clock());
      const { speaker, ...page } = await getSpeakerPage(req.params.slug);
      send(res, { data: apiProfile(ctx, apiSpeaker(ctx, speaker), 'speaker', page) });
    },

    listTopics: async (_req: Request, res: Response) => {
      const ctx = createApiContext(config, clock());
      const topics = await listPublishedTopics();
      send(res, { data: topics.map((t) => apiTopic(ctx, t)) });
    },

    showTopic: async (req: Request<{ slug: string }>, res: Response) => {
      const ctx = createApiContext(config, clock());
      const { topic, ...page } = await getTopicPage(req.params.slug);
      send(res, { data: apiProfile(ctx, apiTopic(ctx, topic), 'topic', page) });
    },
  };
}
