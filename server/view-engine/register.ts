import path from 'node:path';
import type { Express } from 'express';
import { create } from 'express-handlebars';
import type { Config } from '../config';
import { createTranslator } from '../i18n';
import { makeAssetHelper } from './helpers/asset.helper';
import { makeTranslateHelper } from './helpers/t.helper';

export interface ViewEngineOptions {
  viewsDir: string;
  publicDir: string;
  config: Pick<Config, 'locale' | 'env'>;
}

export function registerViewEngine(app: Express, { viewsDir, publicDir, config }: ViewEngineOptions): void {
  const hbs = create({
    extname: '.hbs',
    defaultLayout: 'main',
    layoutsDir: path.join(viewsDir, 'layouts'),
    partialsDir: path.join(viewsDir, 'partials'),
    helpers: {
      t: makeTranslateHelper(createTranslator(config.locale)),
      asset: makeAssetHelper(publicDir),
    },
  });
  // express-handlebars' engine calls back and also returns a promise, which can reject
  // (e.g. a broken partials directory) without calling back: route both to Express, once.
  app.engine('.hbs', (file, options, callback) => {
    let settled = false;
    const done = (err: unknown, html?: string) => {
      if (settled) return;
      settled = true;
      callback(err, html);
    };
    hbs.engine(file, options, done).catch((err: unknown) => done(err));
  });
  app.set('view engine', '.hbs');
  app.set('views', viewsDir);
  // Templates are read once in production; in development edits show on reload.
  app.set('view cache', config.env === 'production');
  app.locals.lang = config.locale;
}
