import type { Locale } from '../config';
import { en } from './locales/en';
import { fr, type MessageKey } from './locales/fr';
import { typeset } from '../view-engine/typography';

export type { MessageKey };
export type Translate = (key: MessageKey, vars?: Record<string, string | number>) => string;

/**
 * Each catalogue set in its language's typography once, at load (see typeset): the French
 * " :" gets its no-break space, a stray « » in English becomes “ ”. Placeholders are filled
 * afterwards, so a value (a name, an address) is never retouched by it.
 */
function typesetCatalogue(locale: Locale, messages: Record<MessageKey, string>): Record<MessageKey, string> {
  return Object.fromEntries(Object.entries(messages).map(([key, text]) => [key, typeset(text, locale)])) as Record<MessageKey, string>;
}

const catalogues: Record<Locale, Record<MessageKey, string>> = { fr: typesetCatalogue('fr', fr), en: typesetCatalogue('en', en) };

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
