import { VERDICT_SCALE } from '../../models/verdict-scale';
import type { CorrectionsPage } from '../services/corrections.service';
import { presentDate, type PresentContext, presentPagination } from './present-context';
import { presentUpdateSummary } from './update-summary.presenter';

/** The method page: the verdict scale as the model defines it, in order, and the zone days are counted in. */
export function presentMethodPage(ctx: PresentContext) {
  return {
    verdicts: VERDICT_SCALE.map((v) => ({ key: v.key, label: ctx.t(`verdict.${v.key}`), meaning: ctx.t(`method.verdict.${v.key}`), ratingValue: v.ratingValue })),
    daysText: ctx.t('method.gap.days', { zone: ctx.timeZone }),
  };
}

/** One page of corrections: each note in the reader's language, its date, and the claim it corrects. */
export function presentCorrectionsPage(ctx: PresentContext, page: CorrectionsPage) {
  const href = (n: number) => (n > 1 ? `/corrections?page=${n}` : '/corrections');
  return {
    corrections: page.corrections.map((c) => ({
      text: presentUpdateSummary(ctx, c),
      date: presentDate(ctx, c.at, 'day'),
      claim: { href: `/claims/${c.claim.slug}`, title: c.claim.title },
    })),
    pagination: presentPagination(ctx, page.page, page.pageCount, href),
  };
}
