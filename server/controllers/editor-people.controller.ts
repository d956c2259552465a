import type { NextFunction, Request, Response } from 'express';
import type { Config } from '../config';
import { isAppError } from '../errors';
import type { MessageKey } from '../i18n';
import { SPEAKER_KINDS } from '../../models/speaker.model';
import { noteSaved, type SavedNotice } from '../middleware/saved-notice';
import { validatedBody, validatedQuery } from '../middleware/validate';
import { createPresentContext } from '../presenters/present-context';
import type { z } from 'zod';
import { directoryQuerySchema } from '../schemas/editor-query.schemas';
import { speakerEditSchema, speakerFormSchema, topicEditSchema, topicFormSchema } from '../schemas/people.schemas';
import {
  createSpeaker,
  createTopic,
  findSpeaker,
  findTopic,
  listSpeakers,
  listTopics,
  updateSpeaker,
  updateTopic,
  versionOf,
} from '../services/editor-people.service';
import { fieldMessages, isFormRefusal, typedValues, type Values } from './form-helpers';

interface FieldSpec {
  name: string;
  label: MessageKey;
  max: number;
  required?: boolean;
  /** A choice from a list instead of free text. */
  options?: { value: string; label: MessageKey }[];
}

/** A speaker or topic as the services return it: its fields are read by name from FieldSpec. */
interface StoredEntry {
  _id: unknown;
  slug: string;
  __v?: unknown;
}

/**
 * What differs between the speaker and topic screens. Everything else (list, create, edit with
 * optimistic concurrency, refusals) is the same code and the same two templates.
 */
interface Directory<Form, Edit extends Form & { version: number }> {
  /** Under /editor: the list, /new and /:id/edit. */
  path: string;
  /** The public page of one entry is `${publicPath}/${slug}`. */
  publicPath: string;
  fields: readonly FieldSpec[];
  keys: { list: MessageKey; create: MessageKey; edit: MessageKey; empty: MessageKey; submitNew: MessageKey };
  /** The notices after a creation and after an edit. */
  saved: { created: SavedNotice; edited: SavedNotice };
  /** The claim form's query parameter that preselects a new entry, when it was opened from there. */
  claimParam: 'speaker' | 'topic';
  createSchema: z.ZodType<Form>;
  editSchema: z.ZodType<Edit>;
  list(): Promise<StoredEntry[]>;
  find(id: string): Promise<StoredEntry>;
  create(form: Form): Promise<{ id: unknown; slug: string }>;
  update(id: string, form: Form, version: number): Promise<void>;
}

const SPEAKERS: Directory<z.infer<typeof speakerFormSchema>, z.infer<typeof speakerEditSchema>> = {
  path: '/editor/speakers',
  publicPath: '/speakers',
  fields: [
    { name: 'name', label: 'editor.speaker.name', max: 200, required: true },
    { name: 'role', label: 'editor.speaker.role', max: 200 },
    { name: 'organisation', label: 'editor.speaker.organisation', max: 200 },
    { name: 'sameAs', label: 'editor.speaker.same_as', max: 2000 },
    { name: 'kind', label: 'editor.speaker.kind', max: 20, options: SPEAKER_KINDS.map((k) => ({ value: k, label: `speaker.kind.${k}` as const })) },
  ],
  keys: { list: 'editor.speaker.list.title', create: 'editor.speaker.new.title', edit: 'editor.speaker.edit.title', empty: 'editor.speaker.empty', submitNew: 'editor.speaker.submit_new' },
  saved: { created: 'speaker-created', edited: 'speaker-saved' },
  claimParam: 'speaker',
  createSchema: speakerFormSchema,
  editSchema: speakerEditSchema,
  list: listSpeakers,
  find: findSpeaker,
  create: createSpeaker,
  update: updateSpeaker,
};

const TOPICS: Directory<z.infer<typeof topicFormSchema>, z.infer<typeof topicEditSchema>> = {
  path: '/editor/topics',
  publicPath: '/topics',
  fields: [{ name: 'name', label: 'editor.topic.name', max: 120, required: true }],
  keys: { list: 'editor.topic.list.title', create: 'editor.topic.new.title', edit: 'editor.topic.edit.title', empty: 'editor.topic.empty', submitNew: 'editor.topic.submit_new' },
  saved: { created: 'topic-created', edited: 'topic-saved' },
  claimParam: 'topic',
  createSchema: topicFormSchema,
  editSchema: topicEditSchema,
  list: listTopics,
  find: findTopic,
  create: createTopic,
  update: updateTopic,
};

function storedText(entry: StoredEntry, field: string): string {
  const value = (entry as unknown as Record<string, unknown>)[field];
  // A list (sameAs) is typed and shown as addresses separated by spaces.
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string').join(' ');
  return typeof value === 'string' ? value : '';
}

function storedValues(entry: StoredEntry, fields: readonly FieldSpec[]): Values {
  return Object.fromEntries(fields.map((f) => [f.name, storedText(entry, f.name)]));
}

interface FormState {
  values: Values;
  errors?: Record<string, string>;
  /** The editing form: the entry as stored now (its slug, and its version for the hidden field). */
  entry?: StoredEntry;
  /** The version the form carries; on a conflict, the stored one, so the next save is deliberate. */
  version?: number | string;
  /** A stale save: the stored values are shown next to the editor's. */
  conflict?: boolean;
  /** Opened from the claim form: a creation goes back to a fresh claim form with the entry chosen. */
  forClaim?: boolean;
}


function directoryHandlers<Form, Edit extends Form & { version: number }>(
  config: Pick<Config, 'locale' | 'timeZone'>,
  clock: () => Date,
  dir: Directory<Form, Edit>,
) {
  const fieldNames = dir.fields.map((f) => f.name);
  const t = () => createPresentContext(config, clock()).t;

  const renderForm = (res: Response, state: FormState) => {
    const { entry, errors, conflict, forClaim } = state;
    const editing = entry !== undefined;
    const translate = t();
    res.render('pages/editor/people-form', {
      pageTitle: t()(editing ? dir.keys.edit : dir.keys.create),
      headingKey: editing ? dir.keys.edit : dir.keys.create,
      listPath: dir.path,
      listKey: dir.keys.list,
      action: editing ? `${dir.path}/${String(entry._id)}/edit` : `${dir.path}/new${forClaim ? '?for=claim' : ''}`,
      back: forClaim ? { href: '/editor/claims/new', text: translate('editor.claim.new.title') } : { href: dir.path, text: translate(dir.keys.list) },
      submitKey: editing ? 'editor.people.submit_edit' : dir.keys.submitNew,
      slug: entry?.slug,
      publicUrl: entry ? `${dir.publicPath}/${entry.slug}` : undefined,
      version: state.version,
      conflict,
      fields: dir.fields.map((f) => ({
        ...f,
        options: f.options?.map((o) => ({ value: o.value, label: t()(o.label), selected: o.value === state.values[f.name] })),
        value: state.values[f.name],
        error: errors?.[f.name],
        stored: conflict && entry ? { text: storedText(entry, f.name) } : undefined,
      })),
      versionError: errors?.version,
      errors,
      hasErrors: errors !== undefined && Object.keys(errors).length > 0,
    });
  };

  return {
    createSchema: dir.createSchema,
    editSchema: dir.editSchema,

    list: async (_req: Request, res: Response) => {
      const entries = await dir.list();
      res.render('pages/editor/people-list', {
        pageTitle: t()(dir.keys.list),
        headingKey: dir.keys.list,
        emptyKey: dir.keys.empty,
        newKey: dir.keys.create,
        newPath: `${dir.path}/new`,
        columns: dir.fields.map((f) => f.label),
        entries: entries.map((e) => ({
          id: String(e._id),
          cells: dir.fields.map((f) => {
            const text = storedText(e, f.name);
            const option = f.options?.find((o) => o.value === text);
            return option ? t()(option.label) : text;
          }),
          slug: e.slug,
          editPath: `${dir.path}/${String(e._id)}/edit`,
          publicUrl: `${dir.publicPath}/${e.slug}`,
        })),
      });
    },

    newForm: (_req: Request, res: Response) => {
      renderForm(res, { values: {}, forClaim: validatedQuery(res, directoryQuerySchema).for === 'claim' });
    },

    create: async (req: Request, res: Response) => {
      const created = await dir.create(validatedBody(res, dir.createSchema));
      req.log.info({ path: dir.path, slug: created.slug }, 'directory entry created');
      noteSaved(req, dir.saved.created);
      // What was typed in the claim form is lost (no script to keep it), but the new entry is chosen.
      if (validatedQuery(res, directoryQuerySchema).for === 'claim') res.redirect(303, `/editor/claims/new?${dir.claimParam}=${String(created.id)}`);
      else res.redirect(303, dir.path);
    },

    /** A refused creation: the form again, 422, a message per field, everything typed kept. */
    rejectedCreate: (err: unknown, req: Request, res: Response, next: NextFunction) => {
      if (!isFormRefusal(err)) {
        next(err);
        return;
      }
      res.status(422);
      renderForm(res, { values: typedValues(req, fieldNames), errors: fieldMessages(t(), err.details), forClaim: validatedQuery(res, directoryQuerySchema).for === 'claim' });
    },

    editForm: async (req: Request<{ id: string }>, res: Response) => {
      const entry = await dir.find(req.params.id);
      renderForm(res, { values: storedValues(entry, dir.fields), entry, version: versionOf(entry.__v) });
    },

    update: async (req: Request<{ id: string }>, res: Response) => {
      const { version, ...form } = validatedBody(res, dir.editSchema);
      await dir.update(req.params.id, form as Form, version);
      noteSaved(req, dir.saved.edited);
      res.redirect(303, dir.path);
    },

    /**
     * 422 for a refused field, with the version the editor had. 409 for a stale copy: their
     * input kept, the stored values beside it, and the stored version, so saving again is a
     * deliberate choice to replace what the other person saved.
     */
    rejectedEdit: async (err: unknown, req: Request<{ id: string }>, res: Response, next: NextFunction) => {
      const stale = isAppError(err) && err.code === 'CONFLICT';
      if (!stale && !isFormRefusal(err)) {
        next(err);
        return;
      }
      const entry = await dir.find(req.params.id);
      const values = typedValues(req, fieldNames);
      if (stale) {
        res.status(409);
        renderForm(res, { values, entry, version: versionOf(entry.__v), conflict: true });
        return;
      }
      res.status(422);
      renderForm(res, { values, entry, version: typedValues(req, ['version']).version as string | undefined, errors: fieldMessages(t(), isFormRefusal(err) ? err.details : undefined) });
    },
  };
}

export function editorPeopleController(config: Pick<Config, 'locale' | 'timeZone'>, clock: () => Date) {
  return {
    speakers: { path: SPEAKERS.path, ...directoryHandlers(config, clock, SPEAKERS) },
    topics: { path: TOPICS.path, ...directoryHandlers(config, clock, TOPICS) },
  };
}
