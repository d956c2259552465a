import type { NextFunction, Request, Response } from 'express';
import type { Types } from 'mongoose';
import { SOURCE_FORM_FIELDS, SOURCE_FORMATS, SOURCE_SCHEDULES } from '../../models/data-source.model';
import type { Config } from '../config';
import type { EditorActionContext } from '../services/editor-actions/run-editor-action';
import { noteSaved, type SavedNotice } from '../middleware/saved-notice';
import { validatedBody } from '../middleware/validate';
import { presentReading, presentSourceError } from '../presenters/data-source.presenter';
import { createPresentContext, type PresentContext } from '../presenters/present-context';
import { dataSourceFormSchema, type DataSourceForm } from '../schemas/data-source.schemas';
import { findClaimForEditor, parseClaimId, parseObjectId } from '../services/editor-reads.service';
import { createDataSource, deleteDataSource, findDataSource, updateDataSource } from '../services/sources/data-sources.service';
import { processOwner } from '../services/sources/poller';
import { sourcePollDeps } from '../services/sources/source-fetch';
import { pollSourceNow, previewSource, type PollOutcome, type Preview } from '../services/sources/source-poll.service';
import { actorOf, claimHubPath, renderRefusal } from './editor-claims.controller';
import { typedValues, type Values } from './form-helpers';

type SourceParams = { id: string; sourceId: string };

const sourcesPath = (claimId: string | Types.ObjectId) => `${claimHubPath(claimId)}/sources`;

/** A stored source as its edit form shows it. */
function sourceValues(source: Awaited<ReturnType<typeof findDataSource>>): Values {
  return {
    url: source.url,
    format: source.format,
    valueField: source.valueField,
    filterColumn: source.filterColumn ?? '',
    filterValue: source.filterValue ?? '',
    dateField: source.dateField ?? '',
    outlet: source.outlet,
    unit: source.unit ?? '',
    definition: source.definition,
    sameQuantity: source.sameQuantity ? 'on' : undefined,
    schedule: source.schedule,
  };
}

/** What "try it now" found, as the form shows it under its fields. */
function presentPreview(ctx: PresentContext, preview: Preview, unit: string | undefined) {
  if (!preview.ok) return { ok: false, message: ctx.t('editor.data_source.preview.failed', { message: presentSourceError(ctx, preview.failure) }) };
  return { ok: true, ...presentReading(ctx, preview.reading, unit) };
}

const FETCH_NOTICES: Record<PollOutcome['kind'], SavedNotice> = { proposed: 'source-proposed', unchanged: 'source-unchanged', failed: 'source-failed' };

/** A claim's data sources: set up, try, change, remove, and read now. Editors and admins only (the account router's /editor guard). */
export function editorSourcesController(config: Pick<Config, 'locale' | 'timeZone' | 'fetchAllowPrivate'>, clock: () => Date) {
  const context = () => createPresentContext(config, clock());
  const pollDeps = sourcePollDeps(config, clock);
  const acting = (res: Response): EditorActionContext => ({ actor: actorOf(res), now: clock(), timeZone: config.timeZone });
  const owner = processOwner();

  const renderSourceForm = async (res: Response, params: { id: string; sourceId?: string }, values: Values, options: { fresh?: boolean; errors?: Record<string, string>; preview?: ReturnType<typeof presentPreview> }) => {
    const ctx = context();
    const claim = await findClaimForEditor(parseClaimId(params.id));
    const edit = params.sourceId !== undefined;
    const { errors } = options;
    const chosenFormat = values.format ?? 'csv';
    const chosenSchedule = values.schedule ?? 'daily';
    res.render('pages/editor/source-form', {
      pageTitle: ctx.t(edit ? 'editor.data_source.edit.title' : 'editor.data_source.new.title'),
      heading: ctx.t(edit ? 'editor.data_source.edit.title' : 'editor.data_source.new.title'),
      formAction: edit ? `${sourcesPath(claim._id)}/${params.sourceId}/edit` : `${sourcesPath(claim._id)}/new`,
      deleteAction: edit ? `${sourcesPath(claim._id)}/${params.sourceId}/delete` : null,
      claim: { id: String(claim._id), title: claim.title },
      values,
      formats: SOURCE_FORMATS.map((f) => ({ value: f, label: ctx.t(`source.format.${f}`), checked: f === chosenFormat })),
      schedules: SOURCE_SCHEDULES.map((s) => ({ value: s, label: ctx.t(`source.schedule.${s}`), selected: s === chosenSchedule })),
      sameQuantityChecked: values.sameQuantity !== undefined || options.fresh === true,
      preview: options.preview,
      errors,
      hasErrors: errors !== undefined && Object.keys(errors).length > 0,
    });
  };

  /** Saves the form, or with "try it now" fetches and shows what would be read, keeping everything typed. */
  const saveOrPreview = async (req: Request<{ id: string; sourceId?: string }>, res: Response, save: (form: DataSourceForm) => Promise<SavedNotice>) => {
    const form = validatedBody(res, dataSourceFormSchema);
    if (form.intent === 'preview') {
      const preview = await previewSource(form.url, form, pollDeps);
      await renderSourceForm(res, req.params, typedValues(req, SOURCE_FORM_FIELDS), { preview: presentPreview(context(), preview, form.unit) });
      return;
    }
    noteSaved(req, await save(form));
    res.redirect(303, claimHubPath(req.params.id));
  };

  const rejected = async (err: unknown, req: Request<{ id: string; sourceId?: string }>, res: Response, next: NextFunction) => {
    await renderRefusal(err, req, res, next, { ctx: context(), fields: SOURCE_FORM_FIELDS, render: (values, extra) => renderSourceForm(res, req.params, values, extra) });
  };

  return {
    sourceSchema: dataSourceFormSchema,

    newSource: async (req: Request<{ id: string }>, res: Response) => {
      await renderSourceForm(res, req.params, {}, { fresh: true });
    },

    createSource: async (req: Request<{ id: string }>, res: Response) => {
      await saveOrPreview(req, res, async (form) => {
        await createDataSource(parseClaimId(req.params.id), form, acting(res));
        return 'source-created';
      });
    },

    editSource: async (req: Request<SourceParams>, res: Response) => {
      const source = await findDataSource(parseClaimId(req.params.id), parseObjectId(req.params.sourceId, 'data source'));
      await renderSourceForm(res, req.params, sourceValues(source), {});
    },

    updateSource: async (req: Request<SourceParams>, res: Response) => {
      await saveOrPreview(req, res, async (form) => {
        await updateDataSource(parseClaimId(req.params.id), parseObjectId(req.params.sourceId, 'data source'), form, acting(res));
        return 'source-saved';
      });
    },

    rejectedSource: rejected,

    confirmDeleteSource: async (req: Request<SourceParams>, res: Response) => {
      const ctx = context();
      const claimId = parseClaimId(req.params.id);
      const source = await findDataSource(claimId, parseObjectId(req.params.sourceId, 'data source'));
      res.render('pages/editor/confirm', {
        pageTitle: ctx.t('editor.data_source.delete'),
        heading: ctx.t('editor.data_source.delete'),
        question: ctx.t('confirm.delete_source.question', { url: source.url }),
        detail: ctx.t('editor.data_source.delete_help'),
        action: `${sourcesPath(claimId)}/${String(source._id)}/delete`,
        confirmLabel: ctx.t('editor.data_source.delete'),
        back: { href: claimHubPath(claimId), text: ctx.t('editor.hub.sources') },
      });
    },

    deleteSource: async (req: Request<SourceParams>, res: Response) => {
      await deleteDataSource(parseClaimId(req.params.id), parseObjectId(req.params.sourceId, 'data source'), acting(res));
      noteSaved(req, 'source-deleted');
      res.redirect(303, claimHubPath(req.params.id));
    },

    /** "Read now": fetches under the lease, like the poller, so it never doubles a fetch in progress. */
    fetchNow: async (req: Request<SourceParams>, res: Response) => {
      const claimId = parseClaimId(req.params.id);
      const source = await findDataSource(claimId, parseObjectId(req.params.sourceId, 'data source'));
      const outcome = await pollSourceNow(source._id, owner, pollDeps);
      noteSaved(req, outcome ? FETCH_NOTICES[outcome.kind] : 'source-busy');
      res.redirect(303, claimHubPath(claimId));
    },
  };
}

