import express from 'express';
import Handlebars from 'handlebars';
import request from 'supertest';
import { notFound } from '../../../server/middleware/not-found';
import { errorHandler } from '../../../server/middleware/error-handler';
import { requestLogger } from '../../../server/middleware/request-logger';
import { PUBLIC_DIR, VIEWS_DIR } from '../../../server/paths';
import { registerViewEngine } from '../../../server/view-engine/register';
import { silentLogger, testConfig } from '../../helpers/app';

/** A page through the real view engine: the 404 page, its layout and partials. */
function appIn(env: Record<string, string>) {
  const app = express();
  app.use(requestLogger(silentLogger));
  registerViewEngine(app, { viewsDir: VIEWS_DIR, publicDir: PUBLIC_DIR, config: testConfig(env) });
  app.use(notFound);
  app.use(errorHandler({ exposeDetails: true }));
  return app;
}

describe('template compilation', () => {
  let compile: jest.SpyInstance;
  beforeEach(() => {
    compile = jest.spyOn(Handlebars, 'compile');
  });
  afterEach(() => {
    compile.mockRestore();
  });

  it('when a page is rendered twice in development mode, then its templates are compiled only for the first', async () => {
    const app = appIn({ NODE_ENV: 'development' });
    const first = await request(app).get('/nowhere');
    expect(first.status).toBe(404);
    const compiledForFirst = compile.mock.calls.length;
    expect(compiledForFirst).toBeGreaterThan(0);
    const second = await request(app).get('/elsewhere');
    expect(second.status).toBe(404);
    expect(second.text).toContain('Page introuvable');
    expect(compile.mock.calls.length).toBe(compiledForFirst);
  });

  it('when the template watch mode is on, then every render compiles its templates again', async () => {
    const app = appIn({ NODE_ENV: 'development', ECART_WATCH_TEMPLATES: '1' });
    await request(app).get('/nowhere');
    const compiledForFirst = compile.mock.calls.length;
    expect(compiledForFirst).toBeGreaterThan(0);
    const second = await request(app).get('/elsewhere');
    expect(second.status).toBe(404);
    expect(compile.mock.calls.length).toBeGreaterThanOrEqual(2 * compiledForFirst);
  });
});
