import type { NextFunction, Request, Response } from 'express';
import { isAppError } from '../errors';
import type { Config } from '../config';
import { validatedQuery } from '../middleware/validate';
import { presentClaimCard, presentClaimPage } from '../presenters/claim.presenter';
import { presentClaimChart, presentShareImage } from '../presenters/chart.presenter';
import { presentFeedLinks } from '../presenters/feed.presenter';
import { presentUpdateSummary } from '../presenters/update-summary.presenter';
import { buildClaimReview, jsonLdScriptContent } from '../services/claim-review.service';
import { presentPageMeta } from '../presenters/page-meta.presenter';
import { createPresentContext, presentDate, speakerName, presentPagination } from '../presenters/present-context';
import { CLAIM_SORTS, CLAIM_STATE_FILTERS, claimListQuerySchema, type ClaimListQuery } from '../schemas/claims-query.schemas';
import { VERDICT_KEYS } from '../../models/verdict-scale';
import { presentScorecard, presentScorecardChart, presentScorecardLine } from '../presenters/scorecard.presenter';
import { scorecardAt } from '../services/scorecard.service';
import { profileIndexQuerySchema } from '../schemas/profile-index.schemas';
import {
  getHomePage,
  listProfileIndex,
  getPublishedClaim,
  getSpeakerPage,
  getTopicPage,
  listFilterOptions,
  listPublishedClaims,
} from '../services/claims-query.service';

export type Clock = () => Date;

interface FilterValues {
  topic?: string;
  speaker?: string;
  verdict?: string;
  state?: string;
  sort?: string;
}

/** What a speaker's or topic's page shows of its claims and scorecard; `fullListHref` when the claims don't all fit. */
function profileView(
  ctx: ReturnType<typeof createPresentContext>,
  { claims, totals, total, scorecard }: Omit<Awaited<ReturnType<typeof getTopicPage>>, 'topic'>,
  fullListHref: string,
) {
  return {
    scorecard: presentScorecard(ctx, scorecardAt(scorecard, ctx.now, ctx.timeZone)),
    claims: claims.map((c) => presentClaimCard(ctx, c)),
    totals: totals.map((x) => ({ key: x.key, label: ctx.t(`verdict.${x.key}`), count: x.count })),
    countText: ctx.tp('claims.count', total),
    moreHref: total > claims.length ? fullListHref : null,
  };
}

/** A speaker's or topic's page title, description and metadata. */
function profileHead(ctx: ReturnType<typeof createPresentContext>, config: Pick<Config, 'siteUrl'>, path: string, name: string, description: string) {
  return { pageTitle: name, pageDescription: description, meta: presentPageMeta(ctx, config, { path, title: name, description }) };
}

/** The filter form's menus, with the reader's current choices selected. */
function filterMenus(
  ctx: ReturnType<typeof createPresentContext>,
  options: Awaited<ReturnType<typeof listFilterOptions>>,
  current: FilterValues,
) {
  const select = <T extends string>(values: readonly T[], chosen: string | undefined, label: (v: T) => string) =>
    values.map((value) => ({ value, label: label(value), selected: value === chosen }));
  return {
    topics: options.topics.map((t) => ({ value: t.slug, label: t.name, selected: t.slug === current.topic })),
    speakers: options.speakers.map((s) => ({ value: s.slug, label: speakerName(ctx, s), selected: s.slug === current.speaker })),
    verdicts: select(VERDICT_KEYS, current.verdict, (v) => ctx.t(`verdict.${v}`)),
    states: select(CLAIM_STATE_FILTERS, current.state, (v) => ctx.t(`state.${v}`)),
    sorts: select(CLAIM_SORTS, current.sort, (v) => ctx.t(`claims.sort.${v}`)),
  };
}

/** Builds the query string of a list page, keeping the filters and changing what is given. */
function listHref(query: ClaimListQuery, changes: Partial<ClaimListQuery>): string {
  const merged = { ...query, ...changes };
  const params = new URLSearchParams();
  for (const key of ['topic', 'speaker', 'verdict', 'state'] as const) {
    const value = merged[key];
    if (value) params.set(key, value);
  }
  if (merged.sort !== 'latest') params.set('sort', merged.sort);
  if (merged.page > 1) params.set('page', String(merged.page));
  const qs = params.toString();
  return qs ? `/claims?${qs}` : '/claims';
}

/**
 * The canonical address of a list page. Filtered or re-sorted lists are views of the same
 * claims (each also reachable from its speaker or topic page), so they all point at /claims;
 * only the default list keeps `page`, since its page 2 is content that page 1 does not show.
 */
export function canonicalListPath(query: ClaimListQuery): string {
  const filtered = Boolean(query.topic || query.speaker || query.verdict || query.state) || query.sort !== 'latest';
  return !filtered && query.page > 1 ? `/claims?page=${query.page}` : '/claims';
}

export function publicController(config: Pick<Config, 'locale' | 'timeZone' | 'siteUrl'>, clock: Clock) {
  async function renderProfileIndex(kind: 'speaker' | 'topic', res: Response): Promise<void> {
    const ctx = createPresentContext(config, clock());
    const { page } = validatedQuery(res, profileIndexQuerySchema);
    const list = await listProfileIndex(kind, page);
    const base = kind === 'speaker' ? '/speakers' : '/topics';
    const hrefOf = (p: number) => (p > 1 ? `${base}?page=${p}` : base);
    const title = ctx.t(kind === 'speaker' ? 'speakers.title' : 'topics.title');
    res.render('pages/profiles/index', {
      pageTitle: title,
      title,
      lead: ctx.t(kind === 'speaker' ? 'speakers.lead' : 'topics.lead'),
      empty: ctx.t(kind === 'speaker' ? 'speakers.empty' : 'topics.empty'),
      meta: presentPageMeta(ctx, config, { path: hrefOf(list.page), title, description: ctx.t(kind === 'speaker' ? 'meta.speakers_description' : 'meta.topics_description') }),
      rows: list.rows.map((row, i) => {
        const view = scorecardAt(row.scorecard, ctx.now, ctx.timeZone);
        return {
          href: `${base}/${row.slug}`,
          name: kind === 'speaker' ? speakerName(ctx, row) : row.name,
          role: kind === 'speaker' ? row.role : null,
          line: presentScorecardLine(ctx, view),
          chart: presentScorecardChart(ctx, view),
          chartId: `profile-chart-${i + 1}`,
        };
      }),
      pagination: presentPagination(ctx, list.page, list.pageCount, hrefOf),
    });
  }

  return {
    home: async (_req: Request, res: Response) => {
      const ctx = createPresentContext(config, clock());
      const home = await getHomePage(ctx.now);
      res.render('pages/home', {
        meta: presentPageMeta(ctx, config, { path: '/' }),
        updates: home.updates.map((u) => ({
          kindLabel: ctx.t(`update.${u.kind}`),
          summary: presentUpdateSummary(ctx, u),
          date: presentDate(ctx, u.at, 'day'),
          claim: { slug: u.claim.slug, title: u.claim.title },
        })),
        widestGaps: home.widestGaps.map((c) => presentClaimCard(ctx, c)),
        openClaims: home.openClaims.map((c) => presentClaimCard(ctx, c)),
      });
    },

    listClaims: async (_req: Request, res: Response) => {
      const ctx = createPresentContext(config, clock());
      const query = validatedQuery(res, claimListQuerySchema);
      const [list, options] = await Promise.all([listPublishedClaims(query, ctx.now), listFilterOptions()]);
      res.render('pages/claims/index', {
        pageTitle: ctx.t('claims.title'),
        meta: presentPageMeta(ctx, config, { path: canonicalListPath(query), title: ctx.t('claims.title'), description: ctx.t('meta.claims_description') }),
        claims: list.claims.map((c) => presentClaimCard(ctx, c)),
        countText: ctx.tp('claims.count', list.total),
        filters: filterMenus(ctx, options, query),
        pagination: presentPagination(ctx, list.page, list.pageCount, (page) => listHref(query, { page })),
      });
    },

    /**
     * A /claims address with a bad parameter: the list page again, status 400, with the
     * filters as the reader set them and a French message per refused parameter.
     */
    rejectedListQuery: async (err: unknown, req: Request, res: Response, next: NextFunction) => {
      if (!isAppError(err) || err.code !== 'BAD_REQUEST' || !err.details) {
        next(err);
        return;
      }
      const ctx = createPresentContext(config, clock());
      const raw = (name: string): string => {
        const value = (req.query as Record<string, unknown>)[name];
        return Array.isArray(value) ? value.map(String).join(', ') : typeof value === 'string' ? value : '';
      };
      const options = await listFilterOptions();
      res.status(400).render('pages/claims/index', {
        pageTitle: ctx.t('claims.title'),
        claims: [],
        errors: Object.keys(err.details).map((name) => ({
          name,
          message: ctx.t('claims.invalid_param', { name, value: raw(name).slice(0, 100) }),
        })),
        filters: filterMenus(ctx, options, {
          topic: raw('topic'),
          speaker: raw('speaker'),
          verdict: raw('verdict'),
          state: raw('state'),
          sort: raw('sort'),
        }),
      });
    },

    showClaim: async (req: Request<{ slug: string }>, res: Response) => {
      const ctx = createPresentContext(config, clock());
      const page = await getPublishedClaim(req.params.slug);
      const { claim } = page;
      const review =
        claim.verdict && claim.publishedAt
          ? buildClaimReview(
              { ...claim, publishedAt: claim.publishedAt, verdict: { rating: claim.verdict.rating, label: ctx.t(`verdict.${claim.verdict.rating}`) } },
              { siteUrl: config.siteUrl, siteName: ctx.t('site.name'), timeZone: config.timeZone },
            )
          : null;
      const view = presentClaimPage(ctx, page);
      const share = presentShareImage(ctx, page, config);
      res.render('pages/claims/show', {
        ...view,
        chart: presentClaimChart(ctx, page),
        meta: presentPageMeta(ctx, config, {
          path: `/claims/${claim.slug}`,
          title: view.pageTitle,
          description: view.pageDescription,
          type: 'article',
          embeddable: true,
          image: { path: `/claims/${claim.slug}/share.png`, width: share.width, height: share.height, alt: share.alt },
        }),
        // Built and escaped here (see jsonLdScriptContent): the one triple-stash on the page.
        claimReviewJsonLd: review ? jsonLdScriptContent(review) : null,
        pageFeedLinks: presentFeedLinks(ctx, { kind: 'claim', slug: claim.slug, name: claim.title }),
      });
    },

    showSpeaker: async (req: Request<{ slug: string }>, res: Response) => {
      const ctx = createPresentContext(config, clock());
      const { speaker: stored, ...page } = await getSpeakerPage(req.params.slug);
      const speaker = { ...stored, name: speakerName(ctx, stored) };
      res.render('pages/speakers/show', {
        ...profileHead(ctx, config, `/speakers/${speaker.slug}`, speaker.name, ctx.t('meta.speaker_description', { name: speaker.name })),
        speaker,
        ...profileView(ctx, page, `/claims?speaker=${speaker.slug}`),
        pageFeedLinks: presentFeedLinks(ctx, { kind: 'speaker', slug: speaker.slug, name: speaker.name }),
      });
    },

    /** /speakers and /topics: ranked by published claims, each with its scorecard line. */
    listSpeakers: (req: Request, res: Response) => renderProfileIndex('speaker', res),
    listTopics: (req: Request, res: Response) => renderProfileIndex('topic', res),

    showTopic: async (req: Request<{ slug: string }>, res: Response) => {
      const ctx = createPresentContext(config, clock());
      const { topic, ...page } = await getTopicPage(req.params.slug);
      res.render('pages/topics/show', {
        ...profileHead(ctx, config, `/topics/${topic.slug}`, topic.name, ctx.t('meta.topic_description', { name: topic.name })),
        topic,
        ...profileView(ctx, page, `/claims?topic=${topic.slug}`),
        pageFeedLinks: presentFeedLinks(ctx, { kind: 'topic', slug: topic.slug, name: topic.name }),
      });
    },
  };
}
