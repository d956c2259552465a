import type { Request, RequestHandler } from 'express';

/**
 * What an editor's save can announce on the page it redirects to. A fixed list: the session
 * carries a key, never text, so nothing typed or forged can reach the page through it.
 */
export const SAVED_NOTICES = [
  'claim-created',
  'claim-saved',
  'claim-published',
  'claim-unpublished',
  'claim-deleted',
  'measurement-added',
  'measurement-saved',
  'measurement-removed',
  'source-archived',
  'timeline-added',
  'verdict-saved',
  'speaker-created',
  'speaker-saved',
  'topic-created',
  'topic-saved',
  'user-created',
  'user-disabled',
  'password-reset',
  'source-created',
  'source-saved',
  'source-deleted',
  'source-proposed',
  'source-unchanged',
  'source-failed',
  'source-busy',
  'proposal-approved',
  'proposal-rejected',
] as const;
export type SavedNotice = (typeof SAVED_NOTICES)[number];

declare module 'express-session' {
  interface SessionData {
    /** Set by a save, shown once by the next page (a flash): the public site stays cookie-free. */
    savedNotice?: string;
  }
}

/** Called by a controller just before it redirects after a successful save. */
export function noteSaved(req: Request, notice: SavedNotice): void {
  req.session.savedNotice = notice;
}

/**
 * Takes the flash off the session on the next page view and leaves its message key where the
 * layout reads it (`savedNotice`), in a status region. An unknown value is dropped silently.
 */
export const takeSavedNotice: RequestHandler = (req, res, next) => {
  const notice = req.session.savedNotice;
  if (req.method === 'GET' && notice !== undefined) {
    delete req.session.savedNotice;
    if ((SAVED_NOTICES as readonly string[]).includes(notice)) res.locals.savedNotice = `saved.${notice}`;
  }
  next();
};
