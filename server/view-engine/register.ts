import path from 'node:path';
import type { Express } from 'express';
import { create } from 'express-handlebars';
import type { Config } from '../config';
import { createTranslator } from '../i18n';
import type { Logger } from '../logger';
import { makeAssetHelper } from './helpers/asset.helper';
import { makeDateHelper } from './helpers/date.helper';
import { eq } from './helpers/eq.helper';
import { fieldState } from './helpers/field-state.helper';
import { makeFactorHelper } from './helpers/factor.helper';
import { makeIsoDateHelper } from './helpers/iso-date.helper';
import { makeMoneyHelper } from './helpers/money.helper';
import { makeNumberHelper } from './helpers/number.helper';
import { makePercentHelper } from './helpers/percent.helper';
import { makeSignedNumberHelper } from './helpers/signed-number.helper';
import { makeTranslateHelper } from './helpers/t.helper';

export interface ViewEngineOptions {
  viewsDir: string;
  publicDir: string;
  config: Pick<Config, 'locale' | 'timeZone' | 'watchTemplates'>;
  logger?: Pick<Logger, 'warn'>;
}

export function registerViewEngine(app: Express, { viewsDir, publicDir, config, logger }: ViewEngineOptions): void {
  const format = { locale: config.locale, timeZone: config.timeZone, logger };
  const hbs = create({
    extname: '.hbs',
    defaultLayout: 'main',
    layoutsDir: path.join(viewsDir, 'layouts'),
    partialsDir: path.join(viewsDir, 'partials'),
    helpers: {
      t: makeTranslateHelper(createTranslator(config.locale)),
      asset: makeAssetHelper(publicDir),
      eq,
      fieldState,
      number: makeNumberHelper(format),
      percent: makePercentHelper(format),
      factor: makeFactorHelper(format),
      signedNumber: makeSignedNumberHelper(format),
      money: makeMoneyHelper(format),
      date: makeDateHelper(format),
      isoDate: makeIsoDateHelper(format),
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
  // Templates, layouts and partials are read and compiled once, in every mode: compiling on
  // each request made development pages ~3x slower than production. Only the explicit watch
  // mode (ECART_WATCH_TEMPLATES, `npm run dev`) re-reads them, so template edits show on reload.
  app.set('view cache', !config.watchTemplates);
  app.locals.lang = config.locale;
  // Compiled ahead, so even the first request of each page is not the one that pays for it
  // (index.ts waits for this before listening).
  app.locals.templatesReady = config.watchTemplates
    ? Promise.resolve()
    : Promise.all([hbs.getTemplates(viewsDir, { cache: true }), hbs.getPartials({ cache: true })]).then(
        () => undefined,
        (err: unknown) => logger?.warn({ err }, 'templates could not be compiled ahead; they will be on first use'),
      );
}
