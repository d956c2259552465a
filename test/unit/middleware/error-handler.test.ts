import express from 'express';
import request from 'supertest';
import { AppError, type ErrorCode } from '../../../server/errors';
import { errorHandler, errorLogLevel, statusForError } from '../../../server/middleware/error-handler';
import { accessLogLevel, requestLogger } from '../../../server/middleware/request-logger';
import { PUBLIC_DIR, VIEWS_DIR } from '../../../server/paths';
import { registerViewEngine } from '../../../server/view-engine/register';
import { silentLogger, testConfig } from '../../helpers/app';

function appThrowing(err: unknown, exposeDetails = false) {
  const app = express();
  app.use(requestLogger(silentLogger));
  registerViewEngine(app, { viewsDir: VIEWS_DIR, publicDir: PUBLIC_DIR, config: testConfig() });
  app.get('/boom', () => {
    throw err;
  });
  app.use(errorHandler({ exposeDetails }));
  return app;
}

describe('error handler', () => {
  it.each<[ErrorCode, number, string]>([
    ['NOT_FOUND', 404, 'Page introuvable'],
    ['CONFLICT', 409, 'Conflit'],
    ['PAYLOAD_TOO_LARGE', 413, 'Envoi trop volumineux'],
    ['VALIDATION', 422, 'Données invalides'],
    ['BAD_REQUEST', 400, 'Requête invalide'],
    ['FORBIDDEN', 403, 'Accès refusé'],
    ['INTERNAL', 500, 'Erreur du serveur'],
  ])('when a handler throws AppError %s, then the status is %i with its French page', async (code, status, title) => {
    const res = await request(appThrowing(new AppError({ code, message: 'because' }))).get('/boom');
    expect(res.status).toBe(status);
    expect(res.type).toBe('text/html');
    expect(res.text).toContain(`<h1>${title}</h1>`);
    expect(res.text).toContain('<html lang="fr">');
  });

  it('when an unexpected error is thrown in production, then the page is a 500 that hides the details', async () => {
    const res = await request(appThrowing(new Error('secret stack detail'))).get('/boom');
    expect(res.status).toBe(500);
    expect(res.text).toContain('Erreur du serveur');
    expect(res.text).not.toContain('secret stack detail');
    expect(res.text).toContain(res.headers['x-request-id']);
  });

  it('when an unexpected error is thrown in development, then its message is shown', async () => {
    const res = await request(appThrowing(new Error('visible detail'), true)).get('/boom');
    expect(res.status).toBe(500);
    expect(res.text).toContain('visible detail');
  });

  it('when the client asks for JSON, then the error is JSON with the same status', async () => {
    const res = await request(appThrowing(new AppError({ code: 'CONFLICT', message: 'stale version' })))
      .get('/boom')
      .set('Accept', 'application/json');
    expect(res.status).toBe(409);
    expect(res.body).toEqual({ error: { status: 409, message: 'stale version', requestId: res.headers['x-request-id'] } });
  });

  it('when middleware raises an error carrying a 4xx status, then that status is kept', () => {
    expect(statusForError(Object.assign(new Error('too big'), { status: 413 }))).toBe(413);
    expect(statusForError(Object.assign(new Error('bad json'), { statusCode: 400 }))).toBe(400);
    expect(statusForError(Object.assign(new Error('weird'), { status: 502 }))).toBe(500);
    expect(statusForError('a string')).toBe(500);
  });

  it('when a status has no page of its own, then the generic page shows a fitting title', async () => {
    const res = await request(appThrowing(Object.assign(new Error('nope'), { status: 405 }))).get('/boom');
    expect(res.status).toBe(405);
    expect(res.text).toContain('Requête invalide');
  });
});

describe('error log levels', () => {
  it.each<[string, number, string, unknown]>([
    ['a refused form', 422, 'info', new AppError({ code: 'VALIDATION', message: 'bad' })],
    ['a missing page', 404, 'info', new AppError({ code: 'NOT_FOUND', message: 'none' })],
    ['a database not ready', 503, 'warn', new AppError({ code: 'UNAVAILABLE', message: 'not ready' })],
    ['an internal AppError', 500, 'error', new AppError({ code: 'INTERNAL', message: 'bug' })],
    ['an unexpected exception', 500, 'error', new TypeError('x is undefined')],
  ])('when the error handler gets %s (%i), then it logs at %s', (_what, status, level, err) => {
    expect(errorLogLevel(status, err)).toBe(level);
  });
});

describe('access log levels', () => {
  it.each<[number, boolean, boolean, string]>([
    [200, false, false, 'info'],
    [404, false, false, 'info'],
    [422, false, false, 'info'],
    [304, false, false, 'debug'],
    [200, false, true, 'debug'],
    [501, false, false, 'warn'],
    [503, false, false, 'warn'],
    [500, false, false, 'error'],
    [502, false, false, 'error'],
    [200, true, false, 'error'],
  ])('when a response has status %i (error: %s, from the render cache: %s), then it is logged at %s', (status, failed, cached, level) => {
    expect(accessLogLevel(status, failed ? new Error('boom') : undefined, cached)).toBe(level);
  });
});
