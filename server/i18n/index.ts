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

type PluralBase<K> = K extends `${infer Base}.other` ? Base : never;
export type PluralKey = PluralBase<MessageKey>;

/**
 * `{base}.one` / `{base}.other` chosen with the locale's plural rules (French counts 0 and 1
 * as singular, English only 1); `{count}` is filled with the formatted number.
 */
export function createPluralTranslator(locale: Locale, translate: Translate) {
  const rules = new Intl.PluralRules(locale);
  const numbers = new Intl.NumberFormat(locale);
  return (base: PluralKey, count: number, vars: Record<string, string | number> = {}): string => {
    const form = rules.select(count) === 'one' ? 'one' : 'other';
    const key = `${base}.${form}`;
    return translate(isMessageKey(key) ? key : (`${base}.other` as MessageKey), { ...vars, count: numbers.format(count) });
  };
}
