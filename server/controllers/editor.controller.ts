import type { Request, Response } from 'express';
import type { Config } from '../config';
import { createPresentContext, presentDate } from '../presenters/present-context';
import { getEditorDashboard } from '../services/editor-dashboard.service';

export function editorController(config: Pick<Config, 'locale' | 'timeZone'>, clock: () => Date) {
  return {
    dashboard: async (_req: Request, res: Response) => {
      const ctx = createPresentContext(config, clock());
      const dashboard = await getEditorDashboard();
      res.render('pages/editor/dashboard', {
        pageTitle: ctx.t('editor.dashboard.title'),
        drafts: dashboard.drafts.map((d) => ({ id: String(d._id), slug: d.slug, title: d.title, updated: presentDate(ctx, d.updatedAt, 'instant') })),
        published: dashboard.published.map((d) => ({ id: String(d._id), slug: d.slug, title: d.title })),
        publishedCount: dashboard.publishedCount,
      });
    },
  };
}
