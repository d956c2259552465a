import type { NextFunction, Request, Response } from 'express';
import type { Config } from '../config';
import { isAppError } from '../errors';
import { isMessageKey, type Translate } from '../i18n';
import { currentUser } from '../middleware/auth';
import { AppError } from '../errors';
import { noteSaved } from '../middleware/saved-notice';
import { validatedBody } from '../middleware/validate';
import { createPresentContext, presentDate } from '../presenters/present-context';
import { createUserSchema, resetPasswordSchema } from '../schemas/user.schemas';
import { createUser, disableUser, listUsers, resetPassword } from '../services/users.service';
import { USER_ROLES } from '../../models/user.model';

const USERS_PATH = '/admin/users';

interface FormState {
  values?: { email?: string; name?: string; role?: string };
  errors?: Record<string, string>;
  /** The user whose password reset was refused, with the reason. */
  resetFor?: { id: string; error: string };
}

function fieldMessages(t: Translate, details: Record<string, string> | undefined): Record<string, string> {
  const messages: Record<string, string> = {};
  for (const [field, key] of Object.entries(details ?? {})) messages[field] = t(isMessageKey(key) ? key : 'form.invalid');
  return messages;
}

function rawField(req: Request, name: string): string {
  const value = (req.body as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'string' ? value.slice(0, 254) : '';
}

export function adminUsersController(config: Pick<Config, 'locale' | 'timeZone'>, clock: () => Date) {
  const render = async (res: Response, state: FormState = {}) => {
    const ctx = createPresentContext(config, clock());
    const me = currentUser(res);
    const users = await listUsers();
    const values = state.values ?? { role: 'editor' };
    res.render('pages/admin/users', {
      pageTitle: ctx.t('admin.users.title'),
      users: users.map((u) => ({
        ...u,
        roleLabel: ctx.t(`role.${u.role}`),
        created: presentDate(ctx, u.createdAt, 'day'),
        isMe: u.id === me?.id,
        resetError: state.resetFor?.id === u.id ? state.resetFor.error : undefined,
      })),
      values,
      roles: USER_ROLES.map((role) => ({ value: role, label: ctx.t(`role.${role}`), selected: role === values.role })),
      errors: state.errors,
      hasErrors: state.errors !== undefined && Object.keys(state.errors).length > 0,
    });
  };

  return {
    list: async (_req: Request, res: Response) => {
      await render(res);
    },

    create: async (_req: Request, res: Response) => {
      const form = validatedBody(res, createUserSchema);
      const created = await createUser(form);
      _req.log.info({ userId: created.id, role: created.role }, 'user created');
      noteSaved(_req, 'user-created');
      res.redirect(303, USERS_PATH);
    },

    /** A refused creation: the form again, 422, a message per field, everything kept but the password. */
    rejectedCreate: async (err: unknown, req: Request, res: Response, next: NextFunction) => {
      if (!isAppError(err) || (err.code !== 'VALIDATION' && err.code !== 'CONFLICT') || !err.details) {
        next(err);
        return;
      }
      const t = createPresentContext(config, clock()).t;
      res.status(422);
      await render(res, {
        values: { email: rawField(req, 'email'), name: rawField(req, 'name'), role: rawField(req, 'role') },
        errors: fieldMessages(t, err.details),
      });
    },

    /** Disabling ends someone's access at once: a page asks first, its button is the POST. */
    confirmDisable: async (req: Request<{ id: string }>, res: Response) => {
      const ctx = createPresentContext(config, clock());
      const user = (await listUsers()).find((u) => u.id === req.params.id);
      if (!user) throw new AppError({ code: 'NOT_FOUND', message: 'No such user' });
      res.render('pages/editor/confirm', {
        pageTitle: ctx.t('admin.users.disable'),
        heading: ctx.t('confirm.disable_user.title'),
        question: ctx.t('confirm.disable_user.question', { name: user.name, email: user.email }),
        action: `${USERS_PATH}/${user.id}/disable`,
        confirmLabel: ctx.t('admin.users.disable'),
        back: { href: USERS_PATH, text: ctx.t('admin.users.title') },
      });
    },

    disable: async (req: Request<{ id: string }>, res: Response) => {
      await disableUser(req.params.id, currentUser(res)?.id ?? '');
      noteSaved(req, 'user-disabled');
      res.redirect(303, USERS_PATH);
    },

    resetPassword: async (req: Request<{ id: string }>, res: Response) => {
      const form = validatedBody(res, resetPasswordSchema);
      await resetPassword(req.params.id, form.password);
      noteSaved(req, 'password-reset');
      res.redirect(303, USERS_PATH);
    },

    rejectedReset: async (err: unknown, req: Request<{ id: string }>, res: Response, next: NextFunction) => {
      if (!isAppError(err) || err.code !== 'VALIDATION' || !err.details) {
        next(err);
        return;
      }
      const t = createPresentContext(config, clock()).t;
      res.status(422);
      await render(res, { resetFor: { id: req.params.id, error: fieldMessages(t, err.details).password ?? t('form.invalid') } });
    },
  };
}
