import type { Locale } from '../config';
import { en } from './locales/en';
import { fr, type MessageKey } from './locales/fr';

export type { MessageKey };
export type Translate = (key: MessageKey, vars?: Record<string, string | number>) => string;

const catalogues: Record<Locale, Record<MessageKey, string>> = { fr, en };

export function isMessageKey(key: string): key is MessageKey {
  return Object.prototype.hasOwnProperty.call(fr, key);
}

/** The one translation function every UI string goes through. `{name}` placeholders are filled from vars. */
export function createTranslator(locale: Locale): Translate {
  const messages = catalogues[locale];
  return (key, vars) => {
    const template = messages[key];
    if (!vars) return template;
    return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
      Object.prototype.hasOwnProperty.call(vars, name) ? String(vars[name]) : whole,
    );
  };
}
