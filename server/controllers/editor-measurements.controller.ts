import type { NextFunction, Request, Response } from 'express';
import { TIMELINE_EVENT_KINDS } from '../../models/timeline-event.model';
import { VERDICT_KEYS } from '../../models/verdict-scale';
import type { Config } from '../config';
import { noteSaved } from '../middleware/saved-notice';
import { validatedBody } from '../middleware/validate';
import { presentArchivePanel, presentArchiveRefusal, type ArchivePanel } from '../presenters/archive-panel.presenter';
import { createPresentContext } from '../presenters/present-context';
import { archiveSourceFormSchema, measurementEditFormSchema, measurementFormSchema, removalFormSchema, timelineFormSchema, verdictFormSchema } from '../schemas/claim-form.schemas';
import { archiveMeasurementSource } from '../services/editor-actions/archive-measurement-source.action';
import { addMeasurement } from '../services/editor-actions/add-measurement.action';
import { addTimelineEntry } from '../services/editor-actions/add-timeline-entry.action';
import { editMeasurement } from '../services/editor-actions/edit-measurement.action';
import { removeMeasurement } from '../services/editor-actions/remove-measurement.action';
import type { EditorActionContext } from '../services/editor-actions/run-editor-action';
import { setVerdict } from '../services/editor-actions/set-verdict.action';
import { findClaimForEditor, findMeasurementForEditor, parseClaimId, parseObjectId } from '../services/editor-reads.service';
import { formatNewsroomDate, formatNewsroomNumber } from '../services/newsroom-input.service';
import { actorOf, claimHubPath, renderRefusal, type presentConflict } from './editor-claims.controller';
import type { Values } from './form-helpers';

/** What the editing use-case answers, on asOf, for a measurement dated before the claim and not confirmed. */
const BEFORE_ANNOUNCEMENT = 'measurement.form.asOf.before_announcement';
const MEASUREMENT_FIELDS = ['value', 'delivered', 'asOf', 'confirmBeforeAnnouncement', 'definition', 'unit', 'sameQuantity', 'methodNotes', 'sourceOutlet', 'sourceTitle', 'sourceUrl', 'sourcePublishedAt', 'version', 'correction', 'correctionNote'] as const;
const TIMELINE_FIELDS = ['kind', 'at', 'who', 'text', 'verbatim', 'sourceOutlet', 'sourceTitle', 'sourceUrl', 'sourcePublishedAt'] as const;
const VERDICT_FIELDS = ['rating', 'explanation', 'version'] as const;

type Params = { id: string; measurementId: string };
type Conflict = Awaited<ReturnType<typeof presentConflict>>;

/** A stored measurement as the edit form shows it. */
function measurementValues(measurement: Awaited<ReturnType<typeof findMeasurementForEditor>>['measurement'], { timeZone, locale }: Pick<Config, 'locale' | 'timeZone'>): Values {
  const { source } = measurement;
  return {
    value: typeof measurement.value === 'number' ? formatNewsroomNumber(measurement.value, locale) : '',
    delivered: measurement.delivered === true ? 'yes' : measurement.delivered === false ? 'no' : '',
    asOf: formatNewsroomDate(measurement.asOf, measurement.asOfPrecision, timeZone, locale),
    definition: measurement.definition,
    unit: measurement.unit ?? '',
    sameQuantity: measurement.sameQuantity ? 'on' : undefined,
    methodNotes: measurement.methodNotes ?? '',
    sourceOutlet: source.outlet ?? '',
    sourceTitle: source.title ?? '',
    sourceUrl: source.url ?? '',
    sourcePublishedAt: source.publishedAt ? formatNewsroomDate(source.publishedAt, source.publishedPrecision ?? 'day', timeZone, locale) : '',
    version: String(measurement.__v ?? 0),
  };
}

/** Measurements, timeline entries and the verdict: everything an editor adds to a claim after recording it. */
export function editorMeasurementsController(config: Pick<Config, 'locale' | 'timeZone' | 'fetchAllowPrivate'>, clock: () => Date) {
  // Built per request: "today", for refusing dates in the future, is the app's clock.
  const input = () => ({ timeZone: config.timeZone, locale: config.locale, now: clock() });
  const measurementSchema = () => measurementFormSchema(input());
  const measurementEditSchema = () => measurementEditFormSchema(input());
  const timelineSchema = () => timelineFormSchema(input());
  const context = () => createPresentContext(config, clock());
  const acting = (res: Response): EditorActionContext => ({ actor: actorOf(res), now: clock(), timeZone: config.timeZone });

  const renderMeasurementForm = async (
    res: Response,
    params: { id: string; measurementId?: string },
    values: Values,
    options: { fresh?: boolean; errors?: Record<string, string>; errorKeys?: Record<string, string>; conflict?: Conflict; beforeAnnouncement?: boolean; archiveError?: string },
  ) => {
    const ctx = context();
    const claimId = parseClaimId(params.id);
    const base = `${claimHubPath(claimId)}/measurements`;
    const edit = params.measurementId !== undefined;
    let archive: ArchivePanel | null = null;
    let claim: Awaited<ReturnType<typeof findClaimForEditor>>;
    if (params.measurementId === undefined) {
      claim = await findClaimForEditor(claimId);
    } else {
      const found = await findMeasurementForEditor(claimId, parseObjectId(params.measurementId, 'measurement'));
      claim = found.claim;
      archive = presentArchivePanel(ctx, `${base}/${params.measurementId}/archive`, found.measurement, options.archiveError);
    }
    const { errors } = options;
    const confirmRefused = options.errorKeys?.asOf === BEFORE_ANNOUNCEMENT;
    res.render('pages/editor/measurement-form', {
      pageTitle: ctx.t(edit ? 'editor.measurement.edit.title' : 'editor.measurement.new.title'),
      heading: ctx.t(edit ? 'editor.measurement.edit.title' : 'editor.measurement.new.title'),
      formAction: edit ? `${base}/${params.measurementId}/edit` : `${base}/new`,
      // A link to the page that asks first; the removal itself is that page's POST.
      removeAction: edit ? `${base}/${params.measurementId}/remove` : null,
      submitLabel: ctx.t(edit ? 'editor.measurement.save' : 'editor.measurement.submit'),
      claim: { id: String(claim._id), title: claim.title, deadline: claim.announced.kind === 'deadline' },
      edit,
      // Also when the claim was unpublished while the form was open: the note typed is kept.
      showCorrection: (edit && claim.status === 'published') || Boolean(values.correction ?? values.correctionNote),
      correctionChecked: values.correction !== undefined,
      values,
      sameQuantityChecked: values.sameQuantity !== undefined || options.fresh === true,
      deliveredYes: values.delivered === 'yes',
      deliveredNo: values.delivered === 'no',
      // The box is offered only where it means something: after that refusal, once ticked, or
      // on a stored measurement that already predates the claim.
      confirmBefore: {
        shown: confirmRefused || values.confirmBeforeAnnouncement !== undefined || options.beforeAnnouncement === true,
        checked: values.confirmBeforeAnnouncement !== undefined,
        error: confirmRefused ? errors?.asOf : undefined,
      },
      errors,
      hasErrors: errors !== undefined && Object.keys(errors).length > 0,
      conflict: options.conflict,
      archive,
    });
  };

  const renderRemoval = async (res: Response, params: Params, values: Values, options: { errors?: Record<string, string>; conflict?: Conflict }) => {
    const ctx = context();
    const { claim, measurement } = await findMeasurementForEditor(parseClaimId(params.id), parseObjectId(params.measurementId, 'measurement'));
    const hub = claimHubPath(claim._id);
    const editPath = `${hub}/measurements/${params.measurementId}/edit`;
    const { errors } = options;
    res.render('pages/editor/confirm', {
      pageTitle: ctx.t('editor.measurement.remove_legend'),
      heading: ctx.t('editor.measurement.remove_legend'),
      question: ctx.t('confirm.remove_measurement.question', { definition: measurement.definition, date: formatNewsroomDate(measurement.asOf, measurement.asOfPrecision, config.timeZone, config.locale) }),
      detail: ctx.t('editor.measurement.remove_help'),
      action: `${hub}/measurements/${params.measurementId}/remove`,
      confirmLabel: ctx.t('editor.measurement.remove'),
      back: { href: editPath, text: ctx.t('editor.measurement.edit.title') },
      editMeta: true,
      showCorrection: claim.status === 'published' || Boolean(values.correction ?? values.correctionNote),
      correctionChecked: values.correction !== undefined,
      values,
      errors,
      hasErrors: errors !== undefined && Object.keys(errors).length > 0,
      conflict: options.conflict,
    });
  };

  const renderTimelineForm = async (res: Response, id: string, values: Values, options: { fresh?: boolean; errors?: Record<string, string> }) => {
    const ctx = context();
    const claim = await findClaimForEditor(parseClaimId(id));
    const { errors } = options;
    res.render('pages/editor/timeline-form', {
      pageTitle: ctx.t('editor.timeline.new.title'),
      claim: { id: String(claim._id), title: claim.title },
      kinds: TIMELINE_EVENT_KINDS.map((k) => ({ value: k, label: ctx.t(`timeline.${k}`), selected: k === (values.kind ?? 'statement') })),
      values,
      verbatimChecked: values.verbatim !== undefined,
      errors,
      hasErrors: errors !== undefined && Object.keys(errors).length > 0,
    });
  };

  const renderVerdictForm = async (res: Response, id: string, values: Values, options: { errors?: Record<string, string>; conflict?: Conflict }) => {
    const ctx = context();
    const claim = await findClaimForEditor(parseClaimId(id));
    const { errors } = options;
    res.render('pages/editor/verdict-form', {
      pageTitle: ctx.t('editor.verdict.title'),
      claim: { id: String(claim._id), title: claim.title },
      ratings: VERDICT_KEYS.map((k) => ({ value: k, label: ctx.t(`verdict.${k}`), selected: k === values.rating })),
      values,
      errors,
      hasErrors: errors !== undefined && Object.keys(errors).length > 0,
      conflict: options.conflict,
    });
  };

  return {
    measurementSchema,
    measurementEditSchema,
    removalSchema: removalFormSchema,
    archiveSchema: archiveSourceFormSchema,
    timelineSchema,
    verdictSchema: verdictFormSchema,

    newMeasurement: async (req: Request<{ id: string }>, res: Response) => {
      await renderMeasurementForm(res, req.params, {}, { fresh: true });
    },

    createMeasurement: async (req: Request<{ id: string }>, res: Response) => {
      const form = validatedBody(res, measurementSchema);
      const summary = context().t('editor.measurement.summary', { definition: form.definition }).slice(0, 500);
      const id = parseClaimId(req.params.id);
      await addMeasurement(id, form, summary, acting(res));
      noteSaved(req, 'measurement-added');
      res.redirect(303, claimHubPath(id));
    },

    rejectedMeasurement: async (err: unknown, req: Request<{ id: string }>, res: Response, next: NextFunction) => {
      await renderRefusal(err, req, res, next, { ctx: context(), fields: MEASUREMENT_FIELDS, render: (values, extra) => renderMeasurementForm(res, req.params, values, extra) });
    },

    editMeasurement: async (req: Request<Params>, res: Response) => {
      const { claim, measurement } = await findMeasurementForEditor(parseClaimId(req.params.id), parseObjectId(req.params.measurementId, 'measurement'));
      await renderMeasurementForm(res, req.params, measurementValues(measurement, config), { beforeAnnouncement: measurement.asOf.getTime() < claim.saidAt.getTime() });
    },

    updateMeasurement: async (req: Request<Params>, res: Response) => {
      const id = parseClaimId(req.params.id);
      await editMeasurement(id, parseObjectId(req.params.measurementId, 'measurement'), validatedBody(res, measurementEditSchema), acting(res));
      noteSaved(req, 'measurement-saved');
      res.redirect(303, claimHubPath(id));
    },

    removeMeasurement: async (req: Request<Params>, res: Response) => {
      const id = parseClaimId(req.params.id);
      await removeMeasurement(id, parseObjectId(req.params.measurementId, 'measurement'), validatedBody(res, removalFormSchema), acting(res));
      noteSaved(req, 'measurement-removed');
      res.redirect(303, claimHubPath(id));
    },

    /** The page that asks before a removal, with the version removed and, if published, the correction note. */
    confirmRemoval: async (req: Request<Params>, res: Response) => {
      const { measurement } = await findMeasurementForEditor(parseClaimId(req.params.id), parseObjectId(req.params.measurementId, 'measurement'));
      await renderRemoval(res, req.params, { version: String(measurement.__v ?? 0) }, {});
    },

    /** A refused removal (a correction without its note, a stale version): the confirmation page again. */
    rejectedRemoval: async (err: unknown, req: Request<Params>, res: Response, next: NextFunction) => {
      await renderRefusal(err, req, res, next, {
        ctx: context(),
        fields: MEASUREMENT_FIELDS,
        entityId: parseObjectId(req.params.measurementId, 'measurement'),
        render: (values, extra) => renderRemoval(res, req.params, values, extra),
      });
    },

    /** An edit or a removal refused: the edit form again, with what was typed. */
    rejectedMeasurementChange: async (err: unknown, req: Request<Params>, res: Response, next: NextFunction) => {
      const measurementId = parseObjectId(req.params.measurementId, 'measurement');
      const { measurement } = await findMeasurementForEditor(parseClaimId(req.params.id), measurementId);
      // A refused removal posts only its own fields: show the stored measurement with them.
      const stored = measurementValues(measurement, config);
      await renderRefusal(err, req, res, next, {
        ctx: context(),
        fields: MEASUREMENT_FIELDS,
        entityId: measurementId,
        render: (values, extra) => renderMeasurementForm(res, req.params, values.definition === undefined ? { ...stored, ...values, sameQuantity: stored.sameQuantity } : values, extra),
      });
    },

    /** "Archiver la source": a copy of the source's URL, stored and linked; back to the edit page. */
    archiveSource: async (req: Request<Params>, res: Response) => {
      const id = parseClaimId(req.params.id);
      const measurementId = parseObjectId(req.params.measurementId, 'measurement');
      await archiveMeasurementSource(id, measurementId, validatedBody(res, archiveSourceFormSchema), acting(res), { allowPrivate: config.fetchAllowPrivate });
      noteSaved(req, 'source-archived');
      res.redirect(303, `${claimHubPath(id)}/measurements/${req.params.measurementId}/edit#archive`);
    },

    /** A fetch that failed, no URL, or a measurement changed meanwhile: the edit page again, saying why. */
    rejectedArchive: async (err: unknown, req: Request<Params>, res: Response, next: NextFunction) => {
      const refusal = presentArchiveRefusal(context(), err);
      if (!refusal) {
        next(err);
        return;
      }
      const { claim, measurement } = await findMeasurementForEditor(parseClaimId(req.params.id), parseObjectId(req.params.measurementId, 'measurement'));
      res.status(refusal.status);
      await renderMeasurementForm(res, req.params, measurementValues(measurement, config), { archiveError: refusal.message, beforeAnnouncement: measurement.asOf.getTime() < claim.saidAt.getTime() });
    },

    newTimelineEntry: async (req: Request<{ id: string }>, res: Response) => {
      await renderTimelineForm(res, req.params.id, {}, { fresh: true });
    },

    createTimelineEntry: async (req: Request<{ id: string }>, res: Response) => {
      const form = validatedBody(res, timelineSchema);
      const summary = context().t('editor.timeline.summary', { who: form.who, text: form.text }).slice(0, 500);
      const id = parseClaimId(req.params.id);
      await addTimelineEntry(id, form, summary, acting(res));
      noteSaved(req, 'timeline-added');
      res.redirect(303, claimHubPath(id));
    },

    rejectedTimelineEntry: async (err: unknown, req: Request<{ id: string }>, res: Response, next: NextFunction) => {
      await renderRefusal(err, req, res, next, { ctx: context(), fields: TIMELINE_FIELDS, render: (values, extra) => renderTimelineForm(res, req.params.id, values, extra) });
    },

    editVerdict: async (req: Request<{ id: string }>, res: Response) => {
      const claim = await findClaimForEditor(parseClaimId(req.params.id));
      await renderVerdictForm(res, req.params.id, { rating: claim.verdict?.rating, explanation: claim.verdict?.explanation ?? '', version: String(claim.__v ?? 0) }, {});
    },

    updateVerdict: async (req: Request<{ id: string }>, res: Response) => {
      const form = validatedBody(res, verdictFormSchema);
      const summary = context().t('editor.verdict.summary', { label: context().t(`verdict.${form.rating}`) });
      const id = parseClaimId(req.params.id);
      await setVerdict(id, form, summary, acting(res));
      noteSaved(req, 'verdict-saved');
      res.redirect(303, claimHubPath(id));
    },

    rejectedVerdict: async (err: unknown, req: Request<{ id: string }>, res: Response, next: NextFunction) => {
      await renderRefusal(err, req, res, next, {
        ctx: context(),
        fields: VERDICT_FIELDS,
        entityId: parseClaimId(req.params.id),
        render: (values, extra) => renderVerdictForm(res, req.params.id, values, extra),
      });
    },
  };
}
