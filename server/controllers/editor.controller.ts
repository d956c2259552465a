import type { Request, Response } from 'express';
import type { Config } from '../config';
import { presentProposalItem } from '../presenters/data-source.presenter';
import { createPresentContext, presentDate, type PresentContext } from '../presenters/present-context';
import { getEditorDashboard } from '../services/editor-dashboard.service';

type DashboardClaim = Awaited<ReturnType<typeof getEditorDashboard>>['drafts'][number];

function presentRow(ctx: PresentContext, claim: DashboardClaim) {
  const due = claim.announced?.dueAt ? presentDate(ctx, claim.announced.dueAt, claim.announced.duePrecision ?? 'day') : null;
  return {
    id: String(claim._id),
    title: claim.title,
    status: ctx.t(`status.${claim.status}`),
    updated: presentDate(ctx, claim.updatedAt, 'instant'),
    due: due ? ctx.t('editor.dashboard.due', { date: due.text }) : null,
  };
}

export function editorController(config: Pick<Config, 'locale' | 'timeZone'>, clock: () => Date) {
  return {
    dashboard: async (_req: Request, res: Response) => {
      const ctx = createPresentContext(config, clock());
      const dashboard = await getEditorDashboard(ctx.now);
      const rows = (claims: DashboardClaim[]) => claims.map((c) => presentRow(ctx, c));
      res.render('pages/editor/dashboard', {
        pageTitle: ctx.t('editor.dashboard.title'),
        sections: [
          { key: 'drafts', title: ctx.t('editor.dashboard.drafts'), claims: rows(dashboard.drafts) },
          { key: 'overdue', title: ctx.t('editor.dashboard.overdue'), claims: rows(dashboard.overdue) },
          { key: 'awaiting', title: ctx.t('editor.dashboard.awaiting'), claims: rows(dashboard.awaiting) },
          { key: 'recent', title: ctx.t('editor.dashboard.recent'), claims: rows(dashboard.recent) },
        ],
        publishedCount: dashboard.publishedCount,
        proposals: {
          title: ctx.t('editor.dashboard.proposals', { count: dashboard.proposals.count }),
          count: dashboard.proposals.count,
          items: dashboard.proposals.proposals.map((p) => presentProposalItem(ctx, p, p.claim.title)),
        },
      });
    },
  };
}
