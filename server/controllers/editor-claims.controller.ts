import type { NextFunction, Request, Response } from 'express';
import type { Config } from '../config';
import { validatedBody } from '../middleware/validate';
import { createPresentContext } from '../presenters/present-context';
import { claimFormSchema, measurementFormSchema } from '../schemas/claim-form.schemas';
import {
  addMeasurementFromForm,
  createDraftClaim,
  findClaimForEditor,
  listClaimFormChoices,
  parseClaimId,
  publishClaimNow,
  unpublishClaim,
} from '../services/claim-forms.service';
import { CLAIM_KINDS } from '../../models/claim.model';
import { fieldMessages, isFormRefusal, typedValues, type Values } from './form-helpers';

const DASHBOARD_PATH = '/editor';

const CLAIM_FIELDS = ['title', 'statement', 'statementVerbatim', 'speaker', 'speakerRole', 'saidAt', 'appearance', 'kind', 'value', 'unit', 'currency', 'dueAt', 'definition', 'sourceOutlet', 'sourceTitle', 'sourceUrl', 'sourcePublishedAt'] as const;
const MEASUREMENT_FIELDS = ['value', 'delivered', 'asOf', 'definition', 'unit', 'sameQuantity', 'methodNotes', 'sourceOutlet', 'sourceTitle', 'sourceUrl', 'sourcePublishedAt'] as const;

export function editorClaimsController(config: Pick<Config, 'locale' | 'timeZone'>, clock: () => Date) {
  const claimSchema = claimFormSchema(config.timeZone);
  const measurementSchema = measurementFormSchema(config.timeZone);

  const renderClaimForm = async (res: Response, values: Values, errors?: Record<string, string>) => {
    const ctx = createPresentContext(config, clock());
    const choices = await listClaimFormChoices();
    const topics = new Set(Array.isArray(values.topics) ? values.topics : []);
    res.render('pages/editor/claim-form', {
      pageTitle: ctx.t('editor.claim.new.title'),
      values,
      verbatimChecked: values.statementVerbatim !== undefined || errors === undefined,
      speakers: choices.speakers.map((s) => ({ ...s, selected: s.id === values.speaker })),
      topics: choices.topics.map((t) => ({ ...t, selected: topics.has(t.id) })),
      kinds: CLAIM_KINDS.map((k) => ({ value: k, label: ctx.t(`kind.${k}`), selected: k === (values.kind ?? 'count') })),
      errors,
      hasErrors: errors !== undefined && Object.keys(errors).length > 0,
    });
  };

  const renderMeasurementForm = async (res: Response, id: string, values: Values, errors?: Record<string, string>) => {
    const ctx = createPresentContext(config, clock());
    const claim = await findClaimForEditor(parseClaimId(id));
    res.render('pages/editor/measurement-form', {
      pageTitle: ctx.t('editor.measurement.new.title'),
      claim: { id, title: claim.title, deadline: claim.announced.kind === 'deadline' },
      values,
      sameQuantityChecked: values.sameQuantity !== undefined || errors === undefined,
      deliveredYes: values.delivered === 'yes',
      deliveredNo: values.delivered === 'no',
      errors,
      hasErrors: errors !== undefined && Object.keys(errors).length > 0,
    });
  };

  return {
    claimSchema,
    measurementSchema,

    newClaim: async (_req: Request, res: Response) => {
      await renderClaimForm(res, {});
    },

    createClaim: async (req: Request, res: Response) => {
      const created = await createDraftClaim(validatedBody(res, claimSchema));
      req.log.info({ claimId: String(created.id), slug: created.slug }, 'claim created');
      res.redirect(303, DASHBOARD_PATH);
    },

    /** A refused claim: the form again, 422, a message per field, everything typed kept. */
    rejectedClaim: async (err: unknown, req: Request, res: Response, next: NextFunction) => {
      if (!isFormRefusal(err)) {
        next(err);
        return;
      }
      res.status(422);
      await renderClaimForm(res, typedValues(req, CLAIM_FIELDS, ['topics']), fieldMessages(createPresentContext(config, clock()).t, err.details));
    },

    publish: async (req: Request<{ id: string }>, res: Response) => {
      await publishClaimNow(parseClaimId(req.params.id), clock());
      res.redirect(303, DASHBOARD_PATH);
    },

    unpublish: async (req: Request<{ id: string }>, res: Response) => {
      await unpublishClaim(parseClaimId(req.params.id));
      res.redirect(303, DASHBOARD_PATH);
    },

    newMeasurement: async (req: Request<{ id: string }>, res: Response) => {
      await renderMeasurementForm(res, req.params.id, {});
    },

    createMeasurement: async (req: Request<{ id: string }>, res: Response) => {
      const form = validatedBody(res, measurementSchema);
      const t = createPresentContext(config, clock()).t;
      await addMeasurementFromForm(parseClaimId(req.params.id), form, t('editor.measurement.summary', { definition: form.definition }).slice(0, 500), { now: clock(), timeZone: config.timeZone });
      res.redirect(303, DASHBOARD_PATH);
    },

    rejectedMeasurement: async (err: unknown, req: Request<{ id: string }>, res: Response, next: NextFunction) => {
      if (!isFormRefusal(err)) {
        next(err);
        return;
      }
      res.status(422);
      await renderMeasurementForm(res, req.params.id, typedValues(req, MEASUREMENT_FIELDS), fieldMessages(createPresentContext(config, clock()).t, err.details));
    },
  };
}
